package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/heraldhq/herald"
)

// fanOut records one article for n Telegram chats and returns the
// deliveries, as a fan-out's lanes would read them.
func fanOut(t testing.TB, s *Store, n int) []herald.Delivery {
	t.Helper()
	ctx := context.Background()
	targets := make([]herald.Target, n)
	for i := range targets {
		targets[i] = herald.Target{Platform: herald.Telegram, Chat: fmt.Sprint(1000 + i)}
	}
	const feed = "https://news.example.com/rss"
	if _, err := s.Ingest(ctx, feed, nil, to(targets...), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, feed, benchBatch(0)[:1], to(targets...), 0); err != nil {
		t.Fatal(err)
	}
	ds := make([]herald.Delivery, n)
	for i, target := range targets {
		d, err := s.NextDelivery(ctx, target)
		if err != nil {
			t.Fatalf("NextDelivery(%v): %v", target, err)
		}
		ds[i] = d
	}
	return ds
}

// TestConcurrentMarksKeepTheirOwnOutcome marks a fan-out's deliveries all
// at once, so that marks share commits, with some that must fail among
// them: each fails alone, with its own reason, and the rest are recorded.
func TestConcurrentMarksKeepTheirOwnOutcome(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	ds := fanOut(t, s, 200)
	// Deliveries 0–9 are already sent: marking them again must fail.
	for _, d := range ds[:10] {
		if err := s.MarkSent(ctx, d.ID, "first"); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, len(ds)+1)
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Go(func() {
			switch {
			case i%3 == 0:
				errs[i] = s.MarkFailed(ctx, d.ID, "chat gone")
			default:
				errs[i] = s.MarkSent(ctx, d.ID, fmt.Sprint("m", i))
			}
		})
	}
	wg.Go(func() { errs[len(ds)] = s.MarkSent(ctx, 1<<40, "nobody") })
	wg.Wait()

	for i, err := range errs[:len(ds)] {
		if i < 10 {
			if !errors.Is(err, herald.ErrNotFound) {
				t.Errorf("mark %d of a sent delivery = %v, want ErrNotFound", i, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("mark %d = %v", i, err)
		}
	}
	if err := errs[len(ds)]; !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("mark of an unknown delivery = %v, want ErrNotFound", err)
	}
	for i, d := range ds {
		_, trace, err := s.Trace(ctx, d.Article.Key)
		if err != nil {
			t.Fatal(err)
		}
		var state string
		for _, td := range trace {
			if td.ID == d.ID {
				state = string(td.State)
			}
		}
		want := "sent"
		if i >= 10 && i%3 == 0 {
			want = "failed"
		}
		if state != want {
			t.Errorf("delivery %d is %q, want %q", i, state, want)
		}
	}
}

// BenchmarkMarkSentParallel marks a fan-out's deliveries from 64
// goroutines at once, as the dispatcher's lanes do: the marks share
// commits.
func BenchmarkMarkSentParallel(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ds := fanOut(b, s, b.N)
	b.ResetTimer()
	var (
		mu   sync.Mutex
		next int
	)
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			d := ds[next]
			next++
			mu.Unlock()
			if err := s.MarkSent(context.Background(), d.ID, "m"); err != nil {
				b.Error(err)
			}
		}
	})
}
