// Package telegram posts articles to Telegram chats and channels through the
// Bot API (github.com/go-telegram-bot-api/telegram-bot-api/v5), paced below
// Telegram's limits.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/internal/pace"
)

// DefaultAPIURL is the public Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// Telegram's documented flood limits (Bots FAQ): about one message a
// second per chat, 20 a minute per group or channel, 30 a second per bot.
// A chat's spacing counts from the end of the previous send, and the bot's
// window from the answers of the sends before (see pace.Window), so both
// hold whatever the latency, and a fan-out runs at the bot's limit.
const (
	privateChatInterval = time.Second
	groupInterval       = 3 * time.Second
	botLimit            = 30
)

// Options configure a Bot.
type Options struct {
	Token string
	// APIURL is the Bot API server; requests go to APIURL/bot<token>/<method>.
	APIURL string
	// Timeout bounds each request.
	Timeout time.Duration
	Log     *slog.Logger
	// PaidBroadcast sends posts with allow_paid_broadcast: Telegram then
	// lifts the bot's limit of about 30 messages a second to 1,000, and
	// charges the bot's owner Telegram Stars for each message. Each
	// chat's own limits still apply; replies to commands are never paid.
	PaidBroadcast bool
}

// paidLimit is how many paid broadcasts Telegram takes a second.
const paidLimit = 1000

// Bot is a Telegram bot that posts articles.
type Bot struct {
	token    string
	endpoint string
	client   *redactingClient
	log      *slog.Logger

	apiMu sync.Mutex
	api   *tgbotapi.BotAPI

	global *pace.Window
	// paid paces paid broadcasts instead of global; nil when posts are
	// not paid.
	paid  *pace.Window
	mu    sync.Mutex
	chats map[string]*spacing
	// started is when the bot was made. The process before this one may
	// have posted to a chat just before it stopped, so no chat is sent to
	// sooner than one interval after start.
	started time.Time
}

// New prepares a bot; it makes no request until the first call that needs
// one. ctx bounds every request the bot makes.
func New(ctx context.Context, opts Options) *Bot {
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	client := &redactingClient{
		ctx:    ctx,
		client: &http.Client{Timeout: opts.Timeout},
		secret: opts.Token,
	}
	// The endpoint is a Printf format: escape any % in the base URL.
	endpoint := strings.ReplaceAll(strings.TrimSuffix(opts.APIURL, "/"), "%", "%%") + "/bot%s/%s"
	var paid *pace.Window
	if opts.PaidBroadcast {
		paid = pace.NewWindow(paidLimit, time.Second)
	}
	return &Bot{
		paid:     paid,
		token:    opts.Token,
		endpoint: endpoint,
		client:   client,
		log:      opts.Log,
		global:   pace.NewWindow(botLimit, time.Second),
		chats:    make(map[string]*spacing),
		started:  time.Now(),
	}
}

// TakeOver paces the bot as if another process had sent through its token
// until at, as one that held the token's sends before this one may have:
// the bot-wide window counts as used up at at, and no chat is sent to
// sooner than one interval after it.
func (b *Bot) TakeOver(at time.Time) {
	b.global.Spent(at)
	if b.paid != nil {
		b.paid.Spent(at)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.started = at
	clear(b.chats)
}

// connect returns the library's client, creating it on first use. The
// library checks the token with getMe when it is created; a failure is
// returned and tried again on the next call.
func (b *Bot) connect() (*tgbotapi.BotAPI, error) {
	b.apiMu.Lock()
	defer b.apiMu.Unlock()
	if b.api != nil {
		return b.api, nil
	}
	api, err := tgbotapi.NewBotAPIWithClient(b.token, b.endpoint, b.client)
	if err != nil {
		return nil, fmt.Errorf("telegram getMe: %w", describe(err))
	}
	b.api = api
	return api, nil
}

// Me checks the token with getMe, Telegram's identity endpoint, and returns
// the bot's user.
func (b *Bot) Me(ctx context.Context) (tgbotapi.User, error) {
	api, err := b.connect()
	if err != nil {
		return tgbotapi.User{}, err
	}
	return api.Self, nil
}

// IsUnauthorized reports whether err says the token was refused.
func IsUnauthorized(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusUnauthorized
}

// Chat describes a chat the bot can post to; for `herald check`.
func (b *Bot) Chat(ctx context.Context, chat string) (tgbotapi.Chat, error) {
	api, err := b.connect()
	if err != nil {
		return tgbotapi.Chat{}, err
	}
	resp, err := api.MakeRequest("getChat", tgbotapi.Params{"chat_id": chat})
	if err != nil {
		return tgbotapi.Chat{}, fmt.Errorf("telegram getChat %s: %w", chat, describe(err))
	}
	var c tgbotapi.Chat
	if err := json.Unmarshal(resp.Result, &c); err != nil {
		return tgbotapi.Chat{}, fmt.Errorf("telegram getChat %s: %w", chat, err)
	}
	return c, nil
}

// Send posts the delivery's article to its chat, waiting for the chat's and
// the bot's pace first, without a notification when the delivery is
// silent.
func (b *Bot) Send(ctx context.Context, d herald.Delivery) (string, error) {
	return b.sendMessage(ctx, d.Target.Chat, formatter.TelegramPost(d))
}

// sendMessage sends a rendered message to chat and returns its ID.
func (b *Bot) sendMessage(ctx context.Context, chat string, m formatter.TelegramMessage) (string, error) {
	params := m.Params()
	params["chat_id"] = chat
	limiter := b.global
	if b.paid != nil {
		params["allow_paid_broadcast"] = "true"
		limiter = b.paid
	}
	api, done, err := b.turn(ctx, chat, limiter)
	if err != nil {
		return "", err
	}
	resp, err := api.MakeRequest("sendMessage", params)
	done()
	if err != nil {
		return "", classify(err)
	}
	var msg struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(resp.Result, &msg); err != nil {
		return "", fmt.Errorf("telegram sendMessage: decode result: %w", err)
	}
	return strconv.Itoa(msg.MessageID), nil
}

// turn paces a call that posts to, edits or deletes in chat, as all of
// them are paced: it waits for the chat's turn, then for the bot's rate
// (limiter: the bot's, or the paid broadcasts'), and returns the
// library's client. The caller makes the call, then calls done to end the
// chat's turn.
func (b *Bot) turn(ctx context.Context, chat string, limiter *pace.Window) (api *tgbotapi.BotAPI, done func(), err error) {
	spacing := b.spacing(chat)
	if err := spacing.wait(ctx); err != nil {
		return nil, nil, err
	}
	sent, err := limiter.Wait(ctx)
	if err != nil {
		spacing.done()
		return nil, nil, err
	}
	api, err = b.connect()
	if err != nil {
		sent()
		spacing.done()
		return nil, nil, err
	}
	return api, func() { sent(); spacing.done() }, nil
}

// spacing returns the pace of one chat: private chats take a message a
// second, groups and channels (negative IDs and @names) 20 a minute.
func (b *Bot) spacing(chat string) *spacing {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.chats[chat]
	if !ok {
		s = &spacing{interval: groupInterval}
		if id, err := strconv.ParseInt(chat, 10, 64); err == nil && id > 0 {
			s.interval = privateChatInterval
		}
		s.next = b.started.Add(s.interval)
		b.chats[chat] = s
	}
	return s
}

// spacing keeps sends to one chat at least interval apart, counted from
// the end of the previous send: Telegram counts arrivals, and a request
// arrives at the latest when its answer comes back, so spacing from the
// answer can never look too close to Telegram, whatever the latency.
type spacing struct {
	interval time.Duration
	mu       sync.Mutex
	next     time.Time
}

// wait takes the chat's turn, waiting until the chat may be sent to again.
// The caller must call done after the send.
func (s *spacing) wait(ctx context.Context) error {
	s.mu.Lock()
	d := time.Until(s.next)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		s.mu.Unlock()
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// done ends the chat's turn.
func (s *spacing) done() {
	s.next = time.Now().Add(s.interval)
	s.mu.Unlock()
}

// classify sorts a Bot API error into the kinds the outbox acts on: a
// rate limit; a chat that moved, as a *herald.MovedError (which wraps a
// *herald.PermanentError, so that a caller that knows nothing of moves
// gives up on the message); a refusal that concerns the chat itself,
// which wraps herald.ErrUnreachable so that the chat is paused; a refusal
// of this one message; or a transient failure.
func classify(err error) error {
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return fmt.Errorf("telegram: %w", err)
	}
	reason := fmt.Sprintf("telegram %d: %s", te.Code, te.Message)
	switch {
	case te.Code == http.StatusTooManyRequests:
		wait := time.Duration(te.RetryAfter) * time.Second
		if wait <= 0 {
			wait = time.Second
		}
		return &herald.RateLimitError{RetryAfter: wait, Err: te}
	case te.MigrateToChatID != 0:
		// A group upgraded to a supergroup: the same chat, a new ID.
		to := herald.Target{Platform: herald.Telegram, Chat: strconv.FormatInt(te.MigrateToChatID, 10)}
		return &herald.MovedError{To: to, Err: &herald.PermanentError{
			Reason: fmt.Sprintf("%s (chat moved to %d)", reason, te.MigrateToChatID), Err: te}}
	case te.Code == http.StatusForbidden, te.Code == http.StatusBadRequest && chatGone(te.Message):
		// Blocked by the user, kicked from the group, never started by
		// the user, or a chat that is gone: nobody will read what is
		// sent there.
		return &herald.PermanentError{Reason: reason, Err: fmt.Errorf("%w: %w", herald.ErrUnreachable, te)}
	case te.Code == http.StatusBadRequest:
		return &herald.PermanentError{Reason: reason, Err: te}
	}
	return fmt.Errorf("telegram %d: %w", te.Code, te)
}

// chatGone reports whether the description of a 400 says the chat itself
// refuses every message: it does not exist (any more), or the bot may not
// post there. Other 400s refuse one message.
func chatGone(description string) bool {
	d := strings.ToLower(description)
	for _, s := range []string{
		"chat not found",
		"group chat was deactivated",
		"peer_id_invalid",
		"chat_write_forbidden",
		"not enough rights to send",
		"have no rights to send",
		"need administrator rights in the channel",
	} {
		if strings.Contains(d, s) {
			return true
		}
	}
	return false
}

// describe makes an error from getMe or getChat read well in `herald check`.
func describe(err error) error {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		switch te.Code {
		case http.StatusUnauthorized:
			return fmt.Errorf("the token was refused (401 %s): check HERALD_TELEGRAM_TOKEN: %w", te.Message, te)
		case http.StatusNotFound:
			return fmt.Errorf("404 %s: check HERALD_TELEGRAM_TOKEN and HERALD_TELEGRAM_API_URL", te.Message)
		}
		return fmt.Errorf("%d %s", te.Code, te.Message)
	}
	return err
}

// redactingClient is the HTTP client the library uses: every request is
// bound to the bot's context, and the token, which Telegram puts in every
// request URL, is cut out of transport errors.
type redactingClient struct {
	ctx    context.Context
	client *http.Client
	secret string
}

func (c *redactingClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.client.Do(req.WithContext(c.ctx))
	if err != nil {
		return nil, Redact(err, c.secret)
	}
	return resp, nil
}

// Redact returns err with every occurrence of secret replaced. A *url.Error
// keeps its type, with the secret cut from its URL, so timeouts are still
// recognised.
func Redact(err error, secret string) error {
	if err == nil || secret == "" {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		inner := ue.Err
		if inner != nil && strings.Contains(inner.Error(), secret) {
			inner = errors.New(strings.ReplaceAll(inner.Error(), secret, "<token>"))
		}
		return &url.Error{Op: ue.Op, URL: strings.ReplaceAll(ue.URL, secret, "<token>"), Err: inner}
	}
	if strings.Contains(err.Error(), secret) {
		return errors.New(strings.ReplaceAll(err.Error(), secret, "<token>"))
	}
	return err
}
