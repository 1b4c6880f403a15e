package poll

import (
	"context"
	"sync"

	"github.com/heraldhq/herald/internal/fifo"
)

// admission admits a Watcher's polls: at most perHost of them fetch from
// one host at once, and at most workers poll at once over all hosts (a
// poll keeps its worker after its fetch, while it parses and records). A
// poll that must wait is a place in its host's line, not a goroutine: ten
// thousand feeds due at once, as at start, cost a place each instead of a
// stack each. A host's polls go in the order they asked; the hosts with a
// poll waiting and a slot free take turns for the workers, so a host with
// thousands of feeds does not hold up the others. It is safe for
// concurrent use.
type admission struct {
	perHost, workers int

	mu sync.Mutex
	// polling counts the polls that hold a worker.
	polling int
	// lines holds the hosts with a poll fetching or waiting.
	lines map[string]*line
	// ready lists, once each, the hosts with a poll waiting and a slot
	// free: they wait for a worker.
	ready fifo.Queue[*line]
}

// line is one host's polls: how many fetch, and those that wait.
type line struct {
	host     string
	fetching int
	waiting  fifo.Queue[func(*ticket)]
	// listed is set while the line is in admission.ready.
	listed bool
}

// ticket is an admitted poll's hold on a slot of its host and on a
// worker.
type ticket struct {
	a                   *admission
	l                   *line
	fetchOnce, doneOnce sync.Once
}

// newAdmission returns an admission of perHost fetches per host and
// workers polls in all.
func newAdmission(perHost, workers int) *admission {
	return &admission{perHost: max(perHost, 1), workers: max(workers, 1), lines: make(map[string]*line)}
}

// admit calls run with the poll's ticket once a slot of host and a
// worker are free: at once when they are, or else when they free, from
// the goroutine that frees them. run must not block; a poll starts a
// goroutine of its own.
func (a *admission) admit(host string, run func(*ticket)) {
	a.mu.Lock()
	l, ok := a.lines[host]
	if !ok {
		l = &line{host: host}
		a.lines[host] = l
	}
	l.waiting.Push(run)
	a.list(l)
	admitted := a.next()
	a.mu.Unlock()
	admitted.run()
}

// wait waits until a slot of host and a worker are free and returns the
// poll's ticket, or returns ctx's error if ctx ends first: the place is
// then given back as soon as it comes.
func (a *admission) wait(ctx context.Context, host string) (*ticket, error) {
	var (
		mu        sync.Mutex
		abandoned bool
	)
	got := make(chan *ticket, 1)
	a.admit(host, func(t *ticket) {
		mu.Lock()
		defer mu.Unlock()
		if abandoned {
			go t.done()
			return
		}
		got <- t
	})
	select {
	case t := <-got:
		return t, nil
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	abandoned = true
	select {
	case t := <-got:
		// Admitted meanwhile: a free slot is taken even when ctx is
		// done, and the fetch will see it.
		return t, nil
	default:
		return nil, ctx.Err()
	}
}

// fetched frees the poll's slot of its host: its fetch is over. It may be
// called more than once.
func (t *ticket) fetched() {
	t.fetchOnce.Do(func() {
		a := t.a
		a.mu.Lock()
		t.l.fetching--
		if t.l.fetching == 0 && t.l.waiting.Len() == 0 {
			delete(a.lines, t.l.host)
		}
		a.list(t.l)
		admitted := a.next()
		a.mu.Unlock()
		admitted.run()
	})
}

// done frees the poll's worker, and its slot if fetched was not called:
// the poll is over. It may be called more than once.
func (t *ticket) done() {
	t.fetched()
	t.doneOnce.Do(func() {
		a := t.a
		a.mu.Lock()
		a.polling--
		admitted := a.next()
		a.mu.Unlock()
		admitted.run()
	})
}

// list puts l at the back of the ready hosts if a poll of it waits and it
// has a slot free. a.mu is held.
func (a *admission) list(l *line) {
	if !l.listed && l.waiting.Len() > 0 && l.fetching < a.perHost {
		l.listed = true
		a.ready.Push(l)
	}
}

// next admits the polls that may start now, in turn by host, and returns
// them to be run once a.mu is released. a.mu is held.
func (a *admission) next() admitted {
	var out admitted
	for a.polling < a.workers && a.ready.Len() > 0 {
		l := a.ready.Pop()
		l.listed = false
		if l.waiting.Len() == 0 || l.fetching >= a.perHost {
			continue
		}
		l.fetching++
		a.polling++
		out = append(out, admittedPoll{run: l.waiting.Pop(), ticket: &ticket{a: a, l: l}})
		a.list(l)
	}
	return out
}

// admitted are the polls next admitted, to run outside the lock.
type admitted []admittedPoll

type admittedPoll struct {
	run    func(*ticket)
	ticket *ticket
}

func (as admitted) run() {
	for _, p := range as {
		p.run(p.ticket)
	}
}
