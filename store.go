package herald

import (
	"context"
	"time"
)

// Store keeps articles, feeds and the outbox. The embedded implementation
// is store/sqlite; every implementation passes the same conformance tests.
type Store interface {
	// Ingest records the articles of one fetch of a feed in one transaction.
	// An article whose Key was seen before, from this feed, with another
	// ItemHash is
	// updated when its content (ContentHash) changed: the change is kept
	// as a Revision, pending deliveries send the new content, and every
	// sent, non-digest post of it gets one pending EditPost edit. A known
	// article recorded without an ItemHash takes this one silently.
	// Articles whose Key was seen before (in any feed) are skipped. Each new
	// article gets one pending delivery per target route returns for it
	// (duplicates count once), so that an article is never recorded as
	// seen without its deliveries. On the first sight of a feed only the
	// newest backlog articles (by Published) get deliveries; the rest are
	// recorded as seen, so adding a feed never floods a channel. A nil
	// route delivers nothing. New articles are indexed for Search, Latest
	// and Topics.
	Ingest(ctx context.Context, feed string, articles []Article, route func(Article) []Target, backlog int) (IngestResult, error)

	// ItemHashes returns the ItemHash recorded for each of keys that is
	// known from feed, so that a caller can tell which items of a fetch
	// changed. An article recorded before item hashes were kept maps to
	// "". Keys recorded from another feed are left out: Ingest looks for
	// corrections in an article's own feed only.
	ItemHashes(ctx context.Context, feed string, keys []string) (map[string]string, error)

	// PendingTargets lists the targets that have pending deliveries or
	// pending edits.
	PendingTargets(ctx context.Context) ([]Target, error)
	// NextDelivery returns the head of the target's queue: its oldest
	// pending delivery by article publish time, then by insertion. The
	// caller waits until its NextAttempt. ErrNotFound means the queue is
	// empty.
	NextDelivery(ctx context.Context, target Target) (Delivery, error)
	// MarkSent records that the delivery reached the platform as messageID.
	MarkSent(ctx context.Context, id int64, messageID string) error
	// DueDeliveries lists the target's pending deliveries created at or
	// before until, in queue order, at most limit of them: the content of
	// a digest.
	DueDeliveries(ctx context.Context, target Target, until time.Time, limit int) ([]Delivery, error)
	// MarkDigested records, in one transaction, that the deliveries went
	// out together as one digest post, messageID; they are marked Digest
	// and their posts are never edited. Deliveries that are no longer
	// pending are left as they are.
	MarkDigested(ctx context.Context, ids []int64, messageID string) error
	// LastSent returns when the target's latest post (delivery or digest)
	// was accepted; zero when none was.
	LastSent(ctx context.Context, target Target) (time.Time, error)
	// MarkRetry records a transient failure: Attempts grows by one and the
	// delivery waits until next.
	MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error
	// MarkFailed records that the delivery was refused for good.
	MarkFailed(ctx context.Context, id int64, reason string) error
	// Deliveries lists the deliveries of a target in queue order, newest
	// last, at most limit of them (0: all). For tests and diagnostics.
	Deliveries(ctx context.Context, target Target, limit int) ([]Delivery, error)

	// NextEdit returns the target's oldest pending edit; ErrNotFound when
	// none is pending.
	NextEdit(ctx context.Context, target Target) (Edit, error)
	// MarkEdited records that the platform accepted the edit.
	MarkEdited(ctx context.Context, id int64) error
	// MarkEditRetry records a transient failure of the edit: Attempts
	// grows by one and it waits until next.
	MarkEditRetry(ctx context.Context, id int64, next time.Time, reason string) error
	// MarkEditFailed records that the edit was refused for good, or
	// given up (reason says why).
	MarkEditFailed(ctx context.Context, id int64, reason string) error
	// Retract records that the article of key was withdrawn: each of its
	// sent, non-digest posts gets one pending DeletePost edit (once,
	// however often it is called). It returns how many were made.
	Retract(ctx context.Context, key string) (int, error)
	// Revisions lists the changes of the article whose canonical URL or
	// key is ref, oldest first, each with its edits; ErrNotFound when no
	// article matches. Deletions of a retracted article's posts come as a
	// last Revision whose After is the zero Article.
	Revisions(ctx context.Context, ref string) ([]Revision, error)

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

	// RoutingVersion changes whenever the follows, the paused targets or
	// the moves change, by whichever process shares the store, so that a
	// caller may keep routing built from them until it does.
	RoutingVersion(ctx context.Context) (int64, error)

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
	// Corrected counts the known articles whose content changed; each
	// change is a Revision.
	Corrected int
	// Edits counts the edits of sent posts the changes made.
	Edits int
	// Dropped lists the articles that the feed's previous Ingest listed
	// and this one does not, and that have sent posts: candidates for a
	// retraction.
	Dropped []Article
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
