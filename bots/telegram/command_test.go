package telegram_test

import (
	"testing"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald/bots/telegram"
)

// message is a text message with the bot_command entity Telegram gives a
// text that starts with '/'.
func message(text string) *tgbotapi.Message {
	m := &tgbotapi.Message{Text: text}
	if len(text) > 0 && text[0] == '/' {
		n := len(text)
		for i, r := range text {
			if r == ' ' || r == '\n' {
				n = i
				break
			}
		}
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: n}}
	}
	return m
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text            string
		cmd, args       string
		addressed, isOK bool
	}{
		{"/follow china", "follow", "china", false, true},
		{"/FOLLOW China Daily", "follow", "China Daily", false, true},
		{"/follow@news_bot asia", "follow", "asia", true, true},
		{"/follow@NEWS_BOT asia", "follow", "asia", true, true},
		{"/follow@other_bot asia", "", "", true, false},
		{"/start", "help", "", false, true},
		{"/search", "search", "", false, true},
		{"/search\nlavrov", "search", "lavrov", false, true},
		{"hello", "", "", false, false},
		{"", "", "", false, false},
	}
	for _, tt := range tests {
		cmd, args, addressed, ok := telegram.ParseCommand(message(tt.text), "news_bot")
		if cmd != tt.cmd || args != tt.args || addressed != tt.addressed || ok != tt.isOK {
			t.Errorf("ParseCommand(%q) = %q, %q, %v, %v; want %q, %q, %v, %v",
				tt.text, cmd, args, addressed, ok, tt.cmd, tt.args, tt.addressed, tt.isOK)
		}
	}
	// Entities that do not fit the text are no command.
	bad := &tgbotapi.Message{Text: "/x", Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Length: 40}}}
	if _, _, _, ok := telegram.ParseCommand(bad, "news_bot"); ok {
		t.Error("an entity past the text was read as a command")
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/follow china", "/follow@news_bot asia", "/start", "/", "/@", "/a@", "/ü@bot x", "/search \"x\" NEAR(", "hi"} {
		f.Add(s, 0, len(s))
	}
	f.Fuzz(func(t *testing.T, text string, offset, length int) {
		m := &tgbotapi.Message{Text: text, Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Offset: offset, Length: length}}}
		cmd, args, _, ok := telegram.ParseCommand(m, "news_bot")
		if !ok && (cmd != "" || args != "") {
			t.Fatalf("no command, yet %q %q", cmd, args)
		}
		if ok && (cmd == "" || len(cmd)+len(args) > len(text)) {
			t.Fatalf("command %q args %q from %q", cmd, args, text)
		}
		if utf8.ValidString(text) && (!utf8.ValidString(cmd) && ok) {
			t.Fatalf("invalid UTF-8 command %q from %q", cmd, text)
		}
	})
}
