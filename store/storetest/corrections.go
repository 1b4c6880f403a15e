package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// A chat of the correction tests: a Telegram group, whose name sorts after
// the other targets'.
var chat = herald.Target{Platform: herald.Telegram, Chat: "@later_news"}

// corrected returns a with its headline, lead, dateline and image changed,
// as a newsroom correcting it would; n tells corrections apart.
func corrected(a herald.Article, n int) herald.Article {
	a.Headline = fmt.Sprintf("%s (corrected %d)", a.Headline, n)
	a.Lead = fmt.Sprintf("The lead as corrected, version %d.", n)
	a.Dateline = herald.Dateline{Text: fmt.Sprintf("PARIS, April %d (AFP)", n), Place: "PARIS", Agency: "AFP"}
	a.Image = fmt.Sprintf("https://img.example.com/%s-%d.jpg", a.Key, n)
	return a
}

// send marks the pending delivery of key to target sent as message "msg-"
// followed by key, and returns it as sent.
func send(t *testing.T, s herald.Store, target herald.Target, key string) herald.Delivery {
	t.Helper()
	d := pendingOf(t, s, target, key)
	if err := s.MarkSent(t.Context(), d.ID, "msg-"+key); err != nil {
		t.Fatalf("MarkSent(%s): %v", describe(d), err)
	}
	return find(t, s, target, d.ID)
}

// pendingOf returns the pending delivery of key to target.
func pendingOf(t *testing.T, s herald.Store, target herald.Target, key string) herald.Delivery {
	t.Helper()
	for _, d := range deliveries(t, s, target) {
		if d.Article.Key == key && d.State == herald.Pending {
			return d
		}
	}
	t.Fatalf("no pending delivery of %s to %s", key, target)
	return herald.Delivery{}
}

// nextEdit returns the head of target's edits and fails the test when
// there is none.
func nextEdit(t *testing.T, s herald.Store, target herald.Target) herald.Edit {
	t.Helper()
	e, err := s.NextEdit(t.Context(), target)
	if err != nil {
		t.Fatalf("NextEdit(%s): %v", target, err)
	}
	return e
}

// wantNoEdit fails the test when target has a pending edit.
func wantNoEdit(t *testing.T, s herald.Store, target herald.Target) {
	t.Helper()
	e, err := s.NextEdit(t.Context(), target)
	if !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("NextEdit(%s) = %s, %v; want ErrNotFound", target, describeEdit(e), err)
	}
}

// revisions returns the revisions of the article of ref.
func revisions(t *testing.T, s herald.Store, ref string) []herald.Revision {
	t.Helper()
	rs, err := s.Revisions(t.Context(), ref)
	if err != nil {
		t.Fatalf("Revisions(%q): %v", ref, err)
	}
	return rs
}

// itemHashes returns the recorded item hashes of keys known from feedA.
func itemHashes(t *testing.T, s herald.Store, keys ...string) map[string]string {
	t.Helper()
	m, err := s.ItemHashes(t.Context(), feedA, keys)
	if err != nil {
		t.Fatalf("ItemHashes(%q): %v", keys, err)
	}
	return m
}

// trace returns the article of ref as the store has it.
func trace(t *testing.T, s herald.Store, ref string) (herald.Article, []herald.Delivery) {
	t.Helper()
	a, ds, err := s.Trace(t.Context(), ref)
	if err != nil {
		t.Fatalf("Trace(%q): %v", ref, err)
	}
	return a, ds
}

// describeEdit returns a short description of e for failure messages.
func describeEdit(e herald.Edit) string {
	return fmt.Sprintf("{id %d, %s of %s to %s, revision %d, %s, attempts %d, error %q}",
		e.ID, e.Kind, e.Delivery.Article.Key, e.Delivery.Target, e.Revision, e.State, e.Attempts, e.LastError)
}

// describeEdits describes es, one after the other.
func describeEdits(es []herald.Edit) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%s %s %s %s", e.Kind, e.Delivery.Target, e.State, e.LastError)
	}
	return out
}

// noRoute is a route that fails the test if it is called.
func noRoute(t *testing.T) func(herald.Article) []herald.Target {
	return func(a herald.Article) []herald.Target {
		t.Errorf("route called for %s", a.Key)
		return nil
	}
}

// sameText reports whether a and b read the same: headline, dateline,
// lead and image.
func sameText(a, b herald.Article) bool {
	return a.Headline == b.Headline && a.Dateline == b.Dateline && a.Lead == b.Lead && a.Image == b.Image
}

// about fails the test unless got is within a minute of now: loose bounds,
// that catch a wrong unit or zone, not a slow clock.
func about(t *testing.T, what string, got time.Time) {
	t.Helper()
	if now := time.Now(); got.Before(now.Add(-time.Minute)) || got.After(now.Add(time.Minute)) {
		t.Errorf("%s = %v, want about now (%v)", what, got, now)
	}
}

// testItemHashes: the item hash of each known key is the ItemHash it was
// ingested with, or its ContentHash when it had none; unknown keys are
// left out.
func testItemHashes(t *testing.T, s herald.Store) {
	a := article("a", 10)
	b := article("b", 20)
	b.ItemHash = "item-hash-of-b"
	ingest(t, s, feedA, []herald.Article{b, a}, nil, 0)
	want := map[string]string{"a": a.ContentHash(), "b": "item-hash-of-b"}
	if got := itemHashes(t, s, "a", "b", "unknown", ""); !maps.Equal(got, want) {
		t.Errorf("ItemHashes = %v, want %v", got, want)
	}
	if got := itemHashes(t, s); len(got) != 0 {
		t.Errorf("ItemHashes() = %v, want none", got)
	}
	// Keys are known from their own feed only.
	if got, err := s.ItemHashes(t.Context(), feedB, []string{"a", "b"}); err != nil || len(got) != 0 {
		t.Errorf("ItemHashes from another feed = %v, %v; want none", got, err)
	}
	// Many keys at once, most unknown.
	many := []string{"b"}
	for i := range 2000 {
		many = append(many, fmt.Sprintf("unknown-%d", i))
	}
	many = append(many, "a")
	if got := itemHashes(t, s, many...); !maps.Equal(got, want) {
		t.Errorf("ItemHashes of 2002 keys = %v, want %v", got, want)
	}
}

// testCorrection: a known article whose content changed is rewritten, the
// change is kept as a revision, pending deliveries send the new content,
// sent posts get an edit, and search finds the new words, not the old.
func testCorrection(t *testing.T, s herald.Store) {
	ctx := t.Context()
	a := story("story", 10, "Zanzibar ferry sinks", "A ferry sank off Zanzibar.", "The lighthouse keeper saw it.", "World", "Africa")
	a.Dateline = herald.Dateline{Text: "ZANZIBAR, April 8 (Reuters)", Place: "ZANZIBAR", Date: "2024-04-08", Agency: "Reuters"}
	a.Image = "https://img.example.com/ferry.jpg"
	other := article("other", 20)
	targets := []herald.Target{discord, telegram, console}
	res := ingest(t, s, feedA, []herald.Article{other, a}, targets, 10)
	wantResult(t, "first sight", res, herald.IngestResult{FirstSight: true, New: 2, Deliveries: 6})
	sent := send(t, s, discord, "story")
	if err := s.MarkFailed(ctx, pendingOf(t, s, console, "story").ID, "closed"); err != nil {
		t.Fatal(err)
	}

	fixed := story("story", 10, "Pemba ferry sinks", "A ferry sank off Pemba.", "The harbour master saw it.", "World", "Africa")
	fixed.Dateline = herald.Dateline{Text: "PEMBA, April 8 (Reuters)", Place: "PEMBA", Date: "2024-04-08", Agency: "Reuters"}
	// What a correction does not change, even when the item does.
	changed := fixed
	changed.Topics = []string{"Sport"}
	changed.Published = at(99)
	changed.Source = "Another Source"
	res = ingestRoute(t, s, feedA, []herald.Article{other, changed}, noRoute(t), 10)
	wantResult(t, "correction", res, herald.IngestResult{Corrected: 1, Edits: 1})

	want := a
	want.Headline, want.Lead, want.Dateline, want.Image, want.Body = fixed.Headline, fixed.Lead, fixed.Dateline, fixed.Image, ""
	for _, ref := range []string{a.Key, a.URL} {
		got, ds := trace(t, s, ref)
		if !got.Published.Equal(want.Published) {
			t.Errorf("Trace(%q).Published = %v, want %v", ref, got.Published, want.Published)
		}
		got.Published = want.Published
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Trace(%q) after the correction:\n got %#v\nwant %#v", ref, got, want)
		}
		if len(ds) != 3 {
			t.Errorf("Trace(%q): %d deliveries, want 3", ref, len(ds))
		}
	}
	if got := itemHashes(t, s, "story"); got["story"] != changed.ContentHash() {
		t.Errorf("ItemHashes after the correction = %v, want %s", got, changed.ContentHash())
	}

	// The pending delivery posts the article as it reads now.
	if d := next(t, s, telegram); d.Article.Key != "story" || !sameText(d.Article, fixed) {
		t.Errorf("NextDelivery(telegram) = %+v, want the corrected story", d.Article)
	}
	// The sent post gets one edit; the failed and pending deliveries none.
	e := nextEdit(t, s, discord)
	if e.ID == 0 || e.Revision == 0 || e.Kind != herald.EditPost || e.State != herald.Pending ||
		e.Attempts != 0 || e.LastError != "" || !e.Done.IsZero() {
		t.Errorf("edit = %s, want a pending EditPost", describeEdit(e))
	}
	about(t, "edit Created", e.Created)
	if !e.NextAttempt.Equal(e.Created) {
		t.Errorf("edit NextAttempt %v, want its Created %v", e.NextAttempt, e.Created)
	}
	d := e.Delivery
	if d.ID != sent.ID || d.Target != discord || d.State != herald.Sent || d.MessageID != "msg-story" ||
		!d.Sent.Equal(sent.Sent) || d.Digest || !sameText(d.Article, fixed) || d.Article.Key != "story" {
		t.Errorf("edit's delivery = %s message %q sent %v, %+v; want the sent delivery with the corrected story",
			describe(d), d.MessageID, d.Sent, d.Article)
	}
	wantNoEdit(t, s, telegram)
	wantNoEdit(t, s, console)

	revs := revisions(t, s, a.Key)
	if len(revs) != 1 {
		t.Fatalf("Revisions = %d, want 1", len(revs))
	}
	r := revs[0]
	if r.ID != e.Revision || !sameText(r.Before, a) || !sameText(r.After, fixed) {
		t.Errorf("revision %d: before %+v after %+v; want revision %d from the story to its correction", r.ID, r.Before, r.After, e.Revision)
	}
	about(t, "revision At", r.At)
	if !r.At.Equal(e.Created) {
		t.Errorf("revision At %v, edit Created %v: want the same time", r.At, e.Created)
	}
	if len(r.Edits) != 1 || r.Edits[0].ID != e.ID || r.Edits[0].Kind != herald.EditPost {
		t.Errorf("revision edits = %q, want the edit %d", describeEdits(r.Edits), e.ID)
	}

	// The search indexes hold the new words, not the old.
	for _, q := range []string{"pemba", "harbour", "ferry"} {
		if got := articleKeys(search(t, s, q, 5)); !slices.Equal(got, []string{"story"}) {
			t.Errorf("Search(%q) after the correction = %q, want story", q, got)
		}
	}
	for _, q := range []string{"zanzibar", "lighthouse"} {
		if got := search(t, s, q, 5); len(got) != 0 {
			t.Errorf("Search(%q) after the correction = %q, want nothing", q, articleKeys(got))
		}
	}
	if got := articleKeys(latest(t, s, "Pemba ferry", 5)); !slices.Equal(got, []string{"story"}) {
		t.Errorf("Latest(Pemba ferry) = %q, want story", got)
	}
	if got := latest(t, s, "Zanzibar", 5); len(got) != 0 {
		t.Errorf("Latest(Zanzibar) = %q, want nothing", articleKeys(got))
	}
	if got := articleKeys(latest(t, s, "Africa", 5)); !slices.Equal(got, []string{"story"}) {
		t.Errorf("Latest(Africa) = %q, want story: topics stay", got)
	}
	ts, err := s.Topics(ctx, "sport", 0)
	if err != nil || len(ts) != 0 {
		t.Errorf("Topics(sport) = %v, %v; want none", ts, err)
	}

	// Seen again as corrected, nothing happens.
	res = ingestRoute(t, s, feedA, []herald.Article{other, changed}, noRoute(t), 10)
	wantResult(t, "same correction again", res, herald.IngestResult{})
	if revs := revisions(t, s, a.Key); len(revs) != 1 {
		t.Errorf("Revisions after the same fetch = %d, want 1", len(revs))
	}
}

// testItemHashDecides: the item hash, not the content, says whether a
// known article is looked at; a change of item that reads the same is
// kept without a revision.
func testItemHashDecides(t *testing.T, s herald.Store) {
	a := article("a", 10)
	a.ItemHash = "teaser-1"
	ingest(t, s, feedA, []herald.Article{a}, []herald.Target{discord}, 10)
	send(t, s, discord, "a")

	// The same item, completed otherwise: the store cannot tell, and
	// keeps what it has.
	same := corrected(a, 1)
	res := ingestRoute(t, s, feedA, []herald.Article{same}, noRoute(t), 10)
	wantResult(t, "same item hash", res, herald.IngestResult{})
	if got, _ := trace(t, s, "a"); !sameText(got, a) {
		t.Errorf("article changed to %+v by an item of the same hash", got)
	}

	// Another item that reads the same: a new item hash, no revision.
	reworded := a
	reworded.ItemHash = "teaser-2"
	res = ingestRoute(t, s, feedA, []herald.Article{reworded}, noRoute(t), 10)
	wantResult(t, "new item hash, same content", res, herald.IngestResult{})
	if got := itemHashes(t, s, "a"); got["a"] != "teaser-2" {
		t.Errorf("ItemHashes = %v, want teaser-2", got)
	}
	if revs := revisions(t, s, "a"); len(revs) != 0 {
		t.Errorf("Revisions = %d, want none", len(revs))
	}
	wantNoEdit(t, s, discord)

	// Another item that reads otherwise: a correction.
	fixed := corrected(a, 2)
	fixed.ItemHash = "teaser-3"
	res = ingestRoute(t, s, feedA, []herald.Article{fixed}, noRoute(t), 10)
	wantResult(t, "new item hash, new content", res, herald.IngestResult{Corrected: 1, Edits: 1})
	if got := itemHashes(t, s, "a"); got["a"] != "teaser-3" {
		t.Errorf("ItemHashes = %v, want teaser-3", got)
	}
}

// testCorrectionOtherFeed: a known article listed by another feed than its
// own is left alone, whatever that feed says of it.
func testCorrectionOtherFeed(t *testing.T, s herald.Store) {
	a := article("shared", 10)
	ingest(t, s, feedA, []herald.Article{a}, []herald.Target{discord}, 10)
	send(t, s, discord, "shared")

	b := corrected(a, 1)
	b.Feed = feedB
	b.ItemHash = "feed-b-item"
	res := ingestRoute(t, s, feedB, []herald.Article{b}, noRoute(t), 10)
	wantResult(t, "another feed", res, herald.IngestResult{FirstSight: true})
	res = ingestRoute(t, s, feedB, []herald.Article{b}, noRoute(t), 10)
	wantResult(t, "another feed again", res, herald.IngestResult{})
	if got, _ := trace(t, s, "shared"); !sameText(got, a) || got.Feed != feedA {
		t.Errorf("article changed by another feed: %+v", got)
	}
	if got := itemHashes(t, s, "shared"); got["shared"] != a.ContentHash() {
		t.Errorf("ItemHashes = %v, want the own feed's %s", got, a.ContentHash())
	}
	if revs := revisions(t, s, "shared"); len(revs) != 0 {
		t.Errorf("Revisions = %d, want none", len(revs))
	}
	wantNoEdit(t, s, discord)

	// Its own feed corrects it.
	b.Feed = feedA
	res = ingestRoute(t, s, feedA, []herald.Article{b}, noRoute(t), 10)
	wantResult(t, "own feed", res, herald.IngestResult{Corrected: 1, Edits: 1})
}

// testCorrectionSupersedes: a pending edit of a post is superseded by the
// edit of a later correction; an edit done stays done.
func testCorrectionSupersedes(t *testing.T, s herald.Store) {
	ctx := t.Context()
	a := article("a", 10)
	ingest(t, s, feedA, []herald.Article{a}, []herald.Target{discord, chat}, 10)
	send(t, s, discord, "a")
	send(t, s, chat, "a")

	first := corrected(a, 1)
	res := ingest(t, s, feedA, []herald.Article{first}, bothTargets(), 10)
	wantResult(t, "first correction", res, herald.IngestResult{Corrected: 1, Edits: 2})
	e1 := nextEdit(t, s, discord)
	c1 := nextEdit(t, s, chat)
	if err := s.MarkEdited(ctx, c1.ID); err != nil {
		t.Fatalf("MarkEdited(%d): %v", c1.ID, err)
	}

	second := corrected(a, 2)
	res = ingest(t, s, feedA, []herald.Article{second}, bothTargets(), 10)
	wantResult(t, "second correction", res, herald.IngestResult{Corrected: 1, Edits: 2})
	e2 := nextEdit(t, s, discord)
	c2 := nextEdit(t, s, chat)
	if e2.ID == e1.ID || e2.Revision == e1.Revision || !sameText(e2.Delivery.Article, second) {
		t.Errorf("NextEdit(discord) = %s, want the second correction's", describeEdit(e2))
	}
	if c2.ID == c1.ID || c2.Revision != e2.Revision {
		t.Errorf("NextEdit(chat) = %s, want the second correction's", describeEdit(c2))
	}
	wantMarkNotPending(t, s, e1.ID)

	revs := revisions(t, s, "a")
	if len(revs) != 2 {
		t.Fatalf("Revisions = %d, want 2", len(revs))
	}
	if revs[0].ID != e1.Revision || revs[1].ID != e2.Revision {
		t.Errorf("revisions %d, %d; want %d, %d, oldest first", revs[0].ID, revs[1].ID, e1.Revision, e2.Revision)
	}
	if !sameText(revs[0].Before, a) || !sameText(revs[0].After, first) ||
		!sameText(revs[1].Before, first) || !sameText(revs[1].After, second) {
		t.Errorf("revisions read %q → %q, %q → %q; want a → first → second",
			revs[0].Before.Headline, revs[0].After.Headline, revs[1].Before.Headline, revs[1].After.Headline)
	}
	want := []string{
		"edit discord:1234567890 failed superseded by a later correction",
		"edit telegram:@later_news sent ",
	}
	if got := describeEdits(revs[0].Edits); !slices.Equal(got, want) {
		t.Errorf("first revision's edits = %q, want %q", got, want)
	}
	if e := revs[0].Edits[1]; e.ID != c1.ID {
		t.Errorf("first revision's chat edit = %s, want %d", describeEdit(e), c1.ID)
	} else {
		about(t, "Done of an edit done", e.Done)
	}
	if e := revs[0].Edits[0]; !e.Done.IsZero() {
		t.Errorf("superseded edit Done = %v, want zero", e.Done)
	}
	want = []string{"edit discord:1234567890 pending ", "edit telegram:@later_news pending "}
	if got := describeEdits(revs[1].Edits); !slices.Equal(got, want) {
		t.Errorf("second revision's edits = %q, want %q", got, want)
	}
}

// testCorrectionEditsOnlyPosts: only deliveries sent on their own, with a
// message, get edits: not those sent in a digest, sent without a message,
// pending or failed.
func testCorrectionEditsOnlyPosts(t *testing.T, s herald.Store) {
	ctx := t.Context()
	a := article("a", 10)
	targets := []herald.Target{discord, telegram, console, chat, group}
	ingest(t, s, feedA, []herald.Article{a}, targets, 10)
	send(t, s, discord, "a")
	if err := s.MarkDigested(ctx, []int64{pendingOf(t, s, telegram, "a").ID}, "digest-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, pendingOf(t, s, console, "a").ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, pendingOf(t, s, group, "a").ID, "refused"); err != nil {
		t.Fatal(err)
	}
	res := ingest(t, s, feedA, []herald.Article{corrected(a, 1)}, targets, 10)
	wantResult(t, "correction", res, herald.IngestResult{Corrected: 1, Edits: 1})
	if e := nextEdit(t, s, discord); e.Delivery.Article.Key != "a" {
		t.Errorf("NextEdit(discord) = %s", describeEdit(e))
	}
	for _, tg := range []herald.Target{telegram, console, chat, group} {
		wantNoEdit(t, s, tg)
	}
}

// testCorrectionFailedIngest: an Ingest that fails records no correction.
func testCorrectionFailedIngest(t *testing.T, s herald.Store) {
	a := article("a", 10)
	ingest(t, s, feedA, []herald.Article{a}, []herald.Target{discord}, 10)
	send(t, s, discord, "a")
	batch := []herald.Article{article("new", 20), corrected(a, 1)}

	bad := all(discord, herald.Target{Platform: "carrier-pigeon", Chat: "loft"})
	if _, err := s.Ingest(t.Context(), feedA, batch, bad, 10); err == nil {
		t.Fatal("Ingest with an invalid target succeeded")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := s.Ingest(ctx, feedA, batch, all(discord), 10); err == nil {
		t.Fatal("Ingest with a cancelled context succeeded")
	}
	if got, _ := trace(t, s, "a"); !sameText(got, a) {
		t.Errorf("article after failed Ingests = %+v, want it unchanged", got)
	}
	if got := itemHashes(t, s, "a"); got["a"] != a.ContentHash() {
		t.Errorf("ItemHashes after failed Ingests = %v", got)
	}
	if revs := revisions(t, s, "a"); len(revs) != 0 {
		t.Errorf("Revisions after failed Ingests = %d, want none", len(revs))
	}
	wantNoEdit(t, s, discord)

	res := ingest(t, s, feedA, batch, []herald.Target{discord}, 10)
	wantResult(t, "after failures", res, herald.IngestResult{New: 1, Deliveries: 1, Corrected: 1, Edits: 1})
}

// testDropped: the articles with posts sent on their own that the feed's
// last Ingest listed and this one does not are Dropped.
func testDropped(t *testing.T, s herald.Store) {
	ctx := t.Context()
	a, b, c, e, d := article("a", 10), article("b", 20), article("c", 30), article("e", 40), article("d", 50)
	a.Body = "Bodies are not kept."
	res := ingest(t, s, feedA, []herald.Article{e, c, b, a}, []herald.Target{discord}, 10)
	wantResult(t, "first sight", res, herald.IngestResult{FirstSight: true, New: 4, Deliveries: 4})
	send(t, s, discord, "a")
	if err := s.MarkDigested(ctx, []int64{pendingOf(t, s, discord, "b").ID}, "digest"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, pendingOf(t, s, discord, "c").ID, "refused"); err != nil {
		t.Fatal(err)
	}
	// e stays pending.

	res = ingest(t, s, feedA, []herald.Article{d}, []herald.Target{discord}, 10)
	if len(res.Dropped) != 1 || res.Dropped[0].Key != "a" {
		t.Fatalf("Dropped = %q, want a", articleKeys(res.Dropped))
	}
	wantArticles(t, "Dropped", res.Dropped, map[string]herald.Article{"a": a})
	if res.Dropped[0].Body != "" {
		t.Errorf("Dropped article has a Body: %q", res.Dropped[0].Body)
	}
	res.Dropped = nil
	wantResult(t, "d only", res, herald.IngestResult{New: 1, Deliveries: 1})

	steps := []struct {
		what  string
		items []herald.Article
		want  []string
	}{
		{"d again", []herald.Article{d}, nil},
		{"a back", []herald.Article{d, a}, nil},
		{"a gone again", []herald.Article{d}, []string{"a"}},
		{"a back again", []herald.Article{d, a}, nil},
		// A fetch listing nothing drops all, d with no post sent.
		{"empty", nil, []string{"a"}},
		{"after empty", []herald.Article{d}, nil},
	}
	for _, st := range steps {
		res := ingest(t, s, feedA, st.items, []herald.Target{discord}, 10)
		if got := articleKeys(res.Dropped); !slices.Equal(got, st.want) {
			t.Errorf("%s: Dropped = %q, want %q", st.what, got, st.want)
		}
		if res.New != 0 || res.Corrected != 0 || res.FirstSight {
			t.Errorf("%s: Ingest = %+v", st.what, res)
		}
	}

	// Another feed listing a and dropping it on its first sight: nothing.
	res = ingest(t, s, feedB, []herald.Article{a}, []herald.Target{discord}, 10)
	if len(res.Dropped) != 0 {
		t.Errorf("first sight of another feed: Dropped = %q", articleKeys(res.Dropped))
	}
	// Dropped articles come in the order they were recorded.
	f, g := article("f", 60), article("g", 5)
	ingest(t, s, feedA, []herald.Article{f, g, d}, []herald.Target{discord}, 10)
	send(t, s, discord, "f")
	send(t, s, discord, "g")
	res = ingest(t, s, feedA, []herald.Article{d}, []herald.Target{discord}, 10)
	if got, want := articleKeys(res.Dropped), []string{"g", "f"}; !slices.Equal(got, want) {
		t.Errorf("Dropped = %q, want %q", got, want)
	}
}
