package fakes

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// webhookLifetime is how long an interaction token takes follow-ups and
// edits.
const webhookLifetime = 15 * time.Minute

// registerInteraction lets the fake accept responses to an interaction it
// delivered through the gateway. d.mu is held.
func (d *Discord) registerInteraction(data []byte, now time.Time) {
	var in struct {
		ID        string `json:"id"`
		Token     string `json:"token"`
		Type      int    `json:"type"`
		ChannelID string `json:"channel_id"`
		Message   struct {
			ID string `json:"id"`
		} `json:"message"`
	}
	if json.Unmarshal(data, &in) != nil || in.ID == "" || in.Token == "" {
		return
	}
	it := &interaction{id: in.ID, token: in.Token, channelID: in.ChannelID, created: now, followups: map[string]map[string]any{}}
	if in.Type == 3 && in.Message.ID != "" {
		it.message = d.findMessage(in.Message.ID)
	}
	d.interactions[in.ID] = it
	d.hooks[in.Token] = it
}

// findMessage returns a message the fake knows, as it reads now: one
// created in a channel, or an interaction response or follow-up. The map
// is the fake's own, so that changes to it show. d.mu is held.
func (d *Discord) findMessage(id string) map[string]any {
	if m := d.byID[id]; m != nil && m.response != nil {
		return m.response
	}
	for _, in := range d.interactions {
		if in.original != nil && in.original["id"] == id {
			return in.original
		}
		if m := in.followups[id]; m != nil {
			return m
		}
	}
	return nil
}

func (d *Discord) interactionCallback(c *discordCall) response {
	in := d.interactions[c.params[0]]
	if in == nil || in.token != c.params[1] || c.now.Sub(in.created) > d.opts.InteractionDeadline {
		return discordError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	if in.acked {
		return discordError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	}
	body, files, err := decodeJSONBody(c.r, c.req.Body)
	if err != nil {
		return invalidJSON()
	}
	return d.acknowledge(in, body, files, payloadJSON(c.r, c.req.Body), c.now)
}

// acknowledge takes an interaction's initial response, whether it came
// over REST or in the answer to an HTTP interaction POST, and returns
// Discord's answer to the callback route. d.mu is held.
func (d *Discord) acknowledge(in *interaction, body map[string]any, files []string, raw []byte, now time.Time) response {
	typ, _ := body["type"].(float64)
	data, _ := body["data"].(map[string]any)
	errs := formErrors{}
	switch typ {
	case 1, 5, 6, 9, 10, 12:
	case 4, 7:
		if data != nil {
			checkMessageFields(errs, data, []string{"data"})
		}
	case 8:
		if ch, ok := data["choices"].([]any); ok && len(ch) > 25 {
			errs.add("BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.", "data", "choices")
		}
	default:
		errs.add("BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.", "type")
	}
	if len(errs) > 0 {
		return errs.response()
	}
	if typ == 4 && (data == nil || emptyMessage(data)) && len(files) == 0 {
		return discordError(http.StatusBadRequest, 50006, "Cannot send an empty message")
	}
	in.acked = true
	switch typ {
	case 4:
		in.original = d.webhookMessage(in, data, files, now)
	case 6, 7:
		// A component interaction's @original is the message the
		// component is on; type 7 updates it at once.
		if in.message != nil {
			if typ == 7 && data != nil {
				applyEdit(in.message, data, now)
			}
			in.original = in.message
		}
	case 5:
		placeholder := map[string]any{}
		if data != nil && data["flags"] != nil {
			placeholder["flags"] = data["flags"]
		}
		in.original = d.webhookMessage(in, placeholder, nil, now)
	}
	d.replies = append(d.replies, DiscordReply{
		InteractionID: in.id, Token: in.token, Kind: "callback", Type: int(typ),
		Body: body, Raw: raw, Time: now,
	})
	return response{status: http.StatusNoContent}
}

// webhookMessage renders a message an interaction token created.
func (d *Discord) webhookMessage(in *interaction, body map[string]any, files []string, now time.Time) map[string]any {
	m := d.messageJSON(d.ids.next(now), in.channelID, body, files, now)
	m["webhook_id"] = d.opts.ApplicationID
	m["application_id"] = d.opts.ApplicationID
	return m
}

// hook finds the interaction behind a webhook route, or Discord's error.
func (d *Discord) hook(c *discordCall) (*interaction, response, bool) {
	in := d.hooks[c.params[1]]
	if c.params[0] != d.opts.ApplicationID || in == nil || c.now.Sub(in.created) > webhookLifetime {
		return nil, discordError(http.StatusNotFound, 10015, "Unknown Webhook"), false
	}
	return in, response{}, true
}

func unknownMessage() response { return discordError(http.StatusNotFound, 10008, "Unknown Message") }

func (d *Discord) followup(c *discordCall) response {
	in, resp, ok := d.hook(c)
	if !ok {
		return resp
	}
	if !in.acked {
		return discordError(http.StatusNotFound, 10015, "Unknown Webhook")
	}
	body, files, err := decodeJSONBody(c.r, c.req.Body)
	if err != nil {
		return invalidJSON()
	}
	if resp, bad := checkMessage(body, len(files) == 0); bad {
		return resp
	}
	m := d.webhookMessage(in, body, files, c.now)
	in.followups[m["id"].(string)] = m
	d.reply(in, "followup", c, body)
	if wait, _ := strconv.ParseBool(c.req.Query.Get("wait")); !wait {
		return response{status: http.StatusNoContent}
	}
	return jsonResponse(http.StatusOK, m)
}

func (d *Discord) reply(in *interaction, kind string, c *discordCall, body map[string]any) {
	d.replies = append(d.replies, DiscordReply{
		InteractionID: in.id, Token: in.token, Kind: kind,
		Body: body, Raw: payloadJSON(c.r, c.req.Body), Time: c.now,
	})
}

func (d *Discord) getOriginal(c *discordCall) response {
	in, resp, ok := d.hook(c)
	if !ok {
		return resp
	}
	if in.original == nil {
		return unknownMessage()
	}
	return jsonResponse(http.StatusOK, in.original)
}

func (d *Discord) editOriginal(c *discordCall) response {
	in, resp, ok := d.hook(c)
	if !ok {
		return resp
	}
	if in.original == nil {
		return unknownMessage()
	}
	return d.editWebhookMessage(c, in, in.original, "original")
}

func (d *Discord) editFollowup(c *discordCall) response {
	in, resp, ok := d.hook(c)
	if !ok {
		return resp
	}
	m := in.followups[c.params[2]]
	if m == nil {
		return unknownMessage()
	}
	return d.editWebhookMessage(c, in, m, "followup-edit")
}

func (d *Discord) editWebhookMessage(c *discordCall, in *interaction, m map[string]any, kind string) response {
	body, _, err := decodeJSONBody(c.r, c.req.Body)
	if err != nil {
		return invalidJSON()
	}
	if resp, bad := checkMessage(body, false); bad {
		return resp
	}
	applyEdit(m, body, c.now)
	d.reply(in, kind, c, body)
	return jsonResponse(http.StatusOK, m)
}

func (d *Discord) deleteOriginal(c *discordCall) response {
	in, resp, ok := d.hook(c)
	if !ok {
		return resp
	}
	if in.original == nil {
		return unknownMessage()
	}
	if in.message != nil {
		// A component interaction's @original is a message of its own:
		// deleting it deletes that message.
		if id, _ := in.original["id"].(string); d.byID[id] != nil {
			d.byID[id].response = nil
		}
		in.message = nil
	}
	in.original = nil
	return response{status: http.StatusNoContent}
}

func (d *Discord) deleteFollowup(c *discordCall) response {
	in, resp, ok := d.hook(c)
	if !ok {
		return resp
	}
	if in.followups[c.params[2]] == nil {
		return unknownMessage()
	}
	delete(in.followups, c.params[2])
	return response{status: http.StatusNoContent}
}

// commandScope checks the application and guild of a commands route and
// returns the guild ("" for global commands).
func (d *Discord) commandScope(c *discordCall) (string, response, bool) {
	if c.params[0] != d.opts.ApplicationID {
		return "", discordError(http.StatusForbidden, 50001, "Missing Access"), false
	}
	if len(c.params) > 1 {
		if c.params[1] != d.opts.GuildID {
			return "", discordError(http.StatusForbidden, 50001, "Missing Access"), false
		}
		return c.params[1], response{}, true
	}
	return "", response{}, true
}

func (d *Discord) listCommands(c *discordCall) response {
	guild, resp, ok := d.commandScope(c)
	if !ok {
		return resp
	}
	list := d.commands[guild]
	if list == nil {
		list = []map[string]any{}
	}
	return jsonResponse(http.StatusOK, list)
}

func (d *Discord) overwriteCommands(c *discordCall) response {
	guild, resp, ok := d.commandScope(c)
	if !ok {
		return resp
	}
	var list []any
	if err := json.Unmarshal(c.req.Body, &list); err != nil {
		var probe any
		if json.Unmarshal(c.req.Body, &probe) != nil {
			return invalidJSON()
		}
		errs := formErrors{}
		errs.add("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
		return errs.response()
	}
	errs := formErrors{}
	if len(list) > 100 {
		errs.add("BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
	}
	seen := map[string]bool{}
	for i, v := range list {
		name := checkCommand(errs, v, []string{strconv.Itoa(i)})
		if name != "" && seen[name] {
			errs.add("APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique", strconv.Itoa(i), "name")
		}
		seen[name] = true
	}
	if len(errs) > 0 {
		return errs.response()
	}
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		out = append(out, d.storedCommand(guild, v.(map[string]any), c.now))
	}
	d.commands[guild] = out
	return jsonResponse(http.StatusOK, out)
}

func (d *Discord) createCommand(c *discordCall) response {
	guild, resp, ok := d.commandScope(c)
	if !ok {
		return resp
	}
	body, _, err := decodeJSONBody(c.r, c.req.Body)
	if err != nil {
		return invalidJSON()
	}
	errs := formErrors{}
	name := checkCommand(errs, body, nil)
	if len(errs) > 0 {
		return errs.response()
	}
	cmd := d.storedCommand(guild, body, c.now)
	list := d.commands[guild]
	for i, old := range list {
		if old["name"] == name {
			list[i] = cmd
			return jsonResponse(http.StatusOK, cmd)
		}
	}
	d.commands[guild] = append(list, cmd)
	return jsonResponse(http.StatusCreated, cmd)
}

// storedCommand renders a registered command as Discord returns it,
// keeping the ID of an earlier command of the same name.
func (d *Discord) storedCommand(guild string, in map[string]any, now time.Time) map[string]any {
	cmd := make(map[string]any, len(in)+5)
	for k, v := range in {
		cmd[k] = v
	}
	if _, ok := cmd["type"]; !ok {
		cmd["type"] = 1
	}
	id := d.ids.next(now)
	for _, old := range d.commands[guild] {
		if old["name"] == in["name"] {
			id, _ = old["id"].(string)
		}
	}
	cmd["id"] = id
	cmd["application_id"] = d.opts.ApplicationID
	cmd["version"] = d.ids.next(now)
	if guild != "" {
		cmd["guild_id"] = guild
	}
	return cmd
}
