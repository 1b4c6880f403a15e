package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/websubtest"
)

// freeAddr returns a local address nothing listens on.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestEndToEndWebSubPushPostsWithoutWaitingForAPoll(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	hub := websubtest.New()
	defer hub.Close()
	feed := feedtest.New("The Daily Example", oldItem(1))
	feed.SetHub(hub.URL())
	defer feed.Close()
	addr := freeAddr(t)
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_POLL_INTERVAL"] = "1h" // no poll after the first: only the push can post
	env["HERALD_HTTP_ADDR"] = addr
	env["HERALD_PUBLIC_URL"] = "http://" + addr
	d := startDaemon(t, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("daemon log:\n%s", d.stderr.String())
		}
	})
	waitFor(t, "the subscription to be verified", func() bool { return hub.Verified() == 1 })
	sub, _ := hub.Subscription(feed.URL())
	if len(sub.Secret) < 32 || !strings.HasPrefix(sub.Callback, "http://"+addr+"/websub/") {
		t.Fatalf("subscription: secret %q, callback %q", sub.Secret, sub.Callback)
	}
	push := func(key string) {
		t.Helper()
		code, err := hub.Push(feed.URL(), feed.Body(), key)
		if err != nil || code/100 != 2 {
			t.Fatalf("push answered %d, %v; a subscriber answers 2xx", code, err)
		}
	}

	// A push with a wrong signature is dropped.
	feed.Add(wireItem(1))
	push("not-the-secret")
	waitFor(t, "the drop to be logged", func() bool { return strings.Contains(d.stderr.String(), "websub: delivery dropped") })

	// A signed push is posted at once.
	pushed := time.Now()
	push("")
	waitFor(t, "the pushed article on both platforms", func() bool {
		return len(p.discord.Messages(channel)) == 1 && len(p.telegram.Messages(chat)) == 1
	})
	t.Logf("push → post: Discord %s, Telegram %s (the first-post window after start included)",
		p.discord.Messages(channel)[0].Created.Sub(pushed).Round(time.Millisecond),
		p.telegram.Messages(chat)[0].Created.Sub(pushed).Round(time.Millisecond))
	if n := feed.Requests(); n != 1 {
		t.Errorf("the feed was fetched %d times; a push needs no fetch", n)
	}
	// The same content pushed again posts nothing twice.
	push("")
	waitFor(t, "the second push to be recorded", func() bool { return strings.Count(d.stderr.String(), "feed pushed") >= 2 })
	if n, m := len(p.discord.Messages(channel)), len(p.telegram.Messages(chat)); n != 1 || m != 1 {
		t.Errorf("after a repeated push: %d Discord and %d Telegram posts, want 1 each", n, m)
	}
	// The metrics count what the callback did.
	got := scrape(t, "http://"+addr)
	for series, want := range map[string]float64{
		`herald_websub_pushes_total{outcome="delivered"}`:       2,
		`herald_websub_pushes_total{outcome="dropped"}`:         1,
		`herald_websub_verifications_total{outcome="verified"}`: 1,
		`herald_websub_verifications_total{outcome="refused"}`:  0,
	} {
		if got[series] != want {
			t.Errorf("%s = %v, want %v", series, got[series], want)
		}
	}
}
