package schedule

import (
	"fmt"
	"testing"
	"time"
)

var defaultPoll = PollPolicy{Min: time.Minute, Max: time.Hour}

// every returns the publish times of the newest n items of a feed that
// publishes every step, as seen at now.
func every(now time.Time, step time.Duration, n int) []time.Time {
	last := now.Truncate(step)
	times := make([]time.Time, n)
	for i := range times {
		times[i] = last.Add(-time.Duration(i) * step)
	}
	return times
}

// daily returns the publish times of the newest n items of a feed that
// publishes once a day at 09:00 UTC, as seen at now.
func daily(now time.Time, n int) []time.Time {
	last := time.Date(now.Year(), now.Month(), now.Day(), 9, 0, 0, 0, time.UTC)
	if last.After(now) {
		last = last.AddDate(0, 0, -1)
	}
	times := make([]time.Time, n)
	for i := range times {
		times[i] = last.AddDate(0, 0, -i)
	}
	return times
}

func TestPollPolicyInterval(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	at := func(ago ...time.Duration) []time.Time {
		times := make([]time.Time, len(ago))
		for i, d := range ago {
			times[i] = now.Add(-d)
		}
		return times
	}
	m := time.Minute
	tests := []struct {
		name      string
		p         PollPolicy
		published []time.Time
		want      time.Duration
	}{
		{"no item: rate unknown", defaultPoll, nil, time.Hour},
		{"one item: rate unknown", defaultPoll, at(0), time.Hour},
		{"undated items: rate unknown", defaultPoll, []time.Time{{}, {}, {}}, time.Hour},
		{"one date shared by all: rate unknown", defaultPoll, at(5*m, 5*m, 5*m), time.Hour},
		{"every minute: the minimum", defaultPoll, every(now, m, 20), time.Minute},
		{"every ten minutes: half the gap", defaultPoll, every(now, 10*m, 20), 5 * m},
		{"every ten minutes, in any order", defaultPoll, at(20*m, 0, 40*m, 10*m, 30*m), 5 * m},
		{"median, not mean: one long gap", defaultPoll, at(0, 10*m, 20*m, 30*m, 150*m), 5 * m},
		{"even count: mean of the middle two", defaultPoll, at(0, 4*m, 10*m), 150 * time.Second},
		{"only the newest items count", defaultPoll, append(every(now, 10*m, RateItems+1), now.Add(-48*time.Hour)), 5 * m},
		{"silent for longer than its gap: half the silence", defaultPoll, at(40*m, 50*m, 60*m), 20 * m},
		{"silent for hours: the maximum", defaultPoll, at(3*time.Hour, 3*time.Hour+10*m, 3*time.Hour+20*m), time.Hour},
		{"daily: the maximum", defaultPoll, daily(now, 10), time.Hour},
		{"future dates count as now", defaultPoll, append(at(10*m, 20*m), now.Add(time.Hour)), 5 * m},
		{"zero dates left out", defaultPoll, append(at(0, 10*m, 20*m), time.Time{}), 5 * m},
		{"pinned", PollPolicy{Min: time.Second, Max: time.Second}, every(now, 10*m, 5), time.Second},
		{"max under min is min", PollPolicy{Min: 2 * m, Max: m}, every(now, 10*m, 5), 2 * m},
	}
	for _, tt := range tests {
		if got := tt.p.Interval(now, tt.published); got != tt.want {
			t.Errorf("%s: Interval = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNextFetch(t *testing.T) {
	const url = "https://news.example/rss"
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	m := time.Minute
	phase := jitter(url, time.Hour)
	grid := time.Unix(0, 0).Add(phase)
	onTheGrid := now.Add(-now.Sub(grid) % time.Hour) // the last grid time at or before now
	tests := []struct {
		name string
		now  time.Time
		f    FeedHistory
		p    PollPolicy
		want time.Time
	}{
		{"every minute: the minimum", now, FeedHistory{URL: url, Published: every(now, m, 20)}, defaultPoll, now.Add(m)},
		{"every ten minutes: half the gap less its jitter", now, FeedHistory{URL: url, Published: every(now, 10*m, 20)}, defaultPoll,
			now.Add(5*m - jitter(url, 30*time.Second))},
		{"a floor above the interval", now, FeedHistory{URL: url, Published: every(now, 10*m, 20), Floor: 20 * m}, defaultPoll, now.Add(20 * m)},
		{"a floor below the interval", now, FeedHistory{URL: url, Published: every(now, m, 20), Floor: 30 * time.Second}, defaultPoll, now.Add(m)},
		{"a floor above the maximum", now, FeedHistory{URL: url, Published: daily(now, 10), Floor: 5 * time.Hour}, defaultPoll, now.Add(5 * time.Hour)},
		{"a floor is capped", now, FeedHistory{URL: url, Published: daily(now, 10), Floor: 30 * 24 * time.Hour}, defaultPoll, now.Add(MaxFloor)},
		{"quiet, on its grid: one step", onTheGrid, FeedHistory{URL: url}, defaultPoll, onTheGrid.Add(time.Hour)},
		{"quiet, late for its grid: back on it", onTheGrid.Add(2 * m), FeedHistory{URL: url}, defaultPoll, onTheGrid.Add(time.Hour)},
		{"quiet, off its grid: a step or more", onTheGrid.Add(10 * m), FeedHistory{URL: url}, defaultPoll, onTheGrid.Add(2 * time.Hour)},
		{"pinned: on the grid of the interval", onTheGrid, FeedHistory{URL: url, Published: every(now, m, 20)},
			PollPolicy{Min: time.Hour, Max: time.Hour}, onTheGrid.Add(time.Hour)},
	}
	for _, tt := range tests {
		if got := NextFetch(tt.now, tt.f, tt.p); !got.Equal(tt.want) {
			t.Errorf("%s: NextFetch = %v (in %v), want %v (in %v)", tt.name, got, got.Sub(tt.now), tt.want, tt.want.Sub(tt.now))
		}
	}
}

// TestNextFetchSpreadsQuietFeeds checks that quiet feeds fetched together,
// as at a start, are next fetched apart.
func TestNextFetchSpreadsQuietFeeds(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	const feeds = 120
	perSlot := make(map[int64]int)
	for i := range feeds {
		f := FeedHistory{URL: fmt.Sprintf("https://site%d.example/rss", i)}
		next := NextFetch(now, f, defaultPoll)
		if d := next.Sub(now); d < time.Hour-time.Hour/20 || d >= 2*time.Hour {
			t.Fatalf("%s: next fetch in %v, want [57m, 2h)", f.URL, d)
		}
		perSlot[next.Unix()/(6*60)]++
	}
	// Spread evenly, 120 feeds give 12 to each six-minute slot of the hour.
	for slot, n := range perSlot {
		if n > 30 {
			t.Errorf("%d feeds fetched in the six minutes from %v: not spread", n, time.Unix(slot*6*60, 0).UTC())
		}
	}
	if len(perSlot) < 8 {
		t.Errorf("fetches fall in %d of ten six-minute slots", len(perSlot))
	}
}

// simulate fetches a feed for days simulated days from start, each time
// when NextFetch says, and returns the fetches of each day.
func simulate(t testing.TB, url string, start time.Time, days int, published func(now time.Time) []time.Time, p PollPolicy) []int {
	t.Helper()
	perDay := make([]int, days)
	end := start.AddDate(0, 0, days)
	for now := start; now.Before(end); {
		perDay[now.Sub(start)/(24*time.Hour)]++
		next := NextFetch(now, FeedHistory{URL: url, Published: published(now)}, p)
		if !next.After(now) {
			t.Fatalf("NextFetch(%v) = %v: not after now", now, next)
		}
		now = next
	}
	return perDay
}

func TestSimulatedWeek(t *testing.T) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		published func(time.Time) []time.Time
		low, high int // fetches a day
	}{
		{"daily feed", func(now time.Time) []time.Time { return daily(now, 20) }, 23, 24},
		{"feed publishing every 5 minutes", func(now time.Time) []time.Time { return every(now, 5*time.Minute, 20) }, 576, 640},
		{"feed publishing every minute", func(now time.Time) []time.Time { return every(now, time.Minute, 20) }, 1440, 1440},
	}
	for _, tt := range tests {
		for _, url := range []string{"https://news.example/rss", "https://other.example/feed.xml", "https://a.example/atom"} {
			perDay := simulate(t, url, start, 7, tt.published, defaultPoll)
			for day, n := range perDay {
				if n < tt.low || n > tt.high {
					t.Errorf("%s, %s: day %d: %d fetches, want %d to %d", tt.name, url, day, n, tt.low, tt.high)
				}
			}
			t.Logf("%s, %s: fetches per day %v", tt.name, url, perDay)
		}
	}
}

// BenchmarkNextFetch reports, besides the cost of a decision, the fetches a
// day over a simulated week of a daily feed and of a feed publishing every
// five minutes, with the default policy.
func BenchmarkNextFetch(b *testing.B) {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	const url = "https://news.example/rss"
	perDay := func(published func(time.Time) []time.Time) float64 {
		total := 0
		for _, n := range simulate(b, url, start, 7, published, defaultPoll) {
			total += n
		}
		return float64(total) / 7
	}
	dailyRate := perDay(func(now time.Time) []time.Time { return daily(now, 20) })
	fiveMinRate := perDay(func(now time.Time) []time.Time { return every(now, 5*time.Minute, 20) })
	f := FeedHistory{URL: url, Published: every(start, 5*time.Minute, 20)}
	b.ResetTimer()
	for b.Loop() {
		NextFetch(start, f, defaultPoll)
	}
	b.ReportMetric(dailyRate, "daily-feed-fetches/day")
	b.ReportMetric(fiveMinRate, "5min-feed-fetches/day")
}
