package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"

	"github.com/heraldhq/herald"
)

// maxHeadlineRunes bounds a line that FromText will take for a headline.
const maxHeadlineRunes = 200

// gluedWord matches one capitalised word of a breadcrumb whose separators
// were lost when the page was saved as text: "HomeWorldAsia".
var gluedWord = regexp.MustCompile(`\p{Lu}[\p{Ll}\p{M}]*`)

// IsHTML reports whether a document is markup rather than plain text.
func IsHTML(doc string) bool { return looksLikeHTML(doc) }

// FromText builds an Article from a story saved as plain text: a headline
// line, perhaps with the page's breadcrumb glued in front of it and the
// headline repeated, then paragraphs. sourceURL, when it is an http(s) URL,
// becomes the article's link.
func FromText(text, sourceURL string) (herald.Article, error) {
	lines := nonEmptyLines(strings.ReplaceAll(strings.ToValidUTF8(text, "\uFFFD"), "\r", "\n"))
	if len(lines) == 0 {
		return herald.Article{}, ErrNoArticle
	}
	headline, crumbs, bodyStart := textHeadline(lines)
	var a herald.Article
	a.Headline = Text(headline)
	body := strings.Join(lines[bodyStart:], "\n\n")
	a.Dateline, a.Lead = SplitDateline(Lead(body, a.Headline), a.Published)
	if a.Headline == "" {
		a.Headline = firstWords(a.Lead, 12)
	}
	a.Body = Body(body)
	a.Topics = Topics(crumbs...)
	if u, err := url.Parse(sourceURL); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		a.URL = CanonicalURL(sourceURL)
		a.Source = hostOf(a.URL)
		a.Key = "url:" + a.URL
	} else {
		sum := sha256.Sum256([]byte(text))
		a.Key = "hash:" + hex.EncodeToString(sum[:8])
	}
	return a, nil
}

// textHeadline finds the headline among the first lines. A later line that
// ends the first one is the headline, and what comes before it in the first
// line is a glued breadcrumb; a first line repeated later is the headline;
// else a short first line without a closing full stop is. It returns the
// headline, the breadcrumb's words and where the body starts.
func textHeadline(lines []string) (headline string, crumbs []string, bodyStart int) {
	first := lines[0]
	for i := 1; i < min(len(lines), 5); i++ {
		l := lines[i]
		if len([]rune(l)) > maxHeadlineRunes {
			break
		}
		if l == first {
			return l, nil, i + 1
		}
		if prefix, ok := strings.CutSuffix(first, l); ok && prefix != "" {
			return l, gluedWord.FindAllString(prefix, -1), i + 1
		}
	}
	if r := []rune(first); len(r) <= maxHeadlineRunes && !strings.HasSuffix(first, ".") {
		return first, nil, 1
	}
	return "", nil, 0
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
