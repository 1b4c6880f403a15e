package poll_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/feedtest"
)

// countingStore counts the reads of the follows.
type countingStore struct {
	herald.Store
	follows atomic.Int32
}

func (s *countingStore) ActiveFollows(ctx context.Context) ([]herald.Follow, error) {
	s.follows.Add(1)
	return s.Store.ActiveFollows(ctx)
}

func TestRoutingIsBuiltOncePerChangeOfFollows(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	a := feedtest.New("A", item("a0", base))
	defer a.Close()
	b := feedtest.New("B", item("b0", base))
	defer b.Close()
	w, st, _ := watcher(t, 0, a.URL(), b.URL())
	counted := &countingStore{Store: st}
	w.Store = counted
	ctx := context.Background()
	reader := herald.Target{Platform: herald.Telegram, Chat: "42"}

	poll := func(feed *feedtest.Server, it feedtest.Item) {
		t.Helper()
		it.Categories = []string{"Rail"}
		feed.Add(it)
		if _, err := w.Poll(ctx, feed.URL()); err != nil {
			t.Fatal(err)
		}
	}
	// First sights, then a new article on each feed: one read of the
	// follows for all four fetches.
	for _, f := range []*feedtest.Server{a, b} {
		if _, err := w.Poll(ctx, f.URL()); err != nil {
			t.Fatal(err)
		}
	}
	poll(a, item("a1", base.Add(time.Minute)))
	poll(b, item("b1", base.Add(time.Minute)))
	if n := counted.follows.Load(); n != 1 {
		t.Errorf("follows read %d times over four fetches with no change of them, want 1", n)
	}

	// A follow made between two fetches routes the next one's article.
	if _, err := st.AddFollow(ctx, herald.Follow{Target: reader, Topic: "rail", By: "42", Created: base}, 0); err != nil {
		t.Fatal(err)
	}
	poll(a, item("a2", base.Add(2*time.Minute)))
	poll(b, item("b2", base.Add(2*time.Minute)))
	if n := counted.follows.Load(); n != 2 {
		t.Errorf("follows read %d times after one change, want 2", n)
	}
	ds, err := st.Deliveries(ctx, reader, 0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, d := range ds {
		keys = append(keys, d.Article.Key)
	}
	slices.Sort(keys)
	if want := []string{"guid:story-a2", "guid:story-b2"}; !slices.Equal(keys, want) {
		t.Errorf("the new follower got %q, want %q", keys, want)
	}

	// A pause is a change too: the paused reader gets nothing more.
	if err := st.Pause(ctx, reader, "blocked"); err != nil {
		t.Fatal(err)
	}
	poll(a, item("a3", base.Add(3*time.Minute)))
	if ds, _ := st.Deliveries(ctx, reader, 0); len(ds) != 2 {
		t.Errorf("the paused reader has %d deliveries, want the 2 from before", len(ds))
	}
}
