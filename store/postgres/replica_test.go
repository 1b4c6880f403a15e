package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

func join(t *testing.T, s *Store, check time.Duration) *Replica {
	t.Helper()
	r, err := s.Join(t.Context(), check)
	if err != nil {
		t.Fatalf("Join: %v", err)
	}
	return r
}

// waitMembers waits until r counts n replicas.
func waitMembers(t *testing.T, r *Replica, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(r.Members()) != n {
		if time.Now().After(deadline) {
			t.Fatalf("replica %d counts %v, want %d replicas", r.ID(), r.Members(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// owners returns, for each key, the replicas that say they own it.
func owners(rs []*Replica, keys []string) map[string][]int32 {
	got := make(map[string][]int32)
	for _, k := range keys {
		for _, r := range rs {
			if r.Owns(k) {
				got[k] = append(got[k], r.ID())
			}
		}
	}
	return got
}

func TestReplicasShareKeysAndTakeOverTheirsWhenOneLeaves(t *testing.T) {
	stores := openReplicas(t, 3)
	var rs []*Replica
	for _, s := range stores {
		rs = append(rs, join(t, s, 100*time.Millisecond))
	}
	defer rs[0].Leave()
	defer rs[1].Leave()
	for _, r := range rs {
		waitMembers(t, r, 3)
	}
	keys := make([]string, 300)
	for i := range keys {
		keys[i] = fmt.Sprintf("https://feeds%d.example.com/rss", i)
	}
	before := owners(rs, keys)
	share := map[int32]int{}
	for k, o := range before {
		if len(o) != 1 {
			t.Fatalf("%s is owned by %v, want exactly one replica", k, o)
		}
		share[o[0]]++
	}
	for _, r := range rs {
		if n := share[r.ID()]; n < 50 {
			t.Errorf("replica %d owns %d of %d keys, want about a third", r.ID(), n, len(keys))
		}
	}

	gone := rs[2].ID()
	rs[2].Leave()
	if rs[2].Context().Err() == nil {
		t.Error("the context of a replica that left is not done")
	}
	waitMembers(t, rs[0], 2)
	waitMembers(t, rs[1], 2)
	after := owners(rs[:2], keys)
	for _, k := range keys {
		o := after[k]
		if len(o) != 1 {
			t.Fatalf("after a replica left, %s is owned by %v, want exactly one", k, o)
		}
		if before[k][0] != gone && o[0] != before[k][0] {
			t.Errorf("%s moved from replica %d to %d, though its owner is alive", k, before[k][0], o[0])
		}
	}
}

func TestRoleIsHeldByOneReplicaAtATime(t *testing.T) {
	stores := openReplicas(t, 2)
	a, b := join(t, stores[0], 100*time.Millisecond), join(t, stores[1], 100*time.Millisecond)
	defer a.Leave()
	defer b.Leave()

	heldA, releaseA, err := a.Hold(t.Context(), "telegram")
	if err != nil {
		t.Fatal(err)
	}
	// Another role is free.
	_, releaseOther, err := b.Hold(t.Context(), "discord")
	if err != nil {
		t.Fatal(err)
	}
	releaseOther()
	// B waits while A holds the role.
	short, cancel := context.WithTimeout(t.Context(), 600*time.Millisecond)
	defer cancel()
	if _, _, err := b.Hold(short, "telegram"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hold of a held role = %v, want it to wait until its context ends", err)
	}
	won := make(chan error, 1)
	var heldB context.Context
	go func() {
		var err error
		heldB, _, err = b.Hold(t.Context(), "telegram")
		won <- err
	}()
	time.Sleep(100 * time.Millisecond)
	releaseA()
	if heldA.Err() == nil {
		t.Error("A's role context is not done after it released the role")
	}
	select {
	case err := <-won:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("B did not take the role within 5 s of its release")
	}

	// The server ends B's session: B's role and place are lost, and A takes
	// the role.
	admin(t, testDatabase(t), fmt.Sprintf(`SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = %d AND objid = %d`, b.class, b.ID()))
	select {
	case <-heldB.Done():
		if cause := context.Cause(heldB); !errors.Is(cause, ErrReplicaLost) {
			t.Errorf("lost role's cause = %v, want ErrReplicaLost", cause)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("B's role context is not done 5 s after its session was ended")
	}
	again, cancelAgain := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancelAgain()
	if _, release, err := a.Hold(again, "telegram"); err != nil {
		t.Fatalf("Hold after the holder's session ended: %v", err)
	} else {
		release()
	}
	waitMembers(t, a, 1)
}

func TestListenWakesOnNewDeliveriesOfItsSchemaOnly(t *testing.T) {
	stores := openReplicas(t, 2)
	other := openReplicas(t, 1)[0]
	woken := make(chan struct{}, 100)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- stores[0].Listen(ctx, slog.New(slog.DiscardHandler), func() { woken <- struct{}{} }) }()

	target := herald.Target{Platform: herald.Telegram, Chat: "7"}
	route := func(herald.Article) []herald.Target { return []herald.Target{target} }
	article := func(i int) []herald.Article {
		return []herald.Article{{Key: fmt.Sprint("https://news.example.com/", i), URL: fmt.Sprint("https://news.example.com/", i),
			Headline: "Headline", Published: time.Date(2026, 1, 1, 0, i, 0, 0, time.UTC)}}
	}
	const feed = "https://news.example.com/rss"
	// Wait for the listener: ingest until it wakes.
	for _, s := range []*Store{stores[1]} {
		if _, err := s.Ingest(t.Context(), feed, nil, route, 0); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.After(5 * time.Second)
	for i := 0; ; i++ {
		if _, err := stores[1].Ingest(t.Context(), feed, article(i), route, 0); err != nil {
			t.Fatal(err)
		}
		select {
		case <-woken:
		case <-time.After(200 * time.Millisecond):
			continue
		case <-deadline:
			t.Fatal("Listen was not woken within 5 s by another store's new deliveries")
		}
		break
	}
	// Drain wakes of the earlier tries, then: another schema's
	// deliveries do not wake it.
	time.Sleep(300 * time.Millisecond)
	for len(woken) > 0 {
		<-woken
	}
	if _, err := other.Ingest(t.Context(), feed, nil, route, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Ingest(t.Context(), feed, article(1000), route, 0); err != nil {
		t.Fatal(err)
	}
	select {
	case <-woken:
		t.Error("Listen was woken by another schema's deliveries")
	case <-time.After(500 * time.Millisecond):
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Listen = %v, want context.Canceled", err)
	}
}

func TestRolesSpreadOverReplicas(t *testing.T) {
	stores := openReplicas(t, 2)
	a, b := join(t, stores[0], 50*time.Millisecond), join(t, stores[1], 50*time.Millisecond)
	defer a.Leave()
	defer b.Leave()
	waitMembers(t, a, 2)
	waitMembers(t, b, 2)
	if _, _, err := a.Hold(t.Context(), "telegram"); err != nil {
		t.Fatal(err)
	}
	// A holds a role already: B, which holds none, takes the next one,
	// though A asked first.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	gotA := make(chan error, 1)
	go func() {
		_, _, err := a.Hold(ctx, "discord")
		gotA <- err
	}()
	time.Sleep(100 * time.Millisecond)
	if _, _, err := b.Hold(ctx, "discord"); err != nil {
		t.Fatalf("B's Hold: %v", err)
	}
	cancel()
	if err := <-gotA; !errors.Is(err, context.Canceled) {
		t.Errorf("A's Hold = %v, want it to have waited, leaving the role to B", err)
	}
}
