package postgres

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// openReplicas opens n stores on one fresh schema, as replicas of a
// daemon sharing a database; they are closed when the test ends.
func openReplicas(t *testing.T, n int) []*Store {
	t.Helper()
	dbURL := freshSchema(t)
	stores := make([]*Store, n)
	for i := range stores {
		s, err := Open(t.Context(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	return stores
}

// TestReplicasIngest: replicas ingesting feeds that share articles at once
// record each article once and deliver it once to each target.
func TestReplicasIngest(t *testing.T) {
	stores := openReplicas(t, 3)
	targets := []herald.Target{
		{Platform: herald.Discord, Chat: "1234567890"},
		{Platform: herald.Telegram, Chat: "@herald_news"},
	}
	route := func(herald.Article) []herald.Target { return targets }
	const (
		feeds  = 6
		rounds = 5
		pool   = 40
	)
	base := time.Date(2024, time.April, 8, 9, 0, 0, 0, time.UTC)
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		newTotal   int
		deliveries int
	)
	for f := range feeds {
		s := stores[f%len(stores)]
		feed := fmt.Sprintf("https://feeds.example.net/%d.xml", f)
		wg.Go(func() {
			for r := range rounds {
				var batch []herald.Article
				// Feeds list shared articles in different orders.
				for i := range 12 {
					n := (f*11 + r*7 + i*(1+f%3)) % pool
					key := fmt.Sprintf("k%03d", n)
					batch = append(batch, herald.Article{Key: key, URL: "https://news.example.com/" + key,
						Headline: "Story " + key, Topics: []string{"World", fmt.Sprintf("Topic %d", n%4)},
						Published: base.Add(time.Duration(n) * time.Minute)})
				}
				res, err := s.Ingest(t.Context(), feed, batch, route, pool)
				if err != nil {
					t.Errorf("Ingest(%s): %v", feed, err)
					return
				}
				mu.Lock()
				newTotal += res.New
				deliveries += res.Deliveries
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	recorded, err := stores[0].Latest(t.Context(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if newTotal != len(recorded) {
		t.Errorf("Ingests counted %d new articles, %d recorded", newTotal, len(recorded))
	}
	if deliveries != len(recorded)*len(targets) {
		t.Errorf("Ingests counted %d deliveries, want %d", deliveries, len(recorded)*len(targets))
	}
	for _, tg := range targets {
		ds, err := stores[1].Deliveries(t.Context(), tg, 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, d := range ds {
			if seen[d.Article.Key] {
				t.Errorf("%s: %s delivered twice", tg, d.Article.Key)
			}
			seen[d.Article.Key] = true
		}
		if len(seen) != len(recorded) {
			t.Errorf("%s: %d articles delivered, %d recorded", tg, len(seen), len(recorded))
		}
	}
	topics, err := stores[2].Topics(t.Context(), "world", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(topics) != 1 || topics[0].Articles != len(recorded) {
		t.Errorf("Topics(world) = %+v, want World with %d articles", topics, len(recorded))
	}
}

// TestReplicasFollowLimit: follows added at once through several replicas
// never pass the limit.
func TestReplicasFollowLimit(t *testing.T) {
	stores := openReplicas(t, 3)
	target := herald.Target{Platform: herald.Telegram, Chat: "@herald_news"}
	const (
		limit = 3
		tries = 24
	)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		added int
	)
	for i := range tries {
		s := stores[i%len(stores)]
		wg.Go(func() {
			ok, err := s.AddFollow(t.Context(), herald.Follow{Target: target, Topic: fmt.Sprintf("topic %d", i)}, limit)
			if err != nil && !errors.Is(err, herald.ErrTooManyFollows) {
				t.Errorf("AddFollow: %v", err)
			}
			if ok {
				mu.Lock()
				added++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	fs, err := stores[0].Follows(t.Context(), target)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != limit || added != limit {
		t.Errorf("%d follows recorded, %d reported added; want %d", len(fs), added, limit)
	}
}
