package sqlite

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/store/internal/searchrank"
)

func TestFTSString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"china", `"china"`},
		{"", `""`},
		{`say "hi"`, `"say ""hi"""`},
		{`"`, `""""`},
	}
	for _, tc := range tests {
		if got := ftsString(tc.in); got != tc.want {
			t.Errorf("ftsString(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestArticleWords: the words indexed for a follow's phrase are exactly
// those Article.About looks in.
func TestArticleWords(t *testing.T) {
	tests := []herald.Article{
		{},
		{Headline: "Lavrov visits", Lead: "Russia’s foreign minister"},
		{Headline: "", Lead: "Only a lead"},
		{Headline: "Only a headline", Lead: "  "},
		{Headline: "Ends with a mark e\u0301", Lead: "\u0301starts with one"},
		{Headline: "ﬁnance ｔｏｋｙｏ", Lead: "Straße — Zürich!"},
		{Headline: "\xff\xfebad bytes", Lead: "more\x00bad"},
		{Headline: "東京 stocks", Lead: "🗞️ 🍵"},
	}
	for _, a := range tests {
		a.Body = "Body words are not in about."
		w := articleWords(a)
		if want := strings.TrimSpace(a.Words()); w.about != want {
			t.Errorf("articleWords(%q, %q).about = %q, want %q", a.Headline, a.Lead, w.about, want)
		}
		if w.headline != herald.TopicKey(a.Headline) || w.lead != herald.TopicKey(a.Lead) {
			t.Errorf("articleWords(%q, %q) = %+v", a.Headline, a.Lead, w)
		}
		if want := strings.TrimSpace(w.about + " body words are not in about"); w.all != want {
			t.Errorf("articleWords(%q, %q).all = %q, want %q", a.Headline, a.Lead, w.all, want)
		}
	}
}

func TestCapRunes(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc"},
		{"éèêë", 2, "éè"},
		{"éè", 2, "éè"},
		{"東京都", 1, "東"},
		{"abc", 0, ""},
	}
	for _, tc := range tests {
		if got := capRunes(tc.in, tc.n); got != tc.want {
			t.Errorf("capRunes(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestBodyIndexedUpToMaxBody: words beyond herald.MaxBody characters of
// the body are not indexed.
func TestBodyIndexedUpToMaxBody(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	a := herald.Article{Key: "long", Headline: "Long story", Published: time.Unix(1712566800, 0),
		Body: strings.Repeat("é", herald.MaxBody-len(" inside ")) + " inside beyond"}
	if _, err := s.Ingest(t.Context(), "https://example.org/feed", []herald.Article{a}, nil, 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		n     int
	}{{"inside", 1}, {"beyond", 0}} {
		as, err := s.Search(t.Context(), tc.query, 5)
		if err != nil || len(as) != tc.n {
			t.Errorf("Search(%q) = %d articles, %v; want %d", tc.query, len(as), err, tc.n)
		}
	}
}

// TestLatestOutOfOrder: Latest of a phrase found in more articles than one
// chunk of matches is exact when articles were recorded out of the order of
// their publication: a feed's old articles seen late, and a date in the
// future.
func TestLatestOutOfOrder(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	rnd := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2024, 4, 8, 0, 0, 0, 0, time.UTC)
	var all []herald.Article
	n := 0
	add := func(feed string, published []time.Duration) {
		var batch []herald.Article
		for _, p := range published {
			n++
			words := []string{"markets", "rally"}
			if rnd.IntN(3) == 0 {
				words = []string{"quiet", "day"}
			}
			if rnd.IntN(10) == 0 {
				words = append(words, "china")
			}
			a := herald.Article{
				Key:       fmt.Sprintf("k%d", n),
				Headline:  fmt.Sprintf("Story %d: %s", n, strings.Join(words, " ")),
				Lead:      "The lead.",
				Published: base.Add(p),
			}
			if rnd.IntN(7) == 0 {
				a.Topics = []string{"Markets"}
			}
			batch = append(batch, a)
		}
		if _, err := s.Ingest(ctx, feed, batch, nil, 0); err != nil {
			t.Fatal(err)
		}
		all = append(all, batch...)
	}
	steady := func(from, count int) []time.Duration {
		ds := make([]time.Duration, count)
		for i := range ds {
			ds[i] = time.Duration(from+i) * time.Minute
		}
		return ds
	}
	add("https://a.example/feed", steady(1000, 300))
	// A feed seen late with articles older than all of the first.
	add("https://b.example/feed", steady(0, 300))
	// One article dated far in the future, then more ordinary ones.
	add("https://c.example/feed", []time.Duration{24 * 365 * time.Hour})
	add("https://a.example/feed", steady(1300, 300))
	// Old again, published at the same times as others.
	add("https://d.example/feed", steady(1100, 100))

	newest := slices.Clone(all)
	ids := make(map[string]int, len(all))
	for i, a := range all {
		ids[a.Key] = i
	}
	slices.SortStableFunc(newest, func(a, b herald.Article) int {
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return ids[b.Key] - ids[a.Key] // the last recorded first
	})
	for _, topic := range []string{"markets", "markets rally", "rally", "quiet day", "china", "story", "the lead", "nothing"} {
		var want []string
		for _, a := range newest {
			if a.About(topic) {
				want = append(want, a.Key)
			}
		}
		for _, limit := range []int{1, 5, 10, 50, 500, 2000} {
			as, err := s.Latest(ctx, topic, limit)
			if err != nil {
				t.Fatalf("Latest(%q, %d): %v", topic, limit, err)
			}
			got := make([]string, len(as))
			for i, a := range as {
				got[i] = a.Key
			}
			if w := want[:min(limit, len(want))]; !slices.Equal(got, w) {
				t.Errorf("Latest(%q, %d) = %q…, want %q…", topic, limit, got[:min(5, len(got))], w[:min(5, len(w))])
			}
		}
	}
}

// TestIngestRoutePanic: a route that panics leaves nothing recorded and
// the store usable.
func TestIngestRoutePanic(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	ctx := t.Context()
	a := herald.Article{Key: "k", Headline: "Panic at the route", Topics: []string{"World"}, Published: time.Unix(1712566800, 0)}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the route's panic did not reach the caller")
			}
		}()
		s.Ingest(ctx, "https://example.org/feed", []herald.Article{a}, func(herald.Article) []herald.Target { panic("route") }, 5)
	}()
	target := herald.Target{Platform: herald.Console, Chat: "stdout"}
	res, err := s.Ingest(ctx, "https://example.org/feed", []herald.Article{a}, to(target), 5)
	if err != nil || !reflect.DeepEqual(res, herald.IngestResult{FirstSight: true, New: 1, Deliveries: 1}) {
		t.Errorf("Ingest after a panic = %+v, %v; want the article recorded now", res, err)
	}
	if ts, err := s.Topics(ctx, "", 0); err != nil || len(ts) != 1 || ts[0].Articles != 1 {
		t.Errorf("Topics = %v, %v; want World counted once", ts, err)
	}
}

// FuzzSearch searches a few articles with any text: no error, no more
// than the limit, and only articles that hold a word of the query.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{
		"china", "climate change", `"china`, `NEAR(china`, "headline:china", "*", "-", ":", "🗞️",
		"'; DROP TABLE articles; --", strings.Repeat("x", 1000), `""""`, "\x00\xff", "AND OR NOT",
	} {
		f.Add(q, 5)
	}
	s := openTemp(f)
	f.Cleanup(func() { s.Close() })
	articles := []herald.Article{
		{Key: "1", Headline: "China trade talks", Lead: "Officials met.", Body: "Tariffs were discussed.", Published: time.Unix(1712566800, 0)},
		{Key: "2", Headline: "Climate change report", Lead: "Scientists warn.", Body: "Emissions rose in China.", Published: time.Unix(1712566900, 0)},
		{Key: "3", Headline: "Élections en Côte d’Ivoire", Lead: "Les électeurs votent.", Body: "🗞️ AND OR NOT NEAR headline", Published: time.Unix(1712567000, 0)},
	}
	if _, err := s.Ingest(f.Context(), "https://fuzz.example/feed", articles, nil, 0); err != nil {
		f.Fatal(err)
	}
	words := make(map[string]string, len(articles))
	for _, a := range articles {
		words[a.Key] = " " + herald.TopicKey(a.Headline+" "+a.Lead+" "+a.Body) + " "
	}
	f.Fuzz(func(t *testing.T, query string, limit int) {
		as, err := s.Search(t.Context(), query, limit)
		if err != nil {
			t.Fatalf("Search(%q, %d): %v", query, limit, err)
		}
		if len(as) > max(limit, 0) {
			t.Fatalf("Search(%q, %d) = %d articles", query, limit, len(as))
		}
		qw := searchrank.QueryWords(query)
		for _, a := range as {
			found := false
			for _, w := range qw {
				found = found || strings.Contains(words[a.Key], " "+w+" ")
			}
			if !found {
				t.Fatalf("Search(%q) found article %s, which holds none of %q", query, a.Key, qw)
			}
		}
	})
}
