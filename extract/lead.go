package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lead picks the first paragraph a reader would call the lead from HTML or
// plain-text content and returns it as plain text. It skips breadcrumbs, a
// repeated headline (headline may be empty), bylines, timestamps, photo
// credits and captions, promo and newsletter lines, and fragments too short
// to be a lead, unless nothing better exists, in which case it returns the
// best short paragraph. It returns "" when the content has no text.
func Lead(content, headline string) string {
	l, _ := lead(content, headline)
	return l
}

// lead does the work of Lead. real reports whether the paragraph is a real
// lead rather than the best of short fragments.
func lead(content, headline string) (text string, real bool) {
	return pickLead(contentBlocks(content), headline)
}

// pickLead chooses the lead among blocks, as Lead describes: the first
// real paragraph, looking at <p> and bare text before list items, cells
// and quotes; else the longest short one; else the longest heading.
func pickLead(blocks []block, headline string) (text string, real bool) {
	hl := normalize(Text(headline))
	texts := make([]string, len(blocks))
	done := make([]bool, len(blocks))
	// judged returns block i without a trailing promo, or "" when it is
	// boilerplate; it judges each block once.
	judged := func(i int) string {
		if !done[i] {
			done[i] = true
			if t := trimTrailingPromo(blocks[i].text); t != "" && !isBoilerplate(t, hl) {
				texts[i] = t
			}
		}
		return texts[i]
	}
	// candidate reports whether block i could be the lead, whatever its
	// setting: prose of the wanted kind, not boilerplate, not a fragment.
	candidate := func(i int, want blockKind) bool {
		b := blocks[i]
		if b.kind != want || b.links {
			return false
		}
		t := judged(i)
		return t != "" && !isShort(t)
	}
	for _, want := range []blockKind{kindPara, kindOther} {
		for i := range blocks {
			if !candidate(i, want) {
				continue
			}
			if t := texts[i]; !isTitleLike(t) || setLikeWhatFollows(blocks, i, func(j int) bool { return candidate(j, want) }) {
				return t, true
			}
		}
	}
	longest := func(headings bool) string {
		best := ""
		for i, b := range blocks {
			if (b.kind == kindHeading) != headings {
				continue
			}
			if t := judged(i); utf8.RuneCountInString(t) > utf8.RuneCountInString(best) {
				best = t
			}
		}
		return best
	}
	if best := longest(false); best != "" {
		return best, false
	}
	return longest(true), false
}

// setLikeWhatFollows reports whether the title-like block i is set like
// most of the candidate paragraphs after it: an author who writes without
// closing punctuation, line after line, writes prose that way, while a
// heading stands out from the prose under it.
func setLikeWhatFollows(blocks []block, i int, candidate func(int) bool) bool {
	seen, alike := 0, 0
	for j := i + 1; j < len(blocks) && seen < 3; j++ {
		if !candidate(j) {
			continue
		}
		seen++
		if isTitleLike(trimTrailingPromo(blocks[j].text)) {
			alike++
		}
	}
	return seen >= 2 && alike*2 > seen
}

// isShort reports whether t is too short to be a lead. Scripts written
// without spaces between words say more in fewer characters.
func isShort(t string) bool {
	n := utf8.RuneCountInString(t)
	if hasIdeographs(t) {
		return n < 30
	}
	return n < 60 && len(strings.Fields(t)) < 8
}

// hasIdeographs reports whether t is written in a script that does not
// separate words with spaces.
func hasIdeographs(t string) bool {
	for _, r := range t {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai) {
			return true
		}
	}
	return false
}

// isTitleLike reports whether t reads like a heading rather than prose: a
// few words with no closing punctuation.
func isTitleLike(t string) bool {
	last, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!?…\"”’')»:;]。！？」』）", last) {
		return false
	}
	if hasIdeographs(t) {
		return utf8.RuneCountInString(t) <= 40
	}
	return len(strings.Fields(t)) <= 15
}

// normalize folds text for comparison: lower case, letters and digits only,
// single spaces.
func normalize(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		if r == '\'' || r == '’' {
			continue
		}
		space = true
	}
	return b.String()
}

// trailingPromoRE matches the link to the rest of the story that feeds
// append to a summary.
var trailingPromoRE = regexp.MustCompile(`(?i)\s*(\[?(…|\.\.\.)\]?\s*)?(\(?(continue reading|read more|read the (full|rest of the|whole) (story|article|post)|more…|\(more…\)|keep reading)[^.!?]{0,40}\)?)\s*$`)

// ellipsisRE matches WordPress's "[…]" that closes an excerpt.
var ellipsisRE = regexp.MustCompile(`\s*\[(…|\.\.\.|&hellip;)\]\s*$`)

// trimTrailingPromo removes a "Continue reading" link or "[…]" from the end
// of a paragraph, keeping an ellipsis where the text was cut.
func trimTrailingPromo(t string) string {
	off, end := tail(t)
	if loc := trailingPromoRE.FindStringSubmatchIndex(end); loc != nil && off+loc[0] > 0 {
		cutShort := loc[2] >= 0 // an ellipsis came before the link
		t = strings.TrimSpace(t[:off+loc[0]])
		if cutShort {
			t = withEllipsis(t)
		}
	}
	off, end = tail(t)
	if loc := ellipsisRE.FindStringIndex(end); loc != nil && off+loc[0] > 0 {
		t = withEllipsis(strings.TrimSpace(t[:off+loc[0]]))
	}
	return t
}

// tailSize is how much of the end of a paragraph the patterns that look at
// its end are run over, so that long paragraphs cost no more than short.
const tailSize = 200

// tail returns the last tailSize bytes or so of t, starting on a rune, and
// where they start.
func tail(t string) (int, string) {
	off := len(t) - tailSize
	if off <= 0 {
		return 0, t
	}
	for off < len(t) && !utf8.RuneStart(t[off]) {
		off++
	}
	return off, t[off:]
}

// withEllipsis marks text as cut short, unless it ends a sentence.
func withEllipsis(t string) string {
	last, _ := utf8.DecodeLastRuneInString(t)
	if strings.ContainsRune(".!?…", last) {
		return t
	}
	return t + "…"
}
