// Package storetest is the conformance suite of herald.Store: every store
// of Herald passes the same tests.
//
// A store's own tests call Run with a function that opens a fresh, empty
// store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) herald.Store {
//			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "herald.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s
//		})
//	}
//
// The suite holds stores to this contract, on top of what herald.Store
// documents:
//
//   - Times come back equal (time.Equal) to what went in at microsecond
//     precision; the suite only uses times with no finer digits.
//   - Articles whose Key appears twice in one Ingest are recorded as first
//     listed; articles without a Key are ignored; an article without a Feed
//     is recorded with the feed it was ingested from; nil and empty Topics
//     come back as they went in.
//   - New articles published at the same instant are queued in the reverse
//     of their listing order (feeds list the newest first), and that order
//     also decides which are the newest backlog ones. A negative backlog
//     counts as 0. A target that herald.ParseTarget could not read back
//     fails the Ingest, which then records nothing.
//   - A fresh delivery is due at once: its NextAttempt is its Created time.
//   - MarkSent, MarkRetry and MarkFailed only change a pending delivery. For
//     an unknown id, or a delivery already sent or failed, they change
//     nothing and return an error wrapping herald.ErrNotFound, so a sent
//     delivery can never be posted again.
//   - Deliveries lists deliveries of every state; a positive limit keeps the
//     newest limit of them, still in queue order, and 0 or less lists all.
//   - FeedState knows only what SaveFeedState saved (ErrNotFound after an
//     Ingest alone), and SaveFeedState does not count as an ingest.
//   - Ingest calls route once for each new article that gets deliveries,
//     with the article as recorded (its Feed filled in), and for no other.
//     A target that herald.ParseTarget could not read back fails the
//     Ingest. New articles are indexed even when they get no deliveries.
//   - A follow keeps its Topic as given; AddFollow refuses a topic whose
//     TopicKey is empty and a target that herald.ParseTarget could not read
//     back. Follows lists a target's follows by TopicKey, paused or not.
//     A limit of 0 or less means no limit.
//   - Pause fails the target's pending deliveries with the reason it is
//     given, and leaves sent and failed ones alone. Resume brings back the
//     follows, not the deliveries.
//   - Topics counts each distinct TopicKey of an article once, under the
//     first spelling seen, and sorts names of equal counts in byte order. A
//     prefix whose key is empty lists all topics, and so does a limit of 0
//     or less.
//   - Search and Latest return articles complete but for their Body, and
//     nothing for a limit of 0 or less. Search matches whole words as
//     TopicKey has them, in headlines, leads and bodies, not topics. Of
//     articles equal but for the place of the words or their age, the one
//     with the words in its headline, then lead, ranks first, and the newer
//     ranks first. Latest with a topic agrees with herald.Article.About.
//   - PausedTargets keeps the first reason of each pause. Outbox counts
//     only pending deliveries, retried ones included, and its Oldest is
//     the least Created of them as Deliveries reports it.
//   - Trace matches a key before a URL, and of the articles of a URL
//     the one recorded last; it traces an article without deliveries with
//     none, and lists deliveries by Target.String().
//   - MoveTarget keeps a moved delivery's id, attempts and times; a
//     pending delivery of from whose article to has already fails with
//     "moved: already delivered to <to>". Follows merge by TopicKey, to's
//     own kept. A pause moves with the chat unless to is paused already,
//     and deliveries moved onto a paused target fail with its reason.
//     Moves resolves chains to the chat of today; a chat that moves back
//     is no longer moved; moving a chat to itself is an error.
//   - Cursor is 0 for a name never saved; SaveCursor refuses an empty name.
//   - A known article is looked at for a correction only by an Ingest of
//     the feed it was recorded from: another feed listing it changes
//     nothing, not even its item hash. A correction rewrites the
//     headline, dateline, lead and image, not the key, URL, topics,
//     publish time or source; Search and Latest find the new words, the
//     body's included, and not the old. A pending edit of the same post
//     fails with "superseded by a later correction". Articles come back
//     with an empty ItemHash: ItemHashes reads it.
//   - A fresh edit is due at once: its NextAttempt is its Created time,
//     which is its revision's At. NextEdit orders a target's edits by
//     Created, then by insertion. MarkEdited, MarkEditRetry and
//     MarkEditFailed only change a pending edit, as the delivery marks do;
//     only MarkEdited sets Done.
//   - Only deliveries sent on their own with a message ID get edits and
//     deletions: not digested ones, nor those sent with an empty message
//     ID. A deleted post gets no more edits.
//   - Retract fails the pending EditPost edits of the posts it deletes
//     with "superseded by the retraction", and the article's pending
//     deliveries with "article retracted"; an unknown key is ErrNotFound.
//   - Revisions finds an article as Trace does. Before and After are the
//     whole article with the text of before and after; the deletion
//     revision's Before is the article as it reads now, its At the time
//     of the deletions.
//   - Dropped comes in the order the articles were recorded; an Ingest
//     listing no article drops all the last one listed.
//   - MarkDigested ignores ids unknown or not pending; all it marks share
//     one Sent time. LastSent is the latest Sent of the target's
//     deliveries, as Deliveries reports them.
//   - An edit stays with its delivery when its chat moves.
package storetest

import (
	"testing"

	"github.com/heraldhq/herald"
)

// Run runs the conformance suite, one subtest per behaviour, each against a
// fresh store from open. Run closes each store when its subtest ends, so
// open must not; open may call t.Fatal.
func Run(t *testing.T, open func(t *testing.T) herald.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s herald.Store)
	}{
		{"FirstSightBacklogZero", testFirstSightBacklogZero},
		{"Backlog", testBacklog},
		{"DedupeAcrossFeeds", testDedupeAcrossFeeds},
		{"DuplicateKeyInBatch", testDuplicateKeyInBatch},
		{"KeylessAndFeedless", testKeylessAndFeedless},
		{"NoTargets", testNoTargets},
		{"InvalidTargetRecordsNothing", testInvalidTargetRecordsNothing},
		{"CancelledIngestRecordsNothing", testCancelledIngestRecordsNothing},
		{"QueueOrder", testQueueOrder},
		{"EqualPublishedOrder", testEqualPublishedOrder},
		{"RoundTrip", testRoundTrip},
		{"FreshDelivery", testFreshDelivery},
		{"StateMachine", testStateMachine},
		{"MarkNotPending", testMarkNotPending},
		{"MarkUnknown", testMarkUnknown},
		{"PendingTargets", testPendingTargets},
		{"DeliveriesLimit", testDeliveriesLimit},
		{"FeedStateRoundTrip", testFeedStateRoundTrip},
		{"FeedStateNotFound", testFeedStateNotFound},
		{"SaveFeedStateIsNotIngest", testSaveFeedStateIsNotIngest},
		{"RouteDuplicates", testRouteDuplicates},
		{"RoutePerArticle", testRoutePerArticle},
		{"RouteOnlyForDeliveries", testRouteOnlyForDeliveries},
		{"NilRoute", testNilRoute},
		{"RouteInvalidTarget", testRouteInvalidTarget},
		{"FollowRoundTrip", testFollowRoundTrip},
		{"FollowSameKey", testFollowSameKey},
		{"FollowInvalid", testFollowInvalid},
		{"FollowLimit", testFollowLimit},
		{"RoutingVersion", testRoutingVersion},
		{"Pause", testPause},
		{"PauseWithoutDeliveries", testPauseWithoutDeliveries},
		{"PausedTargets", testPausedTargets},
		{"MoveTarget", testMoveTarget},
		{"MoveChain", testMoveChain},
		{"MovePaused", testMovePaused},
		{"MoveInvalid", testMoveInvalid},
		{"Outbox", testOutbox},
		{"Trace", testTrace},
		{"Cursor", testCursor},
		{"Search", testSearch},
		{"SearchLimit", testSearchLimit},
		{"SearchRanking", testSearchRanking},
		{"SearchHostile", testSearchHostile},
		{"Latest", testLatest},
		{"Topics", testTopics},
		{"Concurrent", testConcurrent},
		{"ItemHashes", testItemHashes},
		{"Correction", testCorrection},
		{"ItemHashDecides", testItemHashDecides},
		{"CorrectionOtherFeed", testCorrectionOtherFeed},
		{"CorrectionSupersedes", testCorrectionSupersedes},
		{"CorrectionEditsOnlyPosts", testCorrectionEditsOnlyPosts},
		{"CorrectionFailedIngest", testCorrectionFailedIngest},
		{"Dropped", testDropped},
		{"EditStateMachine", testEditStateMachine},
		{"NextEditOrder", testNextEditOrder},
		{"PendingTargetsEdits", testPendingTargetsEdits},
		{"MoveKeepsEdits", testMoveKeepsEdits},
		{"Retract", testRetract},
		{"RetractWithoutPosts", testRetractWithoutPosts},
		{"Revisions", testRevisions},
		{"MarkDigested", testMarkDigested},
		{"DueDeliveries", testDueDeliveries},
		{"LastSent", testLastSent},
		{"ConcurrentCorrections", testConcurrentCorrections},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tc.fn(t, s)
		})
	}
}
