package feed

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// detectOrder lists the encodings detection chooses from. On a tie the
// earlier one wins: windows-1252 first, as the encoding of most undeclared
// legacy feeds, and each script's encoding before the ones that read its
// text as plausible words of another script (Hebrew and Greek read as
// Cyrillic keep their case; Korean read as Chinese looks like Chinese).
var detectOrder = []string{
	"windows-1252", "windows-1255", "windows-1253", "windows-1251", "koi8-r",
	"euc-kr", "gbk", "big5", "shift_jis", "euc-jp",
}

// detectSample bounds how much of a document detection reads.
const detectSample = 256 << 10

// detectCharset guesses the encoding of a document that is not UTF-8 and
// declares nothing usable. It decodes the start of the document with each
// candidate and keeps the one whose text reads most like real text:
// undecodable bytes, control and private-use characters, words that mix
// scripts or change case in the middle, misplaced final letter forms and
// rare ideographs count against a candidate; letters in well-formed words
// and common ideographs count for it.
func detectCharset(data []byte) string {
	sample := data[:min(len(data), detectSample)]
	best, bestScore := detectOrder[0], 0
	for i, name := range detectOrder {
		enc, _ := lookupEncoding(name)
		out, err := enc.NewDecoder().Bytes(sample)
		if err != nil {
			continue
		}
		s := newScorer(name).score(string(out))
		if i == 0 || s > bestScore {
			best, bestScore = name, s
		}
	}
	return best
}

// script is the writing system of a letter, as far as detection cares.
type script int

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
	scriptGreek
	scriptHebrew
	scriptArabic
	scriptHan
	scriptKana
	scriptHangul
)

func scriptOf(r rune) script {
	switch {
	case r < utf8.RuneSelf || unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Hebrew, r):
		return scriptHebrew
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		return scriptKana
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	}
	return scriptOther
}

// scorer weighs text decoded with one candidate encoding.
type scorer struct {
	name string
	// width is how many bytes a non-ASCII character takes in the
	// candidate, so that candidates are weighed per byte of input.
	width int
	// cjk re-encodes an ideograph or syllable to find where it sits in
	// the candidate's character set.
	cjk       *encoding.Encoder
	good, bad int
	upper     int
	lower     int
}

func newScorer(name string) *scorer {
	s := &scorer{name: name, width: 1}
	switch name {
	case "gbk":
		s.cjk = simplifiedchinese.GBK.NewEncoder()
	case "big5":
		s.cjk = traditionalchinese.Big5.NewEncoder()
	case "shift_jis", "euc-jp":
		s.cjk = japanese.ShiftJIS.NewEncoder()
	case "euc-kr":
		s.cjk = korean.EUCKR.NewEncoder()
	}
	if s.cjk != nil {
		s.width = 2
	}
	return s
}

// score returns how plausible the text is; higher is better.
func (s *scorer) score(text string) int {
	word := make([]rune, 0, 32)
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsMark(r) {
			word = append(word, r)
			continue
		}
		if len(word) > 0 {
			s.word(word)
			word = word[:0]
		}
		if r >= utf8.RuneSelf {
			s.symbol(r)
		}
	}
	if len(word) > 0 {
		s.word(word)
	}
	if s.upper > s.lower {
		// Real text is mostly lower case; a wrong Cyrillic code page
		// swaps the cases.
		s.bad += s.upper - s.lower
	}
	return s.good - s.bad
}

// oddSymbols are Latin-1 signs that turn up when text in another script is
// read as Latin-1, and seldom in real text.
const oddSymbols = "¤¦¨¬¯´¸¹¼¾¶"

func (s *scorer) symbol(r rune) {
	switch {
	case r == unicode.ReplacementChar:
		s.bad += 10
	case unicode.IsControl(r), unicode.Is(unicode.Co, r), !unicode.IsPrint(r) && !unicode.IsSpace(r):
		s.bad += 4
	case r >= 0x2500 && r <= 0x259F: // box drawing, KOI8's upper half
		s.bad += 2
	case r >= 0xFF61 && r <= 0xFF9F: // half-width katakana
		s.bad++
	case containsRune(oddSymbols, r):
		s.bad++
	case unicode.IsPunct(r), r >= 0x2000 && r <= 0x206F, r >= 0x3000 && r <= 0x303F, r >= 0xFF01 && r <= 0xFF5E,
		r == '€', r == '©', r == '®', r == '°', r == '™', r == '№', r == 0xA0:
		s.good += s.widthOf(r)
	}
}

// widthOf returns how many bytes of input a decoded character stands for.
func (s *scorer) widthOf(r rune) int {
	if s.name == "gbk" && r == '€' {
		return 1 // GBK's single-byte euro sign
	}
	return s.width
}

func containsRune(set string, r rune) bool {
	for _, c := range set {
		if c == r {
			return true
		}
	}
	return false
}

// word weighs a run of letters and marks.
func (s *scorer) word(w []rune) {
	nonASCII, scripts, cjk := 0, 0, false
	var seen [scriptHangul + 1]bool
	for _, r := range w {
		if r >= utf8.RuneSelf {
			nonASCII++
		}
		sc := scriptOf(r)
		if sc >= scriptHan {
			cjk = true
		}
		if unicode.IsLetter(r) && !seen[sc] {
			seen[sc] = true
			scripts++
		}
	}
	if nonASCII == 0 {
		return
	}
	if cjk {
		for _, r := range w {
			if r >= utf8.RuneSelf {
				s.ideograph(r)
			}
		}
		return
	}
	if unicode.IsMark(w[0]) {
		s.bad += 2
	}
	if scripts > 1 {
		s.bad += 2 * nonASCII
		return
	}
	anomalies := 0
	run := 0
	for i, r := range w {
		if r >= utf8.RuneSelf {
			run++
			if unicode.IsUpper(r) {
				s.upper++
			} else if unicode.IsLower(r) {
				s.lower++
			}
		} else {
			run = 0
		}
		if i > 0 && unicode.IsLower(w[i-1]) && unicode.IsUpper(r) && (r >= utf8.RuneSelf || w[i-1] >= utf8.RuneSelf) {
			anomalies++
		}
		if seen[scriptLatin] && run >= 3 {
			// Latin text has its accented letters among plain ones.
			anomalies++
			if run == 3 {
				anomalies += 2
			}
		}
		last := i == len(w)-1
		switch {
		case len(w) < 2:
		case r == 'ς' && !last, r == 'σ' && last:
			anomalies++
		case containsRune("ךםןףץ", r) && !last, containsRune("כמנפצ", r) && last:
			anomalies++
		}
	}
	s.bad += 2 * anomalies
	s.good += nonASCII
}

// ideograph weighs a CJK character by where it sits in the candidate's
// character set: the common plane of each set counts for it, the rarely
// used extensions against it.
func (s *scorer) ideograph(r rune) {
	sc := scriptOf(r)
	if r >= 0xFF61 && r <= 0xFF9F {
		s.bad++
		return
	}
	if s.cjk == nil {
		s.bad += 2
		return
	}
	b, err := s.cjk.Bytes([]byte(string(r)))
	if err != nil || len(b) != 2 {
		s.bad++
		return
	}
	lead, trail := b[0], b[1]
	switch s.name {
	case "gbk":
		switch {
		case sc == scriptKana:
		case sc == scriptHan && lead >= 0xB0 && lead <= 0xF7 && trail >= 0xA1:
			s.good += 2
		default:
			s.bad++
		}
	case "big5":
		switch {
		case sc == scriptHan && lead >= 0xA4 && lead <= 0xC6:
			s.good += 2
		case sc == scriptHan && lead >= 0xC9 && lead <= 0xF9:
		default:
			s.bad++
		}
	case "shift_jis", "euc-jp":
		switch {
		case sc == scriptKana:
			s.good += 2
		case sc == scriptHan && lead >= 0x88 && lead <= 0x98:
			s.good += 2
		case sc == scriptHan && lead >= 0x99 && lead <= 0xEA:
		default:
			s.bad++
		}
	case "euc-kr":
		switch {
		case sc == scriptHangul && lead >= 0xB0 && lead <= 0xC8 && trail >= 0xA1:
			s.good += 2
		case sc == scriptHan && lead >= 0xCA && lead <= 0xFD:
		case sc == scriptKana:
		default:
			s.bad++
		}
	}
}
