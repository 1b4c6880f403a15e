package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Topics normalises categories and sections into topics: each is cleaned
// as by Text, paths such as "World/Asia" or "World > Asia" are split into
// their parts, the placeholders "Home" and "Uncategorized" are dropped,
// topics written all in lower or all in upper case are title-cased ("world"
// becomes "World"; upper-case words of up to two letters and well-known
// longer ones are kept as acronyms, and a topic that is one well-known
// acronym written in lower case is upper-cased: "uk" becomes "UK"), and duplicates are removed case-insensitively, keeping the
// first spelling. Order is kept. It returns nil when no topic remains.
func Topics(categories ...string) []string {
	var topics []string
	seen := map[string]bool{}
	for _, c := range categories {
		for _, t := range splitTopic(Text(c)) {
			t = strings.TrimSpace(strings.Trim(t, ",;:#"))
			if t == "" || placeholderTopics[strings.ToLower(t)] {
				continue
			}
			t = titleCase(t)
			key := strings.ToLower(t)
			if seen[key] {
				continue
			}
			seen[key] = true
			topics = append(topics, t)
		}
	}
	return topics
}

// placeholderTopics name no topic.
var placeholderTopics = map[string]bool{
	"home": true, "uncategorized": true, "uncategorised": true,
	"none": true, "null": true, "n/a": true,
}

// splitTopic splits a category path at ">", "»", "›" and "/", except for a
// slash between digits ("24/7").
func splitTopic(s string) []string {
	var parts []string
	start := 0
	for i, r := range s {
		switch r {
		case '>', '»', '›':
		case '/':
			prev, _ := utf8.DecodeLastRuneInString(s[:i])
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if unicode.IsDigit(prev) && unicode.IsDigit(next) {
				continue
			}
		default:
			continue
		}
		parts = append(parts, s[start:i])
		start = i + utf8.RuneLen(r)
	}
	return append(parts, s[start:])
}

// smallWords stay in lower case inside a title-cased topic.
var smallWords = map[string]bool{
	"a": true, "an": true, "and": true, "the": true, "of": true, "in": true,
	"on": true, "for": true, "to": true, "at": true, "by": true, "or": true,
	"vs": true, "with": true, "from": true,
}

// titleCase title-cases a topic written all in lower or all in upper case
// and returns any other topic unchanged.
func titleCase(t string) string {
	hasUpper, hasLower := false, false
	for _, r := range t {
		hasUpper = hasUpper || unicode.IsUpper(r)
		hasLower = hasLower || unicode.IsLower(r)
	}
	if hasUpper == hasLower {
		return t
	}
	words := strings.Fields(t)
	for i, w := range words {
		switch {
		case hasUpper && isAcronym(w):
			// "US", "AI", "NBA" stay as they are.
		case len(words) == 1 && acronyms[strings.ToUpper(w)]:
			// A topic that is one well-known acronym: "uk" is "UK".
			words[i] = strings.ToUpper(w)
		case i > 0 && smallWords[strings.ToLower(w)]:
			words[i] = strings.ToLower(w)
		default:
			words[i] = capitalize(strings.ToLower(w))
		}
	}
	return strings.Join(words, " ")
}

// acronyms are upper-case words of three letters or more that a topic
// written in capitals keeps.
var acronyms = map[string]bool{
	"BBC": true, "CNN": true, "NBA": true, "NFL": true, "NHL": true, "MLB": true,
	"FBI": true, "CIA": true, "USA": true, "NYC": true, "EPA": true, "IMF": true,
	"GDP": true, "CEO": true, "FDA": true, "CDC": true, "IPO": true, "ESG": true,
	"UFC": true, "WWE": true, "NRA": true, "SEC": true, "NSA": true, "ICC": true,
	"IPL": true, "ATP": true, "WTA": true, "PGA": true, "NASA": true, "NATO": true,
	"FIFA": true, "UEFA": true, "OPEC": true, "LGBT": true, "LGBTQ": true,
	"ASEAN": true, "BRICS": true, "SCO": true, "WHO": true, "WTO": true,
	"EV": true, "EVS": true, "AI": true, "UK": true, "US": true, "EU": true,
	"UN": true, "TV": true, "F1": true, "G7": true, "G20": true, "COP": true,
}

// isAcronym reports whether a word written in capitals is an acronym:
// two letters or fewer ("US", "AI") or a well-known longer one ("NBA").
func isAcronym(w string) bool {
	w = strings.Trim(w, ".,&")
	if acronyms[w] {
		return true
	}
	return letters(w) <= 2 && letters(w) > 0 && letters(w) == utf8.RuneCountInString(strings.ReplaceAll(w, ".", "")) && !smallWords[strings.ToLower(w)]
}

// capitalize upper-cases the first letter of w and of each part after a
// hyphen or slash.
func capitalize(w string) string {
	var b strings.Builder
	up := true
	for _, r := range w {
		if up && unicode.IsLetter(r) {
			r = unicode.ToTitle(r)
			up = false
		} else if r == '-' || r == '/' {
			up = true
		} else if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' {
			up = true
		} else {
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
