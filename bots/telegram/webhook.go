package telegram

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald/bots"
)

// WebhookPath is the path Herald serves Telegram's webhook on, beside
// /healthz on HERALD_HTTP_ADDR.
const WebhookPath = "/telegram/webhook"

// SecretHeader is the header in which Telegram sends setWebhook's
// secret_token with every update.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

const (
	// maxUpdateBody bounds the body of a webhook request; updates are a
	// few kilobytes.
	maxUpdateBody = 1 << 20
	// recentUpdates is how many update IDs a Webhook remembers to drop
	// Telegram's repeated deliveries.
	recentUpdates = 1024
	// maxSecret is the longest secret_token Telegram takes.
	maxSecret = 256
)

// secretLabel is what WebhookSecret signs with the token. Changing it
// changes every deployment's secret.
const secretLabel = "herald telegram webhook secret v1"

// WebhookSecret derives the webhook's secret token from the bot token:
// HMAC-SHA256 of a fixed label keyed with the token, in unpadded
// URL-safe base64 (43 characters of A-Z a-z 0-9 _ -, which Telegram
// takes). Every replica computes the same secret without more
// configuration; it reveals nothing of the token, and changes when the
// token is revoked.
func WebhookSecret(token string) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte(secretLabel))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// ValidWebhookSecret reports whether s is a secret token Telegram takes:
// 1-256 characters, each A-Z, a-z, 0-9, _ or -.
func ValidWebhookSecret(s string) bool {
	if len(s) < 1 || len(s) > maxSecret {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// SetWebhook has Telegram deliver the bot's updates (messages, channel
// posts and button presses) to webhookURL, an https URL on port 443, 80,
// 88 or 8443 that reaches Webhook, each with secret in the
// X-Telegram-Bot-Api-Secret-Token header. It first registers the command
// menus, as Listen does. Updates Telegram holds are kept and delivered.
// Every replica may call it at start: it is idempotent. Listen deletes
// the webhook when it starts, to take updates by long polling again.
func (b *Bot) SetWebhook(ctx context.Context, webhookURL, secret string) error {
	if !ValidWebhookSecret(secret) {
		return errors.New("telegram setWebhook: the secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
	}
	if u, err := url.Parse(webhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
		return errors.New("telegram setWebhook: the webhook URL must be an https URL")
	}
	api, err := b.connect()
	if err != nil {
		return err
	}
	b.setCommands(api)
	allowed, err := json.Marshal(allowedUpdates)
	if err != nil {
		return fmt.Errorf("telegram setWebhook: %w", err)
	}
	_, err = b.bound(ctx, api).MakeRequest("setWebhook", tgbotapi.Params{
		"url":             webhookURL,
		"secret_token":    secret,
		"allowed_updates": string(allowed),
	})
	if err != nil {
		return fmt.Errorf("telegram setWebhook: %w", describe(err))
	}
	b.log.Info("telegram webhook set: updates come by webhook, not long polling", "host", hostOf(webhookURL))
	return nil
}

// dropWebhook deletes the webhook, if one is set, before long polling:
// getUpdates fails with 409 Conflict while a webhook is set. The updates
// Telegram holds are kept for getUpdates. When the webhook cannot be
// looked up it is deleted anyway.
func (b *Bot) dropWebhook(ctx context.Context, api *tgbotapi.BotAPI) {
	call := b.bound(ctx, api)
	info, err := call.GetWebhookInfo()
	switch {
	case err != nil:
		b.log.Debug("telegram getWebhookInfo failed; deleting any webhook", "err", describe(err))
	case info.URL == "":
		return
	default:
		b.log.Warn("telegram: a webhook is set; deleting it to take updates by long polling (run every replica in one mode)", "host", hostOf(info.URL))
	}
	if _, err := call.Request(tgbotapi.DeleteWebhookConfig{}); err != nil && ctx.Err() == nil {
		b.log.Warn("telegram deleteWebhook failed; getUpdates fails while a webhook is set", "err", describe(err))
	}
}

// bound returns a client of the Bot API, as api, whose requests end with
// ctx.
func (b *Bot) bound(ctx context.Context, api *tgbotapi.BotAPI) *tgbotapi.BotAPI {
	c := &tgbotapi.BotAPI{
		Token:  b.token,
		Self:   api.Self,
		Client: &redactingClient{ctx: ctx, client: b.client.client, secret: b.token},
	}
	c.SetAPIEndpoint(b.endpoint)
	return c
}

// hostOf returns the host of a URL, to log a webhook without the path or
// query, which might carry a secret.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "?"
	}
	return u.Host
}

// Webhook is an http.Handler that takes Telegram's updates, POSTed to the
// URL given to SetWebhook, and answers them as Listen does. Any replica
// behind a load balancer can take any update.
//
// Every request must carry the secret in X-Telegram-Bot-Api-Secret-Token,
// compared in constant time; a request without it is answered 401 and one
// with another 403, before anything else is read. Then only POST is taken
// (405), with a body of at most 1 MiB (413) that is one JSON Update with a
// positive update_id (400).
//
// A valid update is answered 200 at once and handled afterwards, in the
// background: a command's answer may wait seconds for the chat's pace,
// a slow answer holds up Telegram's next deliveries, and Telegram
// delivers again whatever it got no 2xx for in time. So, as with Listen, which keeps its
// position before handling, an update is taken at most once: one that a
// replica was handling when it died is lost, never answered twice. Only
// when the Bot API cannot be reached to learn the bot's name does the
// webhook answer 503, for Telegram to deliver the update again later.
//
// Telegram delivers an update again when it got no 2xx answer in time.
// The Webhook remembers the last 1024 update IDs it took and answers a
// repeat 200 without handling it. That memory is per process: when a
// load balancer sends the repeat to another replica, that replica
// handles it again. Across replicas the de-duplication is best effort.
type Webhook struct {
	bot     *Bot
	handler *bots.Handler
	// secret is the SHA-256 of the secret: comparing digests of equal
	// length takes the same time whatever the length of the guess.
	secret   [sha256.Size]byte
	noSecret bool
	recent   *recentIDs
	wg       sync.WaitGroup
}

// Webhook returns the handler of Telegram's webhook (see the type), which
// answers commands with handler and takes only requests carrying secret.
// An empty secret refuses every request. Serve it on WebhookPath.
func (b *Bot) Webhook(handler *bots.Handler, secret string) *Webhook {
	return &Webhook{
		bot:      b,
		handler:  handler,
		secret:   sha256.Sum256([]byte(secret)),
		noSecret: secret == "",
		recent:   newRecentIDs(recentUpdates),
	}
}

// Wait waits for the updates being handled. Call it after the HTTP
// server has shut down, so that no command taken is left unanswered.
func (h *Webhook) Wait() { h.wg.Wait() }

// ServeHTTP implements http.Handler.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	got, ok := r.Header[SecretHeader]
	if !ok || len(got) == 0 || got[0] == "" {
		h.bot.log.Debug("telegram webhook: request without the secret refused", "remote", r.RemoteAddr)
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	digest := sha256.Sum256([]byte(got[0]))
	if subtle.ConstantTimeCompare(digest[:], h.secret[:]) != 1 || h.noSecret || len(got) != 1 {
		h.bot.log.Debug("telegram webhook: request with a wrong secret refused", "remote", r.RemoteAddr)
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	u, status := decodeUpdate(w, r)
	if status != http.StatusOK {
		h.bot.log.Debug("telegram webhook: body refused", "status", status)
		http.Error(w, http.StatusText(status), status)
		return
	}
	api, err := h.bot.connect()
	if err != nil {
		h.bot.log.Warn("telegram webhook: Bot API unreachable; Telegram will deliver the update again", "err", err)
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	}
	if !h.recent.add(u.UpdateID) {
		h.bot.log.Debug("telegram webhook: update delivered again; already taken", "update", u.UpdateID)
		w.WriteHeader(http.StatusOK)
		return
	}
	received := time.Now()
	ctx := context.WithoutCancel(r.Context())
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		h.bot.handleUpdate(ctx, api, h.handler, u, received)
	}()
	w.WriteHeader(http.StatusOK)
}

// decodeUpdate reads the one Update in a webhook request's body. The
// status is 200 for an update, 413 for a body over maxUpdateBody, and 400
// for anything else.
func decodeUpdate(w http.ResponseWriter, r *http.Request) (tgbotapi.Update, int) {
	var u tgbotapi.Update
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxUpdateBody))
	err := dec.Decode(&u)
	if err == nil {
		// Nothing may follow the update.
		if _, err = dec.Token(); err == io.EOF {
			err = nil
		} else if err == nil {
			err = errors.New("data after the update")
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return u, http.StatusRequestEntityTooLarge
	case err != nil, u.UpdateID <= 0:
		return u, http.StatusBadRequest
	}
	return u, http.StatusOK
}

// recentIDs remembers the last n update IDs added.
type recentIDs struct {
	mu   sync.Mutex
	ids  map[int]struct{}
	ring []int
	next int
}

func newRecentIDs(n int) *recentIDs {
	return &recentIDs{ids: make(map[int]struct{}, n), ring: make([]int, 0, n)}
}

// add remembers id and reports whether it is new. The oldest ID is
// forgotten to make room.
func (r *recentIDs) add(id int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.ids[id]; ok {
		return false
	}
	if len(r.ring) < cap(r.ring) {
		r.ring = append(r.ring, id)
	} else {
		delete(r.ids, r.ring[r.next])
		r.ring[r.next] = id
		r.next = (r.next + 1) % len(r.ring)
	}
	r.ids[id] = struct{}{}
	return true
}
