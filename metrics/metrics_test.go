package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/promtext"
)

// scrape reads the registry's text exposition into a map from each
// series, written as Prometheus does (labels in name order), to its value.
func scrape(t *testing.T, r *Registry) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	out, err := promtext.Samples(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// want checks series values.
func want(t *testing.T, got map[string]float64, series map[string]float64) {
	t.Helper()
	for s, v := range series {
		g, ok := got[s]
		if !ok {
			t.Errorf("%s: no such series", s)
			continue
		}
		if g != v {
			t.Errorf("%s = %v, want %v", s, g, v)
		}
	}
}

func TestDeliveryOutcome(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, Sent},
		{&herald.RateLimitError{RetryAfter: time.Second}, RateLimited},
		{fmt.Errorf("send: %w", &herald.RateLimitError{RetryAfter: time.Second}), RateLimited},
		{&herald.PermanentError{Reason: "Unknown Channel"}, Failed},
		{fmt.Errorf("send: %w", &herald.PermanentError{Reason: "blocked", Err: herald.ErrUnreachable}), Failed},
		{&herald.MovedError{To: herald.Target{Platform: herald.Telegram, Chat: "-100"}}, Retry},
		{&herald.MovedError{To: herald.Target{Platform: herald.Telegram, Chat: "-100"},
			Err: &herald.PermanentError{Reason: "group chat was upgraded to a supergroup chat"}}, Retry},
		{errors.New("telegram 502: Bad Gateway"), Retry},
	} {
		if got := DeliveryOutcome(tc.err); got != tc.want {
			t.Errorf("DeliveryOutcome(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestFetchOutcome(t *testing.T) {
	for _, tc := range []struct {
		lastError, want string
	}{
		{"", FetchOK},
		{"gone: the feed answered 410 Gone", FetchGone},
		{"Gone (410)", FetchGone},
		{"HTTP 500 Internal Server Error", FetchError},
		{"timeout: context deadline exceeded", FetchError},
		{"feed is gone", FetchError},
	} {
		if got := FetchOutcome(tc.lastError); got != tc.want {
			t.Errorf("FetchOutcome(%q) = %q, want %q", tc.lastError, got, tc.want)
		}
	}
}

// scripted answers each send with the next error of its script.
type scripted struct {
	mu   sync.Mutex
	errs []error
}

func (s *scripted) Send(ctx context.Context, d herald.Delivery) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.errs[0]
	s.errs = s.errs[1:]
	if err != nil {
		return "", err
	}
	return "m1", nil
}

// next pops the next error of the script.
func (s *scripted) next() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.errs[0]
	s.errs = s.errs[1:]
	return err
}

func (s *scripted) SendDigest(ctx context.Context, dg herald.Digest) (int, string, error) {
	if err := s.next(); err != nil {
		return 0, "", err
	}
	return len(dg.Deliveries), "m2", nil
}

func (s *scripted) Edit(ctx context.Context, e herald.Edit) error { return s.next() }

func TestSenderCountsDigestsAndEdits(t *testing.T) {
	r := New(Options{})
	next := &scripted{errs: []error{
		nil,
		&herald.RateLimitError{RetryAfter: time.Second},
		nil,
		&herald.PermanentError{Reason: "message to edit not found"},
		errors.New("telegram 502"),
	}}
	s := r.Sender(herald.Telegram, next)
	ctx := t.Context()
	three := herald.Digest{Deliveries: make([]herald.Delivery, 3)}
	if n, _, err := s.SendDigest(ctx, three); n != 3 || err != nil {
		t.Fatalf("SendDigest = %d, %v", n, err)
	}
	s.SendDigest(ctx, three)
	for range 3 {
		s.Edit(ctx, herald.Edit{})
	}
	want(t, scrape(t, r), map[string]float64{
		`herald_deliveries_total{outcome="sent",platform="telegram"}`:         3,
		`herald_deliveries_total{outcome="rate_limited",platform="telegram"}`: 1,
		`herald_rate_limited_total{platform="telegram"}`:                      1,
		`herald_edits_total{outcome="sent",platform="telegram"}`:              1,
		`herald_edits_total{outcome="failed",platform="telegram"}`:            1,
		`herald_edits_total{outcome="retry",platform="telegram"}`:             1,
	})
}

func TestSenderCountsOutcomesAndLatency(t *testing.T) {
	now := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	r := New(Options{Platforms: []herald.Platform{herald.Telegram}, Now: func() time.Time { return now }})
	next := &scripted{errs: []error{
		nil,
		&herald.RateLimitError{RetryAfter: time.Second},
		errors.New("discord HTTP 502"),
		&herald.PermanentError{Reason: "Unknown Channel"},
		nil,
		nil,
	}}
	s := r.Sender(herald.Discord, next)
	ctx := t.Context()
	for _, age := range []time.Duration{3 * time.Second, 0, 0, 0, 40 * time.Second, -time.Minute} {
		d := herald.Delivery{Target: herald.Target{Platform: herald.Discord, Chat: "111"},
			Article: herald.Article{Published: now.Add(-age)}}
		s.Send(ctx, d)
	}
	cut, cancel := context.WithCancel(ctx)
	cancel()
	next.errs = append(next.errs, context.Canceled)
	if _, err := s.Send(cut, herald.Delivery{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("the decorator changed the error: %v", err)
	}

	got := scrape(t, r)
	want(t, got, map[string]float64{
		`herald_deliveries_total{outcome="sent",platform="discord"}`:         3,
		`herald_deliveries_total{outcome="rate_limited",platform="discord"}`: 1,
		`herald_deliveries_total{outcome="retry",platform="discord"}`:        1,
		`herald_deliveries_total{outcome="failed",platform="discord"}`:       1,
		`herald_rate_limited_total{platform="discord"}`:                      1,
		// A post dated in the future has no latency to observe.
		`herald_delivery_latency_seconds_count{platform="discord"}`:          2,
		`herald_delivery_latency_seconds_sum{platform="discord"}`:            43,
		`herald_delivery_latency_seconds_bucket{platform="discord",le="2"}`:  0,
		`herald_delivery_latency_seconds_bucket{platform="discord",le="5"}`:  1,
		`herald_delivery_latency_seconds_bucket{platform="discord",le="60"}`: 2,
		// Configured platforms have their series from the start.
		`herald_deliveries_total{outcome="sent",platform="telegram"}`: 0,
		`herald_rate_limited_total{platform="telegram"}`:              0,
	})
	if _, ok := got["go_goroutines"]; !ok {
		t.Error("no Go runtime metrics")
	}
}

// feedStore records the feed watcher's writes.
type feedStore struct {
	herald.Store
	ingestErr error
	saved     []herald.FeedState
}

func (s *feedStore) Ingest(ctx context.Context, feed string, articles []herald.Article,
	route func(herald.Article) []herald.Target, backlog int) (herald.IngestResult, error) {
	if s.ingestErr != nil {
		return herald.IngestResult{}, s.ingestErr
	}
	return herald.IngestResult{New: len(articles)}, nil
}

func (s *feedStore) SaveFeedState(ctx context.Context, st herald.FeedState) error {
	s.saved = append(s.saved, st)
	return nil
}

func TestStoreCountsFetchesAndDiscoveries(t *testing.T) {
	r := New(Options{})
	inner := &feedStore{}
	st := r.Store(inner)
	ctx := t.Context()
	const a, b = "https://a.example/feed", "https://b.example/feed"
	// a: fetched with three new articles, then not modified, then gone.
	st.Ingest(ctx, a, make([]herald.Article, 3), nil, 0)
	st.SaveFeedState(ctx, herald.FeedState{URL: a})
	st.SaveFeedState(ctx, herald.FeedState{URL: a})
	st.SaveFeedState(ctx, herald.FeedState{URL: a, LastError: "gone: 410 Gone"})
	// b: failed, then fetched with one article the store could not record
	// (the watcher then saves no state), then fetched with two.
	st.SaveFeedState(ctx, herald.FeedState{URL: b, LastError: "HTTP 503"})
	inner.ingestErr = errors.New("disk full")
	if _, err := st.Ingest(ctx, b, make([]herald.Article, 1), nil, 0); err == nil {
		t.Fatal("the decorator hid the store's error")
	}
	inner.ingestErr = nil
	st.Ingest(ctx, b, make([]herald.Article, 2), nil, 0)
	st.SaveFeedState(ctx, herald.FeedState{URL: b})

	if len(inner.saved) != 5 {
		t.Errorf("the store saved %d states, want 5", len(inner.saved))
	}
	want(t, scrape(t, r), map[string]float64{
		`herald_feed_fetches_total{outcome="ok"}`:           3,
		`herald_feed_fetches_total{outcome="not_modified"}`: 1,
		`herald_feed_fetches_total{outcome="gone"}`:         1,
		`herald_feed_fetches_total{outcome="error"}`:        1,
		`herald_articles_discovered_total`:                  5,
	})
}

type outboxStub struct {
	stats herald.OutboxStats
	err   error
}

func (o outboxStub) Outbox(ctx context.Context) (herald.OutboxStats, error) {
	if _, ok := ctx.Deadline(); !ok {
		return herald.OutboxStats{}, errors.New("outbox read without a deadline")
	}
	return o.stats, o.err
}

func TestOutboxIsReadAtScrape(t *testing.T) {
	now := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	platforms := []herald.Platform{herald.Discord, herald.Telegram}
	r := New(Options{Platforms: platforms, Now: clock, Outbox: outboxStub{stats: herald.OutboxStats{
		Pending: map[herald.Platform]int{herald.Discord: 4, herald.Console: 1},
		Oldest:  now.Add(-90 * time.Second),
	}}})
	want(t, scrape(t, r), map[string]float64{
		`herald_outbox_pending{platform="discord"}`:  4,
		`herald_outbox_pending{platform="telegram"}`: 0,
		`herald_outbox_pending{platform="console"}`:  1,
		`herald_outbox_oldest_seconds`:               90,
	})

	r = New(Options{Platforms: platforms, Now: clock, Outbox: outboxStub{stats: herald.OutboxStats{}}})
	want(t, scrape(t, r), map[string]float64{
		`herald_outbox_pending{platform="discord"}`: 0,
		`herald_outbox_oldest_seconds`:              0,
	})

	// A failing read is logged; the other metrics are still served.
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
	r = New(Options{Platforms: platforms, Now: clock, Log: log, Outbox: outboxStub{err: errors.New("database is locked")}})
	got := scrape(t, r)
	if _, ok := got[`herald_outbox_oldest_seconds`]; ok {
		t.Error("outbox metrics served from a failed read")
	}
	want(t, got, map[string]float64{`herald_feed_fetches_total{outcome="ok"}`: 0})
	if !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("the failed read was not logged: %q", logs.String())
	}
}

// syncWriter serialises writes to w.
type syncWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestRegistriesAreIndependent(t *testing.T) {
	a, b := New(Options{}), New(Options{})
	a.Store(&feedStore{}).SaveFeedState(t.Context(), herald.FeedState{URL: "https://a.example/feed", LastError: "HTTP 500"})
	if got := scrape(t, b)[`herald_feed_fetches_total{outcome="error"}`]; got != 0 {
		t.Errorf("a count in one registry shows in another: %v", got)
	}
}
