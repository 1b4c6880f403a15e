package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/console"
	"github.com/heraldhq/herald/dispatch"
	"github.com/heraldhq/herald/store/sqlite"
)

// listingStore counts the dispatcher's lists of the outbox's targets.
type listingStore struct {
	herald.Store
	lists atomic.Int32
}

func (s *listingStore) PendingTargets(ctx context.Context) ([]herald.Target, error) {
	s.lists.Add(1)
	return s.Store.PendingTargets(ctx)
}

// TestDispatchersWakeEachDispatcherOnce wakes the one dispatcher of a
// process that runs alone, which sends for two platforms: it lists the
// outbox once for the wake, not once per platform.
func TestDispatchersWakeEachDispatcherOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counted := &listingStore{Store: st}
	out := console.New(io.Discard)
	d := dispatch.New(counted, map[herald.Platform]dispatch.Sender{herald.Discord: out, herald.Telegram: out},
		slog.New(slog.DiscardHandler), dispatch.Options{})
	one := new(atomic.Pointer[dispatch.Dispatcher])
	one.Store(d)
	ds := dispatchers{herald.Discord: one, herald.Telegram: one}
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Run(ctx)
	}()
	waitFor := func(n int32) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for counted.lists.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("the dispatcher listed the outbox %d times, want %d", counted.lists.Load(), n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor(1)                         // the list at start
	time.Sleep(100 * time.Millisecond) // Run waits for a wake now
	ds.Notify()
	waitFor(2)
	time.Sleep(200 * time.Millisecond) // a second wake would show now
	if n := counted.lists.Load(); n != 2 {
		t.Errorf("the outbox was listed %d times for one wake of a dispatcher sending for two platforms, want 1", n-1)
	}
	cancel()
	<-done
}
