package storetest

import (
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// testFeedStateRoundTrip: what SaveFeedState saves, FeedState returns, and a
// later save replaces it entirely.
func testFeedStateRoundTrip(t *testing.T, s herald.Store) {
	ctx := t.Context()
	first := herald.FeedState{
		URL:          feedA,
		ETag:         `W/"5e1f-ä"`,
		LastModified: "Mon, 08 Apr 2024 09:00:00 GMT",
		LastFetch:    at(3).In(time.FixedZone("CEST", 2*60*60)),
	}
	second := herald.FeedState{
		URL:       feedA,
		LastFetch: at(8),
		LastError: "GET: 503 Service Unavailable ⚠",
	}
	other := herald.FeedState{URL: feedB, ETag: "b", LastFetch: at(1)}
	for _, st := range []herald.FeedState{first, other, second} {
		if err := s.SaveFeedState(ctx, st); err != nil {
			t.Fatalf("SaveFeedState(%+v): %v", st, err)
		}
		got, err := s.FeedState(ctx, st.URL)
		if err != nil {
			t.Fatalf("FeedState(%s): %v", st.URL, err)
		}
		wantFeedState(t, got, st)
	}
	got, err := s.FeedState(ctx, feedB)
	if err != nil {
		t.Fatalf("FeedState(%s): %v", feedB, err)
	}
	wantFeedState(t, got, other)
}

// testFeedStateNotFound: a feed never fetched has no state, even when it
// was ingested.
func testFeedStateNotFound(t *testing.T, s herald.Store) {
	_, err := s.FeedState(t.Context(), feedA)
	wantErrNotFound(t, "FeedState of an unknown feed", err)
	ingest(t, s, feedA, []herald.Article{article("a", 10)}, bothTargets(), 0)
	_, err = s.FeedState(t.Context(), feedA)
	wantErrNotFound(t, "FeedState of a feed only ingested", err)
}

// testSaveFeedStateIsNotIngest: saving a feed's state does not make its
// first Ingest any less of a first sight, and Ingest keeps the state.
func testSaveFeedStateIsNotIngest(t *testing.T, s herald.Store) {
	ctx := t.Context()
	st := herald.FeedState{URL: feedA, ETag: `"v1"`, LastFetch: at(0)}
	if err := s.SaveFeedState(ctx, st); err != nil {
		t.Fatalf("SaveFeedState: %v", err)
	}
	res := ingest(t, s, feedA, []herald.Article{article("b", 20), article("a", 10)}, bothTargets(), 1)
	wantResult(t, "first ingest after SaveFeedState", res, herald.IngestResult{FirstSight: true, New: 2, Deliveries: 2})
	wantQueue(t, s, discord, "b")

	got, err := s.FeedState(ctx, feedA)
	if err != nil {
		t.Fatalf("FeedState after Ingest: %v", err)
	}
	wantFeedState(t, got, st)

	st.ETag = `"v2"`
	if err := s.SaveFeedState(ctx, st); err != nil {
		t.Fatalf("SaveFeedState: %v", err)
	}
	res = ingest(t, s, feedA, []herald.Article{article("c", 30)}, bothTargets(), 0)
	wantResult(t, "ingest after a second save", res, herald.IngestResult{New: 1, Deliveries: 2})
}

// wantFeedState fails the test when got is not want.
func wantFeedState(t *testing.T, got, want herald.FeedState) {
	t.Helper()
	if !got.LastFetch.Equal(want.LastFetch) {
		t.Errorf("FeedState(%s).LastFetch = %v, want %v", want.URL, got.LastFetch, want.LastFetch)
	}
	got.LastFetch = want.LastFetch
	if got != want {
		t.Errorf("FeedState(%s) = %+v, want %+v", want.URL, got, want)
	}
}
