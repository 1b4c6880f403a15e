package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestLeadIsHeldByOneStoreAtATime(t *testing.T) {
	dbURL := freshSchema(t)
	open := func() *Store {
		t.Helper()
		s, err := Open(t.Context(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()

	ledA, resignA, err := a.Lead(t.Context(), time.Second)
	if err != nil {
		t.Fatalf("first Lead: %v", err)
	}
	// B waits while A leads.
	short, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, _, err := b.Lead(short, time.Second); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lead while the first leads = %v, want it to wait until its context ends", err)
	}

	// A resigns: B leads at once.
	won := make(chan error, 1)
	var ledB context.Context
	var resignB func()
	go func() {
		var err error
		ledB, resignB, err = b.Lead(t.Context(), 200*time.Millisecond)
		won <- err
	}()
	time.Sleep(100 * time.Millisecond)
	resignA()
	if ledA.Err() == nil {
		t.Error("A's lead context is not done after it resigned")
	}
	select {
	case err := <-won:
		if err != nil {
			t.Fatalf("Lead after the leader resigned: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("B did not lead within 5 s of A's resignation")
	}
	defer resignB()

	// B's session is ended by the server: B learns it lost the lead.
	key := lockKey(b.schema, "lead")
	admin(t, testDatabase(t), fmt.Sprintf(`SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objsubid = 1
		AND classid = %d AND objid = %d`, uint32(uint64(key)>>32), uint32(uint64(key))))
	select {
	case <-ledB.Done():
		if cause := context.Cause(ledB); !errors.Is(cause, ErrLeadLost) {
			t.Errorf("lost lead's cause = %v, want ErrLeadLost", cause)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("B's lead context is not done 5 s after its session was ended")
	}

	// And A can lead again.
	again, cancelAgain := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancelAgain()
	_, resign, err := a.Lead(again, time.Second)
	if err != nil {
		t.Fatalf("Lead after the leader's session ended: %v", err)
	}
	resign()
}
