package fakes

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// DiscordOptions configures a fake Discord. Zero values take the defaults
// named on each field.
type DiscordOptions struct {
	// Token is the bot token the fake accepts, sent as "Authorization: Bot
	// <token>". Other tokens get 401. Empty accepts any "Bot ..." token.
	Token string
	// Channels are the guild text channels that exist. Requests for any
	// other channel answer 404 Unknown Channel (code 10003).
	Channels []string
	// ChannelLimit is how many messages a channel takes per ChannelWindow
	// before answering 429 (default 5; negative: no channel limit).
	ChannelLimit int
	// ChannelWindow is the span of the per-channel bucket (default 5s).
	ChannelWindow time.Duration
	// GlobalLimit is how many requests the token may make per GlobalWindow
	// before a global 429 (default 50; negative: no global limit).
	GlobalLimit int
	// GlobalWindow is the span of the global limit (default 1s).
	GlobalWindow time.Duration
	// HeartbeatInterval is the interval announced in the gateway's hello
	// (default 45s).
	HeartbeatInterval time.Duration
	// NonceWindow is how long a nonce sent with enforce_nonce de-duplicates
	// message creation (default 5m).
	NonceWindow time.Duration
	// InteractionDeadline is how long after an INTERACTION_CREATE the
	// initial response is accepted (default 3s).
	InteractionDeadline time.Duration
	// BotID is the bot user's snowflake (default "100").
	BotID string
	// BotUsername is the bot user's name (default "herald").
	BotUsername string
	// ApplicationID is the application's snowflake (default BotID).
	ApplicationID string
	// GuildID is the guild every channel belongs to (default "300").
	GuildID string
	// InteractionKey is the application's Ed25519 key pair, whose public
	// half the developer portal shows: PostInteraction signs with it, and
	// GET oauth2/applications/@me returns the public key as verify_key
	// (default a new random key).
	InteractionKey ed25519.PrivateKey
}

func (o *DiscordOptions) defaults() {
	if o.ChannelLimit == 0 {
		o.ChannelLimit = 5
	}
	if o.ChannelWindow <= 0 {
		o.ChannelWindow = 5 * time.Second
	}
	if o.GlobalLimit == 0 {
		o.GlobalLimit = 50
	}
	if o.GlobalWindow <= 0 {
		o.GlobalWindow = time.Second
	}
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = 45 * time.Second
	}
	if o.NonceWindow <= 0 {
		o.NonceWindow = 5 * time.Minute
	}
	if o.InteractionDeadline <= 0 {
		o.InteractionDeadline = 3 * time.Second
	}
	if o.BotID == "" {
		o.BotID = "100"
	}
	if o.BotUsername == "" {
		o.BotUsername = "herald"
	}
	if o.ApplicationID == "" {
		o.ApplicationID = o.BotID
	}
	if o.GuildID == "" {
		o.GuildID = "300"
	}
	if o.InteractionKey == nil {
		_, o.InteractionKey, _ = ed25519.GenerateKey(rand.Reader)
	}
}

// Discord is a fake Discord: the REST API under /api/v9 and the gateway
// websocket, on one 127.0.0.1 listener. It is safe for concurrent use.
type Discord struct {
	opts   DiscordOptions
	srv    *httptest.Server
	rec    recorder
	gw     gateway
	routes []discordRoute

	mu           sync.Mutex
	ids          snowflakes
	channels     map[string]*discordChannel
	dms          map[string]string // recipient user ID to DM channel ID
	closedDMs    map[string]bool   // users who do not take DMs from the bot
	messages     []*discordMessage
	byID         map[string]*discordMessage
	buckets      map[string]*fixedWindow
	global       slidingWindow
	rateLimited  int
	failNext     []discordFailure
	failAfter    []discordFailure
	failEdit     []discordFailure
	edits        []DiscordEdit
	deletions    []DiscordDeletion
	commands     map[string][]map[string]any // by guild ID, "" for global
	interactions map[string]*interaction     // by interaction ID
	hooks        map[string]*interaction     // by interaction token
	replies      []DiscordReply
}

// DiscordMessage is a message the fake created.
type DiscordMessage struct {
	ID, ChannelID string
	// Content is the content field as sent.
	Content string
	// Body is the decoded JSON body as sent: content, embeds,
	// allowed_mentions, flags, nonce, enforce_nonce ... Treat it as
	// read-only.
	Body map[string]any
	// Raw is the JSON body as sent (of a multipart body, its
	// payload_json part).
	Raw []byte
	// Nonce is the nonce as sent, numbers written in decimal.
	Nonce string
	// Flags is the flags field as sent; 4096 (1<<12) is
	// SUPPRESS_NOTIFICATIONS, a message that notifies nobody.
	Flags int
	// Pinged is what the message pinged when it was created: the
	// mentions in its content that its allowed_mentions let through.
	Pinged DiscordPings
	// Created is when the fake accepted the message.
	Created time.Time
	// Deleted is when the message was deleted; zero while it exists.
	Deleted time.Time
}

// Silent reports whether the message was sent with the
// SUPPRESS_NOTIFICATIONS flag.
func (m DiscordMessage) Silent() bool { return m.Flags&discordSuppressNotifications != 0 }

// discordSuppressNotifications is the SUPPRESS_NOTIFICATIONS message flag.
const discordSuppressNotifications = 1 << 12

// DiscordEdit is an edit of a created message.
type DiscordEdit struct {
	ChannelID, MessageID string
	Body                 map[string]any
	Raw                  []byte
	Time                 time.Time
}

// DiscordDeletion is a deletion of a created message.
type DiscordDeletion struct {
	ChannelID, MessageID string
	Time                 time.Time
}

// DiscordReply is a call answering an interaction: the initial response
// (Kind "callback"), an edit of it ("original"), a follow-up ("followup")
// or an edit of a follow-up ("followup-edit").
type DiscordReply struct {
	InteractionID, Token string
	Kind                 string
	// Type is the interaction response type of a callback (4 message, 5
	// deferred, 8 autocomplete ...), 0 for the other kinds.
	Type int
	Body map[string]any
	Raw  []byte
	Time time.Time
}

type discordChannel struct {
	id        string
	guildID   string
	typ       int
	recipient string
	forbidden bool
}

type discordMessage struct {
	DiscordMessage
	response map[string]any // the message as Discord shows it, edits applied
}

type discordFailure struct {
	status int
	body   string
}

type interaction struct {
	id, token string
	channelID string
	created   time.Time
	acked     bool
	// message is the message a component interaction came from: type 7
	// responses and, after type 6 or 7, @original edit it.
	message   map[string]any
	original  map[string]any            // the initial response message, once there is one
	followups map[string]map[string]any // follow-up messages by ID
	// posted is open while the interaction is being POSTed to an
	// interactions endpoint: its webhook routes wait for the answer.
	posted chan struct{}
}

// NewDiscord starts a fake Discord on 127.0.0.1. Close it when done.
func NewDiscord(opts DiscordOptions) *Discord {
	opts.defaults()
	d := &Discord{
		opts:         opts,
		channels:     make(map[string]*discordChannel),
		dms:          make(map[string]string),
		closedDMs:    make(map[string]bool),
		byID:         make(map[string]*discordMessage),
		buckets:      make(map[string]*fixedWindow),
		global:       slidingWindow{limit: opts.GlobalLimit, window: opts.GlobalWindow},
		commands:     make(map[string][]map[string]any),
		interactions: make(map[string]*interaction),
		hooks:        make(map[string]*interaction),
		routes:       discordRoutes(),
	}
	for _, id := range opts.Channels {
		d.channels[id] = &discordChannel{id: id, guildID: opts.GuildID}
	}
	d.gw.init(d)
	// Assigned before the server starts, so handlers see it without a race.
	d.srv = httptest.NewUnstartedServer(http.HandlerFunc(d.serveHTTP))
	d.srv.Start()
	return d
}

// URL returns the base URL, such as http://127.0.0.1:PORT. The REST API is
// under URL()+"/api/v9" and the gateway websocket at the root.
func (d *Discord) URL() string { return d.srv.URL }

// GatewayURL returns the websocket URL that GET /api/v9/gateway announces.
func (d *Discord) GatewayURL() string { return "ws" + strings.TrimPrefix(d.srv.URL, "http") }

// Close drops every gateway connection and stops the server.
func (d *Discord) Close() {
	d.gw.closeAll()
	d.srv.Close()
}

// Messages returns the messages created in a channel, in creation order.
func (d *Discord) Messages(channelID string) []DiscordMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []DiscordMessage
	for _, m := range d.messages {
		if m.ChannelID == channelID {
			out = append(out, m.DiscordMessage)
		}
	}
	return out
}

// AllMessages returns every created message, in creation order.
func (d *Discord) AllMessages() []DiscordMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]DiscordMessage, len(d.messages))
	for i, m := range d.messages {
		out[i] = m.DiscordMessage
	}
	return out
}

// MessageCount returns how many messages were created, deleted ones
// included: AllMessages' length, without the copy.
func (d *Discord) MessageCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.messages)
}

// Edits returns the message edits received, in order.
func (d *Discord) Edits() []DiscordEdit {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.edits)
}

// Deletions returns the message deletions received, in order.
func (d *Discord) Deletions() []DiscordDeletion {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.deletions)
}

// Replies returns the interaction responses, edits and follow-ups
// received, in order.
func (d *Discord) Replies() []DiscordReply {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.replies)
}

// Commands returns the application commands registered for a guild, or
// the global ones for guildID "".
func (d *Discord) Commands(guildID string) []map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.commands[guildID])
}

// RateLimited reports how many 429 answers the fake gave.
func (d *Discord) RateLimited() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rateLimited
}

// FailNext makes the next n message-create calls answer status with body
// (a JSON error such as {"message":"...","code":0}; empty for a default),
// before any limit is applied and without creating a message. A 429 body
// should carry retry_after; it is counted by RateLimited.
func (d *Discord) FailNext(n int, status int, body string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for range n {
		d.failNext = append(d.failNext, discordFailure{status, body})
	}
}

// FailNextEdit makes the next n edits (PATCH channels/{c}/messages/{m})
// or deletions (DELETE channels/{c}/messages/{m}) answer status with body,
// as FailNext does for message creation: before any limit, changing
// nothing. A 429 is counted by RateLimited.
func (d *Discord) FailNextEdit(n int, status int, body string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for range n {
		d.failEdit = append(d.failEdit, discordFailure{status, body})
	}
}

// FailAfterCreate makes the next n message-create calls create the message
// and then answer status with body, as when a response is lost after
// Discord acted. A client that retries the same body without a nonce then
// posts twice.
func (d *Discord) FailAfterCreate(n int, status int, body string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for range n {
		d.failAfter = append(d.failAfter, discordFailure{status, body})
	}
}

// AddChannel makes a guild text channel exist.
func (d *Discord) AddChannel(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.channels[id] == nil {
		d.channels[id] = &discordChannel{id: id, guildID: d.opts.GuildID}
	}
}

// RemoveChannel deletes a channel: requests for it answer 404 Unknown
// Channel from then on.
func (d *Discord) RemoveChannel(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.channels, id)
}

// Forbid takes the bot's access to a channel away: requests for it answer
// 403 Missing Access (code 50001) from then on.
func (d *Discord) Forbid(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c := d.channels[id]; c != nil {
		c.forbidden = true
	}
}

// CloseDMs makes a user refuse direct messages from the bot, as when they
// turned off DMs from server members: creating a message in their DM
// channel (see POST users/@me/channels) answers 403 {"message":"Cannot
// send messages to this user","code":50007} until OpenDMs. Opening the
// DM channel still works, and so do interaction responses in it.
func (d *Discord) CloseDMs(userID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closedDMs[userID] = true
}

// OpenDMs undoes CloseDMs.
func (d *Discord) OpenDMs(userID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.closedDMs, userID)
}

// Requests returns every request received, in order, gateway upgrades
// included.
func (d *Discord) Requests() []Request { return d.rec.requests() }

// Unexpected returns the requests to routes the fake does not know.
func (d *Discord) Unexpected() []Request { return d.rec.unexpectedRequests() }

// botUser is the bot's user object.
func (d *Discord) botUser() map[string]any {
	return map[string]any{
		"id":            d.opts.BotID,
		"username":      d.opts.BotUsername,
		"discriminator": "0",
		"global_name":   nil,
		"avatar":        nil,
		"bot":           true,
		"flags":         0,
	}
}

// response is what a handler answers: a status, headers and a JSON body
// (nil for none).
type response struct {
	status int
	header http.Header
	body   []byte
}

func jsonResponse(status int, v any) response {
	b, err := json.Marshal(v)
	if err != nil {
		return response{status: http.StatusInternalServerError, body: []byte(`{"message":"fake: cannot encode response","code":0}`)}
	}
	return response{status: status, body: b}
}

func (r response) write(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if r.body == nil {
		w.WriteHeader(r.status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.status)
	w.Write(r.body)
}

func discordError(status, code int, message string) response {
	return jsonResponse(status, map[string]any{"message": message, "code": code})
}

// DMChannel returns the ID of the bot's DM channel with a user, or "" when
// none was opened.
func (d *Discord) DMChannel(userID string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dms[userID]
}
