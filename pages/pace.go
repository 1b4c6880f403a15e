package pages

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// errHostBackoff is returned for a page whose host is being left alone.
var errHostBackoff = errors.New("pages: host is being left alone for a while")

// pacer keeps the requests to one host one at a time, gap apart, and
// holds them while the host is backed off.
type pacer struct {
	gap     time.Duration
	backoff time.Duration
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error

	mu    sync.Mutex
	hosts map[string]*host
}

// host is the pace of one host. turn holds a token while no request to
// the host is under way; last and until are guarded by the pacer's mu.
type host struct {
	turn  chan struct{}
	users int
	// last is when the last request ended; until is when a backoff ends.
	last  time.Time
	until time.Time
}

func newPacer(gap, backoff time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *pacer {
	return &pacer{gap: gap, backoff: backoff, now: now, sleep: sleep, hosts: map[string]*host{}}
}

// do runs request when it is the host's turn and gap has passed since the
// host's last request ended. request returns how long the host should
// then be left alone, if at all.
func (p *pacer) do(ctx context.Context, name string, request func() (time.Duration, error)) error {
	h := p.acquire(name)
	defer p.release(h)
	select {
	case <-h.turn:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { h.turn <- struct{}{} }()

	p.mu.Lock()
	now, last, until := p.now(), h.last, h.until
	p.mu.Unlock()
	if now.Before(until) {
		return fmt.Errorf("%w (until %s)", errHostBackoff, until.Format(time.RFC3339))
	}
	if wait := last.Add(p.gap).Sub(now); !last.IsZero() && wait > 0 {
		if err := p.sleep(ctx, wait); err != nil {
			return err
		}
	}
	backoff, err := request()
	p.mu.Lock()
	h.last = p.now()
	if backoff > 0 {
		h.until = h.last.Add(backoff)
	}
	p.mu.Unlock()
	return err
}

// sweepAt is the number of hosts above which the idle ones are forgotten.
const sweepAt = 256

// acquire returns the host's pace, counting the caller as one of its users.
func (p *pacer) acquire(name string) *host {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.hosts[name]
	if h == nil {
		if len(p.hosts) >= sweepAt {
			p.sweep()
		}
		h = &host{turn: make(chan struct{}, 1)}
		h.turn <- struct{}{}
		p.hosts[name] = h
	}
	h.users++
	return h
}

// release counts the caller out of the host's users.
func (p *pacer) release(h *host) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h.users--
}

// sweep forgets the hosts that nobody uses and that no longer hold
// anything back, so that the map stays about as small as the set of hosts
// being fetched. p.mu is held.
func (p *pacer) sweep() {
	now := p.now()
	for name, h := range p.hosts {
		if h.users == 0 && !now.Before(h.until) && !now.Before(h.last.Add(p.gap)) {
			delete(p.hosts, name)
		}
	}
}
