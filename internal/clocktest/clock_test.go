package clocktest

import (
	"testing"
	"time"
)

func TestAfterFiresWhenTheClockPassesIt(t *testing.T) {
	start := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	c := New(start)
	now := c.After(0)
	if got := <-now; !got.Equal(start) {
		t.Errorf("After(0) received %v, want %v", got, start)
	}
	ch := c.After(time.Minute)
	if n := c.Waiters(); n != 1 {
		t.Fatalf("Waiters = %d, want 1", n)
	}
	if next, ok := c.Next(); !ok || !next.Equal(start.Add(time.Minute)) {
		t.Errorf("Next = %v, %v; want %v", next, ok, start.Add(time.Minute))
	}
	c.Advance(59 * time.Second)
	select {
	case <-ch:
		t.Fatal("After(1m) fired 59s in")
	default:
	}
	c.Advance(time.Second)
	select {
	case got := <-ch:
		if !got.Equal(start.Add(time.Minute)) {
			t.Errorf("After(1m) received %v", got)
		}
	default:
		t.Fatal("After(1m) did not fire at 1m")
	}
	c.Set(start) // never back
	if !c.Now().Equal(start.Add(time.Minute)) {
		t.Errorf("Set to the past moved the clock back to %v", c.Now())
	}
}
