package fakes

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TelegramOptions configures a fake Telegram Bot API. Zero values take the
// defaults named on each field.
type TelegramOptions struct {
	// Token is the bot token the fake accepts in /bot<token>/<method>.
	// Other tokens get 401 Unauthorized. Empty accepts any token.
	Token string
	// Chats are the chats the bot is in: numeric IDs ("-1001234567890",
	// "7"), public usernames ("@news"), or both joined by '='
	// ("@news=-1001234567890"). Other chats answer 400 "chat not found".
	Chats []string
	// ChatTypes sets the type of a chat ("channel", "supergroup",
	// "group", "private"), keyed as in Chats. By default positive IDs are
	// private chats, IDs starting -100 and usernames are channels, and
	// other negative IDs are groups.
	ChatTypes map[string]string
	// Admins lists the users getChatMember and getChatAdministrators
	// report as administrators, per chat (keyed as in Chats).
	Admins map[string][]int64
	// PerChatInterval is the least spacing of messages to one chat
	// (default 1s; negative: none).
	PerChatInterval time.Duration
	// PerChatBurst is how many messages a chat takes back to back before
	// the spacing applies (default 1: no burst).
	PerChatBurst int
	// GroupLimit is how many messages a group or channel takes per
	// GroupWindow (default 20; negative: no limit).
	GroupLimit int
	// GroupWindow is the sliding window of GroupLimit (default 1m).
	GroupWindow time.Duration
	// GlobalLimit is how many messages the bot may send per GlobalWindow
	// over all chats (default 30; negative: no limit).
	GlobalLimit int
	// GlobalWindow is the sliding window of GlobalLimit (default 1s).
	GlobalWindow time.Duration
	// PaidLimit is how many paid broadcasts (allow_paid_broadcast) the
	// bot may send per GlobalWindow instead of GlobalLimit (default
	// 1000).
	PaidLimit int
	// BotUsername is the bot's username (default "news_bot").
	BotUsername string
	// BotID is the bot's user ID (default: the number before ':' in
	// Token, else 42).
	BotID int64
	// LongPoll caps how long getUpdates waits for updates (default
	// 200ms), whatever timeout the client asks for.
	LongPoll time.Duration
	// WebhookClient is the client the fake POSTs updates to the webhook
	// with. setWebhook takes only https URLs on Telegram's ports, as
	// Telegram does, so tests point the client's Transport at their own
	// server (RewriteTransport). Default: a client with a 10 s timeout.
	WebhookClient *http.Client
	// WebhookAttempts is how many times the fake POSTs an update to the
	// webhook before it gives up on the update (default 3).
	WebhookAttempts int
	// WebhookRetryDelay is the wait before the second attempt, doubled
	// before each further one (default 50ms).
	WebhookRetryDelay time.Duration
}

func (o *TelegramOptions) defaults() {
	switch {
	case o.PerChatInterval == 0:
		o.PerChatInterval = time.Second
	case o.PerChatInterval < 0:
		o.PerChatInterval = 0
	}
	if o.PerChatBurst < 1 {
		o.PerChatBurst = 1
	}
	if o.GroupLimit == 0 {
		o.GroupLimit = 20
	}
	if o.GroupWindow <= 0 {
		o.GroupWindow = time.Minute
	}
	if o.GlobalLimit == 0 {
		o.GlobalLimit = 30
	}
	if o.GlobalWindow <= 0 {
		o.GlobalWindow = time.Second
	}
	if o.PaidLimit == 0 {
		o.PaidLimit = 1000
	}
	if o.BotUsername == "" {
		o.BotUsername = "news_bot"
	}
	if o.BotID == 0 {
		o.BotID = 42
		if id, _, ok := strings.Cut(o.Token, ":"); ok {
			if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
				o.BotID = n
			}
		}
	}
	if o.LongPoll <= 0 {
		o.LongPoll = 200 * time.Millisecond
	}
	if o.WebhookClient == nil {
		o.WebhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.WebhookAttempts < 1 {
		o.WebhookAttempts = 3
	}
	if o.WebhookRetryDelay <= 0 {
		o.WebhookRetryDelay = 50 * time.Millisecond
	}
}

// Telegram is a fake Telegram Bot API on 127.0.0.1. It is safe for
// concurrent use.
type Telegram struct {
	opts     TelegramOptions
	srv      *httptest.Server
	rec      recorder
	handlers map[string]tgHandler

	mu           sync.Mutex
	chats        map[int64]*tgChat
	names        map[string]*tgChat // by lower-case username, without '@'
	nextSynthID  int64
	messages     []*tgMessage
	edits        []TelegramMessage
	global       slidingWindow
	paid         slidingWindow
	paidSent     int
	rateLimited  int
	failNext     []tgFailure
	failEdit     []tgFailure
	deletions    []TelegramDeletion
	updates      []tgUpdate
	nextUpdateID int
	offsets      []int
	pollGen      int
	changed      chan struct{} // closed and replaced on every change getUpdates waits for
	webhook      string
	hook         tgWebhook
	deliveries   []TelegramWebhookDelivery
	stopDeliver  context.CancelFunc
	delivered    chan struct{} // closed when the delivery loop ends
	commands     map[string]json.RawMessage
	callbacks    map[string]*tgCallback // queued callback queries by ID
	answers      []TelegramCallbackAnswer
	nextQueryID  uint64
	closed       bool
}

// TelegramMessage is a message the fake accepted.
type TelegramMessage struct {
	MessageID int
	// Chat is chat_id as sent; ChatID is the chat's numeric ID.
	Chat   string
	ChatID int64
	// Method is sendMessage, sendPhoto or, for edits, editMessageText.
	Method string
	// Text is the text or caption as sent (HTML, when ParseMode is HTML).
	Text string
	// Plain is the text after entity parsing, as readers see it.
	Plain     string
	Entities  []TelegramEntity
	ParseMode string
	// Params holds every form field as sent; an uploaded file appears as
	// "upload:<file name>".
	Params map[string]string
	// ReplyTo is the message_id the message replies to (from
	// reply_to_message_id or reply_parameters), 0 for none or when a
	// missing message was let through by allow_sending_without_reply.
	ReplyTo int
	// DisableNotification is true when the message was sent with
	// disable_notification, to arrive without a sound.
	DisableNotification bool
	Created             time.Time
	// Deleted is when the message was deleted; zero while it exists.
	Deleted time.Time
}

// TelegramDeletion is an accepted deleteMessage call.
type TelegramDeletion struct {
	// Chat is chat_id as sent; ChatID is the chat's numeric ID.
	Chat      string
	ChatID    int64
	MessageID int
	Time      time.Time
}

type tgChat struct {
	id         int64
	username   string
	typ        string
	admins     []int64
	nextMsgID  int
	spacing    spacing
	group      slidingWindow
	migratedTo int64
	kicked     bool
	blocked    bool
	// incoming holds the messages queued in updates, by message_id, so
	// that replies to them can be checked and rendered.
	incoming map[int]json.RawMessage
}

// tgMessage is a stored message: as sent, and as it reads now.
type tgMessage struct {
	TelegramMessage
	plain  string
	ents   []TelegramEntity
	markup json.RawMessage
	edited time.Time
	// replied is the message it replies to, as shown in reply_to_message.
	replied json.RawMessage
}

type tgFailure struct {
	code        int
	description string
	retryAfter  int
}

type tgUpdate struct {
	id  int
	raw json.RawMessage
}

// NewTelegram starts a fake Telegram Bot API on 127.0.0.1. Close it when
// done.
func NewTelegram(opts TelegramOptions) *Telegram {
	opts.defaults()
	t := &Telegram{
		opts:         opts,
		chats:        make(map[int64]*tgChat),
		names:        make(map[string]*tgChat),
		nextSynthID:  -1009000000000,
		global:       slidingWindow{limit: opts.GlobalLimit, window: opts.GlobalWindow},
		paid:         slidingWindow{limit: opts.PaidLimit, window: opts.GlobalWindow},
		nextUpdateID: 1000,
		changed:      make(chan struct{}),
		commands:     make(map[string]json.RawMessage),
		callbacks:    make(map[string]*tgCallback),
		nextQueryID:  4382000000000000000,
		handlers:     telegramMethods(),
	}
	for _, c := range opts.Chats {
		t.addChat(c)
	}
	// Assigned before the server starts, so handlers see it without a race.
	t.srv = httptest.NewUnstartedServer(http.HandlerFunc(t.serveHTTP))
	t.srv.Start()
	ctx, stop := context.WithCancel(context.Background())
	t.stopDeliver, t.delivered = stop, make(chan struct{})
	go t.deliverLoop(ctx)
	return t
}

// addChat makes a chat known from its Chats spelling. t.mu is held or t
// is not shared yet.
func (t *Telegram) addChat(spec string) *tgChat {
	name, idText := "", spec
	if strings.HasPrefix(spec, "@") {
		name, idText, _ = strings.Cut(spec[1:], "=")
	} else if i := strings.Index(spec, "="); i >= 0 {
		idText, name = spec[:i], strings.TrimPrefix(spec[i+1:], "@")
	}
	var id int64
	if idText != "" {
		n, err := strconv.ParseInt(idText, 10, 64)
		if err != nil || n == 0 {
			return nil
		}
		id = n
	} else {
		id = t.nextSynthID
		t.nextSynthID--
	}
	c := t.chats[id]
	if c == nil {
		c = &tgChat{
			id:       id,
			typ:      defaultChatType(id, name),
			group:    slidingWindow{limit: t.opts.GroupLimit, window: t.opts.GroupWindow},
			incoming: make(map[int]json.RawMessage),
		}
		t.chats[id] = c
	}
	if name != "" {
		c.username = name
		t.names[strings.ToLower(name)] = c
	}
	for _, key := range []string{spec, "@" + name, strconv.FormatInt(id, 10)} {
		if typ, ok := t.opts.ChatTypes[key]; ok {
			c.typ = typ
		}
		if a, ok := t.opts.Admins[key]; ok {
			c.admins = a
		}
	}
	return c
}

func defaultChatType(id int64, name string) string {
	switch {
	case id > 0:
		return "private"
	case name != "" || strings.HasPrefix(strconv.FormatInt(id, 10), "-100"):
		return "channel"
	}
	return "group"
}

// chat finds a chat by chat_id: a numeric ID or an @username. t.mu is
// held.
func (t *Telegram) chat(chatID string) *tgChat {
	if name, ok := strings.CutPrefix(chatID, "@"); ok {
		return t.names[strings.ToLower(name)]
	}
	id, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return nil
	}
	return t.chats[id]
}

// URL returns the base URL; requests go to URL()+"/bot<token>/<method>".
func (t *Telegram) URL() string { return t.srv.URL }

// Endpoint returns the endpoint format tgbotapi.NewBotAPIWithClient
// takes: URL()+"/bot%s/%s".
func (t *Telegram) Endpoint() string { return t.srv.URL + "/bot%s/%s" }

// Close ends waiting getUpdates calls and webhook deliveries, and stops
// the server.
func (t *Telegram) Close() {
	t.mu.Lock()
	t.closed = true
	t.broadcast()
	t.mu.Unlock()
	t.stopDeliver()
	<-t.delivered
	t.srv.Close()
}

// Messages returns the messages accepted for a chat, named by numeric ID
// or @username whichever way they were sent, in order.
func (t *Telegram) Messages(chat string) []TelegramMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.chat(chat)
	var out []TelegramMessage
	for _, m := range t.messages {
		if c != nil && m.ChatID == c.id || c == nil && m.Chat == chat {
			out = append(out, m.TelegramMessage)
		}
	}
	return out
}

// AllMessages returns every accepted message, in order.
func (t *Telegram) AllMessages() []TelegramMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]TelegramMessage, len(t.messages))
	for i, m := range t.messages {
		out[i] = m.TelegramMessage
	}
	return out
}

// MessageCount returns how many messages were sent, deleted ones
// included: AllMessages' length, without the copy.
func (t *Telegram) MessageCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.messages)
}

// Edits returns the accepted editMessageText calls, in order.
func (t *Telegram) Edits() []TelegramMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.edits)
}

// Deletions returns the accepted deleteMessage calls, in order.
func (t *Telegram) Deletions() []TelegramDeletion {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.deletions)
}

// Backdate makes a message the bot sent to chat look sent by earlier, as
// the 48-hour limit on deleting messages sees it.
func (t *Telegram) Backdate(chat string, messageID int, by time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if m := t.sent(t.chat(chat), messageID); m != nil {
		m.Created = m.Created.Add(-by)
	}
}

// sent finds a message the bot sent to chat and has not deleted. t.mu is
// held.
func (t *Telegram) sent(chat *tgChat, messageID int) *tgMessage {
	if chat == nil {
		return nil
	}
	for _, m := range t.messages {
		if m.ChatID == chat.id && m.MessageID == messageID && m.Deleted.IsZero() {
			return m
		}
	}
	return nil
}

// PaidBroadcasts reports how many messages were sent as paid broadcasts,
// each of which costs the bot's owner Telegram Stars.
func (t *Telegram) PaidBroadcasts() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.paidSent
}

// RateLimited reports how many 429 answers the fake gave.
func (t *Telegram) RateLimited() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rateLimited
}

// FailNext makes the next n sendMessage or sendPhoto calls fail with
// errorCode and description, before any check or limit, without storing a
// message. A retryAfter above 0 is sent as parameters.retry_after; a 429
// counts in RateLimited.
func (t *Telegram) FailNext(n int, errorCode int, description string, retryAfter int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for range n {
		t.failNext = append(t.failNext, tgFailure{errorCode, description, retryAfter})
	}
}

// FailNextEdit makes the next n editMessageText or deleteMessage calls
// fail as FailNext makes sends fail: before any check or limit, changing
// nothing.
func (t *Telegram) FailNextEdit(n int, errorCode int, description string, retryAfter int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for range n {
		t.failEdit = append(t.failEdit, tgFailure{errorCode, description, retryAfter})
	}
}

// Migrate turns a group into a supergroup with a new ID, as Telegram does:
// sends to the old chat answer 400 with migrate_to_chat_id, and newChat
// becomes a known supergroup.
func (t *Telegram) Migrate(oldChat, newChat string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.chat(oldChat)
	nc := t.addChat(newChat)
	if old == nil || nc == nil {
		return
	}
	nc.typ = "supergroup"
	old.migratedTo = nc.id
}

// Kick removes the bot from a chat (or, for a private chat, has the user
// block it): sends answer 403 Forbidden from then on.
func (t *Telegram) Kick(chat string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.chat(chat); c != nil {
		c.kicked = true
	}
}

// Block has the user of a private chat block the bot: sendMessage,
// sendPhoto, editMessageText and deleteMessage answer 403 "Forbidden: bot was
// blocked by the user" until Unblock. It does nothing to other chats (use
// Kick for groups and channels).
func (t *Telegram) Block(chat string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.chat(chat); c != nil && c.typ == "private" {
		c.blocked = true
	}
}

// Unblock undoes Block.
func (t *Telegram) Unblock(chat string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.chat(chat); c != nil {
		c.blocked = false
	}
}

// Offsets returns the offset of every getUpdates call, 0 when absent.
func (t *Telegram) Offsets() []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.offsets)
}

// Webhook returns the URL set by setWebhook, or "".
func (t *Telegram) Webhook() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.webhook
}

// TelegramCommand is a bot command as setMyCommands takes it.
type TelegramCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Commands returns the commands set for a scope: its type ("default",
// "all_private_chats", "all_group_chats", "all_chat_administrators",
// "chat", "chat_administrators", "chat_member"), then ":"+chat_id and
// ":"+user_id when the scope has them, then "/"+language_code when one
// was given.
func (t *Telegram) Commands(scope string) []TelegramCommand {
	t.mu.Lock()
	raw := t.commands[scope]
	t.mu.Unlock()
	var out []TelegramCommand
	json.Unmarshal(raw, &out)
	return out
}

// Requests returns every request received, in order.
func (t *Telegram) Requests() []Request { return t.rec.requests() }

// Unexpected returns the requests for methods the fake does not know.
func (t *Telegram) Unexpected() []Request { return t.rec.unexpectedRequests() }

// broadcast wakes whoever waits for a change. t.mu is held.
func (t *Telegram) broadcast() {
	close(t.changed)
	t.changed = make(chan struct{})
}

func (t *Telegram) botUser() map[string]any {
	return map[string]any{
		"id": t.opts.BotID, "is_bot": true, "first_name": "News", "username": t.opts.BotUsername,
	}
}

func (c *tgChat) json() map[string]any {
	m := map[string]any{"id": c.id, "type": c.typ}
	if c.typ == "private" {
		m["first_name"] = "User " + strconv.FormatInt(c.id, 10)
	} else {
		m["title"] = "Chat " + strconv.FormatInt(c.id, 10)
		if c.username != "" {
			m["title"] = c.username
		}
	}
	if c.username != "" {
		m["username"] = c.username
	}
	return m
}

func tgResult(v any) response {
	return jsonResponse(http.StatusOK, map[string]any{"ok": true, "result": v})
}

// tgError is a Bot API error: {"ok":false,"error_code":...}. The HTTP
// status is the error code, as on Telegram.
func tgError(code int, description string, parameters map[string]any) response {
	body := map[string]any{"ok": false, "error_code": code, "description": description}
	if parameters != nil {
		body["parameters"] = parameters
	}
	status := code
	if status < 400 || status > 599 {
		status = http.StatusBadRequest
	}
	return jsonResponse(status, body)
}

func badRequest(description string) response {
	return tgError(http.StatusBadRequest, "Bad Request: "+description, nil)
}
