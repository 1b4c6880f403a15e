// Package websubtest is a WebSub hub on 127.0.0.1 for tests and the
// benchmark: it verifies each subscription's intent with the subscriber,
// then pushes what it is given, signed with the subscription's secret or
// with another key.
package websubtest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
)

// Challenge is what the hub asks subscribers to echo.
const Challenge = "websubtest-challenge"

// Subscription is what a subscriber asked for.
type Subscription struct {
	Topic, Callback, Secret string
	// Verified is true once the subscriber echoed the challenge.
	Verified bool
}

// Hub is a WebSub hub. It accepts hub.mode=subscribe with 202, then checks
// the subscriber's intent with a GET to its callback.
type Hub struct {
	srv *httptest.Server

	mu   sync.Mutex
	subs map[string]Subscription // by topic
}

// New starts a hub; Close stops it.
func New() *Hub {
	h := &Hub{subs: map[string]Subscription{}}
	h.srv = httptest.NewServer(http.HandlerFunc(h.subscribe))
	return h
}

// URL is the hub's address.
func (h *Hub) URL() string { return h.srv.URL }

// Close stops the hub.
func (h *Hub) Close() { h.srv.Close() }

func (h *Hub) subscribe(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost || r.PostForm.Get("hub.mode") != "subscribe" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	sub := Subscription{Topic: r.PostForm.Get("hub.topic"), Callback: r.PostForm.Get("hub.callback"), Secret: r.PostForm.Get("hub.secret")}
	h.mu.Lock()
	h.subs[sub.Topic] = sub
	h.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	go h.verify(sub)
}

// verify asks the subscriber to confirm the subscription, as a hub does.
func (h *Hub) verify(sub Subscription) {
	q := url.Values{"hub.mode": {"subscribe"}, "hub.topic": {sub.Topic}, "hub.challenge": {Challenge}, "hub.lease_seconds": {"86400"}}
	resp, err := http.Get(sub.Callback + "?" + q.Encode())
	if err != nil {
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != Challenge {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if cur := h.subs[sub.Topic]; cur.Callback == sub.Callback {
		cur.Verified = true
		h.subs[sub.Topic] = cur
	}
}

// Subscription returns the subscription to topic.
func (h *Hub) Subscription(topic string) (Subscription, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	sub, ok := h.subs[topic]
	return sub, ok
}

// Verified counts the verified subscriptions.
func (h *Hub) Verified() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, s := range h.subs {
		if s.Verified {
			n++
		}
	}
	return n
}

// Push delivers body to the subscriber of topic, signed with key (the
// subscription's secret when key is empty), and returns the status the
// subscriber answered.
func (h *Hub) Push(topic string, body []byte, key string) (int, error) {
	sub, ok := h.Subscription(topic)
	if !ok || !sub.Verified {
		return 0, fmt.Errorf("websubtest: no verified subscription to %s", topic)
	}
	if key == "" {
		key = sub.Secret
	}
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write(body)
	req, err := http.NewRequest(http.MethodPost, sub.Callback, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/rss+xml")
	req.Header.Set("X-Hub-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
