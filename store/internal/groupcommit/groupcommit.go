// Package groupcommit lets concurrent callers share one database commit.
//
// A store whose writes are serialised (SQLite has one writer) pays one
// sync of its log per commit. When many small writes arrive at once, as
// the records of a fan-out's sends do, each waits for all the commits
// queued before it. A Committer gathers the writes that arrive while a
// commit runs and applies them together in the next one, so a write waits
// for at most the commit in progress and its own.
package groupcommit

import (
	"context"
	"errors"
	"sync"
)

// errNoOutcome is the error of a request its batch's run gave no outcome.
var errNoOutcome = errors.New("groupcommit: the batch gave this request no outcome")

// Committer runs requests of type R in batches, one batch at a time. It
// is safe for concurrent use. The zero value is not usable; see New.
type Committer[R any] struct {
	run func(ctx context.Context, batch []R) []error
	max int

	mu sync.Mutex
	// queue holds the calls waiting for the next batch.
	queue []*call[R]
	// busy is true while a caller leads: runs a batch or is about to.
	busy bool
}

// call is one request and where its outcome goes.
type call[R any] struct {
	req R
	// done receives the request's error, or lead when the call is to run
	// the next batch itself.
	done chan outcome
}

type outcome struct {
	err  error
	lead bool
}

// New returns a Committer that applies each batch with run, which must
// return one error per request, in order: a request's own error, or nil
// when it was committed. Batches hold at most max requests (no limit when
// max ≤ 0).
func New[R any](max int, run func(ctx context.Context, batch []R) []error) *Committer[R] {
	return &Committer[R]{run: run, max: max}
}

// Do applies req in the next batch and returns its error once that batch
// has been committed or has failed.
//
// The caller that finds no batch running runs one itself, with every
// request queued by then, and hands the next batch to the first caller
// queued behind it. A batch runs without ctx's cancellation, since it
// carries other callers' requests; Do returns only when the request's
// fate is known, so the caller never mistakes a committed write for a
// lost one.
func (c *Committer[R]) Do(ctx context.Context, req R) error {
	me := &call[R]{req: req, done: make(chan outcome, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, me)
	if c.busy {
		c.mu.Unlock()
		o := <-me.done
		if !o.lead {
			return o.err
		}
	} else {
		c.busy = true
		c.mu.Unlock()
	}
	c.lead(context.WithoutCancel(ctx))
	return (<-me.done).err
}

// lead runs one batch of the queue, delivers its outcomes, and passes the
// lead to the first call still queued, if any.
func (c *Committer[R]) lead(ctx context.Context) {
	c.mu.Lock()
	n := len(c.queue)
	if c.max > 0 {
		n = min(n, c.max)
	}
	batch := c.queue[:n:n]
	c.queue = c.queue[n:]
	c.mu.Unlock()

	reqs := make([]R, len(batch))
	for i, cl := range batch {
		reqs[i] = cl.req
	}
	errs := c.run(ctx, reqs)
	for i, cl := range batch {
		err := errNoOutcome
		if i < len(errs) {
			err = errs[i]
		}
		cl.done <- outcome{err: err}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		c.busy = false
		c.queue = nil
		return
	}
	c.queue[0].done <- outcome{lead: true}
}
