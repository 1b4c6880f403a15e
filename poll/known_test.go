package poll

import (
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

func TestKnownForgetsKeysNoFeedListsForADay(t *testing.T) {
	start := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	var k known
	if k.started("a") || k.has("old") {
		t.Fatal("an empty set knows something")
	}
	k.add("a", []herald.Article{{Key: "old"}, {Key: "kept"}}, start)
	k.add("b", []herald.Article{{Key: "kept"}}, start.Add(20*time.Hour))
	if !k.started("a") || !k.started("b") || k.started("c") || !k.has("old") {
		t.Fatal("feeds or keys not recorded")
	}
	k.add("b", []herald.Article{{Key: "new"}}, start.Add(25*time.Hour))
	for key, want := range map[string]bool{"old": false, "kept": true, "new": true, "never": false} {
		if got := k.has(key); got != want {
			t.Errorf("has(%q) = %v after a day, want %v", key, got, want)
		}
	}
}
