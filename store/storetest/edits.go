package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// wantMarkNotPending fails the test unless MarkEdited, MarkEditRetry and
// MarkEditFailed all refuse the edit id with ErrNotFound.
func wantMarkNotPending(t *testing.T, s herald.Store, id int64) {
	t.Helper()
	ctx := t.Context()
	wantErrNotFound(t, "MarkEdited", s.MarkEdited(ctx, id))
	wantErrNotFound(t, "MarkEditRetry", s.MarkEditRetry(ctx, id, at(99), "late retry"))
	wantErrNotFound(t, "MarkEditFailed", s.MarkEditFailed(ctx, id, "late failure"))
}

// editOf returns the edit id among the edits of the revisions of ref.
func editOf(t *testing.T, s herald.Store, ref string, id int64) herald.Edit {
	t.Helper()
	for _, r := range revisions(t, s, ref) {
		for _, e := range r.Edits {
			if e.ID == id {
				return e
			}
		}
	}
	t.Fatalf("edit %d not among the edits of %s", id, ref)
	return herald.Edit{}
}

// testEditStateMachine walks edits through retry, done and failed; an edit
// done or failed stays so.
func testEditStateMachine(t *testing.T, s herald.Store) {
	ctx := t.Context()
	a := article("a", 10)
	ingest(t, s, feedA, []herald.Article{a}, []herald.Target{discord}, 10)
	send(t, s, discord, "a")
	ingest(t, s, feedA, []herald.Article{corrected(a, 1)}, []herald.Target{discord}, 10)

	e := nextEdit(t, s, discord)
	later := at(24 * 60).Add(7 * time.Microsecond)
	if err := s.MarkEditRetry(ctx, e.ID, later, "502 Bad Gateway"); err != nil {
		t.Fatalf("MarkEditRetry: %v", err)
	}
	// Still the head, though not due yet: the caller waits.
	r := nextEdit(t, s, discord)
	if r.ID != e.ID || r.State != herald.Pending || r.Attempts != 1 || r.LastError != "502 Bad Gateway" ||
		!r.NextAttempt.Equal(later) || !r.Created.Equal(e.Created) {
		t.Errorf("after MarkEditRetry: %s next %v; want the same edit, 1 attempt, next %v", describeEdit(r), r.NextAttempt, later)
	}
	if err := s.MarkEditRetry(ctx, e.ID, later.Add(time.Minute), "timeout"); err != nil {
		t.Fatalf("MarkEditRetry: %v", err)
	}
	if err := s.MarkEdited(ctx, e.ID); err != nil {
		t.Fatalf("MarkEdited: %v", err)
	}
	wantNoEdit(t, s, discord)
	done := editOf(t, s, "a", e.ID)
	if done.State != herald.Sent || done.Attempts != 2 || done.LastError != "timeout" || !done.NextAttempt.Equal(later.Add(time.Minute)) {
		t.Errorf("after MarkEdited: %s next %v", describeEdit(done), done.NextAttempt)
	}
	about(t, "Done", done.Done)
	wantMarkNotPending(t, s, e.ID)
	if again := editOf(t, s, "a", e.ID); !reflect.DeepEqual(again, done) {
		t.Errorf("edit done changed:\n got %s\nwant %s", describeEdit(again), describeEdit(done))
	}

	ingest(t, s, feedA, []herald.Article{corrected(a, 2)}, []herald.Target{discord}, 10)
	f := nextEdit(t, s, discord)
	if f.ID == e.ID {
		t.Fatalf("the second correction's edit is the first's")
	}
	if err := s.MarkEditFailed(ctx, f.ID, "message too old to edit"); err != nil {
		t.Fatalf("MarkEditFailed: %v", err)
	}
	wantNoEdit(t, s, discord)
	failed := editOf(t, s, "a", f.ID)
	if failed.State != herald.Failed || failed.LastError != "message too old to edit" || failed.Attempts != 0 || !failed.Done.IsZero() {
		t.Errorf("after MarkEditFailed: %s done %v", describeEdit(failed), failed.Done)
	}
	wantMarkNotPending(t, s, f.ID)

	for _, id := range []int64{f.ID + 1000, 0, -1} {
		wantMarkNotPending(t, s, id)
	}
}

// testNextEditOrder: a target's edits come in the order they were made,
// and only the target's.
func testNextEditOrder(t *testing.T, s herald.Store) {
	ctx := t.Context()
	a, b := article("a", 10), article("b", 20)
	ingest(t, s, feedA, []herald.Article{b, a}, bothTargets(), 10)
	for _, tg := range bothTargets() {
		send(t, s, tg, "a")
		send(t, s, tg, "b")
	}
	wantNoEdit(t, s, discord)
	// b changes first, then a, then b again: its pending edits are
	// superseded by the last, made after a's.
	ingest(t, s, feedA, []herald.Article{corrected(b, 1), a}, bothTargets(), 10)
	ingest(t, s, feedA, []herald.Article{corrected(b, 1), corrected(a, 1)}, bothTargets(), 10)
	ingest(t, s, feedA, []herald.Article{corrected(b, 2), corrected(a, 1)}, bothTargets(), 10)
	var got []string
	for {
		e, err := s.NextEdit(ctx, discord)
		if err != nil {
			wantErrNotFound(t, "NextEdit", err)
			break
		}
		if e.Delivery.Target != discord {
			t.Errorf("NextEdit(discord) = %s", describeEdit(e))
		}
		got = append(got, e.Delivery.Article.Key)
		if err := s.MarkEdited(ctx, e.ID); err != nil {
			t.Fatalf("MarkEdited(%d): %v", e.ID, err)
		}
		if len(got) > 3 {
			break
		}
	}
	if want := []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("edits of discord in order: %q, want %q", got, want)
	}
	// Telegram's are its own, untouched.
	if e := nextEdit(t, s, telegram); e.Delivery.Article.Key != "a" || e.Delivery.Target != telegram || e.State != herald.Pending {
		t.Errorf("NextEdit(telegram) = %s, want a's", describeEdit(e))
	}
}

// testPendingTargetsEdits: a target with pending edits has something to
// send, even with no delivery pending.
func testPendingTargetsEdits(t *testing.T, s herald.Store) {
	ctx := t.Context()
	pending := func() []herald.Target {
		t.Helper()
		ts, err := s.PendingTargets(ctx)
		if err != nil {
			t.Fatalf("PendingTargets: %v", err)
		}
		return ts
	}
	a := article("a", 10)
	ingest(t, s, feedA, []herald.Article{a}, []herald.Target{discord}, 10)
	send(t, s, discord, "a")
	if ts := pending(); len(ts) != 0 {
		t.Errorf("PendingTargets with everything sent = %v", ts)
	}
	ingest(t, s, feedA, []herald.Article{corrected(a, 1), article("b", 20)}, []herald.Target{telegram}, 10)
	if ts, want := pending(), []herald.Target{discord, telegram}; !slices.Equal(ts, want) {
		t.Errorf("PendingTargets = %v, want %v", ts, want)
	}
	send(t, s, telegram, "b")
	if ts, want := pending(), []herald.Target{discord}; !slices.Equal(ts, want) {
		t.Errorf("PendingTargets with an edit pending = %v, want %v", ts, want)
	}
	if err := s.MarkEdited(ctx, nextEdit(t, s, discord).ID); err != nil {
		t.Fatal(err)
	}
	if ts := pending(); len(ts) != 0 {
		t.Errorf("PendingTargets with the edit done = %v", ts)
	}
}

// testMoveKeepsEdits: the edits of a chat that moved stay with the posts
// they change, in the old chat.
func testMoveKeepsEdits(t *testing.T, s herald.Store) {
	a := article("a", 10)
	ingest(t, s, feedA, []herald.Article{a}, []herald.Target{group}, 10)
	send(t, s, group, "a")
	ingest(t, s, feedA, []herald.Article{corrected(a, 1)}, []herald.Target{group}, 10)
	e := nextEdit(t, s, group)
	move(t, s, group, supergroup)
	if got := nextEdit(t, s, group); got.ID != e.ID || got.Delivery.Target != group || got.Delivery.MessageID != "msg-a" {
		t.Errorf("NextEdit(old chat) after the move = %s, want %s", describeEdit(got), describeEdit(e))
	}
	wantNoEdit(t, s, supergroup)
}

// testRetract: a retracted article's posts sent on their own get one
// deletion each, once; its pending edits and deliveries fail; later
// corrections edit no deleted post.
func testRetract(t *testing.T, s herald.Store) {
	ctx := t.Context()
	a := article("a", 10)
	targets := []herald.Target{discord, telegram, console, chat, group}
	ingest(t, s, feedA, []herald.Article{a, article("other", 20)}, targets, 10)
	send(t, s, discord, "a")
	send(t, s, chat, "a")
	send(t, s, discord, "other")
	if err := s.MarkDigested(ctx, []int64{pendingOf(t, s, telegram, "a").ID}, "digest"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, pendingOf(t, s, console, "a").ID, "closed"); err != nil {
		t.Fatal(err)
	}
	// group's delivery stays pending.
	first := corrected(a, 1)
	res := ingest(t, s, feedA, []herald.Article{first, article("other", 20)}, targets, 10)
	wantResult(t, "correction", res, herald.IngestResult{Corrected: 1, Edits: 2})
	edit := nextEdit(t, s, discord)
	if err := s.MarkEdited(ctx, nextEdit(t, s, chat).ID); err != nil {
		t.Fatal(err)
	}

	n, err := s.Retract(ctx, "a")
	if err != nil || n != 2 {
		t.Fatalf("Retract(a) = %d, %v; want 2", n, err)
	}
	for _, tg := range []herald.Target{discord, chat} {
		e := nextEdit(t, s, tg)
		if e.Kind != herald.DeletePost || e.Revision != 0 || e.State != herald.Pending || e.Attempts != 0 ||
			e.Delivery.Target != tg || e.Delivery.MessageID != "msg-a" || e.Delivery.Article.Key != "a" {
			t.Errorf("NextEdit(%s) after Retract = %s message %q, want a DeletePost of msg-a", tg, describeEdit(e), e.Delivery.MessageID)
		}
		about(t, "deletion Created", e.Created)
	}
	for _, tg := range []herald.Target{telegram, console, group} {
		wantNoEdit(t, s, tg)
	}
	if e := editOf(t, s, "a", edit.ID); e.State != herald.Failed || e.LastError != "superseded by the retraction" {
		t.Errorf("pending edit after Retract = %s, want failed, superseded by the retraction", describeEdit(e))
	}
	_, ds := trace(t, s, "a")
	var states []string
	for _, d := range ds {
		states = append(states, d.Target.String()+" "+string(d.State)+" "+d.LastError)
	}
	wantStates := []string{
		"console:stdout failed closed",
		"discord:1234567890 sent ",
		"telegram:-300 failed article retracted",
		"telegram:@herald_news sent ",
		"telegram:@later_news sent ",
	}
	if !slices.Equal(states, wantStates) {
		t.Errorf("deliveries after Retract = %q, want %q", states, wantStates)
	}
	for _, tg := range []herald.Target{console, group} {
		if q := queue(t, s, tg); !slices.Equal(q, []string{"other"}) {
			t.Errorf("queue of %s after Retract = %q, want other", tg, q)
		}
	}

	// Once only, whatever becomes of the deletions.
	if err := s.MarkEdited(ctx, nextEdit(t, s, chat).ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if n, err := s.Retract(ctx, "a"); err != nil || n != 0 {
			t.Errorf("Retract(a) again = %d, %v; want 0", n, err)
		}
	}

	revs := revisions(t, s, "a")
	if len(revs) != 2 {
		t.Fatalf("Revisions after Retract = %d, want 2", len(revs))
	}
	del := revs[1]
	if del.ID != 0 || !reflect.DeepEqual(del.After, herald.Article{}) || del.Before.Key != "a" || !sameText(del.Before, first) {
		t.Errorf("deletion revision = %d, before %+v, after %+v; want 0, the article as it reads, the zero Article", del.ID, del.Before, del.After)
	}
	want := []string{"delete discord:1234567890 pending ", "delete telegram:@later_news sent "}
	if got := describeEdits(del.Edits); !slices.Equal(got, want) {
		t.Errorf("deletion edits = %q, want %q", got, want)
	}
	if len(del.Edits) == 2 && !del.At.Equal(del.Edits[0].Created) {
		t.Errorf("deletion At = %v, want when the deletions were made, %v", del.At, del.Edits[0].Created)
	}
	if !revs[0].At.Before(del.At) && !revs[0].At.Equal(del.At) {
		t.Errorf("deletion At %v before the revision's %v", del.At, revs[0].At)
	}

	// A later correction edits no deleted post.
	res = ingest(t, s, feedA, []herald.Article{corrected(a, 2), article("other", 20)}, targets, 10)
	wantResult(t, "correction after Retract", res, herald.IngestResult{Corrected: 1})
	if e := nextEdit(t, s, discord); e.Kind != herald.DeletePost {
		t.Errorf("NextEdit(discord) = %s, want the deletion", describeEdit(e))
	}

	if n, err := s.Retract(ctx, "unknown"); n != 0 {
		t.Errorf("Retract(unknown) = %d, want 0", n)
	} else {
		wantErrNotFound(t, "Retract(unknown)", err)
	}
}

// testRetractWithoutPosts: retracting an article never posted deletes
// nothing, and its pending deliveries are never posted.
func testRetractWithoutPosts(t *testing.T, s herald.Store) {
	ctx := t.Context()
	ingest(t, s, feedA, []herald.Article{article("a", 10)}, bothTargets(), 10)
	if n, err := s.Retract(ctx, "a"); err != nil || n != 0 {
		t.Fatalf("Retract(a) = %d, %v; want 0", n, err)
	}
	for _, tg := range bothTargets() {
		wantEmpty(t, s, tg)
		wantNoEdit(t, s, tg)
		for _, d := range deliveries(t, s, tg) {
			if d.State != herald.Failed || d.LastError != "article retracted" {
				t.Errorf("delivery after Retract = %s error %q", describe(d), d.LastError)
			}
		}
	}
	if revs := revisions(t, s, "a"); len(revs) != 0 {
		t.Errorf("Revisions = %d, want none", len(revs))
	}
}

// testRevisions: an article is found by key or URL; one that never
// changed has none; an unknown one is ErrNotFound.
func testRevisions(t *testing.T, s herald.Store) {
	ctx := t.Context()
	a := article("a", 10)
	ingest(t, s, feedA, []herald.Article{a}, nil, 0)
	for _, ref := range []string{a.Key, a.URL} {
		if revs, err := s.Revisions(ctx, ref); err != nil || len(revs) != 0 {
			t.Errorf("Revisions(%q) = %d, %v; want none, nil", ref, len(revs), err)
		}
	}
	ingest(t, s, feedA, []herald.Article{corrected(a, 1)}, nil, 0)
	ingest(t, s, feedA, []herald.Article{corrected(a, 2)}, nil, 0)
	byKey, byURL := revisions(t, s, a.Key), revisions(t, s, a.URL)
	if len(byKey) != 2 || !reflect.DeepEqual(byKey, byURL) {
		t.Errorf("Revisions by key = %d, by URL = %d; want the same 2", len(byKey), len(byURL))
	}
	for i, r := range byKey {
		if len(r.Edits) != 0 {
			t.Errorf("revision %d of an article never posted has edits %q", i, describeEdits(r.Edits))
		}
		if r.Before.Key != a.Key || r.After.Key != a.Key || r.After.URL != a.URL {
			t.Errorf("revision %d: before %q, after %q at %q; want the article", i, r.Before.Key, r.After.Key, r.After.URL)
		}
	}
	if len(byKey) == 2 && byKey[0].ID >= byKey[1].ID {
		t.Errorf("revisions %d, %d: want the oldest first", byKey[0].ID, byKey[1].ID)
	}
	for _, ref := range []string{"", "missing", "https://news.example.com/story/missing", a.Headline} {
		_, err := s.Revisions(ctx, ref)
		wantErrNotFound(t, "Revisions("+ref+")", err)
	}
}
