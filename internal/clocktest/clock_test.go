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

func TestRunningMovesWithTheMachineAndOnRequest(t *testing.T) {
	c := NewRunning()
	if d := time.Since(c.Now()); d < -time.Second || d > time.Second {
		t.Fatalf("a new running clock is %v off the machine's", d)
	}
	far := c.After(time.Hour)
	near := c.After(time.Millisecond)
	<-near // real time passes
	if n := c.Waiters(); n != 1 {
		t.Fatalf("Waiters = %d after the near wait ran out, want 1", n)
	}
	c.Advance(30 * time.Minute)
	select {
	case <-far:
		t.Fatal("an hour's wait ran out after 30 minutes")
	default:
	}
	target := c.Now().Add(30 * time.Minute)
	c.Set(target)
	select {
	case <-far:
	default:
		t.Fatal("an hour's wait did not run out when the clock was set an hour on")
	}
	if off := c.Offset(); off < time.Hour-time.Second || off > time.Hour+time.Second {
		t.Errorf("Offset = %v, want about 1h", off)
	}
	c.Set(time.Now()) // never back
	if off := c.Offset(); off < time.Hour-time.Second {
		t.Errorf("Set to the past moved the clock back: offset %v", off)
	}
}
