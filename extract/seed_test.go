package extract

import (
	"html"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

const seedHeadline = "Russian Foreign Minister strengthens strategic Partnership with China"

// seedFeed wraps the lines of the seed article into one RSS item, each
// non-empty line a <p> of its content:encoded, as a site's feed would.
func seedFeed(lines []string) string {
	var body strings.Builder
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			body.WriteString("<p>" + html.EscapeString(l) + "</p>\n")
		}
	}
	content := strings.ReplaceAll(body.String(), "]]>", "]]]]><![CDATA[>")
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>The Diplomatic Insight</title>
<link>https://seed.example.com/</link>
<item>
<title>` + seedHeadline + `</title>
<link>https://seed.example.com/russian-foreign-minister?utm_source=rss</link>
<guid isPermaLink="false">seed-000</guid>
<pubDate>Mon, 08 Apr 2024 11:00:00 +0500</pubDate>
<category>World/Asia</category>
<content:encoded><![CDATA[` + content + `]]></content:encoded>
</item>
</channel>
</rss>`
}

func TestSeedArticle(t *testing.T) {
	data, err := os.ReadFile(sharedFile(t, "seed/000_409110388c7394ba.txt"))
	if err != nil {
		t.Fatal(err)
	}
	feed, err := gofeed.NewParser().ParseString(seedFeed(strings.Split(string(data), "\n")))
	if err != nil {
		t.Fatalf("parse seed feed: %v", err)
	}
	if len(feed.Items) != 1 {
		t.Fatalf("seed feed has %d items", len(feed.Items))
	}
	a := FromItem(feed, feed.Items[0])

	if a.Headline != seedHeadline {
		t.Errorf("Headline = %q", a.Headline)
	}
	d := a.Dateline
	if d.Text != "Beijing, 8 April 2024 (TDI)" || d.Place != "Beijing" || d.Date != "2024-04-08" || d.Agency != "TDI" {
		t.Errorf("Dateline = %+v", d)
	}
	if !strings.HasPrefix(a.Lead, "Russian Foreign Minister Sergey Lavrov’s official visit") {
		t.Errorf("Lead = %q", a.Lead)
	}
	if strings.Contains(a.Lead, "Also Read") {
		t.Errorf("Lead has promo: %q", a.Lead)
	}
	if strings.Join(a.Topics, ",") != "World,Asia" {
		t.Errorf("Topics = %q", a.Topics)
	}
	if a.URL != "https://seed.example.com/russian-foreign-minister" || a.Key != "guid:seed-000" {
		t.Errorf("URL, Key = %q, %q", a.URL, a.Key)
	}
	if want := time.Date(2024, 4, 8, 6, 0, 0, 0, time.UTC); !a.Published.Equal(want) || a.Published.Location() != time.UTC {
		t.Errorf("Published = %v, want %v", a.Published, want)
	}
	if a.Source != "The Diplomatic Insight" {
		t.Errorf("Source = %q", a.Source)
	}
}
