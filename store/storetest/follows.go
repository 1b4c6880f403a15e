package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// addFollow runs s.AddFollow and fails the test on an error.
func addFollow(t *testing.T, s herald.Store, target herald.Target, topic string, limit int) bool {
	t.Helper()
	added, err := s.AddFollow(t.Context(), herald.Follow{Target: target, Topic: topic, By: "user-" + target.Chat, Created: at(1)}, limit)
	if err != nil {
		t.Fatalf("AddFollow(%s, %q): %v", target, topic, err)
	}
	return added
}

// followTopics returns the topics of the target's follows, in order.
func followTopics(t *testing.T, s herald.Store, target herald.Target) []string {
	t.Helper()
	fs, err := s.Follows(t.Context(), target)
	if err != nil {
		t.Fatalf("Follows(%s): %v", target, err)
	}
	topics := make([]string, len(fs))
	for i, f := range fs {
		if f.Target != target {
			t.Errorf("Follows(%s) lists a follow of %s", target, f.Target)
		}
		topics[i] = f.Topic
	}
	return topics
}

// activeFollows returns every active follow as "target topic", sorted.
func activeFollows(t *testing.T, s herald.Store) []string {
	t.Helper()
	fs, err := s.ActiveFollows(t.Context())
	if err != nil {
		t.Fatalf("ActiveFollows: %v", err)
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Target.String() + " " + f.Topic
	}
	slices.Sort(out)
	return out
}

// testFollowRoundTrip: a follow comes back as it went in, its topic as
// typed, and a target's follows are listed by topic key.
func testFollowRoundTrip(t *testing.T, s herald.Store) {
	ctx := t.Context()
	want := []herald.Follow{
		{Target: telegram, Topic: "Côte d’Ivoire", By: "4242", Created: at(3).In(time.FixedZone("CEST", 2*60*60))},
		{Target: telegram, Topic: "climate change", By: "4242", Created: at(2)},
		{Target: telegram, Topic: "Asia", By: "7", Created: at(1)},
		{Target: telegram, Topic: "東京", By: "7", Created: at(4)},
	}
	for _, f := range want {
		added, err := s.AddFollow(ctx, f, 0)
		if err != nil || !added {
			t.Fatalf("AddFollow(%+v) = %v, %v; want added", f, added, err)
		}
	}
	got, err := s.Follows(ctx, telegram)
	if err != nil {
		t.Fatalf("Follows: %v", err)
	}
	// By key: "asia", "climate change", "cote d ivoire", "東京".
	order := []int{2, 1, 0, 3}
	if len(got) != len(order) {
		t.Fatalf("Follows = %+v, want %d follows", got, len(order))
	}
	for i, j := range order {
		w := want[j]
		if !got[i].Created.Equal(w.Created) {
			t.Errorf("follow %q Created = %v, want %v", w.Topic, got[i].Created, w.Created)
		}
		got[i].Created = w.Created
		if got[i] != w {
			t.Errorf("Follows[%d] = %+v, want %+v", i, got[i], w)
		}
	}
	if fs, err := s.Follows(ctx, discord); err != nil || len(fs) != 0 {
		t.Errorf("Follows of a target without follows = %v, %v", fs, err)
	}
}

// testFollowSameKey: topics with the same TopicKey are one follow; removing
// takes any spelling of it.
func testFollowSameKey(t *testing.T, s herald.Store) {
	ctx := t.Context()
	if !addFollow(t, s, telegram, "China", 0) {
		t.Fatal("first follow of China not added")
	}
	for _, again := range []string{" china ", "CHINA!", "china"} {
		if addFollow(t, s, telegram, again, 0) {
			t.Errorf("AddFollow(%q) after China added a follow", again)
		}
	}
	if got := followTopics(t, s, telegram); !slices.Equal(got, []string{"China"}) {
		t.Errorf("Follows = %q, want the first spelling only", got)
	}
	// Another target follows the same topic on its own.
	if !addFollow(t, s, discord, "china", 0) {
		t.Error("the same topic for another target not added")
	}
	for _, tc := range []struct {
		topic string
		want  bool
	}{
		{"!!!", false},
		{"Chinese", false},
		{"  CHINA ", true},
		{"China", false},
	} {
		removed, err := s.RemoveFollow(ctx, telegram, tc.topic)
		if err != nil || removed != tc.want {
			t.Errorf("RemoveFollow(%q) = %v, %v; want %v", tc.topic, removed, err, tc.want)
		}
	}
	if got := followTopics(t, s, telegram); len(got) != 0 {
		t.Errorf("Follows after removal = %q", got)
	}
	if got := followTopics(t, s, discord); !slices.Equal(got, []string{"china"}) {
		t.Errorf("the other target's follows = %q, want china", got)
	}
	// A topic can be followed again once removed.
	if !addFollow(t, s, telegram, "china", 0) {
		t.Error("follow after removal not added")
	}
}

// testFollowInvalid: a topic without words and a target that cannot be
// read back are refused.
func testFollowInvalid(t *testing.T, s herald.Store) {
	ctx := t.Context()
	for _, f := range []herald.Follow{
		{Target: telegram, Topic: ""},
		{Target: telegram, Topic: "  "},
		{Target: telegram, Topic: "!?—🍵"},
		{Target: herald.Target{Platform: "carrier-pigeon", Chat: "loft"}, Topic: "China"},
		{Target: herald.Target{Platform: herald.Discord}, Topic: "China"},
	} {
		if added, err := s.AddFollow(ctx, f, 0); err == nil || added {
			t.Errorf("AddFollow(%+v) = %v, %v; want an error", f, added, err)
		}
	}
	if got := activeFollows(t, s); len(got) != 0 {
		t.Errorf("ActiveFollows after refusals = %q", got)
	}
}

// testFollowLimit: a target with limit follows gets ErrTooManyFollows;
// other targets, and a follow it already has, are not affected.
func testFollowLimit(t *testing.T, s herald.Store) {
	ctx := t.Context()
	addFollow(t, s, telegram, "one", 2)
	addFollow(t, s, telegram, "two", 2)
	added, err := s.AddFollow(ctx, herald.Follow{Target: telegram, Topic: "three"}, 2)
	if !errors.Is(err, herald.ErrTooManyFollows) || added {
		t.Errorf("third follow with limit 2 = %v, %v; want ErrTooManyFollows", added, err)
	}
	// Following a topic it has changes nothing, limit or not.
	added, err = s.AddFollow(ctx, herald.Follow{Target: telegram, Topic: "ONE"}, 2)
	if err != nil || added {
		t.Errorf("follow of a followed topic at the limit = %v, %v; want false, nil", added, err)
	}
	if !addFollow(t, s, discord, "three", 2) {
		t.Error("another target's follow not added")
	}
	if !addFollow(t, s, telegram, "three", 3) {
		t.Error("follow under a higher limit not added")
	}
	for i, limit := range []int{0, -1} {
		if !addFollow(t, s, telegram, strings.Repeat("x", i+1), limit) {
			t.Errorf("follow with limit %d not added", limit)
		}
	}
	if got, want := followTopics(t, s, telegram), []string{"one", "three", "two", "x", "xx"}; !slices.Equal(got, want) {
		t.Errorf("Follows = %q, want %q", got, want)
	}
	if _, err := s.RemoveFollow(ctx, telegram, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFollow(ctx, herald.Follow{Target: telegram, Topic: "y"}, 5); err != nil {
		t.Errorf("follow after a removal made room: %v", err)
	}
}

// testPause: a paused target's follows are left out of ActiveFollows and
// its pending deliveries fail with the reason; resuming brings the follows
// back, not the deliveries.
func testPause(t *testing.T, s herald.Store) {
	ctx := t.Context()
	addFollow(t, s, telegram, "China", 0)
	addFollow(t, s, telegram, "Asia", 0)
	addFollow(t, s, discord, "China", 0)
	ingest(t, s, feedA, []herald.Article{article("c", 30), article("b", 20), article("a", 10)}, bothTargets(), 10)
	sent := next(t, s, telegram)
	if err := s.MarkSent(ctx, sent.ID, "msg-a"); err != nil {
		t.Fatal(err)
	}
	all := []string{"discord:1234567890 China", "telegram:@herald_news Asia", "telegram:@herald_news China"}
	if got := activeFollows(t, s); !slices.Equal(got, all) {
		t.Fatalf("ActiveFollows = %q, want %q", got, all)
	}

	if reason, err := s.Paused(ctx, telegram); err != nil || reason != "" {
		t.Errorf("Paused before Pause = %q, %v", reason, err)
	}
	if err := s.Pause(ctx, telegram, "bot was blocked by the user"); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	if reason, err := s.Paused(ctx, telegram); err != nil || reason != "bot was blocked by the user" {
		t.Errorf("Paused = %q, %v", reason, err)
	}
	if reason, err := s.Paused(ctx, discord); err != nil || reason != "" {
		t.Errorf("Paused of another target = %q, %v", reason, err)
	}
	if got, want := activeFollows(t, s), all[:1]; !slices.Equal(got, want) {
		t.Errorf("ActiveFollows while paused = %q, want %q", got, want)
	}
	if got := followTopics(t, s, telegram); !slices.Equal(got, []string{"Asia", "China"}) {
		t.Errorf("Follows of a paused target = %q, want them all", got)
	}
	wantEmpty(t, s, telegram)
	for _, d := range deliveries(t, s, telegram) {
		switch {
		case d.ID == sent.ID:
			if d.State != herald.Sent || d.MessageID != "msg-a" || d.LastError != "" {
				t.Errorf("sent delivery changed by Pause: %s error %q", describe(d), d.LastError)
			}
		case d.State != herald.Failed || d.LastError != "bot was blocked by the user":
			t.Errorf("pending delivery after Pause: %s error %q", describe(d), d.LastError)
		}
	}
	wantQueue(t, s, discord, "a", "b", "c")
	if ts, err := s.PendingTargets(ctx); err != nil || !slices.Equal(ts, []herald.Target{discord}) {
		t.Errorf("PendingTargets after Pause = %v, %v", ts, err)
	}

	// A second pause keeps the first reason.
	if err := s.Pause(ctx, telegram, "another reason"); err != nil {
		t.Fatalf("second Pause: %v", err)
	}
	if reason, _ := s.Paused(ctx, telegram); reason != "bot was blocked by the user" {
		t.Errorf("Paused after a second Pause = %q, want the first reason", reason)
	}

	if err := s.Resume(ctx, telegram); err != nil {
		t.Fatalf("Resume: %v", err)
	}
	if reason, err := s.Paused(ctx, telegram); err != nil || reason != "" {
		t.Errorf("Paused after Resume = %q, %v", reason, err)
	}
	if got := activeFollows(t, s); !slices.Equal(got, all) {
		t.Errorf("ActiveFollows after Resume = %q, want %q", got, all)
	}
	wantEmpty(t, s, telegram)
	if err := s.Resume(ctx, console); err != nil {
		t.Errorf("Resume of a target never paused: %v", err)
	}

	// New deliveries after the resume are pending as usual.
	ingest(t, s, feedA, []herald.Article{article("d", 40)}, bothTargets(), 10)
	wantQueue(t, s, telegram, "d")
}

// testPauseWithoutDeliveries: a target can be paused before anything was
// delivered to it, and a paused target with no follows is still paused.
func testPauseWithoutDeliveries(t *testing.T, s herald.Store) {
	ctx := t.Context()
	if err := s.Pause(ctx, console, "closed"); err != nil {
		t.Fatalf("Pause: %v", err)
	}
	if reason, err := s.Paused(ctx, console); err != nil || reason != "closed" {
		t.Errorf("Paused = %q, %v", reason, err)
	}
	addFollow(t, s, console, "World", 0)
	if got := activeFollows(t, s); len(got) != 0 {
		t.Errorf("ActiveFollows = %q, want none: the target is paused", got)
	}
}

// testCursor: a cursor is 0 until saved, then what was saved last.
func testCursor(t *testing.T, s herald.Store) {
	ctx := t.Context()
	cursor := func(name string) int64 {
		t.Helper()
		v, err := s.Cursor(ctx, name)
		if err != nil {
			t.Fatalf("Cursor(%q): %v", name, err)
		}
		return v
	}
	if v := cursor("telegram"); v != 0 {
		t.Errorf("Cursor never saved = %d, want 0", v)
	}
	for _, v := range []int64{42, 41, -7, 1<<62 + 5} {
		if err := s.SaveCursor(ctx, "telegram", v); err != nil {
			t.Fatalf("SaveCursor(%d): %v", v, err)
		}
		if got := cursor("telegram"); got != v {
			t.Errorf("Cursor after SaveCursor(%d) = %d", v, got)
		}
	}
	if err := s.SaveCursor(ctx, "telegram:@other bot", 9); err != nil {
		t.Fatal(err)
	}
	if got := cursor("telegram"); got != 1<<62+5 {
		t.Errorf("Cursor changed by another name's save: %d", got)
	}
	if got := cursor("telegram:@other bot"); got != 9 {
		t.Errorf("Cursor(other) = %d, want 9", got)
	}
	if err := s.SaveCursor(ctx, "", 1); err == nil {
		t.Error("SaveCursor with an empty name succeeded")
	}
}

func testRoutingVersion(t *testing.T, s herald.Store) {
	ctx := t.Context()
	version := func() int64 {
		t.Helper()
		v, err := s.RoutingVersion(ctx)
		if err != nil {
			t.Fatalf("RoutingVersion: %v", err)
		}
		return v
	}
	last := version()
	if again := version(); again != last {
		t.Fatalf("RoutingVersion changed from %d to %d with nothing done", last, again)
	}
	steps := []struct {
		name    string
		changes bool
		do      func() error
	}{
		{"AddFollow", true, func() error {
			_, err := s.AddFollow(ctx, herald.Follow{Target: telegram, Topic: "China", By: "u", Created: at(1)}, 0)
			return err
		}},
		{"Ingest", false, func() error {
			_, err := s.Ingest(ctx, feedA, []herald.Article{article("a", 10)}, all(telegram), 10)
			return err
		}},
		{"MarkSent", false, func() error { return s.MarkSent(ctx, next(t, s, telegram).ID, "msg-a") }},
		{"SaveCursor", false, func() error { return s.SaveCursor(ctx, "updates", 7) }},
		{"Pause", true, func() error { return s.Pause(ctx, telegram, "blocked") }},
		{"Resume", true, func() error { return s.Resume(ctx, telegram) }},
		{"MoveTarget", true, func() error { return s.MoveTarget(ctx, group, supergroup) }},
		{"RemoveFollow", true, func() error { _, err := s.RemoveFollow(ctx, telegram, "china"); return err }},
	}
	for _, step := range steps {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		v := version()
		if changed := v != last; changed != step.changes {
			t.Errorf("after %s RoutingVersion went from %d to %d: changed %v, want %v", step.name, last, v, changed, step.changes)
		}
		last = v
	}
}
