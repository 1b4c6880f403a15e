package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald"
)

func TestFeedHealth(t *testing.T) {
	start := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	const a, b = "https://a.example/feed", "https://b.example/feed"
	for _, tc := range []struct {
		name   string
		feeds  []string
		saved  []herald.FeedState
		after  time.Duration
		ok     bool
		detail string
		// owned are the feeds this replica fetches; all when nil.
		owned []string
	}{
		{"no feed", nil, nil, time.Hour, true, "no feed configured", nil},
		{"none fetched yet", []string{a, b}, nil, time.Second, true, "2 feed(s) not fetched yet", nil},
		{"none fetched in time", []string{a, b}, nil, time.Hour, false, "no feed fetched within 1m0s of start", nil},
		{"one fine", []string{a, b}, []herald.FeedState{{URL: a, LastError: "HTTP 500"}, {URL: b}}, time.Hour, true, "1 of 2 feed(s)", nil},
		{"one failing, one not fetched yet", []string{a, b}, []herald.FeedState{{URL: a, LastError: "HTTP 500"}}, time.Second, true, "1 feed(s) not fetched yet", nil},
		{"one failing, the other never fetched", []string{a, b}, []herald.FeedState{{URL: a, LastError: "HTTP 500"}}, time.Hour, false, "every fetched feed is failing (1 of 2), e.g. " + a + ": HTTP 500", nil},
		{"all failing at once", []string{a, b}, []herald.FeedState{{URL: a, LastError: "HTTP 500"}, {URL: b, LastError: "timeout"}}, time.Second, false, "every fetched feed is failing (2 of 2)", nil},
		{"failing again after a success", []string{a}, []herald.FeedState{{URL: a}, {URL: a, LastError: "HTTP 502"}}, time.Hour, false, "every fetched feed is failing (1 of 1)", nil},
		{"fine again after a failure", []string{a}, []herald.FeedState{{URL: a, LastError: "HTTP 502"}, {URL: a}}, time.Hour, true, "1 of 1 feed(s)", nil},
		{"another replica fetches every feed", []string{a, b}, nil, time.Hour, true, "the other replicas fetch the 2 feed(s)", []string{}},
		{"only the feeds this replica fetches count", []string{a, b}, []herald.FeedState{{URL: b, LastError: "HTTP 500"}}, time.Hour, false, "every fetched feed is failing (1 of 1), e.g. " + b, []string{b}},
		{"a failing feed of another replica's does not count", []string{a, b}, []herald.FeedState{{URL: a}, {URL: b, LastError: "HTTP 500"}}, time.Hour, true, "1 of 1 feed(s)", []string{a}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var owns func(string) bool
			if tc.owned != nil {
				owns = func(url string) bool { return slices.Contains(tc.owned, url) }
			}
			f := newFeedHealth(tc.feeds, start, time.Minute, owns)
			st := f.store(nopStore{})
			for _, s := range tc.saved {
				if err := st.SaveFeedState(t.Context(), s); err != nil {
					t.Fatal(err)
				}
			}
			ok, detail := f.check(start.Add(tc.after))
			if ok != tc.ok || !strings.HasPrefix(detail, tc.detail) {
				t.Errorf("check = %v %q, want %v %q…", ok, detail, tc.ok, tc.detail)
			}
		})
	}
}

// nopStore takes feed states and cursors.
type nopStore struct{ herald.Store }

func (nopStore) SaveFeedState(context.Context, herald.FeedState) error { return nil }

func TestAuthFollowsIdentityChecksAndSends(t *testing.T) {
	now := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	a := newAuth(slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now })
	calls := 0
	identify := func(context.Context) error { calls++; return nil }
	a.add(herald.Discord, identify, nil)
	a.add(herald.Telegram, identify, errors.New("dial tcp: connection refused"))

	state := func() string {
		var s []string
		for _, c := range a.checks() {
			ok := "ok"
			if !c.OK {
				ok = "FAIL"
			}
			s = append(s, c.Name+"="+ok)
		}
		return strings.Join(s, " ")
	}
	if got := state(); got != "discord=ok telegram=FAIL" {
		t.Fatalf("after start: %s", got)
	}
	// A send that succeeds proves the token.
	a.sent(herald.Telegram, nil)
	if got := state(); got != "discord=ok telegram=ok" {
		t.Fatalf("after a send: %s", got)
	}
	// A rate limit or a refusal of one message says nothing against it;
	// another failure has it checked again.
	a.sent(herald.Discord, &herald.RateLimitError{RetryAfter: time.Second})
	a.sent(herald.Discord, &herald.PermanentError{Reason: "Unknown Channel"})
	if a.platforms[herald.Discord].suspect {
		t.Error("a rate limit or a refused message made the token suspect")
	}
	a.sent(herald.Discord, errors.New("telegram 401: Unauthorized"))
	if !a.platforms[herald.Discord].suspect || state() != "discord=ok telegram=ok" {
		t.Errorf("after a transient failure: suspect %v, %s", a.platforms[herald.Discord].suspect, state())
	}
	// A send to a platform not recorded is ignored.
	a.sent(herald.Console, errors.New("closed"))
}

func TestAuthChecksASuspectTokenAgain(t *testing.T) {
	a := newAuth(slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	refused := make(chan struct{})
	a.add(herald.Telegram, func(ctx context.Context) error {
		select {
		case <-refused:
			return fmt.Errorf("the token was refused: %w", &tgbotapi.Error{Code: http.StatusUnauthorized, Message: "Unauthorized"})
		default:
			return nil
		}
	}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); a.run(ctx, 10*time.Millisecond) }()
	defer func() { cancel(); <-done }()

	close(refused)
	a.sent(herald.Telegram, errors.New("telegram 401: Unauthorized"))
	waitFor(t, "the refusal", func() bool {
		c := a.checks()[0]
		return !c.OK && strings.HasPrefix(c.Detail, "token refused: ")
	})
	// A refused send says so at once.
	a.add(herald.Discord, func(context.Context) error { return nil }, nil)
	a.sent(herald.Discord, fmt.Errorf("send: %w", &tgbotapi.Error{Code: http.StatusUnauthorized}))
	if c := a.checks()[0]; c.Name != "discord" || c.OK {
		t.Errorf("after a send refused with 401: %+v", c)
	}
}

// cursorStore takes cursors, or fails to.
type cursorStore struct {
	herald.Store
	err     error
	cursors map[string]int64
}

func (s *cursorStore) SaveCursor(ctx context.Context, name string, value int64) error {
	if _, ok := ctx.Deadline(); !ok {
		return errors.New("a store write without a deadline")
	}
	if s.err != nil {
		return s.err
	}
	s.cursors[name] = value
	return nil
}

func TestReadyzAnswersWithTheChecks(t *testing.T) {
	now := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st := &cursorStore{cursors: make(map[string]int64)}
	au := newAuth(slog.New(slog.NewTextHandler(io.Discard, nil)), clock)
	au.add(herald.Discord, func(context.Context) error { return nil }, nil)
	r := &readiness{store: st, auth: au, feeds: newFeedHealth([]string{"https://a.example/feed"}, now, time.Minute, nil), now: clock}

	serve := func() (int, string) {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
	code, body := serve()
	want := `{"status":"ready","checks":[{"name":"store","ok":true,"detail":"writable"},` +
		`{"name":"discord","ok":true,"detail":"token accepted 2024-04-08T09:00:00Z"},` +
		`{"name":"feeds","ok":true,"detail":"1 feed(s) not fetched yet"}]}`
	if code != http.StatusOK || body != want {
		t.Errorf("GET /readyz: %d %s\nwant 200 %s", code, body, want)
	}
	if st.cursors[readyCursor] != now.Unix() {
		t.Errorf("the heartbeat cursor is %d, want %d", st.cursors[readyCursor], now.Unix())
	}

	st.err = errors.New("disk I/O error")
	code, body = serve()
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `{"name":"store","ok":false,"detail":"a write failed: disk I/O error"}`) ||
		!strings.HasPrefix(body, `{"status":"unavailable"`) {
		t.Errorf("GET /readyz with the store failing: %d %s", code, body)
	}
}
