package storetest

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
)

// Chats of a Telegram group upgraded to a supergroup, then moved again.
var (
	group      = herald.Target{Platform: herald.Telegram, Chat: "-300"}
	supergroup = herald.Target{Platform: herald.Telegram, Chat: "-1001300"}
	thirdChat  = herald.Target{Platform: herald.Telegram, Chat: "-1001400"}
)

// move runs s.MoveTarget and fails the test on an error.
func move(t *testing.T, s herald.Store, from, to herald.Target) {
	t.Helper()
	if err := s.MoveTarget(t.Context(), from, to); err != nil {
		t.Fatalf("MoveTarget(%s, %s): %v", from, to, err)
	}
}

// wantMoves fails the test when the recorded moves are not want.
func wantMoves(t *testing.T, s herald.Store, want map[herald.Target]herald.Target) {
	t.Helper()
	got, err := s.Moves(t.Context())
	if err != nil {
		t.Fatalf("Moves: %v", err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("Moves = %v, want %v", got, want)
	}
}

// testMoveTarget: the pending deliveries and follows of a chat that moved
// become the new chat's; what was sent stays where it went, and an
// article the new chat has already is not queued twice.
func testMoveTarget(t *testing.T, s herald.Store) {
	ctx := t.Context()
	wantMoves(t, s, map[herald.Target]herald.Target{})
	// The supergroup has b already, and e of its own.
	ingestRoute(t, s, feedA, []herald.Article{article("c", 30), article("b", 20), article("a", 10)}, func(a herald.Article) []herald.Target {
		if a.Key == "b" {
			return []herald.Target{group, supergroup}
		}
		return []herald.Target{group}
	}, 10)
	ingest(t, s, feedA, []herald.Article{article("d", 40)}, []herald.Target{group, discord}, 10)
	ingest(t, s, feedA, []herald.Article{article("e", 25)}, []herald.Target{supergroup}, 10)
	sent := next(t, s, group)
	if err := s.MarkSent(ctx, sent.ID, "msg-a"); err != nil {
		t.Fatal(err)
	}
	retried := next(t, s, group)
	if err := s.MarkRetry(ctx, retried.ID, at(60), "timeout"); err != nil {
		t.Fatal(err)
	}
	var pendingC herald.Delivery
	for _, d := range deliveries(t, s, group) {
		if d.Article.Key == "c" {
			pendingC = d
		}
	}
	addFollow(t, s, group, "Asia", 0)
	addFollow(t, s, group, "World", 0)
	addFollow(t, s, supergroup, "world", 0)
	addFollow(t, s, discord, "Asia", 0)

	move(t, s, group, supergroup)

	wantMoves(t, s, map[herald.Target]herald.Target{group: supergroup})
	wantEmpty(t, s, group)
	// What stays with the old chat: the sent delivery, and b, which the
	// supergroup has already.
	old := deliveries(t, s, group)
	if got := keys(old); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("deliveries left to the old chat = %q, want a, b", got)
	}
	if d := old[0]; d.ID != sent.ID || d.State != herald.Sent || d.MessageID != "msg-a" {
		t.Errorf("sent delivery changed by the move: %s", describe(d))
	}
	if d := old[1]; d.State != herald.Failed || d.LastError != "moved: already delivered to "+supergroup.String() {
		t.Errorf("duplicate delivery: %s error %q, want failed as already delivered", describe(d), d.LastError)
	}
	// The supergroup's queue holds its own and the moved, in publish order.
	wantQueue(t, s, supergroup, "b", "e", "c", "d")
	wantQueue(t, s, discord, "d")
	for _, d := range deliveries(t, s, supergroup) {
		switch d.Article.Key {
		case "c":
			if d.ID != pendingC.ID || d.Attempts != 0 || !d.Created.Equal(pendingC.Created) {
				t.Errorf("moved delivery c = %s created %v, want id %d created %v", describe(d), d.Created, pendingC.ID, pendingC.Created)
			}
		case "b":
			if d.ID == retried.ID {
				t.Errorf("the old chat's b replaced the supergroup's own")
			}
		}
	}
	if ts, err := s.PendingTargets(ctx); err != nil || slices.Contains(ts, group) {
		t.Errorf("PendingTargets after the move = %v, %v; want the old chat gone", ts, err)
	}

	// Follows: merged by key, the new chat's own spelling kept.
	if got := followTopics(t, s, group); len(got) != 0 {
		t.Errorf("follows left to the old chat: %q", got)
	}
	if got := followTopics(t, s, supergroup); !slices.Equal(got, []string{"Asia", "world"}) {
		t.Errorf("follows of the new chat = %q, want Asia, world", got)
	}
	wantActive := []string{"discord:1234567890 Asia", "telegram:-1001300 Asia", "telegram:-1001300 world"}
	if got := activeFollows(t, s); !slices.Equal(got, wantActive) {
		t.Errorf("ActiveFollows = %q, want %q", got, wantActive)
	}

	// Moving again changes nothing.
	move(t, s, group, supergroup)
	wantMoves(t, s, map[herald.Target]herald.Target{group: supergroup})
	wantQueue(t, s, supergroup, "b", "e", "c", "d")
	if got := keys(deliveries(t, s, group)); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("deliveries of the old chat after a second move = %q", got)
	}

	// New deliveries to the new chat queue as usual.
	ingest(t, s, feedA, []herald.Article{article("f", 50)}, []herald.Target{supergroup}, 10)
	wantQueue(t, s, supergroup, "b", "e", "c", "d", "f")
}

// testMoveChain: moves resolve to the chat of today, whatever the order in
// which they are learnt, and a chat that moves back is no longer moved.
func testMoveChain(t *testing.T, s herald.Store) {
	ingest(t, s, feedA, []herald.Article{article("a", 10)}, []herald.Target{group}, 10)
	move(t, s, group, supergroup)
	ingest(t, s, feedA, []herald.Article{article("b", 20)}, []herald.Target{supergroup}, 10)
	move(t, s, supergroup, thirdChat)
	wantMoves(t, s, map[herald.Target]herald.Target{group: thirdChat, supergroup: thirdChat})
	wantQueue(t, s, thirdChat, "a", "b")
	wantEmpty(t, s, supergroup)

	// A move to a chat that moved on goes where that chat is now.
	other := herald.Target{Platform: herald.Telegram, Chat: "-500"}
	ingest(t, s, feedA, []herald.Article{article("c", 30)}, []herald.Target{other}, 10)
	addFollow(t, s, other, "Asia", 0)
	move(t, s, other, supergroup)
	wantMoves(t, s, map[herald.Target]herald.Target{group: thirdChat, supergroup: thirdChat, other: thirdChat})
	wantQueue(t, s, thirdChat, "a", "b", "c")
	wantEmpty(t, s, supergroup)
	if got := followTopics(t, s, thirdChat); !slices.Equal(got, []string{"Asia"}) {
		t.Errorf("follows of the chat of today = %q, want Asia", got)
	}

	// Back where it came from.
	move(t, s, thirdChat, supergroup)
	wantMoves(t, s, map[herald.Target]herald.Target{group: supergroup, other: supergroup, thirdChat: supergroup})
	wantQueue(t, s, supergroup, "a", "b", "c")
	wantEmpty(t, s, thirdChat)
}

// testMovePaused: a pause moves with the chat; a chat moved onto a paused
// one is paused with it, and what it had pending fails as Pause fails it.
func testMovePaused(t *testing.T, s herald.Store) {
	ctx := t.Context()
	paused := func(target herald.Target) string {
		t.Helper()
		reason, err := s.Paused(ctx, target)
		if err != nil {
			t.Fatalf("Paused(%s): %v", target, err)
		}
		return reason
	}
	if err := s.Pause(ctx, group, "bot was kicked"); err != nil {
		t.Fatal(err)
	}
	addFollow(t, s, group, "Asia", 0)
	move(t, s, group, supergroup)
	if r := paused(supergroup); r != "bot was kicked" {
		t.Errorf("Paused(new chat) = %q, want the old chat's reason", r)
	}
	if r := paused(group); r != "" {
		t.Errorf("Paused(old chat) = %q, want not paused", r)
	}
	if got := activeFollows(t, s); len(got) != 0 {
		t.Errorf("ActiveFollows = %q, want none: the new chat is paused", got)
	}
	pts, err := s.PausedTargets(ctx)
	if err != nil || !maps.Equal(pts, map[herald.Target]string{supergroup: "bot was kicked"}) {
		t.Errorf("PausedTargets = %v, %v", pts, err)
	}

	// Onto a paused chat: its reason stays, and the moved deliveries fail
	// with it.
	ingest(t, s, feedA, []herald.Article{article("a", 10)}, []herald.Target{thirdChat}, 10)
	if err := s.Pause(ctx, thirdChat, "not enough rights"); err != nil {
		t.Fatal(err)
	}
	other := herald.Target{Platform: herald.Telegram, Chat: "-500"}
	ingest(t, s, feedA, []herald.Article{article("b", 20)}, []herald.Target{other}, 10)
	if err := s.Pause(ctx, other, "an older reason"); err != nil {
		t.Fatal(err)
	}
	// Pausing failed b; c comes after, and then the chat moves.
	ingest(t, s, feedA, []herald.Article{article("c", 30)}, []herald.Target{other}, 10)
	move(t, s, other, thirdChat)
	if r := paused(other); r != "" {
		t.Errorf("Paused(old chat) = %q, want not paused", r)
	}
	if got := keys(deliveries(t, s, other)); !slices.Equal(got, []string{"b"}) {
		t.Errorf("deliveries left to the old chat = %q, want the failed b", got)
	}
	if r := paused(thirdChat); r != "not enough rights" {
		t.Errorf("Paused(paused new chat) = %q, want its own reason", r)
	}
	wantEmpty(t, s, thirdChat)
	for _, d := range deliveries(t, s, thirdChat) {
		if d.State != herald.Failed || d.LastError != "not enough rights" {
			t.Errorf("delivery moved onto a paused chat: %s error %q", describe(d), d.LastError)
		}
	}
	if got := keys(deliveries(t, s, thirdChat)); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("deliveries of the paused new chat = %q, want a, c", got)
	}
}

// testMoveInvalid: a chat cannot move to itself, nor to or from a target
// that herald.ParseTarget could not read back; nothing is recorded.
func testMoveInvalid(t *testing.T, s herald.Store) {
	ctx := t.Context()
	ingest(t, s, feedA, []herald.Article{article("a", 10)}, []herald.Target{group}, 10)
	bad := herald.Target{Platform: "pigeon", Chat: "1"}
	empty := herald.Target{Platform: herald.Telegram}
	for _, m := range [][2]herald.Target{{group, group}, {group, bad}, {bad, group}, {group, empty}} {
		if err := s.MoveTarget(ctx, m[0], m[1]); err == nil {
			t.Errorf("MoveTarget(%s, %s) succeeded", m[0], m[1])
		} else if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("MoveTarget(%s, %s): empty error", m[0], m[1])
		}
	}
	wantMoves(t, s, map[herald.Target]herald.Target{})
	wantQueue(t, s, group, "a")
}
