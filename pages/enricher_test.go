package pages

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/feed"
)

const userAgent = "Herald/test (+https://github.com/heraldhq/herald)"

var published = time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)

// storyPage is an article page with JSON-LD, Open Graph and a dated lead.
func storyPage(headline, lead string) string {
	return `<!doctype html><html><head><title>` + headline + ` | Example News</title>
<meta property="og:title" content="` + headline + `">
<meta property="og:image" content="/img/og.jpg">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",
"headline":"` + headline + `","datePublished":"2024-04-08T08:30:00Z",
"image":"https://cdn.news.example/ld.jpg","articleSection":["World","business"]}</script>
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>` + headline + `</h1><p class="byline">By A. Reporter</p>
<p>` + lead + `</p><p>Officials said the change would take effect next year.</p></article>
<footer>Subscribe to our newsletter</footer></body></html>`
}

const pageLead = "Trade ministers from five countries signed a framework on Monday to extend a rail freight " +
	"corridor to two coastal ports, a move officials said would cut the overland journey for containers by about four days."

// clock is a fake time that only Sleep moves; it records the sleeps.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	// onSleep, when set, is told of each sleep.
	onSleep func(time.Duration)
}

func newClock() *clock { return &clock{now: published} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	on := c.onSleep
	c.mu.Unlock()
	if on != nil {
		on(d)
	}
	return ctx.Err()
}

// site serves article pages and counts the requests per path.
type site struct {
	*httptest.Server
	mu     sync.Mutex
	hits   map[string]int
	agents []string
}

func newSite(t *testing.T, handler func(w http.ResponseWriter, r *http.Request)) *site {
	t.Helper()
	s := &site{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.agents = append(s.agents, r.UserAgent())
		s.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *site) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		n += h
	}
	return n
}

// stories serves storyPage for every path, headed after the path.
func stories(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, storyPage("Ministers agree to extend rail corridor "+strings.TrimPrefix(r.URL.Path, "/"),
		"LONDON, April 8 (Reuters) - "+pageLead))
}

// teaser is a feed item's article that carries only a teaser of the story
// at path on s.
func teaser(s *site, path string, published time.Time) herald.Article {
	return herald.Article{
		Key: "guid:" + path, URL: s.URL + path, Headline: "Ministers agree to extend rail corridor " + strings.TrimPrefix(path, "/"),
		Lead: "Ministers agreed on Monday to extend the corridor.", Topics: []string{"Business"},
		Published: published, Source: "Example News", Feed: s.URL + "/rss",
	}
}

func enricher(c *clock, opts Options) *Enricher {
	opts.Now, opts.Sleep = c.Now, c.Sleep
	return New(feed.NewFetcher(userAgent, 2*time.Second, 5<<20), opts)
}

func TestEnrichCompletesTeaserFromPage(t *testing.T) {
	s := newSite(t, stories)
	item := teaser(s, "/rail-1", published)
	articles := []herald.Article{item}
	rep := enricher(newClock(), Options{}).Enrich(context.Background(), articles)

	if rep != (Report{Teasers: 1, Pages: 1, Enriched: 1}) {
		t.Errorf("report %+v", rep)
	}
	a := articles[0]
	if a.Key != item.Key || a.URL != item.URL || a.Source != item.Source || a.Feed != item.Feed ||
		!a.Published.Equal(item.Published) || a.Headline != item.Headline {
		t.Errorf("identity changed: %+v", a)
	}
	if a.Lead != pageLead {
		t.Errorf("lead %q", a.Lead)
	}
	if a.Dateline != (herald.Dateline{Text: "LONDON, April 8 (Reuters)", Place: "LONDON", Date: "2024-04-08", Agency: "Reuters"}) {
		t.Errorf("dateline %+v", a.Dateline)
	}
	if a.Image != "https://cdn.news.example/ld.jpg" {
		t.Errorf("image %q, want the JSON-LD image", a.Image)
	}
	if !slices.Equal(a.Topics, []string{"Business", "World"}) {
		t.Errorf("topics %q", a.Topics)
	}
	if s.Hits("/rail-1") != 1 || s.agents[0] != userAgent {
		t.Errorf("requests %v, user agents %q", s.hits, s.agents)
	}
}

func TestEnrichLeavesFullItemsAlone(t *testing.T) {
	s := newSite(t, stories)
	full := teaser(s, "/rail-1", published)
	full.Lead = pageLead
	notWeb := teaser(s, "/rail-2", published)
	notWeb.URL = "ftp://news.example/rail-2"
	articles := []herald.Article{full, notWeb}
	rep := enricher(newClock(), Options{}).Enrich(context.Background(), articles)
	if s.Total() != 0 || rep != (Report{}) {
		t.Errorf("report %+v, requests %v: a full item or a non-web link was looked up", rep, s.hits)
	}
	if !equalArticles(articles[0], full) || !equalArticles(articles[1], notWeb) {
		t.Errorf("articles changed: %+v", articles)
	}
}

func TestEnrichKeepsArticleWhenPageFails(t *testing.T) {
	big := strings.Repeat("<p>"+pageLead+"</p>\n", (6<<20)/len(pageLead))
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		failed  int
	}{
		{"not found", http.NotFound, 1},
		{"server error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) }, 1},
		{"oversized", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body><article>"+big+"</article></body></html>")
		}, 1},
		{"slow", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, 1},
		{"not html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.7 "+pageLead)
		}, 1},
		{"another story", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, storyPage("Before you continue to Example", "We use cookies and data to deliver and maintain "+
				"our services, track outages and protect against spam, fraud and abuse, and measure audience engagement."))
		}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, tc.handler)
			item := teaser(s, "/rail-1", published)
			articles := []herald.Article{item}
			e := New(feed.NewFetcher(userAgent, 200*time.Millisecond, 5<<20), Options{Sleep: newClock().Sleep})
			rep := e.Enrich(context.Background(), articles)
			if !equalArticles(articles[0], item) {
				t.Errorf("article changed: %+v", articles[0])
			}
			if rep != (Report{Teasers: 1, Pages: 1, Failed: tc.failed}) || s.Hits("/rail-1") != 1 {
				t.Errorf("report %+v, requests %v", rep, s.hits)
			}
		})
	}
}

func TestEnrichGivesUpAtTheBudget(t *testing.T) {
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	item := teaser(s, "/rail-1", published)
	articles := []herald.Article{item}
	e := enricher(newClock(), Options{Budget: 50 * time.Millisecond})
	if rep := e.Enrich(context.Background(), articles); rep.Failed != 1 || !equalArticles(articles[0], item) {
		t.Errorf("report %+v, article %+v", rep, articles[0])
	}
	// A lookup given up by its caller is not the page's failure: it is
	// not remembered, and the next lookup asks again.
	e.Enrich(context.Background(), []herald.Article{item})
	if n := s.Hits("/rail-1"); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestEnrichReadsTheNewestPagesUpToTheCap(t *testing.T) {
	s := newSite(t, stories)
	var articles []herald.Article
	for i := range 12 {
		articles = append(articles, teaser(s, fmt.Sprintf("/rail-%d", i), published.Add(time.Duration(i)*time.Minute)))
	}
	// Feeds list the newest first; the cap must not depend on it.
	slices.Reverse(articles[4:])
	rep := enricher(newClock(), Options{PerPoll: 10}).Enrich(context.Background(), articles)
	if rep != (Report{Teasers: 12, Pages: 10, Enriched: 10}) {
		t.Errorf("report %+v", rep)
	}
	for _, a := range articles {
		path := strings.TrimPrefix(a.URL, s.URL)
		old := path == "/rail-0" || path == "/rail-1"
		if got := s.Hits(path); old && got != 0 || !old && got != 1 {
			t.Errorf("%s requested %d times", path, got)
		}
		if enriched := a.Lead == pageLead; enriched == old {
			t.Errorf("%s: lead %q", path, a.Lead)
		}
	}
}

func TestPaceOneRequestPerHostAtATime(t *testing.T) {
	var (
		mu       sync.Mutex
		events   []string
		inflight int
	)
	record := func(e string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, e)
	}
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inflight++
		if inflight > 1 {
			events = append(events, "overlap")
		}
		mu.Unlock()
		record("start")
		// Long enough for a second request, were one let through, to
		// arrive meanwhile.
		time.Sleep(10 * time.Millisecond)
		record("end")
		mu.Lock()
		inflight--
		mu.Unlock()
		stories(w, r)
	})
	c := newClock()
	c.onSleep = func(d time.Duration) { record("sleep " + d.String()) }
	var articles []herald.Article
	for i := range 3 {
		articles = append(articles, teaser(s, fmt.Sprintf("/rail-%d", i), published))
	}
	rep := enricher(c, Options{HostGap: 1500 * time.Millisecond}).Enrich(context.Background(), articles)
	if rep.Enriched != 3 {
		t.Errorf("report %+v", rep)
	}
	want := "start end sleep 1.5s start end sleep 1.5s start end"
	if got := strings.Join(events, " "); got != want {
		t.Errorf("events:\n got %s\nwant %s", got, want)
	}
}

func TestPaceHostsDoNotWaitForEachOther(t *testing.T) {
	arrived := map[string]chan struct{}{"a": make(chan struct{}), "b": make(chan struct{})}
	meet := func(me, other string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			close(arrived[me])
			select {
			case <-arrived[other]:
			case <-time.After(5 * time.Second):
				http.Error(w, "the other host's request never came", http.StatusInternalServerError)
				return
			}
			stories(w, r)
		}
	}
	a, b := newSite(t, meet("a", "b")), newSite(t, meet("b", "a"))
	articles := []herald.Article{teaser(a, "/rail-1", published), teaser(b, "/rail-2", published)}
	if rep := enricher(newClock(), Options{}).Enrich(context.Background(), articles); rep.Enriched != 2 {
		t.Errorf("report %+v: two hosts were not fetched at once", rep)
	}
}

func TestCacheFetchesAPageOncePerTTL(t *testing.T) {
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			http.NotFound(w, r)
			return
		}
		stories(w, r)
	})
	c := newClock()
	e := enricher(c, Options{TTL: time.Hour, FailureTTL: 10 * time.Minute})
	ctx := context.Background()
	// The same story in two feeds, at once, and again in a later poll.
	inA, inB := teaser(s, "/rail-1", published), teaser(s, "/rail-1", published)
	inB.Key, inB.Feed = "guid:other-feed-rail-1", s.URL+"/other-rss"
	gone := teaser(s, "/gone", published)
	first := []herald.Article{inA, inB, gone}
	e.Enrich(ctx, first)
	second := []herald.Article{inB, gone}
	e.Enrich(ctx, second)
	if s.Hits("/rail-1") != 1 || s.Hits("/gone") != 1 {
		t.Fatalf("requests %v, want one per page", s.hits)
	}
	if first[0].Lead != pageLead || first[1].Lead != pageLead || second[0].Lead != pageLead || second[0].Key != inB.Key {
		t.Errorf("a cached page did not complete every article: %+v %+v", first, second)
	}

	c.Advance(11 * time.Minute)
	e.Enrich(ctx, []herald.Article{inA, gone})
	if s.Hits("/rail-1") != 1 || s.Hits("/gone") != 2 {
		t.Errorf("after the failure TTL: requests %v", s.hits)
	}
	c.Advance(time.Hour)
	e.Enrich(ctx, []herald.Article{inA})
	if s.Hits("/rail-1") != 2 {
		t.Errorf("after the TTL: requests %v", s.hits)
	}
}

func TestCacheKeepsTheMostRecentlyUsed(t *testing.T) {
	s := newSite(t, stories)
	e := enricher(newClock(), Options{CacheSize: 2})
	ctx := context.Background()
	for _, path := range []string{"/1", "/2", "/1", "/3", "/1", "/2"} {
		e.Enrich(ctx, []herald.Article{teaser(s, path, published)})
	}
	// /2 was the least recently used when /3 came in.
	if s.Hits("/1") != 1 || s.Hits("/2") != 2 || s.Hits("/3") != 1 {
		t.Errorf("requests %v", s.hits)
	}
}

func TestHostBackoffAfterThrottling(t *testing.T) {
	var mu sync.Mutex
	throttle := true
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if throttle {
			throttle = false
			w.Header().Set("Retry-After", "120")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		stories(w, r)
	})
	c := newClock()
	e := enricher(c, Options{})
	ctx := context.Background()
	e.Enrich(ctx, []herald.Article{teaser(s, "/rail-1", published)})
	held := []herald.Article{teaser(s, "/rail-2", published)}
	if rep := e.Enrich(ctx, held); rep.Failed != 1 || s.Total() != 1 {
		t.Fatalf("report %+v, requests %v: the host was asked again within its Retry-After", rep, s.hits)
	}
	c.Advance(121 * time.Second)
	if rep := e.Enrich(ctx, held); rep.Enriched != 1 || s.Hits("/rail-2") != 1 {
		t.Errorf("report %+v, requests %v: the page was not read after the backoff", rep, s.hits)
	}
}

func TestPageRefusesPrivateAddressesOfPublicFeeds(t *testing.T) {
	s := newSite(t, stories)
	ctx := context.Background()
	e := enricher(newClock(), Options{})
	for _, tc := range []struct {
		page, feed string
		ok         bool
	}{
		{s.URL + "/a", s.URL + "/rss", true},
		{s.URL + "/b", "https://203.0.113.7/rss", false},
		{s.URL + "/c", "", false},
		{"http://169.254.169.254/latest/meta-data/", "https://203.0.113.7/rss", false},
		{"http://[::1]:1/d", "https://203.0.113.7/rss", false},
		{"https://news.example/e", s.URL + "/rss", false},
		{"gopher://203.0.113.7/f", "https://203.0.113.7/rss", false},
	} {
		_, err := e.Page(ctx, tc.page, tc.feed)
		if (err == nil) != tc.ok {
			t.Errorf("Page(%s) for feed %q: %v", tc.page, tc.feed, err)
		}
	}
	if s.Total() != 1 || s.Hits("/a") != 1 {
		t.Errorf("requests %v", s.hits)
	}
}

func TestPageSurvivesAPanickingReader(t *testing.T) {
	c := newCache(4, time.Now)
	_, err := c.get(context.Background(), "https://news.example/x", func(context.Context) (herald.Article, time.Duration, error) {
		panic("hostile page")
	})
	if err == nil || !strings.Contains(err.Error(), "hostile page") {
		t.Errorf("err %v", err)
	}
}
