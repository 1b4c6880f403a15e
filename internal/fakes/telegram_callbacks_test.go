package fakes

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestTelegramCallbackQuery(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}})
	defer tg.Close()
	bot := newBot(t, tg)

	msg := tgbotapi.NewMessage(7, "Pick a feed")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Follow", "follow:42")))
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	updateID, queryID := tg.QueueCallback("7", sent.MessageID, 7, "follow:42")
	if updateID == 0 || queryID == "" {
		t.Fatalf("QueueCallback = %d, %q", updateID, queryID)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 {
		t.Fatalf("GetUpdates = %+v, %v", ups, err)
	}
	cq := ups[0].CallbackQuery
	if ups[0].UpdateID != updateID || cq == nil || cq.ID != queryID || cq.Data != "follow:42" || cq.ChatInstance == "" {
		t.Fatalf("update = %+v", ups[0])
	}
	if cq.From == nil || cq.From.ID != 7 || cq.From.IsBot {
		t.Errorf("from = %+v", cq.From)
	}
	if m := cq.Message; m == nil || m.MessageID != sent.MessageID || m.Chat.ID != 7 || m.Text != "Pick a feed" || m.ReplyMarkup == nil || m.From == nil || !m.From.IsBot {
		t.Errorf("message = %+v", cq.Message)
	}

	if _, err := bot.Request(tgbotapi.NewCallback(queryID, "Following")); err != nil {
		t.Fatalf("answer: %v", err)
	}
	const stale = "Bad Request: query is too old and response timeout expired or query ID is invalid"
	for name, id := range map[string]string{"second answer": queryID, "unknown query": "123"} {
		_, err := bot.Request(tgbotapi.NewCallback(id, "again"))
		if te := tgErr(t, err); te.Code != 400 || te.Message != stale {
			t.Errorf("%s = %+v", name, te)
		}
	}

	// A refused answer leaves the query open.
	_, other := tg.QueueCallback("7", sent.MessageID, 7, "x")
	_, err = bot.Request(tgbotapi.NewCallback(other, strings.Repeat("é", 201)))
	if te := tgErr(t, err); te.Message != "Bad Request: MESSAGE_TOO_LONG" {
		t.Errorf("long text = %+v", te)
	}
	_, err = bot.Request(tgbotapi.CallbackConfig{CallbackQueryID: other, URL: "https://example.com/"})
	if te := tgErr(t, err); te.Message != "Bad Request: URL_INVALID" {
		t.Errorf("foreign url = %+v", te)
	}
	alert := tgbotapi.NewCallbackWithAlert(other, strings.Repeat("é", 200))
	alert.URL = "https://t.me/news_bot?start=feeds"
	if _, err := bot.Request(alert); err != nil {
		t.Fatalf("alert: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	answers, err := tg.WaitCallbackAnswers(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 2 || answers[0].QueryID != queryID || answers[0].Text != "Following" || answers[0].ShowAlert ||
		answers[1].QueryID != other || !answers[1].ShowAlert || answers[1].URL != alert.URL || answers[1].Time.IsZero() {
		t.Errorf("answers = %+v", answers)
	}
	checkNoUnexpected(t, tg.Unexpected())
}

func TestTelegramQueueCallbackRefuses(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7", "-300"}})
	defer tg.Close()
	tests := []struct {
		name  string
		chat  string
		msgID int
		data  string
		ok    bool
	}{
		{"64 bytes", "7", 1, strings.Repeat("é", 32), true},
		{"one byte", "-300", 5, "x", true},
		{"65 bytes", "7", 1, strings.Repeat("a", 65), false},
		{"empty data", "7", 1, "", false},
		{"invalid UTF-8", "7", 1, "\xff", false},
		{"unknown chat", "8", 1, "x", false},
		{"no message", "7", 0, "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, q := tg.QueueCallback(tt.chat, tt.msgID, 7, tt.data)
			if ok := u != 0 && q != ""; ok != tt.ok {
				t.Errorf("QueueCallback = %d, %q; want queued %v", u, q, tt.ok)
			}
		})
	}
	// A message the bot did not send is shown bare.
	bot := newBot(t, tg)
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 2 {
		t.Fatalf("GetUpdates = %+v, %v", ups, err)
	}
	if m := ups[1].CallbackQuery.Message; m.MessageID != 5 || m.Chat.ID != -300 || m.Text != "" || m.From != nil {
		t.Errorf("bare message = %+v", m)
	}
}

func TestTelegramBlock(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7", "-300"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)
	tg.Block("7")
	tg.Block("-300") // not a private chat: no effect
	const blocked = "Forbidden: bot was blocked by the user"
	_, err := bot.Send(tgbotapi.NewMessage(7, "hello"))
	if te := tgErr(t, err); te.Code != 403 || te.Message != blocked {
		t.Errorf("sendMessage = %+v", te)
	}
	_, err = bot.Send(tgbotapi.NewPhoto(7, tgbotapi.FileURL("https://example.com/a.jpg")))
	if te := tgErr(t, err); te.Code != 403 || te.Message != blocked {
		t.Errorf("sendPhoto = %+v", te)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(-300, "group")); err != nil {
		t.Errorf("group after Block: %v", err)
	}
	if n := len(tg.Messages("7")); n != 0 {
		t.Errorf("%d messages stored for the blocked chat", n)
	}
	tg.Unblock("7")
	if _, err := bot.Send(tgbotapi.NewMessage(7, "back")); err != nil {
		t.Errorf("after Unblock: %v", err)
	}
}

func TestTelegramReplies(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"-300"}, ChatTypes: map[string]string{"-300": "supergroup"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)
	tg.QueueText("-300", 7, "/follow golang")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 {
		t.Fatalf("GetUpdates = %+v, %v", ups, err)
	}
	incoming := ups[0].Message.MessageID
	own, err := bot.Send(tgbotapi.NewMessage(-300, "earlier"))
	if err != nil {
		t.Fatal(err)
	}

	reply := func(id int, allow bool) (tgbotapi.Message, error) {
		m := tgbotapi.NewMessage(-300, "reply")
		m.ReplyToMessageID, m.AllowSendingWithoutReply = id, allow
		return bot.Send(m)
	}
	sent, err := reply(incoming, false)
	if err != nil || sent.ReplyToMessage == nil || sent.ReplyToMessage.Text != "/follow golang" || sent.ReplyToMessage.From.ID != 7 {
		t.Fatalf("reply to the user = %+v, %v", sent.ReplyToMessage, err)
	}
	sent, err = reply(own.MessageID, false)
	if err != nil || sent.ReplyToMessage == nil || sent.ReplyToMessage.Text != "earlier" {
		t.Fatalf("reply to the bot = %+v, %v", sent.ReplyToMessage, err)
	}
	_, err = reply(999, false)
	if te := tgErr(t, err); te.Code != 400 || te.Message != "Bad Request: message to be replied not found" {
		t.Errorf("missing message = %+v", te)
	}
	sent, err = reply(999, true)
	if err != nil || sent.ReplyToMessage != nil {
		t.Errorf("allowed without reply = %+v, %v", sent.ReplyToMessage, err)
	}

	for _, tt := range []struct {
		params, err string
	}{
		{`{"message_id":` + strconv.Itoa(incoming) + `}`, ""},
		{`{"message_id":999}`, "Bad Request: message to be replied not found"},
		{`{"message_id":999,"allow_sending_without_reply":true}`, ""},
		{`{"quote":"x"}`, "Bad Request: can't parse reply parameters JSON object"},
		{`[1]`, "Bad Request: can't parse reply parameters JSON object"},
	} {
		_, err := bot.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "-300", "text": "x", "reply_parameters": tt.params})
		if tt.err == "" && err != nil || tt.err != "" && (err == nil || tgErr(t, err).Message != tt.err) {
			t.Errorf("reply_parameters %s: %v, want %q", tt.params, err, tt.err)
		}
	}
	var replyTo []int
	for _, m := range tg.Messages("-300") {
		replyTo = append(replyTo, m.ReplyTo)
	}
	if want := []int{0, incoming, own.MessageID, 0, incoming, 0}; !slices.Equal(replyTo, want) {
		t.Errorf("ReplyTo = %v, want %v", replyTo, want)
	}
}

func TestTelegramInlineKeyboard(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, PerChatInterval: -1})
	defer tg.Close()
	bot := newBot(t, tg)
	const parse = "Bad Request: can't parse inline keyboard button: "
	tests := []struct {
		name, button, err string
	}{
		{"callback", `{"text":"a","callback_data":"` + strings.Repeat("x", 64) + `"}`, ""},
		{"url", `{"text":"a","url":"https://example.com/"}`, ""},
		{"empty inline query", `{"text":"a","switch_inline_query":""}`, ""},
		{"long callback", `{"text":"a","callback_data":"` + strings.Repeat("x", 65) + `"}`, "Bad Request: BUTTON_DATA_INVALID"},
		{"empty callback", `{"text":"a","callback_data":""}`, parse + "Text buttons are unallowed in the inline keyboard"},
		{"text only", `{"text":"a"}`, parse + "Text buttons are unallowed in the inline keyboard"},
		{"url and callback", `{"text":"a","url":"https://example.com/","callback_data":"x"}`, parse + "exactly one of the optional fields must be used, got url and callback_data"},
		{"no text", `{"callback_data":"x"}`, parse + `Field "text" must be of type String`},
		{"bad url", `{"text":"a","url":"ftp://example.com/"}`, "Bad Request: inline keyboard button URL 'ftp://example.com/' is invalid: Wrong HTTP URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "7", "text": "x", "reply_markup": `{"inline_keyboard":[[` + tt.button + `]]}`})
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.err != "" && err == nil:
				t.Errorf("accepted, want %q", tt.err)
			case tt.err != "" && tgErr(t, err).Message != tt.err:
				t.Errorf("error = %q, want %q", err, tt.err)
			}
		})
	}
}

// TestTelegramSenders checks what each kind of sender looks like through
// tgbotapi.
func TestTelegramSenders(t *testing.T) {
	tg := NewTelegram(TelegramOptions{
		Token:     tgToken,
		Chats:     []string{"-1001", "@news=-1002", "7", "-1003"},
		ChatTypes: map[string]string{"-1001": "supergroup"},
		Admins:    map[string][]int64{"-1001": {8}},
	})
	defer tg.Close()
	bot := newBot(t, tg)
	ids := []int{
		tg.QueueText("-1001", 9, "/follow@news_bot golang rust"), // member
		tg.QueueText("-1001", 8, "/follow golang"),               // admin
		tg.QueueText("-1001", anonymousAdmin, "/follow x"),       // anonymous admin
		tg.QueueText("@news", 0, "/follow y"),                    // channel post
		tg.QueueTextAs("-1001", "-1009", "/follow z"),            // as a linked channel
		tg.QueueTextAs("-1001", "-1001", "/follow w"),            // as the group itself
		tg.QueueText("7", 7, "/start"),                           // private
	}
	for i, id := range ids {
		if id == 0 {
			t.Fatalf("update %d not queued", i)
		}
	}
	for _, bad := range []int{tg.QueueTextAs("@news", "-1009", "x"), tg.QueueTextAs("7", "-1009", "x"), tg.QueueTextAs("-1001", "7", "x"), tg.QueueTextAs("-1001", "@nobody", "x")} {
		if bad != 0 {
			t.Errorf("QueueTextAs queued %d where Telegram cannot", bad)
		}
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != len(ids) {
		t.Fatalf("GetUpdates = %d updates, %v", len(ups), err)
	}
	type want struct {
		from       int64 // 0: no from
		senderChat int64 // 0: no sender_chat
		chatType   string
	}
	wants := []want{
		{9, 0, "supergroup"}, {8, 0, "supergroup"}, {anonymousAdmin, -1001, "supergroup"},
		{0, -1002, "channel"}, {channelBot, -1009, "supergroup"}, {anonymousAdmin, -1001, "supergroup"}, {7, 0, "private"},
	}
	for i, u := range ups {
		m := u.Message
		if i == 3 {
			m = u.ChannelPost
		}
		if m == nil {
			t.Fatalf("update %d: %+v", i, u)
		}
		var from, sender int64
		if m.From != nil {
			from = m.From.ID
		}
		if m.SenderChat != nil {
			sender = m.SenderChat.ID
		}
		if got := (want{from, sender, m.Chat.Type}); got != wants[i] {
			t.Errorf("update %d = %+v, want %+v", i, got, wants[i])
		}
		if !m.IsCommand() || m.Command() != map[bool]string{true: "start", false: "follow"}[i == 6] {
			t.Errorf("update %d: command %q from %q", i, m.Command(), m.Text)
		}
	}
	if m := ups[0].Message; m.CommandWithAt() != "follow@news_bot" || m.CommandArguments() != "golang rust" {
		t.Errorf("command %q, arguments %q", m.CommandWithAt(), m.CommandArguments())
	}
}

func TestCommandEntities(t *testing.T) {
	tests := []struct {
		text string
		want []TelegramEntity
	}{
		{"/start", []TelegramEntity{{Type: "bot_command", Offset: 0, Length: 6}}},
		{"/follow@news_bot golang", []TelegramEntity{{Type: "bot_command", Offset: 0, Length: 16}}},
		{"/follow\ngolang", []TelegramEntity{{Type: "bot_command", Offset: 0, Length: 7}}},
		{"😀 /help", []TelegramEntity{{Type: "bot_command", Offset: 3, Length: 5}}},
		{"/a /b", []TelegramEntity{{Type: "bot_command", Offset: 0, Length: 2}, {Type: "bot_command", Offset: 3, Length: 2}}},
		{"/x@ab", []TelegramEntity{{Type: "bot_command", Offset: 0, Length: 2}}},
		{"and/or", nil},
		{"/", nil},
		{"/ x", nil},
		{"hello", nil},
	}
	for _, tt := range tests {
		if got := commandEntities(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("%q: %+v, want %+v", tt.text, got, tt.want)
		}
	}
}
