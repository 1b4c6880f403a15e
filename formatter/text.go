package formatter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ellipsis marks text that was cut short.
const Ellipsis = "…"

// Clean makes article text safe to place in any post. Invalid UTF-8 becomes
// U+FFFD; runs of breaking white space (newlines and tabs included) become
// one space; control characters, bidirectional embeddings, overrides and
// isolates, and byte-order marks are dropped; the result is trimmed.
// No-break spaces are kept.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case isBreakingSpace(r):
			space = b.Len() > 0
			continue
		case dropped(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isBreakingSpace reports whether r is white space a line may break at.
func isBreakingSpace(r rune) bool {
	switch r {
	case '\u00a0', '\u2007', '\u202f':
		return false
	}
	return unicode.IsSpace(r)
}

// dropped reports whether Clean removes r.
func dropped(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r >= '\u202a' && r <= '\u202e', // embeddings and overrides
		r >= '\u2066' && r <= '\u2069', // isolates
		r == '\ufeff',                  // byte-order mark
		r == '\ufffe', r == '\uffff':   // noncharacters
		return true
	}
	return false
}

// UTF16Len returns the length of s in UTF-16 code units, the unit Telegram
// counts in.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Width(r)
	}
	return n
}

func utf16Width(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

func runeWidth(rune) int { return 1 }

// Truncate shortens s to at most max runes. A cut falls at the end of a
// word: on the last space, or before punctuation that ends the word, when
// that keeps at least half of the room; otherwise between two grapheme
// clusters. Trailing spaces, commas, colons and semicolons are dropped and
// Ellipsis, which counts towards max, is appended.
// Invalid UTF-8 is replaced first, so the result is always valid UTF-8.
func Truncate(s string, max int) string {
	return truncate(s, max, runeWidth)
}

// TruncateUTF16 is Truncate counting UTF-16 code units instead of runes, so
// a character outside the Basic Multilingual Plane counts twice and is
// never cut in half.
func TruncateUTF16(s string, max int) string {
	return truncate(s, max, utf16Width)
}

func truncate(s string, max int, width func(rune) int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if max <= 0 {
		return ""
	}
	total, end, used, lastSpace, spaceUsed := 0, -1, 0, -1, 0
	room := max - 1 // the ellipsis is one unit in runes and in UTF-16
	for i, r := range s {
		w := width(r)
		if end < 0 && used+w > room {
			end = i
		}
		if end < 0 {
			if r == ' ' {
				lastSpace, spaceUsed = i, used
			}
			used += w
		}
		total += w
		if total > max {
			break // end is set: it is at most total-1 units in
		}
	}
	if total <= max {
		return s
	}
	cut := end
	switch {
	case cleanBreak(s[end:]):
		// What does not fit starts a new word or ends this one.
	case lastSpace > 0 && spaceUsed*2 >= room:
		cut = lastSpace
	default:
		cut = graphemeStart(s, end)
	}
	kept := strings.TrimRightFunc(s[:cut], func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == ':'
	})
	return kept + Ellipsis
}

// cleanBreak reports whether text may be cut just before rest: rest starts
// with a space, or with punctuation that ends a word.
func cleanBreak(rest string) bool {
	if rest[0] == ' ' {
		return true
	}
	if strings.IndexByte(",;:.!?", rest[0]) < 0 {
		return false
	}
	return len(rest) == 1 || rest[1] == ' '
}

// graphemeStart moves the byte offset i back until no grapheme cluster
// straddles it: not before a combining mark, variation selector, emoji
// modifier or tag, not after a zero-width joiner, and not inside a pair of
// regional indicators. It approximates the rules of UAX #29.
func graphemeStart(s string, i int) int {
	for i > 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		prev, size := utf8.DecodeLastRuneInString(s[:i])
		switch {
		case extends(r), prev == '\u200d':
			i -= size
			continue
		case isRegionalIndicator(r) && isRegionalIndicator(prev):
			n := 0
			for j := i; j > 0; {
				p, sz := utf8.DecodeLastRuneInString(s[:j])
				if !isRegionalIndicator(p) {
					break
				}
				n++
				j -= sz
			}
			if n%2 == 1 {
				i -= size
			}
		}
		return i
	}
	return i
}

// extends reports whether r continues the grapheme cluster before it.
func extends(r rune) bool {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc),
		r == '\u200d',
		r >= '\ufe00' && r <= '\ufe0f',
		r >= 0x1f3fb && r <= 0x1f3ff,
		r >= 0xe0020 && r <= 0xe007f,
		r >= 0xe0100 && r <= 0xe01ef:
		return true
	}
	return false
}

func isRegionalIndicator(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// fit returns render(cut(plain, n)) for the largest n that keeps it at
// most max units long by length. It exists because escaping lengthens text:
// cutting after escaping could split an escape, cutting before it cannot.
func fit(plain string, max int, cut func(string, int) string, render func(string) string, length func(string) int) string {
	if out := render(cut(plain, max)); length(out) <= max {
		return out
	}
	// Binary search between a cut that fits (nothing) and one that does not.
	best, lo, hi := "", 0, max
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if out := render(cut(plain, mid)); length(out) <= max {
			best, lo = out, mid
		} else {
			hi = mid
		}
	}
	return best
}
