package fakes

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Discord's outgoing side: an application with an Interactions Endpoint
// URL gets its interactions as signed HTTP POSTs instead of gateway
// events, and must answer each with its initial response, in the HTTP
// response, within three seconds. Edits and follow-ups then go to the
// webhook routes as for gateway interactions.

// PublicKey returns the application's public key, which an interactions
// endpoint verifies requests with.
func (d *Discord) PublicKey() ed25519.PublicKey {
	return d.opts.InteractionKey.Public().(ed25519.PublicKey)
}

// PublicKeyHex returns the public key as the developer portal shows it:
// 64 hexadecimal digits.
func (d *Discord) PublicKeyHex() string { return hex.EncodeToString(d.PublicKey()) }

// SignInteraction returns the X-Signature-Ed25519 header Discord sends
// with body at timestamp (the X-Signature-Timestamp header, Unix seconds):
// the hex Ed25519 signature by key of timestamp followed by body.
func SignInteraction(key ed25519.PrivateKey, timestamp string, body []byte) string {
	msg := append([]byte(timestamp), body...)
	return hex.EncodeToString(ed25519.Sign(key, msg))
}

// InteractionPost is an interactions endpoint's answer to a POST.
type InteractionPost struct {
	// ID is the interaction's ID, as Replies and WaitReplies take it; ""
	// when the body was not an interaction.
	ID     string
	Status int
	Header http.Header
	Body   []byte
	// Response is the decoded body when it is JSON.
	Response map[string]any
	// Refused is why the fake did not take the answer as the
	// interaction's initial response ("" when it did, or for a PING
	// answered with a PONG): the user would see "This interaction
	// failed".
	Refused string
}

// PostInteraction builds an interaction from spec as PushInteraction does,
// signs it with the application's key (see DiscordOptions.InteractionKey)
// and POSTs it to url, as Discord does for an application with an
// Interactions Endpoint URL. A 200 answer with a valid interaction
// response (application/json, a known type, a valid message) within
// InteractionDeadline becomes the interaction's initial response: it is
// recorded as a "callback" reply, as a REST callback would be, and opens
// the webhook routes for the deferred answer and follow-ups. The error
// reports a spec Discord would not send, or a failed POST.
func (d *Discord) PostInteraction(ctx context.Context, url string, spec InteractionSpec) (InteractionPost, error) {
	d.mu.Lock()
	raw, _, err := d.buildInteraction(spec, time.Now())
	d.mu.Unlock()
	if err != nil {
		return InteractionPost{}, fmt.Errorf("post interaction: %w", err)
	}
	return d.PostSigned(ctx, url, d.opts.InteractionKey, time.Now(), raw)
}

// PostPing POSTs a PING (interaction type 1), signed with the
// application's key, as Discord does to check an Interactions Endpoint
// URL; the answer should be a PONG, {"type":1}.
func (d *Discord) PostPing(ctx context.Context, url string) (InteractionPost, error) {
	now := time.Now()
	d.mu.Lock()
	ping := map[string]any{
		"id": d.ids.next(now), "application_id": d.opts.ApplicationID, "type": 1,
		"token": "ping-" + d.ids.next(now), "version": 1, "user": d.botUser(),
	}
	d.mu.Unlock()
	raw, err := json.Marshal(ping)
	if err != nil {
		return InteractionPost{}, fmt.Errorf("post ping: %w", err)
	}
	return d.PostSigned(ctx, url, d.opts.InteractionKey, now, raw)
}

// PostSigned POSTs body to url signed by key at timestamp, with the
// headers Discord sends. When body is an interaction with an ID and a
// token (other than a PING), the fake registers it first, so that a 200
// answer with a valid response acknowledges it as PostInteraction
// describes; a key other than the application's stands for a forger.
func (d *Discord) PostSigned(ctx context.Context, url string, key ed25519.PrivateKey, timestamp time.Time, body []byte) (InteractionPost, error) {
	stamp := strconv.FormatInt(timestamp.Unix(), 10)
	var in struct {
		ID    string `json:"id"`
		Token string `json:"token"`
		Type  int    `json:"type"`
	}
	_ = json.Unmarshal(body, &in)
	var it *interaction
	if in.ID != "" && in.Token != "" && in.Type != 1 {
		d.mu.Lock()
		d.registerInteraction(body, time.Now())
		it = d.interactions[in.ID]
		if it != nil {
			it.posted = make(chan struct{})
		}
		d.mu.Unlock()
	}
	post := InteractionPost{ID: in.ID}
	defer func() {
		if it != nil {
			d.mu.Lock()
			close(it.posted)
			it.posted = nil
			d.mu.Unlock()
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, d.opts.InteractionDeadline)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return post, fmt.Errorf("post interaction: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	req.Header.Set("X-Signature-Ed25519", SignInteraction(key, stamp, body))
	req.Header.Set("X-Signature-Timestamp", stamp)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return post, fmt.Errorf("post interaction: %w", err)
	}
	defer resp.Body.Close()
	post.Status, post.Header = resp.StatusCode, resp.Header
	post.Body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return post, fmt.Errorf("post interaction: read the answer: %w", err)
	}
	post.Refused = d.takeAnswer(it, in.Type, &post)
	return post, nil
}

// takeAnswer judges an endpoint's answer to an interaction POST and, for
// a valid one, acknowledges the interaction. It returns why the answer
// was refused, or "".
func (d *Discord) takeAnswer(it *interaction, typ int, post *InteractionPost) string {
	if post.Status != http.StatusOK {
		return fmt.Sprintf("HTTP %d", post.Status)
	}
	ct, _, _ := mime.ParseMediaType(post.Header.Get("Content-Type"))
	if ct != "application/json" {
		return fmt.Sprintf("content type %q, want application/json", ct)
	}
	if err := json.Unmarshal(post.Body, &post.Response); err != nil {
		return "the answer is not a JSON object"
	}
	if typ == 1 {
		if post.Response["type"] != float64(1) {
			return "a PING not answered with a PONG ({\"type\":1})"
		}
		return ""
	}
	if it == nil {
		return "not an interaction"
	}
	if t, _ := post.Response["type"].(float64); t == 1 {
		return "a PONG answers only a PING"
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if it.acked {
		return "the interaction was already acknowledged"
	}
	r := d.acknowledge(it, post.Response, nil, post.Body, time.Now())
	if r.status != http.StatusNoContent {
		return fmt.Sprintf("invalid interaction response: %d %s", r.status, r.body)
	}
	return ""
}

// waitPosted makes a request on an interaction's webhook or callback
// route wait while the interaction's POST is unanswered: the bot cannot
// edit a deferred answer that Discord does not have yet.
func (d *Discord) waitPosted(r *http.Request, rt *discordRoute, params []string) {
	if len(params) < 2 || !(strings.HasPrefix(rt.pattern, "webhooks/") || strings.HasPrefix(rt.pattern, "interactions/")) {
		return
	}
	d.mu.Lock()
	var wait chan struct{}
	if in := d.hooks[params[1]]; in != nil {
		wait = in.posted
	}
	d.mu.Unlock()
	if wait == nil {
		return
	}
	select {
	case <-wait:
	case <-r.Context().Done():
	}
}

// getApplication answers GET oauth2/applications/@me and applications/@me:
// the application of the bot token, with its ID and public key.
func (d *Discord) getApplication(c *discordCall) response {
	return jsonResponse(http.StatusOK, map[string]any{
		"id":                     d.opts.ApplicationID,
		"name":                   d.opts.BotUsername,
		"icon":                   nil,
		"description":            "",
		"bot_public":             true,
		"bot_require_code_grant": false,
		"verify_key":             d.PublicKeyHex(),
		"flags":                  0,
		"bot":                    d.botUser(),
	})
}
