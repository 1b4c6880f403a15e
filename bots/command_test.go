package bots

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/store/sqlite"
)

// clock is a settable clock for rate limits.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newHandler(t testing.TB, opts Options) (*Handler, *sqlite.Store, *clock) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &clock{now: time.Date(2024, 4, 8, 12, 0, 0, 0, time.UTC)}
	if opts.Now == nil {
		opts.Now = c.Now
	}
	return NewHandler(st, slog.New(slog.NewTextHandler(io.Discard, nil)), opts), st, c
}

var (
	alice = herald.Target{Platform: herald.Telegram, Chat: "1001"}
	group = herald.Target{Platform: herald.Telegram, Chat: "-2002"}
)

func request(command, args string) Request {
	return Request{Command: command, Args: args, User: "telegram:1001", Personal: alice, Subscriber: alice, Where: "in this chat"}
}

func seed(t testing.TB, st herald.Store) {
	t.Helper()
	published := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	articles := []herald.Article{
		{Key: "a", URL: "https://news.example/a", Headline: "Lavrov visits Beijing", Lead: "Russia's foreign minister arrived in China.", Topics: []string{"World", "Asia"}, Published: published},
		{Key: "b", URL: "https://news.example/b", Headline: "Rates held steady", Lead: "The central bank kept rates.", Topics: []string{"Business"}, Published: published.Add(time.Hour)},
		{Key: "c", URL: "https://news.example/c", Headline: "Climate summit opens", Lead: "Leaders met on climate change.", Topics: []string{"World", "Climate"}, Published: published.Add(2 * time.Hour)},
	}
	if _, err := st.Ingest(context.Background(), "https://news.example/feed", articles, nil, 0); err != nil {
		t.Fatal(err)
	}
}

func TestHandle(t *testing.T) {
	h, st, _ := newHandler(t, Options{MaxFollows: 3, Burst: 100})
	seed(t, st)
	ctx := context.Background()
	steps := []struct {
		name string
		req  Request
		want string // a part of the reply's text
	}{
		{"follow without topic", request(Follow, "  "), "Which topic?"},
		{"follow punctuation", request(Follow, "!!!"), "needs letters or digits"},
		{"follow", request(Follow, " China "), "Following “China”: new articles about it will arrive in this chat."},
		{"follow again by another spelling", request(Follow, "china"), "Already following “china”"},
		{"follow unknown topic", request(Follow, "Quantum dots"), "No article has been about it yet"},
		{"follow denied", func() Request {
			r := request(Follow, "Asia")
			r.Subscriber, r.Denied = group, "Only this group's admins can change what it follows."
			return r
		}(), "Only this group's admins"},
		{"follow third", request(Follow, "World"), "Following “World”"},
		{"follow over the limit", request(Follow, "Business"), "more than 3 follows"},
		{"following", request(Following, ""), "Followed here (3 of at most 3)"},
		{"unfollow", request(Unfollow, "QUANTUM DOTS"), "Stopped following “QUANTUM DOTS”."},
		{"unfollow not followed", request(Unfollow, "Business"), "is not followed here"},
		{"topics", request(Topics, ""), "Topics, the most articles first"},
		{"search empty", request(Search, "   "), "What should I look for?"},
		{"search", request(Search, "lavrov"), "Best matches for “lavrov”"},
		{"search nothing", request(Search, "zebra"), "Nothing found for “zebra”."},
		{"search hostile", request(Search, `"unbalanced NEAR( * -x headline: 🙂 ' OR 1=1 --`), ""},
		{"search huge", request(Search, strings.Repeat("lavrov ", 300)), ""},
		{"latest", request(Latest, ""), "The newest articles:"},
		{"latest topic", request(Latest, "climate"), "The newest articles about “climate”"},
		{"latest nothing", request(Latest, "zebra"), "No articles about “zebra” yet."},
		{"help", request(Help, ""), "/follow <topic>"},
		{"unknown", request("frobnicate", ""), "I do not know that command."},
	}
	for _, s := range steps {
		r := h.Handle(ctx, s.req)
		if !strings.Contains(r.Text, s.want) {
			t.Errorf("%s: reply %q does not say %q", s.name, r.Text, s.want)
		}
		if strings.Contains(r.Text, "went wrong") {
			t.Errorf("%s: reply %q is an error", s.name, r.Text)
		}
	}

	follows, err := st.Follows(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	var topics []string
	for _, f := range follows {
		topics = append(topics, f.Topic)
		if f.By != "telegram:1001" {
			t.Errorf("follow %q made by %q", f.Topic, f.By)
		}
	}
	if want := []string{"China", "World"}; !slices.Equal(topics, want) {
		t.Errorf("follows = %q, want %q", topics, want)
	}
	if fs, _ := st.Follows(ctx, group); len(fs) != 0 {
		t.Errorf("a denied follow was recorded: %v", fs)
	}
}

func TestHandleLists(t *testing.T) {
	h, st, _ := newHandler(t, Options{Burst: 100})
	ctx := context.Background()
	if r := h.Handle(ctx, request(Topics, "")); len(r.Topics) != 0 || !strings.Contains(r.Text, "No topics yet") {
		t.Errorf("topics before any article: %+v", r)
	}
	if r := h.Handle(ctx, request(Latest, "")); len(r.Articles) != 0 || r.Text != "No articles yet." {
		t.Errorf("latest before any article: %+v", r)
	}
	if r := h.Handle(ctx, request(Following, "")); len(r.List) != 0 || !strings.Contains(r.Text, "Nothing is followed") {
		t.Errorf("following with no follows: %+v", r)
	}
	seed(t, st)
	r := h.Handle(ctx, request(Topics, ""))
	if len(r.Topics) == 0 || r.Topics[0].Name != "World" || r.Topics[0].Articles != 2 {
		t.Errorf("topics = %+v, want World (2) first", r.Topics)
	}
	r = h.Handle(ctx, request(Latest, ""))
	var heads []string
	for _, a := range r.Articles {
		heads = append(heads, a.Headline)
	}
	if want := []string{"Climate summit opens", "Rates held steady", "Lavrov visits Beijing"}; !slices.Equal(heads, want) {
		t.Errorf("latest = %q, want %q", heads, want)
	}
	r = h.Handle(ctx, request(Search, "lavrov beijing"))
	if len(r.Articles) != 1 || r.Articles[0].URL != "https://news.example/a" {
		t.Errorf("search found %+v", r.Articles)
	}
	r = h.Handle(ctx, request(Latest, "china")) // a word of the lead
	if len(r.Articles) != 1 || r.Articles[0].Key != "a" {
		t.Errorf("latest china found %+v", r.Articles)
	}
}

func TestRateLimit(t *testing.T) {
	h, _, c := newHandler(t, Options{Rate: 6, Burst: 2}) // one every 10 s
	ctx := context.Background()
	limited := func(r formatter.Reply) bool { return strings.Contains(r.Text, "faster than I can answer") }
	for i := range 2 {
		if r := h.Handle(ctx, request(Help, "")); limited(r) {
			t.Fatalf("command %d limited within the burst", i+1)
		}
	}
	if r := h.Handle(ctx, request(Help, "")); !limited(r) {
		t.Fatalf("third command at once not limited: %q", r.Text)
	}
	other := request(Help, "")
	other.User = "discord:9"
	if r := h.Handle(ctx, other); limited(r) {
		t.Errorf("another user limited too")
	}
	c.Add(10 * time.Second)
	if r := h.Handle(ctx, request(Help, "")); limited(r) {
		t.Errorf("still limited after the bucket refilled")
	}
}

func TestPausedNotice(t *testing.T) {
	h, st, _ := newHandler(t, Options{Burst: 100})
	ctx := context.Background()
	h.Handle(ctx, request(Follow, "World"))
	if err := st.Pause(ctx, alice, "telegram 403: Forbidden: bot was blocked by the user"); err != nil {
		t.Fatal(err)
	}
	if fs, _ := st.ActiveFollows(ctx); len(fs) != 0 {
		t.Fatalf("paused follows still active: %v", fs)
	}
	r := h.Handle(ctx, request(Topics, ""))
	if !strings.Contains(r.Notice, "paused") || !strings.Contains(r.Notice, "blocked by the user") {
		t.Errorf("notice %q does not tell of the pause", r.Notice)
	}
	if reason, _ := st.Paused(ctx, alice); reason != "" {
		t.Errorf("still paused: %q", reason)
	}
	if fs, _ := st.ActiveFollows(ctx); len(fs) != 1 {
		t.Errorf("follows not active again: %v", fs)
	}
	if r := h.Handle(ctx, request(Topics, "")); r.Notice != "" {
		t.Errorf("notice repeated: %q", r.Notice)
	}
	// A command in a group (no personal target) resumes nothing.
	st.Pause(ctx, alice, "blocked")
	g := request(Topics, "")
	g.Personal = herald.Target{}
	if r := h.Handle(ctx, g); r.Notice != "" {
		t.Errorf("group command got notice %q", r.Notice)
	}
}

func TestComplete(t *testing.T) {
	h, st, _ := newHandler(t, Options{Burst: 100})
	seed(t, st)
	ctx := context.Background()
	got := h.Complete(ctx, request(Follow, "w"))
	if !slices.Equal(got, []string{"World"}) {
		t.Errorf("complete follow w = %q", got)
	}
	if got := h.Complete(ctx, request(Follow, "")); len(got) != 4 {
		t.Errorf("complete follow \"\" = %q, want the 4 topics", got)
	}
	h.Handle(ctx, request(Follow, "Zebras"))
	h.Handle(ctx, request(Follow, "Zanzibar"))
	h.Handle(ctx, request(Follow, "World"))
	if got := h.Complete(ctx, request(Unfollow, "z")); !slices.Equal(got, []string{"Zanzibar", "Zebras"}) {
		t.Errorf("complete unfollow z = %q", got)
	}
}

func FuzzHandle(f *testing.F) {
	for _, c := range Commands {
		f.Add(c.Name, "china")
	}
	f.Add("search", `"unbalanced NEAR( * -x headline: 🙂`)
	f.Add("follow", strings.Repeat("é", 300))
	f.Add("unknown", "\x00\xff")
	h, st, _ := newHandler(f, Options{Burst: 1 << 30, Rate: 1 << 30})
	seed(f, st)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, command, args string) {
		r := h.Handle(ctx, request(command, args))
		if strings.Contains(r.Text, "went wrong") {
			t.Fatalf("%s %q: store error: %q", command, args, r.Text)
		}
		if r.Text == "" {
			t.Fatalf("%s %q: empty reply", command, args)
		}
		if d := formatter.DiscordReply(r); len([]rune(d)) > 2000 {
			t.Fatalf("%s %q: Discord reply of %d characters", command, args, len([]rune(d)))
		}
		if m := formatter.TelegramReply(r); formatter.TelegramLength(m.Text) > formatter.TelegramMaxLength {
			t.Fatalf("%s %q: Telegram reply too long", command, args)
		}
		for _, f := range h.Complete(ctx, request(command, args)) {
			if herald.TopicKey(f) == "" {
				t.Fatalf("completion %q of %q has no words", f, args)
			}
		}
	})
}

func TestWhyIsForAdmins(t *testing.T) {
	var asked []string
	h, _, _ := newHandler(t, Options{Burst: 100, Why: func(ctx context.Context, ref string) (string, []string, error) {
		asked = append(asked, ref)
		if ref == "https://news.example/a" {
			return "Lavrov visits Beijing", []string{"discord:111: sent", "telegram:7: pending"}, nil
		}
		return "", nil, fmt.Errorf("trace: %w", herald.ErrNotFound)
	}})
	ctx := context.Background()
	admin := request(Why, " https://news.example/a ")
	admin.Admin = true
	if r := h.Handle(ctx, request(Why, "https://news.example/a")); !strings.Contains(r.Text, "Only admins") {
		t.Errorf("a reader asked why and got %q", r.Text)
	}
	if r := h.Handle(ctx, admin); !strings.Contains(r.Text, "Lavrov visits Beijing") || !slices.Equal(r.List, []string{"discord:111: sent", "telegram:7: pending"}) {
		t.Errorf("an admin asked why and got %+v", r)
	}
	admin.Args = "https://news.example/unknown"
	if r := h.Handle(ctx, admin); !strings.Contains(r.Text, "No article with that link") {
		t.Errorf("unknown article: %q", r.Text)
	}
	if !slices.Equal(asked, []string{"https://news.example/a", "https://news.example/unknown"}) {
		t.Errorf("asked %q: a reader's question reached the store, or the link was not trimmed", asked)
	}
	off, _, _ := newHandler(t, Options{Burst: 100})
	if r := off.Handle(ctx, admin); !strings.Contains(r.Text, "I do not know that command") {
		t.Errorf("why without a tracer: %q", r.Text)
	}
}

func TestConfiguredTargetsRefuseFollows(t *testing.T) {
	h, st, _ := newHandler(t, Options{Configured: func(tg herald.Target) (string, bool) {
		if tg == group {
			return "articles about china, as a digest at 0 8 * * *", true
		}
		return "", false
	}})
	ctx := context.Background()
	r := request(Follow, "world")
	r.Subscriber, r.Where = group, "in this group"
	for _, command := range []string{Follow, Unfollow, Following} {
		r.Command = command
		got := h.Handle(ctx, r).Text
		if !strings.Contains(got, "set by the bot's configuration") || !strings.Contains(got, "digest at 0 8 * * *") {
			t.Errorf("/%s in a configured group = %q, want the configuration's word", command, got)
		}
	}
	if fs, err := st.Follows(ctx, group); err != nil || len(fs) != 0 {
		t.Errorf("follows of the configured group = %v, %v; want none", fs, err)
	}
	// A reader's own chat is not configured: follows work there.
	if got := h.Handle(ctx, request(Follow, "world")).Text; !strings.HasPrefix(got, "Following") {
		t.Errorf("/follow in a private chat = %q", got)
	}
}
