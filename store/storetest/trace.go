package storetest

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// testPausedTargets lists every paused target with its first reason, and
// none once resumed.
func testPausedTargets(t *testing.T, s herald.Store) {
	ctx := t.Context()
	paused := func() map[herald.Target]string {
		t.Helper()
		m, err := s.PausedTargets(ctx)
		if err != nil {
			t.Fatalf("PausedTargets: %v", err)
		}
		return m
	}
	if m := paused(); len(m) != 0 {
		t.Errorf("PausedTargets of an empty store = %v", m)
	}
	for _, p := range []struct {
		target herald.Target
		reason string
	}{
		{telegram, "bot was kicked"},
		{discord, "Missing Access"},
		{telegram, "a later reason"},
	} {
		if err := s.Pause(ctx, p.target, p.reason); err != nil {
			t.Fatalf("Pause(%s): %v", p.target, err)
		}
	}
	want := map[herald.Target]string{telegram: "bot was kicked", discord: "Missing Access"}
	if m := paused(); !maps.Equal(m, want) {
		t.Errorf("PausedTargets = %v, want %v", m, want)
	}
	if err := s.Resume(ctx, telegram); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	delete(want, telegram)
	if m := paused(); !maps.Equal(m, want) {
		t.Errorf("PausedTargets after Resume = %v, want %v", m, want)
	}
}

// testOutbox counts the pending deliveries per platform and finds when the
// oldest of them entered the outbox.
func testOutbox(t *testing.T, s herald.Store) {
	ctx := t.Context()
	outbox := func() herald.OutboxStats {
		t.Helper()
		st, err := s.Outbox(ctx)
		if err != nil {
			t.Fatalf("Outbox: %v", err)
		}
		return st
	}
	if st := outbox(); len(st.Pending) != 0 || !st.Oldest.IsZero() {
		t.Errorf("Outbox of an empty store = %+v, want nothing pending", st)
	}
	other := herald.Target{Platform: herald.Telegram, Chat: "-1001"}
	ingest(t, s, feedA, []herald.Article{article("a", 10)}, []herald.Target{discord, telegram, console}, 10)
	ingest(t, s, feedA, []herald.Article{article("b", 20), article("c", 30)}, []herald.Target{telegram, other}, 10)

	// The oldest pending delivery, by what the store says of each.
	oldest := func() time.Time {
		t.Helper()
		var o time.Time
		for _, tg := range []herald.Target{discord, telegram, console, other} {
			for _, d := range deliveries(t, s, tg) {
				if d.State == herald.Pending && (o.IsZero() || d.Created.Before(o)) {
					o = d.Created
				}
			}
		}
		return o
	}
	want := map[herald.Platform]int{herald.Discord: 1, herald.Telegram: 5, herald.Console: 1}
	if st := outbox(); !maps.Equal(st.Pending, want) || !st.Oldest.Equal(oldest()) {
		t.Errorf("Outbox = %+v, want %v pending, oldest %v", st, want, oldest())
	}

	// Sent, failed and paused deliveries are not pending; a retried one is.
	if err := s.MarkSent(ctx, next(t, s, discord).ID, "m"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, next(t, s, telegram).ID, "refused"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkRetry(ctx, next(t, s, telegram).ID, at(600), "timeout"); err != nil {
		t.Fatal(err)
	}
	if err := s.Pause(ctx, console, "closed"); err != nil {
		t.Fatal(err)
	}
	want = map[herald.Platform]int{herald.Telegram: 4}
	st := outbox()
	if !maps.Equal(st.Pending, want) || !st.Oldest.Equal(oldest()) {
		t.Errorf("Outbox = %+v, want %v pending, oldest %v", st, want, oldest())
	}
	if st.Oldest.IsZero() {
		t.Error("Outbox.Oldest is zero with deliveries pending")
	}

	for _, tg := range []herald.Target{telegram, other} {
		for len(queue(t, s, tg)) > 0 {
			if err := s.MarkSent(ctx, next(t, s, tg).ID, "m"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if st := outbox(); len(st.Pending) != 0 || !st.Oldest.IsZero() {
		t.Errorf("Outbox with nothing pending = %+v", st)
	}
}

// testTrace finds an article by key or by canonical URL, with its
// deliveries to every target in target order.
func testTrace(t *testing.T, s herald.Store) {
	ctx := t.Context()
	// Targets in the order of their names, listed out of it.
	group := herald.Target{Platform: herald.Telegram, Chat: "-1001"}
	targets := []herald.Target{telegram, discord, group, console}
	a := article("traced", 10)
	a.Dateline = herald.Dateline{Text: "LONDON, April 8 (Reuters)", Place: "LONDON", Date: "2024-04-08", Agency: "Reuters"}
	ingest(t, s, feedA, []herald.Article{a, article("other", 20)}, targets, 10)
	if err := s.MarkSent(ctx, next(t, s, discord).ID, "msg-1"); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, next(t, s, console).ID, "closed"); err != nil {
		t.Fatal(err)
	}

	for _, ref := range []string{a.Key, a.URL} {
		got, ds, err := s.Trace(ctx, ref)
		if err != nil {
			t.Fatalf("Trace(%q): %v", ref, err)
		}
		if got.Key != a.Key || got.URL != a.URL || got.Headline != a.Headline || got.Dateline != a.Dateline ||
			got.Lead != a.Lead || !slices.Equal(got.Topics, a.Topics) || !got.Published.Equal(a.Published) ||
			got.Source != a.Source || got.Feed != a.Feed {
			t.Errorf("Trace(%q) article = %+v, want %+v", ref, got, a)
		}
		var names []string
		for _, d := range ds {
			names = append(names, d.Target.String()+" "+string(d.State)+" "+d.MessageID+d.LastError)
			if d.Article.Key != a.Key {
				t.Errorf("Trace(%q) lists a delivery of %q", ref, d.Article.Key)
			}
		}
		want := []string{
			"console:stdout failed closed",
			"discord:1234567890 sent msg-1",
			"telegram:-1001 pending ",
			"telegram:@herald_news pending ",
		}
		if !slices.Equal(names, want) {
			t.Errorf("Trace(%q) deliveries = %q, want %q", ref, names, want)
		}
	}

	// An article recorded without deliveries is traced all the same.
	ingest(t, s, feedB, []herald.Article{article("quiet", 30)}, nil, 10)
	if got, ds, err := s.Trace(ctx, "quiet"); err != nil || got.Key != "quiet" || len(ds) != 0 {
		t.Errorf("Trace(quiet) = %q, %d deliveries, %v; want the article, none", got.Key, len(ds), err)
	}

	// A key matches before a URL, and of articles sharing a URL (a story
	// republished under a new GUID) the one recorded last.
	keyed := article("https://news.example.com/story/other", 50)
	republished := article("traced-again", 60)
	republished.URL = a.URL
	ingest(t, s, feedB, []herald.Article{republished, keyed}, nil, 10)
	for ref, want := range map[string]string{keyed.Key: keyed.Key, a.URL: republished.Key, a.Key: a.Key} {
		if got, _, err := s.Trace(ctx, ref); err != nil || got.Key != want {
			t.Errorf("Trace(%q) = %q, %v; want %q", ref, got.Key, err, want)
		}
	}

	for _, ref := range []string{"", "missing", "https://news.example.com/story/missing", a.Headline} {
		_, _, err := s.Trace(ctx, ref)
		wantErrNotFound(t, "Trace("+ref+")", err)
	}
}
