package pages

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/sharedtest"
)

// sharedDir returns the path of a directory of the shared test material,
// skipping the test when it is absent.
func sharedDir(t *testing.T, rel string) string { return sharedtest.Path(t, rel) }

// TestCorpusPagesCompleteTeasers serves the readability corpus's pages and
// completes, for each, a feed item that carries its title and a teaser.
func TestCorpusPagesCompleteTeasers(t *testing.T) {
	dir := sharedDir(t, "corpus/articles/readability")
	data, err := os.ReadFile(filepath.Join(dir, "INDEX.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []struct {
		Page  string `json:"page"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeFile(w, r, filepath.Join(dir, filepath.Base(r.URL.Path), "source.html"))
	})

	// The stories whose page opens with a dateline.
	datelines := map[string]string{
		"nytimes-1":                 "LONDON",
		"wapo-1":                    "CAIRO",
		"schema-org-context-object": "SEOUL, South Korea",
	}
	const teaserLead = "Read the story on our site."
	var articles []herald.Article
	for _, p := range index {
		articles = append(articles, herald.Article{
			Key: "guid:" + p.Page, URL: s.URL + "/" + p.Page, Headline: p.Title,
			Lead: teaserLead, Feed: s.URL + "/rss", Source: "Corpus",
		})
	}
	rep := enricher(newClock(), Options{PerPoll: len(articles)}).Enrich(context.Background(), articles)
	var kept, short int
	if rep.Pages != len(index) || rep.Failed != 0 {
		t.Errorf("report %+v for %d pages", rep, len(index))
	}
	for i, a := range articles {
		page := index[i].Page
		if s.Hits("/"+page) != 1 {
			t.Errorf("%s requested %d times", page, s.Hits("/"+page))
		}
		if a.Key != "guid:"+page || a.Source != "Corpus" || index[i].Title != "" && a.Headline != index[i].Title {
			t.Errorf("%s: identity changed: %q %q %q", page, a.Key, a.Headline, a.Source)
		}
		if want, ok := datelines[page]; ok && (a.Dateline.Text != want || a.Lead == teaserLead) {
			t.Errorf("%s: dateline %+v, lead %.60q", page, a.Dateline, a.Lead)
		}
		switch {
		case a.Lead == teaserLead:
			kept++
			t.Logf("%s: teaser kept", page)
		case Teaser(a, 0):
			short++
		}
	}
	// Measured: the page gives a lead to 54 of the 55 stories, 35 of them
	// of 200 characters or more; the shorter ones are mostly real leads of
	// one sentence.
	t.Logf("corpus pages: %d; lead from the page %d, of which shorter than %d characters %d",
		len(index), len(index)-kept, DefaultMinLead, short)
	if kept > 1 {
		t.Errorf("%d of %d teasers kept", kept, len(index))
	}
}
