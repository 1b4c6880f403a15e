package sqlite

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// benchTargets are three targets, as a site posting to a Discord channel, a
// Telegram channel and the console would have.
func benchTargets() []herald.Target {
	return []herald.Target{
		{Platform: herald.Discord, Chat: "1234567890"},
		{Platform: herald.Telegram, Chat: "@herald_news"},
		{Platform: herald.Console, Chat: "stdout"},
	}
}

// benchBatch returns a fetch of 50 new articles, the n-th batch.
func benchBatch(n int) []herald.Article {
	const size = 50
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	batch := make([]herald.Article, size)
	for i := range batch {
		k := n*size + i
		batch[size-1-i] = herald.Article{
			Key:       fmt.Sprintf("https://news.example.com/story/%d", k),
			URL:       fmt.Sprintf("https://news.example.com/story/%d", k),
			Headline:  fmt.Sprintf("Headline number %d of the benchmark", k),
			Dateline:  herald.Dateline{Text: "LONDON, April 8 (Reuters)", Place: "LONDON", Date: "2024-04-08", Agency: "Reuters"},
			Lead:      "A lead paragraph of about the length a real one has, saying what happened, where and to whom.",
			Topics:    []string{"World", "Europe"},
			Image:     "https://img.example.com/photo.jpg",
			Published: base.Add(time.Duration(k) * time.Minute),
			Source:    "Example News",
		}
	}
	return batch
}

// BenchmarkIngest records fetches of 50 new articles for 3 targets: 50
// articles and 150 deliveries in one transaction per operation.
func BenchmarkIngest(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	route := to(benchTargets()...)
	if _, err := s.Ingest(ctx, "https://news.example.com/rss", nil, route, 0); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchBatch(n)
		n++
		b.StartTimer()
		res, err := s.Ingest(ctx, "https://news.example.com/rss", batch, route, 0)
		if err != nil {
			b.Fatal(err)
		}
		if res.Deliveries != 150 {
			b.Fatalf("Ingest = %+v", res)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n*50), "µs/article")
}

// BenchmarkIngestBody records fetches of 50 new articles as the search
// corpus has them, with bodies of about 300 words and leads of about 40,
// for 3 targets: what indexing for search costs on top of BenchmarkIngest.
func BenchmarkIngestBody(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	route := to(benchTargets()...)
	if _, err := s.Ingest(ctx, corpusFeed, nil, route, 0); err != nil {
		b.Fatal(err)
	}
	c := newCorpus(corpusSeed)
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := make([]herald.Article, 50)
		for i := range batch {
			batch[i] = c.article(n)
			n++
		}
		b.StartTimer()
		res, err := s.Ingest(ctx, corpusFeed, batch, route, 0)
		if err != nil {
			b.Fatal(err)
		}
		if res.Deliveries != 150 {
			b.Fatalf("Ingest = %+v", res)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/article")
}

// BenchmarkIngestKnown records a fetch whose 50 articles were all seen
// before: the common case of a feed polled with nothing new.
func BenchmarkIngestKnown(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	batch := benchBatch(0)
	if _, err := s.Ingest(ctx, "https://news.example.com/rss", batch, to(benchTargets()...), 0); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Ingest(ctx, "https://news.example.com/rss", batch, to(benchTargets()...), 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngestCorrection records a fetch of 50 known articles, one of
// them corrected, whose posts to 3 targets were sent: a revision, its
// search words and 3 edits, on top of BenchmarkIngestKnown.
func BenchmarkIngestCorrection(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	targets := benchTargets()
	batch := benchBatch(0)
	if _, err := s.Ingest(ctx, "https://news.example.com/rss", batch, to(targets...), len(batch)); err != nil {
		b.Fatal(err)
	}
	for _, t := range targets {
		for {
			d, err := s.NextDelivery(ctx, t)
			if err != nil {
				break
			}
			if err := s.MarkSent(ctx, d.ID, "msg"); err != nil {
				b.Fatal(err)
			}
		}
	}
	n := 0
	for b.Loop() {
		n++
		a := &batch[n%len(batch)]
		a.Headline = fmt.Sprintf("Headline corrected %d times", n)
		res, err := s.Ingest(ctx, "https://news.example.com/rss", batch, to(targets...), 0)
		if err != nil {
			b.Fatal(err)
		}
		if res.Corrected != 1 || res.Edits != len(targets) {
			b.Fatalf("Ingest = %+v", res)
		}
	}
}

// BenchmarkNextDeliveryMarkSent takes the head of a queue and marks it sent,
// as the dispatcher does for each post, with a growing history of sent
// deliveries behind it.
func BenchmarkNextDeliveryMarkSent(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	targets := benchTargets()[:1]
	if _, err := s.Ingest(ctx, "https://news.example.com/rss", nil, to(targets...), 0); err != nil {
		b.Fatal(err)
	}
	batches := 0
	for b.Loop() {
		d, err := s.NextDelivery(ctx, targets[0])
		if err != nil {
			b.StopTimer()
			if _, err := s.Ingest(ctx, "https://news.example.com/rss", benchBatch(batches), to(targets...), 0); err != nil {
				b.Fatal(err)
			}
			batches++
			b.StartTimer()
			if d, err = s.NextDelivery(ctx, targets[0]); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.MarkSent(ctx, d.ID, "msg"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch runs searches of several kinds on a store of 100,000
// articles and reports the median and 99th percentile time of one search.
func BenchmarkSearch(b *testing.B) {
	s := openBig(b)
	defer s.Close()
	c := newCorpus(corpusSeed)
	queries := []struct {
		name  string
		query []string
	}{
		{"rare", []string{c.word(3000), c.word(3500), c.word(2500)}},
		{"common", []string{c.word(0), c.word(1), c.word(2)}},
		{"two-words", []string{c.word(40) + " " + c.word(200), c.word(10) + " " + c.word(900)}},
		{"phrase", []string{"climate change", "Côte d'Ivoire elections", "sao paulo markets"}},
		{"ten-common", []string{strings.Join(c.words[:10], " "), strings.Join(c.words[10:20], " ")}},
		{"no-match-all", []string{c.word(3900) + " " + c.word(3901) + " " + c.word(3902)}},
		{"hostile", []string{
			`"NEAR(` + c.word(5) + ` headline: *`, `-` + c.word(0) + ` OR ^` + c.word(1) + `'; DROP TABLE articles; --`,
			strings.Repeat(c.word(7)+" ", 200), "🗞️ ( ) : * \"",
		}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			ctx := b.Context()
			var times []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				if _, err := s.Search(ctx, q.query[i%len(q.query)], 10); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
				i++
			}
			reportPercentiles(b, times)
		})
	}
}

// BenchmarkLatestTopic lists the 10 newest articles of a topic on a store
// of 100,000 articles: a topic of the articles, and words of headlines and
// leads, common and rare.
func BenchmarkLatestTopic(b *testing.B) {
	s := openBig(b)
	defer s.Close()
	c := newCorpus(corpusSeed)
	topics := []struct{ name, topic string }{
		{"all", ""},
		{"topic", "China"},
		{"rare-topic", "São Paulo"},
		{"common-word", c.word(0)},
		{"word", c.word(100)},
		{"rare-word", c.word(3000)},
		{"phrase", c.word(0) + " " + c.word(1)},
	}
	for _, tc := range topics {
		b.Run(tc.name, func(b *testing.B) {
			ctx := b.Context()
			var times []time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := s.Latest(ctx, tc.topic, 10); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			}
			reportPercentiles(b, times)
		})
	}
}

// reportPercentiles reports the median and 99th percentile of times.
func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	ms := func(p float64) float64 {
		return float64(times[int(p*float64(len(times)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// BenchmarkLaneStep reads what a dispatcher lane reads at each step, the
// target's next edit and next delivery, from a store holding 1,000
// targets with one pending delivery each.
func BenchmarkLaneStep(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	targets := make([]herald.Target, 1000)
	for i := range targets {
		targets[i] = herald.Target{Platform: herald.Telegram, Chat: strconv.Itoa(100000 + i)}
	}
	// The first fetch of a feed only learns what it lists; the next one
	// delivers.
	for _, batch := range [][]herald.Article{nil, benchBatch(0)[:1]} {
		if _, err := s.Ingest(ctx, "https://news.example.com/rss", batch, to(targets...), 0); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		t := targets[i%len(targets)]
		i++
		if _, err := s.NextEdit(ctx, t); !errors.Is(err, herald.ErrNotFound) {
			b.Fatalf("NextEdit = %v", err)
		}
		if _, err := s.NextDelivery(ctx, t); err != nil {
			b.Fatal(err)
		}
	}
}
