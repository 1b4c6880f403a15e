package telegram_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/telegram"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/internal/fakes"
)

const token = "123456:SECRET-token-value"

func article(n string) herald.Article {
	return herald.Article{
		Key: "guid:" + n, URL: "https://news.example/" + n,
		Headline:  "Council approves <new> harbour & ferry plan " + n,
		Dateline:  herald.Dateline{Text: "PORTSMOUTH, April 8 (Reuters)", Place: "PORTSMOUTH", Date: "2024-04-08", Agency: "Reuters"},
		Lead:      "The city council voted on Monday to fund a new ferry terminal.",
		Topics:    []string{"Local", "Transport"},
		Published: time.Date(2024, 4, 8, 10, 0, 0, 0, time.UTC),
		Source:    "Harbour Times",
	}
}

func newBot(t *testing.T, fake *fakes.Telegram, tok string) *telegram.Bot {
	t.Helper()
	return telegram.New(context.Background(), telegram.Options{
		Token: tok, APIURL: fake.URL(), Timeout: 5 * time.Second,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
}

func TestSendPostsHTMLWithLinkPreview(t *testing.T) {
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"-1001234567890", "@harbour"}})
	defer fake.Close()
	bot := newBot(t, fake, token)
	a := article("1")
	id, err := bot.Send(context.Background(), herald.Delivery{ID: 1, Target: herald.Target{Platform: herald.Telegram, Chat: "-1001234567890"}, Article: a})
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages("-1001234567890")
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	if id == "" || id == "0" {
		t.Errorf("message id %q", id)
	}
	want := formatter.Telegram(a)
	if m.Method != "sendMessage" || m.ParseMode != "HTML" || m.Text != want.Text {
		t.Errorf("sent %s %s %q, want the formatter's HTML %q", m.Method, m.ParseMode, m.Text, want.Text)
	}
	if !strings.Contains(m.Text, "&lt;new&gt; harbour &amp; ferry") {
		t.Errorf("headline not escaped: %q", m.Text)
	}
	if !strings.Contains(m.Params["link_preview_options"], `"url":"https://news.example/1"`) {
		t.Errorf("link preview does not show the article: %q", m.Params["link_preview_options"])
	}

	if _, err := bot.Send(context.Background(), herald.Delivery{ID: 2, Target: herald.Target{Platform: herald.Telegram, Chat: "@harbour"}, Article: a}); err != nil {
		t.Fatalf("@channel name: %v", err)
	}
}

func TestSendPacesBelowTheLimits(t *testing.T) {
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7"}})
	defer fake.Close()
	bot := newBot(t, fake, token)
	for i := range 3 {
		d := herald.Delivery{ID: int64(i), Target: herald.Target{Platform: herald.Telegram, Chat: "7"}, Article: article(string(rune('a' + i)))}
		if _, err := bot.Send(context.Background(), d); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if n := fake.RateLimited(); n != 0 {
		t.Fatalf("the fake answered %d 429s: the bot does not pace one message a second per chat", n)
	}
	if n := len(fake.Messages("7")); n != 3 {
		t.Fatalf("got %d messages", n)
	}
}

func TestSendClassifiesErrors(t *testing.T) {
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7", "8", "9", "10", "-300"}, PerChatInterval: -1})
	defer fake.Close()
	bot := newBot(t, fake, token)
	send := func(chat string) error {
		_, err := bot.Send(context.Background(), herald.Delivery{Target: herald.Target{Platform: herald.Telegram, Chat: chat}, Article: article(chat)})
		return err
	}

	fake.FailNext(1, 429, "Too Many Requests: retry after 3", 3)
	var rl *herald.RateLimitError
	if err := send("7"); !errors.As(err, &rl) || rl.RetryAfter != 3*time.Second {
		t.Errorf("429: got %v, want a RateLimitError of 3s", err)
	}

	fake.Kick("8")
	var perm *herald.PermanentError
	if err := send("8"); !errors.As(err, &perm) || !strings.Contains(perm.Reason, "403") || !errors.Is(err, herald.ErrUnreachable) {
		t.Errorf("kicked: got %v, want a permanent 403, unreachable", err)
	}

	if err := send("-100999"); !errors.As(err, &perm) || !strings.Contains(perm.Reason, "chat not found") || !errors.Is(err, herald.ErrUnreachable) {
		t.Errorf("unknown chat: got %v, want a permanent chat not found, unreachable", err)
	}

	fake.Migrate("-300", "-1009")
	var moved *herald.MovedError
	if err := send("-300"); !errors.As(err, &moved) || moved.To != (herald.Target{Platform: herald.Telegram, Chat: "-1009"}) {
		t.Errorf("migrated group: got %v, want moved to telegram:-1009", err)
	}
	if err := send("-1009"); err != nil {
		t.Errorf("send to the supergroup: %v", err)
	}

	fake.FailNext(1, 500, "Internal Server Error", 0)
	if err := send("9"); err == nil || errors.As(err, &perm) || errors.As(err, &rl) {
		t.Errorf("500: got %v, want a transient error", err)
	}
	if err := send("10"); err != nil {
		t.Errorf("after the faults: %v", err)
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token})
	bad := newBot(t, fake, "999:WRONG-secret")
	_, err := bad.Me(context.Background())
	if !telegram.IsUnauthorized(err) {
		t.Errorf("wrong token: got %v, want unauthorized", err)
	}
	if err != nil && strings.Contains(err.Error(), "WRONG-secret") {
		t.Errorf("token leaked: %v", err)
	}

	fake.Close() // now every request fails at the transport
	down := newBot(t, fake, token)
	_, err = down.Me(context.Background())
	if err == nil {
		t.Fatal("no error from a closed server")
	}
	if strings.Contains(err.Error(), "SECRET-token-value") {
		t.Errorf("token leaked in %q", err)
	}
	_, err = down.Send(context.Background(), herald.Delivery{Target: herald.Target{Platform: herald.Telegram, Chat: "7"}, Article: article("x")})
	if err == nil || strings.Contains(err.Error(), "SECRET-token-value") {
		t.Errorf("send error %v: want an error without the token", err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{errors.New(`Post "https://api.telegram.org/botS3CR3T/getMe": dial tcp: refused`), `Post "https://api.telegram.org/bot<token>/getMe": dial tcp: refused`},
		{errors.New("no secret here"), "no secret here"},
	}
	for _, tt := range tests {
		if got := telegram.Redact(tt.err, "S3CR3T").Error(); got != tt.want {
			t.Errorf("Redact = %q, want %q", got, tt.want)
		}
	}
	if telegram.Redact(nil, "x") != nil {
		t.Error("Redact(nil) != nil")
	}
}
