// Package discord posts articles to Discord channels through
// github.com/bwmarrin/discordgo, and keeps the bot's gateway connection.
package discord

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
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/internal/pace"
)

// DefaultAPIURL is Discord's own API host.
const DefaultAPIURL = "https://discord.com"

// channelWindow is the span of Discord's per-channel message bucket (5
// messages per 5 s).
const channelWindow = 5 * time.Second

// globalLimit is Discord's global limit of 50 requests a second per bot,
// counted from the answers of the requests before (see pace.Window), so
// that it holds whatever the latency; the per-route limits come from the
// response headers, which discordgo reads. The window lets 50 requests go
// at once (pace.NewBurst): a post carries an enforced nonce, so one in
// flight at a crash is not posted twice when it is sent again, and the
// store records a burst's sends in shared commits, so they do not hold
// back the records of other platforms' sends.
const globalLimit = 50

// Options configure a Bot.
type Options struct {
	Token string
	// APIURL is where the REST API lives: requests go to APIURL/api/v9/….
	// The gateway is whatever APIURL/api/v9/gateway names.
	APIURL  string
	Timeout time.Duration
	// GatewayRetry is the first wait before the gateway is tried again
	// after a failed connection; it doubles up to five minutes.
	GatewayRetry time.Duration
	// FirstPost is how long after start the first post waits: the process
	// before this one may have used up a channel's rate-limit window just
	// before it stopped (default one window, 5 s; negative: no wait). For
	// the same reason, unless it is negative, the first request of any
	// kind waits a second, the span of the bot-wide limit.
	FirstPost time.Duration
	Log       *slog.Logger
}

// Bot is a Discord bot that posts articles.
type Bot struct {
	s       *discordgo.Session
	log     *slog.Logger
	global  *pace.Window
	retry   time.Duration
	handler *bots.Handler
	// firstPost is when the first post may go, in Unix nanoseconds:
	// discordgo starts without the rate-limit state of the process before.
	firstPost atomic.Int64

	mu  sync.Mutex
	dms map[string]string // DM channel IDs by user ID
}

// New prepares a bot; it makes no request.
func New(opts Options) (*Bot, error) {
	if opts.APIURL == "" {
		opts.APIURL = DefaultAPIURL
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 20 * time.Second
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.FirstPost == 0 {
		opts.FirstPost = channelWindow
	}
	if opts.GatewayRetry <= 0 {
		opts.GatewayRetry = 5 * time.Second
	}
	base, err := url.Parse(strings.TrimSuffix(opts.APIURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("discord: API URL %q is not an http(s) URL", opts.APIURL)
	}
	s, err := discordgo.New("Bot " + opts.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	// A burst is up to globalLimit requests at once; keeping as many idle
	// connections spares each burst new connections where the API speaks
	// HTTP/1.1 (HTTP/2 multiplexes them over one).
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = globalLimit
	// A post's turn of the global window ends when its answer's head
	// arrives (pace.OnAnswer), not once discordgo has read it.
	s.Client = &http.Client{Timeout: opts.Timeout, Transport: padResetAfter(rebase(base, pace.Answers(transport)))}
	// A 502 may come after Discord created the message; the library would
	// resend the same body blindly. The outbox retries instead, with a nonce.
	s.MaxRestRetries = 0
	s.ShouldRetryOnRateLimit = false
	s.Identify.Intents = discordgo.IntentsGuilds
	b := &Bot{s: s, log: opts.Log, global: pace.NewBurst(globalLimit, time.Second), retry: opts.GatewayRetry,
		dms: make(map[string]string)}
	b.firstPost.Store(time.Now().Add(max(opts.FirstPost, 0)).UnixNano())
	if opts.FirstPost > 0 {
		b.global.Spent(time.Now())
	}
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		name := ""
		if r.User != nil {
			name = r.User.Username
		}
		b.log.Info("discord gateway ready", "user", name, "guilds", len(r.Guilds))
	})
	return b, nil
}

// Open connects to the gateway. Posting needs only REST, but Discord expects
// a bot to hold a gateway connection, and commands arrive over it.
func (b *Bot) Open() error {
	if err := b.s.Open(); err != nil {
		return fmt.Errorf("discord gateway: %w", err)
	}
	return nil
}

// Connect opens the gateway, trying again with a growing wait until it
// succeeds or ctx ends. Once open, discordgo itself resumes or reconnects
// the connection when it drops.
func (b *Bot) Connect(ctx context.Context) error {
	wait := b.retry
	for {
		// Opening asks REST for the gateway's address: a request the
		// bot-wide limit counts.
		done, err := b.global.Wait(ctx)
		if err != nil {
			return err
		}
		err = b.Open()
		done()
		if err == nil {
			return nil
		}
		b.log.Warn("discord gateway unavailable; posting continues over REST, will try again", "retry_in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 5*time.Minute)
	}
}

// TakeOver paces the bot as if another process had posted through its
// token until at, as one that held the token's posts before this one may
// have: the global window counts as used up at at, and no channel is
// posted to sooner than its rate-limit window after it.
func (b *Bot) TakeOver(at time.Time) {
	b.global.Spent(at)
	next := at.Add(channelWindow).UnixNano()
	for {
		old := b.firstPost.Load()
		if old >= next || b.firstPost.CompareAndSwap(old, next) {
			return
		}
	}
}

// Close closes the gateway connection.
func (b *Bot) Close() error { return b.s.Close() }

// Me returns the bot's own user: Discord's identity endpoint.
func (b *Bot) Me(ctx context.Context) (*discordgo.User, error) {
	done, err := b.global.Wait(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	u, err := b.s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("discord GET /users/@me: %w", describe(err))
	}
	return u, nil
}

// Channel returns a channel the bot is to post to; for `herald check`.
func (b *Bot) Channel(ctx context.Context, id string) (*discordgo.Channel, error) {
	c, err := b.s.Channel(id, discordgo.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("discord channel %s: %w", id, describe(err))
	}
	return c, nil
}

// messageWithNonce adds the fields discordgo v0.29.0 lacks: a nonce with
// enforce_nonce makes Discord return the existing message instead of
// creating a second one when a send is repeated.
type messageWithNonce struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// Send posts the delivery's article to its channel, or to a user's direct
// messages when the target is DMPrefix+userID: silently when the delivery
// is, mentioning its MentionRole when it has one (see
// formatter.DiscordPost).
func (b *Bot) Send(ctx context.Context, d herald.Delivery) (string, error) {
	return b.post(ctx, d.Target.Chat, formatter.DiscordPost(d), Nonce(d))
}

// post creates a message in the target chat with a nonce that Discord
// enforces, and returns its ID.
func (b *Bot) post(ctx context.Context, chat string, m *discordgo.MessageSend, nonce string) (string, error) {
	channelID, sent, err := b.ready(ctx, chat)
	if err != nil {
		return "", err
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	body := messageWithNonce{MessageSend: m, Nonce: nonce, EnforceNonce: true}
	resp, err := b.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint,
		discordgo.WithContext(pace.OnAnswer(ctx, sent)), discordgo.WithRetryOnRatelimit(false), discordgo.WithRestRetries(0))
	sent()
	if err != nil {
		return "", classify(err)
	}
	var msg discordgo.Message
	if err := json.Unmarshal(resp, &msg); err != nil {
		return "", fmt.Errorf("discord: decode message: %w", err)
	}
	return msg.ID, nil
}

// ready paces a request that posts to, edits or deletes in the target
// chat: it waits out the first-post window, opens a DM target's channel,
// and takes a turn of the bot's global limit. It returns the channel ID,
// and done, to call once the request is answered. discordgo then waits
// for the route's bucket.
func (b *Bot) ready(ctx context.Context, chat string) (channelID string, done func(), err error) {
	if wait := time.Until(time.Unix(0, b.firstPost.Load())); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", nil, ctx.Err()
		case <-t.C:
		}
	}
	channelID = chat
	if userID, ok := isDM(chat); ok {
		id, err := b.dmChannel(ctx, userID)
		if err != nil {
			return "", nil, err
		}
		channelID = id
	}
	done, err = b.global.Wait(ctx)
	if err != nil {
		return "", nil, err
	}
	return channelID, done, nil
}

// BucketWait is how long discordgo would wait before the next message to
// the channel, by what the last response's rate-limit headers said.
func (b *Bot) BucketWait(channelID string) time.Duration {
	endpoint := discordgo.EndpointChannelMessages(channelID)
	return b.s.Ratelimiter.GetWaitTime(b.s.Ratelimiter.GetBucket(endpoint), 1)
}

// Nonce derives the delivery's message nonce (at most 25 characters): the
// same delivery always has the same nonce, so a resend after a crash or a
// lost answer cannot post twice.
func Nonce(d herald.Delivery) string {
	n := "h" + strconv.FormatInt(d.ID, 36) + "." + d.Article.ContentHash()
	return n[:min(len(n), 25)]
}

// classify sorts a discordgo error into the kinds the outbox acts on: a
// rate limit; a refusal that concerns the target itself, which wraps
// herald.ErrUnreachable so that the target is paused; a refusal of this
// one message; or a transient failure.
func classify(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		wait := time.Second
		if rl.RateLimit != nil && rl.TooManyRequests != nil && rl.RetryAfter > 0 {
			wait = rl.RetryAfter
		}
		return &herald.RateLimitError{RetryAfter: wait, Err: err}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		status := re.Response.StatusCode
		reason := fmt.Sprintf("discord HTTP %d", status)
		code := 0
		if re.Message != nil {
			code = re.Message.Code
			if code != 0 || re.Message.Message != "" {
				reason = fmt.Sprintf("discord HTTP %d, code %d: %s", status, code, re.Message.Message)
			}
		}
		switch {
		case status >= 500, status == http.StatusUnauthorized, status == http.StatusRequestTimeout:
			return fmt.Errorf("%s: %w", reason, err)
		case status >= 400 && unreachable(code):
			return &herald.PermanentError{Reason: reason, Err: fmt.Errorf("%w: %w", herald.ErrUnreachable, err)}
		case status >= 400:
			return &herald.PermanentError{Reason: reason, Err: err}
		}
	}
	return fmt.Errorf("discord: %w", err)
}

// unreachable reports whether a JSON error code refuses every message to
// the target, not just one: nothing sent there can arrive until someone
// changes the channel or the bot's rights.
func unreachable(code int) bool {
	switch code {
	case discordgo.ErrCodeUnknownChannel, // deleted, or never was
		discordgo.ErrCodeUnknownUser,                  // a DM target's user is gone
		discordgo.ErrCodeMissingAccess,                // the bot cannot see the channel
		discordgo.ErrCodeCannotSendMessagesToThisUser, // the user closed their DMs
		discordgo.ErrCodeMissingPermissions:           // the bot may not post there
		return true
	}
	return false
}

// IsUnauthorized reports whether err says Discord refused the token.
func IsUnauthorized(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized
}

// describe makes an identity or channel error read well in `herald check`.
func describe(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		msg := ""
		if re.Message != nil {
			msg = fmt.Sprintf(" (code %d: %s)", re.Message.Code, re.Message.Message)
		}
		switch re.Response.StatusCode {
		case http.StatusUnauthorized:
			return fmt.Errorf("the token was refused (401%s): check HERALD_DISCORD_TOKEN: %w", msg, err)
		case http.StatusForbidden:
			return fmt.Errorf("the bot may not see it (403%s): invite the bot or grant it View Channel", msg)
		case http.StatusNotFound:
			return fmt.Errorf("not found (404%s): check the ID", msg)
		}
		return fmt.Errorf("HTTP %d%s", re.Response.StatusCode, msg)
	}
	return err
}

// rebase sends requests meant for discord.com to base instead, so tests and
// proxies can stand in for Discord. The gateway URL comes from the REST
// API, so it follows.
func rebase(base *url.URL, next http.RoundTripper) http.RoundTripper {
	if base.Scheme == "https" && base.Host == "discord.com" && base.Path == "" {
		return next
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		if req.URL.Host != "discord.com" {
			return next.RoundTrip(req)
		}
		r := req.Clone(req.Context())
		u := *req.URL
		u.Scheme, u.Host = base.Scheme, base.Host
		u.Path = base.Path + u.Path
		if u.RawPath != "" {
			u.RawPath = base.EscapedPath() + u.RawPath
		}
		r.URL, r.Host = &u, ""
		return next.RoundTrip(r)
	})
}

// resetMargin is added to every X-RateLimit-Reset-After. discordgo turns
// the header's fraction into whole milliseconds by truncating a float, so
// 4.999 can become 4.998 s: it would then send a millisecond before the
// bucket resets and get a 429. The margin keeps it on the safe side.
const resetMargin = 0.01

// padResetAfter adds resetMargin to the rate-limit reset that Discord
// announces in each response.
func padResetAfter(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		if v := resp.Header.Get("X-RateLimit-Reset-After"); v != "" {
			if after, perr := strconv.ParseFloat(v, 64); perr == nil {
				resp.Header.Set("X-RateLimit-Reset-After", strconv.FormatFloat(after+resetMargin, 'f', 3, 64))
			}
		}
		return resp, nil
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
