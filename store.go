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
	// article gets one pending delivery per target, so that an article is
	// never recorded as seen without its deliveries. On the first sight of
	// a feed only the newest backlog articles (by Published) get
	// deliveries; the rest are recorded as seen, so adding a feed never
	// floods a channel.
	Ingest(ctx context.Context, feed string, articles []Article, targets []Target, backlog int) (IngestResult, error)

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
