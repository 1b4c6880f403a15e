package extract

import (
	"encoding/json"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// linkedData is what FromPage uses of a page's schema.org article.
type linkedData struct {
	headline  string
	url       string
	published string
	modified  string
	image     string
	publisher string
	sections  []string
	keywords  []string
}

// maxLinkedDataDepth bounds the walk over nested JSON-LD.
const maxLinkedDataDepth = 32

// findLinkedData reads the page's JSON-LD scripts and returns the first
// article it describes (NewsArticle, Article, BlogPosting, …), or a web
// page when there is no article. Scripts that do not parse are skipped.
func findLinkedData(doc *goquery.Document) linkedData {
	var article, page map[string]any
	doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		var v any
		if err := json.Unmarshal([]byte(unwrapScript(s.Text())), &v); err != nil {
			return
		}
		walkLinkedData(v, 0, func(obj map[string]any) {
			switch {
			case article == nil && isArticleType(obj["@type"]):
				article = obj
			case page == nil && hasType(obj["@type"], "WebPage"):
				page = obj
			}
		})
	})
	obj := article
	if obj == nil {
		obj = page
	}
	if obj == nil {
		return linkedData{}
	}
	ld := linkedData{
		headline:  ldString(obj["headline"]),
		url:       ldURL(obj["url"]),
		published: ldString(obj["datePublished"]),
		modified:  ldString(obj["dateModified"]),
		image:     ldURL(obj["image"]),
		sections:  ldStrings(obj["articleSection"]),
		keywords:  ldKeywords(obj["keywords"]),
	}
	if p, ok := obj["publisher"].(map[string]any); ok {
		ld.publisher = ldString(p["name"])
	}
	if ld.headline == "" {
		// Some pages name the site, not the story, in an article's name.
		if name := ldString(obj["name"]); !strings.EqualFold(name, ld.publisher) {
			ld.headline = name
		}
	}
	if ld.image == "" {
		ld.image = ldURL(obj["thumbnailUrl"])
	}
	if ld.url == "" {
		ld.url = ldURL(obj["mainEntityOfPage"])
	}
	return ld
}

// unwrapScript returns a script's text without the CDATA markers and
// comment delimiters that pages wrap around it for old XHTML parsers:
// "<![CDATA[ … ]]>", "//<![CDATA[ … //]]>", "/* <![CDATA[ */ … /* ]]> */",
// "<!-- … -->".
func unwrapScript(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s) && i < 64; i++ {
		if (s[i] == '{' || s[i] == '[') && isScriptWrapper(s[:i]) {
			s = s[i:]
			break
		}
	}
	for j := len(s) - 1; j >= 0 && j >= len(s)-64; j-- {
		if (s[j] == '}' || s[j] == ']') && isScriptWrapper(s[j+1:]) {
			return s[:j+1]
		}
	}
	return s
}

// isScriptWrapper reports whether s holds nothing but CDATA markers,
// comment delimiters and white space.
func isScriptWrapper(s string) bool {
	for _, tok := range []string{"<![CDATA[", "]]>", "<!--", "-->", "//", "/*", "*/"} {
		s = strings.ReplaceAll(s, tok, "")
	}
	return strings.TrimSpace(s) == ""
}

// ldKeywords returns an article's keywords: an array of them, or one
// string of them separated by commas, as schema.org writes a list.
func ldKeywords(v any) []string {
	if s, ok := v.(string); ok {
		return splitList(s, ",")
	}
	return ldStrings(v)
}

// splitList splits s at sep and returns the non-empty trimmed parts.
func splitList(s, sep string) []string {
	var out []string
	for _, w := range strings.Split(s, sep) {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// walkLinkedData calls visit for every object in a JSON-LD value,
// following arrays and @graph.
func walkLinkedData(v any, depth int, visit func(map[string]any)) {
	if depth > maxLinkedDataDepth {
		return
	}
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			walkLinkedData(e, depth+1, visit)
		}
	case map[string]any:
		visit(v)
		if g, ok := v["@graph"]; ok {
			walkLinkedData(g, depth+1, visit)
		}
	}
}

// isArticleType reports whether a JSON-LD @type names an article.
func isArticleType(t any) bool {
	for _, s := range ldStrings(t) {
		if strings.HasSuffix(s, "Article") || s == "BlogPosting" || s == "LiveBlogPosting" || s == "Report" {
			return true
		}
	}
	return false
}

func hasType(t any, want string) bool {
	for _, s := range ldStrings(t) {
		if s == want {
			return true
		}
	}
	return false
}

// ldString returns a JSON-LD value as a string: a string itself, a
// number, the first of an array, or an object's @value or name.
func ldString(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case []any:
		for _, e := range v {
			if s := ldString(e); s != "" {
				return s
			}
		}
	case map[string]any:
		if s := ldString(v["@value"]); s != "" {
			return s
		}
		return ldString(v["name"])
	}
	return ""
}

// ldStrings returns a JSON-LD value that may be one string or many.
func ldStrings(v any) []string {
	switch v := v.(type) {
	case string:
		if s := strings.TrimSpace(v); s != "" {
			return []string{s}
		}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
		}
		return out
	}
	return nil
}

// ldURL returns the link in a JSON-LD value: a string, an ImageObject or
// WebPage (url, contentUrl, @id), or the first of an array of them.
func ldURL(v any) string {
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case []any:
		for _, e := range v {
			if s := ldURL(e); s != "" {
				return s
			}
		}
	case map[string]any:
		for _, k := range []string{"url", "contentUrl", "@id"} {
			if s := ldURL(v[k]); s != "" {
				return s
			}
		}
	}
	return ""
}
