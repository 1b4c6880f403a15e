package fakes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Telegram's documented content limits, in UTF-16 code units after
// entity parsing.
const (
	maxTelegramText    = 4096
	maxTelegramCaption = 1024
	maxBotCommands     = 100
)

// tgParams are a request's parameters, each as its string form.
type tgParams map[string]string

// present reports whether a parameter was sent with a value; tgbotapi
// sends nil slices as the literal null.
func (p tgParams) present(key string) bool {
	v := p[key]
	return v != "" && v != "null"
}

type tgHandler func(t *Telegram, p tgParams, now time.Time) response

// telegramMethods lists the methods the fake knows, by lower-case name
// (Telegram's method names are case-insensitive). getUpdates is served
// apart because it waits.
func telegramMethods() map[string]tgHandler {
	return map[string]tgHandler{
		"getme":                 (*Telegram).getMe,
		"getchat":               (*Telegram).getChat,
		"getchatmember":         (*Telegram).getChatMember,
		"getchatadministrators": (*Telegram).getChatAdministrators,
		"sendmessage":           func(t *Telegram, p tgParams, now time.Time) response { return t.send("sendMessage", p, now) },
		"sendphoto":             func(t *Telegram, p tgParams, now time.Time) response { return t.send("sendPhoto", p, now) },
		"editmessagetext":       (*Telegram).editMessageText,
		"deletemessage":         (*Telegram).deleteMessage,
		"setmycommands":         (*Telegram).setMyCommands,
		"getmycommands":         (*Telegram).getMyCommands,
		"deletemycommands":      (*Telegram).deleteMyCommands,
		"setwebhook":            (*Telegram).setWebhook,
		"deletewebhook":         (*Telegram).deleteWebhook,
		"getwebhookinfo":        (*Telegram).getWebhookInfo,
		"answercallbackquery":   (*Telegram).answerCallbackQuery,
	}
}

func (t *Telegram) serveHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := t.rec.record(r)
	if err != nil {
		tgError(http.StatusRequestEntityTooLarge, "Request Entity Too Large", nil).write(w)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || method == "" || strings.Contains(method, "/") {
		t.rec.markUnexpected(req)
		tgError(http.StatusNotFound, "Not Found", nil).write(w)
		return
	}
	if t.opts.Token != "" && token != t.opts.Token || token == "" {
		tgError(http.StatusUnauthorized, "Unauthorized", nil).write(w)
		return
	}
	p, err := formParams(r, req.Body)
	if err != nil {
		badRequest("can't parse request parameters").write(w)
		return
	}
	now := time.Now()
	name := strings.ToLower(method)
	if name == "getupdates" {
		t.getUpdates(r, p).write(w)
		return
	}
	h, ok := t.handlers[name]
	if !ok {
		t.rec.markUnexpected(req)
		tgError(http.StatusNotFound, "Not Found", nil).write(w)
		return
	}
	t.mu.Lock()
	resp := h(t, p, now)
	t.mu.Unlock()
	resp.write(w)
}

// formParams reads the parameters of a Bot API request: the query string
// and a form-urlencoded, multipart or JSON body.
func formParams(r *http.Request, body []byte) (tgParams, error) {
	p := tgParams{}
	for k, v := range r.URL.Query() {
		p[k] = v[0]
	}
	mt, mp, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, fmt.Errorf("form body: %w", err)
		}
		for k, v := range q {
			p[k] = v[0]
		}
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), mp["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("multipart body: %w", err)
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return nil, fmt.Errorf("multipart body: %w", err)
			}
			if part.FileName() != "" {
				p[part.FormName()] = "upload:" + part.FileName()
			} else {
				p[part.FormName()] = string(data)
			}
		}
	case "application/json":
		if len(bytes.TrimSpace(body)) == 0 {
			break
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, fmt.Errorf("json body: %w", err)
		}
		for k, v := range m {
			var s string
			if json.Unmarshal(v, &s) == nil {
				p[k] = s
			} else {
				p[k] = string(v)
			}
		}
	}
	return p, nil
}

func (t *Telegram) getMe(p tgParams, now time.Time) response {
	me := t.botUser()
	me["can_join_groups"] = true
	me["can_read_all_group_messages"] = false
	me["supports_inline_queries"] = false
	return tgResult(me)
}

func (t *Telegram) getChat(p tgParams, now time.Time) response {
	if !p.present("chat_id") {
		return badRequest("chat_id is empty")
	}
	c := t.chat(p["chat_id"])
	if c == nil {
		return badRequest("chat not found")
	}
	return tgResult(c.json())
}

// targetChat finds the chat a message goes to, or the error Telegram
// gives for it.
func (t *Telegram) targetChat(chatID string) (*tgChat, response, bool) {
	if chatID == "" {
		return nil, badRequest("chat_id is empty"), false
	}
	c := t.chat(chatID)
	if c == nil {
		return nil, badRequest("chat not found"), false
	}
	if c.migratedTo != 0 {
		return nil, tgError(http.StatusBadRequest, "Bad Request: group chat was upgraded to a supergroup chat",
			map[string]any{"migrate_to_chat_id": c.migratedTo}), false
	}
	if c.kicked || c.blocked {
		if c.typ == "private" {
			return nil, tgError(http.StatusForbidden, "Forbidden: bot was blocked by the user", nil), false
		}
		return nil, tgError(http.StatusForbidden, "Forbidden: bot was kicked from the "+c.typ+" chat", nil), false
	}
	return c, response{}, true
}

// send answers sendMessage and sendPhoto.
func (t *Telegram) send(method string, p tgParams, now time.Time) response {
	if resp, failed := t.injected(&t.failNext); failed {
		return resp
	}
	chat, resp, ok := t.targetChat(p["chat_id"])
	if !ok {
		return resp
	}
	text, entitiesKey := p["text"], "entities"
	if method == "sendPhoto" {
		text, entitiesKey = p["caption"], "caption_entities"
		if !p.present("photo") {
			return badRequest("there is no photo in the request")
		}
		if !validPhoto(p["photo"]) {
			return badRequest("wrong file identifier/HTTP URL specified")
		}
	}
	plain, ents, resp, ok := formatted(text, p["parse_mode"], p, entitiesKey)
	if !ok {
		return resp
	}
	switch {
	case method == "sendMessage" && strings.TrimSpace(plain) == "":
		return badRequest("message text is empty")
	case method == "sendMessage" && utf16Count(plain) > maxTelegramText:
		return badRequest("message is too long")
	case method == "sendPhoto" && utf16Count(plain) > maxTelegramCaption:
		return badRequest("message caption is too long")
	}
	markup, resp, ok := replyMarkup(p)
	if !ok {
		return resp
	}
	if p.present("link_preview_options") && !jsonObject(p["link_preview_options"]) {
		return badRequest("can't parse link preview options JSON object")
	}
	replyTo, replied, resp, ok := t.replyTarget(chat, p)
	if !ok {
		return resp
	}
	if resp, limited := t.limit(chat, now, p["allow_paid_broadcast"] == "true"); limited {
		return resp
	}
	chat.nextMsgID++
	m := &tgMessage{
		TelegramMessage: TelegramMessage{
			MessageID: chat.nextMsgID, Chat: p["chat_id"], ChatID: chat.id, Method: method,
			Text: text, Plain: plain, Entities: ents, ParseMode: p["parse_mode"],
			Params: maps(p), ReplyTo: replyTo, DisableNotification: boolParam(p, "disable_notification"), Created: now,
		},
		markup: markup, plain: plain, ents: ents, replied: replied,
	}
	t.messages = append(t.messages, m)
	return tgResult(t.messageJSON(chat, m))
}

// injected answers with the first failure of a FailNext queue, if any.
func (t *Telegram) injected(queue *[]tgFailure) (response, bool) {
	if len(*queue) == 0 {
		return response{}, false
	}
	f := (*queue)[0]
	*queue = (*queue)[1:]
	var params map[string]any
	if f.retryAfter > 0 {
		params = map[string]any{"retry_after": f.retryAfter}
	}
	if f.code == http.StatusTooManyRequests {
		t.rateLimited++
	}
	return tgError(f.code, f.description, params), true
}

// boolParam reads a Bot API boolean parameter.
func boolParam(p tgParams, key string) bool {
	switch strings.ToLower(p[key]) {
	case "true", "1":
		return true
	}
	return false
}

// replyTarget reads reply_to_message_id, or reply_parameters (whose
// chat_id is not supported), and returns the message_id replied to (0 for
// none) and that message as the Bot API shows it.
func (t *Telegram) replyTarget(chat *tgChat, p tgParams) (int, json.RawMessage, response, bool) {
	id, allow := 0, p["allow_sending_without_reply"] == "true"
	if p.present("reply_parameters") {
		var rp struct {
			MessageID int  `json:"message_id"`
			Allow     bool `json:"allow_sending_without_reply"`
		}
		if json.Unmarshal([]byte(p["reply_parameters"]), &rp) != nil || rp.MessageID == 0 {
			return 0, nil, badRequest("can't parse reply parameters JSON object"), false
		}
		id, allow = rp.MessageID, rp.Allow
	} else if p.present("reply_to_message_id") {
		id, _ = strconv.Atoi(p["reply_to_message_id"])
	}
	if id == 0 {
		return 0, nil, response{}, true
	}
	if raw := chat.incoming[id]; raw != nil {
		return id, raw, response{}, true
	}
	if m := t.sent(chat, id); m != nil {
		shown := t.messageJSON(chat, m)
		delete(shown, "reply_to_message")
		raw, _ := json.Marshal(shown)
		return id, raw, response{}, true
	}
	if allow {
		return 0, nil, response{}, true
	}
	return 0, nil, badRequest("message to be replied not found"), false
}

func maps(p tgParams) map[string]string {
	out := make(map[string]string, len(p))
	for k, v := range p {
		out[k] = v
	}
	return out
}

// limit applies the flood limits to a message for chat. It returns the
// 429 answer when one is exceeded, and otherwise counts the message. A
// paid broadcast (allow_paid_broadcast) is held to PaidLimit instead of
// the bot's GlobalLimit; the chat's own limits still apply.
func (t *Telegram) limit(chat *tgChat, now time.Time, paid bool) (response, bool) {
	wait := chat.spacing.wait(now, t.opts.PerChatInterval, t.opts.PerChatBurst)
	if chat.id < 0 {
		wait = max(wait, chat.group.wait(now))
	}
	global := &t.global
	if paid {
		global = &t.paid
	}
	wait = max(wait, global.wait(now))
	if wait > 0 {
		t.rateLimited++
		n := ceilSeconds(wait)
		return tgError(http.StatusTooManyRequests, fmt.Sprintf("Too Many Requests: retry after %d", n),
			map[string]any{"retry_after": n}), true
	}
	chat.spacing.add(now, t.opts.PerChatInterval)
	if chat.id < 0 {
		chat.group.add(now)
	}
	global.add(now)
	if paid {
		t.paidSent++
	}
	return response{}, false
}

// formatted parses a text or caption in its parse mode, or takes the
// explicit entities, and returns the visible text and its entities.
func formatted(text, mode string, p tgParams, entitiesKey string) (string, []TelegramEntity, response, bool) {
	if !utf8.ValidString(text) {
		return "", nil, badRequest("strings must be encoded in UTF-8"), false
	}
	if p.present(entitiesKey) {
		var ents []TelegramEntity
		if err := json.Unmarshal([]byte(p[entitiesKey]), &ents); err != nil {
			return "", nil, badRequest("can't parse entities JSON object"), false
		}
		return text, ents, response{}, true
	}
	switch strings.ToLower(mode) {
	case "":
		return text, nil, response{}, true
	case "html":
		plain, ents, err := parseTelegramHTML(text)
		if err != nil {
			return "", nil, badRequest("can't parse entities: " + err.Error()), false
		}
		return plain, ents, response{}, true
	case "markdown", "markdownv2":
		// Not parsed: the text counts as sent.
		return text, nil, response{}, true
	}
	return "", nil, badRequest("unsupported parse_mode"), false
}

// validPhoto reports whether a photo parameter could be a file_id, an
// http(s) URL or an upload.
func validPhoto(s string) bool {
	if strings.HasPrefix(s, "upload:") {
		return true
	}
	if strings.Contains(s, "/") {
		u, err := url.Parse(s)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
	}
	return strings.TrimSpace(s) != ""
}

func jsonObject(s string) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal([]byte(s), &m) == nil && m != nil
}

// replyMarkup checks the reply_markup parameter and returns it as JSON.
func replyMarkup(p tgParams) (json.RawMessage, response, bool) {
	if !p.present("reply_markup") {
		return nil, response{}, true
	}
	raw := p["reply_markup"]
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil || m == nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object"), false
	}
	if ik, ok := m["inline_keyboard"]; ok {
		var rows [][]map[string]any
		if err := json.Unmarshal(ik, &rows); err != nil {
			return nil, badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays"), false
		}
		for _, row := range rows {
			for _, b := range row {
				if resp, ok := checkInlineButton(b); !ok {
					return nil, resp, false
				}
			}
		}
	}
	return json.RawMessage(raw), response{}, true
}

// inlineButtonActions are the fields that give an inline keyboard button
// its action; a button takes exactly one.
var inlineButtonActions = []string{"url", "callback_data", "login_url", "web_app", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay"}

// checkInlineButton checks one inline keyboard button. Like the Bot API
// server, it treats an empty url or callback_data as absent.
func checkInlineButton(b map[string]any) (response, bool) {
	const prefix = "can't parse inline keyboard button: "
	if s, _ := b["text"].(string); s == "" {
		return badRequest(prefix + "Field \"text\" must be of type String"), false
	}
	var actions []string
	for _, k := range inlineButtonActions {
		if v, ok := b[k]; ok && v != nil && v != false && !(v == "" && (k == "url" || k == "callback_data")) {
			actions = append(actions, k)
		}
	}
	switch {
	case len(actions) == 0:
		return badRequest(prefix + "Text buttons are unallowed in the inline keyboard"), false
	case len(actions) > 1:
		return badRequest(prefix + "exactly one of the optional fields must be used, got " + strings.Join(actions, " and ")), false
	}
	if v, ok := b["callback_data"]; ok && v != "" {
		if s, isString := v.(string); !isString || len(s) > maxCallbackData {
			return badRequest("BUTTON_DATA_INVALID"), false
		}
	}
	if v, ok := b["url"]; ok && v != "" {
		u, _ := v.(string)
		pu, err := url.Parse(u)
		if err != nil || !(pu.Scheme == "http" || pu.Scheme == "https" || pu.Scheme == "tg") || pu.Host == "" && pu.Scheme != "tg" {
			return badRequest(fmt.Sprintf("inline keyboard button URL '%s' is invalid: Wrong HTTP URL", u)), false
		}
	}
	return response{}, true
}

// messageJSON renders a message as the Bot API returns it.
func (t *Telegram) messageJSON(chat *tgChat, m *tgMessage) map[string]any {
	res := map[string]any{"message_id": m.MessageID, "date": m.Created.Unix(), "chat": chat.json()}
	if chat.typ == "channel" {
		res["sender_chat"] = chat.json()
	} else {
		res["from"] = t.botUser()
	}
	textKey, entsKey := "text", "entities"
	if m.Method == "sendPhoto" {
		textKey, entsKey = "caption", "caption_entities"
		base := fmt.Sprintf("AgACAgQAAx-%d-%d", chat.id, m.MessageID)
		res["photo"] = []any{
			map[string]any{"file_id": base + "-s", "file_unique_id": fmt.Sprintf("AQAD%ds", m.MessageID), "file_size": 1200, "width": 90, "height": 60},
			map[string]any{"file_id": base + "-x", "file_unique_id": fmt.Sprintf("AQAD%dx", m.MessageID), "file_size": 48000, "width": 800, "height": 533},
		}
	}
	if m.plain != "" || textKey == "text" {
		res[textKey] = m.plain
	}
	if len(m.ents) > 0 {
		res[entsKey] = m.ents
	}
	if m.markup != nil {
		res["reply_markup"] = m.markup
	}
	if m.replied != nil {
		res["reply_to_message"] = m.replied
	}
	if !m.edited.IsZero() {
		res["edit_date"] = m.edited.Unix()
	}
	return res
}

// editMessageText answers editMessageText. An edit counts against the
// chat's flood limits as a send does.
func (t *Telegram) editMessageText(p tgParams, now time.Time) response {
	if resp, failed := t.injected(&t.failEdit); failed {
		return resp
	}
	if p.present("inline_message_id") {
		return badRequest("message to edit not found")
	}
	chat, resp, ok := t.targetChat(p["chat_id"])
	if !ok {
		return resp
	}
	id, err := strconv.Atoi(p["message_id"])
	if err != nil {
		return badRequest("message identifier is not specified")
	}
	m := t.sent(chat, id)
	if m == nil {
		return badRequest("message to edit not found")
	}
	if m.Method != "sendMessage" {
		return badRequest("there is no text in the message to edit")
	}
	plain, ents, resp, ok := formatted(p["text"], p["parse_mode"], p, "entities")
	if !ok {
		return resp
	}
	switch {
	case strings.TrimSpace(plain) == "":
		return badRequest("message text is empty")
	case utf16Count(plain) > maxTelegramText:
		return badRequest("message is too long")
	}
	markup, resp, ok := replyMarkup(p)
	if !ok {
		return resp
	}
	if plain == m.plain && slices.Equal(ents, m.ents) && bytes.Equal(markup, m.markup) {
		return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	if resp, limited := t.limit(chat, now, false); limited {
		return resp
	}
	m.plain, m.ents, m.markup, m.edited = plain, ents, markup, now
	t.edits = append(t.edits, TelegramMessage{
		MessageID: id, Chat: p["chat_id"], ChatID: chat.id, Method: "editMessageText",
		Text: p["text"], Plain: plain, Entities: ents, ParseMode: p["parse_mode"], Params: maps(p), Created: now,
	})
	return tgResult(t.messageJSON(chat, m))
}

// maxDeleteAge is how old a message may be and still be deleted.
const maxDeleteAge = 48 * time.Hour

// deleteMessage answers deleteMessage for a message the bot sent. A
// deletion counts against the chat's flood limits as a send does.
func (t *Telegram) deleteMessage(p tgParams, now time.Time) response {
	if resp, failed := t.injected(&t.failEdit); failed {
		return resp
	}
	chat, resp, ok := t.targetChat(p["chat_id"])
	if !ok {
		return resp
	}
	id, err := strconv.Atoi(p["message_id"])
	if err != nil {
		return badRequest("message identifier is not specified")
	}
	m := t.sent(chat, id)
	if m == nil {
		return badRequest("message to delete not found")
	}
	if now.Sub(m.Created) >= maxDeleteAge {
		return badRequest("message can't be deleted")
	}
	if resp, limited := t.limit(chat, now, false); limited {
		return resp
	}
	m.Deleted = now
	t.deletions = append(t.deletions, TelegramDeletion{Chat: p["chat_id"], ChatID: chat.id, MessageID: id, Time: now})
	return tgResult(true)
}

func (t *Telegram) getChatMember(p tgParams, now time.Time) response {
	if !p.present("chat_id") {
		return badRequest("chat_id is empty")
	}
	c := t.chat(p["chat_id"])
	if c == nil {
		return badRequest("chat not found")
	}
	uid, err := strconv.ParseInt(p["user_id"], 10, 64)
	if err != nil || uid <= 0 {
		return badRequest("invalid user_id specified")
	}
	return tgResult(t.member(uid, c.status(uid, t.opts.BotID)))
}

// status is a user's status in a chat: the first of the chat's Admins is
// its creator, the others and the bot (outside private chats)
// administrators, everyone else a member.
func (c *tgChat) status(uid, botID int64) string {
	switch {
	case len(c.admins) > 0 && c.admins[0] == uid:
		return "creator"
	case uid == botID && c.typ != "private" || slices.Contains(c.admins, uid):
		return "administrator"
	}
	return "member"
}

func (t *Telegram) member(uid int64, status string) map[string]any {
	user := tgUser(uid)
	if uid == t.opts.BotID {
		user = t.botUser()
	}
	m := map[string]any{"user": user, "status": status}
	if status == "creator" {
		m["is_anonymous"] = false
	}
	if status == "administrator" {
		for _, k := range []string{"can_manage_chat", "can_delete_messages", "can_restrict_members", "can_change_info",
			"can_invite_users", "can_post_messages", "can_edit_messages", "can_pin_messages"} {
			m[k] = true
		}
		m["can_be_edited"] = false
		m["is_anonymous"] = false
		m["can_promote_members"] = false
		m["can_manage_video_chats"] = true
	}
	return m
}

func (t *Telegram) getChatAdministrators(p tgParams, now time.Time) response {
	if !p.present("chat_id") {
		return badRequest("chat_id is empty")
	}
	c := t.chat(p["chat_id"])
	if c == nil {
		return badRequest("chat not found")
	}
	if c.typ == "private" {
		return badRequest("there are no administrators in the private chat")
	}
	list := []any{}
	for _, uid := range c.admins {
		list = append(list, t.member(uid, c.status(uid, t.opts.BotID)))
	}
	return tgResult(list)
}

// botCommand is what setMyCommands accepts as a command name.
var botCommand = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func (t *Telegram) setMyCommands(p tgParams, now time.Time) response {
	if !p.present("commands") {
		return badRequest("parameter \"commands\" is required")
	}
	var cmds []TelegramCommand
	if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
		return badRequest("can't parse commands JSON object")
	}
	if len(cmds) > maxBotCommands {
		return badRequest("too many commands specified")
	}
	for _, c := range cmds {
		if !botCommand.MatchString(c.Command) {
			return badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Description)); n < 1 || n > 256 {
			return badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	key, resp, ok := scopeKey(p)
	if !ok {
		return resp
	}
	raw, _ := json.Marshal(cmds)
	t.commands[key] = raw
	return tgResult(true)
}

func (t *Telegram) getMyCommands(p tgParams, now time.Time) response {
	key, resp, ok := scopeKey(p)
	if !ok {
		return resp
	}
	raw := t.commands[key]
	if raw == nil {
		raw = json.RawMessage("[]")
	}
	return tgResult(raw)
}

func (t *Telegram) deleteMyCommands(p tgParams, now time.Time) response {
	key, resp, ok := scopeKey(p)
	if !ok {
		return resp
	}
	delete(t.commands, key)
	return tgResult(true)
}

// scopeKey names the command scope and language of a request; see
// Telegram.Commands.
func scopeKey(p tgParams) (string, response, bool) {
	key := "default"
	if p.present("scope") {
		var s struct {
			Type   string          `json:"type"`
			ChatID json.RawMessage `json:"chat_id"`
			UserID json.RawMessage `json:"user_id"`
		}
		if err := json.Unmarshal([]byte(p["scope"]), &s); err != nil {
			return "", badRequest("can't parse BotCommandScope JSON object"), false
		}
		switch s.Type {
		case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		case "chat", "chat_administrators", "chat_member":
			if len(s.ChatID) == 0 {
				return "", badRequest("chat_id is empty"), false
			}
		default:
			return "", badRequest("wrong BotCommandScope type specified"), false
		}
		key = s.Type
		for _, id := range []json.RawMessage{s.ChatID, s.UserID} {
			if len(id) > 0 {
				key += ":" + strings.Trim(string(id), `"`)
			}
		}
	}
	if lang := p["language_code"]; lang != "" {
		key += "/" + lang
	}
	return key, response{}, true
}
