package formatter_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/heraldhq/herald/extract"
	"github.com/heraldhq/herald/formatter"
)

// benchFeed is a feed of news items in the shapes the pipeline meets: a
// dated wire lead in content:encoded with promo lines around it, a plain
// description, categories.
func benchFeed(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Bench News</title><link>https://bench.example/</link>`)
	for i := range n {
		fmt.Fprintf(&b, `<item><title>Ministers agree to extend rail corridor, part %d</title><link>https://bench.example/world/%d?utm_source=rss</link><guid>bench-%d</guid>`+
			`<pubDate>Mon, 08 Apr 2024 09:%02d:00 GMT</pubDate><category>World/Asia</category><category>Trade</category>`+
			`<content:encoded><![CDATA[<p>HomeWorldAsia</p><p>Ministers agree to extend rail corridor, part %d</p>`+
			`<p>Beijing, 8 April 2024 (TDI): Trade ministers from five countries signed a framework on Monday to extend a rail freight corridor to two coastal ports, a change officials said would cut the journey by four days.</p>`+
			`<p>Also Read: Port authority opens new terminal</p><p>Officials said the corridor would open next year &amp; carry 2m containers.</p><p>Follow us</p>]]></content:encoded></item>`,
			i, i, i, i%60, i)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// BenchmarkExtractAndRender measures articles per second from a parsed
// feed item through extraction and both platform renderings, on one core
// (run with -cpu 1).
func BenchmarkExtractAndRender(b *testing.B) {
	feed, err := gofeed.NewParser().ParseString(benchFeed(100))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		item := feed.Items[n%len(feed.Items)]
		a := extract.FromItem(feed, item)
		if formatter.Discord(a) == nil || formatter.Telegram(a).Text == "" {
			b.Fatal("empty rendering")
		}
		n++
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "articles/s")
}
