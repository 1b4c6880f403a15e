package poll_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/logtest"
	"github.com/heraldhq/herald/poll"
)

// logBuffer collects JSON log lines written from many goroutines.
type logBuffer struct{ logtest.Buffer }

// lines parses the lines logged so far.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// capture sends the watcher's logs, debug included, to a buffer.
func capture(w *poll.Watcher) *logBuffer {
	b := &logBuffer{}
	w.Log = slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return b
}

// everyLineNamesTheFeed fails the test for a log line without "feed".
func everyLineNamesTheFeed(t *testing.T, lines []map[string]any) {
	t.Helper()
	for _, l := range lines {
		if f, _ := l["feed"].(string); f == "" {
			t.Errorf("log line without its feed: %v", l)
		}
	}
}

// sleeper stands in for the Watcher's timer: it records the waits asked
// for, without waiting, and cancels the run at the nth.
type sleeper struct {
	mu     sync.Mutex
	waits  []time.Duration
	n      int
	cancel context.CancelFunc
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	if len(s.waits) >= s.n {
		s.cancel()
	}
	return ctx.Err()
}

// run runs the watcher until it returns, failing the test if it never
// does.
func run(t *testing.T, ctx context.Context, w *poll.Watcher) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("Run never returned")
	}
}

// background runs the watcher until stop is called; stop cancels it and
// waits for Run to return, failing the test if it does not.
func background(t *testing.T, w *poll.Watcher) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	return func() {
		t.Helper()
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return when cancelled")
		}
	}
}

// feedsOn returns the URLs of n feeds served by srv.
func feedsOn(srv *httptest.Server, n int) []string {
	feeds := make([]string, n)
	for i := range feeds {
		feeds[i] = fmt.Sprintf("%s/feed/%d", srv.URL, i)
	}
	return feeds
}

// wait waits for ch, failing the test if it never comes.
func wait[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(30 * time.Second):
		t.Fatalf("never happened: %s", what)
	}
}

func TestFailingFeedBacksOffAndResets(t *testing.T) {
	good := feedtest.New("Example News", item("1", time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)))
	defer good.Close()
	answers := []func(w http.ResponseWriter, r *http.Request){
		func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) },
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7200")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		},
		func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html><body>not a feed</body></html>")) },
		func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, good.URL(), http.StatusFound) },
		func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
	}
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answers[min(int(calls.Add(1))-1, len(answers)-1)](w, r)
	}))
	defer srv.Close()
	url := srv.URL + "/feed.xml"

	w, st, _ := watcher(t, 0, url)
	logs := capture(w)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl := &sleeper{n: len(answers), cancel: cancel}
	w.Sleep = sl.Sleep
	run(t, ctx, w)

	p := poll.Period(url, w.Interval)
	backedOff := func(failures int) func(time.Duration) bool {
		full := p << failures
		return func(d time.Duration) bool { return d <= full && d > full*4/5 }
	}
	checks := []struct {
		name string
		ok   func(time.Duration) bool
	}{
		{"after a 500", backedOff(1)},
		{"after a 503 with Retry-After: 7200", func(d time.Duration) bool { return d == 2*time.Hour }},
		{"after a page that is no feed", backedOff(3)},
		{"after a success", func(d time.Duration) bool { return d <= p && d > p-5*time.Second }},
		{"after a 404 following a success", backedOff(1)},
	}
	if len(sl.waits) != len(checks) {
		t.Fatalf("waits %v, want %d", sl.waits, len(checks))
	}
	for i, c := range checks {
		if !c.ok(sl.waits[i]) {
			t.Errorf("wait %s: %s (period %s)", c.name, sl.waits[i], p)
		}
	}

	lines := logs.lines(t)
	everyLineNamesTheFeed(t, lines)
	var failures []map[string]any
	for _, l := range lines {
		if l["level"] == "WARN" {
			failures = append(failures, l)
		}
	}
	wantStatus := []any{500.0, 503.0, nil, 404.0}
	wantCount := []any{1.0, 2.0, 3.0, 1.0}
	if len(failures) != len(wantStatus) {
		t.Fatalf("%d failure lines, want one per failed poll: %v", len(failures), failures)
	}
	for i, l := range failures {
		if l["status"] != wantStatus[i] || l["failures"] != wantCount[i] || l["next_try"] == nil || l["err"] == nil {
			t.Errorf("failure line %d: %v, want status %v, failures %v and the next try", i, l, wantStatus[i], wantCount[i])
		}
	}

	state, err := st.FeedState(context.Background(), url)
	if err != nil || !strings.Contains(state.LastError, "HTTP 404") {
		t.Errorf("last error not saved: %+v %v", state, err)
	}
}

func TestGoneFeedIsDisabledAndSkippedAtStart(t *testing.T) {
	var gone atomic.Bool
	gone.Store(true)
	var requests atomic.Int32
	good := feedtest.New("Example News", item("1", time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)))
	defer good.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if gone.Load() {
			http.Error(w, "removed", http.StatusGone)
			return
		}
		http.Redirect(w, r, good.URL(), http.StatusFound)
	}))
	defer srv.Close()
	url := srv.URL + "/feed.xml"
	w, st, _ := watcher(t, 0, url)
	logs := capture(w)
	w.Sleep = func(ctx context.Context, d time.Duration) error {
		t.Errorf("a gone feed was scheduled again, in %s", d)
		return context.Canceled
	}

	// Run returns by itself: its only feed is gone.
	run(t, context.Background(), w)
	state, err := st.FeedState(context.Background(), url)
	if err != nil || !strings.HasPrefix(state.LastError, poll.GonePrefix) {
		t.Fatalf("state %+v %v, want LastError starting %q", state, err, poll.GonePrefix)
	}
	lines := logs.lines(t)
	everyLineNamesTheFeed(t, lines)
	if len(lines) != 1 || lines[0]["level"] != "ERROR" || !strings.Contains(lines[0]["msg"].(string), "HERALD_FEEDS") {
		t.Fatalf("want one error line asking to remove the feed, got %v", lines)
	}
	if requests.Load() != 1 {
		t.Fatalf("%d requests, want 1", requests.Load())
	}

	// A restart within GoneRetry skips the feed, saying so once.
	gone.Store(false)
	w2, _, _ := watcher(t, 0, url)
	w2.Store = st
	logs = capture(w2)
	w2.Sleep = w.Sleep
	run(t, context.Background(), w2)
	if requests.Load() != 1 {
		t.Fatalf("a restart fetched the gone feed: %d requests", requests.Load())
	}
	lines = logs.lines(t)
	everyLineNamesTheFeed(t, lines)
	if len(lines) != 1 || !strings.Contains(lines[0]["msg"].(string), "skipped") {
		t.Fatalf("want one line saying the feed is skipped, got %v", lines)
	}

	// A start a day later tries it once more; the publisher brought it
	// back, so it is polled as usual again.
	w3, _, _ := watcher(t, 0, url)
	w3.Store = st
	w3.Now = func() time.Time { return time.Now().Add(poll.GoneRetry + time.Hour) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl := &sleeper{n: 1, cancel: cancel}
	w3.Sleep = sl.Sleep
	run(t, ctx, w3)
	state, err = st.FeedState(context.Background(), url)
	if requests.Load() != 2 || err != nil || state.LastError != "" {
		t.Fatalf("after a day: %d requests, state %+v %v; want the feed read again", requests.Load(), state, err)
	}
}

func TestPanicInAPollIsRecoveredAndBackedOff(t *testing.T) {
	srv := feedtest.New("Example News", item("1", time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)))
	defer srv.Close()
	w, _, _ := watcher(t, 1, srv.URL())
	logs := capture(w)
	var panics atomic.Int32
	w.Notify = func() {
		if panics.Add(1) == 1 {
			panic("notify broke")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl := &sleeper{n: 2, cancel: cancel}
	w.Sleep = sl.Sleep
	run(t, ctx, w)

	p := poll.Period(srv.URL(), w.Interval)
	if len(sl.waits) != 2 || sl.waits[0] <= p || sl.waits[1] > p {
		t.Fatalf("waits %v: want a backoff after the panic, then the period (%s)", sl.waits, p)
	}
	var panicked []map[string]any
	lines := logs.lines(t)
	everyLineNamesTheFeed(t, lines)
	for _, l := range lines {
		if l["level"] == "ERROR" {
			panicked = append(panicked, l)
		}
	}
	if len(panicked) != 1 || !strings.Contains(panicked[0]["err"].(string), "notify broke") || panicked[0]["stack"] == nil {
		t.Fatalf("want one error line with the panic and its stack, got %v", panicked)
	}
}

func TestSlowHostDelaysNoOtherFeed(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 16)
	var inflight, most atomic.Int32
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		defer inflight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release)
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	fast := feedtest.New("Fast News", item("1", base))
	defer fast.Close()

	w, st, _ := watcher(t, 1, slow.URL+"/a.xml", slow.URL+"/b.xml", slow.URL+"/c.xml", fast.URL())
	logs := capture(w)
	w.Interval = 50 * time.Millisecond
	w.Fetcher = feed.NewFetcher("test", time.Minute, 0)
	notified := make(chan struct{}, 1)
	w.Notify = func() {
		select {
		case notified <- struct{}{}:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()

	wait(t, arrived, "the slow host's first fetch")
	wait(t, arrived, "the slow host's second fetch")
	delivered := func(key string) {
		t.Helper()
		for {
			ds, err := st.Deliveries(context.Background(), target, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if d.Article.Key == key {
					return
				}
			}
			wait(t, notified, "a delivery of "+key)
		}
	}
	delivered("guid:story-1")
	fast.Add(item("2", base.Add(time.Minute)))
	delivered("guid:story-2")

	if n := inflight.Load(); n != 2 {
		t.Errorf("%d fetches of the slow host in flight while the fast one was read, want 2 (blocked)", n)
	}
	if m := most.Load(); m > poll.DefaultPerHost {
		t.Errorf("%d fetches of one host at once, want at most %d", m, poll.DefaultPerHost)
	}
	cancel()
	wait(t, done, "Run returning once cancelled")
	everyLineNamesTheFeed(t, logs.lines(t))
}

func TestWaitingFeedsHoldNoGoroutine(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%[1]s</title><link>https://news.example/</link>`+
			`<item><title>Story of %[1]s</title><link>https://news.example%[1]s</link><guid>%[1]s</guid></item></channel></rss>`, r.URL.Path)
	}))
	defer srv.Close()
	feeds := feedsOn(srv, 200)
	w, _, _ := watcher(t, 0, feeds...)
	w.Interval = time.Hour
	before := runtime.NumGoroutine()
	stop := background(t, w)
	deadline := time.Now().Add(20 * time.Second)
	for fetches.Load() < int32(len(feeds)) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for the first fetch of every feed: %d of %d", fetches.Load(), len(feeds))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Every feed now waits an hour for its next fetch: on timers, not on
	// a goroutine each. (The HTTP client and server keep a few for their
	// idle connections.)
	var n int
	for range 200 {
		if n = runtime.NumGoroutine() - before; n < 20 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n >= 20 {
		t.Errorf("%d goroutines more than before Run while %d feeds wait, want fewer than 20", n, len(feeds))
	}
	stop()
}

func TestFeedsWaitingForTheirHostHoldNoGoroutine(t *testing.T) {
	release := make(chan struct{})
	var fetches, inflight atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		inflight.Add(1)
		defer inflight.Add(-1)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		fetches.Add(1)
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example/</link></channel></rss>`)
	}))
	defer srv.Close()
	feeds := feedsOn(srv, 300)
	w, _, _ := watcher(t, 0, feeds...)
	w.Interval = time.Hour
	w.Fetcher = feed.NewFetcher("test", time.Minute, 0)
	before := runtime.NumGoroutine()
	stop := background(t, w)
	deadline := time.Now().Add(20 * time.Second)
	for inflight.Load() < poll.DefaultPerHost {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the host's first fetches")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // goroutines of waiting feeds would be up now
	// Two polls fetch (with the HTTP client's and server's goroutines for
	// their connections); the other 298 feeds are places in line.
	if n := runtime.NumGoroutine() - before; n >= 30 {
		t.Errorf("%d goroutines more than before Run while 298 feeds wait for their host, want fewer than 30", n)
	}
	if n := inflight.Load(); n != poll.DefaultPerHost {
		t.Errorf("%d fetches of the host at once, want %d", n, poll.DefaultPerHost)
	}
	close(release)
	for fetches.Load() < int32(len(feeds)) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for every feed's fetch: %d of %d", fetches.Load(), len(feeds))
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
}

func TestWorkersBoundPollsOverAllHosts(t *testing.T) {
	release := make(chan struct{})
	var inflight, most atomic.Int32
	var feeds []string
	for range 8 {
		// Each feed on a host of its own: only Workers bounds them.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := inflight.Add(1)
			defer inflight.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			select {
			case <-release:
			case <-r.Context().Done():
			}
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://news.example/</link></channel></rss>`)
		}))
		defer srv.Close()
		feeds = append(feeds, srv.URL+"/feed.xml")
	}
	w, _, _ := watcher(t, 0, feeds...)
	w.Interval = time.Hour
	w.Workers = 3
	w.Fetcher = feed.NewFetcher("test", time.Minute, 0)
	stop := background(t, w)
	deadline := time.Now().Add(20 * time.Second)
	for inflight.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for three fetches at once")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // a fourth would arrive now
	if n := most.Load(); n != 3 {
		t.Errorf("%d fetches at once over 8 hosts, want 3 (Workers)", n)
	}
	close(release)
	stop()
}

// TestFeedsOfOtherReplicasAreNotFetched runs a watcher that owns its feed
// only from the third time it asks: the feed is not fetched before, and
// it is asked about again every OwnerCheck at most.
func TestFeedsOfOtherReplicasAreNotFetched(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer srv.Close()
	url := srv.URL + "/feed.xml"
	w, _, _ := watcher(t, 0, url)
	w.Interval = time.Hour
	var asked atomic.Int32
	w.Owns = func(feedURL string) bool {
		if feedURL != url {
			t.Errorf("Owns(%q), want the feed's URL", feedURL)
		}
		n := asked.Add(1)
		if n <= 2 && fetches.Load() != 0 {
			t.Errorf("the feed was fetched while another replica owned it")
		}
		return n > 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl := &sleeper{n: 3, cancel: cancel}
	w.Sleep = sl.Sleep
	run(t, ctx, w)
	if got := fetches.Load(); got != 1 {
		t.Errorf("%d fetches, want 1: only once the watcher owned the feed", got)
	}
	if len(sl.waits) != 3 || sl.waits[0] != poll.OwnerCheck || sl.waits[1] != poll.OwnerCheck {
		t.Errorf("waits %v, want two of %v while another replica owned the feed", sl.waits, poll.OwnerCheck)
	}
}
