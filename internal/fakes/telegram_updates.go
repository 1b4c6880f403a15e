package fakes

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// anonymousAdmin is the user Telegram shows as the sender of an anonymous
// group administrator's messages (@GroupAnonymousBot).
const anonymousAdmin = 1087968824

// getUpdates serves queued updates with update_id >= offset, waiting up to
// min(timeout, LongPoll) for some to arrive. An offset confirms and drops
// every update below it. A newer getUpdates call ends a waiting one with
// 409 Conflict, as on Telegram.
func (t *Telegram) getUpdates(r *http.Request, p tgParams) response {
	offset, _ := strconv.Atoi(p["offset"])
	limit, _ := strconv.Atoi(p["limit"])
	if limit < 1 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p["timeout"])
	wait := min(time.Duration(max(timeout, 0))*time.Second, t.opts.LongPoll)

	t.mu.Lock()
	defer t.mu.Unlock()
	if t.webhook != "" {
		return tgError(http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", nil)
	}
	t.offsets = append(t.offsets, offset)
	t.confirm(offset)
	t.pollGen++
	gen := t.pollGen
	t.broadcast()
	deadline := time.Now().Add(wait)
	for {
		if gen != t.pollGen {
			return tgError(http.StatusConflict, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", nil)
		}
		batch := []json.RawMessage{}
		for _, u := range t.updates {
			if (offset <= 0 || u.id >= offset) && len(batch) < limit {
				batch = append(batch, u.raw)
			}
		}
		left := time.Until(deadline)
		if len(batch) > 0 || left <= 0 || t.closed {
			return tgResult(batch)
		}
		changed := t.changed
		t.mu.Unlock()
		timer := time.NewTimer(left)
		select {
		case <-changed:
		case <-timer.C:
		case <-r.Context().Done():
		}
		timer.Stop()
		t.mu.Lock()
		if r.Context().Err() != nil {
			return tgResult([]json.RawMessage{})
		}
	}
}

// confirm drops the updates an offset acknowledges: those below a
// positive offset, or all but the last -offset ones for a negative
// offset. t.mu is held.
func (t *Telegram) confirm(offset int) {
	switch {
	case offset > 0:
		keep := t.updates[:0]
		for _, u := range t.updates {
			if u.id >= offset {
				keep = append(keep, u)
			}
		}
		t.updates = keep
	case offset < 0 && -offset < len(t.updates):
		t.updates = append(t.updates[:0], t.updates[len(t.updates)+offset:]...)
	}
}

// QueueUpdate queues an update for getUpdates. An update without an
// update_id gets the next one; an update that is not a JSON object is
// ignored.
func (t *Telegram) QueueUpdate(update json.RawMessage) {
	var m map[string]json.RawMessage
	if json.Unmarshal(update, &m) != nil || m == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.queueLocked(m)
}

// queueLocked queues an update and returns its update_id. t.mu is held.
func (t *Telegram) queueLocked(m map[string]json.RawMessage) int {
	var id int
	if raw, ok := m["update_id"]; ok && json.Unmarshal(raw, &id) == nil && id > 0 {
		t.nextUpdateID = max(t.nextUpdateID, id+1)
	} else {
		id = t.nextUpdateID
		t.nextUpdateID++
		m["update_id"] = json.RawMessage(strconv.Itoa(id))
	}
	t.noteIncoming(m)
	raw, _ := json.Marshal(m)
	t.updates = append(t.updates, tgUpdate{id: id, raw: raw})
	sort.SliceStable(t.updates, func(a, b int) bool { return t.updates[a].id < t.updates[b].id })
	t.broadcast()
	return id
}

// channelBot is the user Telegram shows as the sender of messages posted
// in a group on behalf of a channel (@Channel_Bot).
const channelBot = 136817688

// QueueText queues an update carrying a text message from user fromID in
// a chat (numeric ID or @username), and returns its update_id. In a
// private chat or a group, message.from is the user (Admins changes
// nothing in the message, as on Telegram); fromID 1087968824
// (@GroupAnonymousBot) makes an anonymous administrator's message in a
// group, with sender_chat the group itself. In a channel the update is a
// channel_post without from, signed by the channel in sender_chat. Bot
// commands ("/follow", "/follow@news_bot" at the start of the text or
// after a space) get the bot_command entities Telegram adds, so that
// tgbotapi's Message.IsCommand works. It returns 0 when the chat is
// unknown.
func (t *Telegram) QueueText(chat string, fromID int64, text string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.chat(chat)
	if c == nil {
		return 0
	}
	key, msg := "message", t.textMessage(c, text)
	switch {
	case c.typ == "channel":
		key = "channel_post"
		msg["sender_chat"] = c.json()
	case fromID == anonymousAdmin && c.typ != "private":
		msg["from"] = map[string]any{"id": anonymousAdmin, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"}
		msg["sender_chat"] = c.json()
	default:
		msg["from"] = tgUser(fromID)
	}
	raw, _ := json.Marshal(msg)
	return t.queueLocked(map[string]json.RawMessage{key: raw})
}

// QueueTextAs queues a text message posted in a group or supergroup on
// behalf of senderChat, and returns its update_id. A senderChat other than
// the group is a channel (someone posting as a linked channel, not an
// administrator of the group): from is the placeholder @Channel_Bot
// (136817688) and sender_chat the channel. The group itself as senderChat
// is an anonymous administrator, as QueueText with fromID 1087968824.
// senderChat is a chat the fake knows (numeric ID or @username) or else
// the numeric ID of a channel the bot is not in. It returns 0 when chat is
// unknown or not a group, or senderChat cannot post there.
func (t *Telegram) QueueTextAs(chat, senderChat, text string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.chat(chat)
	if c == nil || c.typ != "group" && c.typ != "supergroup" {
		return 0
	}
	sender := t.chat(senderChat)
	if sender == nil {
		id, err := strconv.ParseInt(senderChat, 10, 64)
		if err != nil || defaultChatType(id, "") != "channel" {
			return 0
		}
		sender = &tgChat{id: id, typ: "channel"}
	}
	msg := t.textMessage(c, text)
	switch {
	case sender == c:
		msg["from"] = map[string]any{"id": anonymousAdmin, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"}
	case sender.typ == "channel":
		msg["from"] = map[string]any{"id": channelBot, "is_bot": true, "first_name": "Channel", "username": "Channel_Bot"}
	default:
		return 0
	}
	msg["sender_chat"] = sender.json()
	raw, _ := json.Marshal(msg)
	return t.queueLocked(map[string]json.RawMessage{"message": raw})
}

// textMessage starts an incoming text message in a chat, with a new
// message_id and the entities of its bot commands. t.mu is held.
func (t *Telegram) textMessage(c *tgChat, text string) map[string]any {
	c.nextMsgID++
	msg := map[string]any{"message_id": c.nextMsgID, "date": time.Now().Unix(), "chat": c.json(), "text": text}
	if ents := commandEntities(text); len(ents) > 0 {
		msg["entities"] = ents
	}
	return msg
}

// commandEntities finds the bot commands in a text as Telegram marks
// them: '/' at the start or after a character that is not part of a word,
// 1-64 letters, digits or '_', then optionally '@' and a bot username.
// Offsets and lengths are in UTF-16 code units.
func commandEntities(text string) []TelegramEntity {
	word := func(b byte) bool {
		return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
	}
	run := func(i int) int {
		j := i
		for j < len(text) && word(text[j]) {
			j++
		}
		return j
	}
	var ents []TelegramEntity
	for i := 0; i < len(text); i++ {
		if text[i] != '/' || i > 0 && (word(text[i-1]) || strings.ContainsRune("/<>", rune(text[i-1]))) {
			continue
		}
		end := run(i + 1)
		if n := end - i - 1; n < 1 || n > 64 {
			continue
		}
		if end < len(text) && text[end] == '@' {
			if u := run(end + 1); u-end-1 >= 3 && u-end-1 <= 32 {
				end = u
			}
		}
		ents = append(ents, TelegramEntity{Type: "bot_command", Offset: utf16Count(text[:i]), Length: utf16Count(text[i:end])})
		i = end - 1
	}
	return ents
}

// noteIncoming remembers the message or channel post an update carries
// in its chat, so that the bot can reply to it. t.mu is held.
func (t *Telegram) noteIncoming(update map[string]json.RawMessage) {
	for _, key := range []string{"message", "channel_post"} {
		raw, ok := update[key]
		if !ok {
			continue
		}
		var m struct {
			MessageID int `json:"message_id"`
			Chat      struct {
				ID int64 `json:"id"`
			} `json:"chat"`
		}
		if json.Unmarshal(raw, &m) != nil || m.MessageID < 1 {
			continue
		}
		if c := t.chats[m.Chat.ID]; c != nil {
			c.incoming[m.MessageID] = raw
			c.nextMsgID = max(c.nextMsgID, m.MessageID)
		}
	}
}
