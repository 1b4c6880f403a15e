package storetest

import (
	"slices"
	"testing"

	"github.com/heraldhq/herald"
)

// recorder is a route that records the articles it was called for.
type recorder struct {
	calls []string
	route func(herald.Article) []herald.Target
}

func (r *recorder) Route(a herald.Article) []herald.Target {
	r.calls = append(r.calls, a.Key)
	return r.route(a)
}

// testRouteDuplicates: a target that route returns twice gets one
// delivery, counted once.
func testRouteDuplicates(t *testing.T, s herald.Store) {
	route := all(discord, telegram, discord, telegram, discord)
	res := ingestRoute(t, s, feedA, []herald.Article{article("b", 20), article("a", 10)}, route, 10)
	wantResult(t, "duplicate targets", res, herald.IngestResult{FirstSight: true, New: 2, Deliveries: 4})
	wantQueue(t, s, discord, "a", "b")
	wantQueue(t, s, telegram, "a", "b")
}

// testRoutePerArticle: each article goes where route sends it, and route
// sees the article as ingested.
func testRoutePerArticle(t *testing.T, s herald.Store) {
	asia := article("asia", 10)
	asia.Topics = []string{"World", "Asia"}
	asia.Body = "The body is passed to route too."
	europe := article("europe", 20)
	europe.Topics = []string{"Europe"}
	europe.Feed = ""
	none := article("none", 30)
	none.Topics = nil

	var seen []herald.Article
	route := func(a herald.Article) []herald.Target {
		seen = append(seen, a)
		var ts []herald.Target
		if slices.Contains(a.Topics, "Asia") {
			ts = append(ts, telegram)
		}
		if slices.Contains(a.Topics, "Europe") {
			ts = append(ts, discord, console)
		}
		return ts
	}
	res := ingestRoute(t, s, feedB, []herald.Article{none, europe, asia}, route, 10)
	wantResult(t, "routed", res, herald.IngestResult{FirstSight: true, New: 3, Deliveries: 3})
	wantQueue(t, s, telegram, "asia")
	wantQueue(t, s, discord, "europe")
	wantQueue(t, s, console, "europe")

	if len(seen) != 3 {
		t.Fatalf("route called %d times, want 3", len(seen))
	}
	for _, a := range seen {
		switch a.Key {
		case "asia":
			if a.Body != asia.Body || a.Headline != asia.Headline || !slices.Equal(a.Topics, asia.Topics) {
				t.Errorf("route saw %+v, want the article as ingested", a)
			}
		case "europe":
			if a.Feed != feedB {
				t.Errorf("route saw Feed %q, want %q filled in", a.Feed, feedB)
			}
		}
	}
}

// testRouteOnlyForDeliveries: route is called once for each new article
// that gets deliveries, and never for articles seen before or recorded
// beyond the backlog of a first sight.
func testRouteOnlyForDeliveries(t *testing.T, s herald.Store) {
	r := &recorder{route: func(herald.Article) []herald.Target { return []herald.Target{discord} }}
	items := []herald.Article{article("c", 30), article("a", 10), article("b", 20)}
	res := ingestRoute(t, s, feedA, items, r.Route, 1)
	wantResult(t, "first sight", res, herald.IngestResult{FirstSight: true, New: 3, Deliveries: 1})
	if !slices.Equal(r.calls, []string{"c"}) {
		t.Errorf("first sight with backlog 1: route called for %q, want c only", r.calls)
	}

	r.calls = nil
	items = append([]herald.Article{article("e", 50), article("d", 40)}, items...)
	res = ingestRoute(t, s, feedA, items, r.Route, 1)
	wantResult(t, "two new", res, herald.IngestResult{New: 2, Deliveries: 2})
	if !slices.Equal(r.calls, []string{"d", "e"}) {
		t.Errorf("route called for %q, want d and e in publication order", r.calls)
	}

	r.calls = nil
	res = ingestRoute(t, s, feedA, items, r.Route, 1)
	wantResult(t, "nothing new", res, herald.IngestResult{})
	if len(r.calls) != 0 {
		t.Errorf("route called for %q, want no call for articles seen before", r.calls)
	}
	wantQueue(t, s, discord, "c", "d", "e")
}

// testNilRoute: a nil route records the articles without deliveries.
func testNilRoute(t *testing.T, s herald.Store) {
	res := ingestRoute(t, s, feedA, []herald.Article{article("a", 10)}, nil, 10)
	wantResult(t, "nil route", res, herald.IngestResult{FirstSight: true, New: 1})
	res = ingestRoute(t, s, feedA, []herald.Article{article("b", 20), article("a", 10)}, nil, 10)
	wantResult(t, "nil route again", res, herald.IngestResult{New: 1})
	res = ingest(t, s, feedA, []herald.Article{article("b", 20), article("a", 10)}, bothTargets(), 10)
	wantResult(t, "with a route", res, herald.IngestResult{})
	if ts, err := s.PendingTargets(t.Context()); err != nil || len(ts) != 0 {
		t.Errorf("PendingTargets = %v, %v; want none", ts, err)
	}
}

// testRouteInvalidTarget: an invalid target returned for one article fails
// the whole Ingest, which records nothing, not even the articles' index.
func testRouteInvalidTarget(t *testing.T, s herald.Store) {
	ctx := t.Context()
	route := func(a herald.Article) []herald.Target {
		if a.Key == "bad" {
			return []herald.Target{{Platform: "carrier-pigeon", Chat: "loft"}}
		}
		return []herald.Target{discord}
	}
	bad := article("bad", 20)
	bad.Topics = []string{"Pigeons"}
	if _, err := s.Ingest(ctx, feedA, []herald.Article{bad, article("good", 10)}, route, 10); err == nil {
		t.Fatal("Ingest with an invalid routed target succeeded")
	}
	if ts, err := s.Topics(ctx, "", 0); err != nil || len(ts) != 0 {
		t.Errorf("Topics after a failed Ingest = %v, %v; want none", ts, err)
	}
	if as, err := s.Search(ctx, "headline", 10); err != nil || len(as) != 0 {
		t.Errorf("Search after a failed Ingest = %d articles, %v; want none", len(as), err)
	}
	res := ingest(t, s, feedA, []herald.Article{bad, article("good", 10)}, bothTargets(), 10)
	wantResult(t, "after the failure", res, herald.IngestResult{FirstSight: true, New: 2, Deliveries: 4})
}
