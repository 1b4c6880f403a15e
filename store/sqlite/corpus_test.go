package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// The corpus of the search benchmarks: synthetic articles whose words
// follow a Zipf distribution over a vocabulary of made-up words, as the
// words of real text do, with topic names mixed in.
const (
	corpusArticles = 100_000
	corpusVocab    = 4000
	corpusSeed     = 20240408
	corpusFeed     = "https://bench.example.com/rss"
)

// corpusTopics are the topics of the corpus articles, the most frequent
// first; their names also occur in headlines and leads.
var corpusTopics = []string{
	"World", "Business", "Politics", "Asia", "Europe", "China", "Climate change",
	"Elections", "Technology", "Health", "Markets", "Ukraine", "Côte d'Ivoire",
	"Middle East", "Sport", "Science", "Africa", "Energy", "Trade", "São Paulo",
}

// corpus makes the benchmark articles. The same seed makes the same
// articles.
type corpus struct {
	rnd   *rand.Rand
	words []string
	zipf  *rand.Zipf
	topic *rand.Zipf
}

func newCorpus(seed uint64) *corpus {
	rnd := rand.New(rand.NewPCG(seed, seed))
	c := &corpus{
		rnd:   rnd,
		words: vocabulary(rand.New(rand.NewPCG(seed, 1)), corpusVocab),
		zipf:  rand.NewZipf(rnd, 1.1, 2, corpusVocab-1),
		topic: rand.NewZipf(rnd, 1.2, 1, uint64(len(corpusTopics)-1)),
	}
	return c
}

// vocabulary returns n distinct made-up words of two to four syllables.
func vocabulary(rnd *rand.Rand, n int) []string {
	const (
		onsets = "b c d f g h k l m n p r s t v z br tr st pl gr ch sh"
		vowels = "a e i o u ai ea ou é"
	)
	on, vo := strings.Fields(onsets), strings.Fields(vowels)
	seen := make(map[string]bool, n)
	words := make([]string, 0, n)
	for len(words) < n {
		var b strings.Builder
		for range 2 + rnd.IntN(3) {
			b.WriteString(on[rnd.IntN(len(on))])
			b.WriteString(vo[rnd.IntN(len(vo))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// word returns the word of the vocabulary at rank r, 0 the most frequent.
func (c *corpus) word(r int) string { return c.words[r] }

// text returns n words drawn from the vocabulary, with a topic name now
// and then, capitalised like a sentence.
func (c *corpus) text(n int) string {
	ws := make([]string, 0, n+3)
	for len(ws) < n {
		if c.rnd.IntN(40) == 0 {
			ws = append(ws, corpusTopics[c.topic.Uint64()])
			continue
		}
		ws = append(ws, c.words[c.zipf.Uint64()])
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ") + "."
}

// article returns the i-th article of the corpus: a headline of about 8
// words, a lead of about 40, a body of about 300 and one to three topics.
func (c *corpus) article(i int) herald.Article {
	base := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	topics := []string{corpusTopics[c.topic.Uint64()]}
	for range c.rnd.IntN(3) {
		topics = append(topics, corpusTopics[c.topic.Uint64()])
	}
	return herald.Article{
		Key:       fmt.Sprintf("https://bench.example.com/story/%d", i),
		URL:       fmt.Sprintf("https://bench.example.com/story/%d", i),
		Headline:  c.text(6 + c.rnd.IntN(5)),
		Dateline:  herald.Dateline{Text: "LONDON, April 8 (Reuters)", Place: "LONDON", Agency: "Reuters"},
		Lead:      c.text(30 + c.rnd.IntN(20)),
		Body:      c.text(250 + c.rnd.IntN(100)),
		Topics:    topics,
		Image:     "https://img.example.com/photo.jpg",
		Published: base.Add(time.Duration(i)*5*time.Minute + time.Duration(c.rnd.IntN(600))*time.Second),
		Source:    "Bench News",
	}
}

// bigStore builds, once per run of the tests, a database of corpusArticles
// articles in a temporary directory, which TestMain removes.
var bigStore struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// openBig opens the corpus database, building it on first use; the caller
// closes it.
func openBig(b *testing.B) *Store {
	b.Helper()
	bigStore.once.Do(func() {
		bigStore.dir, bigStore.err = os.MkdirTemp("", "herald-bench-")
		if bigStore.err != nil {
			return
		}
		bigStore.path = filepath.Join(bigStore.dir, "corpus.db")
		start := time.Now()
		bigStore.err = buildCorpus(context.Background(), bigStore.path)
		took := time.Since(start).Round(time.Millisecond)
		if bigStore.err == nil {
			if fi, err := os.Stat(bigStore.path); err == nil {
				b.Logf("built %d articles in %v: %d MB", corpusArticles, took, fi.Size()>>20)
			}
		}
	})
	if bigStore.err != nil {
		b.Fatalf("building the corpus: %v", bigStore.err)
	}
	s, err := Open(b.Context(), bigStore.path)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// buildCorpus ingests the corpus into a new database at path.
func buildCorpus(ctx context.Context, path string) error {
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	defer s.Close()
	c := newCorpus(corpusSeed)
	// Fetches of 100 new articles: the index grows in as many small
	// segments, merged as FTS5 merges them in use.
	const batch = 100
	as := make([]herald.Article, 0, batch)
	for i := range corpusArticles {
		as = append(as, c.article(i))
		if len(as) == batch || i == corpusArticles-1 {
			if _, err := s.Ingest(ctx, corpusFeed, as, nil, 0); err != nil {
				return err
			}
			as = as[:0]
		}
	}
	return nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bigStore.dir != "" {
		os.RemoveAll(bigStore.dir)
	}
	os.Exit(code)
}
