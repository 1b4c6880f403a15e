package pages

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// Teaser reports whether an article's lead is only a teaser of the story:
// it is empty, repeats the headline, was cut short ("…"), or is shorter
// than minLead characters (a third of that in scripts written without
// spaces, which say more in fewer characters). minLead <= 0 takes
// DefaultMinLead.
func Teaser(a herald.Article, minLead int) bool {
	return leadRank(a.Lead, a.Headline, minLead) < rankReal
}

// Ranks of a lead, worst first.
const (
	rankNone = iota
	rankHeadline
	rankShort
	rankReal
)

// leadRank says how much of a lead lead is for an article headed headline.
func leadRank(lead, headline string, minLead int) int {
	if minLead <= 0 {
		minLead = DefaultMinLead
	}
	lead = strings.TrimSpace(lead)
	l := normalize(lead)
	switch {
	case l == "":
		return rankNone
	case strings.HasPrefix(normalize(headline), l):
		return rankHeadline
	}
	n := utf8.RuneCountInString(lead)
	if hasIdeographs(lead) {
		minLead /= 3
	}
	if n < minLead || strings.HasSuffix(lead, "…") || strings.HasSuffix(lead, "...") {
		return rankShort
	}
	return rankReal
}

// Merge completes item, an article read from a feed item, with page, the
// article read from its page. The page gives the lead, with its dateline,
// when the item's is a lesser one; a dateline the item lacks when both
// leads open alike; the headline and the publish date only when the item
// has none; the image when the item has none; its topics, added to the
// item's without case-insensitive duplicates; and the body when it is the
// longer. The item's Key, URL, Source and Feed never change. A page that
// does not read as the item's story (a consent wall, a paywall, a home
// page after a redirect) is ignored. minLead is as for Teaser.
func Merge(item, page herald.Article, minLead int) herald.Article {
	if !sameStory(item, page) {
		return item
	}
	out := item
	if headlineMissing(item) && page.Headline != "" {
		out.Headline = page.Headline
	}
	itemRank := leadRank(item.Lead, item.Headline, minLead)
	pageRank := leadRank(page.Lead, out.Headline, minLead)
	longer := utf8.RuneCountInString(page.Lead) > utf8.RuneCountInString(item.Lead)
	switch {
	case pageRank > itemRank, pageRank == rankShort && itemRank == rankShort && longer:
		out.Lead, out.Dateline = page.Lead, page.Dateline
	case item.Dateline.IsZero() && !page.Dateline.IsZero() && sameOpening(item.Lead, page.Lead):
		out.Dateline = page.Dateline
	}
	if out.Published.IsZero() {
		out.Published = page.Published
	}
	if out.Image == "" {
		out.Image = page.Image
	}
	out.Topics = mergeTopics(item.Topics, page.Topics)
	if len(page.Body) > len(item.Body) {
		out.Body = page.Body
	}
	return out
}

// headlineMissing reports whether the item had no title: its headline is
// empty or was made of the lead's first words.
func headlineMissing(a herald.Article) bool {
	return a.Headline == "" || a.Headline == firstWords(a.Lead, 12)
}

// firstWords returns up to n words of s, with an ellipsis when it cut, as
// the extractor heads an untitled item.
func firstWords(s string, n int) string {
	words := strings.Fields(s)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	out := strings.Join(words[:n], " ")
	if r, _ := utf8.DecodeLastRuneInString(out); r == ',' || r == ';' || r == ':' {
		out = out[:len(out)-1]
	}
	return out + "…"
}

// mergeTopics returns a's topics followed by those of b that a does not
// have, compared case-insensitively.
func mergeTopics(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := append([]string(nil), a...)
	seen := make(map[string]bool, len(a)+len(b))
	for _, t := range a {
		seen[strings.ToLower(t)] = true
	}
	for _, t := range b {
		if k := strings.ToLower(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	return out
}

// sameStory reports whether page reads as item's story: a third or more of
// the words of the item's headline (of its pairs of characters in scripts
// written without spaces) appear in the page's headline or lead. An item
// without a title cannot tell, and trusts the page.
func sameStory(item, page herald.Article) bool {
	if headlineMissing(item) {
		return true
	}
	text := " " + normalize(page.Headline+" "+page.Lead) + " "
	headline := normalize(item.Headline)
	var terms []string
	if hasIdeographs(headline) {
		text = strings.ReplaceAll(text, " ", "")
		runes := []rune(strings.ReplaceAll(headline, " ", ""))
		for i := 0; i+1 < len(runes); i++ {
			terms = append(terms, string(runes[i:i+2]))
		}
	} else {
		for _, w := range strings.Fields(headline) {
			if utf8.RuneCountInString(w) >= 3 {
				terms = append(terms, " "+w+" ")
			}
		}
	}
	found := 0
	for _, t := range terms {
		if strings.Contains(text, t) {
			found++
		}
	}
	return found*3 >= len(terms)
}

// sameOpening reports whether two leads start with the same words.
func sameOpening(a, b string) bool {
	a, b = normalize(a), normalize(b)
	n := min(len(a), len(b), 40)
	return n >= 20 && a[:n] == b[:n]
}

// normalize folds text for comparison: lower case, letters and digits only,
// single spaces.
func normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
		default:
			space = true
		}
	}
	return b.String()
}

// hasIdeographs reports whether s is written in a script that does not
// separate words with spaces.
func hasIdeographs(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai) {
			return true
		}
	}
	return false
}
