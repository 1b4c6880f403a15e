package sqlite

import (
	"fmt"
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
	targets := benchTargets()
	if _, err := s.Ingest(ctx, "https://news.example.com/rss", nil, targets, 0); err != nil {
		b.Fatal(err)
	}
	n := 0
	for b.Loop() {
		b.StopTimer()
		batch := benchBatch(n)
		n++
		b.StartTimer()
		res, err := s.Ingest(ctx, "https://news.example.com/rss", batch, targets, 0)
		if err != nil {
			b.Fatal(err)
		}
		if res.Deliveries != 150 {
			b.Fatalf("Ingest = %+v", res)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n*50), "µs/article")
}

// BenchmarkIngestKnown records a fetch whose 50 articles were all seen
// before: the common case of a feed polled with nothing new.
func BenchmarkIngestKnown(b *testing.B) {
	s := openTemp(b)
	defer s.Close()
	ctx := b.Context()
	batch := benchBatch(0)
	if _, err := s.Ingest(ctx, "https://news.example.com/rss", batch, benchTargets(), 0); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Ingest(ctx, "https://news.example.com/rss", batch, benchTargets(), 0); err != nil {
			b.Fatal(err)
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
	if _, err := s.Ingest(ctx, "https://news.example.com/rss", nil, targets, 0); err != nil {
		b.Fatal(err)
	}
	batches := 0
	for b.Loop() {
		d, err := s.NextDelivery(ctx, targets[0])
		if err != nil {
			b.StopTimer()
			if _, err := s.Ingest(ctx, "https://news.example.com/rss", benchBatch(batches), targets, 0); err != nil {
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
