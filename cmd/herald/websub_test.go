package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
)

// testHub is a WebSub hub: it verifies each subscription's intent with the
// subscriber, then lets the test push content to it, signed or not.
type testHub struct {
	t   *testing.T
	srv *httptest.Server

	mu                       sync.Mutex
	callback, topic, secret  string
	verified, subscribeCalls int
}

func newTestHub(t *testing.T) *testHub {
	h := &testHub{t: t}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("hub.mode") != "subscribe" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.subscribeCalls++
		h.callback, h.topic, h.secret = r.PostForm.Get("hub.callback"), r.PostForm.Get("hub.topic"), r.PostForm.Get("hub.secret")
		callback, topic := h.callback, h.topic
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		go h.verify(callback, topic)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// verify asks the subscriber to confirm the subscription, as a hub does.
func (h *testHub) verify(callback, topic string) {
	q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}, "hub.challenge": {"c-12345"}, "hub.lease_seconds": {"86400"}}
	resp, err := http.Get(callback + "?" + q.Encode())
	if err != nil {
		h.t.Errorf("hub: verification of intent: %v", err)
		return
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if resp.StatusCode == http.StatusOK && body.String() == "c-12345" {
		h.mu.Lock()
		h.verified++
		h.mu.Unlock()
	}
}

func (h *testHub) isVerified() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.verified > 0
}

// push delivers body to the subscriber, signed with key.
func (h *testHub) push(body []byte, key string) int {
	h.mu.Lock()
	callback := h.callback
	h.mu.Unlock()
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(body)
	req, _ := http.NewRequest(http.MethodPost, callback, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/rss+xml")
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("hub: push: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

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
	hub := newTestHub(t)
	feed := feedtest.New("The Daily Example", oldItem(1))
	feed.SetHub(hub.srv.URL)
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
	waitFor(t, "the subscription to be verified", hub.isVerified)
	hub.mu.Lock()
	topic, secret, callback := hub.topic, hub.secret, hub.callback
	hub.mu.Unlock()
	if topic != feed.URL() || len(secret) < 32 || !strings.HasPrefix(callback, "http://"+addr+"/websub/") {
		t.Fatalf("subscription: topic %q, secret %q, callback %q", topic, secret, callback)
	}

	// A push with a wrong signature is dropped.
	feed.Add(wireItem(1))
	if code := hub.push(feed.Body(), "not-the-secret"); code/100 != 2 {
		t.Errorf("a badly signed push was answered %d; a subscriber answers 2xx and drops it", code)
	}
	waitFor(t, "the drop to be logged", func() bool { return strings.Contains(d.stderr.String(), "websub: delivery dropped") })

	// A signed push is posted at once.
	pushed := time.Now()
	if code := hub.push(feed.Body(), secret); code/100 != 2 {
		t.Fatalf("push answered %d", code)
	}
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
	hub.push(feed.Body(), secret)
	waitFor(t, "the second push to be recorded", func() bool { return strings.Count(d.stderr.String(), "feed pushed") >= 2 })
	if n, m := len(p.discord.Messages(channel)), len(p.telegram.Messages(chat)); n != 1 || m != 1 {
		t.Errorf("after a repeated push: %d Discord and %d Telegram posts, want 1 each", n, m)
	}
}
