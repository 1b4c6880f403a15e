package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// testConcurrent runs the poller's and the dispatcher's calls at once, as a
// daemon does: several feeds ingested, with articles shared among them,
// while one worker per target drains its queue. Every article reaches every
// target exactly once.
func testConcurrent(t *testing.T, s herald.Store) {
	const (
		feeds   = 4
		rounds  = 8
		perItem = 10
		pool    = 60 // distinct keys shared by all feeds
	)
	ctx := t.Context()
	targets := []herald.Target{discord, telegram, console}

	var (
		newArticles, newDeliveries atomic.Int64
		ingesters, workers         sync.WaitGroup
		done                       = make(chan struct{})
	)
	want := map[string]bool{}
	for f := range feeds {
		feed := fmt.Sprintf("https://feeds.example.net/%d.xml", f)
		var batches [][]herald.Article
		for r := range rounds {
			var batch []herald.Article
			for i := range perItem {
				n := (f*7 + r*5 + i) % pool
				key := fmt.Sprintf("k%03d", n)
				want[key] = true
				a := article(key, n)
				a.Feed = feed
				batch = append(batch, a)
			}
			batches = append(batches, batch)
		}
		ingesters.Go(func() {
			for _, batch := range batches {
				res, err := s.Ingest(ctx, feed, batch, all(targets...), pool)
				if err != nil {
					t.Errorf("Ingest(%s): %v", feed, err)
					return
				}
				newArticles.Add(int64(res.New))
				newDeliveries.Add(int64(res.Deliveries))
			}
		})
	}

	sent := make([][]int64, len(targets))
	for i, tg := range targets {
		workers.Go(func() {
			retried := map[int64]int{}
			for {
				select {
				case <-ctx.Done():
					return
				default:
				}
				finished := isClosed(done)
				d, err := s.NextDelivery(ctx, tg)
				if errors.Is(err, herald.ErrNotFound) {
					if finished {
						return
					}
					time.Sleep(time.Millisecond)
					continue
				}
				if err != nil {
					t.Errorf("NextDelivery(%s): %v", tg, err)
					return
				}
				if d.Target != tg || d.State != herald.Pending {
					t.Errorf("NextDelivery(%s) = %s to %s", tg, describe(d), d.Target)
					return
				}
				if slices.Contains(sent[i], d.ID) {
					t.Errorf("NextDelivery(%s) = %s again after MarkSent", tg, describe(d))
					return
				}
				if want := retried[d.ID]; d.Attempts != want {
					t.Errorf("NextDelivery(%s) = %s, want %d attempts", tg, describe(d), want)
					return
				}
				if d.ID%3 == 0 && retried[d.ID] == 0 {
					retried[d.ID]++
					err = s.MarkRetry(ctx, d.ID, at(-60), "transient")
				} else {
					err = s.MarkSent(ctx, d.ID, fmt.Sprintf("msg-%d", d.ID))
					sent[i] = append(sent[i], d.ID)
				}
				if err != nil {
					t.Errorf("marking %s: %v", describe(d), err)
					return
				}
			}
		})
	}

	// Readers and feed state writers alongside.
	workers.Go(func() {
		for n := 0; !isClosed(done); n++ {
			st := herald.FeedState{URL: fmt.Sprintf("https://feeds.example.net/%d.xml", n%feeds), ETag: fmt.Sprint(n), LastFetch: at(n)}
			if err := s.SaveFeedState(ctx, st); err != nil {
				t.Errorf("SaveFeedState: %v", err)
				return
			}
			if _, err := s.FeedState(ctx, st.URL); err != nil {
				t.Errorf("FeedState: %v", err)
				return
			}
			if _, err := s.PendingTargets(ctx); err != nil {
				t.Errorf("PendingTargets: %v", err)
				return
			}
			if _, err := s.Deliveries(ctx, targets[n%len(targets)], 5); err != nil {
				t.Errorf("Deliveries: %v", err)
				return
			}
			if _, err := s.Search(ctx, fmt.Sprintf("headline k%03d", n%pool), 5); err != nil {
				t.Errorf("Search: %v", err)
				return
			}
			if _, err := s.Latest(ctx, "world", 5); err != nil {
				t.Errorf("Latest: %v", err)
				return
			}
			if _, err := s.Topics(ctx, "w", 5); err != nil {
				t.Errorf("Topics: %v", err)
				return
			}
			f := herald.Follow{Target: console, Topic: fmt.Sprintf("topic %d", n%5)}
			if _, err := s.AddFollow(ctx, f, 3); err != nil && !errors.Is(err, herald.ErrTooManyFollows) {
				t.Errorf("AddFollow: %v", err)
				return
			}
			if _, err := s.ActiveFollows(ctx); err != nil {
				t.Errorf("ActiveFollows: %v", err)
				return
			}
			if n%2 == 0 {
				if _, err := s.RemoveFollow(ctx, console, f.Topic); err != nil {
					t.Errorf("RemoveFollow: %v", err)
					return
				}
			}
		}
	})

	ingesters.Wait()
	close(done)
	workers.Wait()
	if t.Failed() {
		return
	}

	if got := newArticles.Load(); got != int64(len(want)) {
		t.Errorf("Ingest counted %d new articles, want %d", got, len(want))
	}
	if got := newDeliveries.Load(); got != int64(len(want)*len(targets)) {
		t.Errorf("Ingest counted %d deliveries, want %d", got, len(want)*len(targets))
	}
	for i, tg := range targets {
		ds := deliveries(t, s, tg)
		seen := map[string]bool{}
		for _, d := range ds {
			if seen[d.Article.Key] {
				t.Errorf("%s: article %s delivered twice", tg, d.Article.Key)
			}
			seen[d.Article.Key] = true
			if d.State != herald.Sent || d.MessageID != fmt.Sprintf("msg-%d", d.ID) {
				t.Errorf("%s: %s message %q, want sent", tg, describe(d), d.MessageID)
			}
		}
		if len(seen) != len(want) {
			t.Errorf("%s: %d articles delivered, want %d", tg, len(seen), len(want))
		}
		ids := slices.Clone(sent[i])
		slices.Sort(ids)
		if len(slices.Compact(ids)) != len(sent[i]) {
			t.Errorf("%s: a delivery was sent twice", tg)
		}
		if len(sent[i]) != len(want) {
			t.Errorf("%s: %d sends, want %d", tg, len(sent[i]), len(want))
		}
	}
	if ts, err := s.PendingTargets(ctx); err != nil || len(ts) != 0 {
		t.Errorf("PendingTargets after draining = %v, %v", ts, err)
	}
}

// isClosed reports whether ch is closed.
func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
