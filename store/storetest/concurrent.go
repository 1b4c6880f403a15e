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

// testConcurrentCorrections runs corrections of posted articles while a
// worker carries out the edits and readers look at revisions: each
// article ends with one revision per correction, its posts edited to the
// last, and every edit done or superseded.
func testConcurrentCorrections(t *testing.T, s herald.Store) {
	const (
		articles = 20
		rounds   = 5
	)
	ctx := t.Context()
	var base []herald.Article
	for i := range articles {
		base = append(base, article(fmt.Sprintf("k%02d", i), i))
	}
	ingest(t, s, feedA, base, []herald.Target{discord}, articles)
	for _, a := range base {
		send(t, s, discord, a.Key)
	}

	var (
		corrections, edits atomic.Int64
		wg                 sync.WaitGroup
		done               = make(chan struct{})
	)
	wg.Go(func() {
		defer close(done)
		for r := 1; r <= rounds; r++ {
			batch := make([]herald.Article, len(base))
			for i, a := range base {
				batch[i] = corrected(a, r)
			}
			res, err := s.Ingest(ctx, feedA, batch, all(discord), 0)
			if err != nil {
				t.Errorf("Ingest round %d: %v", r, err)
				return
			}
			corrections.Add(int64(res.Corrected))
			edits.Add(int64(res.Edits))
		}
	})
	// The edit worker: an edit superseded between NextEdit and MarkEdited
	// is not pending any more, which MarkEdited says.
	wg.Go(func() {
		for {
			finished := isClosed(done)
			e, err := s.NextEdit(ctx, discord)
			if errors.Is(err, herald.ErrNotFound) {
				if finished {
					return
				}
				time.Sleep(time.Millisecond)
				continue
			}
			if err != nil {
				t.Errorf("NextEdit: %v", err)
				return
			}
			if e.State != herald.Pending || e.Kind != herald.EditPost || e.Delivery.MessageID != "msg-"+e.Delivery.Article.Key {
				t.Errorf("NextEdit = %s", describeEdit(e))
				return
			}
			if err := s.MarkEdited(ctx, e.ID); err != nil && !errors.Is(err, herald.ErrNotFound) {
				t.Errorf("MarkEdited(%d): %v", e.ID, err)
				return
			}
		}
	})
	wg.Go(func() {
		for n := 0; !isClosed(done); n++ {
			if _, err := s.Revisions(ctx, base[n%articles].Key); err != nil {
				t.Errorf("Revisions: %v", err)
				return
			}
			if _, err := s.PendingTargets(ctx); err != nil {
				t.Errorf("PendingTargets: %v", err)
				return
			}
			if _, err := s.Search(ctx, "corrected", 5); err != nil {
				t.Errorf("Search: %v", err)
				return
			}
		}
	})
	wg.Wait()
	if t.Failed() {
		return
	}

	if got, want := corrections.Load(), int64(articles*rounds); got != want {
		t.Errorf("Ingest counted %d corrections, want %d", got, want)
	}
	if got, want := edits.Load(), int64(articles*rounds); got != want {
		t.Errorf("Ingest counted %d edits, want %d", got, want)
	}
	wantNoEdit(t, s, discord)
	for _, a := range base {
		revs := revisions(t, s, a.Key)
		if len(revs) != rounds {
			t.Errorf("%s: %d revisions, want %d", a.Key, len(revs), rounds)
			continue
		}
		for i, r := range revs {
			if len(r.Edits) != 1 {
				t.Errorf("%s revision %d: %d edits, want 1", a.Key, i, len(r.Edits))
				continue
			}
			e := r.Edits[0]
			superseded := e.State == herald.Failed && e.LastError == "superseded by a later correction"
			if e.State != herald.Sent && (!superseded || i == rounds-1) {
				t.Errorf("%s revision %d: edit %s", a.Key, i, describeEdit(e))
			}
		}
		if got, _ := trace(t, s, a.Key); !sameText(got, corrected(a, rounds)) {
			t.Errorf("%s reads %q, want the last correction", a.Key, got.Headline)
		}
	}
	if got := articleKeys(search(t, s, "corrected 5", articles)); len(got) != articles {
		t.Errorf("Search(corrected 5) = %d articles, want %d", len(got), articles)
	}
}
