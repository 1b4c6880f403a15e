package extract

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/mmcdole/gofeed"
)

// parseFixture parses a feed in testdata.
func parseFixture(t *testing.T, name string) *gofeed.Feed {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feed, err := gofeed.NewParser().Parse(f)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return feed
}

func TestFromItemRSS(t *testing.T) {
	feed := parseFixture(t, "rss.xml")
	if len(feed.Items) != 5 {
		t.Fatalf("got %d items, want 5", len(feed.Items))
	}
	tests := []struct {
		name string
		want herald.Article
	}{
		{"content with dateline and promo", herald.Article{
			Key:       "guid:gazette-2025-0303-trees",
			URL:       "https://news.example.org/2025/03/trees?id=7",
			Headline:  "City council & residents agree on riverfront tree plan",
			Dateline:  herald.Dateline{Text: "LISBON, March 3 (Reuters)", Place: "LISBON", Date: "2025-03-03", Agency: "Reuters"},
			Lead:      "The city council approved a plan on Monday to plant ten thousand trees along the riverfront before the end of the decade, after residents filled the hall to speak in favour.",
			Topics:    []string{"World", "Europe", "Environment"},
			Image:     "https://cdn.example.org/img/trees-large.jpg",
			Published: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC),
			Source:    "The Harbour & Hills Gazette",
		}},
		{"no guid, enclosure image", herald.Article{
			Key:       "url:https://news.example.org/2025/03/storm/",
			URL:       "https://news.example.org/2025/03/storm/",
			Headline:  "Storm closes mountain passes",
			Dateline:  herald.Dateline{Text: "WASHINGTON (AP)", Place: "WASHINGTON", Agency: "AP"},
			Lead:      "A late winter storm closed three mountain passes on Tuesday and left thousands of homes without power, forecasters said as snow kept falling.",
			Topics:    []string{"Weather", "Alerts"},
			Image:     "https://cdn.example.org/img/storm.jpg",
			Published: time.Date(2025, 3, 4, 8, 15, 0, 0, time.UTC),
			Source:    "The Harbour & Hills Gazette",
		}},
		{"guid only, no link", herald.Article{
			Key:       "guid:tag:news.example.org,2025:market",
			Headline:  "Market stalls return to the old square",
			Lead:      "Market stalls returned to the old square on Saturday for the first time in three years, with traders selling bread, cheese and flowers to early shoppers.",
			Published: time.Date(2025, 3, 8, 7, 30, 0, 0, time.UTC),
			Source:    "The Harbour & Hills Gazette",
		}},
		{"no title, no guid, no link", herald.Article{
			Key:      hashKey("", "<p>Ferry timetables change on Monday as the spring schedule begins, adding two late crossings on weekdays and one on Sundays.</p>"),
			Headline: "Ferry timetables change on Monday as the spring schedule begins, adding two…",
			Lead:     "Ferry timetables change on Monday as the spring schedule begins, adding two late crossings on weekdays and one on Sundays.",
			Source:   "The Harbour & Hills Gazette",
		}},
		{"relative link, wordpress excerpt, media group thumbnail", herald.Article{
			Key:      "url:https://news.example.org/2025/03/library?page=2",
			URL:      "https://news.example.org/2025/03/library?page=2",
			Headline: "Library extends opening hours",
			Lead:     "The central library will stay open until nine in the evening on weekdays from April, the city said, after a survey of readers asked for later hours.",
			Image:    "https://cdn.example.org/img/library-thumb.png",
			Source:   "The Harbour & Hills Gazette",
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkArticle(t, FromItem(feed, feed.Items[i]), tt.want)
		})
	}
}

func TestFromItemAtom(t *testing.T) {
	feed := parseFixture(t, "atom.xml")
	if len(feed.Items) != 2 {
		t.Fatalf("got %d items, want 2", len(feed.Items))
	}
	checkArticle(t, FromItem(feed, feed.Items[0]), herald.Article{
		Key:       "guid:urn:uuid:5b1b8e3e-0000-4000-8000-000000000002",
		URL:       "https://science.example.net/comet",
		Headline:  "Telescope spots icy comet",
		Dateline:  herald.Dateline{Text: "SEOUL, South Korea", Place: "SEOUL, South Korea"},
		Lead:      "Astronomers at a mountain observatory spotted an icy comet on Monday night, the first found by the new telescope since it opened last autumn.",
		Topics:    []string{"Science", "Space"},
		Image:     "https://science.example.net/img/comet.webp",
		Published: time.Date(2025, 2, 10, 2, 30, 0, 0, time.UTC),
		Source:    "Northern Science Desk",
	})
	checkArticle(t, FromItem(feed, feed.Items[1]), herald.Article{
		Key:       "guid:https://science.example.net/quiet",
		URL:       "https://science.example.net/quiet",
		Headline:  "Quiet week at the station",
		Lead:      "Researchers spent a quiet week at the polar station repairing instruments and counting penguins, their weekly report said.",
		Published: time.Date(2025, 2, 9, 9, 0, 0, 0, time.UTC),
		Source:    "Northern Science Desk",
	})
}

func TestFromItemEdges(t *testing.T) {
	if a := FromItem(nil, nil); !isZeroArticle(a) {
		t.Errorf("FromItem(nil, nil) = %+v", a)
	}
	item := &gofeed.Item{Title: "Bare item", Link: "news/bare?utm_source=x"}
	a := FromItem(nil, item)
	if a.URL != "news/bare" || a.Key != "url:news/bare" || a.Source != "" {
		t.Errorf("FromItem(nil feed) = %+v", a)
	}
	feed := &gofeed.Feed{FeedLink: "https://WWW.Example.com/feed.xml"}
	a = FromItem(feed, item)
	if a.URL != "https://www.example.com/news/bare" || a.Source != "example.com" {
		t.Errorf("FromItem(feed link only) URL, Source = %q, %q", a.URL, a.Source)
	}
	updated := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600))
	a = FromItem(feed, &gofeed.Item{Title: "Updated only", UpdatedParsed: &updated})
	if !a.Published.Equal(updated) || a.Published.Location() != time.UTC {
		t.Errorf("Published = %v", a.Published)
	}
	a = FromItem(feed, &gofeed.Item{Title: "Same", Description: "Same"})
	b := FromItem(feed, &gofeed.Item{Title: "Same", Description: "Same"})
	c := FromItem(feed, &gofeed.Item{Title: "Same", Description: "Other"})
	if !strings.HasPrefix(a.Key, "hash:") || a.Key != b.Key || a.Key == c.Key {
		t.Errorf("hash keys = %q, %q, %q", a.Key, b.Key, c.Key)
	}
	a = FromItem(feed, &gofeed.Item{Title: "Pic", Enclosures: []*gofeed.Enclosure{{URL: "https://cdn.example.com/p/photo.JPG"}}})
	if a.Image != "https://cdn.example.com/p/photo.JPG" {
		t.Errorf("enclosure by extension: Image = %q", a.Image)
	}
	a = FromItem(feed, &gofeed.Item{Title: "Pic", Image: &gofeed.Image{URL: "data:image/png;base64,AAAA"}})
	if a.Image != "" {
		t.Errorf("data URL image kept: %q", a.Image)
	}
}

func hashKey(title, description string) string {
	return FromItem(nil, &gofeed.Item{Title: title, Description: description}).Key
}

func isZeroArticle(a herald.Article) bool {
	return a.Key == "" && a.URL == "" && a.Headline == "" && a.Lead == "" && a.Dateline.IsZero() &&
		len(a.Topics) == 0 && a.Image == "" && a.Published.IsZero() && a.Source == "" && a.Feed == ""
}

// checkArticle compares every field of an article.
func checkArticle(t *testing.T, got, want herald.Article) {
	t.Helper()
	check := func(field, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	check("Key", got.Key, want.Key)
	check("URL", got.URL, want.URL)
	check("Headline", got.Headline, want.Headline)
	check("Lead", got.Lead, want.Lead)
	check("Image", got.Image, want.Image)
	check("Source", got.Source, want.Source)
	check("Feed", got.Feed, want.Feed)
	if got.Dateline != want.Dateline {
		t.Errorf("Dateline = %+v, want %+v", got.Dateline, want.Dateline)
	}
	if !slices.Equal(got.Topics, want.Topics) {
		t.Errorf("Topics = %q, want %q", got.Topics, want.Topics)
	}
	if !got.Published.Equal(want.Published) || (!got.Published.IsZero() && got.Published.Location() != time.UTC) {
		t.Errorf("Published = %v, want %v in UTC", got.Published, want.Published)
	}
}
