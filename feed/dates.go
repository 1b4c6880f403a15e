package feed

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mmcdole/gofeed"
)

// fillDates reads the dates the feed parser left unread: month names in
// Portuguese, Spanish, French, German, Italian or Dutch ("Seg, 24 Set 2018
// 19:42:40 -0300") and slashed dates ("2020/1/10 14:33:00"). A date without
// a zone is taken as UTC, as the feed parser takes it.
func fillDates(f *gofeed.Feed) {
	fill := func(raw string, parsed **time.Time) {
		if *parsed != nil || raw == "" {
			return
		}
		if t, ok := parseLooseDate(raw); ok {
			*parsed = &t
		}
	}
	fill(f.Published, &f.PublishedParsed)
	fill(f.Updated, &f.UpdatedParsed)
	for _, it := range f.Items {
		fill(it.Published, &it.PublishedParsed)
		fill(it.Updated, &it.UpdatedParsed)
	}
}

var (
	// namedDate is [weekday,] day month year hh:mm[:ss] [zone].
	namedDate = regexp.MustCompile(`^(?:\pL+\.?,?\s+)?(\d{1,2})\.?\s+(\pL+)\.?\s+(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(\S*)$`)
	// slashedDate is year/month/day [hh:mm[:ss]].
	slashedDate = regexp.MustCompile(`^(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$`)
)

// monthPrefixes maps the first letters of a month's name, in the languages
// fillDates reads, to the month. French "juin" and "juil" need four.
var monthPrefixes = map[string]time.Month{
	"jan": 1, "ene": 1, "gen": 1, "jän": 1,
	"feb": 2, "fev": 2, "fév": 2,
	"mar": 3, "mär": 3, "mrz": 3, "mrt": 3,
	"apr": 4, "abr": 4, "avr": 4,
	"may": 5, "mai": 5, "mag": 5, "mei": 5,
	"jun": 6, "giu": 6, "juin": 6,
	"jul": 7, "lug": 7, "juil": 7,
	"aug": 8, "ago": 8, "aoû": 8, "aou": 8,
	"sep": 9, "set": 9,
	"oct": 10, "out": 10, "okt": 10, "ott": 10,
	"nov": 11,
	"dec": 12, "dez": 12, "dic": 12, "déc": 12,
}

func monthNamed(name string) (time.Month, bool) {
	r := []rune(strings.ToLower(name))
	for _, n := range []int{4, 3} {
		if len(r) >= n {
			if m, ok := monthPrefixes[string(r[:n])]; ok {
				return m, true
			}
		}
	}
	return 0, false
}

// parseLooseDate reads the date forms fillDates describes.
func parseLooseDate(raw string) (time.Time, bool) {
	s := strings.Join(strings.Fields(raw), " ")
	if m := slashedDate.FindStringSubmatch(s); m != nil {
		n := atoiAll(m[1:])
		return validDate(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], time.UTC)
	}
	m := namedDate.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	month, ok := monthNamed(m[2])
	if !ok {
		return time.Time{}, false
	}
	loc, ok := zoneOf(m[7])
	if !ok {
		return time.Time{}, false
	}
	n := atoiAll([]string{m[1], m[3], m[4], m[5], m[6]})
	return validDate(n[1], month, n[0], n[2], n[3], n[4], loc)
}

// zoneOf reads a numeric zone offset, or GMT, UTC, Z or nothing as UTC.
func zoneOf(z string) (*time.Location, bool) {
	switch strings.ToUpper(z) {
	case "", "GMT", "UTC", "UT", "Z":
		return time.UTC, true
	}
	if len(z) == 6 && z[3] == ':' {
		z = z[:3] + z[4:]
	}
	if len(z) != 5 || z[0] != '+' && z[0] != '-' || strings.IndexFunc(z[1:], func(r rune) bool { return !unicode.IsDigit(r) }) >= 0 {
		return nil, false
	}
	h, _ := strconv.Atoi(z[1:3])
	mins, _ := strconv.Atoi(z[3:])
	off := h*3600 + mins*60
	if z[0] == '-' {
		off = -off
	}
	return time.FixedZone("", off), true
}

func atoiAll(s []string) []int {
	n := make([]int, len(s))
	for i, v := range s {
		n[i], _ = strconv.Atoi(v)
	}
	return n
}

// validDate builds a date, refusing fields out of range rather than
// letting time.Date carry them over.
func validDate(year int, month time.Month, day, hour, minute, sec int, loc *time.Location) (time.Time, bool) {
	t := time.Date(year, month, day, hour, minute, sec, 0, loc)
	if t.Day() != day || t.Month() != month || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	return t, true
}
