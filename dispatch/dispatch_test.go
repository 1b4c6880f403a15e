package dispatch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/dispatch"
	"github.com/heraldhq/herald/internal/clocktest"
	"github.com/heraldhq/herald/internal/logtest"
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

	perDigest int
	digests   map[herald.Target][][]string
	edits     map[herald.Target][]string
	editErr   func(herald.Edit) error
	// flags records how each post was made: "key silent=… role=…".
	flags []string
}

func newScriptSender(script func(herald.Target, string, int) error) *scriptSender {
	return &scriptSender{sent: map[herald.Target][]string{}, calls: map[string]int{}, script: script,
		digests: map[herald.Target][][]string{}, edits: map[herald.Target][]string{}}
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
	s.flags = append(s.flags, fmt.Sprintf("%s silent=%v role=%q", d.Article.Key, d.Silent, d.MentionRole))
	return fmt.Sprintf("m%d", d.ID), nil
}

// SendDigest posts at most perDigest of the digest's articles (all when
// perDigest is 0), answering as the script says for the first of them.
func (s *scriptSender) SendDigest(ctx context.Context, dg herald.Digest) (int, string, error) {
	n := len(dg.Deliveries)
	if s.perDigest > 0 {
		n = min(n, s.perDigest)
	}
	first := dg.Deliveries[0]
	s.mu.Lock()
	id := first.Target.String() + "/" + first.Article.Key
	s.calls[id]++
	call := s.calls[id]
	s.mu.Unlock()
	if s.script != nil {
		if err := s.script(dg.Target, first.Article.Key, call); err != nil {
			return 0, "", err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for _, d := range dg.Deliveries[:n] {
		keys = append(keys, d.Article.Key)
	}
	s.digests[dg.Target] = append(s.digests[dg.Target], keys)
	s.flags = append(s.flags, fmt.Sprintf("digest silent=%v role=%q", dg.Silent, dg.MentionRole))
	return n, fmt.Sprintf("g%d", first.ID), nil
}

// Edit records the edit as "kind key headline".
func (s *scriptSender) Edit(ctx context.Context, e herald.Edit) error {
	if s.editErr != nil {
		if err := s.editErr(e); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.edits[e.Delivery.Target] = append(s.edits[e.Delivery.Target],
		string(e.Kind)+" "+e.Delivery.Article.Key+" "+e.Delivery.Article.Headline)
	return nil
}

func (s *scriptSender) Digests(t herald.Target) [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.digests[t])
}

func (s *scriptSender) Edits(t herald.Target) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.edits[t])
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

func start(t *testing.T, st herald.Store, senders map[herald.Platform]dispatch.Sender, opts dispatch.Options) *dispatch.Dispatcher {
	t.Helper()
	return startLogging(t, st, senders, opts, io.Discard)
}

// startLogging starts a dispatcher that logs to w.
func startLogging(t *testing.T, st herald.Store, senders map[herald.Platform]dispatch.Sender, opts dispatch.Options, w io.Writer) *dispatch.Dispatcher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	d := dispatch.New(st, senders, slog.New(slog.NewTextHandler(w, nil)), opts)
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return d
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
	st := setup(t, 2, chanA)
	s := newScriptSender(func(_ herald.Target, key string, _ int) error {
		if key == "a1" {
			return errors.New("discord HTTP 503")
		}
		return nil
	})
	c := clocktest.New(time.Now())
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s},
		dispatch.Options{MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond, MaxAge: time.Hour, Clock: c})
	waitFor(t, "retries within the age", func() bool {
		c.Advance(10 * time.Millisecond) // past the backoff: the retry is due
		d := states(t, st, chanA)["a1"]
		if d.State != herald.Pending {
			t.Fatalf("a1 is %s before its age ran out: %q", d.State, d.LastError)
		}
		return d.Attempts >= 3
	})
	if n := len(s.Sent(chanA)); n != 0 {
		t.Fatalf("a2 was sent while a1, before it, was retried: %v", s.Sent(chanA))
	}
	c.Advance(time.Hour + time.Second)
	waitFor(t, "the dead letter", func() bool { return states(t, st, chanA)["a1"].State == herald.Failed })
	d := states(t, st, chanA)["a1"]
	if want := "gave up after 1h0m0s: discord HTTP 503"; d.LastError != want {
		t.Errorf("dead letter reason %q, want %q", d.LastError, want)
	}
	if d.Attempts < 3 {
		t.Errorf("dead-lettered after %d attempts", d.Attempts)
	}
	// The queue moves on.
	waitFor(t, "the next post", func() bool { return len(s.Sent(chanA)) == 1 })
	if got := fmt.Sprint(s.Sent(chanA)); got != "[a2]" {
		t.Errorf("sent %s, want [a2]", got)
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
	for _, elsewhere := range []bool{false, true} {
		t.Run(fmt.Sprint("sent elsewhere ", elsewhere), func(t *testing.T) {
			st := setup(t, 1, chanA, chanB)
			s := newScriptSender(nil)
			opts := dispatch.Options{}
			if elsewhere {
				opts.SentElsewhere = func(p herald.Platform) bool { return p == chanA.Platform }
			}
			var logs logtest.Buffer
			startLogging(t, st, map[herald.Platform]dispatch.Sender{herald.Telegram: s}, opts, &logs)
			waitFor(t, "telegram", func() bool { return len(s.Sent(chanB)) == 1 })
			if d := states(t, st, chanA)["a1"]; d.State != herald.Pending {
				t.Fatalf("a delivery for a platform without a sender must stay pending, is %s", d.State)
			}
			warned := strings.Contains(logs.String(), "not configured")
			if warned == elsewhere {
				t.Errorf("warned of an unconfigured platform: %v, want %v; logs:\n%s", warned, !elsewhere, logs.String())
			}
		})
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
		{8, 256 * time.Second, 512 * time.Second},
		{9, 5 * time.Minute, 10 * time.Minute}, // 1024s, capped
		{30, 5 * time.Minute, 10 * time.Minute},
		{1 << 20, 5 * time.Minute, 10 * time.Minute},
	}
	for _, tt := range tests {
		seen := map[time.Duration]bool{}
		for range 100 {
			got := dispatch.Backoff(tt.attempts, 2*time.Second, 10*time.Minute)
			if got < tt.min || got > tt.max {
				t.Fatalf("Backoff(%d) = %s, want within [%s, %s]", tt.attempts, got, tt.min, tt.max)
			}
			seen[got] = true
		}
		// Jitter: lanes that failed together do not retry together.
		if len(seen) < 50 {
			t.Errorf("Backoff(%d) took %d values in 100 draws, want jitter", tt.attempts, len(seen))
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

// calls counts the sends to target.
func (s *scriptSender) Calls(target herald.Target) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, c := range s.calls {
		if strings.HasPrefix(id, target.String()+"/") {
			n += c
		}
	}
	return n
}

func TestMovedChatIsFollowed(t *testing.T) {
	group := herald.Target{Platform: herald.Telegram, Chat: "-300"}
	supergroup := herald.Target{Platform: herald.Telegram, Chat: "-1001300"}
	st := setup(t, 3, group, chanA)
	ctx := context.Background()
	if _, err := st.AddFollow(ctx, herald.Follow{Target: group, Topic: "World", By: "u"}, 0); err != nil {
		t.Fatal(err)
	}
	s := newScriptSender(func(target herald.Target, _ string, _ int) error {
		if target == group {
			return &herald.MovedError{To: supergroup, Err: &herald.PermanentError{
				Reason: "telegram 400: Bad Request: group chat was upgraded to a supergroup chat (chat moved to -1001300)"}}
		}
		return nil
	})
	var log logtest.Buffer
	startLogging(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s, herald.Telegram: s}, dispatch.Options{}, &log)
	waitFor(t, "the posts in the new chat", func() bool {
		ds := states(t, st, supergroup)
		for _, d := range ds {
			if d.State != herald.Sent {
				return false
			}
		}
		return len(ds) == 3
	})
	if got := fmt.Sprint(s.Sent(supergroup)); got != "[a1 a2 a3]" {
		t.Errorf("the new chat got %s, want each post once, in publish order", got)
	}
	if n := s.Calls(group); n != 1 {
		t.Errorf("%d sends to the old chat, want the one that learnt of the move", n)
	}
	if n := s.Calls(supergroup); n != 3 {
		t.Errorf("%d sends to the new chat, want 3", n)
	}
	if ds := states(t, st, group); len(ds) != 0 {
		t.Errorf("deliveries left to the old chat: %v", ds)
	}
	moves, err := st.Moves(ctx)
	if err != nil || len(moves) != 1 || moves[group] != supergroup {
		t.Errorf("Moves = %v, %v; want %v to %v", moves, err, group, supergroup)
	}
	if fs, err := st.Follows(ctx, supergroup); err != nil || len(fs) != 1 || fs[0].Topic != "World" {
		t.Errorf("follows of the new chat = %v, %v; want the old chat's", fs, err)
	}
	waitFor(t, "the other target's posts", func() bool { return len(s.Sent(chanA)) == 3 })
	out := log.String()
	for _, want := range []string{"level=WARN", "from=-300", "to=-1001300", "HERALD_TELEGRAM_CHATS"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log of the move does not say %q:\n%s", want, out)
		}
	}
}

func TestMoveElsewhereFailsTheDelivery(t *testing.T) {
	group := herald.Target{Platform: herald.Telegram, Chat: "-300"}
	st := setup(t, 2, group)
	s := newScriptSender(func(_ herald.Target, key string, _ int) error {
		if key == "a1" {
			return &herald.MovedError{To: chanA, Err: &herald.PermanentError{Reason: "moved"}}
		}
		return nil
	})
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s, herald.Telegram: s}, dispatch.Options{})
	waitFor(t, "the next post", func() bool { return len(s.Sent(group)) == 1 })
	d := states(t, st, group)["a1"]
	if d.State != herald.Failed || !strings.Contains(d.LastError, "chat moved to discord:1001") {
		t.Errorf("a1 = %s %q, want failed, naming the move", d.State, d.LastError)
	}
	if moves, err := st.Moves(context.Background()); err != nil || len(moves) != 0 {
		t.Errorf("Moves = %v, %v; want none", moves, err)
	}
}

// TestFailingTargetsNeverSlowOthers: a target whose sends fail, one whose
// sends hang and one that is unreachable do not keep a healthy target from
// its posts; the unreachable target is paused and its lane ends.
func TestFailingTargetsNeverSlowOthers(t *testing.T) {
	var (
		healthy = herald.Target{Platform: herald.Discord, Chat: "1"}
		failing = herald.Target{Platform: herald.Discord, Chat: "2"}
		hanging = herald.Target{Platform: herald.Discord, Chat: "3"}
		blocked = herald.Target{Platform: herald.Telegram, Chat: "4"}
	)
	const n = 50
	st := setup(t, n, healthy, failing, hanging, blocked)
	release := make(chan struct{})
	defer close(release)
	s := newScriptSender(func(target herald.Target, _ string, _ int) error {
		switch target {
		case failing:
			return errors.New("discord HTTP 503")
		case hanging:
			<-release
			return errors.New("timeout awaiting response headers")
		case blocked:
			return &herald.PermanentError{Reason: "telegram 403: Forbidden: bot was blocked by the user",
				Err: fmt.Errorf("%w: blocked", herald.ErrUnreachable)}
		}
		return nil
	})
	d := start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s, herald.Telegram: s},
		dispatch.Options{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	waitFor(t, "the healthy target's posts", func() bool { return len(s.Sent(healthy)) == n })
	var want []string
	for i := 1; i <= n; i++ {
		want = append(want, fmt.Sprintf("a%d", i))
	}
	if got := s.Sent(healthy); !slices.Equal(got, want) {
		t.Errorf("healthy target got %v, want all %d in publish order", got, n)
	}
	// The sender has the last post before the store records it as sent.
	waitFor(t, "the healthy target's deliveries to be recorded as sent", func() bool {
		for _, del := range states(t, st, healthy) {
			if del.State != herald.Sent {
				return false
			}
		}
		return true
	})

	waitFor(t, "the blocked target to be paused", func() bool {
		reason, err := st.Paused(context.Background(), blocked)
		return err == nil && reason != ""
	})
	for key, del := range states(t, st, blocked) {
		if del.State != herald.Failed || !strings.Contains(del.LastError, "blocked") {
			t.Errorf("blocked %s is %s %q, want failed with the reason", key, del.State, del.LastError)
		}
	}
	if c := s.Calls(blocked); c != 1 {
		t.Errorf("%d sends to the blocked target, want 1", c)
	}
	// The failing target keeps its head and retries it; what follows waits.
	waitFor(t, "retries of the failing target", func() bool { return states(t, st, failing)["a1"].Attempts >= 2 })
	for key, del := range states(t, st, failing) {
		if del.State != herald.Pending {
			t.Errorf("failing %s is %s, want pending: it is retried, not dropped", key, del.State)
		}
	}
	if len(s.Sent(failing)) != 0 || len(s.Sent(hanging)) != 0 {
		t.Errorf("sent %v and %v to targets that fail", s.Sent(failing), s.Sent(hanging))
	}
	// Lanes with nothing to send end, the paused target's among them, and
	// a notification does not bring them back.
	d.Notify()
	waitFor(t, "idle lanes to end", func() bool {
		return slices.Equal(d.Lanes(), []herald.Target{failing, hanging})
	})
}

func TestLaneStartsAgainForNewDeliveries(t *testing.T) {
	st := setup(t, 1, chanA)
	s := newScriptSender(nil)
	d := start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s}, dispatch.Options{})
	waitFor(t, "the first post", func() bool { return len(s.Sent(chanA)) == 1 })
	waitFor(t, "the idle lane to end", func() bool { return len(d.Lanes()) == 0 })
	later := herald.Article{Key: "b1", URL: "https://news.example/b1", Headline: "Later", Published: time.Now()}
	route := func(herald.Article) []herald.Target { return []herald.Target{chanA} }
	if _, err := st.Ingest(context.Background(), "https://news.example/feed", []herald.Article{later}, route, 1); err != nil {
		t.Fatal(err)
	}
	d.Notify()
	// Run lists pending targets once a minute by itself; the deadline of
	// waitFor is shorter, so only Notify can bring this post.
	waitFor(t, "the new post", func() bool { return len(s.Sent(chanA)) == 2 })
	if got := fmt.Sprint(s.Sent(chanA)); got != "[a1 b1]" {
		t.Errorf("sent %s", got)
	}
}

func TestBusyBoundsThePlatformsLanesAtWork(t *testing.T) {
	targets := telegramChats(12)
	st := setup(t, 2, append(targets, chanA)...)
	release := make(chan struct{})
	var mu sync.Mutex
	inFlight, most := 0, 0
	s := newScriptSender(func(target herald.Target, _ string, _ int) error {
		if target.Platform != herald.Telegram {
			return nil
		}
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		mu.Unlock()
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
		return nil
	})
	start(t, st, map[herald.Platform]dispatch.Sender{herald.Discord: s, herald.Telegram: s},
		dispatch.Options{Busy: map[herald.Platform]int{herald.Telegram: 3}})

	// Telegram's three slots are taken and stay so; Discord has its own.
	waitFor(t, "the Discord channel's posts while Telegram's slots are taken", func() bool { return len(s.Sent(chanA)) == 2 })
	waitFor(t, "three Telegram sends at once", func() bool { mu.Lock(); defer mu.Unlock(); return inFlight == 3 })
	time.Sleep(50 * time.Millisecond) // a fourth lane at work would show now
	mu.Lock()
	if most != 3 {
		t.Errorf("at most %d Telegram sends at once, want 3 (Busy)", most)
	}
	mu.Unlock()

	close(release)
	for _, tg := range targets {
		waitFor(t, "every Telegram chat's posts", func() bool { return len(s.Sent(tg)) == 2 })
	}
	mu.Lock()
	defer mu.Unlock()
	if most != 3 {
		t.Errorf("at most %d Telegram sends at once, want 3 (Busy)", most)
	}
}

func TestLanesWaitingForTheirFirstTurnHoldNoGoroutine(t *testing.T) {
	targets := telegramChats(300)
	st := setup(t, 1, targets...)
	release := make(chan struct{})
	var inFlight atomic.Int32
	s := newScriptSender(func(herald.Target, string, int) error {
		inFlight.Add(1)
		<-release
		return nil
	})
	before := runtime.NumGoroutine()
	d := start(t, st, map[herald.Platform]dispatch.Sender{herald.Telegram: s},
		dispatch.Options{Busy: map[herald.Platform]int{herald.Telegram: 3}})
	defer close(release)
	waitFor(t, "a lane for every chat", func() bool { return len(d.Lanes()) == len(targets) })
	waitFor(t, "three sends at once", func() bool { return inFlight.Load() == 3 })
	// Run, three lanes at work, and a few of the runtime's and the
	// store's; a goroutine per waiting chat would add 297.
	if added := runtime.NumGoroutine() - before; added > 20 {
		t.Errorf("%d goroutines for 300 chats of which 3 at work (Busy 3), want at most 20", added)
	}
}

func TestLanesTakeTurnsInTheOrderTheyAsked(t *testing.T) {
	targets := telegramChats(8)
	st := setup(t, 2, targets...)
	started := make(chan *dispatch.Dispatcher, 1)
	var mu sync.Mutex
	var order []string
	s := newScriptSender(func(target herald.Target, key string, _ int) error {
		mu.Lock()
		defer mu.Unlock()
		if len(order) == 0 {
			// The first send waits until every chat has its lane (or
			// its place in the queue), so that all asked before it asks
			// again.
			d := <-started
			waitFor(t, "a lane for every chat", func() bool { return len(d.Lanes()) == len(targets) })
		}
		order = append(order, target.Chat+"/"+key)
		return nil
	})
	started <- start(t, st, map[herald.Platform]dispatch.Sender{herald.Telegram: s},
		dispatch.Options{Busy: map[herald.Platform]int{herald.Telegram: 1}})
	waitFor(t, "every post", func() bool { mu.Lock(); defer mu.Unlock(); return len(order) == 2*len(targets) })

	// One turn at a time, taken in order: every chat gets its first post
	// before any gets its second.
	mu.Lock()
	defer mu.Unlock()
	for i, sent := range order {
		first := strings.HasSuffix(sent, "/a1")
		if first != (i < len(targets)) {
			t.Fatalf("posts went out in the order %v: a chat got its second post before every chat had its first", order)
		}
	}
}

// telegramChats returns n Telegram chats.
func telegramChats(n int) []herald.Target {
	ts := make([]herald.Target, n)
	for i := range ts {
		ts[i] = herald.Target{Platform: herald.Telegram, Chat: fmt.Sprint(1000 + i)}
	}
	return ts
}
