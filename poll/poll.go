// Package poll watches feeds: it fetches each one every interval, or as
// often as the feed publishes, turns its items into articles and records
// them, with their deliveries, in the store.
package poll

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/extract"
	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/pages"
	"github.com/heraldhq/herald/route"
	"github.com/heraldhq/herald/schedule"
)

// Watcher polls a set of feeds into the store.
type Watcher struct {
	// Feeds are the feed URLs to watch; a URL listed twice is fetched
	// once.
	Feeds []string
	// Interval is the time between two fetches of a feed, when Policy is
	// not set (see Period).
	Interval time.Duration
	// Policy, when its Max is set, adapts the time between two fetches of
	// each feed to how often the feed publishes, within [Policy.Min,
	// Policy.Max], and never sooner than its server asks (see
	// schedule.NextFetch). The first fetch of a feed since start is then
	// not conditional, so that its items give its rate; a 304 keeps the
	// rate read before. Interval is then unused.
	Policy schedule.PollPolicy
	// Backlog is how many of a feed's newest items are posted when it is
	// first seen.
	Backlog int
	// Targets receive every new article.
	Targets []herald.Target
	// Rules route articles to targets by what they are about, from the
	// environment; they win over follows made in a rule's target. The
	// Targets are added as rules that take every article.
	Rules   []route.Rule
	Store   herald.Store
	Fetcher *feed.Fetcher
	Log     *slog.Logger
	// Notify is called after an ingest created deliveries.
	Notify func()
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Pages, when set, completes from its page each new article whose
	// item carries only a teaser. Only articles the Watcher has not seen
	// listed before are looked up: see Poll.
	Pages *pages.Enricher
	// Retractions, with Pages set, looks up the page of each posted
	// article that left its feed, and has the store delete its posts
	// (herald.Store.Retract) when the page answers 404 or 410.
	Retractions bool
	// Hub, when set, is asked to push the content of each feed that
	// advertises a WebSub hub; see Push and HubChanged.
	Hub Hub
	// PerHost is how many fetches may run at once against one host (host
	// and port); DefaultPerHost when zero.
	PerHost int
	// Workers is how many polls may run at once over all hosts, from the
	// read of a feed's state to the record of its articles;
	// DefaultWorkers when zero. The hosts with a feed waiting take turns
	// for the workers, so that feeds waiting for a busy host never hold
	// up the others.
	Workers int
	// Owns, when set, says whether this process fetches the feed now:
	// replicas that share a store share its feeds, each fetching those it
	// owns. A feed another replica owns is asked about again after
	// OwnerCheck, so that it is taken over soon when its owner dies.
	Owns func(feedURL string) bool
	// Sleep waits d or until ctx is done, returning ctx's error then; a
	// timer when nil.
	Sleep func(ctx context.Context, d time.Duration) error

	// seen remembers the keys the feeds listed since start, for Pages.
	seen known
	// pushes remembers which feeds a hub pushes.
	pushes pushes
	// admit bounds the fetches running at once per host, and the polls
	// over all hosts; see admission.
	admit     *admission
	admitOnce sync.Once
	// routing is the router last built, kept while the store's routing
	// version stays the same.
	routing routing
}

// Run polls every feed at once, then every Interval or as Policy decides,
// until ctx is cancelled; a URL listed twice in Feeds is polled once. Each
// feed polls on its own: a feed's failure, or even a panic in its poll, is
// logged and never stops or delays the others. A failing feed is tried
// again after a Backoff from its current period; a 304 Not Modified keeps
// the rate read from the feed's items before. A feed whose server answers
// 410 Gone is not fetched again (see GonePrefix). Run returns when ctx is
// cancelled or no feed is left to poll.
func (w *Watcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	waits := &waits{timers: make(map[string]*time.Timer)}
	stop := context.AfterFunc(ctx, func() { waits.stop(wg.Done) })
	defer stop()
	listed := make(map[string]bool, len(w.Feeds))
	for _, url := range w.Feeds {
		if listed[url] {
			continue
		}
		listed[url] = true
		wg.Add(1)
		w.watch(ctx, url, waits, wg.Done)
	}
	wg.Wait()
	return nil
}

// watch polls the feed at url, then again each time its wait is over,
// until ctx is cancelled or the feed is gone; then it calls done. Between
// two polls no goroutine is kept for the feed, only a timer, nor while it
// waits for its host and a worker, only a place in line: ten thousand
// feeds cost their timers and their state, not ten thousand stacks.
func (w *Watcher) watch(ctx context.Context, url string, waits *waits, done func()) {
	// Each feed's period is shortened by a stable offset derived from its
	// URL: many feeds spread over the interval instead of being fetched in
	// step, restarts do not stampede, and no feed waits longer than one
	// interval. With a Policy, the period follows the feed's rate, and a
	// failure backs off from the last one.
	f := &watched{url: url, adaptive: w.Policy.Max > 0, period: Period(url, w.Interval)}
	if f.adaptive {
		f.period = max(w.Policy.Min, time.Second)
	}
	var next func()
	// again polls the feed again once wait is over.
	again := func(wait time.Duration) {
		if ctx.Err() != nil {
			done()
			return
		}
		if w.Sleep != nil {
			// A clock of the caller's: wait on it, on a goroutine.
			go func() {
				if w.Sleep(ctx, wait) != nil {
					done()
					return
				}
				next()
			}()
			return
		}
		waits.after(url, wait, next, done)
	}
	next = func() {
		if w.Owns != nil && !w.Owns(f.url) {
			again(min(f.period, OwnerCheck))
			return
		}
		// Until its host has a slot and a worker is free, the feed is a
		// place in line, not a goroutine.
		w.admission().admit(hostKey(url), func(t *ticket) {
			go func() {
				wait, ok := w.step(ctx, f, t)
				if !ok {
					done()
					return
				}
				again(wait)
			}()
		})
	}
	next()
}

// OwnerCheck is how often a Watcher asks again about a feed another
// replica owns (see Watcher.Owns).
const OwnerCheck = 5 * time.Second

// watched is what the Watcher knows of one feed between two polls.
type watched struct {
	url      string
	adaptive bool
	period   time.Duration
	last     fetched
	failures int
	// polled is set once the feed was polled since start.
	polled bool
	// published are the latest publish times of its items, in Unix
	// nanoseconds, newest first.
	published []int64
}

// step polls the feed once, admitted with t, and returns how long to wait
// before the next poll; again is false when the feed is not to be polled
// again.
func (w *Watcher) step(ctx context.Context, f *watched, t *ticket) (wait time.Duration, again bool) {
	started := w.now()
	// With a Policy, the first fetch since start asks for the whole
	// feed: a 304 would leave its publishing rate unknown.
	got, err := w.pollSafely(ctx, t, f.url, f.adaptive && !f.last.ok, !f.polled)
	f.polled = true
	if ctx.Err() != nil || errors.Is(err, errSkipped) {
		return 0, false
	}
	switch {
	case err == nil && f.adaptive:
		f.failures = 0
		if !got.notModified {
			// The rate reads the newest times only: keep no more, and
			// as Unix nanoseconds, since a Watcher keeps them for every
			// feed. A 304 keeps those read before.
			f.published = unixNanos(latest(got.published, schedule.RateItems+1))
		}
		f.last = f.last.update(got)
		f.last.ok, f.last.published = true, nil
		next := schedule.NextFetch(started, schedule.FeedHistory{
			URL: f.url, Published: times(f.published), Floor: f.last.freshness.Floor(),
		}, w.Policy)
		f.period = next.Sub(started)
		wait = max(0, next.Sub(w.now()))
		w.Log.Debug("feed scheduled", "feed", f.url, "next_fetch", next.UTC().Format(time.RFC3339), "period", f.period)
	case err == nil:
		f.failures = 0
		wait = max(0, f.period-w.now().Sub(started))
	case errors.Is(err, ErrGone):
		w.Log.Error("feed gone: its publisher removed it (HTTP 410); it is no longer fetched: remove it from HERALD_FEEDS",
			"feed", f.url, "err", err)
		return 0, false
	default:
		f.failures++
		wait = Backoff(f.period, f.failures, retryAfter(err))
		w.logFailure(ctx, f.url, err, f.failures, wait)
	}
	if w.pushes.pushed(f.url) && wait < SafetyNet {
		// Its hub pushes the feed: a fetch now and then is a safety net.
		wait = SafetyNet
	}
	return wait, true
}

// latest returns the n latest distinct times of times, newest first, in
// a slice of their own: all schedule.NextFetch reads of a feed's rate.
func latest(times []time.Time, n int) []time.Time {
	s := slices.Clone(times)
	slices.SortFunc(s, func(a, b time.Time) int { return b.Compare(a) })
	s = slices.CompactFunc(s, time.Time.Equal)
	return slices.Clip(s[:min(n, len(s))])
}

// unixNanos returns ts as Unix nanoseconds.
func unixNanos(ts []time.Time) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.UnixNano()
	}
	return out
}

// times returns the times of Unix nanoseconds ns.
func times(ns []int64) []time.Time {
	out := make([]time.Time, len(ns))
	for i, n := range ns {
		out[i] = time.Unix(0, n)
	}
	return out
}

// waits holds the timers of the feeds waiting for their next poll.
type waits struct {
	mu      sync.Mutex
	timers  map[string]*time.Timer
	stopped bool
}

// after runs next on a goroutine of its own once wait is over, unless
// stop comes first: then it calls cancelled instead.
func (ws *waits) after(url string, wait time.Duration, next, cancelled func()) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.stopped {
		cancelled()
		return
	}
	ws.timers[url] = time.AfterFunc(wait, func() {
		ws.mu.Lock()
		delete(ws.timers, url)
		ws.mu.Unlock()
		next()
	})
}

// stop stops every waiting timer and calls cancelled for each; later
// calls of after cancel at once. A timer that fired already runs its
// poll, which sees its context done.
func (ws *waits) stop(cancelled func()) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.stopped = true
	for url, t := range ws.timers {
		if t.Stop() {
			cancelled()
		}
		delete(ws.timers, url)
	}
}

// logFailure logs a failed poll once, with when the feed is tried next.
func (w *Watcher) logFailure(ctx context.Context, url string, err error, failures int, wait time.Duration) {
	attrs := []any{"feed", url, "err", err, "failures", failures, "retry_in", wait,
		"next_try", w.now().Add(wait).UTC().Format(time.RFC3339)}
	if se, ok := statusOf(err); ok {
		attrs = append(attrs, "status", se.Code)
	}
	level, msg := slog.LevelWarn, "feed poll failed; backing off"
	var pe *panicError
	if errors.As(err, &pe) {
		level, msg = slog.LevelError, "feed poll panicked; backing off"
		attrs = append(attrs, "stack", string(pe.stack))
	}
	w.Log.Log(ctx, level, msg, attrs...)
}

// fetched is what a successful poll learnt about when its feed may change.
type fetched struct {
	// ok is true once a poll of the feed succeeded since start.
	ok bool
	// notModified is true when the server answered 304.
	notModified bool
	// published are the publish times of the feed's dated items.
	published []time.Time
	freshness feed.Freshness
}

// update returns what is known of a feed after the poll got: a 304 keeps
// the items' publish times and the RSS ttl read before.
func (f fetched) update(got fetched) fetched {
	if !got.notModified {
		return got
	}
	got.published = f.published
	if got.freshness.TTL == 0 {
		got.freshness.TTL = f.freshness.TTL
	}
	return got
}

// pollSafely polls the feed once, admitted with t, turning a panic into
// an error.
func (w *Watcher) pollSafely(ctx context.Context, t *ticket, url string, whole, first bool) (got fetched, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	_, got, err = w.poll(ctx, t, url, whole, first)
	return got, err
}

// admission returns the admission of the Watcher's polls, made at the
// first call from PerHost and Workers.
func (w *Watcher) admission() *admission {
	w.admitOnce.Do(func() {
		perHost, workers := w.PerHost, w.Workers
		if perHost <= 0 {
			perHost = DefaultPerHost
		}
		if workers <= 0 {
			workers = DefaultWorkers
		}
		w.admit = newAdmission(perHost, workers)
	})
	return w.admit
}

// Poll fetches one feed once and records what is new.
//
// With Pages set, the articles new to the Watcher are completed from their
// pages before they are recorded. The store cannot say which keys it
// knows, so the Watcher remembers the keys each feed listed since start;
// on its first poll of a feed since start it takes as new the newest
// Backlog items of a feed never read before (the ones that will be
// posted), and the items dated after the last fetch of a feed read
// before (those published while the daemon was down).
//
// At most PerHost fetches run at once against one host; Poll waits for a
// slot. A fetch that fails is saved as the feed's LastError; one answered
// 410 Gone is saved with GonePrefix and returned wrapping ErrGone.
func (w *Watcher) Poll(ctx context.Context, url string) (herald.IngestResult, error) {
	t, err := w.admission().wait(ctx, hostKey(url))
	if err != nil {
		return herald.IngestResult{}, err
	}
	result, _, err := w.poll(ctx, t, url, false, false)
	return result, err
}

// errSkipped is returned by poll for a feed skipped as gone (see
// GonePrefix).
var errSkipped = errors.New("feed skipped: gone")

// poll is Poll, admitted with t, which it gives back, also returning what
// the fetch said about when the feed may change. With whole set, the
// fetch is not conditional. With first set, a feed that was gone recently
// is skipped with errSkipped.
func (w *Watcher) poll(ctx context.Context, t *ticket, url string, whole, first bool) (herald.IngestResult, fetched, error) {
	defer t.done()
	now := w.now()
	state, err := w.Store.FeedState(ctx, url)
	firstSight := errors.Is(err, herald.ErrNotFound)
	if err != nil && !firstSight {
		return herald.IngestResult{}, fetched{}, fmt.Errorf("read feed state: %w", err)
	}
	if first && w.goneRecently(url, state) {
		return herald.IngestResult{}, fetched{}, errSkipped
	}
	lastFetch := state.LastFetch
	state.URL = url
	state.LastFetch = now

	ask := state
	if whole {
		ask.ETag, ask.LastModified = "", ""
	}
	res, err := w.Fetcher.Fetch(ctx, url, ask)
	t.fetched()
	if err != nil {
		if ctx.Err() != nil {
			return herald.IngestResult{}, fetched{}, err
		}
		state.LastError = err.Error()
		if se, ok := statusOf(err); ok && se.Code == http.StatusGone {
			state.LastError = GonePrefix + ": " + err.Error()
			err = fmt.Errorf("%w: %w", ErrGone, err)
		}
		if serr := w.Store.SaveFeedState(ctx, state); serr != nil {
			w.Log.Error("save feed state", "feed", url, "err", serr)
		}
		return herald.IngestResult{}, fetched{}, err
	}
	state.LastError = ""
	state.ETag, state.LastModified = res.ETag, res.LastModified
	got := fetched{notModified: res.NotModified, freshness: res.Freshness}
	if res.NotModified {
		w.Log.Debug("feed not modified", "feed", url)
		return herald.IngestResult{}, got, w.Store.SaveFeedState(ctx, state)
	}

	result, published, err := w.record(ctx, url, res.Feed, firstSight, lastFetch, now, false)
	if err != nil {
		return result, fetched{}, err
	}
	got.published = published
	// The state is saved once the articles are: a crash between the two
	// fetches the feed again, and the store skips what it recorded.
	if err := w.Store.SaveFeedState(ctx, state); err != nil {
		return result, fetched{}, fmt.Errorf("save feed state: %w", err)
	}
	// Subscribed once the feed is recorded, so that a push finds it read.
	if res.Hub != "" {
		w.subscribe(ctx, url, res.Hub, res.Self)
	}
	return result, got, nil
}

// record turns one fetch, or push (pushed), of the feed at url into
// articles and records what is new or changed, as Poll describes, and
// returns what it did and the publish times of the feed's items. A push
// may hold only the newest items, so it looks for no retraction.
func (w *Watcher) record(ctx context.Context, url string, parsed *gofeed.Feed, firstSight bool, lastFetch, now time.Time,
	pushed bool) (herald.IngestResult, []time.Time, error) {
	articles := items(parsed, url)
	var published []time.Time
	for _, a := range articles {
		if !a.Published.IsZero() {
			published = append(published, a.Published)
		}
	}
	changed, err := w.changed(ctx, url, articles)
	if err != nil {
		return herald.IngestResult{}, nil, err
	}
	pagesRead := 0
	if w.Pages != nil {
		pagesRead = w.enrich(ctx, url, articles, changed, firstSight, lastFetch, now)
	}
	date(articles, now)
	router, err := w.router(ctx)
	if err != nil {
		return herald.IngestResult{}, nil, err
	}
	result, err := w.Store.Ingest(ctx, url, articles, router.Route, w.Backlog)
	if err != nil {
		return result, nil, fmt.Errorf("record articles: %w", err)
	}
	if w.Pages != nil {
		w.seen.add(url, articles, now)
	}
	level := slog.LevelDebug
	if result.New > 0 || result.FirstSight || result.Corrected > 0 {
		level = slog.LevelInfo
	}
	what := "feed polled"
	if pushed {
		what = "feed pushed"
	}
	w.Log.Log(ctx, level, what, "feed", url, "items", len(articles),
		"new", result.New, "deliveries", result.Deliveries, "first_sight", result.FirstSight, "pages", pagesRead,
		"corrected", result.Corrected, "edits", result.Edits)
	deletions := 0
	if !pushed {
		deletions = w.retract(ctx, result.Dropped)
	}
	if (result.Deliveries > 0 || result.Edits > 0 || deletions > 0) && w.Notify != nil {
		w.Notify()
	}
	return result, published, nil
}

// changed returns the indexes of the articles the store knows from feed
// with another item hash: the feed changed them since they were recorded.
func (w *Watcher) changed(ctx context.Context, feed string, articles []herald.Article) ([]int, error) {
	keys := make([]string, len(articles))
	for i, a := range articles {
		keys[i] = a.Key
	}
	known, err := w.Store.ItemHashes(ctx, feed, keys)
	if err != nil {
		return nil, fmt.Errorf("read item hashes: %w", err)
	}
	var changed []int
	for i, a := range articles {
		if h, ok := known[a.Key]; ok && h != "" && h != a.ItemHash {
			changed = append(changed, i)
		}
	}
	return changed, nil
}

// retract looks up the pages of the posted articles that left their feed,
// with Retractions on, and records as retracted those whose page is gone.
// It returns how many post deletions that made.
func (w *Watcher) retract(ctx context.Context, dropped []herald.Article) int {
	if !w.Retractions || w.Pages == nil {
		return 0
	}
	made := 0
	for _, a := range dropped {
		gone, err := w.Pages.Gone(ctx, a.URL, a.Feed)
		if err != nil {
			w.Log.Debug("article left its feed; its page could not be checked, so its posts stay", "url", a.URL, "err", err)
			continue
		}
		if !gone {
			continue
		}
		n, err := w.Store.Retract(ctx, a.Key)
		if err != nil {
			w.Log.Error("record retraction", "url", a.URL, "err", err)
			continue
		}
		w.Log.Info("article retracted: it left its feed and its page is gone; its posts are deleted", "url", a.URL,
			"headline", a.Headline, "posts", n)
		made += n
	}
	return made
}

func (w *Watcher) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Articles extracts the articles of a parsed feed. Items without a publish
// date are dated at fetchedAt, a millisecond apart in feed order (newest
// first), so that they keep the feed's order in the outbox.
func Articles(parsed *gofeed.Feed, feedURL string, fetchedAt time.Time) []herald.Article {
	articles := items(parsed, feedURL)
	date(articles, fetchedAt)
	return articles
}

// items extracts the articles of a parsed feed as its items give them.
func items(parsed *gofeed.Feed, feedURL string) []herald.Article {
	articles := make([]herald.Article, 0, len(parsed.Items))
	for _, item := range parsed.Items {
		if item == nil {
			continue
		}
		a := extract.FromItem(parsed, item)
		a.Feed = feedURL
		a.ItemHash = a.ContentHash()
		articles = append(articles, a)
	}
	return articles
}

// date dates the articles without a publish date at fetchedAt, a
// millisecond apart in feed order.
func date(articles []herald.Article, fetchedAt time.Time) {
	for i := range articles {
		if articles[i].Published.IsZero() {
			articles[i].Published = fetchedAt.Add(-time.Duration(i) * time.Millisecond).UTC()
		}
	}
}

// Period is how often the feed at url is fetched: a little less than
// interval, by a stable offset of up to a tenth of it derived from the URL.
func Period(url string, interval time.Duration) time.Duration {
	return interval - jitter(url, interval/10)
}

// jitter returns a stable duration in [0, max) derived from key.
func jitter(key string, max time.Duration) time.Duration {
	if max <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return time.Duration(h.Sum64() % uint64(max))
}
