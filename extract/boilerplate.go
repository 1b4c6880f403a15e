package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isBoilerplate reports whether a paragraph is something other than the
// story: a promo or newsletter line, a photo credit or caption, a bare
// timestamp, a byline, a breadcrumb, or the headline again. headline is
// normalized.
func isBoilerplate(t, headline string) bool {
	return isPromo(t) || isCredit(t) || isTimestamp(t) || isByline(t) ||
		isBreadcrumb(t) || isHeadline(t, headline)
}

// promoRE matches lines that point elsewhere, whatever their length.
var promoRE = regexp.MustCompile(`(?i)^(also read|read also|read more|read next|read the (full|rest|whole)|more reading|see also|related\s*(:|stories|articles|coverage|content|news|posts|reading|links|topics|video|$)|click here|tap here|sign up\b|follow us\b|subscribe\b|the post .+ appeared first on|this (article|story|post|piece) (was |has been )?(originally |first )?(appeared|published|posted)|(an earlier version of )?this (article|story) (originally )?appeared|continue reading|keep reading|story continues|skip (advertisement|ad)|advertisement\b|©|copyright\s*(©|\(c\)|\d{4})|all rights reserved|(additional )?reporting by|editing by|writing by|compiled by|(get|download) (the|our) .{0,20}app|join (us|our) |listen to (this|the) (article|story)|share (this|on|via|the|full)\b|(you|we) (may|might) also like|don't miss|do not miss|must read|watch:|watch the video|(most|more) (popular|read|viewed|shared)|editor'?s picks?|(for|to) (the )?latest (news|updates)|(log|sign) ?in( to\b| or\b|\s*$|\s*[:|/])|ログイン|新規登録|会員登録|登录|登入|注册|註冊|로그인)`)

// shortPromoRE matches labels that are boilerplate only when they stand
// alone.
var shortPromoRE = regexp.MustCompile(`(?i)^(trending|top stories|latest( news| stories)?|recommended|comments?|newsletters?|sponsored|loading|listen|watch|videos?|photos?|gallery|menu|search|home|ad|print|e-?mail|tweet|whatsapp|facebook|twitter|linkedin|share|more|next|previous|back to top|related|follow|(\d+ )?min(ute)?s? read|toggle caption|hide caption|caption|enlarge this image|image \d+ of \d+|\d+ of \d+|close|open|log ?in|sign ?in|register)\b`)

// followOnRE matches "Follow Jane on X and Instagram".
var followOnRE = regexp.MustCompile(`(?i)^follow\b.{0,60}\bon (twitter|x|facebook|instagram|linkedin|threads|bluesky|telegram|whatsapp|youtube|tiktok|google news|mastodon)\b`)

// noticeRE matches the notices a page shows in place of something it
// cannot play or show.
var noticeRE = regexp.MustCompile(`(?i)^(unfortunately,?\s+|sorry,?\s+|we('re| are) sorry,?\s+)?(this|the) (video|content|media|player|embed) (is|was|has been) (not|no longer|un)\s?available|your browser does not support|(please )?(enable|turn on) javascript|javascript is (disabled|required|not enabled)`)

// isPromo reports whether t is a promo, navigation or footer line, an
// editor's note in brackets, or a notice about missing media.
func isPromo(t string) bool {
	if promoRE.MatchString(t) || followOnRE.MatchString(t) || noticeRE.MatchString(t) {
		return true
	}
	if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") && !strings.Contains(t[1:len(t)-1], "]") {
		return true
	}
	return utf8.RuneCountInString(t) <= 60 && shortPromoRE.MatchString(t) && isTitleLike(strings.TrimRight(t, ".:»›>"))
}

var (
	// creditStartRE matches a credit or caption label at the start.
	creditStartRE = regexp.MustCompile(`(?i)^[(\[]?\s*(photo|photograph|image|picture|pic|illustration|graphic|video|file photo|photo illustration|credit|credits|caption|courtesy|source)s?( credit)?\s*(:|by\b|courtesy\b|©|/|\|)`)
	// creditEndRE matches a credit closing a caption: "... (Photo:
	// Reuters)", "... | Image: Jane Doe", "... AP Photo/John Roe".
	creditEndRE = regexp.MustCompile(`(?i)(?:[(\[|]|[.!?”"]\s)\s*(?:(?:ap|afp|reuters|epa)\s+)?(?:photo|photograph|image|picture|pic|credit|file photo)s?(?: credit)?\s*(?::|by\b|courtesy\b|©|/)[^()]{0,60}[)\]]?\s*$`)
	// agencySlashRE matches a credit like "REUTERS/Jane Doe" or "/AFP via
	// Getty Images" closing a caption.
	agencySlashRE = regexp.MustCompile(`(?:\b(?:REUTERS|AFP|AP|EPA|XINHUA|Reuters)\s*/\s*\p{Lu}[\p{L}.'-]*(?:\s+\p{Lu}[\p{L}.'-]*){0,3}|/\s*(?:AFP|AP|EPA|Getty Images|Reuters|Shutterstock|Bloomberg|Alamy|iStock|NurPhoto|Anadolu|Xinhua|Pool|SOPA Images|LightRocket|Sipa|ZUMA)(?:\s+via\s+Getty Images)?)[)\]]?\.?\s*$`)
	// creditWordRE matches the words a picture credit is made of.
	creditWordRE = regexp.MustCompile(`(?i)\b(getty|afp|reuters|ap|epa|efe|shutterstock|images?|photos?|pool|alamy|istock|bloomberg|nurphoto|anadolu|xinhua|sipa|zuma|pa|wire|press|staff|handout|file)\b`)
)

// isCredit reports whether t is a picture credit or a caption: "JIM
// WATSON/AFP/Getty Images", "(Photo: Reuters)", "Photo by Jane Doe",
// "Image: ...", "Credit: ...", or a sentence ending in such a credit.
func isCredit(t string) bool {
	_, end := tail(t)
	if creditStartRE.MatchString(t) || creditEndRE.MatchString(end) || agencySlashRE.MatchString(end) {
		return true
	}
	// A short run of names joined by slashes, with no sentence in it.
	if strings.Contains(t, "/") && len(strings.Fields(t)) <= 12 && !strings.ContainsAny(t, ".!?") &&
		!strings.Contains(t, "://") && creditWordRE.MatchString(t) {
		return true
	}
	return false
}

// isTimestamp reports whether t is nothing but a date or a time, perhaps
// labelled: "1:39 PM ET", "Updated 10:32 a.m.", "April 8, 2024".
func isTimestamp(t string) bool {
	if utf8.RuneCountInString(t) > 80 {
		return false
	}
	numbers := 0
	for _, w := range strings.FieldsFunc(t, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",|•·()[]", r)
	}) {
		lw := strings.ToLower(strings.Trim(w, ".:-–—"))
		switch {
		case lw == "":
		case timeRE.MatchString(lw):
			numbers++
		case timeWords[lw], isCalendarWord(lw), tzRE.MatchString(w):
		default:
			if _, ok := parseMonth(lw); ok && len(lw) >= 3 {
				continue
			}
			return false
		}
	}
	return numbers > 0
}

var (
	timeRE = regexp.MustCompile(`^\d{1,4}([:./-]\d{1,4}){0,2}(st|nd|rd|th|am|pm|a\.m|p\.m|h|hrs|z)?$`)
	tzRE   = regexp.MustCompile(`^\(?[A-Z]{1,4}T\)?[.,]?$|^(UTC|GMT)([+-]\d{1,2}(:?\d{2})?)?$`)
)

// timeWords may label a timestamp.
var timeWords = map[string]bool{
	"updated": true, "update": true, "published": true, "posted": true,
	"last": true, "first": true, "modified": true, "on": true, "at": true,
	"am": true, "pm": true, "a.m": true, "p.m": true, "ago": true,
	"min": true, "mins": true, "minute": true, "minutes": true, "hour": true,
	"hours": true, "hr": true, "hrs": true, "day": true, "days": true,
	"week": true, "weeks": true, "yesterday": true, "today": true,
	"just": true, "now": true, "and": true, "et": true, "pt": true,
	"ct": true, "mt": true, "utc": true, "gmt": true, "ist": true,
	"edition": true, "date": true, "time": true, "read": true, "of": true,
	"the": true, "|": true, "•": true, "-": true, "updated:": true,
}

var (
	bylineRE = regexp.MustCompile(`^(?i:by|written by|words by|story by|text by|von|par|por)\s+\p{Lu}`)
	// bylineWords may appear in lower case in a byline.
	bylineWords = map[string]bool{
		"and": true, "&": true, "de": true, "van": true, "von": true, "der": true,
		"la": true, "le": true, "da": true, "di": true, "du": true, "bin": true,
		"al": true, "in": true, "for": true, "staff": true, "writer": true,
		"reporter": true, "correspondent": true, "editor": true, "contributor": true,
		"special": true, "the": true, "at": true, "|": true, "-": true, "with": true,
		"senior": true, "chief": true, "news": true, "political": true, "desk": true,
	}
)

// bylineBioRE matches a byline that goes on to introduce its author: "By
// Jane Doe, a senior reporter who ...".
var bylineBioRE = regexp.MustCompile(`^By (\p{Lu}[\p{L}.'’-]*\s+){1,3}?\p{Lu}[\p{L}.'’-]*,\s+(a|an|the|who|our)\s`)

// isByline reports whether t names the story's authors: "By Jane Doe",
// "By Jane Doe and John Roe, Reuters".
func isByline(t string) bool {
	if !bylineRE.MatchString(t) {
		return false
	}
	if bylineBioRE.MatchString(t) {
		return true
	}
	words := strings.Fields(t)
	if len(words) > 14 {
		return false
	}
	lower := 0
	for _, w := range words[1:] {
		w = strings.Trim(w, ",;:.()")
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) && !bylineWords[strings.ToLower(w)] && !timeWords[strings.ToLower(w)] {
			lower++
		}
	}
	return lower <= 1 && !strings.Contains(strings.TrimRight(t, "."), ". ")
}

var (
	crumbStartRE = regexp.MustCompile(`(?i)^(you are here:?\s*)?home\s*[>»›/|]`)
	// gluedCrumbRE matches navigation links run together: "HomeWorldAsia".
	gluedCrumbRE = regexp.MustCompile(`^Home\p{Lu}|^(\p{Lu}\p{Ll}+){3,}`)
	crumbSepRE   = regexp.MustCompile(`\s*[>»›]\s*|\s+[/|]\s+`)
)

// isBreadcrumb reports whether t is a breadcrumb trail: "Home > World >
// Asia", or the links glued together ("HomeWorldAsia"), maybe followed by
// the headline.
func isBreadcrumb(t string) bool {
	if crumbStartRE.MatchString(t) {
		return true
	}
	if m := gluedCrumbRE.FindString(t); m != "" && (strings.HasPrefix(m, "Home") || isTitleLike(t)) {
		return true
	}
	parts := crumbSepRE.Split(t, -1)
	if len(parts) < 3 {
		return false
	}
	for _, p := range parts {
		if len(strings.Fields(p)) > 4 {
			return false
		}
	}
	return true
}

// isHeadline reports whether t repeats the headline (normalized), alone or
// with a site name or breadcrumb around it.
func isHeadline(t, headline string) bool {
	if headline == "" {
		return false
	}
	n := normalize(t)
	if n == headline {
		return true
	}
	if rest, ok := strings.CutPrefix(n, headline); ok && len(strings.Fields(rest)) <= 5 && isTitleLike(t) {
		return true
	}
	if prefix, ok := strings.CutSuffix(n, headline); ok && len(strings.Fields(prefix)) <= 3 {
		return true
	}
	return false
}
