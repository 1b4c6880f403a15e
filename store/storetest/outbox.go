package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// testFreshDelivery: a new delivery is pending, due at once, and carries its
// target and article.
func testFreshDelivery(t *testing.T, s herald.Store) {
	ingest(t, s, feedA, []herald.Article{article("fresh", 10)}, bothTargets(), 10)
	now := time.Now()
	for _, tg := range bothTargets() {
		d := next(t, s, tg)
		if d.ID == 0 || d.Target != tg || d.State != herald.Pending || d.Attempts != 0 ||
			d.MessageID != "" || d.LastError != "" || d.Article.Key != "fresh" {
			t.Errorf("fresh delivery to %s = %+v", tg, d)
		}
		if !d.NextAttempt.Equal(d.Created) {
			t.Errorf("fresh delivery NextAttempt %v, want its Created %v", d.NextAttempt, d.Created)
		}
		// Loose bounds: they catch a wrong unit or zone, not a slow clock.
		if d.Created.Before(now.Add(-time.Hour)) || d.Created.After(now.Add(time.Hour)) {
			t.Errorf("fresh delivery Created %v, want about %v", d.Created, now)
		}
	}
	a, b := next(t, s, discord), next(t, s, telegram)
	if a.ID == b.ID {
		t.Errorf("deliveries to two targets share id %d", a.ID)
	}
}

// testStateMachine walks deliveries through retry, sent and failed.
func testStateMachine(t *testing.T, s herald.Store) {
	ctx := t.Context()
	ingest(t, s, feedA, []herald.Article{article("two", 20), article("one", 10)}, bothTargets(), 10)

	d := next(t, s, discord)
	if d.Article.Key != "one" {
		t.Fatalf("head = %s, want one", describe(d))
	}
	later := at(24 * 60).Add(7 * time.Microsecond)
	if err := s.MarkRetry(ctx, d.ID, later, "502 Bad Gateway"); err != nil {
		t.Fatalf("MarkRetry: %v", err)
	}
	// Still the head, though not due yet: the caller waits.
	r := next(t, s, discord)
	if r.ID != d.ID || r.State != herald.Pending || r.Attempts != 1 || r.LastError != "502 Bad Gateway" || !r.NextAttempt.Equal(later) {
		t.Errorf("after MarkRetry: %s next %v error %q; want the same delivery, 1 attempt, next %v",
			describe(r), r.NextAttempt, r.LastError, later)
	}
	if !r.Created.Equal(d.Created) {
		t.Errorf("after MarkRetry: Created %v, want %v", r.Created, d.Created)
	}
	if err := s.MarkRetry(ctx, d.ID, later.Add(time.Minute), "timeout"); err != nil {
		t.Fatalf("MarkRetry: %v", err)
	}
	if r := next(t, s, discord); r.Attempts != 2 || r.LastError != "timeout" || !r.NextAttempt.Equal(later.Add(time.Minute)) {
		t.Errorf("after second MarkRetry: %s next %v error %q", describe(r), r.NextAttempt, r.LastError)
	}

	if !d.Sent.IsZero() {
		t.Errorf("a pending delivery has a send time: %v", d.Sent)
	}
	before := time.Now().Add(-time.Second)
	if err := s.MarkSent(ctx, d.ID, "msg-1"); err != nil {
		t.Fatalf("MarkSent: %v", err)
	}
	sent := find(t, s, discord, d.ID)
	if sent.Sent.Before(before) || sent.Sent.After(time.Now().Add(time.Second)) {
		t.Errorf("after MarkSent: Sent %v, want about now", sent.Sent)
	}
	if sent.State != herald.Sent || sent.MessageID != "msg-1" || sent.Attempts != 2 {
		t.Errorf("after MarkSent: %s message %q", describe(sent), sent.MessageID)
	}
	if !sent.NextAttempt.Equal(later.Add(time.Minute)) {
		t.Errorf("after MarkSent: NextAttempt %v, want it kept at %v", sent.NextAttempt, later.Add(time.Minute))
	}
	// The other target's delivery of the same article is untouched.
	if o := next(t, s, telegram); o.Article.Key != "one" || o.Attempts != 0 || o.State != herald.Pending {
		t.Errorf("telegram head = %s, want one untouched", describe(o))
	}

	f := next(t, s, discord)
	if f.Article.Key != "two" {
		t.Fatalf("head after sent = %s, want two", describe(f))
	}
	if err := s.MarkFailed(ctx, f.ID, "403 Missing Access"); err != nil {
		t.Fatalf("MarkFailed: %v", err)
	}
	failed := find(t, s, discord, f.ID)
	if failed.State != herald.Failed || failed.LastError != "403 Missing Access" || failed.Attempts != 0 || failed.MessageID != "" {
		t.Errorf("after MarkFailed: %s error %q", describe(failed), failed.LastError)
	}
	wantEmpty(t, s, discord)
	if got := keys(deliveries(t, s, discord)); !slices.Equal(got, []string{"one", "two"}) {
		t.Errorf("Deliveries(discord) = %q, want one, two", got)
	}

	// Seeing the articles again brings nothing back.
	res := ingest(t, s, feedA, []herald.Article{article("two", 20), article("one", 10)}, bothTargets(), 10)
	wantResult(t, "again", res, herald.IngestResult{})
	wantEmpty(t, s, discord)
}

// testMarkNotPending: a delivery sent or failed stays so, whatever it is
// marked with afterwards.
func testMarkNotPending(t *testing.T, s herald.Store) {
	ctx := t.Context()
	ingest(t, s, feedA, []herald.Article{article("b", 20), article("a", 10)}, []herald.Target{discord}, 10)
	sent := next(t, s, discord)
	if err := s.MarkSent(ctx, sent.ID, "msg-a"); err != nil {
		t.Fatalf("MarkSent: %v", err)
	}
	failed := next(t, s, discord)
	if err := s.MarkFailed(ctx, failed.ID, "refused"); err != nil {
		t.Fatalf("MarkFailed: %v", err)
	}
	for _, id := range []int64{sent.ID, failed.ID} {
		wantErrNotFound(t, "MarkSent again", s.MarkSent(ctx, id, "msg-other"))
		wantErrNotFound(t, "MarkRetry after", s.MarkRetry(ctx, id, at(99), "late retry"))
		wantErrNotFound(t, "MarkFailed after", s.MarkFailed(ctx, id, "late failure"))
	}
	if d := find(t, s, discord, sent.ID); d.State != herald.Sent || d.MessageID != "msg-a" || d.Attempts != 0 || d.LastError != "" {
		t.Errorf("sent delivery changed: %s message %q error %q", describe(d), d.MessageID, d.LastError)
	}
	if d := find(t, s, discord, failed.ID); d.State != herald.Failed || d.MessageID != "" || d.Attempts != 0 || d.LastError != "refused" {
		t.Errorf("failed delivery changed: %s message %q error %q", describe(d), d.MessageID, d.LastError)
	}
	wantEmpty(t, s, discord)
}

// testMarkUnknown: marking an id that does not exist is ErrNotFound.
func testMarkUnknown(t *testing.T, s herald.Store) {
	ctx := t.Context()
	ingest(t, s, feedA, []herald.Article{article("a", 10)}, []herald.Target{discord}, 10)
	d := next(t, s, discord)
	for _, id := range []int64{d.ID + 1000, -1, 0} {
		wantErrNotFound(t, "MarkSent", s.MarkSent(ctx, id, "m"))
		wantErrNotFound(t, "MarkRetry", s.MarkRetry(ctx, id, at(5), "r"))
		wantErrNotFound(t, "MarkFailed", s.MarkFailed(ctx, id, "f"))
	}
	if r := next(t, s, discord); r.ID != d.ID || r.State != herald.Pending || r.Attempts != 0 {
		t.Errorf("head changed to %s", describe(r))
	}
}

// testPendingTargets lists exactly the targets with something to send.
func testPendingTargets(t *testing.T, s herald.Store) {
	ctx := t.Context()
	pending := func() []string {
		t.Helper()
		ts, err := s.PendingTargets(ctx)
		if err != nil {
			t.Fatalf("PendingTargets: %v", err)
		}
		var names []string
		for _, tg := range ts {
			names = append(names, tg.String())
		}
		slices.Sort(names)
		return names
	}
	if got := pending(); len(got) != 0 {
		t.Errorf("PendingTargets of an empty store = %q", got)
	}
	ingest(t, s, feedA, []herald.Article{article("a", 10)}, []herald.Target{discord, telegram, console}, 10)
	ingest(t, s, feedA, []herald.Article{article("b", 20)}, []herald.Target{telegram}, 10)
	if got, want := pending(), []string{"console:stdout", "discord:1234567890", "telegram:@herald_news"}; !slices.Equal(got, want) {
		t.Errorf("PendingTargets = %q, want %q", got, want)
	}
	if err := s.MarkSent(ctx, next(t, s, discord).ID, "m"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, next(t, s, console).ID, "f"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, next(t, s, telegram).ID, at(60), "r"); err != nil {
		t.Fatal(err)
	}
	if got, want := pending(), []string{"telegram:@herald_news"}; !slices.Equal(got, want) {
		t.Errorf("PendingTargets = %q, want %q", got, want)
	}
}

// testDeliveriesLimit: a limit keeps the newest deliveries, in queue order.
func testDeliveriesLimit(t *testing.T, s herald.Store) {
	ctx := t.Context()
	items := []herald.Article{article("c", 30), article("a", 10), article("b", 20)}
	ingest(t, s, feedA, items, []herald.Target{discord}, 10)
	if err := s.MarkSent(ctx, next(t, s, discord).ID, "m"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		limit int
		want  []string
	}{
		{0, []string{"a", "b", "c"}},
		{-1, []string{"a", "b", "c"}},
		{1, []string{"c"}},
		{2, []string{"b", "c"}},
		{3, []string{"a", "b", "c"}},
		{10, []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		ds, err := s.Deliveries(ctx, discord, tc.limit)
		if err != nil {
			t.Fatalf("Deliveries(%d): %v", tc.limit, err)
		}
		if got := keys(ds); !slices.Equal(got, tc.want) {
			t.Errorf("Deliveries(limit %d) = %q, want %q", tc.limit, got, tc.want)
		}
	}
	if ds, err := s.Deliveries(ctx, telegram, 0); err != nil || len(ds) != 0 {
		t.Errorf("Deliveries of a target without any = %d, %v", len(ds), err)
	}
}
