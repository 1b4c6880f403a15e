package poll_test

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
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/pages"
	"github.com/heraldhq/herald/poll"
)

const pageLead = "Trade ministers from five countries signed a framework on Monday to extend a rail freight " +
	"corridor to two coastal ports, a move officials said would cut the overland journey for containers by about four days."

// pageSite serves an article page for every path and counts the requests.
type pageSite struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
	fail bool
}

func newPageSite(t *testing.T) *pageSite {
	s := &pageSite{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		fail := s.fail
		s.mu.Unlock()
		if fail {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		name := strings.TrimPrefix(r.URL.Path, "/")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>Rail corridor %[1]s</title>
<meta property="og:image" content="https://cdn.news.example/%[1]s.jpg">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Rail corridor %[1]s","articleSection":"World"}</script>
</head><body><article><h1>Rail corridor %[1]s</h1><p>LONDON, April 8 (Reuters) - %[2]s</p></article></body></html>`, name, pageLead)
	}))
	t.Cleanup(s.Close)
	return s
}

// requests returns the paths requested, with their counts, sorted.
func (s *pageSite) requests() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for p, n := range s.hits {
		out = append(out, fmt.Sprintf("%s×%d", p, n))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// teaserItem is a feed item that carries a teaser of the story at
// site/story-n.
func teaserItem(site *pageSite, n string, published time.Time) feedtest.Item {
	return feedtest.Item{
		GUID: "story-" + n, Title: "Rail corridor story-" + n, Link: site.URL + "/story-" + n,
		Description: "Ministers agreed on Monday to extend the corridor.", Published: published,
	}
}

func withPages(w *poll.Watcher) *poll.Watcher {
	w.Pages = pages.New(feed.NewFetcher("test", 2*time.Second, 5<<20), pages.Options{
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	return w
}

func deliveredLeads(t *testing.T, st herald.Store) map[string]herald.Article {
	t.Helper()
	ds, err := st.Deliveries(context.Background(), target, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]herald.Article{}
	for _, d := range ds {
		out[d.Article.Key] = d.Article
	}
	return out
}

func TestPollCompletesOnlyNewTeasersFromTheirPages(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	site := newPageSite(t)
	srv := feedtest.New("Example News", teaserItem(site, "1", base), teaserItem(site, "2", base.Add(time.Minute)))
	defer srv.Close()
	w, st, _ := watcher(t, 0, srv.URL())
	withPages(w)
	ctx := context.Background()

	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	if got := site.requests(); got != "" {
		t.Fatalf("first sight without a backlog read pages: %s", got)
	}
	srv.Add(teaserItem(site, "3", base.Add(2*time.Minute)))
	for range 3 {
		if _, err := w.Poll(ctx, srv.URL()); err != nil {
			t.Fatal(err)
		}
	}
	if got := site.requests(); got != "/story-3×1" {
		t.Fatalf("page requests %s, want the new story's once", got)
	}
	a, ok := deliveredLeads(t, st)["guid:story-3"]
	if !ok || a.Lead != pageLead || a.Dateline.Place != "LONDON" || a.Image != "https://cdn.news.example/story-3.jpg" ||
		a.Headline != "Rail corridor story-3" || a.URL != site.URL+"/story-3" || !a.Published.Equal(base.Add(2*time.Minute)) {
		t.Errorf("delivered %+v", a)
	}
}

func TestPollFirstSightReadsOnlyTheBacklogsPages(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	site := newPageSite(t)
	var items []feedtest.Item
	for i := range 5 {
		items = append(items, teaserItem(site, fmt.Sprint(i), base.Add(time.Duration(i)*time.Minute)))
	}
	srv := feedtest.New("Example News", items...)
	defer srv.Close()
	w, st, _ := watcher(t, 2, srv.URL())
	withPages(w)
	if _, err := w.Poll(context.Background(), srv.URL()); err != nil {
		t.Fatal(err)
	}
	if got := site.requests(); got != "/story-3×1 /story-4×1" {
		t.Errorf("page requests %s, want the backlog's two", got)
	}
	delivered := deliveredLeads(t, st)
	if len(delivered) != 2 || delivered["guid:story-3"].Lead != pageLead || delivered["guid:story-4"].Lead != pageLead {
		t.Errorf("delivered %+v", delivered)
	}
}

func TestPollAfterRestartReadsThePagesOfStoriesSinceTheLastFetch(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	site := newPageSite(t)
	srv := feedtest.New("Example News", teaserItem(site, "1", base), teaserItem(site, "2", base.Add(time.Minute)))
	defer srv.Close()
	w, st, _ := watcher(t, 0, srv.URL())
	w.Now = func() time.Time { return base.Add(10 * time.Minute) }
	ctx := context.Background()
	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}

	// The daemon was down while story 3 came out; a new Watcher starts
	// on the same store.
	srv.Add(teaserItem(site, "3", base.Add(20*time.Minute)))
	restarted := withPages(&poll.Watcher{
		Feeds: w.Feeds, Interval: w.Interval, Targets: w.Targets, Store: st, Fetcher: w.Fetcher, Log: w.Log,
		Now: func() time.Time { return base.Add(30 * time.Minute) },
	})
	if res, err := restarted.Poll(ctx, srv.URL()); err != nil || res.New != 1 {
		t.Fatalf("poll after restart: %+v %v", res, err)
	}
	if got := site.requests(); got != "/story-3×1" {
		t.Errorf("page requests %s, want only the story published since the last fetch", got)
	}
	if a := deliveredLeads(t, st)["guid:story-3"]; a.Lead != pageLead {
		t.Errorf("delivered %+v", a)
	}
}

func TestPollKeepsTheTeaserWhenThePageFails(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	site := newPageSite(t)
	site.fail = true
	srv := feedtest.New("Example News", teaserItem(site, "1", base))
	defer srv.Close()
	w, st, notified := watcher(t, 0, srv.URL())
	withPages(w)
	ctx := context.Background()
	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	srv.Add(teaserItem(site, "2", base.Add(time.Minute)))
	res, err := w.Poll(ctx, srv.URL())
	if err != nil || res.New != 1 || res.Deliveries != 1 || notified.Load() != 1 {
		t.Fatalf("poll: %+v %v, notified %d", res, err, notified.Load())
	}
	a := deliveredLeads(t, st)["guid:story-2"]
	if a.Lead != "Ministers agreed on Monday to extend the corridor." || a.Headline != "Rail corridor story-2" {
		t.Errorf("delivered %+v", a)
	}
	if got := site.requests(); got != "/story-2×1" {
		t.Errorf("page requests %s", got)
	}
}
