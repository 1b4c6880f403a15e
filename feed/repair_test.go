package feed

import (
	"strings"
	"testing"
)

func TestEscapeBareAmpersands(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Tom & Jerry", "Tom &amp; Jerry"},
		{"?a=1&b=2", "?a=1&amp;b=2"},
		{"&amp; &lt; &#38; &#x26; &nbsp; &eacute;", "&amp; &lt; &#38; &#x26; &nbsp; &eacute;"},
		{"&#; &#x; &; &1;", "&amp;#; &amp;#x; &amp;; &amp;1;"},
		{"<![CDATA[a & b]]> & <!-- c & d --> <?pi & ?>", "<![CDATA[a & b]]> &amp; <!-- c & d --> <?pi & ?>"},
		{`<a href="x?p=1&q=2">`, `<a href="x?p=1&amp;q=2">`},
		{"<![CDATA[open & never closed", "<![CDATA[open & never closed"},
		{"trailing &", "trailing &amp;"},
	}
	for _, tt := range tests {
		if got := string(escapeBareAmpersands([]byte(tt.in))); got != tt.want {
			t.Errorf("escapeBareAmpersands(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRepair(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"well-formed left alone", `<rss><channel><item><title>a</title></item></channel></rss>`, `<rss><channel><item><title>a</title></item></channel></rss>`},
		{"unterminated document", "<rss><channel><item><title>a</title></item></channel>\n", `<rss><channel><item><title>a</title></item></channel></rss>`},
		{"cut end tag", "<rss><channel><item><title>a</title></item></channel></rss", `<rss><channel><item><title>a</title></item></channel></rss>`},
		{"cut inside an item drops it", `<rss><channel><item><title>a</title></item><item><title>b</tit`, `<rss><channel><item><title>a</title></item></channel></rss>`},
		{"cut inside an entry drops it", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title></entry><entry><link href="http://x/`, `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>a</title></entry></feed>`},
		{"half a CDATA opener", "<rss><channel><title>t</title><item><title><![CD\r\n", `<rss><channel><title>t</title></channel></rss>`},
		{"unterminated CDATA closed before its end tag", `<rss><channel><item><title><![CDATA[a & b</title><link>http://x/1</link></item></channel></rss>`, `<rss><channel><item><title><![CDATA[a & b]]></title><link>http://x/1</link></item></channel></rss>`},
		{"junk before the prolog", "Warning: include(): failed\n<?xml version=\"1.0\"?><rss></rss>", `<?xml version="1.0"?><rss></rss>`},
		{"text before the root", "\uFEFFjunk<rss></rss>", `<rss></rss>`},
		{"control characters", "<rss>\x01\x0b<channel/>\x1f</rss>", `<rss><channel/></rss>`},
		{"prefixed names closed as written", `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel>`, `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel></channel></rdf:RDF>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(repair([]byte(tt.in))); got != tt.want {
				t.Errorf("repair(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseLenient checks that ill-formed feeds a careful reader can read
// parse, and what they read as.
func TestParseLenient(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		titles []string
		links  []string
	}{
		{"bare ampersands", `<rss version="2.0"><channel><item><title>Q&A: Tom & Jerry</title><link>http://x/get?a=1&b=2</link></item></channel></rss>`,
			[]string{"Q&A: Tom & Jerry"}, []string{"http://x/get?a=1&b=2"}},
		{"no end of document", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>one</title><link>http://x/1</link></item><item><title>two</title><link>http://x/2</link></item></channel>",
			[]string{"one", "two"}, []string{"http://x/1", "http://x/2"}},
		{"cut inside the last item", "<rss version=\"2.0\"><channel><item><title>one</title><link>http://x/1</link></item><item><title>two</title><link>http://x/tr",
			[]string{"one"}, []string{"http://x/1"}},
		{"unterminated CDATA", `<rss version="2.0"><channel><item><title><![CDATA[<b>Bold</b> news</title><link>http://x/1</link></item></channel></rss>`,
			[]string{"<b>Bold</b> news"}, []string{"http://x/1"}},
		{"junk before the prolog", "<br />\n<b>Warning</b>: something failed<br />\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>one</title></item></channel></rss>",
			[]string{"one"}, []string{""}},
		{"Atom cut off", `<feed xmlns="http://www.w3.org/2005/Atom"><title>f</title><entry><title>one</title><link href="http://x/1"/></entry>`,
			[]string{"one"}, []string{"http://x/1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != len(tt.titles) {
				t.Fatalf("%d items, want %d", len(f.Items), len(tt.titles))
			}
			for i, it := range f.Items {
				if it.Title != tt.titles[i] || it.Link != tt.links[i] {
					t.Errorf("item %d = %q %q, want %q %q", i, it.Title, it.Link, tt.titles[i], tt.links[i])
				}
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, doc := range []string{
		"<html><body>not a feed</body></html>",
		`{"version":"https://jsonfeed.org/version/1.1","items":[{"title":"cut`,
		"plain text",
		"<rss",
		"<rss><channel><item><title>broken",
		"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>x",
	} {
		if f, err := Parse(strings.NewReader(doc)); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", doc, f)
		}
	}
}
