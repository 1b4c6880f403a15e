package herald

import (
	"context"
	"time"
)

// Store keeps articles, feeds and the outbox. The embedded implementation
// is store/sqlite; every implementation passes the same conformance tests.
type Store interface {
	// Ingest records the articles of one fetch of a feed in one transaction.
	// Articles whose Key was seen before (in any feed) are skipped. Each new
	// article gets one pending delivery per target route returns for it
	// (duplicates count once), so that an article is never recorded as
	// seen without its deliveries. On the first sight of a feed only the
	// newest backlog articles (by Published) get deliveries; the rest are
	// recorded as seen, so adding a feed never floods a channel. A nil
	// route delivers nothing. New articles are indexed for Search, Latest
	// and Topics.
	Ingest(ctx context.Context, feed string, articles []Article, route func(Article) []Target, backlog int) (IngestResult, error)

	// PendingTargets lists the targets that have pending deliveries.
	PendingTargets(ctx context.Context) ([]Target, error)
	// NextDelivery returns the head of the target's queue: its oldest
	// pending delivery by article publish time, then by insertion. The
	// caller waits until its NextAttempt. ErrNotFound means the queue is
	// empty.
	NextDelivery(ctx context.Context, target Target) (Delivery, error)
	// MarkSent records that the delivery reached the platform as messageID.
	MarkSent(ctx context.Context, id int64, messageID string) error
	// MarkRetry records a transient failure: Attempts grows by one and the
	// delivery waits until next.
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
	// MarkFailed records that the delivery was refused for good.
	MarkFailed(ctx context.Context, id int64, reason string) error
	// Deliveries lists the deliveries of a target in queue order, newest
	// last, at most limit of them (0: all). For tests and diagnostics.
	Deliveries(ctx context.Context, target Target, limit int) ([]Delivery, error)

	// FeedState returns what was remembered of a feed's last fetch;
	// ErrNotFound for a feed never fetched.
	FeedState(ctx context.Context, url string) (FeedState, error)
	// SaveFeedState remembers a feed's fetch validators and last result.
	SaveFeedState(ctx context.Context, state FeedState) error

	// AddFollow records a follow. Following a topic the target already
	// follows (by TopicKey) changes nothing and reports false. A target
	// with limit follows already gets ErrTooManyFollows (limit <= 0: no
	// limit).
	AddFollow(ctx context.Context, f Follow, limit int) (added bool, err error)
	// RemoveFollow removes the target's follow of topic (by TopicKey) and
	// reports whether there was one.
	RemoveFollow(ctx context.Context, target Target, topic string) (removed bool, err error)
	// Follows lists the target's follows by topic.
	Follows(ctx context.Context, target Target) ([]Follow, error)
	// ActiveFollows lists every follow whose target is not paused.
	ActiveFollows(ctx context.Context) ([]Follow, error)
	// Pause stops the target's follows from delivering: ActiveFollows
	// leaves them out, and the target's pending deliveries are recorded as
	// failed with reason. Pausing a paused target keeps the first reason.
	Pause(ctx context.Context, target Target, reason string) error
	// Paused returns why the target's follows are paused, or "" when they
	// are not.
	Paused(ctx context.Context, target Target) (reason string, err error)
	// Resume lets a paused target's follows deliver again.
	Resume(ctx context.Context, target Target) error

	// PausedTargets lists every paused target with the reason. Routing
	// leaves them out, configured or not.
	PausedTargets(ctx context.Context) (map[Target]string, error)
	// MoveTarget records that a chat moved (a Telegram group upgraded to
	// a supergroup): the pending deliveries and follows of from become
	// to's, and Moves reports the move so that routing can send what was
	// configured for from to to.
	MoveTarget(ctx context.Context, from, to Target) error
	// Moves lists the recorded moves, old chat to new.
	Moves(ctx context.Context) (map[Target]Target, error)
	// Outbox describes the pending deliveries, for metrics and readiness.
	Outbox(ctx context.Context) (OutboxStats, error)
	// Trace returns the article whose canonical URL or key is ref, with
	// its deliveries to every target in target order; ErrNotFound when no
	// article matches.
	Trace(ctx context.Context, ref string) (Article, []Delivery, error)

	// Topics lists the known topics (the articles' Topics) whose TopicKey
	// starts with the key of prefix ("" for all), the most articles first,
	// at most limit of them.
	Topics(ctx context.Context, prefix string, limit int) ([]TopicCount, error)
	// Search finds at most limit articles matching what a reader typed,
	// the best first by relevance and recency. Any text is a valid query:
	// operators, quotes and symbols are taken as plain words, and a query
	// with no words finds nothing.
	Search(ctx context.Context, query string, limit int) ([]Article, error)
	// Latest lists at most limit articles, newest first by Published. A
	// non-empty topic keeps those about it, as a follow would match them.
	Latest(ctx context.Context, topic string, limit int) ([]Article, error)

	// Cursor returns a named position kept across restarts, such as the
	// last handled Telegram update; 0 when never saved.
	Cursor(ctx context.Context, name string) (int64, error)
	// SaveCursor records a named position.
	SaveCursor(ctx context.Context, name string, value int64) error

	// Close releases the store.
	Close() error
}

// IngestResult says what one Ingest did.
type IngestResult struct {
	// FirstSight is true when the feed had never been ingested before.
	FirstSight bool
	// New counts the articles not seen before.
	New int
	// Deliveries counts the outbox rows created.
	Deliveries int
}

// FeedState is what Herald remembers of a feed between fetches.
type FeedState struct {
	URL string
	// ETag and LastModified are the validators of the last successful
	// fetch, sent back for a conditional GET.
	ETag         string
	LastModified string
	// LastFetch is when the feed was last fetched, successfully or not.
	LastFetch time.Time
	// LastError is the reason the last fetch failed, or empty.
	LastError string
}

// OutboxStats describes the outbox's pending deliveries.
type OutboxStats struct {
	// Pending counts the pending deliveries per platform.
	Pending map[Platform]int
	// Oldest is when the oldest pending delivery entered the outbox, or
	// zero when none is pending.
	Oldest time.Time
}
