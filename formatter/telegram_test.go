package formatter

import (
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
)

func TestHashtags(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"none", nil, nil},
		{"simple", []string{"World", "Asia"}, []string{"#World", "#Asia"}},
		{"spaces and punctuation", []string{"Middle East", "Culture & Arts", "U.S."}, []string{"#MiddleEast", "#CultureArts", "#US"}},
		{"underscore and digits", []string{"covid_19", "G20"}, []string{"#covid_19", "#G20"}},
		{"unicode letters", []string{"São Paulo", "東京", "Россия"}, []string{"#SãoPaulo", "#東京", "#Россия"}},
		{"marks kept", []string{"हिन्दी"}, []string{"#हिन्दी"}},
		{"empty skipped", []string{"", "!!!", "___", "World"}, []string{"#World"}},
		{"digits alone are no hashtag", []string{"2024", "1_000", "2024 Olympics"}, []string{"#2024Olympics"}},
		{"repeats skipped", []string{"World", "world", "W orld", "Asia"}, []string{"#World", "#Asia"}},
		{"markup dropped", []string{"<b>bold</b>"}, []string{"#bboldb"}},
		{"invalid UTF-8", []string{"a\xffb"}, []string{"#ab"}},
		{"at most MaxTopics", manyTopics(15), []string{
			"#Topic1", "#Topic2", "#Topic3", "#Topic4", "#Topic5",
			"#Topic6", "#Topic7", "#Topic8", "#Topic9", "#Topic10"}},
		{"long tag cut", []string{strings.Repeat("a", 100)}, []string{"#" + strings.Repeat("a", maxTopic)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Hashtags(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Hashtags(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTelegramLength(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"plain", 5},
		{"<b>bold</b>", 4},
		{`<a href="https://a.example/?a=1&amp;b=2">link</a>`, 4},
		{"&lt;b&gt; &amp; &quot;", 7},
		{"&#34;&#x1F642;", 3},
		{"🙂", 2},
		{"<i>🇳🇿</i>\n#x", 7},
		{"a < b", 5}, // a '<' that opens no tag counts as text
	}
	for _, tt := range tests {
		if got := TelegramLength(tt.in); got != tt.want {
			t.Errorf("TelegramLength(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestTelegramValid(t *testing.T) {
	for _, fx := range append(fixtures(), hostileFixtures()...) {
		t.Run(fx.name, func(t *testing.T) {
			m := Telegram(fx.article)
			if err := checkTelegram(m); err != nil {
				t.Errorf("%v\ntext: %q", err, m.Text)
			}
		})
	}
}

func TestTelegramWire(t *testing.T) {
	a := fixtures()[0].article
	m := Telegram(a)
	want := "<b>Trade ministers agree to extend rail freight corridor to the coast</b>\n\n" +
		"<i>Beijing, 8 April 2024 (TDI)</i> — " + a.Lead + "\n\n" +
		`<a href="https://news.example.com/world/asia/rail-corridor">Read on The Daily Example</a>` + "\n" +
		"#World #Asia"
	if m.Text != want {
		t.Errorf("text\n%q\nwant\n%q", m.Text, want)
	}
	lp := LinkPreviewOptions{URL: a.URL, PreferLargeMedia: true}
	if m.LinkPreviewOptions == nil || *m.LinkPreviewOptions != lp {
		t.Errorf("link preview %+v, want %+v", m.LinkPreviewOptions, lp)
	}
	p := m.Params()
	if got := p["link_preview_options"]; got != `{"url":"https://news.example.com/world/asia/rail-corridor","prefer_large_media":true}` {
		t.Errorf("link_preview_options param %q", got)
	}
	if got := p["reply_markup"]; got != `{"inline_keyboard":[[{"text":"Follow World","callback_data":"follow:World"}]]}` {
		t.Errorf("reply_markup param %q", got)
	}
	if _, ok := p["chat_id"]; ok || len(p) != 4 {
		t.Errorf("params %v, want text, parse_mode, link_preview_options and reply_markup", p)
	}
}

func TestTelegramParts(t *testing.T) {
	tests := []struct {
		name    string
		article herald.Article
		want    string
	}{
		{"no dateline no topics", herald.Article{Headline: "H", Lead: "L", URL: "https://a.example/x"},
			"<b>H</b>\n\nL\n\n<a href=\"https://a.example/x\">Read on a.example</a>"},
		{"www stripped from host", herald.Article{Headline: "H", URL: "https://www.a.example/x"},
			"<b>H</b>\n\n<a href=\"https://www.a.example/x\">Read on a.example</a>"},
		{"dateline only", herald.Article{Headline: "H", Dateline: herald.Dateline{Text: "Oslo"}},
			"<b>H</b>\n\n<i>Oslo</i>"},
		{"no link, topics", herald.Article{Headline: "H", URL: "javascript:x", Topics: []string{"A b"}},
			"<b>H</b>\n\n#Ab"},
		{"nothing", herald.Article{}, "<b>" + untitled + "</b>"},
		{"escaping", herald.Article{Headline: "a<b>&c", Source: `S"<`, URL: `https://a.example/?x="1"&y`},
			"<b>a&lt;b&gt;&amp;c</b>\n\n<a href=\"https://a.example/?x=&#34;1&#34;&amp;y\">Read on S\"&lt;</a>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Telegram(tt.article).Text; got != tt.want {
				t.Errorf("text\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestTelegramNoLinkNoPreview(t *testing.T) {
	m := Telegram(herald.Article{Headline: "See http://evil.example", URL: "ftp://a.example/x", Image: "https://a.example/i.png"})
	if m.LinkPreviewOptions == nil || *m.LinkPreviewOptions != (LinkPreviewOptions{IsDisabled: true}) {
		t.Errorf("link preview %+v, want disabled", m.LinkPreviewOptions)
	}
	if strings.Contains(m.Text, "<a") {
		t.Errorf("text %q links a non-web URL", m.Text)
	}
	if got := m.Params()["link_preview_options"]; got != `{"is_disabled":true}` {
		t.Errorf("link_preview_options param %q", got)
	}
}

func TestTelegramShortensLeadFirst(t *testing.T) {
	a := herald.Article{
		Headline: "A headline that stays whole",
		Lead:     strings.Repeat("lead words ", 1000),
		URL:      "https://a.example/x",
	}
	m := Telegram(a)
	if err := checkTelegram(m); err != nil {
		t.Fatal(err)
	}
	doc, err := parseTelegram(m.Text)
	if err != nil {
		t.Fatal(err)
	}
	if doc.bold != a.Headline {
		t.Errorf("headline %q was cut, want it whole", doc.bold)
	}
	if n := TelegramLength(m.Text); n < TelegramMaxLength-20 {
		t.Errorf("visible length %d: the lead was cut more than needed", n)
	}
	if !strings.Contains(m.Text, "lead words…\n\n<a") {
		t.Errorf("the lead does not end in an ellipsis before the link: %q", m.Text[len(m.Text)-100:])
	}
}

func TestTelegramLongHeadline(t *testing.T) {
	a := herald.Article{Headline: strings.Repeat("head ", 4000), Lead: "A short lead.", URL: "https://a.example/x"}
	m := Telegram(a)
	if err := checkTelegram(m); err != nil {
		t.Fatal(err)
	}
	doc, _ := parseTelegram(m.Text)
	if n := UTF16Len(doc.bold); n > maxTelegramHeadline || !strings.HasSuffix(doc.bold, Ellipsis) {
		t.Errorf("headline of %d units %q, want at most %d ending in %q", n, doc.bold, maxTelegramHeadline, Ellipsis)
	}
	if !strings.Contains(doc.visible, "A short lead.") {
		t.Errorf("lead lost: %q", doc.visible)
	}
}

func TestTelegramCutBeforeEscape(t *testing.T) {
	a := herald.Article{Headline: "H", Lead: strings.Repeat("&", 10000)}
	m := Telegram(a)
	if err := checkTelegram(m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ReplaceAll(m.Text, "&amp;", ""), "&") {
		t.Errorf("text holds a split entity: …%q", m.Text[len(m.Text)-40:])
	}
}

func TestAnchorTextFromAHostThatIsNoText(t *testing.T) {
	// url.Parse decodes %aa in a host to a byte that is not UTF-8.
	m := Telegram(herald.Article{Headline: "x", URL: "https://x.%aa.%ae/story"})
	if err := checkTelegram(m); err != nil {
		t.Fatalf("%v: %q", err, m.Text)
	}
}
