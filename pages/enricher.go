// Package pages completes the articles whose feed item carries only a
// teaser with what their article page says: the page is fetched, read by
// extract.FromPage (JSON-LD, Open Graph and Twitter meta, then the readable
// body) and merged into the article.
//
// Publishers are treated as a feed reader would treat them: one request to
// a host at a time and a pause between two of them, a cap on the pages one
// poll of a feed may look up, the fetcher's timeout, size cap and
// User-Agent, a host that throttles or fails left alone for a while, and a
// cache so that a page is fetched at most once per TTL however many feeds
// list it. robots.txt is not consulted: a page is only fetched because the
// publisher's own feed links to it, once, as a link preview would.
//
// A page that fails, is slow or reads as another story never costs the
// article: it keeps what its item had.
package pages

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// Getter downloads a document and returns its body and Content-Type;
// *feed.Fetcher is one.
type Getter interface {
	Get(ctx context.Context, url string) ([]byte, string, error)
}

// Defaults for an Enricher's Options.
const (
	DefaultPerPoll     = 10
	DefaultHostGap     = time.Second
	DefaultHostBackoff = 5 * time.Minute
	DefaultBudget      = 30 * time.Second
	DefaultCacheSize   = 512
	DefaultTTL         = time.Hour
	DefaultFailureTTL  = 10 * time.Minute
	DefaultMinLead     = 200
)

// Options tune an Enricher. Zero values take the defaults.
type Options struct {
	// PerPoll is how many pages one Enrich may look up; the newest
	// teasers go first and the rest keep their teaser.
	PerPoll int
	// HostGap is the least time between the end of one request to a host
	// and the start of the next.
	HostGap time.Duration
	// HostBackoff is how long a host is left alone after it could not be
	// reached or answered 429 or 503 without a Retry-After.
	HostBackoff time.Duration
	// Budget bounds the time one Enrich spends on pages; the articles
	// whose page is not in by then keep what their item had.
	Budget time.Duration
	// CacheSize is how many page results are remembered, by URL.
	CacheSize int
	// TTL is how long a page read is remembered; FailureTTL how long a
	// page that could not be read is.
	TTL        time.Duration
	FailureTTL time.Duration
	// MinLead is the length, in characters, under which a lead counts as
	// a teaser.
	MinLead int
	Log     *slog.Logger
	// Now is the clock and Sleep waits for d or until ctx is done; they
	// default to time.Now and a timer.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Enricher completes teaser articles from their pages. It is safe for
// concurrent use; one Enricher serves every feed, so that its per-host pace
// and its cache hold across them.
type Enricher struct {
	get   Getter
	opts  Options
	log   *slog.Logger
	cache *cache
	pace  *pacer
}

// New returns an Enricher that fetches pages with get.
func New(get Getter, opts Options) *Enricher {
	opts.PerPoll = positive(opts.PerPoll, DefaultPerPoll)
	opts.HostGap = positive(opts.HostGap, DefaultHostGap)
	opts.HostBackoff = positive(opts.HostBackoff, DefaultHostBackoff)
	opts.Budget = positive(opts.Budget, DefaultBudget)
	opts.CacheSize = positive(opts.CacheSize, DefaultCacheSize)
	opts.TTL = positive(opts.TTL, DefaultTTL)
	opts.FailureTTL = positive(opts.FailureTTL, DefaultFailureTTL)
	opts.MinLead = positive(opts.MinLead, DefaultMinLead)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Enricher{
		get:   get,
		opts:  opts,
		log:   log,
		cache: newCache(opts.CacheSize, opts.Now),
		pace:  newPacer(opts.HostGap, opts.HostBackoff, opts.Now, opts.Sleep),
	}
}

// Report says what one Enrich did.
type Report struct {
	// Teasers counts the articles that carried only a teaser and have a
	// page to look up.
	Teasers int
	// Pages counts the pages looked up: at most PerPoll.
	Pages int
	// Enriched counts the articles their page completed.
	Enriched int
	// Failed counts the pages that could not be read in time.
	Failed int
}

// Enrich completes, in place, the teasers among articles from their pages.
// articles are new articles of one poll of a feed; the caller decides
// which are new, as looking up the pages of known ones would only load
// the publisher. At most PerPoll pages are looked up, the newest articles
// first, at once across hosts and one at a time within a host, for at most
// Budget. An article whose page fails keeps what it had.
func (e *Enricher) Enrich(ctx context.Context, articles []herald.Article) Report {
	var rep Report
	var todo []int
	for i, a := range articles {
		if fetchable(a.URL) && Teaser(a, e.opts.MinLead) {
			todo = append(todo, i)
		}
	}
	rep.Teasers = len(todo)
	// Newest first; a stable sort keeps the feed's order (newest first)
	// among articles of the same or no date.
	slices.SortStableFunc(todo, func(i, j int) int {
		return articles[j].Published.Compare(articles[i].Published)
	})
	todo = todo[:min(len(todo), e.opts.PerPoll)]
	rep.Pages = len(todo)
	if len(todo) == 0 {
		return rep
	}

	ctx, cancel := context.WithTimeout(ctx, e.opts.Budget)
	defer cancel()
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for _, i := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := articles[i]
			page, err := e.Page(ctx, a.URL, a.Feed)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				rep.Failed++
				e.log.Debug("article page not read; the article keeps its teaser", "url", a.URL, "err", err)
				return
			}
			merged := Merge(a, page, e.opts.MinLead)
			if !sameArticle(merged, a) {
				rep.Enriched++
			}
			articles[i] = merged
		}()
	}
	wg.Wait()
	return rep
}

// Page returns the article read from the page at pageURL, fetched at most
// once per TTL (FailureTTL when it could not be read) and at the host's
// pace. feedURL is the feed that links to it: a page on a loopback or
// private address is only fetched for a feed on one too.
func (e *Enricher) Page(ctx context.Context, pageURL, feedURL string) (herald.Article, error) {
	if !fetchable(pageURL) {
		return herald.Article{}, errNotWeb
	}
	if err := allowed(ctx, pageURL, feedURL); err != nil {
		return herald.Article{}, err
	}
	return e.cache.get(ctx, pageURL, func(ctx context.Context) (herald.Article, time.Duration, error) {
		a, err := e.fetch(ctx, pageURL)
		switch {
		case errors.Is(err, errHostBackoff):
			// Not the page's failure: another feed may try it later.
			return a, 0, err
		case err != nil:
			return a, e.opts.FailureTTL, err
		}
		return a, e.opts.TTL, nil
	})
}

// fetchable reports whether u is an absolute http or https URL.
func fetchable(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// sameArticle reports whether a merge left the article as it was.
func sameArticle(a, b herald.Article) bool {
	return a.Headline == b.Headline && a.Dateline == b.Dateline && a.Lead == b.Lead &&
		a.Image == b.Image && a.Body == b.Body && a.Published.Equal(b.Published) &&
		slices.Equal(a.Topics, b.Topics)
}

func positive[T cmp.Ordered](v, def T) T {
	var zero T
	if v <= zero {
		return def
	}
	return v
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
