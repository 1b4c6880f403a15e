package websub_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/clocktest"
	"github.com/heraldhq/herald/websub"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// hub is a WebSub hub for tests: it records the subscription requests it
// receives and answers them with status, or redirects them.
type hub struct {
	srv      *httptest.Server
	requests chan url.Values
	mu       sync.Mutex
	status   int
	// redirects maps a path to the status and location it redirects with.
	redirects map[string]redirect
}

type redirect struct {
	code int
	to   string
}

func newHub(t *testing.T) *hub {
	h := &hub{requests: make(chan url.Values, 10), status: http.StatusAccepted, redirects: map[string]redirect{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		rd, redirected := h.redirects[r.URL.Path]
		status := h.status
		h.mu.Unlock()
		if r.Method != http.MethodPost {
			http.Error(w, "want POST", http.StatusMethodNotAllowed)
			return
		}
		if redirected {
			http.Redirect(w, r, rd.to, rd.code)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form := r.PostForm
		form.Set("path", r.URL.Path)
		h.requests <- form
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hub) request(t *testing.T) url.Values {
	t.Helper()
	select {
	case form := <-h.requests:
		return form
	case <-time.After(10 * time.Second):
		t.Fatal("the hub received no request")
		return nil
	}
}

// env is a Subscriber served over HTTP, with what it reported.
type env struct {
	sub   *websub.Subscriber
	store *websub.MemoryStore
	srv   *httptest.Server
	clock *watchClock

	mu       sync.Mutex
	changes  []websub.Subscription
	contents []content
}

type content struct{ topic, contentType, body string }

func newEnv(t *testing.T, opts websub.Options) *env {
	t.Helper()
	mux := http.NewServeMux()
	e := &env{store: websub.NewMemoryStore(), srv: httptest.NewServer(mux)}
	t.Cleanup(e.srv.Close)
	e.clock = &watchClock{Clock: clocktest.New(t0), afters: make(chan time.Time, 100)}
	opts.PublicURL = e.srv.URL
	opts.Clock = e.clock
	opts.OnChange = func(s websub.Subscription) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.changes = append(e.changes, s)
	}
	opts.OnContent = func(_ context.Context, topic, contentType string, body []byte) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.contents = append(e.contents, content{topic, contentType, string(body)})
	}
	sub, err := websub.New(e.store, slog.New(slog.DiscardHandler), opts)
	if err != nil {
		t.Fatal(err)
	}
	e.sub = sub
	mux.Handle("/websub/", sub)
	return e
}

func (e *env) lastChange(t *testing.T) websub.Subscription {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.changes) == 0 {
		t.Fatal("no change reported")
	}
	return e.changes[len(e.changes)-1]
}

func (e *env) get(t *testing.T, id string) websub.Subscription {
	t.Helper()
	s, err := e.store.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// verify sends the hub's verification of intent to callback.
func verify(t *testing.T, callback string, q url.Values) (int, string, string) {
	t.Helper()
	resp, err := http.Get(callback + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header.Get("Content-Type")
}

func intent(mode, topic, lease string) url.Values {
	q := url.Values{"hub.mode": {mode}, "hub.topic": {topic}, "hub.challenge": {"ch-" + mode + "-42"}}
	if lease != "" {
		q.Set("hub.lease_seconds", lease)
	}
	return q
}

// watchClock is a fake clock that tells the deadlines of its waits.
type watchClock struct {
	*clocktest.Clock
	afters chan time.Time
}

func (c *watchClock) After(d time.Duration) <-chan time.Time {
	c.afters <- c.Now().Add(d)
	return c.Clock.After(d)
}

// waitFor waits until something waits on the clock until at.
func (c *watchClock) waitFor(t *testing.T, at time.Time) {
	t.Helper()
	for {
		select {
		case got := <-c.afters:
			if got.Equal(at) {
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("nothing waits until %v", at)
		}
	}
}

func subscribe(t *testing.T, e *env, h *hub, topic string) (websub.Subscription, url.Values) {
	t.Helper()
	s, err := e.sub.Subscribe(context.Background(), h.srv.URL+"/hub", topic)
	if err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	return s, h.request(t)
}

func TestSubscribeAndVerify(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{})
	const topic = "https://news.example.org/feed.xml"
	s, form := subscribe(t, e, h, topic)

	if s.State != websub.Pending {
		t.Errorf("state after request = %s; want pending", s.State)
	}
	if got := form.Get("hub.mode"); got != "subscribe" {
		t.Errorf("hub.mode = %q", got)
	}
	if got := form.Get("hub.topic"); got != topic {
		t.Errorf("hub.topic = %q", got)
	}
	if got := form.Get("hub.callback"); got != e.srv.URL+"/websub/"+s.ID || got != s.Callback {
		t.Errorf("hub.callback = %q; subscription %s, callback %q", got, s.ID, s.Callback)
	}
	if got := form.Get("hub.lease_seconds"); got != "864000" {
		t.Errorf("hub.lease_seconds = %q; want 864000 (10 days)", got)
	}
	if secret := form.Get("hub.secret"); len(secret) < 64 || secret != s.Secret {
		t.Errorf("hub.secret = %q; want the subscription's, 32 bytes in hex", secret)
	}

	code, body, ctype := verify(t, s.Callback, intent("subscribe", topic, "86400"))
	if code != http.StatusOK || body != "ch-subscribe-42" || !strings.HasPrefix(ctype, "text/plain") {
		t.Errorf("verification answered %d %q %q; want 200 with the challenge as text/plain", code, body, ctype)
	}
	got := e.get(t, s.ID)
	if got.State != websub.Active || got.LeaseSeconds != 86400 || !got.Expires.Equal(t0.Add(24*time.Hour)) {
		t.Errorf("after verification: state %s, lease %d, expires %v; want active, 86400, %v", got.State, got.LeaseSeconds, got.Expires, t0.Add(24*time.Hour))
	}
	if c := e.lastChange(t); c.State != websub.Active || c.ID != s.ID {
		t.Errorf("reported %s %s; want %s active", c.ID, c.State, s.ID)
	}

	// Another topic gets its own callback and secret.
	s2, _ := subscribe(t, e, h, "https://news.example.org/other.xml")
	if s2.ID == s.ID || s2.Callback == s.Callback || s2.Secret == s.Secret {
		t.Errorf("two subscriptions share an ID, callback or secret: %+v, %+v", s, s2)
	}
	// Subscribing again to a topic keeps its subscription.
	s3, form3 := subscribe(t, e, h, topic)
	if s3.ID != s.ID || form3.Get("hub.callback") != s.Callback || form3.Get("hub.secret") != s.Secret {
		t.Errorf("resubscription made a new subscription: %+v", s3)
	}
	if subs, _ := e.sub.Subscriptions(context.Background()); len(subs) != 2 {
		t.Errorf("%d subscriptions; want 2", len(subs))
	}
}

func TestSubscribeFollowsHubRedirects(t *testing.T) {
	tests := []struct {
		code  int
		moves bool
	}{
		{http.StatusTemporaryRedirect, false},
		{http.StatusPermanentRedirect, true},
		{http.StatusFound, false},
		{http.StatusMovedPermanently, true},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.code), func(t *testing.T) {
			h := newHub(t)
			h.redirects["/hub"] = redirect{tt.code, "/new-hub"}
			e := newEnv(t, websub.Options{})
			s, form := subscribe(t, e, h, "https://news.example.org/feed.xml")
			if form.Get("path") != "/new-hub" || form.Get("hub.mode") != "subscribe" || form.Get("hub.callback") != s.Callback {
				t.Errorf("the new hub got %v; want the subscription request", form)
			}
			want := h.srv.URL + "/hub"
			if tt.moves {
				want = h.srv.URL + "/new-hub"
			}
			if s.Hub != want || e.get(t, s.ID).Hub != want {
				t.Errorf("hub = %s; want %s", s.Hub, want)
			}
		})
	}
}

func TestSubscribeStopsRedirectLoops(t *testing.T) {
	h := newHub(t)
	h.redirects["/hub"] = redirect{http.StatusTemporaryRedirect, "/hub"}
	e := newEnv(t, websub.Options{})
	_, err := e.sub.Subscribe(context.Background(), h.srv.URL+"/hub", "https://news.example.org/feed.xml")
	if !errors.Is(err, websub.ErrTooManyRedirects) {
		t.Errorf("Subscribe = %v; want ErrTooManyRedirects", err)
	}
}

func TestHubFailureIsReported(t *testing.T) {
	for _, code := range []int{http.StatusOK, http.StatusBadRequest, http.StatusInternalServerError} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			h := newHub(t)
			h.status = code
			e := newEnv(t, websub.Options{})
			s, err := e.sub.Subscribe(context.Background(), h.srv.URL+"/hub", "https://news.example.org/feed.xml")
			var he *websub.HubError
			if !errors.As(err, &he) || he.Code != code {
				t.Fatalf("Subscribe = %v; want a HubError %d", err, code)
			}
			if s.State != websub.Failed || e.get(t, s.ID).State != websub.Failed {
				t.Errorf("state = %s; want failed", s.State)
			}
			if c := e.lastChange(t); c.State != websub.Failed || c.Reason == "" {
				t.Errorf("reported %s %q; want failed with a reason", c.State, c.Reason)
			}
		})
	}
}

func TestUnreachableHubIsReported(t *testing.T) {
	h := newHub(t)
	h.srv.Close()
	e := newEnv(t, websub.Options{})
	if _, err := e.sub.Subscribe(context.Background(), h.srv.URL+"/hub", "https://news.example.org/feed.xml"); err == nil {
		t.Fatal("Subscribe to a closed hub succeeded")
	}
	if c := e.lastChange(t); c.State != websub.Failed {
		t.Errorf("reported %s; want failed", c.State)
	}
}

func TestVerificationRefused(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{})
	const topic = "https://news.example.org/feed.xml"
	s, _ := subscribe(t, e, h, topic)
	tests := []struct {
		name     string
		callback string
		q        url.Values
	}{
		{"wrong topic", s.Callback, intent("subscribe", "https://evil.example.com/feed.xml", "86400")},
		{"topic differs by a slash", s.Callback, intent("subscribe", topic+"/", "86400")},
		{"unknown callback", e.srv.URL + "/websub/0123456789abcdef", intent("subscribe", topic, "86400")},
		{"unsubscribe not asked for", s.Callback, intent("unsubscribe", topic, "")},
		{"unknown mode", s.Callback, intent("publish", topic, "")},
		{"no challenge", s.Callback, url.Values{"hub.mode": {"subscribe"}, "hub.topic": {topic}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := verify(t, tt.callback, tt.q)
			if code != http.StatusNotFound || strings.Contains(body, "ch-") {
				t.Errorf("verification answered %d %q; want 404 without the challenge", code, body)
			}
		})
	}
	if got := e.get(t, s.ID).State; got != websub.Pending {
		t.Errorf("state = %s; want still pending", got)
	}
	if got := e.sub.Stats().Refused; got != int64(len(tests)) {
		t.Errorf("Stats().Refused = %d; want %d", got, len(tests))
	}
}

func TestDenial(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{})
	const topic = "https://news.example.org/feed.xml"
	s, _ := subscribe(t, e, h, topic)
	q := url.Values{"hub.mode": {"denied"}, "hub.topic": {topic}, "hub.reason": {"not allowed"}}
	if code, _, _ := verify(t, s.Callback, q); code != http.StatusOK {
		t.Errorf("denial answered %d; want 200", code)
	}
	got := e.get(t, s.ID)
	if got.State != websub.Denied || got.Reason != "not allowed" {
		t.Errorf("after denial: %s %q; want denied, %q", got.State, got.Reason, "not allowed")
	}
	if c := e.lastChange(t); c.State != websub.Denied {
		t.Errorf("reported %s; want denied", c.State)
	}
}

func TestUnsubscribe(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{})
	const topic = "https://news.example.org/feed.xml"
	s, _ := subscribe(t, e, h, topic)
	if err := e.sub.Unsubscribe(context.Background(), topic); err != nil {
		t.Fatal(err)
	}
	form := h.request(t)
	if form.Get("hub.mode") != "unsubscribe" || form.Get("hub.callback") != s.Callback || form.Has("hub.secret") {
		t.Errorf("unsubscription request %v", form)
	}
	if code, body, _ := verify(t, s.Callback, intent("subscribe", topic, "86400")); code != http.StatusNotFound {
		t.Errorf("subscribe verification while unsubscribing answered %d %q; want 404", code, body)
	}
	if code, body, _ := verify(t, s.Callback, intent("unsubscribe", topic, "")); code != http.StatusOK || body != "ch-unsubscribe-42" {
		t.Errorf("unsubscribe verification answered %d %q; want 200 with the challenge", code, body)
	}
	if _, err := e.store.Get(context.Background(), s.ID); !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("after unsubscription: %v; want ErrNotFound", err)
	}
	if err := e.sub.Unsubscribe(context.Background(), topic); !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("Unsubscribe of an unknown topic = %v; want ErrNotFound", err)
	}
}

func sign(h func() hash.Hash, secret, body string) string {
	mac := hmac.New(h, []byte(secret))
	mac.Write([]byte(body))
	return hex.EncodeToString(mac.Sum(nil))
}

func TestDelivery(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{MaxBody: 1000})
	const topic = "https://news.example.org/feed.xml"
	s, _ := subscribe(t, e, h, topic)
	const body = `<rss><channel><item><title>New</title></item></channel></rss>`
	tests := []struct {
		name      string
		callback  string
		body      string
		signature string
		code      int
		delivered bool
	}{
		{"sha1", s.Callback, body, "sha1=" + sign(sha1.New, s.Secret, body), http.StatusAccepted, true},
		{"sha256", s.Callback, body, "sha256=" + sign(sha256.New, s.Secret, body), http.StatusAccepted, true},
		{"missing signature", s.Callback, body, "", http.StatusAccepted, false},
		{"wrong secret", s.Callback, body, "sha256=" + sign(sha256.New, "guess", body), http.StatusAccepted, false},
		{"signature of another body", s.Callback, body + " ", "sha256=" + sign(sha256.New, s.Secret, body), http.StatusAccepted, false},
		{"unknown method", s.Callback, body, "md5=00", http.StatusAccepted, false},
		{"unknown callback", e.srv.URL + "/websub/0123", body, "sha1=" + sign(sha1.New, s.Secret, body), http.StatusGone, false},
		{"too large", s.Callback, strings.Repeat("x", 1001), "sha1=" + sign(sha1.New, s.Secret, strings.Repeat("x", 1001)), http.StatusRequestEntityTooLarge, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.mu.Lock()
			e.contents = nil
			e.mu.Unlock()
			req, _ := http.NewRequest(http.MethodPost, tt.callback, strings.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/rss+xml")
			req.Header.Set("Link", `<`+h.srv.URL+`/hub>; rel="hub", <`+topic+`>; rel="self"`)
			if tt.signature != "" {
				req.Header.Set("X-Hub-Signature", tt.signature)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.code {
				t.Errorf("delivery answered %d; want %d", resp.StatusCode, tt.code)
			}
			e.mu.Lock()
			got := e.contents
			e.mu.Unlock()
			want := []content(nil)
			if tt.delivered {
				want = []content{{topic, "application/rss+xml", tt.body}}
			}
			if len(got) != len(want) || len(got) == 1 && got[0] != want[0] {
				t.Errorf("handed on %v; want %v", got, want)
			}
		})
	}
	if st := e.sub.Stats(); st.Delivered != 2 || st.Dropped != 5 {
		t.Errorf("Stats() = %+v; want 2 delivered, 5 dropped", st)
	}
}

func TestRunRenewsAndRetries(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{VerifyTimeout: 10 * time.Minute, Retry: time.Hour})
	const topic = "https://news.example.org/feed.xml"
	s, _ := subscribe(t, e, h, topic)
	if code, _, _ := verify(t, s.Callback, intent("subscribe", topic, "10000")); code != http.StatusOK {
		t.Fatalf("verification answered %d", code)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.sub.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v", err)
		}
	}()

	// The lease of 10000s is renewed at 85%.
	renew := t0.Add(8500 * time.Second)
	e.clock.waitFor(t, renew)
	e.clock.Set(renew)
	form := h.request(t)
	if form.Get("hub.mode") != "subscribe" || form.Get("hub.callback") != s.Callback || form.Get("hub.secret") != s.Secret {
		t.Errorf("renewal request %v; want the subscription's callback and secret", form)
	}
	if got := e.get(t, s.ID); got.State != websub.Active {
		t.Errorf("state while renewing = %s; want active", got.State)
	}

	// The hub does not verify the renewal within VerifyTimeout: the
	// subscription fails.
	unverified := renew.Add(10 * time.Minute)
	e.clock.waitFor(t, unverified)
	e.clock.Set(unverified)
	retry := renew.Add(time.Hour)
	e.clock.waitFor(t, retry)
	if got := e.get(t, s.ID); got.State != websub.Failed {
		t.Errorf("state after an unverified renewal = %s; want failed", got.State)
	}
	if c := e.lastChange(t); c.State != websub.Failed || c.ID != s.ID {
		t.Errorf("reported %s %s; want %s failed", c.ID, c.State, s.ID)
	}

	// An hour later it is requested again, and verified.
	e.clock.Set(retry)
	if form := h.request(t); form.Get("hub.callback") != s.Callback {
		t.Errorf("retry request %v", form)
	}
	if code, _, _ := verify(t, s.Callback, intent("subscribe", topic, "20000")); code != http.StatusOK {
		t.Fatalf("verification answered %d", code)
	}
	got := e.get(t, s.ID)
	if got.State != websub.Active || !got.Expires.Equal(retry.Add(20000*time.Second)) {
		t.Errorf("after the retry: %s, expires %v; want active, %v", got.State, got.Expires, retry.Add(20000*time.Second))
	}
	// And renewed at 85% of the new lease.
	e.clock.waitFor(t, retry.Add(17000*time.Second))
}

func TestVerificationWithoutLeaseKeepsTheRequestedOne(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{Lease: 48 * time.Hour})
	const topic = "https://news.example.org/feed.xml"
	s, form := subscribe(t, e, h, topic)
	if got := form.Get("hub.lease_seconds"); got != "172800" {
		t.Errorf("hub.lease_seconds = %q; want 172800", got)
	}
	if code, body, _ := verify(t, s.Callback, intent("subscribe", topic, "")); code != http.StatusOK || body != "ch-subscribe-42" {
		t.Fatalf("verification answered %d %q", code, body)
	}
	if got := e.get(t, s.ID); got.LeaseSeconds != 172800 || !got.Expires.Equal(t0.Add(48*time.Hour)) {
		t.Errorf("lease %d, expires %v; want 172800, %v", got.LeaseSeconds, got.Expires, t0.Add(48*time.Hour))
	}
}

func TestNewChecksOptions(t *testing.T) {
	for _, opts := range []websub.Options{
		{},
		{PublicURL: "herald.example.org"},
		{PublicURL: "ftp://herald.example.org"},
		{PublicURL: "https://herald.example.org", Path: "websub"},
	} {
		if _, err := websub.New(websub.NewMemoryStore(), slog.New(slog.DiscardHandler), opts); err == nil {
			t.Errorf("New(%+v) succeeded; want an error", opts)
		}
	}
}

func TestRunFailsARenewalUnverifiedWhenTheLeaseEnds(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{VerifyTimeout: 10 * time.Minute})
	const topic = "https://news.example.org/feed.xml"
	s, _ := subscribe(t, e, h, topic)
	if code, _, _ := verify(t, s.Callback, intent("subscribe", topic, "100")); code != http.StatusOK {
		t.Fatalf("verification answered %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- e.sub.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()

	e.clock.waitFor(t, t0.Add(85*time.Second))
	e.clock.Set(t0.Add(85 * time.Second))
	h.request(t)
	// The lease ends before VerifyTimeout has passed.
	expires := t0.Add(100 * time.Second)
	e.clock.waitFor(t, expires)
	e.clock.Set(expires)
	e.clock.waitFor(t, t0.Add(85*time.Second+websub.DefaultRetry))
	if got := e.get(t, s.ID); got.State != websub.Failed {
		t.Errorf("state after the lease ended = %s; want failed", got.State)
	}
}

func TestRefusedUnsubscriptionIsNotRetriedAsASubscription(t *testing.T) {
	h := newHub(t)
	e := newEnv(t, websub.Options{})
	const topic = "https://news.example.org/feed.xml"
	s, _ := subscribe(t, e, h, topic)
	h.mu.Lock()
	h.status = http.StatusInternalServerError
	h.mu.Unlock()
	var he *websub.HubError
	if err := e.sub.Unsubscribe(context.Background(), topic); !errors.As(err, &he) {
		t.Fatalf("Unsubscribe = %v; want a HubError", err)
	}
	h.request(t)
	if got := e.get(t, s.ID).State; got != websub.Unsubscribing {
		t.Errorf("state = %s; want unsubscribing", got)
	}
}
