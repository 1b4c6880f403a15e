package fakes

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// discordAPIPrefix is where the REST API lives: discordgo v0.29.0 speaks
// API version 9.
const discordAPIPrefix = "/api/v9/"

// discordRoute is one REST route. Pattern segments "{}" match any one
// non-empty path segment.
type discordRoute struct {
	method  string
	pattern string
	// auth routes need the bot token; the others (interaction callbacks
	// and webhooks) carry their own token in the path.
	auth bool
	// global routes count toward the token's global limit. Interaction
	// endpoints are exempt, as on Discord.
	global bool
	// failable routes are the ones FailNext and FailAfterCreate act on.
	failable bool
	// editable routes are the ones FailNextEdit acts on.
	editable bool
	handle   func(d *Discord, c *discordCall) response
}

// discordCall is one request being answered.
type discordCall struct {
	r      *http.Request
	req    Request
	params []string
	now    time.Time
	// header holds headers every answer to the call carries, such as
	// its bucket's rate-limit headers.
	header http.Header
}

// discordRoutes lists the routes the fake knows. Literal segments come
// before wildcards that could match them.
func discordRoutes() []discordRoute {
	return []discordRoute{
		{method: "GET", pattern: "gateway", handle: (*Discord).getGateway},
		{method: "GET", pattern: "gateway/bot", auth: true, global: true, handle: (*Discord).getGatewayBot},
		{method: "GET", pattern: "users/@me", auth: true, global: true, handle: (*Discord).getMe},
		{method: "GET", pattern: "oauth2/applications/@me", auth: true, global: true, handle: (*Discord).getApplication},
		{method: "GET", pattern: "applications/@me", auth: true, global: true, handle: (*Discord).getApplication},
		{method: "POST", pattern: "users/@me/channels", auth: true, global: true, handle: (*Discord).createDM},
		{method: "GET", pattern: "channels/{}", auth: true, global: true, handle: (*Discord).getChannel},
		{method: "POST", pattern: "channels/{}/messages", auth: true, global: true, failable: true, handle: (*Discord).createMessage},
		{method: "GET", pattern: "channels/{}/messages/{}", auth: true, global: true, handle: (*Discord).getMessage},
		{method: "PATCH", pattern: "channels/{}/messages/{}", auth: true, global: true, editable: true, handle: (*Discord).editMessage},
		{method: "DELETE", pattern: "channels/{}/messages/{}", auth: true, global: true, editable: true, handle: (*Discord).deleteMessage},
		{method: "GET", pattern: "applications/{}/commands", auth: true, global: true, handle: (*Discord).listCommands},
		{method: "PUT", pattern: "applications/{}/commands", auth: true, global: true, handle: (*Discord).overwriteCommands},
		{method: "POST", pattern: "applications/{}/commands", auth: true, global: true, handle: (*Discord).createCommand},
		{method: "GET", pattern: "applications/{}/guilds/{}/commands", auth: true, global: true, handle: (*Discord).listCommands},
		{method: "PUT", pattern: "applications/{}/guilds/{}/commands", auth: true, global: true, handle: (*Discord).overwriteCommands},
		{method: "POST", pattern: "applications/{}/guilds/{}/commands", auth: true, global: true, handle: (*Discord).createCommand},
		{method: "POST", pattern: "interactions/{}/{}/callback", handle: (*Discord).interactionCallback},
		{method: "POST", pattern: "webhooks/{}/{}", handle: (*Discord).followup},
		{method: "GET", pattern: "webhooks/{}/{}/messages/@original", handle: (*Discord).getOriginal},
		{method: "PATCH", pattern: "webhooks/{}/{}/messages/@original", handle: (*Discord).editOriginal},
		{method: "DELETE", pattern: "webhooks/{}/{}/messages/@original", handle: (*Discord).deleteOriginal},
		{method: "PATCH", pattern: "webhooks/{}/{}/messages/{}", handle: (*Discord).editFollowup},
		{method: "DELETE", pattern: "webhooks/{}/{}/messages/{}", handle: (*Discord).deleteFollowup},
	}
}

// matchRoute finds the route for a method and path. It returns the route
// (nil when none matches) and its wildcard values; when the path is known
// but not the method, it returns nil and pathKnown true.
func matchRoute(routes []discordRoute, method, path string) (rt *discordRoute, params []string, pathKnown bool) {
	rest, ok := strings.CutPrefix(path, discordAPIPrefix)
	if !ok {
		return nil, nil, false
	}
	segs := strings.Split(rest, "/")
	for i := range routes {
		p, ok := matchPattern(routes[i].pattern, segs)
		if !ok {
			continue
		}
		pathKnown = true
		if routes[i].method == method {
			return &routes[i], p, true
		}
	}
	return nil, nil, pathKnown
}

func matchPattern(pattern string, segs []string) ([]string, bool) {
	pat := strings.Split(pattern, "/")
	if len(pat) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range pat {
		switch {
		case p == "{}":
			if segs[i] == "" {
				return nil, false
			}
			params = append(params, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}

// serveHTTP answers every request: the gateway upgrade at the root, the
// REST routes, and JSON 404s for everything else.
func (d *Discord) serveHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := d.rec.record(r)
	if err != nil {
		discordError(http.StatusRequestEntityTooLarge, 0, "Request entity too large").write(w)
		return
	}
	if r.URL.Path == "/" && websocket.IsWebSocketUpgrade(r) {
		d.gw.serve(w, r)
		return
	}
	rt, params, known := matchRoute(d.routes, r.Method, r.URL.Path)
	if rt == nil {
		d.rec.markUnexpected(req)
		if known {
			discordError(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed").write(w)
			return
		}
		discordError(http.StatusNotFound, 0, "404: Not Found").write(w)
		return
	}
	d.waitPosted(r, rt, params)
	c := &discordCall{r: r, req: req, params: params, now: time.Now()}
	d.mu.Lock()
	resp := d.answer(rt, c)
	d.mu.Unlock()
	resp.write(w)
}

// answer applies authentication, injected failures and the global limit,
// then the route's handler. d.mu is held.
func (d *Discord) answer(rt *discordRoute, c *discordCall) response {
	if rt.auth && !d.authorized(c.r.Header.Get("Authorization")) {
		return discordError(http.StatusUnauthorized, 0, "401: Unauthorized")
	}
	if rt.failable && len(d.failNext) > 0 {
		f := d.failNext[0]
		d.failNext = d.failNext[1:]
		return d.failure(f)
	}
	if rt.editable && len(d.failEdit) > 0 {
		f := d.failEdit[0]
		d.failEdit = d.failEdit[1:]
		return d.failure(f)
	}
	if rt.global {
		if wait := d.global.wait(c.now); wait > 0 {
			d.rateLimited++
			after := ceilMillis(wait)
			h := http.Header{}
			h.Set("X-RateLimit-Global", "true")
			h.Set("X-RateLimit-Scope", "global")
			h.Set("X-RateLimit-Reset-After", formatSeconds(after))
			h.Set("Retry-After", strconv.Itoa(ceilSeconds(wait)))
			resp := jsonResponse(http.StatusTooManyRequests, map[string]any{
				"message": "You are being rate limited.", "retry_after": after, "global": true,
			})
			resp.header = h
			return resp
		}
		d.global.add(c.now)
	}
	return rt.handle(d, c)
}

func (d *Discord) authorized(header string) bool {
	token, ok := strings.CutPrefix(header, "Bot ")
	if !ok || token == "" {
		return false
	}
	return d.opts.Token == "" || token == d.opts.Token
}

// failure builds the answer to an injected failure.
func (d *Discord) failure(f discordFailure) response {
	body := []byte(f.body)
	if f.body == "" {
		body, _ = json.Marshal(map[string]any{"message": fmt.Sprintf("%d: %s", f.status, http.StatusText(f.status)), "code": 0})
	}
	resp := response{status: f.status, body: body, header: http.Header{}}
	if f.status == http.StatusTooManyRequests {
		d.rateLimited++
		var tmr struct {
			RetryAfter float64 `json:"retry_after"`
		}
		if json.Unmarshal(body, &tmr) == nil && tmr.RetryAfter > 0 {
			resp.header.Set("X-RateLimit-Remaining", "0")
			resp.header.Set("X-RateLimit-Reset-After", formatSeconds(tmr.RetryAfter))
			resp.header.Set("Retry-After", strconv.Itoa(ceilSeconds(time.Duration(tmr.RetryAfter*float64(time.Second)))))
		}
		resp.header.Set("X-RateLimit-Scope", "user")
	}
	return resp
}

func formatSeconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }

// discordTime formats a time as Discord does: 2024-01-01T00:00:00.000000+00:00.
func discordTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000-07:00") }

func (d *Discord) getGateway(c *discordCall) response {
	return jsonResponse(http.StatusOK, map[string]any{"url": d.GatewayURL()})
}

func (d *Discord) getGatewayBot(c *discordCall) response {
	return jsonResponse(http.StatusOK, map[string]any{
		"url":    d.GatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": max(0, 1000-d.gw.identifyCount()), "reset_after": 86400000, "max_concurrency": 1,
		},
	})
}

func (d *Discord) getMe(c *discordCall) response {
	return jsonResponse(http.StatusOK, d.botUser())
}

func (d *Discord) createDM(c *discordCall) response {
	body, _, err := decodeJSONBody(c.r, c.req.Body)
	if err != nil {
		return invalidJSON()
	}
	rid, _ := body["recipient_id"].(string)
	if rid == "" {
		errs := formErrors{}
		errs.add("BASE_TYPE_REQUIRED", "This field is required", "recipient_id")
		return errs.response()
	}
	return jsonResponse(http.StatusOK, d.channelJSON(d.channels[d.dmChannel(rid, c.now)]))
}

// dmChannel returns the ID of the bot's DM channel with a user, opening
// it if need be. d.mu is held.
func (d *Discord) dmChannel(userID string, now time.Time) string {
	id, ok := d.dms[userID]
	if !ok {
		id = d.ids.next(now)
		d.dms[userID] = id
		d.channels[id] = &discordChannel{id: id, typ: 1, recipient: userID}
	}
	return id
}

// channel looks a channel up, or returns the error Discord gives.
func (d *Discord) channel(id string) (*discordChannel, response, bool) {
	ch := d.channels[id]
	if ch == nil {
		return nil, discordError(http.StatusNotFound, 10003, "Unknown Channel"), false
	}
	if ch.forbidden {
		return nil, discordError(http.StatusForbidden, 50001, "Missing Access"), false
	}
	return ch, response{}, true
}

func (d *Discord) channelJSON(ch *discordChannel) map[string]any {
	if ch.typ == 1 {
		return map[string]any{
			"id": ch.id, "type": 1, "last_message_id": nil, "flags": 0,
			"recipients": []any{map[string]any{"id": ch.recipient, "username": "user" + ch.recipient, "discriminator": "0"}},
		}
	}
	return map[string]any{
		"id": ch.id, "type": 0, "guild_id": ch.guildID, "name": "channel-" + ch.id, "position": 0,
		"permission_overwrites": []any{}, "nsfw": false, "parent_id": nil, "topic": nil,
		"last_message_id": nil, "rate_limit_per_user": 0, "flags": 0,
	}
}

func (d *Discord) getChannel(c *discordCall) response {
	ch, resp, ok := d.channel(c.params[0])
	if !ok {
		return resp
	}
	return jsonResponse(http.StatusOK, d.channelJSON(ch))
}

// The X-RateLimit-Bucket values the fake reports. Like Discord's, they
// name a route, not a channel: each route has a bucket per channel (its
// major parameter), and message creation, edits and deletions each have a
// route of their own.
const (
	messagesBucket = "7d1ee5b2a8c94a0e3f6b9d2c1e4a8f03"
	editBucket     = "a3f09c1e5b7d2e4f6a8c0b1d3e5f7a92"
	deleteBucket   = "5e2b8d4f1a6c3e9b0d7f2a4c6e8b1d35"
)

// takeBucket counts a request against the channel's bucket of a route,
// key naming both, when the channel limit is on. It returns the
// rate-limit headers every answer on the route carries and, when the
// bucket is spent, the 429 to answer.
func (d *Discord) takeBucket(key, bucket string, now time.Time) (http.Header, response, bool) {
	if d.opts.ChannelLimit < 0 {
		return nil, response{}, true
	}
	b := d.buckets[key]
	if b == nil {
		b = &fixedWindow{}
		d.buckets[key] = b
	}
	ok, remaining, reset := b.take(now, d.opts.ChannelLimit, d.opts.ChannelWindow)
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(d.opts.ChannelLimit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	after := ceilMillis(reset)
	h.Set("X-RateLimit-Reset-After", formatSeconds(after))
	h.Set("X-RateLimit-Reset", formatSeconds(float64(now.UnixMilli())/1000+after))
	h.Set("X-RateLimit-Bucket", bucket)
	if ok {
		return h, response{}, true
	}
	d.rateLimited++
	h.Set("Retry-After", strconv.Itoa(ceilSeconds(reset)))
	h.Set("X-RateLimit-Scope", "user")
	resp := jsonResponse(http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": after, "global": false,
	})
	resp.header = h
	return h, resp, false
}

func (d *Discord) createMessage(c *discordCall) response {
	chID := c.params[0]
	ch, resp, ok := d.channel(chID)
	if !ok {
		return resp
	}
	if ch.typ == 1 && d.closedDMs[ch.recipient] {
		return discordError(http.StatusForbidden, 50007, "Cannot send messages to this user")
	}
	h, limited, ok := d.takeBucket(chID, messagesBucket, c.now)
	if !ok {
		return limited
	}
	resp = d.createMessageChecked(c, chID)
	resp.header = h
	return resp
}

// createMessageChecked validates and stores a message for a channel that
// exists and has room in its bucket.
func (d *Discord) createMessageChecked(c *discordCall, chID string) response {
	body, files, err := decodeJSONBody(c.r, c.req.Body)
	if err != nil {
		return invalidJSON()
	}
	if resp, bad := checkMessage(body, true); bad {
		return resp
	}
	nonce := nonceString(body["nonce"])
	if enforce, _ := body["enforce_nonce"].(bool); enforce && nonce != "" {
		for _, m := range d.messages {
			if m.ChannelID == chID && m.Nonce == nonce && c.now.Sub(m.Created) < d.opts.NonceWindow {
				return jsonResponse(http.StatusOK, m.response)
			}
		}
	}
	id := d.ids.next(c.now)
	content, _ := body["content"].(string)
	flags, _ := body["flags"].(float64)
	pings := mentionPings(content, body["allowed_mentions"])
	m := &discordMessage{
		DiscordMessage: DiscordMessage{
			ID: id, ChannelID: chID, Content: content, Body: body,
			Raw: payloadJSON(c.r, c.req.Body), Nonce: nonce, Flags: int(flags), Pinged: pings, Created: c.now,
		},
		response: d.messageJSON(id, chID, body, files, c.now),
	}
	m.response["mentions"], m.response["mention_roles"], m.response["mention_everyone"] = pings.mentionsJSON()
	d.messages = append(d.messages, m)
	d.byID[id] = m
	if len(d.failAfter) > 0 {
		f := d.failAfter[0]
		d.failAfter = d.failAfter[1:]
		return d.failure(f)
	}
	return jsonResponse(http.StatusOK, m.response)
}

// messageJSON renders a message object as Discord returns it.
func (d *Discord) messageJSON(id, chID string, body map[string]any, files []string, now time.Time) map[string]any {
	content, _ := body["content"].(string)
	tts, _ := body["tts"].(bool)
	flags, _ := body["flags"].(float64)
	embeds := []any{}
	if list, ok := body["embeds"].([]any); ok {
		for _, e := range list {
			em, ok := e.(map[string]any)
			if !ok {
				continue
			}
			cp := make(map[string]any, len(em)+1)
			for k, v := range em {
				cp[k] = v
			}
			if _, ok := cp["type"]; !ok {
				cp["type"] = "rich"
			}
			embeds = append(embeds, cp)
		}
	}
	attachments := []any{}
	for _, name := range files {
		aid := d.ids.next(now)
		attachments = append(attachments, map[string]any{
			"id": aid, "filename": name,
			"url": "https://cdn.discordapp.com/attachments/" + chID + "/" + aid + "/" + name,
		})
	}
	components, ok := body["components"].([]any)
	if !ok {
		components = []any{}
	}
	m := map[string]any{
		"id": id, "channel_id": chID, "type": 0, "content": content,
		"author": d.botUser(), "timestamp": discordTime(now), "edited_timestamp": nil,
		"tts": tts, "mention_everyone": false, "mentions": []any{}, "mention_roles": []any{},
		"attachments": attachments, "embeds": embeds, "components": components,
		"pinned": false, "flags": int(flags),
	}
	if n, ok := body["nonce"]; ok && n != nil {
		m["nonce"] = n
	}
	return m
}

// applyEdit merges the fields of an edit into a rendered message.
func applyEdit(m, body map[string]any, now time.Time) {
	for _, k := range []string{"content", "embeds", "flags", "components"} {
		if v, ok := body[k]; ok {
			m[k] = v
		}
	}
	m["edited_timestamp"] = discordTime(now)
}

func (d *Discord) message(chID, msgID string) (*discordMessage, response, bool) {
	if _, resp, ok := d.channel(chID); !ok {
		return nil, resp, false
	}
	m := d.byID[msgID]
	if m == nil || m.ChannelID != chID || m.response == nil {
		return nil, discordError(http.StatusNotFound, 10008, "Unknown Message"), false
	}
	return m, response{}, true
}

func (d *Discord) getMessage(c *discordCall) response {
	m, resp, ok := d.message(c.params[0], c.params[1])
	if !ok {
		return resp
	}
	return jsonResponse(http.StatusOK, m.response)
}

// editMessage answers PATCH channels/{c}/messages/{m}. Edits have a
// bucket per channel of their own; a request for an unknown message
// counts against it, one for an unknown channel does not.
func (d *Discord) editMessage(c *discordCall) response {
	resp := d.editMessageChecked(c)
	if resp.header == nil {
		resp.header = c.header
	}
	return resp
}

func (d *Discord) editMessageChecked(c *discordCall) response {
	if _, resp, ok := d.channel(c.params[0]); !ok {
		return resp
	}
	h, limited, ok := d.takeBucket("PATCH "+c.params[0], editBucket, c.now)
	if !ok {
		return limited
	}
	c.header = h
	m, resp, ok := d.message(c.params[0], c.params[1])
	if !ok {
		return resp
	}
	body, _, err := decodeJSONBody(c.r, c.req.Body)
	if err != nil {
		return invalidJSON()
	}
	if resp, bad := checkMessage(body, false); bad {
		return resp
	}
	d.edits = append(d.edits, DiscordEdit{
		ChannelID: m.ChannelID, MessageID: m.ID, Body: body, Raw: payloadJSON(c.r, c.req.Body), Time: c.now,
	})
	applyEdit(m.response, body, c.now)
	return jsonResponse(http.StatusOK, m.response)
}

// deleteMessage answers DELETE channels/{c}/messages/{m}, with a bucket
// per channel of its own, as editMessage does.
func (d *Discord) deleteMessage(c *discordCall) response {
	if _, resp, ok := d.channel(c.params[0]); !ok {
		return resp
	}
	h, limited, ok := d.takeBucket("DELETE "+c.params[0], deleteBucket, c.now)
	if !ok {
		return limited
	}
	m, resp, ok := d.message(c.params[0], c.params[1])
	if !ok {
		resp.header = h
		return resp
	}
	m.response = nil
	m.Deleted = c.now
	d.deletions = append(d.deletions, DiscordDeletion{ChannelID: m.ChannelID, MessageID: m.ID, Time: c.now})
	return response{status: http.StatusNoContent, header: h}
}

func invalidJSON() response {
	return discordError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
}

// decodeJSONBody decodes a JSON object body, or the payload_json part of
// a multipart body, and names the files a multipart body carries.
func decodeJSONBody(r *http.Request, raw []byte) (map[string]any, []string, error) {
	payload, files, err := splitMultipart(r, raw)
	if err != nil {
		return nil, nil, err
	}
	var body map[string]any
	if err := json.Unmarshal(payload, &body); err != nil {
		return nil, nil, err
	}
	if body == nil {
		return nil, nil, errors.New("body is not a JSON object")
	}
	return body, files, nil
}

// payloadJSON returns the JSON part of a body: the body itself, or the
// payload_json part of a multipart body.
func payloadJSON(r *http.Request, raw []byte) []byte {
	payload, _, err := splitMultipart(r, raw)
	if err != nil {
		return raw
	}
	return payload
}

func splitMultipart(r *http.Request, raw []byte) ([]byte, []string, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return raw, nil, nil
	}
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	var payload []byte
	var files []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("multipart body: %w", err)
		}
		switch {
		case p.FormName() == "payload_json":
			payload, err = io.ReadAll(p)
			if err != nil {
				return nil, nil, fmt.Errorf("payload_json: %w", err)
			}
		case p.FileName() != "":
			files = append(files, p.FileName())
		}
	}
	if payload == nil {
		payload = []byte("{}")
	}
	return payload, files, nil
}

// nonceString renders a nonce, which Discord takes as a string or an
// integer, as a string.
func nonceString(v any) string {
	switch n := v.(type) {
	case string:
		return n
	case float64:
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return ""
}
