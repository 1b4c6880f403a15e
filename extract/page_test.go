package extract

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

func fromPageFixture(t *testing.T, name, pageURL string) (herald.Article, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return FromPage(f, pageURL)
}

func TestFromPageJSONLD(t *testing.T) {
	a, err := fromPageFixture(t, "page.html", "https://valley.example.com/news/bridge-reopens?utm_source=twitter")
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, a, herald.Article{
		Key:       "url:https://valley.example.com/news/bridge-reopens?section=local",
		URL:       "https://valley.example.com/news/bridge-reopens?section=local",
		Headline:  "Old stone bridge reopens after two years of repairs",
		Dateline:  herald.Dateline{Text: "RIVERTON, June 25 (Courier)", Place: "RIVERTON", Date: "2024-06-25", Agency: "Courier"},
		Lead:      "The old stone bridge over the Alder river reopened to traffic on Tuesday after two years of repairs that cost the town more than it had planned, the mayor said at a ribbon cutting.",
		Topics:    []string{"Local", "Local News", "Transport"},
		Image:     "https://valley.example.com/img/bridge-wide.jpg",
		Published: time.Date(2024, 6, 25, 6, 30, 0, 0, time.UTC),
		Source:    "Valley Courier",
	})
}

func TestFromPageOpenGraph(t *testing.T) {
	a, err := fromPageFixture(t, "page-og.html", "https://hilltop.example.com/choir")
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, a, herald.Article{
		Key:       "url:https://hilltop.example.com/choir",
		URL:       "https://hilltop.example.com/choir",
		Headline:  "Choir wins regional prize",
		Lead:      "The school choir won first prize at the regional festival on Saturday, singing three songs its members wrote together over the summer holidays.",
		Topics:    []string{"Culture", "Music"},
		Image:     "https://hilltop.example.com/media/choir.png",
		Published: time.Date(2023, 11, 4, 0, 0, 0, 0, time.UTC),
		Source:    "hilltop.example.com",
	})
}

func TestFromPageEdges(t *testing.T) {
	if _, err := FromPage(strings.NewReader(""), "https://example.com/"); !errors.Is(err, ErrNoArticle) {
		t.Errorf("empty page: err = %v, want ErrNoArticle", err)
	}
	if _, err := FromPage(failingReader{}, "https://example.com/"); err == nil || errors.Is(err, ErrNoArticle) {
		t.Errorf("failing reader: err = %v", err)
	}
	a, err := FromPage(strings.NewReader("<p>A short page with a single paragraph that says nothing much at all.</p>"), "::bad url")
	if err != nil {
		t.Fatalf("bad page URL: %v", err)
	}
	if a.Lead == "" || a.Headline == "" {
		t.Errorf("bad page URL: %+v", a)
	}
	a, err = FromPage(strings.NewReader(`<title>T</title><script type="application/ld+json">[[[{"@type":"NewsArticle","headline":"Deep","image":{"url":["https://x.example/i.jpg"]}}]]]</script>`), "https://x.example/")
	if err != nil || a.Headline != "Deep" || a.Image != "https://x.example/i.jpg" {
		t.Errorf("nested JSON-LD: %+v, %v", a, err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestParseTime(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"2021-11-01T10:52:50+0100", time.Date(2021, 11, 1, 9, 52, 50, 0, time.UTC)},
		{"2017-11-03 03:01:00.000000", time.Date(2017, 11, 3, 3, 1, 0, 0, time.UTC)},
		{"2015-04-30T07:19:58", time.Date(2015, 4, 30, 7, 19, 58, 0, time.UTC)},
		{"2024-06-25", time.Date(2024, 6, 25, 0, 0, 0, 0, time.UTC)},
		{"2024-12-07T12:43:39.889Z", time.Date(2024, 12, 7, 12, 43, 39, 889e6, time.UTC)},
		{"Tue, 04 Mar 2025 08:15:00 GMT", time.Date(2025, 3, 4, 8, 15, 0, 0, time.UTC)},
	} {
		got, ok := parseTime(tt.in)
		if !ok || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("parseTime(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
	if _, ok := parseTime("last Tuesday"); ok {
		t.Error("parseTime accepted nonsense")
	}
}
