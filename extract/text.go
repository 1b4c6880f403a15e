package extract

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"

	"github.com/heraldhq/herald"
)

// Text converts an HTML fragment or plain text to clean plain text: entities
// are decoded, tags dropped (with the contents of script and style
// elements), whitespace collapsed to single spaces, invalid UTF-8 replaced by
// U+FFFD and control characters removed. Entities escaped twice, as feeds
// often do ("&amp;#8217;"), are decoded too, and so is markup escaped once
// too often ("&lt;p&gt;Title&lt;/p&gt;"); other text in angle brackets is
// kept ("&lt;CLc1&gt;" becomes "<CLc1>").
func Text(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if looksLikeHTML(s) {
		s = htmlText(s)
	} else if u := html.UnescapeString(s); escapedMarkupRE.MatchString(u) {
		s = htmlText(u)
	} else {
		s = u
	}
	if entityRE.MatchString(s) {
		s = html.UnescapeString(s)
	}
	return clean(s)
}

// tagRE matches what an HTML tokenizer would read as the start of a tag, a
// comment or a doctype.
var tagRE = regexp.MustCompile(`<[A-Za-z!/?]`)

// entityRE matches a character reference that survived one round of
// decoding.
var entityRE = regexp.MustCompile(`&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// looksLikeHTML reports whether s holds a tag, a comment or a doctype.
func looksLikeHTML(s string) bool { return tagRE.MatchString(s) }

// escapedMarkupRE matches common HTML tags and comments, to recognise
// markup that a feed escaped once too often ("&lt;p&gt;Text&lt;/p&gt;").
// Other text in angle brackets ("<CLc1>", "<nick>") is left alone.
var escapedMarkupRE = regexp.MustCompile(`(?i)<!--|</?(p|a|b|i|u|em|strong|div|span|br|hr|img|ul|ol|li|h[1-6]|blockquote|figure|figcaption|iframe|script|style|table|tr|td|th|pre|code|small|sup|sub)(\s[^<>]*)?/?>`)

// unescapeMarkup returns content with its entities decoded when it is HTML
// escaped once too often, and content unchanged otherwise.
func unescapeMarkup(content string) string {
	if looksLikeHTML(content) || !strings.Contains(content, "&") {
		return content
	}
	if u := html.UnescapeString(content); escapedMarkupRE.MatchString(u) {
		return u
	}
	return content
}

// skipElements are elements whose text a reader never sees as prose.
var skipElements = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"svg": true, "math": true, "iframe": true, "object": true,
	"select": true, "textarea": true, "head": true, "title": true,
}

// htmlText returns the text of an HTML fragment, with a space wherever a
// tag separated words.
func htmlText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := ""
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == "" {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skip == "" && skipElements[tag] {
				skip = tag
			}
			if !inlineElements[tag] {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if tag == skip {
				skip = ""
			}
			if !inlineElements[tag] {
				b.WriteByte(' ')
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if !inlineElements[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
}

// inlineElements are the elements that do not break a line of text.
var inlineElements = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true,
	"cite": true, "code": true, "data": true, "dfn": true, "em": true,
	"font": true, "i": true, "kbd": true, "mark": true, "q": true,
	"s": true, "samp": true, "small": true, "span": true, "strike": true,
	"strong": true, "sub": true, "sup": true, "time": true, "tt": true,
	"u": true, "var": true, "wbr": true, "ins": true, "del": true,
	"big": true, "nobr": true, "label": true, "acronym": true,
}

// clean collapses whitespace and drops control and invisible formatting
// characters from text that is already valid UTF-8.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if dropRune(r) {
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// dropRune reports whether r is a control or invisible character that has
// no place in a post: C0 and C1 controls, soft hyphens, zero-width spaces,
// byte order marks and bidirectional overrides.
func dropRune(r rune) bool {
	switch r {
	case '\u00AD', '\u200B', '\u2060', '\uFEFF', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069':
		return true
	}
	return unicode.IsControl(r) || (r >= 0xFFF9 && r <= 0xFFFB) || unicode.Is(unicode.Co, r) || r == 0xFFFE || r == 0xFFFF
}

// Body returns the plain text of an article's content, for search: Text of
// the longest of contents, cut to herald.MaxBody characters.
func Body(contents ...string) string {
	longest := ""
	for _, c := range contents {
		if len(c) > len(longest) {
			longest = c
		}
	}
	if longest == "" {
		return ""
	}
	s := Text(longest)
	if r := []rune(s); len(r) > herald.MaxBody {
		s = string(r[:herald.MaxBody])
	}
	return s
}
