package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots"
	"github.com/heraldhq/herald/bots/telegram"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/logtest"
	"github.com/heraldhq/herald/store/sqlite"
)

// hookURL is the public URL Telegram is given; the fake's webhook client
// sends it to the test's server.
const hookURL = "https://herald.example" + telegram.WebhookPath

// hookEnv is Herald's webhook behind an HTTP server, with the fake
// Telegram delivering to it.
type hookEnv struct {
	fake    *fakes.Telegram
	bot     *telegram.Bot
	store   herald.Store
	handler *bots.Handler
	hook    *telegram.Webhook
	srv     *httptest.Server
	logs    *logtest.Buffer
	secret  string
}

// newHookEnv starts the fake and the webhook. wrap, if not nil, stands
// between Telegram and the webhook, like a load balancer.
func newHookEnv(t *testing.T, wrap func(http.Handler) http.Handler) *hookEnv {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	fake := fakes.NewTelegram(fakes.TelegramOptions{
		Token: token, Chats: []string{"7", "-1001"}, ChatTypes: map[string]string{"-1001": "supergroup"},
		Admins:        map[string][]int64{"-1001": {7}},
		WebhookClient: &http.Client{Transport: fakes.RewriteTransport(base), Timeout: 5 * time.Second},
	})
	t.Cleanup(fake.Close)
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	bot := telegram.New(context.Background(), telegram.Options{Token: token, APIURL: fake.URL(), Timeout: 5 * time.Second, Log: log})
	handler := bots.NewHandler(st, log, bots.Options{})
	e := &hookEnv{fake: fake, bot: bot, store: st, handler: handler, srv: srv, logs: logs, secret: telegram.WebhookSecret(token)}
	e.hook = bot.Webhook(handler, e.secret)
	t.Cleanup(e.hook.Wait)
	var h http.Handler = e.hook
	if wrap != nil {
		h = wrap(h)
	}
	mux.Handle(telegram.WebhookPath, h)
	return e
}

func (e *hookEnv) follows(t *testing.T, chat string) []string {
	t.Helper()
	fs, err := e.store.Follows(context.Background(), herald.Target{Platform: herald.Telegram, Chat: chat})
	if err != nil {
		t.Fatal(err)
	}
	var topics []string
	for _, f := range fs {
		topics = append(topics, f.Topic)
	}
	return topics
}

// checkLogs fails the test if the token or the secret was logged.
func (e *hookEnv) checkLogs(t *testing.T) {
	t.Helper()
	logs := e.logs.String()
	for _, s := range []string{token, "SECRET-token-value", e.secret} {
		if strings.Contains(logs, s) {
			t.Errorf("the logs hold a secret %q:\n%s", s, logs)
		}
	}
}

func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestWebhookAnswersFollowOnce(t *testing.T) {
	e := newHookEnv(t, nil)
	ctx := waitCtx(t)
	if err := e.bot.SetWebhook(ctx, hookURL, e.secret); err != nil {
		t.Fatal(err)
	}
	info := e.fake.WebhookInfo()
	if info.URL != hookURL || info.SecretToken != e.secret || !slices.Equal(info.AllowedUpdates, []string{"message", "channel_post", "callback_query"}) {
		t.Errorf("webhook = %+v", info)
	}
	if cmds := e.fake.Commands("all_private_chats"); len(cmds) == 0 {
		t.Error("SetWebhook registered no command menu")
	}

	id := e.fake.QueueText("7", 7, "/follow golang")
	msgs, err := e.fake.WaitMessages(ctx, "7", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(msgs[0].Plain), "golang") {
		t.Errorf("reply = %q", msgs[0].Plain)
	}
	d := e.fake.WebhookDeliveries()
	if len(d) != 1 || d[0].UpdateID != id || d[0].Status != http.StatusOK {
		t.Errorf("deliveries = %+v", d)
	}
	// A command in a group goes through the admin check and replies to
	// the message.
	e.fake.QueueText("-1001", 7, "/follow@news_bot rust")
	if _, err := e.fake.WaitMessages(ctx, "-1001", 1); err != nil {
		t.Fatal(err)
	}
	e.hook.Wait()
	if got := e.follows(t, "7"); !slices.Equal(got, []string{"golang"}) {
		t.Errorf("follows of 7 = %v", got)
	}
	if got := e.follows(t, "-1001"); !slices.Equal(got, []string{"rust"}) {
		t.Errorf("follows of -1001 = %v", got)
	}
	if n := len(e.fake.Messages("7")); n != 1 {
		t.Errorf("chat 7 got %d answers, want 1", n)
	}
	if m := e.fake.Messages("-1001"); len(m) != 1 || m[0].ReplyTo == 0 {
		t.Errorf("group answers = %+v", m)
	}
	checkUpdatesConflict(t, e.fake)
	e.checkLogs(t)
}

// checkUpdatesConflict checks that getUpdates is refused while the
// webhook is set, as Telegram refuses it.
func checkUpdatesConflict(t *testing.T, fake *fakes.Telegram) {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithClient(token, fake.Endpoint(), &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.GetUpdates(tgbotapi.NewUpdate(0))
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.Code != http.StatusConflict || !strings.Contains(te.Message, "webhook is active") {
		t.Errorf("getUpdates while the webhook is set: %v", err)
	}
}

// followUpdate is a private /follow as Telegram POSTs it.
func followUpdate(id int, topic string) string {
	cmd := "/follow " + topic
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1700000000,"chat":{"id":7,"type":"private","first_name":"A"},`+
		`"from":{"id":7,"is_bot":false,"first_name":"A"},"text":%q,"entities":[{"type":"bot_command","offset":0,"length":7}]}}`, id, id, cmd)
}

func TestWebhookRefusesBadRequests(t *testing.T) {
	e := newHookEnv(t, nil)
	valid := followUpdate(5000, "golang")
	tests := []struct {
		name   string
		method string
		secret []string // header values; nil for none
		body   string
		want   int
	}{
		{name: "missing secret", method: "POST", body: valid, want: 401},
		{name: "empty secret", method: "POST", secret: []string{""}, body: valid, want: 401},
		{name: "wrong secret", method: "POST", secret: []string{"wrong"}, body: valid, want: 403},
		{name: "secret with a suffix", method: "POST", secret: []string{e.secret + "x"}, body: valid, want: 403},
		{name: "other token's secret", method: "POST", secret: []string{telegram.WebhookSecret("654321:other")}, body: valid, want: 403},
		{name: "secret twice", method: "POST", secret: []string{e.secret, "wrong"}, body: valid, want: 403},
		{name: "GET", method: "GET", secret: []string{e.secret}, want: 405},
		{name: "PUT", method: "PUT", secret: []string{e.secret}, body: valid, want: 405},
		{name: "not JSON", method: "POST", secret: []string{e.secret}, body: "update_id=5000", want: 400},
		{name: "JSON array", method: "POST", secret: []string{e.secret}, body: "[" + valid + "]", want: 400},
		{name: "no update_id", method: "POST", secret: []string{e.secret}, body: `{"message":{"text":"/follow x"}}`, want: 400},
		{name: "truncated", method: "POST", secret: []string{e.secret}, body: valid[:len(valid)-2], want: 400},
		{name: "two updates", method: "POST", secret: []string{e.secret}, body: valid + followUpdate(5001, "rust"), want: 400},
		{name: "wrong field type", method: "POST", secret: []string{e.secret}, body: `{"update_id":"5000"}`, want: 400},
		{name: "over 1 MiB", method: "POST", secret: []string{e.secret}, body: `{"update_id":5000,"pad":"` + strings.Repeat("x", 1<<20) + `"}`, want: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, e.srv.URL+telegram.WebhookPath, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			for _, s := range tt.secret {
				req.Header.Add(telegram.SecretHeader, s)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
	e.hook.Wait()
	if got := e.follows(t, "7"); len(got) != 0 {
		t.Errorf("refused requests followed %v", got)
	}
	for _, r := range e.fake.Requests() {
		if !strings.HasSuffix(r.Path, "/getMe") {
			t.Errorf("refused requests made the bot call %s", r.Path)
		}
	}
	if m := e.fake.AllMessages(); len(m) != 0 {
		t.Errorf("refused requests were answered: %+v", m)
	}

	// The same update with the secret is taken: the refusals above were
	// for their faults alone.
	status := post(t, e, valid)
	if status != http.StatusOK {
		t.Fatalf("valid update: status %d", status)
	}
	if _, err := e.fake.WaitMessages(waitCtx(t), "7", 1); err != nil {
		t.Fatal(err)
	}
	e.hook.Wait()
	if got := e.follows(t, "7"); !slices.Equal(got, []string{"golang"}) {
		t.Errorf("follows = %v", got)
	}
	e.checkLogs(t)
}

// post sends an update with the right secret and returns the status.
func post(t *testing.T, e *hookEnv, body string) int {
	t.Helper()
	req, err := http.NewRequest("POST", e.srv.URL+telegram.WebhookPath, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(telegram.SecretHeader, e.secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestWebhookEmptySecretRefusesAll(t *testing.T) {
	e := newHookEnv(t, nil)
	hook := e.bot.Webhook(e.handler, "")
	for _, secret := range []string{"", "x", e.secret} {
		req := httptest.NewRequest("POST", telegram.WebhookPath, strings.NewReader(followUpdate(5000, "golang")))
		if secret != "" {
			req.Header.Set(telegram.SecretHeader, secret)
		}
		w := httptest.NewRecorder()
		hook.ServeHTTP(w, req)
		if w.Code != http.StatusUnauthorized && w.Code != http.StatusForbidden {
			t.Errorf("secret %q: status %d", secret, w.Code)
		}
	}
	hook.Wait()
	if got := e.follows(t, "7"); len(got) != 0 {
		t.Errorf("follows = %v", got)
	}
}

// lostAnswer handles the first request but answers 502, as a load
// balancer that lost the webhook's answer does: Telegram delivers the
// update again.
func lostAnswer(next http.Handler) http.Handler {
	var mu sync.Mutex
	first := true
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		lose := first
		first = false
		mu.Unlock()
		if !lose {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(httptest.NewRecorder(), r)
		w.WriteHeader(http.StatusBadGateway)
	})
}

func TestWebhookRetriedUpdateHandledOnce(t *testing.T) {
	e := newHookEnv(t, lostAnswer)
	ctx := waitCtx(t)
	if err := e.bot.SetWebhook(ctx, hookURL, e.secret); err != nil {
		t.Fatal(err)
	}
	id := e.fake.QueueText("7", 7, "/follow golang")
	d, err := e.fake.WaitWebhookDeliveries(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if d[0].UpdateID != id || d[0].Status != http.StatusBadGateway || d[1].UpdateID != id || d[1].Attempt != 2 || d[1].Status != http.StatusOK {
		t.Fatalf("deliveries = %+v", d)
	}
	if _, err := e.fake.WaitMessages(ctx, "7", 1); err != nil {
		t.Fatal(err)
	}
	// The same update POSTed again by hand is taken and dropped too.
	if status := post(t, e, followUpdate(id, "golang")); status != http.StatusOK {
		t.Errorf("repeat: status %d", status)
	}
	e.hook.Wait()
	if n := len(e.fake.Messages("7")); n != 1 {
		t.Errorf("chat 7 got %d answers to one update, want 1", n)
	}
	// A new update is still answered.
	if status := post(t, e, followUpdate(id+1, "rust")); status != http.StatusOK {
		t.Errorf("new update: status %d", status)
	}
	e.hook.Wait()
	if got := e.follows(t, "7"); !slices.Equal(got, []string{"golang", "rust"}) {
		t.Errorf("follows = %v", got)
	}
}

func TestWebhookForgetsOldestUpdates(t *testing.T) {
	// Past the memory of 1024 updates, the first one is handled again:
	// the memory is bounded. Updates without content are handled without
	// a reply.
	e := newHookEnv(t, nil)
	for id := 1; id <= 1025; id++ {
		if status := post(t, e, fmt.Sprintf(`{"update_id":%d}`, id)); status != http.StatusOK {
			t.Fatalf("update %d: status %d", id, status)
		}
	}
	if status := post(t, e, followUpdate(1025, "golang")); status != http.StatusOK {
		t.Fatal(status)
	}
	if status := post(t, e, followUpdate(1, "rust")); status != http.StatusOK {
		t.Fatal(status)
	}
	e.hook.Wait()
	if got := e.follows(t, "7"); !slices.Equal(got, []string{"rust"}) {
		t.Errorf("follows = %v, want the forgotten update 1 handled and 1025 dropped", got)
	}
}

func TestListenDeletesTheWebhook(t *testing.T) {
	e := newHookEnv(t, nil)
	ctx := waitCtx(t)
	if err := e.bot.SetWebhook(ctx, hookURL, e.secret); err != nil {
		t.Fatal(err)
	}
	checkUpdatesConflict(t, e.fake)
	before := len(e.fake.Requests())

	listenCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.bot.Listen(listenCtx, e.handler, e.store) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Listen: %v", err)
		}
	}()
	for e.fake.Webhook() != "" {
		if ctx.Err() != nil {
			t.Fatal("Listen left the webhook set")
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.fake.QueueText("7", 7, "/follow golang")
	if _, err := e.fake.WaitMessages(ctx, "7", 1); err != nil {
		t.Fatal(err)
	}
	if d := e.fake.WebhookDeliveries(); len(d) != 0 {
		t.Errorf("the update went to the webhook: %+v", d)
	}
	var deleted, polled bool
	for _, r := range e.fake.Requests()[before:] {
		switch {
		case strings.HasSuffix(r.Path, "/deleteWebhook"):
			deleted = true
			if polled {
				t.Error("getUpdates before deleteWebhook")
			}
		case strings.HasSuffix(r.Path, "/getUpdates"):
			polled = true
		}
	}
	if !deleted || !polled {
		t.Errorf("deleteWebhook %v, getUpdates %v", deleted, polled)
	}
	if !strings.Contains(e.logs.String(), "a webhook is set") {
		t.Error("Listen did not say it deleted the webhook")
	}
	e.checkLogs(t)
}

func TestListenWithoutWebhookKeepsItSo(t *testing.T) {
	e := newHookEnv(t, nil)
	ctx := waitCtx(t)
	listenCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- e.bot.Listen(listenCtx, e.handler, e.store) }()
	e.fake.QueueText("7", 7, "/follow golang")
	if _, err := e.fake.WaitMessages(ctx, "7", 1); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := <-done; err != nil {
		t.Errorf("Listen: %v", err)
	}
	if strings.Contains(e.logs.String(), "a webhook is set") {
		t.Error("Listen warned of a webhook that was not set")
	}
}

func TestSetWebhookRefusesBadInput(t *testing.T) {
	e := newHookEnv(t, nil)
	ctx := waitCtx(t)
	for _, tt := range []struct{ url, secret string }{
		{hookURL, ""},
		{hookURL, "has space"},
		{hookURL, strings.Repeat("a", 257)},
		{"http://herald.example/telegram/webhook", e.secret},
		{"", e.secret},
	} {
		if err := e.bot.SetWebhook(ctx, tt.url, tt.secret); err == nil {
			t.Errorf("SetWebhook(%q, %q) = nil", tt.url, tt.secret)
		} else if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
			t.Errorf("the error shows the secret: %v", err)
		}
	}
	if e.fake.Webhook() != "" {
		t.Error("a webhook was set")
	}
	// Telegram's own refusal comes back as an error.
	if err := e.bot.SetWebhook(ctx, "https://herald.example:9999/hook", e.secret); err == nil || !strings.Contains(err.Error(), "ports") {
		t.Errorf("port 9999: %v", err)
	}
}

var telegramSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func TestWebhookSecret(t *testing.T) {
	tokens := []string{
		token,
		"654321:other-token",
		"123456:SECRET-token-valuf",
		"",
		"1:" + strings.Repeat("x", 500),
		"7:ключ ✓",
	}
	seen := map[string]string{}
	for _, tok := range tokens {
		s := telegram.WebhookSecret(tok)
		if !telegramSecret.MatchString(s) || !telegram.ValidWebhookSecret(s) {
			t.Errorf("WebhookSecret(%q) = %q, not in Telegram's charset", tok, s)
		}
		if s != telegram.WebhookSecret(tok) {
			t.Errorf("WebhookSecret(%q) is not stable", tok)
		}
		if tok != "" && strings.Contains(s, tok) || strings.Contains(s, "SECRET") {
			t.Errorf("WebhookSecret(%q) = %q shows the token", tok, s)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("tokens %q and %q share the secret %q", other, tok, s)
		}
		seen[s] = tok
	}
}

func TestValidWebhookSecret(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"a", true},
		{"AZaz09_-", true},
		{strings.Repeat("x", 256), true},
		{"", false},
		{strings.Repeat("x", 257), false},
		{"a b", false},
		{"a+b", false},
		{"a/b", false},
		{"a=", false},
		{"a.b", false},
		{"é", false},
		{"a\x00", false},
	} {
		if got := telegram.ValidWebhookSecret(tt.s); got != tt.want || got != telegramSecret.MatchString(tt.s) {
			t.Errorf("ValidWebhookSecret(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
