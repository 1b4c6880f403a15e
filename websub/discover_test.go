package websub

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"net/http"
	"testing"
)

func TestDiscover(t *testing.T) {
	const fetched = "https://news.example.org/feeds/world.xml"
	tests := []struct {
		name      string
		links     []string // Link header values
		body      string
		hub       string
		topic     string
		wantFound bool
	}{
		{
			name:      "link headers on separate lines",
			links:     []string{`<https://news.example.org/self>; rel="self"`, `<https://hub.example.com/>; rel="hub"`},
			hub:       "https://hub.example.com/",
			topic:     "https://news.example.org/self",
			wantFound: true,
		},
		{
			name:      "link header comma joined",
			links:     []string{`<https://hub.example.com/>; rel="hub", <https://news.example.org/self>; rel="self"`},
			hub:       "https://hub.example.com/",
			topic:     "https://news.example.org/self",
			wantFound: true,
		},
		{
			name:      "one link with both rels",
			links:     []string{`<https://news.example.org/both>; rel="hub self"`},
			hub:       "https://news.example.org/both",
			topic:     "https://news.example.org/both",
			wantFound: true,
		},
		{
			name:      "unquoted rel, spaces, case, extra params",
			links:     []string{` <https://hub.example.com/a> ;title="a, b; c" ; REL=Hub`},
			hub:       "https://hub.example.com/a",
			topic:     fetched,
			wantFound: true,
		},
		{
			name:      "comma inside URL and quoted title",
			links:     []string{`<https://hub.example.com/p?a=1,2>; title="x\"y, z"; rel="hub"`},
			hub:       "https://hub.example.com/p?a=1,2",
			topic:     fetched,
			wantFound: true,
		},
		{
			name:      "first rel parameter counts",
			links:     []string{`<https://hub.example.com/a>; rel="alternate"; rel="hub"`},
			topic:     fetched,
			wantFound: false,
		},
		{
			name:      "relative header URLs",
			links:     []string{`</hub>; rel="hub"`, `<world.xml?self=other>; rel="self"`},
			hub:       "https://news.example.org/hub",
			topic:     "https://news.example.org/feeds/world.xml?self=other",
			wantFound: true,
		},
		{
			name:      "several hubs: the first wins",
			links:     []string{`<https://one.example.com/>; rel="hub", <https://two.example.com/>; rel="hub"`},
			hub:       "https://one.example.com/",
			topic:     fetched,
			wantFound: true,
		},
		{
			name: "header wins over body",
			links: []string{`<https://hub.example.com/>; rel="hub"`,
				`<https://news.example.org/self>; rel="self"`},
			body: `<feed xmlns="http://www.w3.org/2005/Atom">
<link rel="hub" href="https://wrong.example.com/?error=wrongtag"/>
<link rel="self" href="https://wrong.example.com/self"/></feed>`,
			hub:       "https://hub.example.com/",
			topic:     "https://news.example.org/self",
			wantFound: true,
		},
		{
			name:      "header hub, body self",
			links:     []string{`<https://hub.example.com/>; rel="hub"`},
			body:      `<feed><link rel="self" href="https://news.example.org/canonical.xml"/></feed>`,
			hub:       "https://hub.example.com/",
			topic:     "https://news.example.org/canonical.xml",
			wantFound: true,
		},
		{
			name: "atom feed",
			body: `<?xml version="1.0"?>
<?xml-stylesheet href="style.xsl" type="text/xsl"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>World</title>
  <link rel="alternate" href="https://news.example.org/world"/>
  <link rel="self" type="application/atom+xml" href="https://news.example.org/feeds/world.atom"/>
  <link href="https://hub.example.com/" rel="hub"/>
  <entry><link rel="self" href="https://news.example.org/entry/1"/></entry>
</feed>`,
			hub:       "https://hub.example.com/",
			topic:     "https://news.example.org/feeds/world.atom",
			wantFound: true,
		},
		{
			name: "rss with atom:link, several hubs, escaped URL",
			body: `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>World</title><link>https://news.example.org/</link>
<atom:link rel="self" type="application/rss+xml" href="https://news.example.org/rss?a=1&amp;b=2"/>
<atom:link rel='hub' href='https://pubsubhubbub.appspot.com/'/>
<atom:link rel="hub" href="https://second.example.com/"/>
<item><title>x</title></item></channel></rss>`,
			hub:       "https://pubsubhubbub.appspot.com/",
			topic:     "https://news.example.org/rss?a=1&b=2",
			wantFound: true,
		},
		{
			name: "links in items do not count",
			body: `<rss><channel><title>x</title>
<item><atom:link rel="hub" href="https://item.example.com/"/></item></channel></rss>`,
			topic:     fetched,
			wantFound: false,
		},
		{
			name: "html page with relative links",
			body: `<!DOCTYPE html><html><head><!-- <link rel="hub" href="https://commented.example.com/"> -->
<LINK REL=hub HREF=/websub/hub>
<link rel="self" href="page.html"></head><body></body></html>`,
			hub:       "https://news.example.org/websub/hub",
			topic:     "https://news.example.org/feeds/page.html",
			wantFound: true,
		},
		{
			name: "cdata is skipped",
			body: `<rss><channel><description><![CDATA[<link rel="hub" href="https://cdata.example.com/">]]></description>
</channel></rss>`,
			topic:     fetched,
			wantFound: false,
		},
		{
			name:      "non-http hub is ignored",
			links:     []string{`<mailto:hub@example.com>; rel="hub"`, `<https://hub.example.com/>; rel="hub"`},
			hub:       "https://hub.example.com/",
			topic:     fetched,
			wantFound: true,
		},
		{
			name:      "nothing advertised",
			body:      `<rss><channel><link>https://news.example.org/</link></channel></rss>`,
			topic:     fetched,
			wantFound: false,
		},
		{
			name:      "malformed header",
			links:     []string{`garbage; rel="hub", <https://hub.example.com/>; rel="hub"`, `<unterminated; rel="hub"`},
			hub:       "https://hub.example.com/",
			topic:     fetched,
			wantFound: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.links {
				h.Add("Link", v)
			}
			hub, topic, ok := Discover(h, []byte(tt.body), fetched)
			if hub != tt.hub || topic != tt.topic || ok != tt.wantFound {
				t.Errorf("Discover = %q, %q, %v; want %q, %q, %v", hub, topic, ok, tt.hub, tt.topic, tt.wantFound)
			}
		})
	}
}

func TestDiscoverNeedsAnHTTPAddress(t *testing.T) {
	h := http.Header{"Link": {`<https://hub.example.com/>; rel="hub"`}}
	for _, fetched := range []string{"", "/relative/feed.xml", "ftp://example.org/feed"} {
		if hub, topic, ok := Discover(h, nil, fetched); ok || hub != "" || topic != "" {
			t.Errorf("Discover(%q) = %q, %q, %v; want nothing", fetched, hub, topic, ok)
		}
	}
}

func TestCheckSignature(t *testing.T) {
	body := []byte("hello")
	const secret = "s3cret"
	tests := []struct {
		header string
		ok     bool
	}{
		{"sha1=" + hmacHex("sha1", secret, body), true},
		{"sha256=" + hmacHex("sha256", secret, body), true},
		{"sha384=" + hmacHex("sha384", secret, body), true},
		{"sha512=" + hmacHex("sha512", secret, body), true},
		{"SHA256=" + hmacHex("sha256", secret, body), true},
		{"sha256=" + hmacHex("sha256", "other", body), false},
		{"sha256=" + hmacHex("sha1", secret, body), false},
		{"md5=abcdef", false},
		{"sha256=zz", false},
		{"sha256", false},
		{"", false},
	}
	for _, tt := range tests {
		if err := checkSignature(tt.header, secret, body); (err == nil) != tt.ok {
			t.Errorf("checkSignature(%q) = %v; want ok %v", tt.header, err, tt.ok)
		}
	}
}

func TestCheckSignatureKnownVectors(t *testing.T) {
	// The HMAC examples of RFC 2104's Wikipedia page.
	body := []byte("The quick brown fox jumps over the lazy dog")
	for _, header := range []string{
		"sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9",
		"sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
	} {
		if err := checkSignature(header, "key", body); err != nil {
			t.Errorf("checkSignature(%q) = %v; want nil", header, err)
		}
	}
}

func hmacHex(method, secret string, body []byte) string {
	h := map[string]func() hash.Hash{"sha1": sha1.New, "sha256": sha256.New, "sha384": sha512.New384, "sha512": sha512.New}[method]
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}
