package extract

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func FuzzFromPage(f *testing.F) {
	for _, s := range []string{
		"",
		"<p>" + realLead + "</p>",
		`<html><head><title>Bridge reopens | Courier</title><meta property="og:site_name" content="Courier"></head><body><h1>Bridge reopens</h1><p>` + realLead + `</p></body></html>`,
		`<script type="application/ld+json">//<![CDATA[
{"@type":"NewsArticle","headline":"H","articleSection":"World/Asia","keywords":"a, b","image":[{"url":"/i.jpg"}]}
//]]></script><meta property="dc:title og:title" content="T"><meta property="article:tag" content="uk">`,
		`<div class="post__title"><div>Standfirst</div></div><div><div><p>One.</p><p>Two two two two two two two two two.</p></div></div>`,
		`<p><a href="/">ログイン</a><span><a href="/">今なら5,000ポイントもらえるチャンス！</a></span></p><div><p>一波波接續性低溫寒流報到 已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣</p></div>`,
		`<title>海外留学生看两会：出国前后关注点大不同_教育频道_中国青年网</title>`,
		strings.Repeat("<div>", 700) + "<p>deep</p>" + strings.Repeat("</div>", 700),
		"<p>\xff\x00 &amp;amp; &#0;</p>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, page string) {
		a, err := FromPage(strings.NewReader(page), "https://news.example.org/story?utm_source=x")
		if err != nil {
			// A page the HTML parser refuses (nesting deeper than it
			// allows) is an error; so is one with nothing in it.
			if a.Headline != "" || a.Lead != "" {
				t.Fatalf("error %v with headline %q, lead %q", err, a.Headline, a.Lead)
			}
			return
		}
		if a.Headline == "" {
			t.Fatalf("no headline with lead %q", a.Lead)
		}
		checkClean(t, "headline", a.Headline)
		checkClean(t, "lead", a.Lead)
		checkClean(t, "dateline", a.Dateline.Text)
		if a.URL != CanonicalURL(a.URL) {
			t.Fatalf("URL %q not canonical", a.URL)
		}
		if a.Image != "" && !isAbsolute(a.Image) {
			t.Fatalf("image %q not absolute", a.Image)
		}
		if !a.Published.IsZero() && a.Published.Location() != time.UTC {
			t.Fatalf("published %v not UTC", a.Published)
		}
		seen := map[string]bool{}
		for _, topic := range a.Topics {
			key := strings.ToLower(topic)
			if topic == "" || seen[key] {
				t.Fatalf("topics %q: empty or repeated", a.Topics)
			}
			seen[key] = true
		}
	})
}

// BenchmarkPage measures FromPage over the readability corpus pages, one
// page per iteration; pages/s is the rate for one core.
func BenchmarkPage(b *testing.B) {
	pages := loadReadabilityPages(b)
	var size int64
	for _, p := range pages {
		size += int64(len(p.source))
	}
	b.SetBytes(size / int64(len(pages)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := pages[i%len(pages)]
		if _, err := FromPage(bytes.NewReader(p.source), "http://fakehost/test/page.html"); err != nil && !errors.Is(err, ErrNoArticle) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
