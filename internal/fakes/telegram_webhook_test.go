package fakes

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// hookServer is a webhook endpoint that records what it gets and answers
// with the statuses it is given, then 200.
type hookServer struct {
	srv      *httptest.Server
	mu       sync.Mutex
	got      []hookRequest
	statuses []int
}

type hookRequest struct {
	method, path, contentType, secret string
	hasSecret                         bool
	body                              []byte
}

func newHookServer(t *testing.T, statuses ...int) *hookServer {
	t.Helper()
	h := &hookServer{statuses: statuses}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, has := r.Header["X-Telegram-Bot-Api-Secret-Token"]
		h.mu.Lock()
		h.got = append(h.got, hookRequest{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), has, body})
		status := http.StatusOK
		if len(h.statuses) > 0 {
			status, h.statuses = h.statuses[0], h.statuses[1:]
		}
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookServer) requests() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.got)
}

// client sends every webhook POST to the server, whatever host the
// webhook URL names.
func (h *hookServer) client() *http.Client {
	u, _ := url.Parse(h.srv.URL)
	return &http.Client{Transport: RewriteTransport(u), Timeout: 5 * time.Second}
}

func hookCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestTelegramSetWebhookValidates(t *testing.T) {
	tg := NewTelegram(TelegramOptions{Token: tgToken})
	defer tg.Close()
	bot := newBot(t, tg)
	tests := []struct {
		name   string
		params tgbotapi.Params
		want   string // "" for success, else part of the description
	}{
		{"http", tgbotapi.Params{"url": "http://hook.example/tg"}, "HTTPS URL must be provided"},
		{"port", tgbotapi.Params{"url": "https://hook.example:8080/tg"}, "ports 80, 88, 443 or 8443"},
		{"secret with a space", tgbotapi.Params{"url": "https://hook.example/tg", "secret_token": "a b"}, "secret token contains unallowed characters"},
		{"secret with +", tgbotapi.Params{"url": "https://hook.example/tg", "secret_token": "a+b"}, "secret token contains unallowed characters"},
		{"secret not ASCII", tgbotapi.Params{"url": "https://hook.example/tg", "secret_token": "sécret"}, "secret token contains unallowed characters"},
		{"secret of 257", tgbotapi.Params{"url": "https://hook.example/tg", "secret_token": strings.Repeat("a", 257)}, "secret token contains unallowed characters"},
		{"allowed_updates not JSON", tgbotapi.Params{"url": "https://hook.example/tg", "allowed_updates": "message"}, "allowed updates"},
		{"max_connections 0", tgbotapi.Params{"url": "https://hook.example/tg", "max_connections": "0"}, "max_connections"},
		{"max_connections 101", tgbotapi.Params{"url": "https://hook.example/tg", "max_connections": "101"}, "max_connections"},
		{"secret of 256", tgbotapi.Params{"url": "https://hook.example/tg", "secret_token": strings.Repeat("Az0_-", 51) + "x"}, ""},
		{"no secret", tgbotapi.Params{"url": "https://hook.example:8443/tg"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.MakeRequest("setWebhook", tt.params)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("setWebhook: %v", err)
				}
				if got := tg.WebhookInfo(); got.URL != tt.params["url"] || got.SecretToken != tt.params["secret_token"] {
					t.Errorf("webhook = %+v", got)
				}
				return
			}
			if te := tgErr(t, err); te.Code != 400 || !strings.Contains(te.Message, tt.want) {
				t.Errorf("error = %+v, want 400 %q", te, tt.want)
			}
		})
	}
	checkNoUnexpected(t, tg.Unexpected())
}

func TestTelegramWebhookInfo(t *testing.T) {
	hook := newHookServer(t, 503, 503, 503)
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, WebhookClient: hook.client()})
	defer tg.Close()
	bot := newBot(t, tg)
	tg.QueueText("7", 7, "before")
	info, err := bot.GetWebhookInfo()
	if err != nil || info.URL != "" || info.PendingUpdateCount != 1 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{
		"url": "https://hook.example/tg", "secret_token": "s3cret", "allowed_updates": `["message","callback_query"]`, "max_connections": "10",
	}); err != nil {
		t.Fatal(err)
	}
	got := tg.WebhookInfo()
	if got.URL != "https://hook.example/tg" || got.SecretToken != "s3cret" || !slices.Equal(got.AllowedUpdates, []string{"message", "callback_query"}) || got.MaxConnections != 10 {
		t.Errorf("WebhookInfo = %+v", got)
	}
	if _, err := tg.WaitWebhookDeliveries(hookCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	info, err = bot.GetWebhookInfo()
	if err != nil || info.URL != "https://hook.example/tg" || info.MaxConnections != 10 || info.LastErrorMessage != "Wrong response from the webhook: 503 Service Unavailable" || !slices.Equal(info.AllowedUpdates, []string{"message", "callback_query"}) {
		t.Errorf("getWebhookInfo = %+v, %v", info, err)
	}
	// allowed_updates left out keeps the list, as on Telegram.
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://hook.example/tg2"}); err != nil {
		t.Fatal(err)
	}
	if got := tg.WebhookInfo(); !slices.Equal(got.AllowedUpdates, []string{"message", "callback_query"}) || got.SecretToken != "" {
		t.Errorf("after a second setWebhook: %+v", got)
	}

	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	if got := tg.WebhookInfo(); got.URL != "" || tg.Webhook() != "" {
		t.Errorf("after deleteWebhook: %+v", got)
	}
	info, err = bot.GetWebhookInfo()
	if err != nil || info.URL != "" || info.LastErrorDate != 0 {
		t.Errorf("getWebhookInfo after delete = %+v, %v", info, err)
	}
	checkNoUnexpected(t, tg.Unexpected())
}

func TestTelegramWebhookDelivers(t *testing.T) {
	hook := newHookServer(t)
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, WebhookClient: hook.client()})
	defer tg.Close()
	bot := newBot(t, tg)

	// An update queued before the webhook is set waits for it.
	first := tg.QueueText("7", 7, "/follow golang")
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://hook.example/tg", "secret_token": "s3cret-_"}); err != nil {
		t.Fatal(err)
	}
	second := tg.QueueText("7", 7, "/help")
	deliveries, err := tg.WaitWebhookDeliveries(hookCtx(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	reqs := hook.requests()
	if len(reqs) != 2 {
		t.Fatalf("webhook got %d requests", len(reqs))
	}
	for i, want := range []int{first, second} {
		r, d := reqs[i], deliveries[i]
		if r.method != "POST" || r.path != "/tg" || r.contentType != "application/json" || r.secret != "s3cret-_" {
			t.Errorf("request %d = %s %s %q secret %q", i, r.method, r.path, r.contentType, r.secret)
		}
		var u tgbotapi.Update
		if err := json.Unmarshal(r.body, &u); err != nil || u.UpdateID != want || u.Message == nil || !u.Message.IsCommand() {
			t.Errorf("request %d body %s: %v", i, r.body, err)
		}
		if d.UpdateID != want || d.Attempt != 1 || !d.OK() || d.Secret != "s3cret-_" || d.URL != "https://hook.example/tg" {
			t.Errorf("delivery %d = %+v", i, d)
		}
	}
	_, err = bot.GetUpdates(tgbotapi.NewUpdate(0))
	if te := tgErr(t, err); te.Code != 409 || te.Message != "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" {
		t.Errorf("getUpdates with a webhook = %+v", te)
	}
	if info, err := bot.GetWebhookInfo(); err != nil || info.PendingUpdateCount != 0 {
		t.Errorf("info = %+v, %v", info, err)
	}

	// After deleteWebhook, updates go to getUpdates again.
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	third := tg.QueueText("7", 7, "/list")
	updates, err := bot.GetUpdates(tgbotapi.NewUpdate(0))
	if err != nil || len(updates) != 1 || updates[0].UpdateID != third {
		t.Errorf("getUpdates = %+v, %v", updates, err)
	}
	if n := len(hook.requests()); n != 2 {
		t.Errorf("webhook got %d requests after deleteWebhook, want 2", n)
	}
	checkNoUnexpected(t, tg.Unexpected())
}

func TestTelegramWebhookWithoutSecretSendsNoHeader(t *testing.T) {
	hook := newHookServer(t)
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, WebhookClient: hook.client()})
	defer tg.Close()
	bot := newBot(t, tg)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://hook.example/tg"}); err != nil {
		t.Fatal(err)
	}
	tg.QueueText("7", 7, "hello")
	if _, err := tg.WaitWebhookDeliveries(hookCtx(t), 1); err != nil {
		t.Fatal(err)
	}
	if r := hook.requests(); len(r) != 1 || r[0].hasSecret {
		t.Errorf("requests = %+v", r)
	}
}

func TestTelegramWebhookRetries(t *testing.T) {
	hook := newHookServer(t, http.StatusBadGateway, http.StatusUnauthorized)
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, WebhookClient: hook.client(), WebhookAttempts: 3})
	defer tg.Close()
	bot := newBot(t, tg)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://hook.example/tg", "secret_token": "s"}); err != nil {
		t.Fatal(err)
	}
	id := tg.QueueText("7", 7, "/help")
	next := tg.QueueText("7", 7, "/list")
	d, err := tg.WaitWebhookDeliveries(hookCtx(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ id, attempt, status int }{{id, 1, 502}, {id, 2, 401}, {id, 3, 200}, {next, 1, 200}}
	for i, w := range want {
		if d[i].UpdateID != w.id || d[i].Attempt != w.attempt || d[i].Status != w.status {
			t.Errorf("delivery %d = %+v, want %+v", i, d[i], w)
		}
	}
	// The retried update carries the same body each time.
	reqs := hook.requests()
	if string(reqs[0].body) != string(reqs[2].body) {
		t.Errorf("retry body differs: %s / %s", reqs[0].body, reqs[2].body)
	}
	info, err := bot.GetWebhookInfo()
	if err != nil || info.LastErrorMessage != "Wrong response from the webhook: 401 Unauthorized" || info.LastErrorDate == 0 || info.PendingUpdateCount != 0 {
		t.Errorf("info = %+v, %v", info, err)
	}
}

func TestTelegramWebhookGivesUp(t *testing.T) {
	hook := newHookServer(t, 500, 500, 500, 500)
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, WebhookClient: hook.client(), WebhookAttempts: 2})
	defer tg.Close()
	bot := newBot(t, tg)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://hook.example/tg"}); err != nil {
		t.Fatal(err)
	}
	lost := tg.QueueText("7", 7, "/help")
	kept := tg.QueueText("7", 7, "/list")
	d, err := tg.WaitWebhookDeliveries(hookCtx(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	if d[0].UpdateID != lost || d[1].UpdateID != lost || d[1].Attempt != 2 || d[2].UpdateID != kept || d[3].UpdateID != kept {
		t.Errorf("deliveries = %+v", d)
	}
	if info, err := bot.GetWebhookInfo(); err != nil || info.PendingUpdateCount != 0 || !strings.Contains(info.LastErrorMessage, "500") {
		t.Errorf("info = %+v, %v", info, err)
	}
}

func TestTelegramWebhookAllowedUpdates(t *testing.T) {
	hook := newHookServer(t)
	tg := NewTelegram(TelegramOptions{Token: tgToken, Chats: []string{"7"}, WebhookClient: hook.client()})
	defer tg.Close()
	bot := newBot(t, tg)
	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://hook.example/tg", "allowed_updates": `["message"]`}); err != nil {
		t.Fatal(err)
	}
	tg.QueueCallback("7", 1, 7, "follow:golang")
	want := tg.QueueText("7", 7, "/help")
	d, err := tg.WaitWebhookDeliveries(hookCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(d) != 1 || d[0].UpdateID != want {
		t.Errorf("deliveries = %+v, want only the message", d)
	}
}
