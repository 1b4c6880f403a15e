package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// placeCase is how the words of a place are written.
type placeCase int

const (
	caseUpper placeCase = iota // "LOS ANGELES", "ST. PETERSBURG"
	caseTitle                  // "Beijing", "Rio de Janeiro"
	caseLower                  // "sioux falls"
)

// parsePlace checks that s names a place: a short run of capitalised words
// ("LOS ANGELES", "Beijing", "ST. PETERSBURG"), optionally followed by one
// or two regions ("ATHENS, Greece", "PORTLAND, Ore."). It returns the place
// as printed, with whitespace collapsed.
func parsePlace(s string) (place string, pc placeCase, hasRegion, ok bool) {
	parts := strings.Split(s, ",")
	if len(parts) > 3 {
		return "", 0, false, false
	}
	city := strings.Fields(parts[0])
	if len(city) == 0 || len(city) > 5 || utf8.RuneCountInString(parts[0]) > 40 {
		return "", 0, false, false
	}
	pc, ok = wordsCase(city)
	if !ok || isStopWord(city[0], pc) || letters(parts[0]) < 2 {
		return "", 0, false, false
	}
	names := []string{strings.Join(city, " ")}
	for _, p := range parts[1:] {
		region := strings.Fields(p)
		if len(region) == 0 || len(region) > 3 || utf8.RuneCountInString(p) > 30 {
			return "", 0, false, false
		}
		rc, ok := wordsCase(region)
		if !ok || (rc == caseLower) != (pc == caseLower) || isStopWord(region[0], rc) {
			return "", 0, false, false
		}
		names = append(names, strings.Join(region, " "))
	}
	return strings.Join(names, ", "), pc, len(names) > 1, true
}

// wordsCase returns how the words of a place name are written, or false
// when they cannot be one. Small connecting words ("de", "of") may appear
// in lower case between the others.
func wordsCase(words []string) (placeCase, bool) {
	upper, title, lower := 0, 0, 0
	for i, w := range words {
		if !placeWord(w) {
			return 0, false
		}
		if i > 0 && i < len(words)-1 && placeParticles[w] {
			continue
		}
		switch wordCase(w) {
		case caseUpper:
			upper++
		case caseTitle:
			title++
		default:
			lower++
		}
	}
	switch {
	case lower > 0 && (upper > 0 || title > 0):
		return 0, false
	case lower > 0:
		return caseLower, true
	case title > 0:
		return caseTitle, true
	case upper > 0:
		return caseUpper, true
	}
	return 0, false
}

// placeWord reports whether w is made of the characters a place name
// uses: letters, and dots, hyphens and apostrophes between or after them.
func placeWord(w string) bool {
	for i, r := range w {
		switch {
		case unicode.IsLetter(r):
		case i > 0 && (r == '.' || r == '-' || r == '\'' || r == '’'):
		default:
			return false
		}
	}
	return true
}

// wordCase classifies one word by its letters: all capitals, a capital
// first, or lower case first.
func wordCase(w string) placeCase {
	first := true
	allUpper := true
	firstUpper := false
	n := 0
	for _, r := range w {
		if !unicode.IsLetter(r) {
			continue
		}
		n++
		if first {
			firstUpper = unicode.IsUpper(r) || unicode.IsTitle(r)
			first = false
		}
		if !unicode.IsUpper(r) {
			allUpper = false
		}
	}
	switch {
	case n > 0 && allUpper:
		return caseUpper
	case firstUpper:
		return caseTitle
	}
	return caseLower
}

// letters counts the letters in s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// placeParticles are lower-case words that join the parts of a place name.
var placeParticles = map[string]bool{
	"de": true, "del": true, "della": true, "di": true, "da": true,
	"do": true, "dos": true, "das": true, "du": true, "des": true,
	"la": true, "le": true, "les": true, "los": true, "las": true,
	"el": true, "al": true, "of": true, "on": true, "upon": true,
	"am": true, "an": true, "der": true, "den": true, "sur": true,
	"en": true, "y": true, "op": true, "aan": true, "im": true,
}
