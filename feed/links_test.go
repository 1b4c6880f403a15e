package feed

import (
	"net/url"
	"strings"
	"testing"
)

func TestPermalinkGUIDs(t *testing.T) {
	tests := []struct {
		name, item, link string
	}{
		{"guid without attribute", `<guid>http://guid.example.com/</guid>`, "http://guid.example.com/"},
		{"permalink guid", `<guid isPermaLink="true">https://guid.example.com/a</guid>`, "https://guid.example.com/a"},
		{"not a permalink", `<guid isPermaLink="false">http://guid.example.com/</guid>`, ""},
		{"not an address", `<guid>abc</guid>`, ""},
		{"link wins", `<link>http://link.example.com/</link><guid>http://guid.example.com/</guid>`, "http://link.example.com/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `<rss version="2.0"><channel><item>` + tt.item + `</item><item><guid isPermaLink="false">x</guid></item></channel></rss>`
			f, err := Parse(strings.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Items[0].Link; got != tt.link {
				t.Errorf("link %q, want %q", got, tt.link)
			}
		})
	}
}

func TestResolveLinks(t *testing.T) {
	doc := `<rss version="2.0"><channel><link>/</link><item><link>/news/1</link>
<enclosure url="img/1.jpg" type="image/jpeg" length="1"/></item>
<item><link>https://other.example/2</link></item><item><link>www.example.org/3</link></item>
<item><link>//cdn.example/4</link></item></channel></rss>`
	f, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://news.example/feeds/main.xml")
	resolveLinks(f, base)
	want := []string{"https://news.example/news/1", "https://other.example/2", "www.example.org/3", "https://cdn.example/4"}
	for i, w := range want {
		if f.Items[i].Link != w {
			t.Errorf("item %d link %q, want %q", i, f.Items[i].Link, w)
		}
	}
	if f.Link != "https://news.example/" {
		t.Errorf("feed link %q", f.Link)
	}
	if e := f.Items[0].Enclosures[0].URL; e != "https://news.example/feeds/img/1.jpg" {
		t.Errorf("enclosure %q", e)
	}
}

func TestRSSInJSON(t *testing.T) {
	doc := `{"rss": {"version": "2.0", "channel": {"title": "Scripting News", "link": "http://scripting.com/",
"cloud": {"domain": "rpc.example", "port": 5337}, "source:account": 4,
"item": [{"title": "A & B", "link": "http://scripting.com/1", "description": "<p>Hi</p>", "pubDate": "Mon, 26 Jun 2017 12:20:05 GMT",
"guid": "http://scripting.com/1", "category": ["x", "y"], "enclosure": {"url": "http://scripting.com/a.mp3", "type": "audio/mpeg", "length": 10}},
{"description": "no title", "guid": {"value": "g2", "isPermaLink": "false"}}]}}}`
	f, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if f.Title != "Scripting News" || f.Link != "http://scripting.com/" || len(f.Items) != 2 {
		t.Fatalf("feed %q %q with %d items", f.Title, f.Link, len(f.Items))
	}
	a := f.Items[0]
	if a.Title != "A & B" || a.Link != "http://scripting.com/1" || a.Description != "<p>Hi</p>" || a.PublishedParsed == nil ||
		strings.Join(a.Categories, ",") != "x,y" || len(a.Enclosures) != 1 || a.Enclosures[0].Length != "10" {
		t.Errorf("item 0 = %+v", a)
	}
	if b := f.Items[1]; b.GUID != "g2" || b.Link != "" {
		t.Errorf("item 1 guid %q link %q", b.GUID, b.Link)
	}

	jf, err := Parse(strings.NewReader(`{"version":"https://jsonfeed.org/version/1.1","title":"rss","items":[{"id":"1","title":"a"}]}`))
	if err != nil || jf.FeedType != "json" || len(jf.Items) != 1 {
		t.Errorf("JSON Feed mistaken: %+v, %v", jf, err)
	}
}
