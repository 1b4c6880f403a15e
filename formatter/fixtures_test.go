package formatter

import (
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald"
)

// fixture is an article with a name for its golden files.
type fixture struct {
	name    string
	article herald.Article
}

// fixtures returns the articles the golden files are rendered from.
func fixtures() []fixture {
	return []fixture{
		{"wire", herald.Article{
			Key:      "https://news.example.com/world/asia/rail-corridor",
			URL:      "https://news.example.com/world/asia/rail-corridor",
			Headline: "Trade ministers agree to extend rail freight corridor to the coast",
			Dateline: herald.Dateline{
				Text:   "Beijing, 8 April 2024 (TDI)",
				Place:  "Beijing",
				Date:   "2024-04-08",
				Agency: "TDI",
			},
			Lead: "Trade ministers from five countries signed a framework on Monday to extend " +
				"a rail freight corridor to two coastal ports, a change officials said would " +
				"cut the overland journey for containers by about four days.",
			Topics:    []string{"World", "Asia"},
			Image:     "https://news.example.com/images/rail-corridor.jpg",
			Published: time.Date(2024, 4, 8, 10, 0, 0, 0, time.UTC),
			Source:    "The Daily Example",
		}},
		{"plain", herald.Article{
			URL:      "https://www.riverside.example/local/library-sundays",
			Headline: "Council votes to keep the library open on Sundays",
			Lead: "After a packed public meeting, the council agreed to fund weekend " +
				"staff for another year — and to review opening hours again in spring.",
			Topics:    []string{"Local News", "Culture & Arts", "local news"},
			Published: time.Date(2024, 11, 3, 19, 45, 0, 0, time.FixedZone("CET", 3600)),
		}},
		{"hostile", herald.Article{
			URL: `https://example.com/story?id=1&x="2"`,
			Headline: "@everyone **bold** [x](http://evil) <script>alert(1)</script> " +
				"</b><a href=\"javascript:x\"> \u202eevil\u202c \x1b[31mred\x1b[0m \xff\xfe",
			Dateline: herald.Dateline{Text: "Nowhere_* (X)\\"},
			Lead: "<@123> <#456> <@&789> @here `code` ||spoiler|| > quote # head - item " +
				"~~strike~~ __under__ & &amp; \"quoted\"\r\n\tnext line \\",
			Topics: []string{"<b>", "@everyone", "", "C++", "c++", "São Paulo", "東京", "a|b"},
			Image:  "javascript:alert(1)",
			Source: "Evil <Corp> & Co",
		}},
		{"long", herald.Article{
			URL:       "https://news.example.com/long",
			Headline:  strings.Repeat("Headline words go on and on ", 715),
			Dateline:  herald.Dateline{Text: "Springfield, 1 June 2025 (TDI)"},
			Lead:      strings.Repeat("A lead sentence with an emoji 🙂 and a flag 🇳🇿 in it. ", 400),
			Topics:    manyTopics(30),
			Image:     "https://news.example.com/long.png",
			Published: time.Date(2025, 6, 1, 8, 30, 0, 0, time.UTC),
			Source:    "The Daily Example",
		}},
		{"empty", herald.Article{}},
		{"urlonly", herald.Article{URL: "https://news.example.com/untitled-story"}},
	}
}

func manyTopics(n int) []string {
	t := make([]string, n)
	for i := range t {
		t[i] = fmt.Sprintf("Topic %d", i+1)
	}
	return t
}
