package extract

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"golang.org/x/net/html"
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

func TestCleanTitle(t *testing.T) {
	for _, tt := range []struct {
		name, title string
		sites       []string
		heads       []string
		want        string
	}{
		{"plain", "Bridge reopens after two years", []string{"Valley Courier"}, nil, "Bridge reopens after two years"},
		{"pipe site", "Bridge reopens after two years | Valley Courier", []string{"Valley Courier"}, nil, "Bridge reopens after two years"},
		{"dash site", "Bridge reopens after two years - Valley Courier", []string{"Valley Courier"}, nil, "Bridge reopens after two years"},
		{"site first", "Valley Courier | Bridge reopens after two years", []string{"Valley Courier"}, nil, "Bridge reopens after two years"},
		{"site part of its longer name", "Bridge reopens - Courier", []string{"Courier Media Inc"}, nil, "Bridge reopens"},
		{"site in host", "Bridge reopens after two years - Valleycourier", []string{"valleycourier"}, nil, "Bridge reopens after two years"},
		{"dash in story kept", "Bridge reopens - and traffic returns", []string{"Valley Courier"}, nil, "Bridge reopens - and traffic returns"},
		{"only the site", "Valley Courier", []string{"Valley Courier"}, nil, ""},
		{"blog and network", "Autumn walk (2) @ Jane's Blog :: Blognet ::", []string{"Jane's Blog"}, nil, "Autumn walk (2)"},
		{"h1 prefix with source", "港口新码头五月启用（Harbour News） - Portal", nil, []string{"港口新码头五月启用"}, "港口新码头五月启用"},
		{"h1 prefix with columnist", "Why the bridge matters | Jane Doe | Opinion | Courier", nil, []string{"Why the bridge matters"}, "Why the bridge matters"},
		{"colon after h1 kept", "Vision Pro hands-on: the Retina moment for headsets", nil, []string{"Vision Pro hands-on"}, "Vision Pro hands-on: the Retina moment for headsets"},
		{"hyphen after h1 kept", "Bridge reopens after two years-long repairs", nil, []string{"Bridge reopens after two years"}, "Bridge reopens after two years-long repairs"},
		{"short h1 not a cut", "News - Bridge reopens", nil, []string{"News"}, "News - Bridge reopens"},
		{"portal channel and site", "海外留学生看两会：出国前后关注点大不同_教育频道_中国青年网", nil, nil, "海外留学生看两会：出国前后关注点大不同"},
		{"portal short channel", "新电脑已可利用记忆自学_科技_腾讯网", nil, nil, "新电脑已可利用记忆自学"},
		{"underscore kept without portal", "新竹尖石_美樹營地賞楓", nil, nil, "新竹尖石_美樹營地賞楓"},
	} {
		if got := cleanTitle(tt.title, tt.sites, tt.heads); got != tt.want {
			t.Errorf("%s: cleanTitle(%q) = %q, want %q", tt.name, tt.title, got, tt.want)
		}
	}
}

func TestPageHeadlineSources(t *testing.T) {
	for _, tt := range []struct {
		name, head, body, want string
	}{
		{"json-ld first", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"From JSON-LD"}</script><meta property="og:title" content="From OG">`, "", "From JSON-LD"},
		{"json-ld in CDATA", `<script type="application/ld+json">//<![CDATA[
{"@type":"NewsArticle","headline":"From wrapped JSON-LD"}
//]]></script><meta property="og:title" content="From OG">`, "", "From wrapped JSON-LD"},
		{"article name is the site", `<script type="application/ld+json">{"@type":"NewsArticle","name":"Courier","publisher":{"name":"Courier"}}</script><meta property="og:title" content="Story | Courier">`, "", "Story"},
		{"dublin core before og", `<meta name="og:title" content="OG as a name"><meta property="dc:title" content="Dublin Core"><meta property="og:title" content="OG">`, "", "Dublin Core"},
		{"space-separated properties", `<meta property="x:title dc:title" content="Preferred"><meta property="og:title twitter:title" content="Other">`, "", "Preferred"},
		{"property beats name", `<meta name="og:title" content="As a name"><meta property="og:title" content="As a property">`, "", "As a property"},
		{"parsely", `<title>Site</title><meta name="parsely-title" content="From Parse.ly">`, "", "From Parse.ly"},
		{"title before h1", `<title>Babies who eat peanuts early may avoid allergy</title>`, "<h1>Allergies Health Center</h1>", "Babies who eat peanuts early may avoid allergy"},
		{"title cut to h1", `<title>Bridge reopens after two years - Courier</title>`, "<h1>Bridge reopens after two years</h1>", "Bridge reopens after two years"},
		{"title short last segment", `<title>Bridge reopens after two years - The Courier</title>`, "", "Bridge reopens after two years"},
		{"title domain last segment", `<title>Bridge reopens after two years | courier.example</title>`, "", "Bridge reopens after two years"},
		{"title lower-case last segment kept", `<title>Bridge reopens after two years - what happens next</title>`, "", "Bridge reopens after two years - what happens next"},
		{"h1 when no title", "", "<h1>Bridge reopens</h1><p>Text.</p>", "Bridge reopens"},
	} {
		page := "<html><head>" + tt.head + "</head><body>" + tt.body + "<p>" + realLead + "</p></body></html>"
		a, err := FromPage(strings.NewReader(page), "https://news.example.org/story")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if a.Headline != tt.want {
			t.Errorf("%s: headline %q, want %q", tt.name, a.Headline, tt.want)
		}
	}
}

func TestPageTopicsAndImage(t *testing.T) {
	for _, tt := range []struct {
		name, head string
		topics     []string
		image      string
	}{
		{"json-ld section path and keywords",
			`<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","articleSection":"World/Asia","keywords":"china, russia,  Diplomacy ","image":{"@type":"ImageObject","url":"/img/ld.jpg"}}</script>
			<meta property="og:image" content="https://cdn.example.org/og.jpg">`,
			[]string{"World", "Asia", "China", "Russia", "Diplomacy"}, "https://news.example.org/img/ld.jpg"},
		{"json-ld sections and keyword array, duplicates",
			`<script type="application/ld+json">[{"@type":"WebSite"},{"@type":"Article","headline":"H","articleSection":["world","Asia"],"keywords":["WORLD","asia","Trade"],"image":["https://cdn.example.org/a.jpg","https://cdn.example.org/b.jpg"]}]</script>`,
			[]string{"World", "Asia", "Trade"}, "https://cdn.example.org/a.jpg"},
		{"meta section and tags",
			`<meta property="og:title" content="H"><meta property="article:section" content="Politics &gt; Europe">
			<meta property="article:tag" content="elections"><meta property="article:tag" content="  EU ">
			<meta name="article:tag" content="Politics"><meta property="og:image" content="https://cdn.example.org/og.jpg?w=1&amp;amp;h=2">`,
			[]string{"Politics", "Europe", "Elections", "EU"}, "https://cdn.example.org/og.jpg?w=1&h=2"},
		{"json-ld and meta together",
			`<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","headline":"H","articleSection":"Sport"}]}</script>
			<meta property="article:section" content="sport"><meta property="article:tag" content="uk"><meta name="twitter:image" content="/tw.png">`,
			[]string{"Sport", "UK"}, "https://news.example.org/tw.png"},
		{"tag holding a list, names with commas",
			`<meta property="og:title" content="H"><meta property="article:tag" content="Oceans,New Zealand,whales">
			<meta property="article:tag" content="Mayer, Marissa"><script type="application/ld+json">{"@type":"NewsArticle","keywords":["Mergers, Acquisitions"]}</script>`,
			[]string{"Mergers, Acquisitions", "Oceans", "New Zealand", "Whales", "Mayer, Marissa"}, ""},
		{"placeholders only", `<meta property="og:title" content="H"><meta property="article:section" content="Uncategorized">`, nil, ""},
	} {
		page := "<html><head>" + tt.head + "</head><body><p>" + realLead + "</p></body></html>"
		a, err := FromPage(strings.NewReader(page), "https://news.example.org/story")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !slices.Equal(a.Topics, tt.topics) {
			t.Errorf("%s: topics %q, want %q", tt.name, a.Topics, tt.topics)
		}
		if a.Image != tt.image {
			t.Errorf("%s: image %q, want %q", tt.name, a.Image, tt.image)
		}
	}
}

func TestPageStoryContainer(t *testing.T) {
	const second = "The new terminal will have room for four ferries and a waiting hall for six hundred people, the authority said."
	for _, tt := range []struct {
		name, body, want string
	}{
		{"promo above the story",
			`<div class="top"><p>Points for everyone who joins our club this month, the more you read the more you get.</p></div>
			<div class="x"><p>` + realLead + `</p><p>` + second + `</p><p>` + second + `</p></div>`, realLead},
		{"story in parts",
			`<div class="top"><p>Points for everyone who joins our club this month, the more you read the more you get.</p></div>
			<div class="x"><div class="part"><p>` + realLead + `</p><p>` + second + `</p></div><img src="a.jpg"><div class="part"><p>` + second + `</p><p>` + second + `</p><p>` + second + `</p></div></div>`, realLead},
		{"first paragraph beside the rest",
			`<div class="top"><p>Points for everyone who joins our club this month, the more you read the more you get.</p></div>
			<div class="x"><div class="perex">` + realLead + `</div><div class="text"><p>` + second + `</p><p>` + second + `</p><p>` + second + `</p></div></div>`, realLead},
	} {
		a, err := FromPage(strings.NewReader("<html><body>"+tt.body+"</body></html>"), "https://news.example.org/story")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if a.Lead != tt.want {
			t.Errorf("%s: lead %q, want %q", tt.name, a.Lead, tt.want)
		}
	}
	if n := storyContainer(mustParse(t, "<p>Too little text.</p>")); n != nil {
		t.Errorf("storyContainer found %v in a page with too little text", n.Data)
	}
}

func TestHostName(t *testing.T) {
	for _, tt := range []struct{ host, want string }{
		{"", ""}, {"fakehost", ""}, {"example.com", "example"}, {"www.example.com", "example"},
		{"news.bbc.co.uk", "bbc"}, {"example.co.uk", "example"}, {"sport.aktualne.cz", "aktualne"},
		{"example.com.br", "example"},
	} {
		if got := hostName(tt.host); got != tt.want {
			t.Errorf("hostName(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func mustParse(t *testing.T, s string) *html.Node {
	t.Helper()
	n, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUnwrapScript(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{` <![CDATA[ [{"a":1}] ]]> `, `[{"a":1}]`},
		{"//<![CDATA[\n{\"a\":1}\n//]]>", `{"a":1}`},
		{`/* <![CDATA[ */ {"a":[1]} /* ]]> */`, `{"a":[1]}`},
		{`<!-- {"a":1} -->`, `{"a":1}`},
		{`not json`, `not json`},
	} {
		if got := unwrapScript(tt.in); got != tt.want {
			t.Errorf("unwrapScript(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFromPageBody(t *testing.T) {
	page := `<html><head><title>Rail deal</title></head><body>
<nav><a href="/a">World</a> <a href="/b">Asia</a></nav>
<article><h1>Rail deal</h1>
<p>Beijing, 8 April 2024 (TDI): Trade ministers signed a framework to extend a rail freight corridor to two coastal ports.</p>
<p><a href="/more">Read more stories</a></p>
<p>Officials said the change would cut the journey by four days.</p></article>
<footer><p>Copyright notice for the site.</p></footer></body></html>`
	a, err := FromPage(strings.NewReader(page), "https://news.example/rail")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Trade ministers signed", "cut the journey by four days"} {
		if !strings.Contains(a.Body, want) {
			t.Errorf("body %q lacks %q", a.Body, want)
		}
	}
	for _, junk := range []string{"Read more stories", "Copyright notice", "World Asia"} {
		if strings.Contains(a.Body, junk) {
			t.Errorf("body %q holds %q", a.Body, junk)
		}
	}
}
