package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/poll"
	"github.com/heraldhq/herald/schedule"
	"github.com/heraldhq/herald/store/sqlite"
)

// benchWeek runs Herald's feed watcher, with the default polling policy,
// on a clock of its own over days simulated days, against a farm feed
// that publishes one article a day at 09:00 (and whose server keeps the
// validators of a real one, so that unchanged fetches are 304s). It
// starts at noon and reports the fetches of each whole day after, so that
// the fetch at start is not counted.
func benchWeek(dir string, days int) []row {
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	// The feed lists its stories of the ten days before the run.
	farm, err := newFarm(1, start.AddDate(0, 0, -10).Add(9*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	defer farm.Close()
	for d := 9; d >= 1; d-- {
		farm.Add(0, item(300000-d, start.AddDate(0, 0, -d).Add(9*time.Hour)))
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "week.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()

	end := start.AddDate(0, 0, days)
	var mu sync.Mutex
	now := start.Add(-12 * time.Hour)
	nextStory := start.Add(9 * time.Hour)
	published := 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &poll.Watcher{
		Feeds:   []string{farm.URL(0)},
		Policy:  schedule.PollPolicy{Min: time.Minute, Max: time.Hour},
		Store:   st,
		Fetcher: feed.NewFetcher("herald-bench", 10*time.Second, 0),
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return now
		},
		// Sleeping moves the clock on at once, and publishes the day's
		// story when its time is passed.
		Sleep: func(ctx context.Context, d time.Duration) error {
			mu.Lock()
			now = now.Add(d)
			for !nextStory.After(now) {
				farm.Add(0, item(300000+published, nextStory))
				published++
				nextStory = nextStory.AddDate(0, 0, 1)
			}
			done := !now.Before(end)
			mu.Unlock()
			if done {
				cancel()
			}
			return ctx.Err()
		},
	}
	// A week of fetches, counted by the simulated day they fall on.
	perDay := make([]int, days)
	farm.OnFetch(func() {
		mu.Lock()
		defer mu.Unlock()
		if d := int(now.Sub(start) / (24 * time.Hour)); !now.Before(start) && d < days {
			perDay[d]++
		}
	})
	w.Run(ctx)

	stats := farm.Stats()
	most, total := 0, 0
	for _, n := range perDay {
		most, total = max(most, n), total+n
	}
	fmt.Printf("a feed publishing daily at 09:00, %d whole days on a simulated clock after a start at noon, default polling (1m–1h):\n", days)
	fmt.Printf("  fetches per day %v: %.1f a day on average, %d at most; %d articles; %d of %d unchanged fetches answered 304\n",
		perDay, float64(total)/float64(days), most, published, stats.unchanged304, stats.unchanged)
	return []row{{fmt.Sprintf("a feed publishing daily, %d simulated days", days), "fetches per day (most, mean)",
		fmt.Sprintf("%d, %.1f", most, float64(total)/float64(days)), "≤ 24", most <= 24}}
}
