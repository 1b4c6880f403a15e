package formatter

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

func TestEscapeMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Rail corridor opens", "Rail corridor opens"},
		{"bold", "**bold**", `\*\*bold\*\*`},
		{"underline and italics", "__u__ _i_", `\_\_u\_\_ \_i\_`},
		{"strike and spoiler", "~~s~~ ||p||", `\~\~s\~\~ \|\|p\|\|`},
		{"masked link", "[x](http://evil)", `\[x\](http://evil)`},
		{"code", "`c` ```b```", "\\`c\\` \\`\\`\\`b\\`\\`\\`"},
		{"quote heading list", "> q # h - l -# s", `\> q \# h \- l \-\# s`},
		{"backslash", `a\b\*`, `a\\b\\\*`},
		{"user mention", "<@123>", `\<@123\>`},
		{"role and channel", "<@&9> <#8>", `\<@&9\> \<\#8\>`},
		{"timestamp and emoji", "<t:1:R> <:e:1>", `\<t:1:R\> \<:e:1\>`},
		{"everyone", "@everyone and @here", "@\u200beveryone and @\u200bhere"},
		{"everyone in capitals", "@Everyone", "@\u200bEveryone"},
		{"email untouched", "desk@example.com", "desk@example.com"},
		{"ordered list at start", "1984. A year", `1984\. A year`},
		{"number mid-text", "on 8. April", "on 8. April"},
		{"decimal at start", "3.5 million", "3.5 million"},
		{"dash kept", "Russia–China — talks", "Russia–China — talks"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EscapeMarkdown(tt.in); got != tt.want {
				t.Errorf("EscapeMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDefuseMentions(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"no at", "no at"},
		{"@everyone", "@\u200beveryone"},
		{"x @here y", "x @\u200bhere y"},
		{"@heretic", "@\u200bheretic"},
		{"<@123> a@b", "<@123> a@b"},
	}
	for _, tt := range tests {
		if got := DefuseMentions(tt.in); got != tt.want {
			t.Errorf("DefuseMentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDiscordValid(t *testing.T) {
	for _, fx := range append(fixtures(), hostileFixtures()...) {
		t.Run(fx.name, func(t *testing.T) {
			if err := checkDiscord(Discord(fx.article)); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDiscordWire(t *testing.T) {
	a := fixtures()[0].article
	e := Discord(a).Embeds[0]
	if want := "**Beijing, 8 April 2024 (TDI)** — Trade ministers"; !strings.HasPrefix(e.Description, want) {
		t.Errorf("description %q does not start with %q", e.Description, want)
	}
	if e.Title != a.Headline || e.URL != a.URL {
		t.Errorf("title %q url %q, want the headline and the article URL", e.Title, e.URL)
	}
	if e.Image == nil || e.Image.URL != a.Image {
		t.Errorf("image %+v, want %q", e.Image, a.Image)
	}
	if e.Footer == nil || e.Footer.Text != "The Daily Example · World · Asia" {
		t.Errorf("footer %+v", e.Footer)
	}
	if e.Timestamp != "2024-04-08T10:00:00Z" {
		t.Errorf("timestamp %q", e.Timestamp)
	}
	b, err := json.Marshal(Discord(a))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("allowed_mentions missing from %s", b)
	}
}

func TestDiscordParts(t *testing.T) {
	tests := []struct {
		name        string
		article     herald.Article
		title, desc string
	}{
		{"lead only", herald.Article{Headline: "H", Lead: "The lead."}, "H", "The lead."},
		{"dateline only", herald.Article{Headline: "H", Dateline: herald.Dateline{Text: "Oslo (TDI)"}}, "H", "**Oslo (TDI)**"},
		{"no headline", herald.Article{URL: "https://a.example/x", Lead: "L"}, "https://a.example/x", "L"},
		{"source as title", herald.Article{Source: "Desk"}, "Desk", ""},
		{"nothing", herald.Article{}, untitled, ""},
		{"white space only", herald.Article{Headline: " \n ", Lead: "\t"}, untitled, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Discord(tt.article).Embeds[0]
			if e.Title != tt.title || e.Description != tt.desc {
				t.Errorf("title %q description %q, want %q and %q", e.Title, e.Description, tt.title, tt.desc)
			}
		})
	}
}

func TestDiscordURLs(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://a.example/x", "https://a.example/x"},
		{"HTTP://a.example/x", "HTTP://a.example/x"},
		{"javascript:alert(1)", ""},
		{"ftp://a.example/x", ""},
		{"//a.example/x", ""},
		{"https://", ""},
		{"https://user@a.example/", ""},
		{"https://a.example/a b", ""},
		{"https://a.example/\u202ex", ""},
		{"https://a.example/" + strings.Repeat("x", maxURL), ""},
		{"not a url", ""},
	}
	for _, tt := range tests {
		e := Discord(herald.Article{Headline: "H", URL: tt.in, Image: tt.in}).Embeds[0]
		img := ""
		if e.Image != nil {
			img = e.Image.URL
		}
		if e.URL != tt.want || img != tt.want {
			t.Errorf("URL %q: embed url %q image %q, want %q", tt.in, e.URL, img, tt.want)
		}
	}
}

func TestDiscordTimestamp(t *testing.T) {
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2024, 4, 8, 12, 0, 0, 0, time.FixedZone("CST", 8*3600)), "2024-04-08T04:00:00Z"},
		{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ""},
	}
	for _, tt := range tests {
		if got := Discord(herald.Article{Headline: "H", Published: tt.at}).Embeds[0].Timestamp; got != tt.want {
			t.Errorf("Published %v: timestamp %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestDiscordEmbedTotal(t *testing.T) {
	long := strings.Repeat("word ", 3000)
	topics := make([]string, 40)
	for i := range topics {
		topics[i] = strings.Repeat("t", 200) + string(rune('a'+i%26))
	}
	a := herald.Article{Headline: long, Dateline: herald.Dateline{Text: long}, Lead: long, Source: long, Topics: topics}
	msg := Discord(a)
	if err := checkDiscord(msg); err != nil {
		t.Fatal(err)
	}
	e := msg.Embeds[0]
	total := utf8.RuneCountInString(e.Title + e.Description + e.Footer.Text)
	if total > DiscordEmbedMax || total < DiscordEmbedMax-DiscordFooterMax {
		t.Errorf("embed total %d: want the description to use the room left, within %d", total, DiscordEmbedMax)
	}
}

// hostileFixtures are articles built to break a renderer; they have no
// golden files.
func hostileFixtures() []fixture {
	long := strings.Repeat("x", 20000)
	return []fixture{
		{"long unbroken headline", herald.Article{Headline: long, Lead: long, URL: "https://a.example/"}},
		{"escapes everywhere", herald.Article{
			Headline: strings.Repeat(`\*_`, 3000),
			Dateline: herald.Dateline{Text: strings.Repeat(`*`, 500)},
			Lead:     strings.Repeat(`[x](y) `, 3000),
			Source:   strings.Repeat("@everyone ", 500),
			Topics:   []string{strings.Repeat("@here", 100)},
		}},
		{"entities", herald.Article{Headline: strings.Repeat("&amp;<>", 3000), Lead: strings.Repeat("& ", 5000)}},
		{"astral", herald.Article{Headline: strings.Repeat("🙂", 5000), Lead: strings.Repeat("🇳🇿", 5000), Topics: []string{"🙂"}}},
		{"mentions", herald.Article{Headline: "@everyone @here <@123> <@!1> <@&2> <#3>", Lead: "@everyone"}},
		{"tags", herald.Article{
			Headline: `</b><a href="javascript:x">x</a><b>`,
			Lead:     "<i>lead</i>",
			Source:   `"><script>`,
			URL:      `https://a.example/?q="><b>`,
		}},
		{"rtl", herald.Article{Headline: "\u202eelcitra\u202c \u2067x\u2069", Lead: "مرحبا بالعالم", Topics: []string{"الشرق الأوسط"}}},
		{"invalid utf8", herald.Article{Headline: "\xff\xfe\xc3(", Lead: "\xed\xa0\x80", Source: "\x80", Topics: []string{"\xff"}}},
	}
}
