package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// testFirstSightBacklogZero: a feed seen for the first time with backlog 0
// posts nothing but records its articles; only later articles are posted.
func testFirstSightBacklogZero(t *testing.T, s herald.Store) {
	items := []herald.Article{article("c", 30), article("b", 20), article("a", 10)}
	res := ingest(t, s, feedA, items, bothTargets(), 0)
	wantResult(t, "first sight", res, herald.IngestResult{FirstSight: true, New: 3})
	for _, tg := range bothTargets() {
		wantEmpty(t, s, tg)
	}
	if ts, err := s.PendingTargets(t.Context()); err != nil || len(ts) != 0 {
		t.Errorf("PendingTargets = %v, %v; want none", ts, err)
	}

	res = ingest(t, s, feedA, items, bothTargets(), 0)
	wantResult(t, "same items again", res, herald.IngestResult{})

	items = append([]herald.Article{article("d", 40)}, items...)
	res = ingest(t, s, feedA, items, bothTargets(), 0)
	wantResult(t, "one new item", res, herald.IngestResult{New: 1, Deliveries: 2})
	for _, tg := range bothTargets() {
		wantQueue(t, s, tg, "d")
		if d := next(t, s, tg); d.Article.Key != "d" || d.Target != tg {
			t.Errorf("NextDelivery(%s) = %s to %s, want d", tg, describe(d), d.Target)
		}
	}
}

// testBacklog: on a first sight only the newest backlog new articles, by
// publish time, get deliveries, and they are queued oldest first.
func testBacklog(t *testing.T, s herald.Store) {
	// Listed out of publication order on purpose.
	items := []herald.Article{
		article("p3", 30), article("p5", 50), article("p1", 10), article("p4", 40), article("p2", 20),
	}
	tests := []struct {
		backlog int
		want    []string
	}{
		{-1, nil},
		{0, nil},
		{1, []string{"p5"}},
		{2, []string{"p4", "p5"}},
		{5, []string{"p1", "p2", "p3", "p4", "p5"}},
		{10, []string{"p1", "p2", "p3", "p4", "p5"}},
	}
	for i, tc := range tests {
		// A feed of its own for each case, seen for the first time, and keys
		// of its own too, since keys are shared across feeds.
		feed := fmt.Sprintf("%s?case=%d", feedA, i)
		prefix := fmt.Sprintf("case%d-", i)
		batch := make([]herald.Article, len(items))
		for j, a := range items {
			a.Key = prefix + a.Key
			batch[j] = a
		}
		want := make([]string, len(tc.want))
		for j, k := range tc.want {
			want[j] = prefix + k
		}
		res := ingest(t, s, feed, batch, []herald.Target{console}, tc.backlog)
		wantResult(t, fmt.Sprintf("backlog %d", tc.backlog), res,
			herald.IngestResult{FirstSight: true, New: len(items), Deliveries: len(want)})
		got := slices.DeleteFunc(queue(t, s, console), func(k string) bool { return !strings.HasPrefix(k, prefix) })
		if !slices.Equal(got, want) {
			t.Errorf("backlog %d: queued %q, want %q", tc.backlog, got, want)
		}
	}
}

// testDedupeAcrossFeeds: an article seen in one feed is not new in another.
func testDedupeAcrossFeeds(t *testing.T, s herald.Store) {
	ingest(t, s, feedA, []herald.Article{article("shared", 10)}, bothTargets(), 10)
	b := article("shared", 10)
	b.Feed = feedB
	b.Headline = "The same story seen from another feed"
	res := ingest(t, s, feedB, []herald.Article{article("only-b", 20), b}, bothTargets(), 10)
	wantResult(t, "second feed", res, herald.IngestResult{FirstSight: true, New: 1, Deliveries: 2})
	for _, tg := range bothTargets() {
		wantQueue(t, s, tg, "shared", "only-b")
		if d := next(t, s, tg); d.Article.Feed != feedA || d.Article.Headline != "Headline of shared" {
			t.Errorf("%s: shared article recorded from %s as %q, want the first feed's", tg, d.Article.Feed, d.Article.Headline)
		}
	}
}

// testDuplicateKeyInBatch: a Key listed twice in one fetch is recorded once,
// as first listed.
func testDuplicateKeyInBatch(t *testing.T, s herald.Store) {
	first := article("dup", 10)
	first.Headline = "First listing"
	second := article("dup", 5)
	second.Headline = "Second listing"
	res := ingest(t, s, feedA, []herald.Article{first, second}, bothTargets(), 10)
	wantResult(t, "duplicate key", res, herald.IngestResult{FirstSight: true, New: 1, Deliveries: 2})
	d := next(t, s, discord)
	if d.Article.Headline != "First listing" || !d.Article.Published.Equal(first.Published) {
		t.Errorf("recorded %q published %v, want the first listing", d.Article.Headline, d.Article.Published)
	}
}

// testKeylessAndFeedless: an article without a Key is ignored; one without
// a Feed is recorded with the ingested feed.
func testKeylessAndFeedless(t *testing.T, s herald.Store) {
	keyless := article("", 10)
	feedless := article("feedless", 20)
	feedless.Feed = ""
	res := ingest(t, s, feedB, []herald.Article{feedless, keyless}, []herald.Target{discord}, 10)
	wantResult(t, "keyless", res, herald.IngestResult{FirstSight: true, New: 1, Deliveries: 1})
	if d := next(t, s, discord); d.Article.Key != "feedless" || d.Article.Feed != feedB {
		t.Errorf("NextDelivery = %s from feed %q, want feedless from %s", describe(d), d.Article.Feed, feedB)
	}
}

// testNoTargets: articles ingested without targets are recorded as seen
// and get no deliveries later either.
func testNoTargets(t *testing.T, s herald.Store) {
	ingest(t, s, feedA, []herald.Article{article("seen", 10)}, nil, 10)
	items := []herald.Article{article("later", 20), article("seen", 10)}
	res := ingest(t, s, feedA, items, bothTargets(), 10)
	wantResult(t, "with targets", res, herald.IngestResult{New: 1, Deliveries: 2})
	wantQueue(t, s, discord, "later")
}

// testInvalidTargetRecordsNothing: an Ingest that fails leaves nothing
// behind, not even the feed's first sight.
func testInvalidTargetRecordsNothing(t *testing.T, s herald.Store) {
	items := []herald.Article{article("x", 10), article("y", 20)}
	bad := []herald.Target{discord, {Platform: "carrier-pigeon", Chat: "loft"}}
	if _, err := s.Ingest(t.Context(), feedA, items, all(bad...), 10); err == nil {
		t.Fatal("Ingest with an invalid target succeeded")
	}
	if _, err := s.Ingest(t.Context(), feedA, items, all(herald.Target{Platform: herald.Discord}), 10); err == nil {
		t.Fatal("Ingest with a target without chat succeeded")
	}
	res := ingest(t, s, feedA, items, bothTargets(), 10)
	wantResult(t, "after failures", res, herald.IngestResult{FirstSight: true, New: 2, Deliveries: 4})
}

// testCancelledIngestRecordsNothing: an Ingest whose context is done fails
// and records nothing.
func testCancelledIngestRecordsNothing(t *testing.T, s herald.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	items := []herald.Article{article("x", 10)}
	if _, err := s.Ingest(ctx, feedA, items, all(bothTargets()...), 10); err == nil {
		t.Fatal("Ingest with a cancelled context succeeded")
	}
	res := ingest(t, s, feedA, items, bothTargets(), 10)
	wantResult(t, "after cancel", res, herald.IngestResult{FirstSight: true, New: 1, Deliveries: 2})
}

// testQueueOrder: a target's queue follows publish time, even when articles
// arrive out of order and from several feeds.
func testQueueOrder(t *testing.T, s herald.Store) {
	ingest(t, s, feedA, []herald.Article{article("late", 50)}, bothTargets(), 10)
	ingest(t, s, feedB, []herald.Article{article("early", 10)}, bothTargets(), 10)
	ingest(t, s, feedA, []herald.Article{article("late", 50), article("middle", 30)}, []herald.Target{discord}, 10)
	wantQueue(t, s, discord, "early", "middle", "late")
	wantQueue(t, s, telegram, "early", "late")

	var got []string
	for range 3 {
		d := next(t, s, discord)
		got = append(got, d.Article.Key)
		if err := s.MarkSent(t.Context(), d.ID, "m-"+d.Article.Key); err != nil {
			t.Fatalf("MarkSent(%d): %v", d.ID, err)
		}
	}
	if want := []string{"early", "middle", "late"}; !slices.Equal(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}
	wantEmpty(t, s, discord)
	if got := keys(deliveries(t, s, discord)); !slices.Equal(got, []string{"early", "middle", "late"}) {
		t.Errorf("Deliveries(discord) = %q, want early, middle, late", got)
	}
}

// testEqualPublishedOrder: articles published at the same instant are
// queued in the reverse of their listing order, and on a first sight the
// first listed count as the newest.
func testEqualPublishedOrder(t *testing.T, s herald.Store) {
	items := []herald.Article{article("listed1", 10), article("listed2", 10), article("listed3", 10), article("older", 5)}
	res := ingest(t, s, feedA, items, []herald.Target{discord}, 2)
	wantResult(t, "equal times", res, herald.IngestResult{FirstSight: true, New: 4, Deliveries: 2})
	wantQueue(t, s, discord, "listed2", "listed1")

	more := []herald.Article{article("more1", 20), article("more2", 20)}
	ingest(t, s, feedA, more, []herald.Target{discord}, 0)
	wantQueue(t, s, discord, "listed2", "listed1", "more2", "more1")
}

// testRoundTrip: an article comes back exactly as it went in.
func testRoundTrip(t *testing.T, s herald.Store) {
	full := herald.Article{
		Key:      "tag:news.example.com,2024:story/7 ünïcødé 🗞️",
		URL:      "https://news.example.com/world/asia/café-opens?id=7&lang=fr",
		Headline: "Café « L’Étoile » rouvre à Zürich 🎉 — «ça marche» 北京",
		Dateline: herald.Dateline{
			Text:   "ZÜRICH, April 8 (Reuters)",
			Place:  "ZÜRICH",
			Date:   "2024-04-08",
			Agency: "Reuters",
		},
		Lead:      "Line one.\nLine two with \"quotes\", <tags> & a tab\there, and 'apostrophes'.",
		Topics:    []string{"World", "Europe", "Économie", "🍵"},
		Image:     "https://img.example.com/a%20b.jpg",
		Published: at(17).In(time.FixedZone("JST", 9*60*60)),
		Source:    "Example News — Édition Monde",
		Feed:      feedA,
	}
	empty := article("empty-topics", 20)
	empty.Topics = []string{}
	none := article("nil-topics", 30)
	none.Topics = nil
	none.Image = ""
	zero := article("zero-time", 40)
	zero.Published = time.Time{}

	items := []herald.Article{none, empty, full, zero}
	ingest(t, s, feedA, items, []herald.Target{telegram}, 10)
	got := deliveries(t, s, telegram)
	if len(got) != len(items) {
		t.Fatalf("Deliveries = %d, want %d", len(got), len(items))
	}
	byKey := map[string]herald.Article{}
	for _, d := range got {
		byKey[d.Article.Key] = d.Article
		if d.Target != telegram {
			t.Errorf("delivery %d target = %v, want %v", d.ID, d.Target, telegram)
		}
	}
	for _, want := range items {
		a, ok := byKey[want.Key]
		if !ok {
			t.Errorf("article %q missing", want.Key)
			continue
		}
		if !a.Published.Equal(want.Published) {
			t.Errorf("%q: Published = %v, want %v", want.Key, a.Published, want.Published)
		}
		if want.Published.IsZero() != a.Published.IsZero() {
			t.Errorf("%q: Published.IsZero() = %v, want %v", want.Key, a.Published.IsZero(), want.Published.IsZero())
		}
		a.Published = want.Published
		if !reflect.DeepEqual(a, want) {
			t.Errorf("%q round trip:\n got %#v\nwant %#v", want.Key, a, want)
		}
	}
	if k := keys(got); k[0] != "zero-time" {
		t.Errorf("queue %q: want the article without a publish time first", k)
	}
}

// wantErrNotFound fails the test unless err wraps herald.ErrNotFound.
func wantErrNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("%s: err = %v, want one wrapping ErrNotFound", what, err)
	}
}
