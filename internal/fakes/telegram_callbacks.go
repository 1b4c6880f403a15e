package fakes

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Telegram's documented callback limits.
const (
	// maxCallbackData is the most bytes callback_data may hold.
	maxCallbackData = 64
	// maxCallbackText is the most characters of an answerCallbackQuery
	// text.
	maxCallbackText = 200
)

// TelegramCallbackAnswer is an answerCallbackQuery call the fake accepted.
type TelegramCallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
	URL       string
	CacheTime int
	Time      time.Time
}

// tgCallback is a callback query queued with QueueCallback.
type tgCallback struct {
	answered bool
}

// QueueCallback queues a callback_query update, as Telegram sends one
// when user fromID presses an inline button carrying data under message
// messageID of a chat (numeric ID or @username). It returns the update_id
// and the query's ID, which answerCallbackQuery takes exactly once. The
// update carries id, from, message, chat_instance and data; message is
// the full message when the bot sent messageID to that chat, and
// otherwise just message_id, date and chat. Like Telegram, the fake does
// not check that the message has a button with that data. It returns 0
// and "" when the chat is unknown, messageID is not positive, or data is
// not 1-64 bytes of UTF-8 (what Telegram lets a button carry).
func (t *Telegram) QueueCallback(chat string, messageID int, fromID int64, data string) (updateID int, queryID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.chat(chat)
	if c == nil || messageID < 1 || data == "" || len(data) > maxCallbackData || !utf8.ValidString(data) {
		return 0, ""
	}
	var msg any = map[string]any{"message_id": messageID, "date": time.Now().Unix(), "chat": c.json()}
	if m := t.sent(c, messageID); m != nil {
		msg = t.messageJSON(c, m)
	}
	t.nextQueryID++
	queryID = strconv.FormatUint(t.nextQueryID, 10)
	t.callbacks[queryID] = &tgCallback{}
	raw, _ := json.Marshal(map[string]any{
		"id":            queryID,
		"from":          tgUser(fromID),
		"message":       msg,
		"chat_instance": strconv.FormatUint(uint64(c.id)*0x9E3779B97F4A7C15, 10),
		"data":          data,
	})
	return t.queueLocked(map[string]json.RawMessage{"callback_query": raw}), queryID
}

// tgUser is the user object of a person.
func tgUser(id int64) map[string]any {
	return map[string]any{"id": id, "is_bot": false, "first_name": "User " + strconv.FormatInt(id, 10)}
}

// CallbackAnswers returns the accepted answerCallbackQuery calls, in
// order.
func (t *Telegram) CallbackAnswers() []TelegramCallbackAnswer {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.answers)
}

func (t *Telegram) answerCallbackQuery(p tgParams, now time.Time) response {
	cb := t.callbacks[p["callback_query_id"]]
	if cb == nil || cb.answered {
		return badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf16Count(p["text"]) > maxCallbackText {
		return badRequest("MESSAGE_TOO_LONG")
	}
	if u := p["url"]; u != "" && !t.botLink(u) {
		return badRequest("URL_INVALID")
	}
	cacheTime, _ := strconv.Atoi(p["cache_time"])
	cb.answered = true
	t.answers = append(t.answers, TelegramCallbackAnswer{
		QueryID: p["callback_query_id"], Text: p["text"], ShowAlert: p["show_alert"] == "true",
		URL: p["url"], CacheTime: cacheTime, Time: now,
	})
	return tgResult(true)
}

// botLink reports whether u opens this bot (t.me/<bot>?start=...), the
// only URL a callback answer may carry outside games.
func (t *Telegram) botLink(u string) bool {
	pu, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch {
	case pu.Scheme == "tg":
		return pu.Host == "resolve" && strings.EqualFold(pu.Query().Get("domain"), t.opts.BotUsername)
	case pu.Scheme == "https" || pu.Scheme == "http" || pu.Scheme == "" && strings.HasPrefix(u, "t.me/"):
		host, path := pu.Host, pu.Path
		if pu.Scheme == "" {
			host, path, _ = strings.Cut(pu.Path, "/")
		}
		return strings.EqualFold(host, "t.me") && strings.EqualFold(strings.Trim(path, "/"), t.opts.BotUsername)
	}
	return false
}
