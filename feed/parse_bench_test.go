package feed

import (
	"bytes"
	"fmt"
	"testing"
)

// benchFeed builds an RSS feed of n items with accented titles, UTF-8 or
// windows-1252 without a declaration.
func benchFeed(b *testing.B, n int, latin1 bool) []byte {
	var buf bytes.Buffer
	buf.WriteString("<rss version=\"2.0\"><channel><title>Notícias</title>")
	for i := range n {
		fmt.Fprintf(&buf, "<item><title>Eleição %d: candidatos não têm o mesmo desempenho</title><link>https://news.example/%d</link>"+
			"<description>Líder na pesquisa de intenção de voto para o primeiro turno divulgada nesta segunda-feira.</description>"+
			"<pubDate>Mon, 24 Sep 2018 19:42:40 -0300</pubDate></item>", i, i)
	}
	buf.WriteString("</channel></rss>")
	if latin1 {
		return encodeIn(b, "windows-1252", buf.String())
	}
	return buf.Bytes()
}

func BenchmarkParse(b *testing.B) {
	for _, c := range []struct {
		name   string
		latin1 bool
		cut    bool
	}{{"utf8", false, false}, {"undeclared-latin1", true, false}, {"cut-off", false, true}} {
		data := benchFeed(b, 200, c.latin1)
		if c.cut {
			data = data[:len(data)-100]
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := ParseContentType(data, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
