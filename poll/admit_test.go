package poll

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// admittedLog records the polls an admission runs, by name, and their
// tickets.
type admittedLog struct {
	mu      sync.Mutex
	order   []string
	tickets map[string]*ticket
}

func (l *admittedLog) admit(a *admission, host, name string) {
	a.admit(host, func(t *ticket) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.order = append(l.order, name)
		if l.tickets == nil {
			l.tickets = map[string]*ticket{}
		}
		l.tickets[name] = t
	})
}

func (l *admittedLog) ran() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.order)
}

func (l *admittedLog) ticket(t *testing.T, name string) *ticket {
	l.mu.Lock()
	defer l.mu.Unlock()
	tk, ok := l.tickets[name]
	if !ok {
		t.Fatalf("%s was not admitted", name)
	}
	return tk
}

func TestAdmissionBoundsHostsAndWorkers(t *testing.T) {
	a := newAdmission(2, 3)
	var l admittedLog
	for _, p := range []struct{ host, name string }{{"a", "a1"}, {"a", "a2"}, {"a", "a3"}, {"b", "b1"}, {"b", "b2"}} {
		l.admit(a, p.host, p.name)
	}
	want := []string{"a1", "a2", "b1"}
	if got := l.ran(); !slices.Equal(got, want) {
		t.Fatalf("admitted %v, want %v: two of host a, then b1 takes the third worker", got, want)
	}
	l.ticket(t, "b1").done()
	if got := l.ran(); !slices.Equal(got, append(want, "b2")) {
		t.Fatalf("after b1 was done: %v, want b2 next (host a is full)", got)
	}
	l.ticket(t, "a1").fetched()
	if got := l.ran(); len(got) != 4 {
		t.Fatalf("a3 started while every worker was held: %v", got)
	}
	l.ticket(t, "a1").done()
	if got := l.ran(); !slices.Equal(got, []string{"a1", "a2", "b1", "b2", "a3"}) {
		t.Fatalf("after a1 was done: %v, want a3 last", got)
	}
	// done and fetched may come again: nothing is freed twice.
	l.ticket(t, "a1").done()
	l.ticket(t, "a1").fetched()
	a.mu.Lock()
	polling, fetchingA := a.polling, a.lines["a"].fetching
	a.mu.Unlock()
	if polling != 3 || fetchingA != 2 {
		t.Errorf("polling %d, host a fetching %d after a ticket was given back twice, want 3 and 2", polling, fetchingA)
	}
}

func TestAdmissionHostsTakeTurns(t *testing.T) {
	a := newAdmission(1, 1)
	var l admittedLog
	for _, p := range []struct{ host, name string }{{"a", "a1"}, {"a", "a2"}, {"a", "a3"}, {"b", "b1"}, {"b", "b2"}} {
		l.admit(a, p.host, p.name)
	}
	for i := range 5 {
		got := l.ran()
		if len(got) != i+1 {
			t.Fatalf("%d polls running with one worker: %v", len(got)-i, got)
		}
		l.ticket(t, got[i]).done()
	}
	// Host b's first poll goes before host a's second: a host with many
	// feeds does not hold up the others.
	if got, want := l.ran(), []string{"a1", "b1", "a2", "b2", "a3"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
	a.mu.Lock()
	lines := len(a.lines)
	a.mu.Unlock()
	if lines != 0 {
		t.Errorf("%d hosts remembered once every poll was done, want 0", lines)
	}
}

func TestAdmissionWaitGivesUpItsPlace(t *testing.T) {
	a := newAdmission(1, 4)
	bg := context.Background()
	first, err := a.wait(bg, "a")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	if _, err := a.wait(ctx, "a"); err == nil {
		t.Fatal("a second poll of a full host was admitted")
	}
	if _, err := a.wait(bg, "b"); err != nil {
		t.Fatalf("a full host held up another: %v", err)
	}
	first.done()
	// The abandoned place is given back as soon as it comes, so the next
	// poll of the host gets the slot.
	got := make(chan error, 1)
	go func() {
		_, err := a.wait(bg, "a")
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the host's slot was not freed by the poll that gave up its place")
	}
}
