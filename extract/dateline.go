package extract

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// maxDatelineHead bounds how far into a lead SplitDateline looks for the
// separator that ends a dateline.
const maxDatelineHead = 120

// SplitDateline splits a leading dateline off a lead paragraph:
//
//	LONDON, April 8 (Reuters) - Shares rose ...
//	Beijing, 8 April 2024 (TDI): Russia's foreign minister ...
//	SEOUL, South Korea — North Korea said ...
//	AP - The storm ...
//
// It returns the dateline and the text after it and its separator (" - ",
// " -- ", " — ", " – " or ": "). published supplies the year when the
// dateline names a day without one; it may be zero, and then such a date is
// left empty. When text does not open with a dateline, SplitDateline returns
// a zero Dateline and text unchanged.
func SplitDateline(text string, published time.Time) (herald.Dateline, string) {
	d, rest, ok := splitDateline(text, published, true)
	if !ok {
		return herald.Dateline{}, text
	}
	return d, rest
}

// splitDateline does the work of SplitDateline. chain allows an agency
// prefix to be followed by a second dateline ("Canadian Press - VANCOUVER
// (CP) - ...").
func splitDateline(text string, published time.Time, chain bool) (herald.Dateline, string, bool) {
	start := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	s := text[start:]
	sep, ok := findSeparator(s)
	if !ok {
		return herald.Dateline{}, "", false
	}
	rest := strings.TrimLeftFunc(s[sep.end:], unicode.IsSpace)
	if rest == "" {
		return herald.Dateline{}, "", false
	}
	h, ok := parseHead(s[:sep.start], published)
	if !ok || !h.accept(sep, rest) {
		return herald.Dateline{}, "", false
	}
	d := herald.Dateline{
		Text:   clean(s[h.offset:sep.start]),
		Place:  h.place,
		Date:   h.date,
		Agency: h.agency,
	}
	if chain && h.kind == headAgency {
		if inner, innerRest, ok := splitDateline(rest, published, false); ok && inner.Place != "" {
			d.Text = clean(s[h.offset : len(s)-len(innerRest)])
			d.Text = strings.TrimRightFunc(strings.TrimRight(d.Text, "-—–:"), unicode.IsSpace)
			d.Place, d.Date = inner.Place, inner.Date
			if inner.Agency != "" {
				d.Agency = inner.Agency
			}
			return d, innerRest, true
		}
	}
	return d, rest, true
}

// separator is the position of the punctuation that ends a dateline.
type separator struct {
	start, end int
	// strong separators (an em dash, a double hyphen, a colon) end
	// datelines but seldom the first words of a sentence.
	strong bool
	colon  bool
}

// findSeparator finds the first dateline separator in s, if it comes soon
// enough to end a dateline.
func findSeparator(s string) (separator, bool) {
	for i, r := range s {
		if i > maxDatelineHead {
			break
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		switch r {
		case '—', '―':
			end := i + utf8.RuneLen(r)
			if i > 0 {
				return separator{start: i, end: end, strong: true}, true
			}
		case '–':
			end := i + utf8.RuneLen(r)
			next, _ := utf8.DecodeRuneInString(s[end:])
			if i > 0 && (unicode.IsSpace(prev) || unicode.IsSpace(next)) {
				return separator{start: i, end: end}, true
			}
		case '-':
			n := len(s[i:]) - len(strings.TrimLeft(s[i:], "-"))
			end := i + n
			next, _ := utf8.DecodeRuneInString(s[end:])
			if i == 0 || n > 3 || !unicode.IsSpace(next) {
				continue
			}
			if unicode.IsSpace(prev) || unicode.IsDigit(prev) || prev == ')' || n >= 2 {
				return separator{start: i, end: end, strong: n >= 2}, true
			}
		case ':':
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if i > 0 && unicode.IsSpace(next) && !unicode.IsSpace(prev) {
				return separator{start: i, end: i + 1, strong: true, colon: true}, true
			}
		}
	}
	return separator{}, false
}

// headKind says what a dateline is made of.
type headKind int

const (
	headPlace  headKind = iota // a place, maybe with a region, date and agency
	headDate                   // a date alone: "Feb. 23, 2015 --"
	headAgency                 // an agency alone: "AP -", "(Reuters) -"
)

// head is a parsed dateline: everything before its separator.
type head struct {
	kind   headKind
	offset int // where the dateline starts, after any byline
	place  string
	date   string
	agency string

	placeCase   placeCase
	hasDay      bool // the dateline names a day of the month
	hasRegion   bool
	knownAgency bool
	byline      bool
}

// accept decides whether a well-formed head is a dateline rather than the
// opening words of a sentence, judging by how strong its signals are.
func (h head) accept(sep separator, rest string) bool {
	first, _ := utf8.DecodeRuneInString(rest)
	lowerRest := unicode.IsLower(first)
	switch h.kind {
	case headAgency:
		return h.knownAgency || h.byline
	case headDate:
		return h.hasDay
	}
	switch {
	case h.hasDay:
		return true
	case h.placeCase == caseLower:
		return false
	case h.knownAgency:
		return true
	case lowerRest:
		return false
	case h.placeCase == caseUpper:
		return true
	case h.hasRegion:
		return true
	}
	// A place in Title Case with at most an unknown agency: only a strong
	// separator makes it a dateline ("Beijing (TDI): ..."). Without an
	// agency, a colon or a single word is more often a speaker or a label
	// ("Elena: ...", "Fact Check: ...", "Aliases — ...") than a place, so
	// it takes an em dash and a name of two words or more ("Gaza City —").
	if h.agency == "" && (sep.colon || !strings.Contains(h.place, " ")) {
		return false
	}
	return sep.strong
}

// parseHead parses the text before a dateline separator.
func parseHead(s string, published time.Time) (head, bool) {
	var h head
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	if off, ok := skipByline(s); ok {
		h.offset, h.byline = off, true
	}
	body := s[h.offset:]
	if isAgencyName(body) {
		h.kind, h.agency, h.knownAgency = headAgency, clean(body), true
		return h, true
	}
	if strings.HasSuffix(body, ")") {
		i := strings.LastIndexByte(body, '(')
		if i < 0 {
			return h, false
		}
		agency := clean(body[i+1 : len(body)-1])
		if !validAgency(agency) {
			return h, false
		}
		h.agency, h.knownAgency = agency, isAgencyName(agency)
		body = strings.TrimRightFunc(body[:i], unicode.IsSpace)
		if body == "" {
			h.kind = headAgency
			return h, true
		}
	}
	if h.byline {
		// A byline is followed by a place the wire service names
		// ("By JANE DOE  SAN JOSE, Calif. (AP)"): the agency is required.
		if h.agency == "" {
			return h, false
		}
	}
	placePart := body
	for i := 0; i < len(body); i++ {
		if i > 0 && body[i-1] != ' ' && body[i-1] != ',' {
			continue
		}
		d, ok := parseDate(strings.TrimLeft(body[i:], " ,"))
		if !ok {
			continue
		}
		placePart = strings.TrimRight(body[:i], " ,")
		if d.day > 0 {
			h.hasDay = true
			h.date = d.iso(published)
		}
		break
	}
	if placePart == "" {
		if !h.hasDay {
			return h, false
		}
		h.kind = headDate
		return h, true
	}
	place, pc, hasRegion, ok := parsePlace(placePart)
	if !ok {
		return h, false
	}
	h.kind, h.place, h.placeCase, h.hasRegion = headPlace, place, pc, hasRegion
	return h, true
}

// skipByline returns the offset just past a wire byline written in capitals
// ahead of a dateline: "By JANE DOE    NEW YORK (AP)", where a run of spaces
// marks the line break after the name, or "By JOHN ROE (AP)". When the
// whitespace has been collapsed ("By JANE DOE NEW YORK (AP)") the name is
// taken to be two words, or three with a middle initial.
func skipByline(s string) (int, bool) {
	if len(s) < 4 || !strings.EqualFold(s[:3], "by ") {
		return 0, false
	}
	rest := s[3:]
	end, collapsed := strings.Index(rest, "  "), false
	if p := strings.IndexByte(rest, '('); p >= 0 && (end < 0 || p < end) {
		end, collapsed = p, true
	}
	if end <= 0 {
		return 0, false
	}
	words := strings.Fields(rest[:end])
	if len(words) == 0 || len(words) > 8 || (!collapsed && len(words) > 4) {
		return 0, false
	}
	for i, w := range words {
		// The name is in capitals; the place after it may carry a region
		// in Title Case.
		if c := wordCase(w); c == caseLower || (c == caseTitle && (!collapsed || i < 2)) {
			return 0, false
		}
	}
	off := 3 + end
	if collapsed {
		name := 2
		if len(words) > 2 && len(words[1]) == 2 && words[1][1] == '.' {
			name = 3
		}
		if len(words) > name {
			off = 3 + fieldStart(rest, name)
		}
	}
	return off + len(s[off:]) - len(strings.TrimLeftFunc(s[off:], unicode.IsSpace)), true
}

// fieldStart returns the offset in s of its n-th whitespace-separated word,
// counting from zero.
func fieldStart(s string, n int) int {
	inWord := false
	for i, r := range s {
		if unicode.IsSpace(r) {
			inWord = false
			continue
		}
		if !inWord {
			if n == 0 {
				return i
			}
			n--
			inWord = true
		}
	}
	return len(s)
}
