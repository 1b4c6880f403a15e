package clocktest

import (
	"sync"
	"time"
)

// Running is a clock that runs with the machine's and that tests can move
// forward: its time is the machine's plus an offset that Advance and Set
// grow. Its waits run out as real time passes or as the clock is moved,
// whichever comes first. It suits tests of a whole daemon, whose store
// stamps times with the machine's clock. It is safe for concurrent use.
type Running struct {
	mu      sync.Mutex
	offset  time.Duration
	waiters map[*runningWaiter]bool
}

type runningWaiter struct {
	at    time.Time
	ch    chan time.Time
	timer *time.Timer
}

// NewRunning returns a clock at the machine's time.
func NewRunning() *Running { return &Running{waiters: make(map[*runningWaiter]bool)} }

// Now returns the machine's time moved by the clock's offset.
func (c *Running) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// After returns a channel that receives once d has passed on the clock.
func (c *Running) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	w := &runningWaiter{at: time.Now().Add(c.offset + d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		w.ch <- w.at
		return w.ch
	}
	c.waiters[w] = true
	w.timer = time.AfterFunc(d, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.fire(w)
	})
	return w.ch
}

// fire sends to a waiter that has not fired yet. c.mu is held.
func (c *Running) fire(w *runningWaiter) {
	if !c.waiters[w] {
		return
	}
	delete(c.waiters, w)
	w.timer.Stop()
	w.ch <- w.at
}

// Advance moves the clock d forward and fires the waits that ran out.
func (c *Running) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d <= 0 {
		return
	}
	c.offset += d
	now := time.Now().Add(c.offset)
	for w := range c.waiters {
		if !w.at.After(now) {
			c.fire(w)
			continue
		}
		// What is left of the wait now runs in real time.
		w.timer.Reset(w.at.Sub(now))
	}
}

// Set moves the clock forward to t; a t in the clock's past changes
// nothing.
func (c *Running) Set(t time.Time) { c.Advance(time.Until(t) - c.Offset()) }

// Offset returns how far the clock is ahead of the machine's.
func (c *Running) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// Waiters returns how many waits have not run out yet.
func (c *Running) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}
