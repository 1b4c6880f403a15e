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
	raw, _ := json.Marshal(m)
	t.updates = append(t.updates, tgUpdate{id: id, raw: raw})
	sort.SliceStable(t.updates, func(a, b int) bool { return t.updates[a].id < t.updates[b].id })
	t.broadcast()
	return id
}

// QueueText queues an update carrying a text message from user fromID in
// a chat (numeric ID or @username), and returns its update_id. In a
// channel the update is a channel_post signed by the channel; fromID
// 1087968824 (@GroupAnonymousBot) makes an anonymous administrator's
// message in a group. A text starting with '/' gets the bot_command
// entity Telegram adds, so that tgbotapi's Message.IsCommand works. It
// returns 0 when the chat is unknown.
func (t *Telegram) QueueText(chat string, fromID int64, text string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.chat(chat)
	if c == nil {
		return 0
	}
	c.nextMsgID++
	msg := map[string]any{
		"message_id": c.nextMsgID, "date": time.Now().Unix(), "chat": c.json(), "text": text,
	}
	if strings.HasPrefix(text, "/") {
		cmd, _, _ := strings.Cut(text, " ")
		msg["entities"] = []TelegramEntity{{Type: "bot_command", Offset: 0, Length: utf16Count(cmd)}}
	}
	key := "message"
	switch {
	case c.typ == "channel":
		key = "channel_post"
		msg["sender_chat"] = c.json()
	case fromID == anonymousAdmin:
		msg["from"] = map[string]any{"id": anonymousAdmin, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"}
		msg["sender_chat"] = c.json()
	default:
		msg["from"] = map[string]any{"id": fromID, "is_bot": false, "first_name": "User " + strconv.FormatInt(fromID, 10)}
	}
	raw, _ := json.Marshal(msg)
	return t.queueLocked(map[string]json.RawMessage{key: raw})
}
