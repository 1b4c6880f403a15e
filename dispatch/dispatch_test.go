package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/dispatch"
	"github.com/heraldhq/herald/store/sqlite"
)

var (
	chanA = herald.Target{Platform: herald.Discord, Chat: "1001"}
	chanB = herald.Target{Platform: herald.Telegram, Chat: "-1002"}
)

// scriptSender records sends and answers each with the result its script
// gives for that article.
type scriptSender struct {
	mu     sync.Mutex
	sent   map[herald.Target][]string
	calls  map[string]int
	script func(target herald.Target, key string, call int) error
}

func newScriptSender(script func(herald.Target, string, int) error) *scriptSender {
	return &scriptSender{sent: map[herald.Target][]string{}, calls: map[string]int{}, script: script}
}

func (s *scriptSender) Send(ctx context.Context, d herald.Delivery) (string, error) {
	s.mu.Lock()
	id := d.Target.String() + "/" + d.Article.Key
	s.calls[id]++
	call := s.calls[id]
	s.mu.Unlock()
	if s.script != nil {
		if err := s.script(d.Target, d.Article.Key, call); err != nil {
			return "", err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[d.Target] = append(s.sent[d.Target], d.Article.Key)
	return fmt.Sprintf("m%d", d.ID), nil
}

func (s *scriptSender) Sent(t herald.Target) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent[t]...)
}

func articles(n int) []herald.Article {
	base := time.Date(2024, 4, 8, 10, 0, 0, 0, time.UTC)
	var as []herald.Article
	// Listed newest first, as feeds do.
	for i := n; i >= 1; i-- {
		as = append(as, herald.Article{
			Key: fmt.Sprintf("a%d", i), URL: fmt.Sprintf("https://news.example/%d", i),
			Headline: fmt.Sprintf("Story %d", i), Published: base.Add(time.Duration(i) * time.Minute),
		})
	}
	return as
}

func setup(t *testing.T, n int, targets ...herald.Target) herald.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	route := func(herald.Article) []herald.Target { return targets }
	if _, err := st.Ingest(context.Background(), "https://news.example/feed", articles(n), route, n); err != nil {
		t.Fatal(err)
	}
	return st
}

func start(t *testing.T, st herald.Store, senders map[herald.Platform]dispatch.Sender, opts dispatch.Options) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := dispatch.New(st, senders, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline: the condition is what is asserted, not the time it takes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func states(t *testing.T, st herald.Store, target herald.Target) map[string]herald.Delivery {
	t.Helper()
	ds, err := st.Deliveries(context.Background(), target, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]herald.Delivery{}
	for _, d := range ds {
		m[d.Article.Key] = d
	}
	return m
}

func TestDeliversEveryTargetInPublishOrder(t *testing.T) {
	st := setup(t, 5, chanA, chanB)
	s := newScriptSender(nil)
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s, herald.Telegram: s}, dispatch.Options{})
	for _, target := range []herald.Target{chanA, chanB} {
		waitFor(t, "all posts to "+target.String(), func() bool {
			for _, d := range states(t, st, target) {
				if d.State != herald.Sent {
					return false
				}
			}
			return true
		})
		if got := fmt.Sprint(s.Sent(target)); got != "[a1 a2 a3 a4 a5]" {
			t.Errorf("%s got %s, want publish order", target, got)
		}
		for key, d := range states(t, st, target) {
			if d.State != herald.Sent || d.MessageID == "" {
				t.Errorf("%s %s: state %s message %q", target, key, d.State, d.MessageID)
			}
		}
	}
}

func TestRateLimitWaitsAndResendsOnce(t *testing.T) {
	st := setup(t, 3, chanA)
	s := newScriptSender(func(_ herald.Target, key string, call int) error {
		if key == "a2" && call <= 2 {
			return &herald.RateLimitError{RetryAfter: 30 * time.Millisecond}
		}
		return nil
	})
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s}, dispatch.Options{})
	waitFor(t, "all posts", func() bool { return len(s.Sent(chanA)) == 3 })
	if got := fmt.Sprint(s.Sent(chanA)); got != "[a1 a2 a3]" {
		t.Errorf("got %s", got)
	}
	if d := states(t, st, chanA)["a2"]; d.Attempts != 0 || d.State != herald.Sent {
		t.Errorf("a rate limit is not a failed attempt: %+v", d)
	}
}

func TestPermanentFailureIsRecordedAndSkipped(t *testing.T) {
	st := setup(t, 3, chanA)
	s := newScriptSender(func(_ herald.Target, key string, _ int) error {
		if key == "a1" {
			return &herald.PermanentError{Reason: "discord HTTP 403, code 50013: Missing Permissions"}
		}
		return nil
	})
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s}, dispatch.Options{})
	waitFor(t, "the other posts", func() bool { return len(s.Sent(chanA)) == 2 })
	waitFor(t, "the failure to be recorded", func() bool { return states(t, st, chanA)["a1"].State == herald.Failed })
	if d := states(t, st, chanA)["a1"]; d.LastError != "discord HTTP 403, code 50013: Missing Permissions" {
		t.Errorf("reason not kept: %q", d.LastError)
	}
}

func TestTransientFailureRetriesWithBackoff(t *testing.T) {
	st := setup(t, 2, chanA)
	s := newScriptSender(func(_ herald.Target, key string, call int) error {
		if key == "a1" && call <= 2 {
			return errors.New("discord HTTP 503")
		}
		return nil
	})
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s},
		dispatch.Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
	waitFor(t, "both posts", func() bool { return len(s.Sent(chanA)) == 2 })
	if got := fmt.Sprint(s.Sent(chanA)); got != "[a1 a2]" {
		t.Errorf("a retried head must keep its place: %s", got)
	}
	d := states(t, st, chanA)["a1"]
	if d.Attempts != 2 || d.LastError != "discord HTTP 503" {
		t.Errorf("attempts %d, last error %q", d.Attempts, d.LastError)
	}
}

func TestGivesUpAfterMaxAge(t *testing.T) {
	st := setup(t, 1, chanA)
	s := newScriptSender(func(herald.Target, string, int) error { return errors.New("connection reset") })
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s},
		dispatch.Options{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxAge: time.Nanosecond})
	waitFor(t, "the dead letter", func() bool { return states(t, st, chanA)["a1"].State == herald.Failed })
	if d := states(t, st, chanA)["a1"]; d.LastError == "" {
		t.Error("no reason recorded")
	}
}

func TestOneStuckTargetDoesNotHoldOthers(t *testing.T) {
	st := setup(t, 3, chanA, chanB)
	release := make(chan struct{})
	s := newScriptSender(func(target herald.Target, _ string, _ int) error {
		if target == chanA {
			<-release
		}
		return nil
	})
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s, herald.Telegram: s}, dispatch.Options{})
	waitFor(t, "the healthy target", func() bool { return len(s.Sent(chanB)) == 3 })
	if n := len(s.Sent(chanA)); n != 0 {
		t.Fatalf("stuck target sent %d", n)
	}
	close(release)
	waitFor(t, "the stuck target to catch up", func() bool { return len(s.Sent(chanA)) == 3 })
}

func TestUnconfiguredPlatformWaits(t *testing.T) {
	st := setup(t, 1, chanA, chanB)
	s := newScriptSender(nil)
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Telegram: s}, dispatch.Options{})
	waitFor(t, "telegram", func() bool { return len(s.Sent(chanB)) == 1 })
	if d := states(t, st, chanA)["a1"]; d.State != herald.Pending {
		t.Fatalf("a delivery for an unconfigured platform must stay pending, is %s", d.State)
	}
}

func TestBackoffBounds(t *testing.T) {
	tests := []struct {
		attempts int
		min, max time.Duration
	}{
		{0, time.Second, 2 * time.Second},
		{1, 2 * time.Second, 4 * time.Second},
		{3, 8 * time.Second, 16 * time.Second},
		{30, 5 * time.Minute, 10 * time.Minute},
	}
	for _, tt := range tests {
		for range 100 {
			got := dispatch.Backoff(tt.attempts, 2*time.Second, 10*time.Minute)
			if got < tt.min || got > tt.max {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", tt.attempts, got, tt.min, tt.max)
			}
		}
	}
}

func TestUnreachableRecipientPausesItsFollows(t *testing.T) {
	st := setup(t, 3, chanA, chanB)
	ctx := context.Background()
	for _, target := range []herald.Target{chanA, chanB} {
		if _, err := st.AddFollow(ctx, herald.Follow{Target: target, Topic: "World", By: "u"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	blocked := fmt.Errorf("%w: blocked", herald.ErrUnreachable)
	s := newScriptSender(func(target herald.Target, key string, call int) error {
		if target == chanB {
			return &herald.PermanentError{Reason: "telegram 403: Forbidden: bot was blocked by the user", Err: blocked}
		}
		return nil
	})
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s, herald.Telegram: s}, dispatch.Options{})
	waitFor(t, "the blocked target to be paused", func() bool {
		reason, err := st.Paused(ctx, chanB)
		return err == nil && reason != ""
	})
	waitFor(t, "every delivery to the blocked target to fail", func() bool {
		for _, d := range states(t, st, chanB) {
			if d.State != herald.Failed {
				return false
			}
		}
		return true
	})
	waitFor(t, "the other target's posts", func() bool { return len(s.Sent(chanA)) == 3 })
	if reason, _ := st.Paused(ctx, chanA); reason != "" {
		t.Errorf("a reachable target was paused: %q", reason)
	}
	follows, err := st.ActiveFollows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(follows) != 1 || follows[0].Target != chanA {
		t.Errorf("active follows = %v, want only %v's", follows, chanA)
	}
	// Only the first refusal was sent: pausing failed the rest unsent.
	s.mu.Lock()
	calls := 0
	for id, n := range s.calls {
		if strings.HasPrefix(id, chanB.String()) {
			calls += n
		}
	}
	s.mu.Unlock()
	if calls != 1 {
		t.Errorf("%d sends to the blocked target, want 1", calls)
	}
}
