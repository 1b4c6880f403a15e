package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/discord"
	"github.com/heraldhq/herald/internal/fakes"
)

const token = "discord-SECRET-token"

func delivery(id int64, channel string) herald.Delivery {
	return herald.Delivery{
		ID:     id,
		Target: herald.Target{Platform: herald.Discord, Chat: channel},
		Article: herald.Article{
			Key: "guid:1", URL: "https://news.example/1",
			Headline:  "@everyone Council approves harbour plan",
			Dateline:  herald.Dateline{Text: "CAIRO", Place: "CAIRO"},
			Lead:      "The council voted on Monday <@&123> to fund a new ferry terminal.",
			Published: time.Date(2024, 4, 8, 10, 0, 0, 0, time.UTC),
			Source:    "Harbour Times",
		},
	}
}

func newBot(t *testing.T, apiURL string) *discord.Bot {
	t.Helper()
	b, err := discord.New(discord.Options{Token: token, APIURL: apiURL, Timeout: 5 * time.Second, FirstPost: -1,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSendCarriesNonceAndNoMentions(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	d := delivery(42, "111")
	id, err := bot.Send(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages("111")
	if len(msgs) != 1 || msgs[0].ID != id {
		t.Fatalf("messages %+v, returned id %q", msgs, id)
	}
	body := msgs[0].Body
	am, _ := json.Marshal(body["allowed_mentions"])
	if !strings.Contains(string(am), `"parse":[]`) {
		t.Errorf("allowed_mentions = %s, want parse []", am)
	}
	if body["nonce"] != discord.Nonce(d) || body["enforce_nonce"] != true {
		t.Errorf("nonce %v enforce %v", body["nonce"], body["enforce_nonce"])
	}
	if n := len(discord.Nonce(d)); n > 25 {
		t.Errorf("nonce has %d characters; Discord takes 25", n)
	}

	// A resend of the same delivery, as after a crash, returns the same
	// message instead of posting twice.
	again, err := bot.Send(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	if again != id || len(fake.Messages("111")) != 1 {
		t.Fatalf("resend posted twice: ids %s %s, %d messages", id, again, len(fake.Messages("111")))
	}
}

func TestSendClassifiesErrors(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111", "222"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	var rl *herald.RateLimitError
	var perm *herald.PermanentError

	fake.FailNext(1, 429, `{"message":"You are being rate limited.","retry_after":0.25,"global":false}`)
	if _, err := bot.Send(context.Background(), delivery(1, "111")); !errors.As(err, &rl) || rl.RetryAfter != 250*time.Millisecond {
		t.Errorf("429: got %v, want a RateLimitError of 250ms", err)
	}

	// Refusals of the channel itself: the target is unreachable.
	if _, err := bot.Send(context.Background(), delivery(2, "999")); !errors.As(err, &perm) || !strings.Contains(perm.Reason, "10003") || !errors.Is(err, herald.ErrUnreachable) {
		t.Errorf("unknown channel: got %v, want permanent 10003, unreachable", err)
	}

	fake.Forbid("222")
	if _, err := bot.Send(context.Background(), delivery(3, "222")); !errors.As(err, &perm) || !strings.Contains(perm.Reason, "50001") || !errors.Is(err, herald.ErrUnreachable) {
		t.Errorf("forbidden: got %v, want permanent 403 50001, unreachable", err)
	}

	before := len(fake.Requests())
	fake.FailNext(1, 502, `{"message":"Bad Gateway","code":0}`)
	if _, err := bot.Send(context.Background(), delivery(4, "111")); err == nil || errors.As(err, &perm) || errors.As(err, &rl) {
		t.Errorf("502: got %v, want a transient error", err)
	}
	if n := len(fake.Requests()) - before; n != 1 {
		t.Errorf("a 502 was sent %d times; the library must not resend blindly", n)
	}
}

func TestIdentityAndGateway(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}, BotUsername: "newsbot"})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	me, err := bot.Me(context.Background())
	if err != nil || me.Username != "newsbot" {
		t.Fatalf("Me = %v, %v", me, err)
	}
	if _, err := bot.Channel(context.Background(), "111"); err != nil {
		t.Fatal(err)
	}
	if err := bot.Open(); err != nil {
		t.Fatal(err)
	}
	defer bot.Close()
	if fake.Identifies() != 1 {
		t.Fatalf("identifies = %d", fake.Identifies())
	}

	wrong, err := discord.New(discord.Options{Token: "nope", APIURL: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = wrong.Me(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HERALD_DISCORD_TOKEN") {
		t.Fatalf("wrong token: %v", err)
	}
}

func TestAPIURLWithPathPrefix(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"100","username":"newsbot"}`))
	}))
	defer srv.Close()
	bot := newBot(t, srv.URL+"/discord-proxy/")
	if _, err := bot.Me(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 1 || paths[0] != "/discord-proxy/api/v9/users/@me" {
		t.Fatalf("paths = %v", paths)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	if _, err := discord.New(discord.Options{Token: token, APIURL: "discord.com"}); err == nil {
		t.Fatal("accepted a URL without scheme")
	}
}

// TestNoRateLimitsAtTheBucketEdge sends more than a channel's bucket holds:
// the bot must wait out each window from the response headers and never be
// refused, even when the announced reset has a fraction discordgo rounds.
func TestNoRateLimitsAtTheBucketEdge(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}, ChannelLimit: 2, ChannelWindow: 333 * time.Millisecond})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	for i := range 12 {
		if _, err := bot.Send(context.Background(), delivery(int64(i+1), "111")); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if n := fake.RateLimited(); n != 0 {
		t.Fatalf("%d sends were refused with 429", n)
	}
	if n := len(fake.Messages("111")); n != 12 {
		t.Fatalf("%d messages", n)
	}
}

func TestResetAfterIsPadded(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset-After", "4.999")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"1","channel_id":"111"}`))
	}))
	defer srv.Close()
	bot := newBot(t, srv.URL)
	before := time.Now()
	if _, err := bot.Send(context.Background(), delivery(1, "111")); err != nil {
		t.Fatal(err)
	}
	// The bucket now waits out the padded reset: discordgo truncates 4.999
	// to 4.998 s, the margin lifts it past 5 s.
	wait := bot.BucketWait("111")
	if elapsed := time.Since(before); wait+elapsed < 5*time.Second {
		t.Fatalf("the bucket would send again after %s, before the 5 s reset", wait+elapsed)
	}
}

func TestConnectRetriesTheGateway(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	target, _ := url.Parse(fake.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	refused := 0
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		refuse := r.URL.Path == "/api/v9/gateway" && refused < 2
		if refuse {
			refused++
		}
		mu.Unlock()
		if refuse {
			http.Error(w, `{"message":"Service Unavailable","code":0}`, http.StatusServiceUnavailable)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()

	bot, err := discord.New(discord.Options{Token: token, APIURL: front.URL, GatewayRetry: 10 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bot.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer bot.Close()
	if fake.Identifies() != 1 || refused != 2 {
		t.Fatalf("identifies %d after %d refusals", fake.Identifies(), refused)
	}

	down, _ := discord.New(discord.Options{Token: token, APIURL: "http://127.0.0.1:1", GatewayRetry: time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if err := down.Connect(ctx2); err == nil {
		t.Fatal("Connect to nothing returned nil")
	}
}

func TestFirstPostWaitsForTheLastProcessWindow(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot, err := discord.New(discord.Options{Token: token, APIURL: fake.URL(), FirstPost: time.Hour,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := bot.Send(ctx, delivery(1, "111")); !errors.Is(err, context.Canceled) {
		t.Fatalf("first post within the window: %v, want it held until cancelled", err)
	}
	if n := len(fake.Messages("111")); n != 0 {
		t.Errorf("%d posts made within the first window", n)
	}
}
