package dispatch_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/dispatch"
	"github.com/heraldhq/herald/internal/clocktest"
	"github.com/heraldhq/herald/schedule"
)

// planned returns options that give every target plan, on clock c.
func planned(c *clocktest.Clock, plan schedule.Plan) dispatch.Options {
	return dispatch.Options{Clock: c, Plan: func(herald.Target) schedule.Plan { return plan },
		MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, EditWindow: 48 * time.Hour}
}

// waiting waits until the lane waits on the clock.
func waiting(t *testing.T, c *clocktest.Clock) {
	t.Helper()
	waitFor(t, "the lane to wait on the clock", func() bool { return c.Waiters() > 0 })
}

func mustParse[T any](t *testing.T, parse func(string) (T, error), s string) T {
	t.Helper()
	v, err := parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestDigestGoesOutAtItsTimeInAsManyMessagesAsNeeded(t *testing.T) {
	st := setup(t, 5, chanA)
	c := clocktest.New(time.Now())
	s := newScriptSender(nil)
	s.perDigest = 2
	plan := schedule.Plan{Digest: mustParse(t, schedule.ParseCron, "0 * * * *")}
	d := start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s}, planned(c, plan))

	waiting(t, c)
	if got := s.Digests(chanA); len(got) != 0 {
		t.Fatalf("digests before their time: %v", got)
	}
	at := plan.DigestAt(c.Now())
	c.Set(at)
	waitFor(t, "the digest", func() bool {
		for _, del := range states(t, st, chanA) {
			if del.State != herald.Sent {
				return false
			}
		}
		return true
	})
	want := [][]string{{"a1", "a2"}, {"a3", "a4"}, {"a5"}}
	if got := s.Digests(chanA); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("digest messages = %v, want %v", got, want)
	}
	if got := s.Sent(chanA); len(got) != 0 {
		t.Errorf("articles of a digest route were posted one by one: %v", got)
	}
	for key, del := range states(t, st, chanA) {
		if del.State != herald.Sent || !del.Digest {
			t.Errorf("%s: state %s, digest %v; want sent in a digest", key, del.State, del.Digest)
		}
	}
	// An empty period posts nothing: the lane ends with nothing to wait for.
	waitFor(t, "the lane to end", func() bool { return len(d.Lanes()) == 0 })
	if got := len(s.Digests(chanA)); got != 3 {
		t.Errorf("%d digest messages after the period, want 3", got)
	}
}

func TestQuietHoursHoldPostsUntilTheyEnd(t *testing.T) {
	st := setup(t, 3, chanA)
	now := time.Now().UTC()
	c := clocktest.New(now)
	window := fmt.Sprintf("%s-%s,hold", now.Add(-time.Hour).Format("15:04"), now.Add(time.Hour).Format("15:04"))
	plan := schedule.Plan{Quiet: mustParse(t, schedule.ParseQuiet, window)}
	s := newScriptSender(nil)
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s}, planned(c, plan))

	waiting(t, c)
	if got := s.Sent(chanA); len(got) != 0 {
		t.Fatalf("posted during quiet hours %s: %v", window, got)
	}
	next, _ := c.Next()
	if end := now.Add(time.Hour).Truncate(time.Minute); !next.Equal(end) {
		t.Errorf("the lane waits until %v, want the end of the window %v", next, end)
	}
	c.Set(next)
	waitFor(t, "the held posts", func() bool { return len(s.Sent(chanA)) == 3 })
	if got := s.Sent(chanA); !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Errorf("released %v, want the oldest first", got)
	}
}

func TestQuietHoursSilentAndRoleMentionReachTheSender(t *testing.T) {
	st := setup(t, 2, chanA)
	now := time.Now().UTC()
	c := clocktest.New(now)
	window := fmt.Sprintf("%s-%s", now.Add(-time.Hour).Format("15:04"), now.Add(time.Hour).Format("15:04"))
	plan := schedule.Plan{Quiet: mustParse(t, schedule.ParseQuiet, window), MentionRole: "42"}
	s := newScriptSender(nil)
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s}, planned(c, plan))
	waitFor(t, "the posts", func() bool { return len(s.Sent(chanA)) == 2 })
	s.mu.Lock()
	defer s.mu.Unlock()
	want := []string{`a1 silent=true role="42"`, `a2 silent=true role="42"`}
	if !slices.Equal(s.flags, want) {
		t.Errorf("posts made as %q, want %q", s.flags, want)
	}
}

func TestTrickleSpacesPosts(t *testing.T) {
	st := setup(t, 3, chanA)
	c := clocktest.New(time.Now())
	plan := schedule.Plan{Trickle: mustParse(t, schedule.ParseTrickle, "2/10m")}
	s := newScriptSender(nil)
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s}, planned(c, plan))

	waitFor(t, "the first post", func() bool { return len(s.Sent(chanA)) == 1 })
	waiting(t, c)
	if got := s.Sent(chanA); len(got) != 1 {
		t.Fatalf("sent %v at once, want only the first", got)
	}
	for i := 2; i <= 3; i++ {
		next, _ := c.Next()
		if gap := next.Sub(c.Now()); gap != 5*time.Minute {
			t.Errorf("post %d waits %v, want 5m (10m / 2)", i, gap)
		}
		c.Set(next)
		waitFor(t, fmt.Sprintf("post %d", i), func() bool { return len(s.Sent(chanA)) == i })
		if i < 3 {
			waiting(t, c)
		}
	}
	if got := s.Sent(chanA); !slices.Equal(got, []string{"a1", "a2", "a3"}) {
		t.Errorf("sent %v, want oldest first", got)
	}
}

// correct ingests a changed version of the article of key.
func correct(t *testing.T, st herald.Store, key, headline string) herald.IngestResult {
	t.Helper()
	var a herald.Article
	for _, x := range articles(9) {
		if x.Key == key {
			a = x
		}
	}
	a.Headline = headline
	a.ItemHash = a.ContentHash()
	res, err := st.Ingest(context.Background(), "https://news.example/feed", []herald.Article{a},
		func(herald.Article) []herald.Target { return []herald.Target{chanA} }, 0)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestCorrectionsEditSentPosts(t *testing.T) {
	st := setup(t, 2, chanA)
	s := newScriptSender(nil)
	calls := 0
	s.editErr = func(herald.Edit) error {
		calls++
		if calls == 1 {
			return fmt.Errorf("discord HTTP 502")
		}
		return nil
	}
	d := start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s},
		dispatch.Options{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, EditWindow: time.Hour})
	waitFor(t, "the posts", func() bool { return len(s.Sent(chanA)) == 2 })

	if res := correct(t, st, "a1", "Story 1, corrected"); res.Corrected != 1 || res.Edits != 1 {
		t.Fatalf("Ingest of a corrected article = %+v, want 1 corrected, 1 edit", res)
	}
	d.Notify()
	waitFor(t, "the edit", func() bool { return len(s.Edits(chanA)) == 1 })
	if got := s.Edits(chanA); got[0] != "edit a1 Story 1, corrected" {
		t.Errorf("edits = %q", got)
	}
	if calls != 2 {
		t.Errorf("the edit was tried %d times, want 2 (a transient failure, then success)", calls)
	}

	if n, err := st.Retract(context.Background(), "a2"); err != nil || n != 1 {
		t.Fatalf("Retract = %d, %v; want 1", n, err)
	}
	d.Notify()
	waitFor(t, "the deletion", func() bool { return len(s.Edits(chanA)) == 2 })
	if got := s.Edits(chanA)[1]; got != "delete a2 Story 2" {
		t.Errorf("second correction = %q, want the deletion of a2", got)
	}
	if got := s.Sent(chanA); len(got) != 2 {
		t.Errorf("corrections posted again: %v", got)
	}
}

func TestCorrectionsOutsideTheEditWindowAreNotMade(t *testing.T) {
	st := setup(t, 1, chanA)
	s := newScriptSender(nil)
	c := clocktest.New(time.Now())
	d := start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s},
		dispatch.Options{Clock: c, EditWindow: time.Hour})
	waitFor(t, "the post", func() bool { return len(s.Sent(chanA)) == 1 })
	c.Advance(2 * time.Hour)
	correct(t, st, "a1", "Story 1, corrected late")
	d.Notify()
	waitFor(t, "the edit to be given up", func() bool {
		revs, err := st.Revisions(context.Background(), "a1")
		if err != nil {
			t.Fatal(err)
		}
		return len(revs) == 1 && len(revs[0].Edits) == 1 && revs[0].Edits[0].State == herald.Failed
	})
	revs, _ := st.Revisions(context.Background(), "a1")
	if reason := revs[0].Edits[0].LastError; !strings.Contains(reason, "HERALD_EDIT_WINDOW") {
		t.Errorf("reason = %q, want it to name HERALD_EDIT_WINDOW", reason)
	}
	if got := s.Edits(chanA); len(got) != 0 {
		t.Errorf("edited outside the window: %v", got)
	}
}

func TestARefusedDigestMessageFailsOnlyItsArticles(t *testing.T) {
	st := setup(t, 5, chanA)
	c := clocktest.New(time.Now())
	s := newScriptSender(func(_ herald.Target, key string, call int) error {
		if key == "a1" {
			return &herald.PermanentError{Reason: "message refused"}
		}
		return nil
	})
	s.perDigest = 2
	plan := schedule.Plan{Digest: mustParse(t, schedule.ParseCron, "0 * * * *")}
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s}, planned(c, plan))
	waiting(t, c)
	c.Set(plan.DigestAt(c.Now()))
	waitFor(t, "the digest", func() bool {
		for _, del := range states(t, st, chanA) {
			if del.State == herald.Pending {
				return false
			}
		}
		return true
	})
	got := states(t, st, chanA)
	if d := got["a1"]; d.State != herald.Failed || d.LastError != "message refused" {
		t.Errorf("a1: %s %q, want failed with the platform's reason", d.State, d.LastError)
	}
	for _, key := range []string{"a2", "a3", "a4", "a5"} {
		if d := got[key]; d.State != herald.Sent || !d.Digest {
			t.Errorf("%s: %s (digest %v), want sent in a digest", key, d.State, d.Digest)
		}
	}
	if want := [][]string{{"a2", "a3"}, {"a4", "a5"}}; fmt.Sprint(s.Digests(chanA)) != fmt.Sprint(want) {
		t.Errorf("digest messages = %v, want %v", s.Digests(chanA), want)
	}
}
