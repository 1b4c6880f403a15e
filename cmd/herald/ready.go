package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/discord"
	"github.com/heraldhq/herald/bots/telegram"
	"github.com/heraldhq/herald/dispatch"
)

// readyCursor is the cursor /readyz writes to prove the store writable.
const readyCursor = "readyz.heartbeat"

// storeProbeTimeout bounds that write.
const storeProbeTimeout = 2 * time.Second

// readiness answers /readyz: the store takes writes, every platform has
// accepted the bot's token, and the feeds are not all failing. No check
// calls a platform: the platforms' state is what the last identity check
// or send said.
type readiness struct {
	store herald.Store
	auth  *auth
	feeds *feedHealth
	now   func() time.Time
}

// probe is one line of /readyz's answer.
type probe struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// checks runs every check.
func (r *readiness) checks(ctx context.Context) []probe {
	var out []probe
	ctx, cancel := context.WithTimeout(ctx, storeProbeTimeout)
	err := r.store.SaveCursor(ctx, readyCursor, r.now().Unix())
	cancel()
	if err != nil {
		out = append(out, probe{"store", false, "a write failed: " + err.Error()})
	} else {
		out = append(out, probe{"store", true, "writable"})
	}
	out = append(out, r.auth.checks()...)
	ok, detail := r.feeds.check(r.now())
	out = append(out, probe{"feeds", ok, detail})
	return out
}

// ServeHTTP answers 200 with the checks when all pass, 503 otherwise.
func (r *readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	checks := r.checks(req.Context())
	status, code := "ready", http.StatusOK
	for _, c := range checks {
		if !c.OK {
			status, code = "unavailable", http.StatusServiceUnavailable
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(struct {
		Status string  `json:"status"`
		Checks []probe `json:"checks"`
	}{status, checks})
}

// auth remembers whether each platform accepts the bot's token: what the
// identity check at start said, then what the sends say. A send refused
// with 401 marks the platform refused; any other transient send failure,
// and a platform not yet confirmed, has its identity checked again by run,
// at most once per period. A send that succeeds confirms the token.
type auth struct {
	log *slog.Logger
	now func() time.Time

	mu        sync.Mutex
	platforms map[herald.Platform]*platformAuth
}

type platformAuth struct {
	// identify asks the platform who the bot is.
	identify func(context.Context) error
	ok       bool
	// refused is set when the platform said the token is wrong.
	refused bool
	// suspect asks for an identity check: a send failed in a way that a
	// revoked token could explain.
	suspect bool
	detail  string
}

func newAuth(log *slog.Logger, now func() time.Time) *auth {
	return &auth{log: log, now: now, platforms: make(map[herald.Platform]*platformAuth)}
}

// add records a platform and the outcome of its first identity check.
func (a *auth) add(p herald.Platform, identify func(context.Context) error, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	pa := &platformAuth{identify: identify}
	pa.record(a.now(), err)
	a.platforms[p] = pa
}

// record takes the outcome of an identity check.
func (pa *platformAuth) record(at time.Time, err error) {
	pa.suspect = false
	switch {
	case err == nil:
		pa.ok, pa.refused, pa.detail = true, false, "token accepted "+at.UTC().Format(time.RFC3339)
	case unauthorized(err):
		pa.ok, pa.refused, pa.detail = false, true, "token refused: "+err.Error()
	default:
		pa.ok, pa.detail = false, "not confirmed yet: "+err.Error()
	}
}

func unauthorized(err error) bool {
	return discord.IsUnauthorized(err) || telegram.IsUnauthorized(err)
}

// sent takes the outcome of a send to p.
func (a *auth) sent(p herald.Platform, err error) {
	var rl *herald.RateLimitError
	var perm *herald.PermanentError
	a.mu.Lock()
	defer a.mu.Unlock()
	pa := a.platforms[p]
	switch {
	case pa == nil:
	case err == nil:
		if !pa.ok {
			pa.record(a.now(), nil)
		}
	case unauthorized(err):
		pa.record(a.now(), err)
	case errors.As(err, &rl), errors.As(err, &perm):
		// The platform knew the bot: the token is fine.
	default:
		pa.suspect = true
	}
}

// checks lists each platform's state, by platform name.
func (a *auth) checks() []probe {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []probe
	for p, pa := range a.platforms {
		out = append(out, probe{string(p), pa.ok, pa.detail})
	}
	slices.SortFunc(out, func(x, y probe) int { return cmp.Compare(x.Name, y.Name) })
	return out
}

// run checks again, every period until ctx ends, the identity of each
// platform that is not confirmed or whose sends failed since.
func (a *auth) run(ctx context.Context, period time.Duration) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		a.mu.Lock()
		due := make(map[herald.Platform]func(context.Context) error)
		for p, pa := range a.platforms {
			if !pa.ok || pa.suspect {
				due[p] = pa.identify
			}
		}
		a.mu.Unlock()
		for p, identify := range due {
			checkCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := identify(checkCtx)
			cancel()
			if ctx.Err() != nil {
				return
			}
			a.mu.Lock()
			pa := a.platforms[p]
			was := pa.ok
			pa.record(a.now(), err)
			a.mu.Unlock()
			switch {
			case unauthorized(err):
				a.log.Error("the platform refused the bot's token", "platform", string(p), "err", err)
			case err == nil && !was:
				a.log.Info("the platform accepted the bot's token", "platform", string(p))
			}
		}
	}
}

// sender returns next telling a of each send's outcome.
func (a *auth) sender(p herald.Platform, next dispatch.Sender) dispatch.Sender {
	return authSender{p: p, a: a, next: next}
}

type authSender struct {
	p    herald.Platform
	a    *auth
	next dispatch.Sender
}

func (s authSender) Send(ctx context.Context, d herald.Delivery) (string, error) {
	id, err := s.next.Send(ctx, d)
	if err == nil || ctx.Err() == nil {
		s.a.sent(s.p, err)
	}
	return id, err
}

func (s authSender) SendDigest(ctx context.Context, dg herald.Digest) (int, string, error) {
	n, id, err := s.next.SendDigest(ctx, dg)
	if err == nil || ctx.Err() == nil {
		s.a.sent(s.p, err)
	}
	return n, id, err
}

func (s authSender) Edit(ctx context.Context, e herald.Edit) error {
	err := s.next.Edit(ctx, e)
	if err == nil || ctx.Err() == nil {
		s.a.sent(s.p, err)
	}
	return err
}

// feedHealth remembers the outcome of each feed's last fetch, as the feed
// watcher saves it, for /readyz.
type feedHealth struct {
	feeds   []string
	started time.Time
	// grace is how long after start a feed may go unfetched: its first
	// fetch runs at start and may take the fetch timeout.
	grace time.Duration
	// owns says which feeds this process fetches; replicas sharing a
	// database share the feeds.
	owns func(url string) bool

	mu        sync.Mutex
	lastError map[string]string
}

func newFeedHealth(feeds []string, started time.Time, grace time.Duration, owns func(string) bool) *feedHealth {
	return &feedHealth{feeds: feeds, started: started, grace: grace, owns: owns, lastError: make(map[string]string)}
}

// store returns st recording, in f, each feed state saved through it.
func (f *feedHealth) store(st herald.Store) herald.Store {
	return feedStateStore{Store: st, f: f}
}

type feedStateStore struct {
	herald.Store
	f *feedHealth
}

func (s feedStateStore) SaveFeedState(ctx context.Context, state herald.FeedState) error {
	s.f.mu.Lock()
	s.f.lastError[state.URL] = state.LastError
	s.f.mu.Unlock()
	return s.Store.SaveFeedState(ctx, state)
}

// check passes when a feed's last fetch succeeded, or, within the grace
// period after start, while some feed has not been fetched yet. It fails
// when every fetched feed failed and either all were fetched or the grace
// period is over. Only the feeds this process fetches count; when other
// replicas fetch them all, it passes.
func (f *feedHealth) check(now time.Time) (bool, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.feeds) == 0 {
		return true, "no feed configured"
	}
	ok, failing, unfetched, owned := 0, 0, 0, 0
	firstError := ""
	for _, url := range f.feeds {
		if f.owns != nil && !f.owns(url) {
			continue
		}
		owned++
		e, fetched := f.lastError[url]
		switch {
		case !fetched:
			unfetched++
		case e == "":
			ok++
		default:
			failing++
			if firstError == "" {
				firstError = url + ": " + e
			}
		}
	}
	switch {
	case owned == 0:
		return true, fmt.Sprintf("the other replicas fetch the %d feed(s)", len(f.feeds))
	case ok > 0:
		return true, fmt.Sprintf("%d of %d feed(s) fetched fine at their last fetch", ok, owned)
	case unfetched > 0 && now.Sub(f.started) < f.grace:
		return true, fmt.Sprintf("%d feed(s) not fetched yet", unfetched)
	case failing == 0:
		return false, fmt.Sprintf("no feed fetched within %s of start", f.grace)
	}
	return false, fmt.Sprintf("every fetched feed is failing (%d of %d), e.g. %s", failing, owned, firstError)
}
