package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
)

// story returns an article with the given text, published minutes after
// at(0).
func story(key string, minutes int, headline, lead, body string, topics ...string) herald.Article {
	a := article(key, minutes)
	a.Headline, a.Lead, a.Body, a.Topics = headline, lead, body, topics
	return a
}

// newsroom is the articles the search tests look in, listed newest first
// as a feed lists them.
func newsroom() []herald.Article {
	return []herald.Article{
		story("tokyo", 90, "Tokyo stocks close higher", "Shares in 東京 rose on Friday.", "", "Markets", "Asia"),
		story("ivoire", 80, "Élections en Côte d’Ivoire", "Les électeurs ivoiriens votent dimanche.", "", "Africa", "Côte d'Ivoire"),
		story("climate", 70, "Report on climate change", "Scientists warn of faster warming.", "Emissions rose again last year, the report says.", "Climate Change", "Science"),
		story("talks", 60, "Climate talks change course", "Negotiators changed their climate plan.", "", "Science"),
		story("lavrov", 50, "Lavrov visits", "Russia’s foreign minister met Chinese officials in São Paulo-style talks.", "The visit lasted two days.", "World", "Asia"),
		story("chinatown", 40, "Chinatown festival draws crowds", "Lanterns lit the streets.", "A parade about China and its new year.", "Culture"),
		story("beijing", 30, "Beijing hosts summit", "Leaders from China and Russia met in the capital.", "Trade was discussed at length.", "World", "Asia", "asia"),
		story("body", 20, "Markets steady", "Investors waited for data.", "Analysts in Zürich mentioned the yen and the ZLOTY.", "Markets"),
		story("sports", 10, "Final ends in a draw", "Both teams scored twice.", "", "Sport", "🍵"),
	}
}

// ingestNewsroom records the newsroom articles and returns them by key.
func ingestNewsroom(t *testing.T, s herald.Store) map[string]herald.Article {
	t.Helper()
	items := newsroom()
	ingest(t, s, feedA, items, nil, 0)
	byKey := make(map[string]herald.Article, len(items))
	for _, a := range items {
		byKey[a.Key] = a
	}
	return byKey
}

// articleKeys returns the keys of as, in order.
func articleKeys(as []herald.Article) []string {
	ks := make([]string, len(as))
	for i, a := range as {
		ks[i] = a.Key
	}
	return ks
}

// wantArticles fails the test unless every article of got is the article
// of its key in want, all but the Body.
func wantArticles(t *testing.T, what string, got []herald.Article, want map[string]herald.Article) {
	t.Helper()
	for _, a := range got {
		w, ok := want[a.Key]
		if !ok {
			t.Errorf("%s: unknown article %q", what, a.Key)
			continue
		}
		if !a.Published.Equal(w.Published) {
			t.Errorf("%s: %q Published = %v, want %v", what, a.Key, a.Published, w.Published)
		}
		a.Published, a.Body, w.Body = w.Published, "", ""
		if !reflect.DeepEqual(a, w) {
			t.Errorf("%s: article %q\n got %#v\nwant %#v", what, a.Key, a, w)
		}
	}
}

// search runs s.Search and fails the test on an error.
func search(t *testing.T, s herald.Store, query string, limit int) []herald.Article {
	t.Helper()
	as, err := s.Search(t.Context(), query, limit)
	if err != nil {
		t.Fatalf("Search(%q, %d): %v", query, limit, err)
	}
	if len(as) > max(limit, 0) {
		t.Errorf("Search(%q, %d) = %d articles, more than the limit", query, limit, len(as))
	}
	return as
}

// testSearch: which articles a query finds, whatever their order.
func testSearch(t *testing.T, s herald.Store) {
	byKey := ingestNewsroom(t, s)
	tests := []struct {
		query string
		want  []string
	}{
		{"tokyo", []string{"tokyo"}},
		{"TOKYO Stocks", []string{"tokyo"}},
		{"東京", []string{"tokyo"}},
		{"cote d'ivoire", []string{"ivoire"}},
		{"ÉLECTIONS", []string{"ivoire"}},
		{"elections", []string{"ivoire"}},
		{"zurich", []string{"body"}},                // the body is searched
		{"zloty yen", []string{"body"}},             // every word, in the body
		{"emissions", []string{"climate"}},          // body
		{"china", []string{"beijing", "chinatown"}}, // not "Chinese", "Chinatown"
		{"chin", nil}, // part of a word
		{"russia", []string{"beijing", "lavrov"}},                        // "Russia’s" splits
		{"climate change", []string{"climate", "talks"}},                 // both words, in any order
		{"change climate", []string{"climate", "talks"}},                 // the same
		{"climate zloty", []string{"body", "climate", "talks"}},          // no article has both: any
		{"sao paulo", []string{"lavrov"}},                                // accents and punctuation
		{"draw, final!", []string{"sports"}},                             // punctuation
		{"nothing matches this", nil},                                    // no word anywhere
		{"lanterns parade", []string{"chinatown"}},                       // lead and body
		{"  festival\tcrowds\n", []string{"chinatown"}},                  // white space
		{"tokyo tokyo TOKYO", []string{"tokyo"}},                         // repeated words
		{"rose", []string{"climate", "tokyo"}},                           // lead of one, body of the other
		{strings.Repeat("summit ", 50) + "beijing", []string{"beijing"}}, // many words, one twice
	}
	for _, tc := range tests {
		got := articleKeys(search(t, s, tc.query, 20))
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
	wantArticles(t, "Search", search(t, s, "the", 20), byKey)
	wantArticles(t, "Search", search(t, s, "russia", 20), byKey)
}

// testSearchLimit: a limit keeps the best articles; none is kept for a
// limit of 0 or less.
func testSearchLimit(t *testing.T, s herald.Store) {
	ingestNewsroom(t, s)
	all := search(t, s, "the", 20)
	if len(all) < 4 {
		t.Fatalf("Search(the) = %q, want at least 4 articles", articleKeys(all))
	}
	for _, limit := range []int{1, 2, 3} {
		if got := articleKeys(search(t, s, "the", limit)); !slices.Equal(got, articleKeys(all[:limit])) {
			t.Errorf("Search(the, %d) = %q, want the first of %q", limit, got, articleKeys(all))
		}
	}
	for _, limit := range []int{0, -1} {
		if got := search(t, s, "the", limit); len(got) != 0 {
			t.Errorf("Search(the, %d) = %q, want none", limit, articleKeys(got))
		}
	}
}

// testSearchRanking: of articles equal but for one thing, the one with the
// words in its headline comes first, and the newer comes first.
func testSearchRanking(t *testing.T, s herald.Store) {
	items := []herald.Article{
		story("in-body", 100, "Markets steady", "Investors waited.", "Bonds and the Kestrel fund.", "Markets"),
		story("in-headline", 100, "Kestrel fund grows", "Investors waited.", "Bonds.", "Markets"),
		story("in-lead", 100, "Markets steady", "The Kestrel fund grew.", "Bonds.", "Markets"),
		story("old-headline", 100-3*24*60, "Kestrel fund grows", "Investors waited.", "Bonds.", "Markets"),
		story("new-headline", 100+60, "Kestrel fund grows", "Investors waited.", "Bonds.", "Markets"),
	}
	ingest(t, s, feedA, items, nil, 0)
	got := articleKeys(search(t, s, "kestrel", 10))
	pos := func(key string) int { return slices.Index(got, key) }
	if len(got) != len(items) {
		t.Fatalf("Search(kestrel) = %q, want all %d", got, len(items))
	}
	for _, before := range [][2]string{
		{"in-headline", "in-lead"},
		{"in-headline", "in-body"},
		{"in-lead", "in-body"},
		{"new-headline", "in-headline"},
		{"in-headline", "old-headline"},
	} {
		if pos(before[0]) > pos(before[1]) {
			t.Errorf("Search(kestrel) = %q: want %s before %s", got, before[0], before[1])
		}
	}
}

// hostileQueries are texts that mean something to a query language, or
// nothing at all.
var hostileQueries = []string{
	`"`, `""`, `"china`, `china"`, `"china" "`, `'`, `''`, `'china`,
	`NEAR(`, `NEAR(china russia`, `NEAR(china, 2)`, `china NEAR russia`,
	`*`, `china*`, `*china`, `^china`, `-china`, `china -russia`, `+china`,
	`:`, `headline:`, `headline:china`, `lead : china`, `body:china`, `words:china`, `{headline lead}: china`,
	`about:china`, `search:china`, `rank:china`, `rowid:1`, `published:1`,
	`(`, `)`, `(china`, `china)`, `(china OR russia) AND NOT chinatown`,
	`AND`, `OR`, `NOT`, `china AND`, `OR china`, `NOT china`, `china NOT`, `and or not`,
	`'; DROP TABLE articles; --`, `1=1`, `1' OR '1'='1`, `%`, `_`, `%china%`, `\`, `\"`, `/* */`,
	`🗞️`, `🇨🇳 china`, "\x00", "china\x00russia", "\xff\xfe", "\u200b", "ｃｈｉｎａ", "\u0301",
	strings.Repeat("a", 1000), strings.Repeat("china ", 200), strings.Repeat(`"(`, 500),
	strings.Repeat("é", 1000), strings.Repeat("word ", 10_000),
	`!@#$%^&*()_+-=[]{}|;':",./<>?`, "   ", "",
}

// testSearchHostile: any text is a valid query; operators and symbols are
// words or nothing, and the store still works after them.
func testSearchHostile(t *testing.T, s herald.Store) {
	ingestNewsroom(t, s)
	for _, q := range hostileQueries {
		search(t, s, q, 5)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{`"china`, []string{"beijing", "chinatown"}},
		{`china*`, []string{"beijing", "chinatown"}},
		{`chin*`, nil},
		{`-russia`, []string{"beijing", "lavrov"}},
		{`NEAR(russia`, []string{"beijing", "lavrov"}},
		{`headline:tokyo`, []string{"tokyo"}},
		{`tokyo OR zurich`, []string{"body", "tokyo"}},
		{`NOT tokyo`, []string{"tokyo"}},
		{`'; DROP TABLE articles; --`, nil},
		{`!@#$%^&*()_+-=[]{}|;':",./<>?`, nil},
		{`🗞️`, nil},
		{"\x00", nil},
		{"", nil},
		{"ｔｏｋｙｏ", []string{"tokyo"}},
		{strings.Repeat("tokyo ", 300), []string{"tokyo"}},
	}
	for _, tc := range tests {
		got := articleKeys(search(t, s, tc.query, 20))
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q) = %q, want %q", tc.query, got, tc.want)
		}
	}
	res := ingest(t, s, feedA, []herald.Article{story("after", 200, "Tokyo again", "", "")}, nil, 0)
	wantResult(t, "ingest after hostile searches", res, herald.IngestResult{New: 1})
	if got := articleKeys(search(t, s, "tokyo", 5)); len(got) != 2 {
		t.Errorf("Search(tokyo) after hostile searches = %q, want 2 articles", got)
	}
}

// latest runs s.Latest and fails the test on an error.
func latest(t *testing.T, s herald.Store, topic string, limit int) []herald.Article {
	t.Helper()
	as, err := s.Latest(t.Context(), topic, limit)
	if err != nil {
		t.Fatalf("Latest(%q, %d): %v", topic, limit, err)
	}
	return as
}

// testLatest: the newest articles first, all of them or those about a
// topic, as Article.About decides.
func testLatest(t *testing.T, s herald.Store) {
	byKey := ingestNewsroom(t, s)
	items := newsroom() // newest first
	// Articles recorded later but published earlier, or at the same time.
	extra := []herald.Article{
		story("late-old", 5, "Tokyo report filed late", "", "", "Asia"),
		story("same-time", 50, "Lavrov again", "Foreign minister speaks.", "", "World"),
	}
	ingest(t, s, feedA, extra, nil, 0)
	for _, a := range extra {
		byKey[a.Key] = a
	}
	// By publish time; "same-time" and "lavrov" share theirs.
	all := []herald.Article{items[0], items[1], items[2], items[3]}
	all = append(all, extra[1], items[4], items[5], items[6], items[7], items[8], extra[0])

	got := latest(t, s, "", 100)
	wantArticles(t, "Latest", got, byKey)
	if k, want := articleKeys(got), articleKeys(all); !sameExceptTies(k, want, "same-time", "lavrov") {
		t.Errorf("Latest = %q, want %q", k, want)
	}
	if got := articleKeys(latest(t, s, "", 3)); !slices.Equal(got, articleKeys(all[:3])) {
		t.Errorf("Latest(3) = %q, want %q", got, articleKeys(all[:3]))
	}
	for _, limit := range []int{0, -1} {
		if got := latest(t, s, "", limit); len(got) != 0 {
			t.Errorf("Latest(limit %d) = %q, want none", limit, articleKeys(got))
		}
	}

	topics := []string{
		"world", "WORLD", "Asia", "asia ", "markets", "culture", "science", "🍵",
		"tokyo", "東京", "beijing", "china", "chinese", "chin", "chinatown",
		"russia", "russia s", "foreign minister", "minister foreign", "Foreign  Minister!",
		"sao paulo", "São Paulo", "são-paulo style", "paulo style talks",
		"côte d'ivoire", "cote d ivoire", "COTE D’IVOIRE", "ivoire", "elections en cote",
		"climate", "climate change", "change climate", "climate talks", "report on climate change",
		"zurich", "zloty", "emissions", "lanterns", "parade", // bodies do not count
		"visits russia", "visits", "lavrov visits russia", // a phrase over headline and lead
		"higher shares", "close higher shares in 東京",
		"the", "a", "draw", "final", "ends in a draw both", "lav", "tokyo stocks close higher shares in 東京 rose on friday",
		"!!!", " ", "*", `"china"`, "china*", "NEAR(china", "headline: china", "about : tokyo",
	}
	for _, topic := range topics {
		var want []string
		for _, a := range all {
			if a.About(topic) {
				want = append(want, a.Key)
			}
		}
		got := articleKeys(latest(t, s, topic, 100))
		if !sameExceptTies(got, want, "same-time", "lavrov") {
			t.Errorf("Latest(%q) = %q, want %q as Article.About has it", topic, got, want)
		}
		if len(want) > 1 {
			got := articleKeys(latest(t, s, topic, 1))
			tied := func(k string) bool { return k == "same-time" || k == "lavrov" }
			if len(got) != 1 || got[0] != want[0] && !(tied(got[0]) && tied(want[0])) {
				t.Errorf("Latest(%q, 1) = %q, want %q", topic, got, want[:1])
			}
		}
	}
}

// sameExceptTies reports whether got and want hold the same keys in the
// same order, allowing the two keys of articles published at the same time
// to come in either order.
func sameExceptTies(got, want []string, tieA, tieB string) bool {
	if slices.Equal(got, want) {
		return true
	}
	swapped := slices.Clone(want)
	i, j := slices.Index(swapped, tieA), slices.Index(swapped, tieB)
	if i < 0 || j < 0 {
		return false
	}
	swapped[i], swapped[j] = swapped[j], swapped[i]
	return slices.Equal(got, swapped)
}

// testTopics: every topic of a new article is counted once, under the first
// spelling seen, and listed by a prefix of its key.
func testTopics(t *testing.T, s herald.Store) {
	ctx := t.Context()
	ingestNewsroom(t, s)
	more := []herald.Article{
		story("asia2", 100, "More", "", "", "ASIA", "Asie"),
		story("ivoire2", 110, "More", "", "", "cote d ivoire", "Côte-d’Ivoire"),
		story("tokyo2", 120, "More", "", "", "東京", "東京都"),
	}
	// A feed seen for the first time: its articles are counted though they
	// get no deliveries, and again nothing is counted twice.
	ingest(t, s, feedB, more, bothTargets(), 0)
	ingest(t, s, feedB, more, bothTargets(), 0)

	topics := func(prefix string, limit int) []string {
		t.Helper()
		ts, err := s.Topics(ctx, prefix, limit)
		if err != nil {
			t.Fatalf("Topics(%q, %d): %v", prefix, limit, err)
		}
		out := make([]string, len(ts))
		for i, tc := range ts {
			out[i] = fmt.Sprintf("%s %d", tc.Name, tc.Articles)
		}
		return out
	}
	// The most articles first, then by name.
	all := []string{
		"Asia 4", "Côte d'Ivoire 2", "Markets 2", "Science 2", "World 2",
		"Africa 1", "Asie 1", "Climate Change 1", "Culture 1", "Sport 1", "東京 1", "東京都 1",
	}
	tests := []struct {
		prefix string
		limit  int
		want   []string
	}{
		{"", 0, all},
		{"", -1, all},
		{"", 3, all[:3]},
		{"!!!", 0, all},
		{"a", 0, []string{"Asia 4", "Africa 1", "Asie 1"}},
		{"AS", 0, []string{"Asia 4", "Asie 1"}},
		{"asi", 1, []string{"Asia 4"}},
		{"asia", 0, []string{"Asia 4"}},
		{"asian", 0, nil},
		{"c", 0, []string{"Côte d'Ivoire 2", "Climate Change 1", "Culture 1"}},
		{"côte", 0, []string{"Côte d'Ivoire 2"}},
		{"COTE D'", 0, []string{"Côte d'Ivoire 2"}},
		{"cote d i", 0, []string{"Côte d'Ivoire 2"}},
		{"climate  change", 0, []string{"Climate Change 1"}},
		{"東", 0, []string{"東京 1", "東京都 1"}},
		{"東京都", 0, []string{"東京都 1"}},
		{"z", 0, nil},
		{"%", 0, all},
		{"_", 0, all},
		{"a%", 0, []string{"Asia 4", "Africa 1", "Asie 1"}},
	}
	for _, tc := range tests {
		if got := topics(tc.prefix, tc.limit); !slices.Equal(got, tc.want) {
			t.Errorf("Topics(%q, %d) = %q, want %q", tc.prefix, tc.limit, got, tc.want)
		}
	}
}
