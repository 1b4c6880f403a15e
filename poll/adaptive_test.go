package poll_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/poll"
	"github.com/heraldhq/herald/schedule"
)

var policy = schedule.PollPolicy{Min: time.Minute, Max: time.Hour}

// rssEvery renders an RSS feed of n items published every step up to
// newest, newest first.
func rssEvery(newest time.Time, step time.Duration, n int) (string, []time.Time) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title><link>https://news.example/</link>`)
	var published []time.Time
	for i := range n {
		t := newest.Add(-time.Duration(i) * step).UTC()
		published = append(published, t)
		fmt.Fprintf(&b, `<item><title>Story %d</title><link>https://news.example/%d</link><guid>s-%d</guid><pubDate>%s</pubDate></item>`,
			i, i, i, t.Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	return b.String(), published
}

// adaptiveRun runs a Watcher with the default policy and a fixed clock
// against handler for n polls, and returns the waits it asked for.
func adaptiveRun(t *testing.T, now time.Time, n int, handler http.HandlerFunc) (string, []time.Duration) {
	t.Helper()
	srv := httptest.NewServer(handler)
	defer srv.Close()
	url := srv.URL + "/feed.xml"
	w, _, _ := watcher(t, 0, url)
	w.Policy = policy
	w.Now = func() time.Time { return now }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl := &sleeper{n: n, cancel: cancel}
	w.Sleep = sl.Sleep
	run(t, ctx, w)
	return url, sl.waits
}

func TestAdaptivePollingFollowsTheFeedsRate(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 30, 0, time.UTC)
	tests := []struct {
		name    string
		step    time.Duration
		headers map[string]string
		want    func(url string, published []time.Time) time.Duration
	}{
		{"every ten minutes: about five", 10 * time.Minute, nil, func(url string, published []time.Time) time.Duration {
			return schedule.NextFetch(now, schedule.FeedHistory{URL: url, Published: published}, policy).Sub(now)
		}},
		{"every minute: the minimum", time.Minute, nil, func(string, []time.Time) time.Duration { return time.Minute }},
		{"daily: on its hourly grid", 24 * time.Hour, nil, func(url string, published []time.Time) time.Duration {
			return schedule.NextFetch(now, schedule.FeedHistory{URL: url, Published: published}, policy).Sub(now)
		}},
		{"max-age over the rate", time.Minute, map[string]string{"Cache-Control": "max-age=900"},
			func(string, []time.Time) time.Duration { return 15 * time.Minute }},
		{"no-cache sets no floor", time.Minute, map[string]string{"Cache-Control": "no-cache, max-age=900"},
			func(string, []time.Time) time.Duration { return time.Minute }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, published := rssEvery(now.Add(-30*time.Second), tt.step, 12)
			url, waits := adaptiveRun(t, now, 1, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				w.Write([]byte(body))
			})
			want := tt.want(url, published)
			if len(waits) != 1 || waits[0] != want {
				t.Fatalf("waits %v, want [%v]", waits, want)
			}
			// A quiet feed joins its grid of hourly steps: within two.
			if waits[0] >= 2*time.Hour && tt.headers == nil {
				t.Fatalf("wait %v: two steps of the maximum or more", waits[0])
			}
		})
	}
}

func TestAdaptivePollingKeepsTheRateOnNotModified(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 30, 0, time.UTC)
	body, _ := rssEvery(now.Add(-30*time.Second), time.Minute, 12)
	var requests, notModified atomic.Int32
	_, waits := adaptiveRun(t, now, 3, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("If-None-Match") == `"v1"` {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(body))
	})
	if notModified.Load() != 2 {
		t.Fatalf("%d of %d requests answered 304, want 2", notModified.Load(), requests.Load())
	}
	// Without the items read before, a 304 would leave no rate: an hour.
	for i, d := range waits {
		if d != time.Minute {
			t.Errorf("wait %d = %v, want the minute the feed's rate gives", i, d)
		}
	}
}

func TestAdaptivePollingBacksOffOnFailure(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 30, 0, time.UTC)
	body, _ := rssEvery(now.Add(-30*time.Second), time.Minute, 12)
	var calls atomic.Int32
	_, waits := adaptiveRun(t, now, 4, func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1, 2:
			http.Error(w, "down", http.StatusInternalServerError)
		case 3:
			w.Write([]byte(body))
		default:
			w.Header().Set("Retry-After", "7200")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	})
	if len(waits) != 4 {
		t.Fatalf("waits %v, want 4", waits)
	}
	within := func(d, full time.Duration) bool { return d <= full && d > full*4/5 }
	if !within(waits[0], 2*time.Minute) || !within(waits[1], 4*time.Minute) {
		t.Errorf("waits after two failures %v, want the minimum doubled, then doubled again, less up to a fifth", waits[:2])
	}
	if waits[2] != time.Minute {
		t.Errorf("wait after a success %v, want the rate's minute", waits[2])
	}
	if waits[3] != 2*time.Hour {
		t.Errorf("wait after a 503 with Retry-After: 7200 = %v, want 2h", waits[3])
	}
}

func TestFeedListedTwiceIsFetchedOnce(t *testing.T) {
	for _, adaptive := range []bool{false, true} {
		var requests atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			body, _ := rssEvery(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), time.Minute, 3)
			w.Write([]byte(body))
		}))
		url := srv.URL + "/feed.xml"
		other := srv.URL + "/other.xml"
		w, _, _ := watcher(t, 0, url, other, url, url)
		if adaptive {
			w.Policy = policy
		}
		// Each feed's poll ends its watch: Run returns once every feed
		// was polled once.
		w.Sleep = func(ctx context.Context, d time.Duration) error { return context.Canceled }
		run(t, context.Background(), w)
		srv.Close()
		if n := requests.Load(); n != 2 {
			t.Errorf("adaptive %v: %d requests for two distinct feeds, one listed thrice; want 2", adaptive, n)
		}
	}
}

func TestPeriodWithoutPolicyIsUnchanged(t *testing.T) {
	// Interval alone keeps the fixed period, whatever the feed's rate
	// and its server's headers.
	now := time.Date(2026, 3, 2, 12, 0, 30, 0, time.UTC)
	body, _ := rssEvery(now.Add(-30*time.Second), 24*time.Hour, 5)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=86400")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	url := srv.URL + "/feed.xml"
	w, _, _ := watcher(t, 0, url)
	w.Interval = time.Second
	w.Now = func() time.Time { return now }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl := &sleeper{n: 1, cancel: cancel}
	w.Sleep = sl.Sleep
	run(t, ctx, w)
	if want := poll.Period(url, time.Second); len(sl.waits) != 1 || sl.waits[0] != want {
		t.Fatalf("waits %v, want [%v]", sl.waits, want)
	}
}

func TestAdaptivePollingReadsTheWholeFeedFirst(t *testing.T) {
	// After a restart the store holds the feed's validators; a 304 to the
	// first fetch would leave the feed's rate unknown (an hour).
	now := time.Date(2026, 3, 2, 12, 0, 30, 0, time.UTC)
	body, _ := rssEvery(now.Add(-30*time.Second), time.Minute, 12)
	var conditional []bool
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conditional = append(conditional, r.Header.Get("If-None-Match") != "")
		mu.Unlock()
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(body))
	}))
	defer srv.Close()
	url := srv.URL + "/feed.xml"
	w, st, _ := watcher(t, 0, url)
	if err := st.SaveFeedState(context.Background(), herald.FeedState{URL: url, ETag: `"v1"`, LastFetch: now.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	w.Policy = policy
	w.Now = func() time.Time { return now }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl := &sleeper{n: 2, cancel: cancel}
	w.Sleep = sl.Sleep
	run(t, ctx, w)
	mu.Lock()
	defer mu.Unlock()
	if len(conditional) != 2 || conditional[0] || !conditional[1] {
		t.Fatalf("conditional requests %v, want the first whole, the next conditional", conditional)
	}
	if len(sl.waits) != 2 || sl.waits[0] != time.Minute || sl.waits[1] != time.Minute {
		t.Fatalf("waits %v, want the feed's minute twice", sl.waits)
	}
}
