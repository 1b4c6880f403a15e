package fakes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Telegram's documented webhook limits.
const (
	// maxSecretToken is the most characters secret_token may hold.
	maxSecretToken = 256
	// defaultMaxConnections is max_connections when setWebhook gives
	// none; 1-100 are allowed.
	defaultMaxConnections = 40
)

// secretTokenHeader carries setWebhook's secret_token in every delivery.
const secretTokenHeader = "X-Telegram-Bot-Api-Secret-Token"

// defaultExcluded are the update types Telegram leaves out when
// allowed_updates is not given or empty.
var defaultExcluded = []string{"chat_member", "message_reaction", "message_reaction_count"}

// tgWebhook is the webhook setWebhook set, and how delivery to it goes.
type tgWebhook struct {
	secret string
	// allowed is nil for Telegram's default (all updates but
	// defaultExcluded).
	allowed  []string
	maxConns int
	// attempts counts the failed deliveries of the update at the head of
	// the queue; retryAt is when it is tried again.
	attempts       int
	retryAt        time.Time
	lastErrorDate  int64
	lastErrorMsg   string
	lastErrorCount int
}

// TelegramWebhook is the webhook set with setWebhook.
type TelegramWebhook struct {
	URL         string
	SecretToken string
	// AllowedUpdates is nil when none were given (Telegram's default:
	// every update but chat_member, message_reaction and
	// message_reaction_count).
	AllowedUpdates []string
	MaxConnections int
}

// TelegramWebhookDelivery is one POST of an update to the webhook.
type TelegramWebhookDelivery struct {
	UpdateID int
	URL      string
	// Secret is the X-Telegram-Bot-Api-Secret-Token header sent, "" when
	// none.
	Secret string
	// Attempt counts from 1 for each update.
	Attempt int
	// Status is the HTTP status of the answer, 0 when none came; Err is
	// why, then.
	Status int
	Err    string
	Time   time.Time
}

// OK reports whether the webhook took the update (a 2xx answer).
func (d TelegramWebhookDelivery) OK() bool { return d.Err == "" && d.Status >= 200 && d.Status < 300 }

// WebhookInfo returns the webhook set with setWebhook; its URL is "" when
// none is set.
func (t *Telegram) WebhookInfo() TelegramWebhook {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.webhook == "" {
		return TelegramWebhook{}
	}
	return TelegramWebhook{URL: t.webhook, SecretToken: t.hook.secret, AllowedUpdates: slices.Clone(t.hook.allowed), MaxConnections: t.hook.maxConns}
}

// WebhookDeliveries returns every POST of an update to the webhook, in
// order.
func (t *Telegram) WebhookDeliveries() []TelegramWebhookDelivery {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.deliveries)
}

// WaitWebhookDeliveries waits until at least n updates were POSTed to the
// webhook, retries counted, and returns every delivery. When ctx ends
// first it returns those there are and an error wrapping ctx.Err().
func (t *Telegram) WaitWebhookDeliveries(ctx context.Context, n int) ([]TelegramWebhookDelivery, error) {
	d, err := waitUntil(ctx, n, t.WebhookDeliveries)
	if err != nil {
		return d, fmt.Errorf("telegram webhook deliveries: %w", err)
	}
	return d, nil
}

// validSecretToken reports whether s is a secret_token Telegram takes:
// 1-256 characters A-Z, a-z, 0-9, _ and -.
func validSecretToken(s string) bool {
	if len(s) < 1 || len(s) > maxSecretToken {
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

// setWebhook sets the webhook: url must be https on port 80, 88, 443 or
// 8443; secret_token, when given, 1-256 characters of A-Z a-z 0-9 _ -.
// allowed_updates, when given, replaces the previous list (an empty list
// restores the default); when absent the previous list stays, as on
// Telegram. An empty url removes the webhook.
func (t *Telegram) setWebhook(p tgParams, now time.Time) response {
	u := p["url"]
	if u == "" {
		return t.deleteWebhook(p, now)
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "https" || pu.Host == "" {
		return badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if port := pu.Port(); port != "" && port != "443" && port != "80" && port != "88" && port != "8443" {
		return badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
	}
	secret, hasSecret := p["secret_token"]
	if hasSecret && secret != "" && !validSecretToken(secret) {
		return badRequest("secret token contains unallowed characters")
	}
	allowed := t.hook.allowed
	if p.present("allowed_updates") {
		var list []string
		if err := json.Unmarshal([]byte(p["allowed_updates"]), &list); err != nil {
			return badRequest("can't parse allowed updates JSON array")
		}
		allowed = nil
		if len(list) > 0 {
			allowed = list
		}
	}
	maxConns := defaultMaxConnections
	if v := p["max_connections"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return badRequest("invalid max_connections specified")
		}
		maxConns = n
	}
	if u != t.webhook {
		t.hook.lastErrorDate, t.hook.lastErrorMsg = 0, ""
	}
	t.webhook = u
	t.hook.secret, t.hook.allowed, t.hook.maxConns = secret, allowed, maxConns
	if p["drop_pending_updates"] == "true" {
		t.updates = nil
	}
	t.broadcast()
	return tgResult(true)
}

// deleteWebhook removes the webhook: updates wait for getUpdates again.
func (t *Telegram) deleteWebhook(p tgParams, now time.Time) response {
	t.webhook = ""
	t.hook = tgWebhook{}
	if p["drop_pending_updates"] == "true" {
		t.updates = nil
	}
	t.broadcast()
	return tgResult(true)
}

func (t *Telegram) getWebhookInfo(p tgParams, now time.Time) response {
	info := map[string]any{"url": t.webhook, "has_custom_certificate": false, "pending_update_count": len(t.updates)}
	if t.webhook != "" {
		info["max_connections"] = t.hook.maxConns
		if t.hook.allowed != nil {
			info["allowed_updates"] = t.hook.allowed
		}
		if t.hook.lastErrorDate != 0 {
			info["last_error_date"] = t.hook.lastErrorDate
			info["last_error_message"] = t.hook.lastErrorMsg
		}
	}
	return tgResult(info)
}

// allows reports whether the webhook takes an update of this kind. t.mu is
// held.
func (h *tgWebhook) allows(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for kind := range m {
		if kind == "update_id" {
			continue
		}
		if h.allowed == nil {
			return !slices.Contains(defaultExcluded, kind)
		}
		return slices.Contains(h.allowed, kind)
	}
	return false
}

// deliverLoop POSTs queued updates to the webhook while one is set, one
// at a time in update_id order, until ctx ends or the fake closes. An
// update the webhook answers with a 2xx status is dropped from the queue;
// otherwise it is tried again after WebhookRetryDelay, doubled each time,
// and given up after WebhookAttempts, the error kept for getWebhookInfo.
// Updates of a kind allowed_updates leaves out are dropped unsent.
func (t *Telegram) deliverLoop(ctx context.Context) {
	defer close(t.delivered)
	t.mu.Lock()
	defer t.mu.Unlock()
	for !t.closed && ctx.Err() == nil {
		for t.webhook != "" && len(t.updates) > 0 && !t.hook.allows(t.updates[0].raw) {
			t.updates = t.updates[1:]
		}
		idle := t.webhook == "" || len(t.updates) == 0
		var wait time.Duration
		if !idle {
			wait = time.Until(t.hook.retryAt)
		}
		if idle || wait > 0 {
			changed := t.changed
			t.mu.Unlock()
			var timeout <-chan time.Time
			var timer *time.Timer
			if !idle {
				timer = time.NewTimer(wait)
				timeout = timer.C
			}
			select {
			case <-changed:
			case <-timeout:
			case <-ctx.Done():
			}
			if timer != nil {
				timer.Stop()
			}
			t.mu.Lock()
			continue
		}
		u, target, secret := t.updates[0], t.webhook, t.hook.secret
		attempt := t.hook.attempts + 1
		t.mu.Unlock()
		status, err := t.postUpdate(ctx, target, secret, u.raw)
		t.mu.Lock()
		now := time.Now()
		d := TelegramWebhookDelivery{UpdateID: u.id, URL: target, Secret: secret, Attempt: attempt, Status: status, Time: now}
		if err != nil {
			d.Err = err.Error()
		}
		t.deliveries = append(t.deliveries, d)
		if target != t.webhook {
			// The webhook changed meanwhile: start afresh.
			t.hook.attempts, t.hook.retryAt = 0, time.Time{}
			continue
		}
		if d.OK() {
			t.dropUpdate(u.id)
			t.hook.attempts, t.hook.retryAt = 0, time.Time{}
			continue
		}
		t.hook.lastErrorDate = now.Unix()
		t.hook.lastErrorMsg = "Wrong response from the webhook: " + strconv.Itoa(status) + " " + http.StatusText(status)
		if err != nil {
			t.hook.lastErrorMsg = "Connection failed"
		}
		if attempt >= t.opts.WebhookAttempts {
			t.dropUpdate(u.id)
			t.hook.attempts, t.hook.retryAt = 0, time.Time{}
			continue
		}
		t.hook.attempts = attempt
		t.hook.retryAt = now.Add(t.opts.WebhookRetryDelay << (attempt - 1))
	}
}

// dropUpdate removes an update from the queue. t.mu is held.
func (t *Telegram) dropUpdate(id int) {
	t.updates = slices.DeleteFunc(t.updates, func(u tgUpdate) bool { return u.id == id })
}

// postUpdate POSTs one update to the webhook as Telegram does: a JSON
// body, and the secret token in X-Telegram-Bot-Api-Secret-Token when one
// was set. It returns the answer's status.
func (t *Telegram) postUpdate(ctx context.Context, target, secret string, raw json.RawMessage) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(raw))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(secretTokenHeader, secret)
	}
	resp, err := t.opts.WebhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, nil
}
