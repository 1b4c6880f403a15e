package fakes

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const tgToken = "123456:TEST-token"

func newBot(t *testing.T, tg *Telegram) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(tgToken, tg.URL()+"/bot%s/%s", &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

// tgErr returns the *tgbotapi.Error in err, failing the test if there is
// none.
func tgErr(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *tgbotapi.Error", err)
	}
	return te
}

func TestTelegramGetMe(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken})
	defer tg.Close()
	bot := newBot(t, tg)
	if bot.Self.UserName != "news_bot" || bot.Self.ID != 123456 || !bot.Self.IsBot {
		t.Errorf("Self = %+v", bot.Self)
	}
	reqs := tg.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/bot"+tgToken+"/getMe" || reqs[0].Method != "POST" {
		t.Errorf("requests = %+v", reqs)
	}
}

func TestTelegramWrongToken(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken})
	defer tg.Close()
	_, err := tgbotapi.NewBotAPIWithClient("999:other", tg.URL()+"/bot%s/%s", &http.Client{Timeout: 10 * time.Second})
	if te := tgErr(t, err); te.Code != 401 || te.Message != "Unauthorized" {
		t.Errorf("error = %+v", te)
	}
}

func TestTelegramSendHTML(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"-1001234567890"}})
	defer tg.Close()
	bot := newBot(t, tg)

	msg := tgbotapi.NewMessage(-1001234567890, `<b>Headline</b> &amp; <a href="https://example.com/a?x=1&amp;y=2">more</a>`)
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Read", "https://example.com/a")))
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if sent.MessageID != 1 || sent.Chat.ID != -1001234567890 || sent.Chat.Type != "channel" || sent.Text != "Headline & more" {
		t.Errorf("sent = %+v", sent)
	}
	if len(sent.Entities) != 2 || sent.Entities[0].Type != "bold" || sent.Entities[1].URL != "https://example.com/a?x=1&y=2" {
		t.Errorf("entities = %+v", sent.Entities)
	}
	got := tg.Messages("-1001234567890")
	if len(got) != 1 {
		t.Fatalf("messages = %d", len(got))
	}
	m := got[0]
	if m.Method != "sendMessage" || m.ParseMode != "HTML" || m.Text != msg.Text || m.Plain != "Headline & more" {
		t.Errorf("stored = %+v", m)
	}
	if m.Params["disable_web_page_preview"] != "true" || m.Params["entities"] != "null" || !strings.Contains(m.Params["reply_markup"], `"url":"https://example.com/a"`) {
		t.Errorf("params = %v", m.Params)
	}
	checkNoUnexpected(t, tg.Unexpected())
}

func TestTelegramMakeRequestExtras(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"@news=-1001234567890"}})
	defer tg.Close()
	bot := newBot(t, tg)
	resp, err := bot.MakeRequest("sendMessage", tgbotapi.Params{
		"chat_id": "@news", "text": "<i>Hi</i>", "parse_mode": "HTML",
		"link_preview_options": `{"is_disabled":true}`, "allow_paid_broadcast": "true",
	})
	if err != nil {
		t.Fatal(err)
	}
	var msg tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &msg); err != nil || msg.Chat.ID != -1001234567890 || msg.Chat.UserName != "news" {
		t.Fatalf("result = %s, %v", resp.Result, err)
	}
	// Sent by name, found by number too.
	got := tg.Messages("-1001234567890")
	if len(got) != 1 || got[0].Chat != "@news" || got[0].Params["link_preview_options"] != `{"is_disabled":true}` {
		t.Errorf("messages = %+v", got)
	}
	_, err = bot.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "@news", "text": "x", "link_preview_options": "{bad"})
	if te := tgErr(t, err); !strings.Contains(te.Message, "link preview options") {
		t.Errorf("bad link_preview_options: %v", te)
	}
}

func TestTelegramSendErrors(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)
	tests := []struct {
		name string
		chat int64
		text string
		mode string
		code int
		desc string
	}{
		{"unknown chat", 8, "hi", "", 400, "Bad Request: chat not found"},
		{"unclosed tag", 7, "<b>hi", tgbotapi.ModeHTML, 400, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"unsupported tag", 7, "<div>hi</div>", tgbotapi.ModeHTML, 400, `Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 0`},
		{"bare less-than", 7, "1 < 2", tgbotapi.ModeHTML, 400, `can't parse entities: Unsupported start tag "" at byte offset 2`},
		{"bare ampersand", 7, "Tom & Jerry", tgbotapi.ModeHTML, 400, "can't parse entities: Character '&'"},
		{"too long", 7, strings.Repeat("a", 4097), "", 400, "Bad Request: message is too long"},
		{"too long in UTF-16", 7, strings.Repeat("😀", 2049), "", 400, "Bad Request: message is too long"},
		{"empty after parsing", 7, "<b> </b>", tgbotapi.ModeHTML, 400, "Bad Request: message text is empty"},
		{"empty", 7, "", "", 400, "Bad Request: message text is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tgbotapi.NewMessage(tt.chat, tt.text)
			msg.ParseMode = tt.mode
			_, err := bot.Send(msg)
			te := tgErr(t, err)
			if te.Code != tt.code || !strings.HasPrefix(te.Message, tt.desc) && !strings.Contains(te.Message, tt.desc) {
				t.Errorf("error = %d %q, want %d %q", te.Code, te.Message, tt.code, tt.desc)
			}
		})
	}
	// The limits hold at their edges.
	for _, text := range []string{strings.Repeat("a", 4096), strings.Repeat("😀", 2048), "<b>" + strings.Repeat("&lt;", 4096) + "</b>"} {
		msg := tgbotapi.NewMessage(7, text)
		msg.ParseMode = tgbotapi.ModeHTML
		if _, err := bot.Send(msg); err != nil {
			t.Errorf("%.20s...: %v", text, err)
		}
	}
	if n := len(tg.AllMessages()); n != 3 {
		t.Errorf("stored %d messages, want 3", n)
	}
	if n := tg.MessageCount(); n != 3 {
		t.Errorf("MessageCount() = %d, want 3", n)
	}
}

func TestTelegramPerChatLimit(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: time.Minute})
	defer tg.Close()
	bot := newBot(t, tg)
	if _, err := bot.Send(tgbotapi.NewMessage(7, "one")); err != nil {
		t.Fatal(err)
	}
	_, err := bot.Send(tgbotapi.NewMessage(7, "two"))
	te := tgErr(t, err)
	if te.Code != 429 || te.RetryAfter < 59 || te.RetryAfter > 60 || !strings.HasPrefix(te.Message, "Too Many Requests: retry after ") {
		t.Errorf("error = %+v", te)
	}
	if len(tg.Messages("7")) != 1 || tg.RateLimited() != 1 {
		t.Errorf("messages %d, rate limited %d; want 1 and 1", len(tg.Messages("7")), tg.RateLimited())
	}
}

func TestTelegramPerChatBurst(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: time.Minute, PerChatBurst: 3})
	defer tg.Close()
	bot := newBot(t, tg)
	for i := range 3 {
		if _, err := bot.Send(tgbotapi.NewMessage(7, "burst")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if _, err := bot.Send(tgbotapi.NewMessage(7, "over")); tgErr(t, err).Code != 429 {
		t.Errorf("fourth message: %v", err)
	}
}

func TestTelegramGroupLimit(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"-100200", "7"}, PerChatInterval: -1, GroupLimit: 3, GroupWindow: time.Minute})
	defer tg.Close()
	bot := newBot(t, tg)
	for i := range 3 {
		if _, err := bot.Send(tgbotapi.NewMessage(-100200, "news")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	_, err := bot.Send(tgbotapi.NewMessage(-100200, "one too many"))
	if te := tgErr(t, err); te.Code != 429 || te.RetryAfter < 1 || te.RetryAfter > 60 {
		t.Errorf("error = %+v", te)
	}
	// Private chats have no group limit.
	for i := range 4 {
		if _, err := bot.Send(tgbotapi.NewMessage(7, "dm")); err != nil {
			t.Fatalf("private message %d: %v", i, err)
		}
	}
	if len(tg.Messages("-100200")) != 3 {
		t.Errorf("group messages = %d, want 3", len(tg.Messages("-100200")))
	}
}

func TestTelegramGlobalLimit(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7", "8", "9"}, GlobalLimit: 2, GlobalWindow: time.Minute})
	defer tg.Close()
	bot := newBot(t, tg)
	for _, chat := range []int64{7, 8} {
		if _, err := bot.Send(tgbotapi.NewMessage(chat, "x")); err != nil {
			t.Fatal(err)
		}
	}
	_, err := bot.Send(tgbotapi.NewMessage(9, "x"))
	if te := tgErr(t, err); te.Code != 429 {
		t.Errorf("error = %+v", te)
	}
}

// TestTelegramLimitRolls checks that a client honouring retry_after gets
// through: the fake never refuses forever.
func TestTelegramLimitRolls(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: 50 * time.Millisecond})
	defer tg.Close()
	bot := newBot(t, tg)
	for i := range 3 {
		for {
			_, err := bot.Send(tgbotapi.NewMessage(7, "x"))
			if err == nil {
				break
			}
			te := tgErr(t, err)
			if te.Code != 429 || te.RetryAfter != 1 {
				t.Fatalf("message %d: %+v", i, te)
			}
			time.Sleep(60 * time.Millisecond) // the fake's window is shorter than the 1 s it must announce
		}
	}
	if len(tg.Messages("7")) != 3 {
		t.Errorf("messages = %d", len(tg.Messages("7")))
	}
}

func TestTelegramFailNextMigrateKick(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"-300", "7"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)

	tg.FailNext(1, 429, "Too Many Requests: retry after 3", 3)
	_, err := bot.Send(tgbotapi.NewMessage(7, "x"))
	if te := tgErr(t, err); te.Code != 429 || te.RetryAfter != 3 {
		t.Errorf("injected 429 = %+v", te)
	}
	if tg.RateLimited() != 1 || len(tg.AllMessages()) != 0 {
		t.Error("injected failure counted wrong or stored a message")
	}

	tg.Migrate("-300", "-1009")
	_, err = bot.Send(tgbotapi.NewMessage(-300, "x"))
	if te := tgErr(t, err); te.Code != 400 || te.MigrateToChatID != -1009 {
		t.Errorf("migrated = %+v", te)
	}
	if sent, err := bot.Send(tgbotapi.NewMessage(-1009, "x")); err != nil || sent.Chat.Type != "supergroup" {
		t.Errorf("send to the new supergroup: %+v, %v", sent.Chat, err)
	}

	tg.Kick("7")
	_, err = bot.Send(tgbotapi.NewMessage(7, "x"))
	if te := tgErr(t, err); te.Code != 403 || te.Message != "Forbidden: bot was blocked by the user" {
		t.Errorf("kicked = %+v", te)
	}
}

func TestTelegramPhoto(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)
	p := tgbotapi.NewPhoto(7, tgbotapi.FileURL("https://example.com/a.jpg"))
	p.Caption = "<b>Headline</b>"
	p.ParseMode = tgbotapi.ModeHTML
	sent, err := bot.Send(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent.Photo) == 0 || sent.Caption != "Headline" || len(sent.CaptionEntities) != 1 {
		t.Errorf("sent = %+v", sent)
	}
	p.Caption = strings.Repeat("x", 1025)
	_, err = bot.Send(p)
	if te := tgErr(t, err); te.Message != "Bad Request: message caption is too long" {
		t.Errorf("long caption = %+v", te)
	}
	p = tgbotapi.NewPhoto(7, tgbotapi.FileURL("/img/a.jpg"))
	_, err = bot.Send(p)
	if te := tgErr(t, err); !strings.Contains(te.Message, "wrong file identifier") {
		t.Errorf("relative photo URL = %+v", te)
	}
	up := tgbotapi.NewPhoto(7, tgbotapi.FileBytes{Name: "a.jpg", Bytes: []byte("jpeg")})
	if _, err := bot.Send(up); err != nil {
		t.Errorf("upload: %v", err)
	}
	if all := tg.AllMessages(); len(all) != 2 || all[1].Params["photo"] != "upload:a.jpg" {
		t.Errorf("messages = %+v", all)
	}
}

func TestTelegramEdit(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)
	sent, err := bot.Send(tgbotapi.NewMessage(7, "first"))
	if err != nil {
		t.Fatal(err)
	}
	edit := tgbotapi.NewEditMessageText(7, sent.MessageID, "<b>second</b>")
	edit.ParseMode = tgbotapi.ModeHTML
	if _, err := bot.Send(edit); err != nil {
		t.Fatal(err)
	}
	_, err = bot.Send(edit)
	if te := tgErr(t, err); !strings.HasPrefix(te.Message, "Bad Request: message is not modified") {
		t.Errorf("same edit = %+v", te)
	}
	if _, err := bot.Send(tgbotapi.NewEditMessageText(7, 99, "x")); tgErr(t, err).Message != "Bad Request: message to edit not found" {
		t.Errorf("edit of a missing message: %v", err)
	}
	if e := tg.Edits(); len(e) != 1 || e[0].Plain != "second" || e[0].MessageID != sent.MessageID {
		t.Errorf("Edits = %+v", e)
	}
}

func TestTelegramDelete(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7", "-1001"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)
	sent, err := bot.Send(tgbotapi.NewMessage(-1001, "first"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bot.Request(tgbotapi.NewDeleteMessage(-1001, sent.MessageID)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call tgbotapi.Chattable
		want string
	}{
		{"again", tgbotapi.NewDeleteMessage(-1001, sent.MessageID), "Bad Request: message to delete not found"},
		{"never sent", tgbotapi.NewDeleteMessage(-1001, 99), "Bad Request: message to delete not found"},
		{"another chat's", tgbotapi.NewDeleteMessage(7, sent.MessageID), "Bad Request: message to delete not found"},
		{"unknown chat", tgbotapi.NewDeleteMessage(-5, sent.MessageID), "Bad Request: chat not found"},
		{"edit of a deleted message", tgbotapi.NewEditMessageText(-1001, sent.MessageID, "x"), "Bad Request: message to edit not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.Request(tt.call)
			if te := tgErr(t, err); te.Code != 400 || te.Message != tt.want {
				t.Errorf("error = %+v, want 400 %q", te, tt.want)
			}
		})
	}

	old, err := bot.Send(tgbotapi.NewMessage(7, "old"))
	if err != nil {
		t.Fatal(err)
	}
	tg.Backdate("7", old.MessageID, 48*time.Hour)
	_, err = bot.Request(tgbotapi.NewDeleteMessage(7, old.MessageID))
	if te := tgErr(t, err); te.Message != "Bad Request: message can't be deleted" {
		t.Errorf("deleting a message 48 hours old = %+v", te)
	}

	d := tg.Deletions()
	if len(d) != 1 || d[0].MessageID != sent.MessageID || d[0].ChatID != -1001 || d[0].Chat != "-1001" {
		t.Errorf("Deletions = %+v", d)
	}
	if m := tg.Messages("-1001"); len(m) != 1 || m[0].Deleted.IsZero() {
		t.Errorf("Messages = %+v, want the message marked deleted", m)
	}
	if m := tg.Messages("7"); len(m) != 1 || !m[0].Deleted.IsZero() {
		t.Errorf("Messages = %+v, want the old message kept", m)
	}
}

// TestTelegramEditsAndDeletionsArePaced shows that edits and deletions
// count against a chat's flood limits as sends do, and that FailNextEdit
// fails them and not sends.
func TestTelegramEditsAndDeletionsArePaced(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: time.Hour})
	defer tg.Close()
	bot := newBot(t, tg)
	sent, err := bot.Send(tgbotapi.NewMessage(7, "first"))
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range []tgbotapi.Chattable{tgbotapi.NewEditMessageText(7, sent.MessageID, "second"), tgbotapi.NewDeleteMessage(7, sent.MessageID)} {
		_, err := bot.Request(call)
		if te := tgErr(t, err); te.Code != 429 || te.RetryAfter < 3599 {
			t.Errorf("%T right after a send = %+v, want a 429 of an hour", call, te)
		}
	}
	if len(tg.Edits()) != 0 || len(tg.Deletions()) != 0 {
		t.Error("a refused edit or deletion took effect")
	}

	free := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: -1})
	defer free.Close()
	bot = newBot(t, free)
	sent, err = bot.Send(tgbotapi.NewMessage(7, "first"))
	if err != nil {
		t.Fatal(err)
	}
	free.FailNextEdit(2, 429, "Too Many Requests: retry after 5", 5)
	for _, call := range []tgbotapi.Chattable{tgbotapi.NewEditMessageText(7, sent.MessageID, "second"), tgbotapi.NewDeleteMessage(7, sent.MessageID)} {
		_, err := bot.Request(call)
		if te := tgErr(t, err); te.Code != 429 || te.RetryAfter != 5 {
			t.Errorf("%T = %+v, want the injected 429", call, te)
		}
	}
	if _, err := bot.Send(tgbotapi.NewMessage(7, "send")); err != nil {
		t.Errorf("FailNextEdit failed a send: %v", err)
	}
	if free.RateLimited() != 2 {
		t.Errorf("RateLimited = %d, want 2", free.RateLimited())
	}
}

func TestTelegramDisableNotification(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)
	quiet := tgbotapi.NewMessage(7, "quiet")
	quiet.DisableNotification = true
	for _, c := range []tgbotapi.Chattable{quiet, tgbotapi.NewMessage(7, "loud")} {
		if _, err := bot.Send(c); err != nil {
			t.Fatal(err)
		}
	}
	m := tg.Messages("7")
	if len(m) != 2 || !m[0].DisableNotification || m[1].DisableNotification {
		t.Errorf("Messages = %+v, want the first silent only", m)
	}
}

func TestTelegramChatsAndMembers(t *testing.T) {
	tg := NewTelegram(TelegramOptions{
		Token:     tgToken,
		Chats:     []string{"-1001", "@news", "7"},
		ChatTypes: map[string]string{"-1001": "supergroup"},
		Admins:    map[string][]int64{"-1001": {499, 500}},
	})
	defer tg.Close()
	bot := newBot(t, tg)

	chat, err := bot.GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{SuperGroupUsername: "@news"}})
	if err != nil || chat.Type != "channel" || chat.ID >= 0 || chat.UserName != "news" {
		t.Errorf("GetChat(@news) = %+v, %v", chat, err)
	}
	for user, want := range map[int64]string{499: "creator", 500: "administrator", 501: "member", 123456: "administrator"} {
		m, err := bot.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: -1001, UserID: user}})
		if err != nil || m.Status != want {
			t.Errorf("member %d = %+v, %v; want %s", user, m, err, want)
		}
	}
	admins, err := bot.GetChatAdministrators(tgbotapi.ChatAdministratorsConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: -1001}})
	if err != nil || len(admins) != 2 || !admins[0].IsCreator() || admins[0].User.ID != 499 || !admins[1].IsAdministrator() || admins[1].User.ID != 500 {
		t.Errorf("admins = %+v, %v", admins, err)
	}
	if _, err := bot.GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: 5}}); tgErr(t, err).Message != "Bad Request: chat not found" {
		t.Errorf("unknown chat: %v", err)
	}
	checkNoUnexpected(t, tg.Unexpected())
}

func TestTelegramCommandsAndWebhook(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken})
	defer tg.Close()
	bot := newBot(t, tg)
	cmds := []tgbotapi.BotCommand{{Command: "follow", Description: "Follow a topic"}, {Command: "search", Description: "Search"}}
	if _, err := bot.Request(tgbotapi.NewSetMyCommands(cmds...)); err != nil {
		t.Fatal(err)
	}
	scope := tgbotapi.NewBotCommandScopeAllChatAdministrators()
	if _, err := bot.Request(tgbotapi.NewSetMyCommandsWithScope(scope, cmds[:1]...)); err != nil {
		t.Fatal(err)
	}
	if got := tg.Commands("default"); len(got) != 2 || got[0].Command != "follow" {
		t.Errorf("default commands = %+v", got)
	}
	if got := tg.Commands("all_chat_administrators"); len(got) != 1 {
		t.Errorf("admin commands = %+v", got)
	}
	listed, err := bot.GetMyCommands()
	if err != nil || len(listed) != 2 {
		t.Errorf("GetMyCommands = %+v, %v", listed, err)
	}
	_, err = bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Follow!", Description: "x"}))
	if te := tgErr(t, err); te.Code != 400 {
		t.Errorf("bad command = %+v", te)
	}

	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{DropPendingUpdates: true}); err != nil {
		t.Fatal(err)
	}
	_, err = bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "http://example.com/hook"})
	if te := tgErr(t, err); !strings.Contains(te.Message, "HTTPS") {
		t.Errorf("http webhook = %+v", te)
	}
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://example.com/hook", "secret_token": "s"}); err != nil || tg.Webhook() != "https://example.com/hook" {
		t.Fatalf("setWebhook: %v", err)
	}
	_, err = bot.GetUpdates(tgbotapi.NewUpdate(0))
	if te := tgErr(t, err); te.Code != 409 {
		t.Errorf("getUpdates with a webhook = %+v", te)
	}
	checkNoUnexpected(t, tg.Unexpected())
}

func TestTelegramUnknownMethod(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken})
	defer tg.Close()
	bot := newBot(t, tg)
	_, err := bot.MakeRequest("sendDice", tgbotapi.Params{"chat_id": "7"})
	if te := tgErr(t, err); te.Code != 404 || te.Message != "Not Found" {
		t.Errorf("error = %+v", te)
	}
	if u := tg.Unexpected(); len(u) != 1 || !strings.HasSuffix(u[0].Path, "/sendDice") {
		t.Errorf("Unexpected = %+v", u)
	}
}

func TestTelegramUpdates(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"-1001", "-1002", "7"}, ChatTypes: map[string]string{"-1001": "supergroup"}})
	defer tg.Close()
	bot := newBot(t, tg)

	first := tg.QueueText("-1001", 7, "/follow@news_bot golang")
	u := tgbotapi.NewUpdate(0)
	u.Timeout = 30 // the fake caps the wait at its LongPoll
	ch := bot.GetUpdatesChan(u)
	up := <-ch
	if up.UpdateID != first || up.Message == nil || !up.Message.IsCommand() {
		t.Fatalf("update = %+v", up)
	}
	if up.Message.Command() != "follow" || up.Message.CommandWithAt() != "follow@news_bot" || up.Message.CommandArguments() != "golang" {
		t.Errorf("command %q / %q / %q", up.Message.Command(), up.Message.CommandWithAt(), up.Message.CommandArguments())
	}
	second := tg.QueueText("-1002", 0, "/follow rust")
	up = <-ch
	if up.UpdateID != second || up.ChannelPost == nil || up.ChannelPost.SenderChat == nil || up.ChannelPost.From != nil {
		t.Fatalf("channel post = %+v", up)
	}
	bot.StopReceivingUpdates()
	for range ch {
	}

	// Receiving the second update took a call confirming the first.
	offsets := tg.Offsets()
	confirmed := false
	for _, o := range offsets {
		confirmed = confirmed || o == first+1
	}
	if !confirmed {
		t.Errorf("offsets = %v, want one of %d", offsets, first+1)
	}
	// Confirming the second leaves nothing to serve.
	left, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: second + 1})
	if err != nil || len(left) != 0 {
		t.Errorf("after confirming: %+v, %v", left, err)
	}
	tg.QueueUpdate(json.RawMessage(`{"update_id":5000,"message":{"message_id":9,"date":1700000000,"chat":{"id":7,"type":"private","first_name":"A"},"text":"hi"}}`))
	tg.QueueUpdate(json.RawMessage(`not json`))
	got, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: second + 1})
	if err != nil || len(got) != 1 || got[0].UpdateID != 5000 {
		t.Errorf("queued raw update: %+v, %v", got, err)
	}
}

func TestTelegramPollConflict(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, LongPoll: 5 * time.Second})
	defer tg.Close()
	bot := newBot(t, tg)
	errs := make(chan error, 1)
	go func() {
		_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 10})
		errs <- err
	}()
	waitFor(t, "the first poll", func() bool { return len(tg.Offsets()) == 1 })
	second := make(chan []tgbotapi.Update, 1)
	go func() {
		ups, _ := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 10})
		second <- ups
	}()
	if te := tgErr(t, <-errs); te.Code != 409 || !strings.HasPrefix(te.Message, "Conflict: terminated by other getUpdates request") {
		t.Errorf("first poll = %+v", te)
	}
	tg.QueueText("@nobody", 1, "x") // unknown chat: nothing queued
	tg.QueueUpdate(json.RawMessage(`{"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"text":"wake"}}`))
	if ups := <-second; len(ups) != 1 || ups[0].Message.Text != "wake" {
		t.Errorf("second poll = %+v", ups)
	}
}

func TestTelegramPaidBroadcastLiftsTheBotLimitOnly(t *testing.T) {
	var chats []string
	for i := range 40 {
		chats = append(chats, strconv.Itoa(1000+i))
	}
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: chats})
	defer tg.Close()
	bot := newBot(t, tg)
	send := func(chat string, paid bool) error {
		p := tgbotapi.Params{"chat_id": chat, "text": "hi"}
		if paid {
			p["allow_paid_broadcast"] = "true"
		}
		_, err := bot.MakeRequest("sendMessage", p)
		return err
	}
	// 40 chats in well under a second: the 31st unpaid message is refused.
	refused := 0
	for _, c := range chats {
		if send(c, false) != nil {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("40 unpaid messages in a burst were all accepted; the bot limit is 30 a second")
	}
	tg2 := NewTelegram(TelegramOptions{Token: tgToken, Chats: chats})
	defer tg2.Close()
	bot = newBot(t, tg2)
	for _, c := range chats {
		if err := send(c, true); err != nil {
			t.Fatalf("paid broadcast to %s refused: %v", c, err)
		}
	}
	if n := tg2.PaidBroadcasts(); n != 40 {
		t.Errorf("PaidBroadcasts = %d, want 40", n)
	}
	// The chat's own limit still holds.
	if err := send(chats[0], true); err == nil {
		t.Error("a second paid message to one chat within a second was accepted")
	}
}
