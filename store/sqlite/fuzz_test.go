package sqlite

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// FuzzArticleRoundTrip ingests one article of arbitrary content and checks
// that it comes back as it went in, or, for what JSON cannot carry, that
// nothing breaks.
func FuzzArticleRoundTrip(f *testing.F) {
	f.Add("guid-1", "Headline", "LONDON, April 8 (Reuters)", "The lead.", "World", int64(1712566800), int64(5000))
	f.Add("", "", "", "", "", int64(0), int64(0))
	f.Add("k'; DROP TABLE articles; --", "é\x00ü", "\xff\xfe", "🗞️\n\t\"<&>", "\xc3", int64(-62135596800), int64(999999999))
	f.Add("k", "h", "d", "l", "t", int64(1<<62), int64(-1))

	s, err := Open(f.Context(), filepath.Join(f.TempDir(), "fuzz.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	var n atomic.Int64
	target := herald.Target{Platform: herald.Telegram, Chat: "@fuzz"}

	f.Fuzz(func(t *testing.T, key, headline, dateline, lead, topic string, sec, nsec int64) {
		ctx := t.Context()
		in := herald.Article{
			URL:       lead + headline,
			Headline:  headline,
			Dateline:  herald.Dateline{Text: dateline, Place: headline, Date: dateline, Agency: topic},
			Lead:      lead,
			Topics:    []string{topic, headline},
			Image:     key,
			Published: time.Unix(sec, nsec),
			Source:    dateline,
			Feed:      "https://fuzz.example/" + topic,
		}
		if key != "" {
			// Each run needs an article not seen before.
			in.Key = fmt.Sprintf("%d:%s", n.Add(1), key)
		}
		res, err := s.Ingest(ctx, "https://fuzz.example/feed", []herald.Article{in}, to(target), 1)
		if err != nil {
			t.Fatalf("Ingest: %v", err)
		}
		if key == "" {
			if res.New != 0 || res.Deliveries != 0 {
				t.Fatalf("article without key: Ingest = %+v", res)
			}
			return
		}
		if res.New != 1 || res.Deliveries != 1 {
			t.Fatalf("Ingest = %+v, want one new article and delivery", res)
		}
		d, err := s.NextDelivery(ctx, target)
		if err != nil {
			t.Fatalf("NextDelivery: %v", err)
		}
		if err := s.MarkSent(ctx, d.ID, "m"); err != nil {
			t.Fatalf("MarkSent: %v", err)
		}
		got := d.Article
		if want := fromMicros(toMicros(in.Published)); !got.Published.Equal(want) {
			t.Fatalf("Published = %v, want %v", got.Published, want)
		}
		got.Published = in.Published
		if !utf8.ValidString(topic) || !utf8.ValidString(headline) {
			// JSON carries valid UTF-8 only: invalid bytes in topics come
			// back as U+FFFD. Every other field is kept byte for byte.
			if len(got.Topics) != 2 {
				t.Fatalf("Topics = %q, want 2", got.Topics)
			}
			got.Topics = in.Topics
		}
		if !reflect.DeepEqual(got, in) {
			t.Fatalf("round trip:\n got %#v\nwant %#v", got, in)
		}
	})
}
