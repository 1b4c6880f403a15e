package extract

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"golang.org/x/net/html"
)

// The readability corpus: each page's source.html, with the title that
// Readability.js expects (expected-metadata.json) and the article body it
// extracts (expected.html).
const readabilityDir = "corpus/articles/readability"

// Floors for the readability corpus. The test fails below them.
const (
	headlineFloor = 98.0
	leadFloor     = 90.0
)

// readabilityEntry is one row of the corpus index.
type readabilityEntry struct {
	Page string `json:"page"`
}

// readabilityPage is one page of the corpus, read from its folder.
type readabilityPage struct {
	name     string
	source   []byte
	title    string     // expected-metadata.json's title, spaces normalised
	expected *html.Node // expected.html, parsed
}

// loadReadabilityPages reads every page of the readability corpus, or
// skips the test when the shared corpus is absent.
func loadReadabilityPages(t testing.TB) []readabilityPage {
	t.Helper()
	dir := sharedFile(t, readabilityDir)
	data, err := os.ReadFile(filepath.Join(dir, "INDEX.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []readabilityEntry
	if err := json.Unmarshal(data, &index); err != nil {
		t.Fatal(err)
	}
	pages := make([]readabilityPage, 0, len(index))
	for _, e := range index {
		p := readabilityPage{name: e.Page}
		if p.source, err = os.ReadFile(filepath.Join(dir, e.Page, "source.html")); err != nil {
			t.Fatal(err)
		}
		meta, err := os.ReadFile(filepath.Join(dir, e.Page, "expected-metadata.json"))
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Title string `json:"title"`
		}
		if err := json.Unmarshal(meta, &m); err != nil {
			t.Fatalf("%s: %v", e.Page, err)
		}
		p.title = squeeze(m.Title)
		body, err := os.ReadFile(filepath.Join(dir, e.Page, "expected.html"))
		if err != nil {
			t.Fatal(err)
		}
		if p.expected, err = html.Parse(bytes.NewReader(body)); err != nil {
			t.Fatalf("%s: %v", e.Page, err)
		}
		pages = append(pages, p)
	}
	return pages
}

// squeeze normalises text for comparison: runs of white space become one
// space, and invisible characters (soft hyphens, zero-width spaces, byte
// order marks) go.
func squeeze(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// titleNoise is, for the pages whose expected title carries more than the
// story's own title, the part to drop: the site's name, a section, or a
// columnist's name, as each page shows it (the page's own <h1> or JSON-LD
// headline is the title without it). Read off the pages by hand.
var titleNoise = map[string]string{
	"breitbart":  " - Breitbart",
	"gmw":        " _探索者 _光明网",
	"guardian-1": " | Eleanor Ainge Roy",
	"iab-1":      " | IAB",
	"pixnet":     " @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::",
	"qq":         "_科技_腾讯网",
	"yahoo-4":    "（CNET Japan） - Yahoo!ニュース",
	"youth":      "_教育频道_中国青年网",
}

// referenceHeadline is the headline a page should get: its expected title
// without the noise titleNoise names. ok is false for a page with no
// expected title.
func referenceHeadline(t testing.TB, p readabilityPage) (string, bool) {
	noise, ok := titleNoise[p.name]
	if !ok {
		return p.title, p.title != ""
	}
	title, cut := strings.CutSuffix(p.title, squeeze(noise))
	if !cut {
		t.Fatalf("%s: title %q does not end in %q", p.name, p.title, noise)
	}
	return squeeze(title), true
}

// The reference lead is built from expected.html alone, by these rules,
// written for this test without regard to how the extractor finds a lead:
//
//  1. The candidates are the <p> elements in document order; a page with
//     none has its whole text as its one candidate. A candidate's text
//     leaves out what sits inside an element whose class names a caption
//     or credit, and white space is normalised. Empty ones are passed over.
//  2. A <p> inside <figure>, <figcaption>, <aside>, <nav> or <footer> is a
//     caption or page furniture.
//  3. A <p> inside <header>, or marked itemprop="description", is the
//     standfirst: the summary under the headline. The reference is the
//     story's own first paragraph, for three reasons: Herald's lead is
//     documented as the first paragraph of the story, where a dateline
//     stands; the standfirst duplicates the page's description; and the
//     expected bodies do not agree on keeping it (Quanta's leaves it out,
//     the New York Times' and La Nación's keep it), so only the story's
//     first paragraph is the same thing on every page.
//  4. A caption or credit: it opens with "©", a caption marker ("图为",
//     "图注", "圖為", "圖說") or a label ("Photo:", "Image:", "Credit:",
//     "Source:", "Foto:", "Bild:"); it closes with such a label and a few
//     words ("… Source: Supplied") or with a picture credit in brackets
//     ("… (Thomas Coex/AFP/Getty Images)"); or it is all in brackets
//     ("(All photos: Atlas staff)", "[Get New York Today in your inbox.]").
//  5. A promo or navigation line: it opens with "Also read", "Read more",
//     "Related", "See also", "Follow us", "Sign up", "Subscribe", "Click
//     here", "Learn more", "Advertisement", "Share", or is a breadcrumb
//     ("Home > World > Asia").
//  6. A timestamp: under 40 characters with a clock time ("1:39 PM ET")
//     or a CJK date ("2016年10月14日").
//  7. The headline again, or a line set like one: no closing punctuation,
//     with most of its words capitalised.
//  8. Too short to be a lead: under 8 words, or under 20 characters in a
//     script written without spaces (Chinese, Japanese). This also drops
//     bylines ("Por Josh Max"), labels ("'GMA' Cookie Search:"), kickers
//     ("EXCLUSIVE") and bare credits ("West Merica Police").
//
// The reference is the first candidate no rule drops; when every one is
// dropped, the first non-empty one (the page has nothing better).
func referenceLead(p readabilityPage, headline string) (lead string, dropped []string) {
	first := ""
	var paras []*html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "p" {
			paras = append(paras, n)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(p.expected)
	if len(paras) == 0 {
		paras = []*html.Node{p.expected}
	}
	for _, n := range paras {
		text := squeeze(paragraphText(n))
		if text == "" {
			continue
		}
		if first == "" {
			first = text
		}
		if why := refDrop(n, text, headline); why != "" {
			dropped = append(dropped, why+": "+clip(text, 50))
			continue
		}
		return text, dropped
	}
	return first, dropped
}

// paragraphText returns the text of n without captions and credits.
func paragraphText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "figure", "figcaption":
				return
			}
			if captionClassRE.MatchString(attr(n, "class")) {
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

var (
	captionClassRE  = regexp.MustCompile(`(?i)caption|credit`)
	refCaptionRE    = regexp.MustCompile(`(?i)^(©|图为|图注|圖為|圖說|(photo|image|picture|credit|source|foto|bild)s?\s*:)`)
	refCreditTailRE = regexp.MustCompile(`(?i)(\b(photo|image|picture|credit|source|foto|bild)s?\s*:\s*\S+(\s+\S+){0,4}|\([^()]*\b(photo|getty|afp|reuters|ap|epa)\b[^()]*\))$`)
	refPromoRE      = regexp.MustCompile(`(?i)^(also read|read more|read also|related\b|see also|follow us|sign up|subscribe|click here|learn more|advertisement|share\b)`)
	refCrumbRE      = regexp.MustCompile(`^[^>»›]{1,30}([>»›][^>»›]{1,30}){2,}$`)
	refClockRE      = regexp.MustCompile(`\b\d{1,2}:\d{2}\b|\d{4}年\d{1,2}月\d{1,2}日`)
)

// refDrop returns why a candidate paragraph is not the lead, or "".
func refDrop(n *html.Node, text, headline string) string {
	for a := n.Parent; a != nil; a = a.Parent {
		switch a.Data {
		case "figure", "figcaption", "aside", "nav", "footer":
			return "inside <" + a.Data + ">"
		case "header":
			return "standfirst"
		}
		if attr(a, "itemprop") == "description" {
			return "standfirst"
		}
	}
	if attr(n, "itemprop") == "description" {
		return "standfirst"
	}
	runes := utf8.RuneCountInString(text)
	switch {
	case refCaptionRE.MatchString(text), refCreditTailRE.MatchString(text):
		return "caption or credit"
	case bracketed(text):
		return "in brackets"
	case refPromoRE.MatchString(text), refCrumbRE.MatchString(text):
		return "promo or navigation"
	case runes < 40 && refClockRE.MatchString(text):
		return "timestamp"
	case squeeze(strings.ToLower(text)) == squeeze(strings.ToLower(headline)), setAsTitle(text):
		return "title-like"
	case spaceless(text) && runes < 20, !spaceless(text) && len(strings.Fields(text)) < 8:
		return "too short"
	}
	return ""
}

// bracketed reports whether all of s is in one pair of brackets.
func bracketed(s string) bool {
	if len(s) < 2 {
		return false
	}
	open, close := s[0], s[len(s)-1]
	return (open == '(' && close == ')' || open == '[' && close == ']') &&
		!strings.ContainsAny(s[1:len(s)-1], "()[]")
}

// setAsTitle reports whether s is set like a title: no closing
// punctuation, and most of its words (of four or more letters)
// capitalised.
func setAsTitle(s string) bool {
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsPunct(last) {
		return false
	}
	long, caps := 0, 0
	for _, w := range strings.Fields(s) {
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		long++
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			caps++
		}
	}
	return long >= 3 && caps*4 >= long*3
}

// spaceless reports whether s is mostly in a script written without spaces
// between words.
func spaceless(s string) bool {
	n, cjk := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
			if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
				cjk++
			}
		}
	}
	return cjk*2 > n
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// sameLead reports whether an article's lead is the reference paragraph:
// equal after normalising white space, or equal once the dateline that the
// article split off is put back in front of it.
func sameLead(a herald.Article, ref string) bool {
	lead, ref := squeeze(a.Lead), squeeze(ref)
	if lead == ref {
		return true
	}
	if a.Dateline.Text == "" {
		return false
	}
	rest, ok := strings.CutPrefix(ref, squeeze(a.Dateline.Text))
	return ok && strings.TrimLeft(rest, " —–-:,") == lead
}

// missNotes say why a page's lead is known to differ from the reference.
// They are printed with the miss; they excuse nothing.
var missNotes = map[string]string{
	"nytimes-5": "a section front, not an article: the expected body is the list of teasers Readability took, " +
		"whose first is the reference; the extractor reads the teaser with the most text",
}

func TestCorpusReadabilityPages(t *testing.T) {
	pages := loadReadabilityPages(t)
	// The pages whose story opens with a dateline.
	datelines := map[string]herald.Dateline{
		"nytimes-1":                 {Text: "LONDON", Place: "LONDON"},
		"wapo-1":                    {Text: "CAIRO", Place: "CAIRO"},
		"schema-org-context-object": {Text: "SEOUL, South Korea", Place: "SEOUL, South Korea"},
		"webmd-1":                   {Text: "Feb. 23, 2015", Date: "2015-02-23"},
	}
	var headlines, headlineHits, leads, leadHits, verbatim int
	var misses, skips []string
	for _, p := range pages {
		a, err := FromPage(bytes.NewReader(p.source), "http://fakehost/test/page.html")
		if err != nil {
			t.Errorf("%s: %v", p.name, err)
			continue
		}
		if want, ok := datelines[p.name]; ok && a.Dateline != want {
			t.Errorf("%s: dateline %+v, want %+v", p.name, a.Dateline, want)
		}
		if squeeze(a.Headline) == p.title {
			verbatim++
		}
		if want, ok := referenceHeadline(t, p); ok {
			headlines++
			if squeeze(a.Headline) == want {
				headlineHits++
			} else {
				misses = append(misses, p.name+": headline "+q(a.Headline, 100)+", want "+q(want, 100))
			}
		}
		leads++
		ref, dropped := referenceLead(p, p.title)
		if len(dropped) > 0 {
			skips = append(skips, p.name+": "+strings.Join(dropped, "; "))
		}
		if sameLead(a, ref) {
			leadHits++
		} else {
			m := p.name + ": lead " + q(a.Dateline.Text+"|"+a.Lead, 90) + ", want " + q(ref, 90)
			if note, ok := missNotes[p.name]; ok {
				m += "; " + note
			}
			misses = append(misses, m)
		}
	}
	hr, lr := rate(headlineHits, headlines), rate(leadHits, leads)
	t.Logf("readability pages: %d", len(pages))
	t.Logf("%-44s %6s %6s %6s", "measure", "hits", "pages", "rate")
	t.Logf("%-44s %6d %6d %5.1f%%  floor %.0f%%", "headline = expected title less site noise", headlineHits, headlines, hr, headlineFloor)
	t.Logf("%-44s %6d %6d %5.1f%%  floor %.0f%%", "lead = first real paragraph of expected.html", leadHits, leads, lr, leadFloor)
	t.Logf("%-44s %6d %6d %5.1f%%  (for information)", "headline = expected title verbatim", verbatim, len(pages), rate(verbatim, len(pages)))
	for _, m := range misses {
		t.Logf("miss %s", m)
	}
	for _, s := range skips {
		t.Logf("reference passed over %s", s)
	}
	if hr < headlineFloor {
		t.Errorf("headline rate %.1f%% is below the floor of %.0f%%", hr, headlineFloor)
	}
	if lr < leadFloor {
		t.Errorf("lead rate %.1f%% is below the floor of %.0f%%", lr, leadFloor)
	}
}

func q(s string, n int) string {
	b, _ := json.Marshal(clip(s, n))
	return string(b)
}

// TestReferenceLeadRules checks the rules the corpus reference is built
// by, so that the reference itself can be trusted.
func TestReferenceLeadRules(t *testing.T) {
	const lead = "<p>The harbour authority said on Friday that the new terminal will open in May.</p>"
	for _, tt := range []struct {
		name, body, want string
	}{
		{"plain", lead, "The harbour authority said on Friday that the new terminal will open in May."},
		{"figure caption", `<figure><p>Cranes at the terminal, photographed from the harbour wall on Thursday.</p></figure>` + lead, ""},
		{"standfirst header", `<header><p>The terminal is late, and the town is paying for every month of the delay.</p></header>` + lead, ""},
		{"standfirst itemprop", `<div><p itemprop="description">The terminal is late, and the town is paying for every month of it</p></div>` + lead, ""},
		{"credit", `<p>JIM WATSON/AFP/Getty Images</p>` + lead, ""},
		{"caption tail", `<p>Cranes stand idle at the unfinished terminal on Thursday. Source: Supplied</p>` + lead, ""},
		{"credit in brackets", `<p>Cranes stand idle at the unfinished terminal on Thursday after the strike. (Jane Doe/AFP/Getty Images)</p>` + lead, ""},
		{"copyright", `<p>© Provided by Harbour News Inc and its partners across the whole region</p>` + lead, ""},
		{"chinese caption", `<p>图为马素湘在澳大利亚悉尼游玩时的近影。图为马素湘在澳大利亚悉尼游玩时的近影。</p>` + lead, ""},
		{"bracketed", `<p>[What you need to know to start the day: Get Harbour Today in your inbox.]</p>` + lead, ""},
		{"promo", `<p>Also Read: The history of the old harbour and everything that happened there</p>` + lead, ""},
		{"timestamp", `<p>1:39 PM ET</p>` + lead, ""},
		{"cjk timestamp", `<p>TNW中文站2016年10月14日07:17</p>` + lead, ""},
		{"title-like", `<p>Vidyard Launches New Tools and Features for Businesses</p>` + lead, ""},
		{"short", `<p>Por Josh Max</p>` + lead, ""},
		{"caption class inside", `<p><span class="caption">© Provided by Harbour News</span> The harbour authority said on Friday that the new terminal will open in May.</p>`, "The harbour authority said on Friday that the new terminal will open in May."},
		{"cjk line", `<p>一波波接續性低溫寒流報到 已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣</p>`, "一波波接續性低溫寒流報到 已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣"},
		{"nothing better", `Test`, "Test"},
	} {
		doc, err := html.Parse(strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		want := tt.want
		if want == "" {
			want = "The harbour authority said on Friday that the new terminal will open in May."
		}
		if got, _ := referenceLead(readabilityPage{expected: doc}, "Harbour terminal opens"); got != want {
			t.Errorf("%s: reference %q, want %q", tt.name, got, want)
		}
	}
}
