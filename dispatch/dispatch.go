// Package dispatch drives the outbox: one lane per target sends that
// target's deliveries in publish order, paced by the platform senders,
// retried with backoff on transient errors until they are too old, and
// recorded as failed on permanent ones, so that one bad target never holds
// up the others. A target found unreachable is paused, and a chat that
// moved is followed to its new ID.
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
// *herald.MovedError when the chat has a new ID, a *herald.PermanentError
// when retrying cannot help (wrapping herald.ErrUnreachable when nothing
// sent to the target can arrive), or another error for a transient
// failure.
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
		defer d.endLane(t, poke)
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

// idle ends the lane of t, whose queue was empty when it last looked,
// unless it was poked since: then new deliveries may have come, and the
// lane looks again. It reports whether the lane ended. Run pokes every
// lane before it lists the targets with pending deliveries, and both
// happen under d.mu, so a delivery is never left without a lane: either
// the poke reaches the lane before it ends, or Run finds no lane and
// starts one.
func (d *Dispatcher) idle(t herald.Target, poke chan struct{}) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	select {
	case <-poke:
		return false
	default:
	}
	if d.lanes[t] == poke {
		delete(d.lanes, t)
	}
	return true
}

// endLane forgets the lane of t when it returns.
func (d *Dispatcher) endLane(t herald.Target, poke chan struct{}) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lanes[t] == poke {
		delete(d.lanes, t)
	}
}

// lane sends one target's deliveries, head of queue first, so posts arrive
// in publish order. It ends when the queue is empty, as it is once the
// target is paused or moved; Run starts it again when deliveries come.
func (d *Dispatcher) lane(ctx, sendCtx context.Context, t herald.Target, poke chan struct{}) {
	sender := d.senders[t.Platform]
	log := d.log.With("target", t.String())
	for ctx.Err() == nil {
		del, err := d.store.NextDelivery(ctx, t)
		if errors.Is(err, herald.ErrNotFound) {
			if d.idle(t, poke) {
				return
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
			// A poke may bring an older delivery to the head, such as
			// one moved here from another chat: look again then.
			wake(ctx, wait, poke)
			continue
		}
		d.deliver(ctx, sendCtx, log, sender, del)
	}
}

// deliver makes one attempt at a delivery and records its outcome.
func (d *Dispatcher) deliver(ctx, sendCtx context.Context, log *slog.Logger, sender Sender, del herald.Delivery) {
	log = log.With("delivery", del.ID, "feed", del.Article.Feed, "url", del.Article.URL)
	msgID, err := sender.Send(sendCtx, del)
	var rl *herald.RateLimitError
	var moved *herald.MovedError
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
	case errors.As(err, &moved):
		d.move(sendCtx, log, del, moved.To)
	case errors.As(err, &perm):
		log.Error("delivery refused for good", "reason", perm.Reason)
		d.record(sendCtx, log, "mark failed", func(ctx context.Context) error {
			return d.store.MarkFailed(ctx, del.ID, perm.Reason)
		})
		if errors.Is(err, herald.ErrUnreachable) {
			// The reader blocked the bot or closed their messages, or
			// the channel is gone or closed to the bot: pause the
			// target, which fails what waits for it and stops routing
			// to it, until it is resumed.
			log.Warn("target unreachable; pausing it: its pending deliveries fail and nothing is routed to it until it is resumed",
				"reason", perm.Reason)
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

// move follows a chat that moved to another: the store makes the pending
// deliveries (this one among them) and the follows of the old chat the
// new one's, and the lane of the new chat, started or poked by Notify,
// sends them in publish order. The old chat's lane finds its queue empty
// and ends. A move to a chat of another platform, or to the same chat,
// cannot be followed: the delivery fails.
func (d *Dispatcher) move(ctx context.Context, log *slog.Logger, del herald.Delivery, to herald.Target) {
	from := del.Target
	if back, err := herald.ParseTarget(to.String()); err != nil || back != to || to.Platform != from.Platform || to == from {
		reason := "chat moved to " + to.String() + ", which is not a chat of " + string(from.Platform) + " to send to"
		log.Error("delivery refused for good", "reason", reason)
		d.record(ctx, log, "mark failed", func(ctx context.Context) error {
			return d.store.MarkFailed(ctx, del.ID, reason)
		})
		return
	}
	log.Warn("chat moved; its deliveries and follows move with it", "from", from.Chat, "to", to.Chat, "hint", moveHint(from, to))
	d.record(ctx, log, "move target", func(ctx context.Context) error {
		return d.store.MoveTarget(ctx, from, to)
	})
	d.Notify()
}

// moveHint tells the operator what to change in the configuration so that
// it names the chat of today.
func moveHint(from, to herald.Target) string {
	if from.Platform == herald.Telegram {
		return "replace " + from.Chat + " with " + to.Chat + " in HERALD_TELEGRAM_CHATS"
	}
	return "replace " + from.String() + " with " + to.String() + " in the configured targets"
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

// wake waits for d, until ctx ends or until poked.
func wake(ctx context.Context, d time.Duration, poke <-chan struct{}) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-poke:
	case <-t.C:
	}
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
