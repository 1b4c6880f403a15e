package postgres

import (
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
)

func TestTsvector(t *testing.T) {
	tests := []struct {
		name string
		w    words
		want string
	}{
		{"empty", words{}, ""},
		{"parts", words{headline: "tokyo stocks", lead: "shares rose", body: "the yen"},
			"'tokyo':1A 'stocks':1A 'shares':2B 'rose':2B 'the' 'yen'"},
		{"a word in several parts, once", words{headline: "kestrel fund", lead: "the kestrel", body: "kestrel fund bonds"},
			"'kestrel':1A,2B 'fund':1A 'the':2B 'bonds'"},
		{"repeated words", words{body: "a a b a"}, "'a' 'b'"},
		{"other scripts", words{headline: "東京 cote d ivoire"}, "'東京':1A 'cote':1A 'd':1A 'ivoire':1A"},
		{"a word too long", words{headline: "short " + strings.Repeat("x", maxLexeme+1), lead: strings.Repeat("y", maxLexeme)},
			"'short':1A '" + strings.Repeat("y", maxLexeme) + "':2B"},
	}
	for _, tt := range tests {
		if got := tt.w.tsvector(); got != tt.want {
			t.Errorf("%s: tsvector() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTsquery(t *testing.T) {
	long := strings.Repeat("x", maxLexeme+1)
	tests := []struct {
		words   []string
		op      string
		weights string
		want    string
		ok      bool
	}{
		{[]string{"china"}, " & ", "", "'china'", true},
		{[]string{"climate", "change"}, " & ", "", "'climate' & 'change'", true},
		{[]string{"climate", "change"}, " | ", "", "'climate' | 'change'", true},
		{[]string{"foreign", "minister"}, " & ", "AB", "'foreign':AB & 'minister':AB", true},
		{[]string{"tokyo", long}, " & ", "", "", false},
		{[]string{"tokyo", long}, " | ", "", "'tokyo'", true},
		{[]string{long}, " | ", "", "", false},
		{nil, " & ", "", "", false},
	}
	for _, tt := range tests {
		got, ok := tsquery(tt.words, tt.op, tt.weights)
		if got != tt.want || ok != tt.ok {
			t.Errorf("tsquery(%q, %q, %q) = %q, %t; want %q, %t", tt.words, tt.op, tt.weights, got, ok, tt.want, tt.ok)
		}
	}
}

// TestQuoteLexeme: PostgreSQL reads a quoted word back as it is, whatever
// it holds, as a tsvector lexeme and as a tsquery operand.
func TestQuoteLexeme(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	for _, word := range []string{"plain", "o'brien", `back\slash`, `'`, `\`, `''\\`, "a:1A", "x & y", "!", "東京"} {
		var lexemes []string
		var matches bool
		err := s.pool.QueryRow(t.Context(), `SELECT tsvector_to_array($1::text::tsvector),
			$1::text::tsvector @@ $1::text::tsquery`, quoteLexeme(word)).Scan(&lexemes, &matches)
		if err != nil {
			t.Errorf("%q: %v", word, err)
			continue
		}
		if !slices.Equal(lexemes, []string{word}) || !matches {
			t.Errorf("%q quoted as %s reads back as %q, matching itself: %t", word, quoteLexeme(word), lexemes, matches)
		}
	}
}

// TestLongWords: a word too long for the text index does not fail an
// Ingest, and Latest still finds a phrase holding it as Article.About does.
func TestLongWords(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	long := strings.Repeat("w", maxLexeme+10)
	a := herald.Article{Key: "long", URL: "https://news.example.com/long", Headline: "A " + long + " word",
		Lead: "Then a lead.", Body: long, Topics: []string{"Words"}}
	other := herald.Article{Key: "other", URL: "https://news.example.com/other", Headline: "A word", Lead: "Short."}
	if _, err := s.Ingest(t.Context(), "https://news.example.com/rss", []herald.Article{a, other}, nil, 0); err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{long, "a " + long + " word", long + " word then", "word", "a word", "words"} {
		var want []string
		for _, x := range []herald.Article{a, other} {
			if x.About(topic) {
				want = append(want, x.Key)
			}
		}
		got, err := s.Latest(t.Context(), topic, 10)
		if err != nil {
			t.Fatalf("Latest(%.20q): %v", topic, err)
		}
		var keys []string
		for _, g := range got {
			keys = append(keys, g.Key)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("Latest(%.20q…) = %q, want %q", topic, keys, want)
		}
	}
	if got, err := s.Search(t.Context(), "lead", 10); err != nil || len(got) != 1 || got[0].Key != "long" {
		t.Errorf("Search(lead) = %v, %v; want the article with the long word", got, err)
	}
}
