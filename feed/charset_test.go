package feed

import (
	"bytes"
	"strings"
	"testing"
)

// declaredFeed wraps encoded title text in an RSS document whose XML
// declaration names label ("" for a declaration without an encoding).
func declaredFeed(label string, title []byte) []byte {
	decl := `<?xml version="1.0"?>`
	if label != "" {
		decl = `<?xml version="1.0" encoding="` + label + `"?>`
	}
	return append([]byte(decl+"\n"), undeclaredFeed(title)...)
}

func TestDecodeOrder(t *testing.T) {
	latin1 := encodeIn(t, "iso-8859-1", "Café crème")
	tests := []struct {
		name        string
		data        []byte
		contentType string
		charset     string
		source      string
		text        string
	}{
		{"UTF-8 BOM beats a declaration", append([]byte("\xEF\xBB\xBF"), declaredFeed("ISO-8859-1", []byte("Café"))...), "text/xml; charset=windows-1251", "utf-8", fromBOM, "Café"},
		{"UTF-16 BOM", append([]byte{0xFF, 0xFE}, encodeIn(t, "utf-16le", string(declaredFeed("UTF-16", []byte("Grüße"))))...), "", "utf-16le", fromBOM, "Grüße"},
		{"HTTP charset beats the declaration", declaredFeed("KOI8-R", encodeIn(t, "windows-1251", textRussian)), "application/rss+xml; charset=windows-1251", "windows-1251", fromHTTP, textRussian},
		{"declared KOI8-R", declaredFeed("KOI8-R", encodeIn(t, "koi8-r", textRussian)), "", "koi8-r", fromDeclaration, textRussian},
		{"declared Shift_JIS", declaredFeed("Shift_JIS", encodeIn(t, "shift_jis", textJapanese)), "text/xml", "shift_jis", fromDeclaration, textJapanese},
		{"declared windows-1252 smart quotes", declaredFeed("windows-1252", encodeIn(t, "windows-1252", textEnglish)), "", "windows-1252", fromDeclaration, textEnglish},
		{"ISO-8859-1 read as windows-1252", declaredFeed("ISO-8859-1", encodeIn(t, "windows-1252", textEnglish)), "", "windows-1252", fromDeclaration, textEnglish},
		{"Latin-1 without declaration", undeclaredFeed(latin1), "", "windows-1252", fromDetection, "Café crème"},
		{"windows-1252 smart quotes without declaration", undeclaredFeed(encodeIn(t, "windows-1252", textEnglish)), "", "windows-1252", fromDetection, textEnglish},
		{"says ISO-8859-1, is UTF-8", declaredFeed("ISO-8859-1", []byte("Café “quoted”")), "", "utf-8", fromUTF8, "Café “quoted”"},
		{"HTTP says windows-1252, is UTF-8", undeclaredFeed([]byte("Grüße")), "text/xml; charset=windows-1252", "utf-8", fromUTF8, "Grüße"},
		{"says UTF-8, is Latin-1", declaredFeed("UTF-8", latin1), "", "windows-1252", fromDetection, "Café crème"},
		{"HTTP says UTF-8, is Latin-1, declared", declaredFeed("ISO-8859-1", latin1), "text/xml; charset=utf-8", "windows-1252", fromDeclaration, "Café crème"},
		{"unknown label", declaredFeed("invalid", latin1), "", "windows-1252", fromDetection, "Café crème"},
		{"declared encoding the bytes break", declaredFeed("Shift_JIS", encodeIn(t, "koi8-r", textRussian)), "", "koi8-r", fromDetection, textRussian},
		{"ASCII keeps the declaration", declaredFeed("windows-1251", []byte("Plain")), "", "windows-1251", fromDeclaration, "Plain"},
		{"declared ISO-2022-JP", declaredFeed("ISO-2022-JP", encodeIn(t, "iso-2022-jp", textJapanese)), "", "iso-2022-jp", fromDeclaration, textJapanese},
		{"declared UTF-16 without BOM, read as ASCII", declaredFeed("UTF-16", []byte("Plain")), "", "utf-8", fromUTF8, "Plain"},
		{"ASCII without declaration", undeclaredFeed([]byte("Plain")), "", "utf-8", fromUTF8, "Plain"},
		{"declaration after a comment", append([]byte("<!-- generated -->\n"), declaredFeed("koi8-r", encodeIn(t, "koi8-r", textRussian))...), "", "koi8-r", fromDeclaration, textRussian},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := decode(tt.data, tt.contentType)
			if d.charset != tt.charset || d.source != tt.source {
				t.Errorf("decoded as %s by %s, want %s by %s", d.charset, d.source, tt.charset, tt.source)
			}
			if !bytes.Contains(d.data, []byte(tt.text)) {
				t.Errorf("text %q not in %q", tt.text, d.data)
			}
			if declaredEncoding(d.data) != "" {
				t.Errorf("declaration still names an encoding: %q", d.data[:min(len(d.data), 80)])
			}
			f, err := ParseContentType(tt.data, tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 1 || !strings.Contains(f.Items[0].Title, tt.text) {
				t.Errorf("parsed items %+v, want the title %q", f.Items, tt.text)
			}
		})
	}
}

func TestDropDeclaredEncoding(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<?xml version="1.0" encoding="ISO-8859-1"?><rss/>`, `<?xml version="1.0"?><rss/>`},
		{`<?xml version='1.0' encoding = 'koi8-r' standalone="yes"?><rss/>`, `<?xml version='1.0' standalone="yes"?><rss/>`},
		{"<!-- c -->\n<?xml version=\"1.0\" encoding=\"gb2312\"?><rss/>", "<!-- c -->\n<?xml version=\"1.0\"?><rss/>"},
		{`<?xml version="1.0"?><rss/>`, `<?xml version="1.0"?><rss/>`},
		{`<rss><title>encoding="x"</title></rss>`, `<rss><title>encoding="x"</title></rss>`},
		{`<?xml-stylesheet href="a.xsl"?><?xml version="1.0" encoding="utf-8"?><rss/>`, `<?xml-stylesheet href="a.xsl"?><?xml version="1.0"?><rss/>`},
	}
	for _, tt := range tests {
		if got := string(dropDeclaredEncoding([]byte(tt.in))); got != tt.want {
			t.Errorf("dropDeclaredEncoding(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
