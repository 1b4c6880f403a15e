package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// validAgency reports whether s, found in parentheses, can name a news
// agency: one to three short capitalised words ("AP", "Reuters", "TDI",
// "HealthDay News") or a known agency written in lower case ("dpa").
func validAgency(s string) bool {
	if isAgencyName(s) {
		return true
	}
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 3 || utf8.RuneCountInString(s) > 30 || letters(s) < 2 {
		return false
	}
	for _, w := range words {
		for i, r := range w {
			switch {
			case unicode.IsLetter(r), unicode.IsDigit(r) && i > 0:
			case i > 0 && strings.ContainsRune(".&-'’", r):
			default:
				return false
			}
		}
		if wordCase(w) == caseLower || isCalendarWord(w) {
			return false
		}
	}
	return true
}

// isAgencyName reports whether s names a news agency or wire service that
// files datelines, or looks like a news site's domain ("SPACE.com").
func isAgencyName(s string) bool {
	s = strings.TrimSpace(s)
	if agencies[strings.ToLower(s)] {
		return true
	}
	dot := strings.LastIndexByte(s, '.')
	if dot <= 0 || strings.ContainsAny(s, " \t") {
		return false
	}
	switch strings.ToLower(s[dot+1:]) {
	case "com", "net", "org", "co.uk", "news", "io", "tv":
		return placeWord(s[:dot]) && letters(s[:dot]) >= 2
	}
	return false
}

// agencies are the news agencies and wire services commonly named in
// datelines, in lower case.
var agencies = map[string]bool{
	"ap": true, "associated press": true, "the associated press": true,
	"reuters": true, "afp": true, "agence france-presse": true,
	"agence france presse": true, "upi": true, "united press international": true,
	"pti": true, "ians": true, "ani": true, "uni": true, "xinhua": true,
	"dpa": true, "efe": true, "ansa": true, "kyodo": true, "kyodo news": true,
	"yonhap": true, "tass": true, "itar-tass": true, "ria novosti": true,
	"interfax": true, "bernama": true, "antara": true, "cp": true,
	"canadian press": true, "the canadian press": true, "pa": true,
	"press association": true, "pa media": true, "aap": true, "bloomberg": true,
	"healthday": true, "healthday news": true, "reuters health": true,
	"cna": true, "wafa": true, "irna": true, "mena": true, "anadolu": true,
	"anadolu agency": true, "bss": true, "kuna": true, "qna": true,
	"nna": true, "ips": true, "efe news": true, "belga": true, "tanjug": true,
}

// isCalendarWord reports whether w names a month or a day of the week.
func isCalendarWord(w string) bool {
	w = strings.ToLower(strings.TrimRight(w, ".,"))
	if _, ok := months[w]; ok {
		return true
	}
	return weekdays[w]
}

var weekdays = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true, "mon": true,
	"tue": true, "tues": true, "wed": true, "thu": true, "thur": true,
	"thurs": true, "fri": true, "sat": true, "sun": true,
}

// isStopWord reports whether w, the first word of a would-be place, marks
// the text as a label or an ordinary sentence instead. Labels ("BREAKING:",
// "UPDATE -") are rejected whatever their case; sentence openers only when
// not written in capitals, as datelines are.
func isStopWord(w string, pc placeCase) bool {
	k := strings.ToLower(strings.TrimRight(w, ".'’"))
	if labelWords[k] || isCalendarWord(k) {
		return true
	}
	return pc != caseUpper && sentenceWords[k]
}

// labelWords open headlines and labels, not datelines.
var labelWords = map[string]bool{
	"breaking": true, "update": true, "updated": true, "updates": true,
	"exclusive": true, "watch": true, "live": true, "opinion": true,
	"analysis": true, "explainer": true, "factbox": true, "corrected": true,
	"correction": true, "clarification": true, "note": true, "warning": true,
	"alert": true, "urgent": true, "flash": true, "photos": true,
	"photo": true, "video": true, "videos": true, "review": true,
	"editorial": true, "comment": true, "interview": true, "poll": true,
	"quiz": true, "sponsored": true, "advertisement": true, "podcast": true,
	"listen": true, "read": true, "related": true, "summary": true,
	"background": true, "context": true, "source": true, "sources": true,
	"credit": true, "image": true, "images": true, "caption": true,
	"editor": true, "editors": true, "q": true, "tl": true,
	"tldr": true, "bottom": true, "why": true, "what": true,
	"how": true, "who": true, "when": true, "where": true, "today": true,
	"yesterday": true, "tomorrow": true, "tonight": true, "now": true,
	"also": true, "plus": true, "see": true, "more": true, "lede": true,
	"preview": true, "recap": true, "transcript": true, "newsletter": true,
	"by": true,
}

// sentenceWords open sentences; in Title Case they are not places.
var sentenceWords = map[string]bool{
	"the": true, "a": true, "an": true, "he": true, "she": true, "it": true,
	"they": true, "we": true, "i": true, "you": true, "this": true,
	"that": true, "these": true, "those": true, "in": true, "on": true,
	"at": true, "but": true, "and": true, "or": true, "so": true,
	"yet": true, "still": true, "then": true, "first": true, "here": true,
	"there": true, "if": true, "as": true, "for": true, "with": true,
	"after": true, "before": true, "while": true, "meanwhile": true,
	"however": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	"sir": true, "officials": true, "police": true, "experts": true,
	"critics": true, "reporting": true, "editing": true, "writing": true,
	"says": true, "said": true, "his": true, "her": true, "its": true,
	"their": true, "our": true, "my": true, "one": true, "some": true,
	"many": true, "most": true, "all": true, "no": true, "yes": true,
	"not": true, "thanks": true, "please": true, "overall": true,
	"finally": true, "instead": true, "indeed": true,
}
