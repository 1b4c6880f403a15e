package route

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pattern is a regular expression with the literals one of which every
// match holds, so that most texts are ruled out without running it.
type pattern struct {
	re *regexp.Regexp
	// needs is nil when nothing is known.
	needs []need
}

// need is a literal a match holds; a folded one is compared in fold
// form, case-insensitively as the regular expression compares it.
type need struct {
	lit  string
	fold bool
}

// maxNeeds caps the literals checked before a regular expression runs.
const maxNeeds = 16

func newPattern(re *regexp.Regexp) pattern {
	p := pattern{re: re}
	if parsed, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		p.needs = required(parsed)
	}
	return p
}

// match reports whether the pattern matches text, whose fold form
// folded returns.
func (p pattern) match(text string, folded func() string) bool {
	if p.needs != nil && !p.possible(text, folded) {
		return false
	}
	return p.re.MatchString(text)
}

func (p pattern) possible(text string, folded func() string) bool {
	for _, n := range p.needs {
		if n.fold {
			if strings.Contains(folded(), n.lit) {
				return true
			}
		} else if strings.Contains(text, n.lit) {
			return true
		}
	}
	return false
}

// required returns literals one of which every match of re holds, or nil
// when it cannot tell.
func required(re *syntax.Regexp) []need {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if strings.ContainsRune(s, utf8.RuneError) {
			// The replacement character matches invalid bytes too.
			return nil
		}
		if re.Flags&syntax.FoldCase != 0 {
			return []need{{lit: fold(s), fold: true}}
		}
		return []need{{lit: s}}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		// Any part's literals will do: take the part whose shortest
		// literal is longest.
		var best []need
		bestLen := 0
		for _, sub := range re.Sub {
			if n := required(sub); n != nil && shortest(n) > bestLen {
				best, bestLen = n, shortest(n)
			}
		}
		return best
	case syntax.OpAlternate:
		var all []need
		for _, sub := range re.Sub {
			n := required(sub)
			if n == nil || len(all)+len(n) > maxNeeds {
				return nil
			}
			all = append(all, n...)
		}
		return all
	}
	return nil
}

func shortest(needs []need) int {
	m := len(needs[0].lit)
	for _, n := range needs[1:] {
		m = min(m, len(n.lit))
	}
	return m
}

// fold maps each character of s to the least of the characters that
// match it case-insensitively (unicode.SimpleFold's orbit), so that two
// texts that match case-insensitively have equal fold forms.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}
