// Package pace keeps a client under a platform's rate limit whatever the
// network's latency.
package pace

import (
	"context"
	"sync"
	"time"
)

// Window lets at most N requests arrive at a server in any span of Per,
// counted as the server counts them: by arrival. A request arrives after
// it starts and before its answer comes back, so one answered more than
// Per ago arrived more than Per ago too, and no longer counts; one in
// flight, or answered within Per, may still count. A request may start
// only while fewer than N requests may count: then no span of Per holds
// N+1 arrivals, however late or early each arrives. (Of the arrivals in
// any span of Per, take the one that started last: each of the others
// arrived within the span, so it was answered within Per before that start
// or was still in flight, and counted when it started.) Each request's
// place frees as soon as it ages out, whatever the order the answers
// came in, so one slow answer does not hold up the requests after it.
// Starts are also spread at least Per/2N apart, so that a burst runs
// evenly, at the limit less the round trip, with few requests in flight
// at any time: a crash then leaves few requests whose outcome is unknown.
// A Window made by NewBurst does not spread its starts. It is safe for
// concurrent use.
type Window struct {
	n      int
	per    time.Duration
	spread bool

	mu sync.Mutex
	// slots holds the requests that may still count: the time each was
	// answered, or the zero time while it is in flight.
	slots []*time.Time
	// last is when the latest request started.
	last time.Time
	// changed is closed when a request is answered.
	changed chan struct{}
	// turn admits one waiter at a time, so that a fan-out of thousands of
	// callers wakes one of them per answer, not all.
	turn chan struct{}
}

// NewWindow returns a Window of n requests per per whose starts are
// spread at least per/2n apart.
func NewWindow(n int, per time.Duration) *Window {
	w := NewBurst(n, per)
	w.spread = true
	return w
}

// NewBurst returns a Window of n requests per per that lets n requests
// start at once: the window's pace, not a spread, sets the rate, and a
// short fan-out ends sooner. It suits requests that are safe to repeat
// after a crash, such as Discord messages sent with an enforced nonce,
// since many may be in flight when it comes.
func NewBurst(n int, per time.Duration) *Window {
	return &Window{n: max(n, 1), per: per, changed: make(chan struct{}), turn: make(chan struct{}, 1)}
}

// Spent records that the whole window was used at t, as a process that
// stopped just before this one may have used it: no request starts before
// t plus Per.
func (w *Window) Spent(t time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.slots = w.slots[:0]
	for range w.n {
		at := t
		w.slots = append(w.slots, &at)
	}
}

// Wait waits until a request may start, and takes its place: the caller
// must call the returned done once the answer is in (or the request
// failed to go out). It returns ctx's error if ctx ends first.
func (w *Window) Wait(ctx context.Context) (done func(), err error) {
	select {
	case w.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-w.turn }()
	for {
		w.mu.Lock()
		now := time.Now()
		wait, ok := w.free(now)
		if ok {
			w.last = now
			slot := new(time.Time)
			w.slots = append(w.slots, slot)
			w.mu.Unlock()
			return func() { w.answered(slot) }, nil
		}
		changed := w.changed
		w.mu.Unlock()
		if err := sleep(ctx, wait, changed); err != nil {
			return nil, err
		}
	}
}

// free reports whether a request may start at now, and otherwise how long
// to wait (0: until a request in flight is answered). It forgets the
// requests that no longer count. w.mu is held.
func (w *Window) free(now time.Time) (time.Duration, bool) {
	if gap := w.last.Add(w.gap()).Sub(now); gap > 0 {
		return gap, false
	}
	live := w.slots[:0]
	var soonest time.Time // the earliest answer that still counts
	for _, answered := range w.slots {
		if answered.IsZero() {
			live = append(live, answered)
			continue
		}
		if now.Sub(*answered) >= w.per {
			continue
		}
		live = append(live, answered)
		if soonest.IsZero() || answered.Before(soonest) {
			soonest = *answered
		}
	}
	clear(w.slots[len(live):])
	w.slots = live
	switch {
	case len(w.slots) < w.n:
		return 0, true
	case soonest.IsZero():
		return 0, false
	}
	return soonest.Add(w.per).Sub(now), false
}

// gap is the least time between two starts: half the even spacing of N
// per Per, so that the window, not the gap, sets the pace of a burst, and
// still few requests are in flight at once; none for a burst Window.
func (w *Window) gap() time.Duration {
	if !w.spread {
		return 0
	}
	return w.per / time.Duration(2*w.n)
}

// answered records that the request of slot was answered now.
func (w *Window) answered(slot *time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !slot.IsZero() {
		return
	}
	*slot = time.Now()
	close(w.changed)
	w.changed = make(chan struct{})
}

// sleep waits until changed is closed, or for wait when it is above 0, or
// until ctx ends.
func sleep(ctx context.Context, wait time.Duration, changed <-chan struct{}) error {
	var timer <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-timer:
	}
	return nil
}
