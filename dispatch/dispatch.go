// Package dispatch drives the outbox: one lane per target sends that
// target's deliveries in publish order, paced by the platform senders,
// retried with backoff on transient errors until they are too old, and
// recorded as failed on permanent ones, so that one bad target never holds
// up the others. A target found unreachable is paused, and a chat that
// moved is followed to its new ID.
package dispatch

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/schedule"
)

// Sender posts to one platform. It paces itself below the platform's
// limits, edits and deletions included. Its methods return a
// *herald.RateLimitError when the platform asks to wait, a
// *herald.MovedError when the chat has a new ID, a *herald.PermanentError
// when retrying cannot help (wrapping herald.ErrUnreachable when nothing
// sent to the target can arrive), or another error for a transient
// failure.
type Sender interface {
	// Send posts one delivery and returns the platform's message
	// reference.
	Send(ctx context.Context, d herald.Delivery) (messageID string, err error)
	// SendDigest posts one message holding as many of the digest's
	// deliveries as fit, from the front, at least one, and returns how
	// many it holds, or on failure how many the refused message held.
	SendDigest(ctx context.Context, dg herald.Digest) (n int, messageID string, err error)
	// Edit rewrites a sent post with its article as it reads now, or
	// deletes it (herald.DeletePost).
	Edit(ctx context.Context, e herald.Edit) error
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
	// Clock tells the time and waits; herald.SystemClock by default.
	Clock herald.Clock
	// Plan says how a target's posts are timed and presented: in
	// digests, around quiet hours, trickled, silent or mentioning a role.
	// Nil, or a zero Plan, posts each delivery as soon as it may go.
	Plan func(herald.Target) schedule.Plan
	// EditWindow is how long after a post went out it is still edited
	// when its article is corrected; an edit found later, or any edit
	// when EditWindow is 0 or less, is recorded as failed with the reason.
	EditWindow time.Duration
	// Busy is how many lanes of one platform may read the outbox and send
	// at once (DefaultBusy when it has no entry or one below 1); the
	// others wait their turn without touching the store. A fan-out to
	// thousands of chats then reads the outbox at the pace it can send,
	// instead of all at once, and leaves the other platform's lanes room.
	// It must exceed what the platform takes in flight: its rate times
	// the time one send takes.
	Busy map[herald.Platform]int
	// SentElsewhere reports whether another dispatcher, of this process
	// or of another replica, sends for a platform this one has no sender
	// for: its targets are left to it without a warning. Nil means no
	// platform is.
	SentElsewhere func(herald.Platform) bool
}

// Defaults for Options.
const (
	DefaultMinBackoff = 2 * time.Second
	DefaultMaxBackoff = 10 * time.Minute
	DefaultMaxAge     = 24 * time.Hour
	DefaultGrace      = 10 * time.Second
	DefaultBusy       = 100
)

// Dispatcher sends the outbox's deliveries through the senders.
type Dispatcher struct {
	store   herald.Store
	senders map[herald.Platform]Sender
	log     *slog.Logger
	opts    Options

	wake chan struct{}

	mu sync.Mutex
	// lanes holds the poke of each target's lane: nil while the lane
	// waits in its gate's queue for its first turn.
	lanes map[herald.Target]chan struct{}
	// gates holds each platform's turns at work (see Options.Busy).
	gates map[herald.Platform]*gate
	// start starts the lane of a target while Run runs; nil otherwise.
	start func(t herald.Target, poke chan struct{})
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
	if opts.Clock == nil {
		opts.Clock = herald.SystemClock{}
	}
	if opts.Plan == nil {
		opts.Plan = func(herald.Target) schedule.Plan { return schedule.Plan{} }
	}
	gates := make(map[herald.Platform]*gate, len(senders))
	for p := range senders {
		n := opts.Busy[p]
		if n < 1 {
			n = DefaultBusy
		}
		gates[p] = &gate{n: n}
	}
	return &Dispatcher{
		store:   store,
		senders: senders,
		log:     log,
		opts:    opts,
		wake:    make(chan struct{}, 1),
		gates:   gates,
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
	d.mu.Lock()
	d.start = func(t herald.Target, poke chan struct{}) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer d.endLane(t, poke)
			d.lane(ctx, sendCtx, t, poke)
		}()
	}
	d.mu.Unlock()
	defer func() {
		// No lane starts once Run waits for those that run.
		d.mu.Lock()
		defer d.mu.Unlock()
		d.start = nil
	}()
	skipped := make(map[herald.Target]bool)
	for {
		targets, err := d.store.PendingTargets(ctx)
		if err != nil && ctx.Err() == nil {
			d.log.Error("outbox: list pending targets", "err", err)
		}
		for _, t := range targets {
			if _, ok := d.senders[t.Platform]; !ok {
				if !skipped[t] && (d.opts.SentElsewhere == nil || !d.opts.SentElsewhere(t.Platform)) {
					skipped[t] = true
					d.log.Warn("outbox: deliveries wait for a platform that is not configured", "target", t.String())
				}
				continue
			}
			d.startLane(t)
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

// startLane starts the lane of t unless it runs already: at once if its
// platform has a turn at work free, or else when its first turn comes.
func (d *Dispatcher) startLane(t herald.Target) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.lanes[t]; ok || d.start == nil {
		return
	}
	g := d.gates[t.Platform]
	if g.busy < g.n && g.queue.Len() == 0 {
		g.busy++
		d.startNow(t)
		return
	}
	// Queued, the lane has read nothing yet, so it needs no poke: it gets
	// its channel when it starts.
	d.lanes[t] = nil
	g.queue.Push(turn{target: t})
}

// startNow starts the lane of t, with a turn already taken. d.mu is held.
func (d *Dispatcher) startNow(t herald.Target) {
	poke := make(chan struct{}, 1)
	d.lanes[t] = poke
	d.start(t, poke)
}

func (d *Dispatcher) pokeLanes() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, poke := range d.lanes {
		if poke == nil {
			continue // queued: it reads when it starts
		}
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
// in publish order, each when the target's plan lets it go; and it makes
// the target's pending edits. It ends when both queues are empty, as they
// are once the target is paused or moved; Run starts it again when work
// comes. It starts with a turn of its platform's gate (Options.Busy), reads
// and sends only during a turn, and waits without one.
func (d *Dispatcher) lane(ctx, sendCtx context.Context, t herald.Target, poke chan struct{}) {
	l := &lane{d: d, target: t, sender: d.senders[t.Platform], plan: d.opts.Plan(t),
		log: d.log.With("target", t.String())}
	held := true // the lane starts with a turn
	defer func() {
		if held {
			d.endTurn(t.Platform)
		}
	}()
	for ctx.Err() == nil {
		if !held && !d.takeTurn(ctx, t.Platform) {
			return
		}
		wait, empty := l.step(ctx, sendCtx)
		d.endTurn(t.Platform)
		held = false
		switch {
		case empty:
			if d.idle(t, poke) {
				return
			}
		case wait > 0:
			// A poke may bring an older delivery to the head, such as
			// one moved here from another chat, or new work: look again
			// then.
			d.waitFor(ctx, wait, poke)
		}
	}
}

// takeTurn waits for a turn of the platform's gate, after the lanes that
// asked before; it reports false if ctx ended first.
func (d *Dispatcher) takeTurn(ctx context.Context, p herald.Platform) bool {
	d.mu.Lock()
	g := d.gates[p]
	if g.busy < g.n && g.queue.Len() == 0 {
		g.busy++
		d.mu.Unlock()
		return true
	}
	ready := make(chan struct{})
	g.queue.Push(turn{ready: ready})
	d.mu.Unlock()
	select {
	case <-ready:
		return true
	case <-ctx.Done():
		d.mu.Lock()
		defer d.mu.Unlock()
		if !g.queue.Remove(func(w turn) bool { return w.ready == ready }) {
			// The turn came meanwhile: pass it on.
			d.passTurn(g)
		}
		return false
	}
}

// endTurn ends a turn of the platform's gate.
func (d *Dispatcher) endTurn(p herald.Platform) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.passTurn(d.gates[p])
}

// passTurn gives an ending turn to the first lane in the gate's queue:
// it wakes a waiting lane, or starts one. d.mu is held.
func (d *Dispatcher) passTurn(g *gate) {
	for g.queue.Len() > 0 {
		w := g.queue.Pop()
		if w.ready != nil {
			close(w.ready)
			return
		}
		if d.start != nil {
			d.startNow(w.target)
			return
		}
		// Run has returned: the lane is not started.
	}
	g.busy--
}

// step makes the lane's next move: it makes the edit or sends the
// delivery that is due and returns 0, or returns how long to wait until
// one is; empty reports that both queues are empty.
func (l *lane) step(ctx, sendCtx context.Context) (wait time.Duration, empty bool) {
	d, t := l.d, l.target
	edit, editErr := d.store.NextEdit(ctx, t)
	del, delErr := d.store.NextDelivery(ctx, t)
	noEdit, noDel := errors.Is(editErr, herald.ErrNotFound), errors.Is(delErr, herald.ErrNotFound)
	if noEdit && noDel {
		return 0, true
	}
	if err := cmp.Or(ignoreNotFound(editErr), ignoreNotFound(delErr)); err != nil {
		if ctx.Err() == nil {
			l.log.Error("outbox: read next delivery or edit", "err", err)
		}
		sleep(ctx, time.Second)
		return 0, false
	}
	now := d.opts.Clock.Now()
	var next time.Time
	if !noEdit {
		if !edit.NextAttempt.After(now) {
			l.edit(ctx, sendCtx, edit)
			return 0, false
		}
		next = edit.NextAttempt
	}
	if !noDel {
		at, silent, err := l.due(ctx, del, now)
		if err != nil {
			sleep(ctx, time.Second)
			return 0, false
		}
		if !at.After(now) {
			if l.plan.Digest != nil {
				l.digest(ctx, sendCtx, del)
			} else {
				del.Silent, del.MentionRole = silent, l.plan.MentionRole
				l.deliver(ctx, sendCtx, del)
			}
			return 0, false
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	l.log.Debug("outbox: waiting for the target's next post or edit", "until", next.UTC().Format(time.RFC3339))
	return max(next.Sub(now), time.Nanosecond), false
}

// ignoreNotFound returns err unless it says there is nothing.
func ignoreNotFound(err error) error {
	if errors.Is(err, herald.ErrNotFound) {
		return nil
	}
	return err
}

// lane is the state of one target's lane.
type lane struct {
	d      *Dispatcher
	target herald.Target
	sender Sender
	plan   schedule.Plan
	log    *slog.Logger
	// lastSent is when the target's latest post went out, read from the
	// store once for a trickle.
	lastSent time.Time
	read     bool
}

// due returns when the delivery may go under the target's plan, and
// whether it goes silently.
func (l *lane) due(ctx context.Context, del herald.Delivery, now time.Time) (time.Time, bool, error) {
	if l.plan.Trickle != nil && !l.read {
		last, err := l.d.store.LastSent(ctx, l.target)
		if err != nil {
			if ctx.Err() == nil {
				l.log.Error("outbox: read when the target was last posted to", "err", err)
			}
			return time.Time{}, false, err
		}
		l.lastSent, l.read = last, true
	}
	at, silent := l.plan.Due(now, del.Created, l.lastSent)
	if del.NextAttempt.After(at) {
		at = del.NextAttempt
	}
	return at, silent, nil
}

// sent records that a post went out now, for the trickle.
func (l *lane) sent() { l.lastSent = l.d.opts.Clock.Now() }

// deliver makes one attempt at a delivery and records its outcome.
func (l *lane) deliver(ctx, sendCtx context.Context, del herald.Delivery) {
	d := l.d
	log := l.log.With("delivery", del.ID, "feed", del.Article.Feed, "url", del.Article.URL)
	msgID, err := l.sender.Send(sendCtx, del)
	if err == nil {
		// The post is out: recording it must not give up on a passing
		// store error, or the post would be sent twice.
		d.record(sendCtx, log, "mark sent", func(ctx context.Context) error {
			return d.store.MarkSent(ctx, del.ID, msgID)
		})
		l.sent()
		log.Info("posted", "message", msgID, "headline", del.Article.Headline, "silent", del.Silent)
		return
	}
	d.failed(ctx, sendCtx, log, []herald.Delivery{del}, del.Created, err)
}

// digest posts the target's digest that the head delivery belongs to: all
// its deliveries made up to the digest's time, in as many messages as the
// platform's limits need, each recorded as it goes out.
func (l *lane) digest(ctx, sendCtx context.Context, head herald.Delivery) {
	d := l.d
	at := l.plan.DigestAt(head.Created)
	ds, err := d.store.DueDeliveries(ctx, l.target, at, maxDigest)
	if err != nil || len(ds) == 0 || ds[0].ID != head.ID {
		// The store failed, or the queue changed under us: look again.
		if err != nil && ctx.Err() == nil {
			l.log.Error("outbox: read the digest's deliveries", "err", err)
		}
		sleep(ctx, 100*time.Millisecond)
		return
	}
	_, silent := l.plan.Due(d.opts.Clock.Now(), head.Created, l.lastSent)
	dg := herald.Digest{Target: l.target, At: at, Deliveries: ds, Silent: silent, MentionRole: l.plan.MentionRole}
	log := l.log.With("digest", at.Format(time.RFC3339), "articles", len(ds))
	n, msgID, err := l.sender.SendDigest(sendCtx, dg)
	if err == nil {
		n = min(max(n, 1), len(ds))
		ids := make([]int64, n)
		for i := range n {
			ids[i] = ds[i].ID
		}
		d.record(sendCtx, log, "mark digested", func(ctx context.Context) error {
			return d.store.MarkDigested(ctx, ids, msgID)
		})
		l.sent()
		log.Info("digest posted", "message", msgID, "in_message", n, "silent", silent)
		return
	}
	// A digest is as old as its scheduled time: its articles waited for it.
	// A refusal concerns the articles the refused message held (n of them,
	// at least the first); the rest go in the next one.
	d.failed(ctx, sendCtx, log, ds[:min(max(n, 1), len(ds))], at, err)
}

// maxDigest bounds the deliveries read for one digest message; the rest
// go in the next message of the same digest.
const maxDigest = 200

// failed records a failed attempt at posting ds (one delivery, or a
// digest led by ds[0]), which are as old as since.
func (d *Dispatcher) failed(ctx, sendCtx context.Context, log *slog.Logger, ds []herald.Delivery, since time.Time, err error) {
	head := ds[0]
	var rl *herald.RateLimitError
	var moved *herald.MovedError
	var perm *herald.PermanentError
	switch {
	case errors.As(err, &rl):
		log.Warn("rate limited by the platform; waiting", "retry_after", rl.RetryAfter)
		sleep(ctx, rl.RetryAfter)
	case errors.As(err, &moved):
		d.move(sendCtx, log, head, moved.To)
	case errors.As(err, &perm):
		log.Error("delivery refused for good", "reason", perm.Reason)
		for _, del := range ds {
			d.record(sendCtx, log, "mark failed", func(ctx context.Context) error {
				return d.store.MarkFailed(ctx, del.ID, perm.Reason)
			})
		}
		if errors.Is(err, herald.ErrUnreachable) {
			d.pause(sendCtx, log, head.Target, perm.Reason)
		}
	case ctx.Err() != nil && sendCtx.Err() != nil:
		// Shutting down: the delivery stays pending for the next start.
	default:
		now := d.opts.Clock.Now()
		if now.Sub(since) > d.opts.MaxAge {
			reason := "gave up after " + d.opts.MaxAge.String() + ": " + err.Error()
			log.Error("delivery dead-lettered", "attempts", head.Attempts+1, "err", err)
			for _, del := range ds {
				d.record(sendCtx, log, "mark failed", func(ctx context.Context) error {
					return d.store.MarkFailed(ctx, del.ID, reason)
				})
			}
			return
		}
		wait := Backoff(head.Attempts, d.opts.MinBackoff, d.opts.MaxBackoff)
		log.Warn("send failed; will retry", "attempt", head.Attempts+1, "retry_in", wait.Round(time.Millisecond), "err", err)
		// The head waits, and with it the queue (a digest included).
		d.record(sendCtx, log, "mark retry", func(ctx context.Context) error {
			return d.store.MarkRetry(ctx, head.ID, now.Add(wait), err.Error())
		})
	}
}

// pause pauses a target found unreachable: the reader blocked the bot or
// closed their messages, or the channel is gone or closed to the bot.
// Pausing fails what waits for it and stops routing to it, until it is
// resumed.
func (d *Dispatcher) pause(ctx context.Context, log *slog.Logger, t herald.Target, reason string) {
	log.Warn("target unreachable; pausing it: its pending deliveries fail and nothing is routed to it until it is resumed",
		"reason", reason)
	d.record(ctx, log, "pause", func(ctx context.Context) error {
		return d.store.Pause(ctx, t, reason)
	})
}

// edit makes one attempt at correcting a sent post, within the edit
// window, and records its outcome.
func (l *lane) edit(ctx, sendCtx context.Context, e herald.Edit) {
	d := l.d
	log := l.log.With("edit", e.ID, "kind", string(e.Kind), "message", e.Delivery.MessageID, "url", e.Delivery.Article.URL)
	now := d.opts.Clock.Now()
	if reason := d.tooLate(e, now); reason != "" {
		log.Info("post not corrected", "reason", reason)
		d.record(sendCtx, log, "mark edit failed", func(ctx context.Context) error {
			return d.store.MarkEditFailed(ctx, e.ID, reason)
		})
		return
	}
	err := l.sender.Edit(sendCtx, e)
	var rl *herald.RateLimitError
	var perm *herald.PermanentError
	switch {
	case err == nil:
		d.record(sendCtx, log, "mark edited", func(ctx context.Context) error {
			return d.store.MarkEdited(ctx, e.ID)
		})
		if e.Kind == herald.DeletePost {
			log.Info("post deleted: its article was retracted", "headline", e.Delivery.Article.Headline)
		} else {
			log.Info("post corrected", "headline", e.Delivery.Article.Headline)
		}
	case errors.As(err, &rl):
		log.Warn("rate limited by the platform; waiting", "retry_after", rl.RetryAfter)
		sleep(ctx, rl.RetryAfter)
	case errors.As(err, &perm):
		log.Warn("correction refused for good", "reason", perm.Reason)
		d.record(sendCtx, log, "mark edit failed", func(ctx context.Context) error {
			return d.store.MarkEditFailed(ctx, e.ID, perm.Reason)
		})
		if errors.Is(err, herald.ErrUnreachable) {
			d.pause(sendCtx, log, e.Delivery.Target, perm.Reason)
		}
	case ctx.Err() != nil && sendCtx.Err() != nil:
		// Shutting down: the edit stays pending for the next start.
	default:
		if now.Sub(e.Created) > d.opts.MaxAge {
			reason := "gave up after " + d.opts.MaxAge.String() + ": " + err.Error()
			log.Error("correction dead-lettered", "attempts", e.Attempts+1, "err", err)
			d.record(sendCtx, log, "mark edit failed", func(ctx context.Context) error {
				return d.store.MarkEditFailed(ctx, e.ID, reason)
			})
			return
		}
		wait := Backoff(e.Attempts, d.opts.MinBackoff, d.opts.MaxBackoff)
		log.Warn("correction failed; will retry", "attempt", e.Attempts+1, "retry_in", wait.Round(time.Millisecond), "err", err)
		d.record(sendCtx, log, "mark edit retry", func(ctx context.Context) error {
			return d.store.MarkEditRetry(ctx, e.ID, now.Add(wait), err.Error())
		})
	}
}

// tooLate returns why the edit is not made, or "" when it may be.
func (d *Dispatcher) tooLate(e herald.Edit, now time.Time) string {
	w := d.opts.EditWindow
	switch {
	case w <= 0:
		return "corrections are off (HERALD_EDIT_WINDOW is 0)"
	case !e.Delivery.Sent.IsZero() && now.Sub(e.Delivery.Sent) > w:
		return "the post went out more than " + w.String() + " ago (HERALD_EDIT_WINDOW)"
	}
	return ""
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

// waitFor waits for w on the clock, until ctx ends or until poked.
func (d *Dispatcher) waitFor(ctx context.Context, w time.Duration, poke <-chan struct{}) {
	select {
	case <-ctx.Done():
	case <-poke:
	case <-d.opts.Clock.After(w):
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
