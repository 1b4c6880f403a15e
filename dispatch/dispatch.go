// Package dispatch drives the outbox: one lane per target sends that
// target's deliveries in publish order, paced by the platform senders,
// retried with backoff on transient errors and recorded as failed on
// permanent ones, so that one bad target never holds up the others.
package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// Sender posts one delivery to its platform. It paces itself below the
// platform's limits. It returns the platform's message reference, a
// *herald.RateLimitError when the platform asks to wait, a
// *herald.PermanentError when retrying cannot help, or another error for a
// transient failure.
type Sender interface {
	Send(ctx context.Context, d herald.Delivery) (messageID string, err error)
}

// Options tune a Dispatcher. Zero values take the defaults.
type Options struct {
	// MinBackoff and MaxBackoff bound the wait after a transient failure;
	// the wait doubles with each attempt, with jitter.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// MaxAge is how long a delivery keeps being retried before it is
	// recorded as failed.
	MaxAge time.Duration
	// Grace is how long in-flight sends may finish after shutdown begins.
	Grace time.Duration
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

// Defaults for Options.
const (
	DefaultMinBackoff = 2 * time.Second
	DefaultMaxBackoff = 10 * time.Minute
	DefaultMaxAge     = 24 * time.Hour
	DefaultGrace      = 10 * time.Second
)

// Dispatcher sends the outbox's deliveries through the senders.
type Dispatcher struct {
	store   herald.Store
	senders map[herald.Platform]Sender
	log     *slog.Logger
	opts    Options

	wake chan struct{}

	mu    sync.Mutex
	lanes map[herald.Target]chan struct{}
}

// New returns a Dispatcher for the store's outbox. Deliveries to a platform
// without a sender stay pending until one is configured.
func New(store herald.Store, senders map[herald.Platform]Sender, log *slog.Logger, opts Options) *Dispatcher {
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.Grace <= 0 {
		opts.Grace = DefaultGrace
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Dispatcher{
		store:   store,
		senders: senders,
		log:     log,
		opts:    opts,
		wake:    make(chan struct{}, 1),
		lanes:   make(map[herald.Target]chan struct{}),
	}
}

// Notify tells the dispatcher that new deliveries may be waiting. It never
// blocks.
func (d *Dispatcher) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run sends deliveries until ctx is cancelled, then lets in-flight sends
// finish within the grace period and returns.
func (d *Dispatcher) Run(ctx context.Context) error {
	// Sends outlive ctx by the grace period, so that a shutdown does not
	// abandon a post the platform may already have accepted.
	sendCtx, cancelSends := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelSends()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(d.opts.Grace, cancelSends) })
	defer stop()

	var wg sync.WaitGroup
	defer wg.Wait()
	skipped := make(map[herald.Target]bool)
	for {
		targets, err := d.store.PendingTargets(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("outbox: list pending targets", "err", err)
		}
		for _, t := range targets {
			if _, ok := d.senders[t.Platform]; !ok {
				if !skipped[t] {
					skipped[t] = true
					d.log.Warn("outbox: deliveries wait for a platform that is not configured", "target", t.String())
				}
				continue
			}
			d.startLane(ctx, sendCtx, &wg, t)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-d.wake:
			d.pokeLanes()
		case <-time.After(time.Minute):
		}
	}
}

func (d *Dispatcher) startLane(ctx, sendCtx context.Context, wg *sync.WaitGroup, t herald.Target) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.lanes[t]; ok {
		return
	}
	poke := make(chan struct{}, 1)
	d.lanes[t] = poke
	wg.Add(1)
	go func() {
		defer wg.Done()
		d.lane(ctx, sendCtx, t, poke)
	}()
}

func (d *Dispatcher) pokeLanes() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, poke := range d.lanes {
		select {
		case poke <- struct{}{}:
		default:
		}
	}
}

// lane sends one target's deliveries, head of queue first, so posts arrive
// in publish order.
func (d *Dispatcher) lane(ctx, sendCtx context.Context, t herald.Target, poke <-chan struct{}) {
	sender := d.senders[t.Platform]
	log := d.log.With("target", t.String())
	for ctx.Err() == nil {
		del, err := d.store.NextDelivery(ctx, t)
		if errors.Is(err, herald.ErrNotFound) {
			select {
			case <-ctx.Done():
			case <-poke:
			}
			continue
		}
		if err != nil {
			if ctx.Err() == nil {
				log.Error("outbox: read next delivery", "err", err)
			}
			sleep(ctx, time.Second)
			continue
		}
		if wait := del.NextAttempt.Sub(d.opts.Now()); wait > 0 {
			sleep(ctx, wait)
			continue
		}
		d.deliver(ctx, sendCtx, log, sender, del)
	}
}

// deliver makes one attempt at a delivery and records its outcome.
func (d *Dispatcher) deliver(ctx, sendCtx context.Context, log *slog.Logger, sender Sender, del herald.Delivery) {
	log = log.With("delivery", del.ID, "url", del.Article.URL)
	msgID, err := sender.Send(sendCtx, del)
	var rl *herald.RateLimitError
	var perm *herald.PermanentError
	switch {
	case err == nil:
		// The post is out: recording it must not give up on a passing
		// store error, or the post would be sent twice.
		d.record(sendCtx, log, "mark sent", func(ctx context.Context) error {
			return d.store.MarkSent(ctx, del.ID, msgID)
		})
		log.Info("posted", "message", msgID, "headline", del.Article.Headline)
	case errors.As(err, &rl):
		log.Warn("rate limited by the platform; waiting", "retry_after", rl.RetryAfter)
		sleep(ctx, rl.RetryAfter)
	case errors.As(err, &perm):
		log.Error("delivery refused for good", "reason", perm.Reason)
		d.record(sendCtx, log, "mark failed", func(ctx context.Context) error {
			return d.store.MarkFailed(ctx, del.ID, perm.Reason)
		})
		if errors.Is(err, herald.ErrUnreachable) {
			// The reader blocked the bot or closed their messages: stop
			// their follows, and fail what waits for them, until they
			// come back.
			log.Warn("recipient unreachable; pausing its follows", "reason", perm.Reason)
			d.record(sendCtx, log, "pause", func(ctx context.Context) error {
				return d.store.Pause(ctx, del.Target, perm.Reason)
			})
		}
	case ctx.Err() != nil && sendCtx.Err() != nil:
		// Shutting down: the delivery stays pending for the next start.
	default:
		now := d.opts.Now()
		if now.Sub(del.Created) > d.opts.MaxAge {
			reason := "gave up after " + d.opts.MaxAge.String() + ": " + err.Error()
			log.Error("delivery dead-lettered", "attempts", del.Attempts+1, "err", err)
			d.record(sendCtx, log, "mark failed", func(ctx context.Context) error {
				return d.store.MarkFailed(ctx, del.ID, reason)
			})
			return
		}
		wait := Backoff(del.Attempts, d.opts.MinBackoff, d.opts.MaxBackoff)
		log.Warn("send failed; will retry", "attempt", del.Attempts+1, "retry_in", wait.Round(time.Millisecond), "err", err)
		d.record(sendCtx, log, "mark retry", func(ctx context.Context) error {
			return d.store.MarkRetry(ctx, del.ID, now.Add(wait), err.Error())
		})
	}
}

// record retries a store write until it succeeds or ctx ends.
func (d *Dispatcher) record(ctx context.Context, log *slog.Logger, what string, write func(context.Context) error) {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		err := write(ctx)
		if err == nil || errors.Is(err, herald.ErrNotFound) {
			return
		}
		log.Error("outbox: "+what, "err", err)
		if !sleep(ctx, wait) {
			return
		}
	}
}

// Backoff is the wait before retry number attempts+1: min doubled per
// attempt, capped at max, with equal jitter (between half and all of it).
func Backoff(attempts int, minWait, maxWait time.Duration) time.Duration {
	wait := minWait
	for i := 0; i < attempts && wait < maxWait; i++ {
		wait *= 2
	}
	wait = min(wait, maxWait)
	half := wait / 2
	return half + rand.N(half+1)
}

// sleep waits for d or until ctx ends; it reports whether the wait ran out.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
