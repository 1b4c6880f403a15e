package sqlite

import (
	"errors"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

func TestFrequentQueriesArePreparedOnce(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	target := herald.Target{Platform: herald.Telegram, Chat: "42"}
	for range 3 {
		if _, err := s.NextDelivery(ctx, target); !errors.Is(err, herald.ErrNotFound) {
			t.Fatalf("NextDelivery = %v, want ErrNotFound", err)
		}
		if _, err := s.NextEdit(ctx, target); !errors.Is(err, herald.ErrNotFound) {
			t.Fatalf("NextEdit = %v, want ErrNotFound", err)
		}
	}
	s.hot.mu.Lock()
	n := len(s.hot.stmts)
	s.hot.mu.Unlock()
	if n != 2 {
		t.Errorf("%d statements prepared for two queries asked three times each, want 2", n)
	}

	// Closed, the store answers with an error, not a panic, and not
	// "not found".
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NextDelivery(ctx, target); err == nil || errors.Is(err, herald.ErrNotFound) {
		t.Errorf("NextDelivery on a closed store = %v, want an error", err)
	}
	if _, err := s.DueDeliveries(ctx, target, time.Now(), 10); err == nil {
		t.Error("DueDeliveries on a closed store succeeded")
	}
}
