package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// due runs s.DueDeliveries and fails the test on an error.
func due(t *testing.T, s herald.Store, target herald.Target, until time.Time, limit int) []herald.Delivery {
	t.Helper()
	ds, err := s.DueDeliveries(t.Context(), target, until, limit)
	if err != nil {
		t.Fatalf("DueDeliveries(%s, %v, %d): %v", target, until, limit, err)
	}
	return ds
}

// lastSent runs s.LastSent and fails the test on an error.
func lastSent(t *testing.T, s herald.Store, target herald.Target) time.Time {
	t.Helper()
	at, err := s.LastSent(t.Context(), target)
	if err != nil {
		t.Fatalf("LastSent(%s): %v", target, err)
	}
	return at
}

// testMarkDigested: the pending deliveries of a digest are sent together,
// as one message, and marked Digest; the others are left as they are.
func testMarkDigested(t *testing.T, s herald.Store) {
	ctx := t.Context()
	items := []herald.Article{article("d", 40), article("c", 30), article("b", 20), article("a", 10)}
	ingest(t, s, feedA, items, bothTargets(), 10)
	sent := send(t, s, discord, "a")
	c := pendingOf(t, s, discord, "c")
	if err := s.MarkFailed(ctx, c.ID, "refused"); err != nil {
		t.Fatal(err)
	}
	b, d := pendingOf(t, s, discord, "b"), pendingOf(t, s, discord, "d")
	other := pendingOf(t, s, telegram, "b")
	ids := []int64{sent.ID, b.ID, c.ID, d.ID, d.ID + 1000}
	if err := s.MarkDigested(ctx, ids, "digest-1"); err != nil {
		t.Fatalf("MarkDigested: %v", err)
	}

	got := deliveries(t, s, discord)
	if len(got) != 4 {
		t.Fatalf("Deliveries(discord) = %d, want 4", len(got))
	}
	if a := got[0]; a.ID != sent.ID || a.State != herald.Sent || a.Digest || a.MessageID != "msg-a" || !a.Sent.Equal(sent.Sent) {
		t.Errorf("delivery sent before = %s message %q digest %v, want it unchanged", describe(a), a.MessageID, a.Digest)
	}
	if f := got[2]; f.ID != c.ID || f.State != herald.Failed || f.Digest || f.MessageID != "" || !f.Sent.IsZero() {
		t.Errorf("failed delivery = %s message %q digest %v, want it unchanged", describe(f), f.MessageID, f.Digest)
	}
	for _, g := range []herald.Delivery{got[1], got[3]} {
		if g.State != herald.Sent || !g.Digest || g.MessageID != "digest-1" || g.Attempts != 0 {
			t.Errorf("digested delivery = %s message %q digest %v, want sent in digest-1", describe(g), g.MessageID, g.Digest)
		}
		about(t, "digested Sent", g.Sent)
	}
	if !got[1].Sent.Equal(got[3].Sent) {
		t.Errorf("digested deliveries sent at %v and %v, want the same time", got[1].Sent, got[3].Sent)
	}
	wantEmpty(t, s, discord)
	if o := find(t, s, telegram, other.ID); o.State != herald.Pending || o.Digest {
		t.Errorf("other target's delivery = %s, want it pending", describe(o))
	}
	// Trace reads Digest back too.
	_, ds := trace(t, s, "b")
	var digests []bool
	for _, d := range ds {
		digests = append(digests, d.Digest)
	}
	if want := []bool{true, false}; !slices.Equal(digests, want) {
		t.Errorf("Trace(b) Digest by target = %v, want %v", digests, want)
	}

	// Marking again, or nothing, changes nothing.
	if err := s.MarkDigested(ctx, []int64{b.ID}, "digest-2"); err != nil {
		t.Errorf("MarkDigested again: %v", err)
	}
	if err := s.MarkDigested(ctx, nil, "digest-3"); err != nil {
		t.Errorf("MarkDigested(nil): %v", err)
	}
	if g := find(t, s, discord, b.ID); g.MessageID != "digest-1" || !g.Sent.Equal(got[1].Sent) {
		t.Errorf("delivery digested twice = %s message %q sent %v", describe(g), g.MessageID, g.Sent)
	}
	wantMarkNotPendingDelivery(t, s, b.ID)
}

// wantMarkNotPendingDelivery fails the test unless MarkSent, MarkRetry and
// MarkFailed all refuse the delivery id with ErrNotFound.
func wantMarkNotPendingDelivery(t *testing.T, s herald.Store, id int64) {
	t.Helper()
	ctx := t.Context()
	wantErrNotFound(t, "MarkSent", s.MarkSent(ctx, id, "m"))
	wantErrNotFound(t, "MarkRetry", s.MarkRetry(ctx, id, at(99), "r"))
	wantErrNotFound(t, "MarkFailed", s.MarkFailed(ctx, id, "f"))
}

// testDueDeliveries: the pending deliveries of a target made by a time,
// in queue order, at most a limit of them.
func testDueDeliveries(t *testing.T, s herald.Store) {
	ctx := t.Context()
	ingest(t, s, feedA, []herald.Article{article("late", 50), article("sent", 5)}, bothTargets(), 10)
	ingest(t, s, feedB, []herald.Article{article("early", 10)}, bothTargets(), 10)
	ingest(t, s, feedA, []herald.Article{article("middle", 30)}, []herald.Target{discord}, 10)
	send(t, s, discord, "sent")
	if err := s.MarkRetry(ctx, pendingOf(t, s, discord, "middle").ID, at(600), "timeout"); err != nil {
		t.Fatal(err)
	}

	all := deliveries(t, s, discord)
	var pending []herald.Delivery
	for _, d := range all {
		if d.State == herald.Pending {
			pending = append(pending, d)
		}
	}
	// The pending deliveries made by until, as the store reports them.
	madeBy := func(until time.Time) []string {
		var ks []string
		for _, d := range pending {
			if !d.Created.After(until) {
				ks = append(ks, d.Article.Key)
			}
		}
		return ks
	}
	first, last := all[0].Created, all[0].Created
	for _, d := range all {
		first, last = minTime(first, d.Created), maxTime(last, d.Created)
	}
	tests := []struct {
		until time.Time
		limit int
		want  []string
	}{
		{first.Add(-time.Microsecond), 0, nil},
		{first, 0, madeBy(first)},
		{last, 0, []string{"early", "middle", "late"}},
		{last.Add(time.Hour), -1, []string{"early", "middle", "late"}},
		{last, 1, []string{"early"}},
		{last, 2, []string{"early", "middle"}},
		{last, 10, []string{"early", "middle", "late"}},
	}
	for _, tc := range tests {
		ds := due(t, s, discord, tc.until, tc.limit)
		if got := keys(ds); !slices.Equal(got, tc.want) {
			t.Errorf("DueDeliveries(until %v, limit %d) = %q, want %q", tc.until, tc.limit, got, tc.want)
		}
		for _, d := range ds {
			if d.Target != discord || d.State != herald.Pending || d.Digest {
				t.Errorf("DueDeliveries lists %s to %s", describe(d), d.Target)
			}
		}
	}
	// The head is NextDelivery's, as complete.
	head := next(t, s, discord)
	if ds := due(t, s, discord, last, 1); len(ds) != 1 || ds[0].ID != head.ID || ds[0].Article.Headline != head.Article.Headline ||
		!ds[0].Created.Equal(head.Created) || ds[0].Attempts != head.Attempts {
		t.Errorf("DueDeliveries head = %v, want NextDelivery's %s", keys(ds), describe(head))
	}
	if ds := due(t, s, discord, last, 0); len(ds) == 3 && (ds[1].Attempts != 1 || ds[1].LastError != "timeout") {
		t.Errorf("retried delivery listed as %s error %q", describe(ds[1]), ds[1].LastError)
	}
	if got := keys(due(t, s, telegram, last, 0)); !slices.Equal(got, []string{"sent", "early", "late"}) {
		t.Errorf("DueDeliveries(telegram) = %q, want sent, early, late", got)
	}
	if got := due(t, s, console, last, 0); len(got) != 0 {
		t.Errorf("DueDeliveries(console) = %q, want none", keys(got))
	}
}

// testLastSent: when the target's latest post, alone or in a digest, was
// accepted.
func testLastSent(t *testing.T, s herald.Store) {
	ctx := t.Context()
	for _, tg := range bothTargets() {
		if at := lastSent(t, s, tg); !at.IsZero() {
			t.Errorf("LastSent(%s) of an empty store = %v, want zero", tg, at)
		}
	}
	ingest(t, s, feedA, []herald.Article{article("c", 30), article("b", 20), article("a", 10)}, bothTargets(), 10)
	if err := s.MarkFailed(ctx, pendingOf(t, s, telegram, "a").ID, "refused"); err != nil {
		t.Fatal(err)
	}
	if at := lastSent(t, s, telegram); !at.IsZero() {
		t.Errorf("LastSent(telegram) with a failure only = %v, want zero", at)
	}

	a := send(t, s, discord, "a")
	if at := lastSent(t, s, discord); !at.Equal(a.Sent) {
		t.Errorf("LastSent(discord) = %v, want a's Sent %v", at, a.Sent)
	}
	if err := s.MarkDigested(ctx, []int64{pendingOf(t, s, discord, "b").ID, pendingOf(t, s, discord, "c").ID}, "digest"); err != nil {
		t.Fatal(err)
	}
	latest := a.Sent
	for _, d := range deliveries(t, s, discord) {
		latest = maxTime(latest, d.Sent)
	}
	if at := lastSent(t, s, discord); !at.Equal(latest) {
		t.Errorf("LastSent(discord) after a digest = %v, want %v", at, latest)
	}
	about(t, "LastSent", latest)
	if at := lastSent(t, s, telegram); !at.IsZero() {
		t.Errorf("LastSent(telegram) = %v, want zero", at)
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
