package extract

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dayDate is a date as a dateline writes it: a month, usually a day, and
// sometimes a year.
type dayDate struct {
	year  int // 0 when not written
	month time.Month
	day   int // 0 when not written
}

// months maps month names and their abbreviations, in lower case, to months.
var months = map[string]time.Month{
	"january": time.January, "jan": time.January,
	"february": time.February, "feb": time.February,
	"march": time.March, "mar": time.March,
	"april": time.April, "apr": time.April,
	"may":  time.May,
	"june": time.June, "jun": time.June,
	"july": time.July, "jul": time.July,
	"august": time.August, "aug": time.August,
	"september": time.September, "sept": time.September, "sep": time.September,
	"october": time.October, "oct": time.October,
	"november": time.November, "nov": time.November,
	"december": time.December, "dec": time.December,
}

// parseMonth reads a month name in any case, with or without a dot, or
// the first three or more letters of one ("Sept", "Apri").
func parseMonth(s string) (time.Month, bool) {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if m, ok := months[s]; ok {
		return m, true
	}
	if len(s) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), s) {
			return m, true
		}
	}
	return 0, false
}

// parseDate reads the whole of s as a date: "8 April 2024", "April 8",
// "Apr. 8", "Feb 26", "8 April", "Feb. 23, 2015", "April 8th", or a month
// alone ("April", which names no day).
func parseDate(s string) (dayDate, bool) {
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
	if len(words) == 0 || len(words) > 3 {
		return dayDate{}, false
	}
	var d dayDate
	var ok bool
	switch {
	case len(words) == 1:
		d.month, ok = parseMonth(words[0])
		return d, ok
	default:
		if d.month, ok = parseMonth(words[0]); ok {
			d.day, ok = parseDay(words[1])
		} else if d.month, ok = parseMonth(words[1]); ok {
			d.day, ok = parseDay(words[0])
		}
	}
	if !ok {
		return dayDate{}, false
	}
	if len(words) == 3 {
		y, err := strconv.Atoi(words[2])
		if err != nil || len(words[2]) != 4 || y < 1800 {
			return dayDate{}, false
		}
		d.year = y
	}
	year := d.year
	if year == 0 {
		year = 2000 // a leap year, so that Feb 29 passes
	}
	if d.day > time.Date(year, d.month+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return dayDate{}, false
	}
	return d, true
}

// parseDay reads a day of the month: "8", "08", "8th".
func parseDay(s string) (int, bool) {
	for _, suffix := range []string{"st", "nd", "rd", "th", "."} {
		if len(s) > len(suffix) {
			s = strings.TrimSuffix(strings.ToLower(s), suffix)
		}
	}
	if len(s) == 0 || len(s) > 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 31 {
		return 0, false
	}
	return n, true
}

// iso formats the date as YYYY-MM-DD. A date without a year takes the year
// of published, or the year before when that would put the date more than a
// week after publication (a story dated Dec 31 published on Jan 2). Without
// a year or a day it returns "".
func (d dayDate) iso(published time.Time) string {
	if d.day == 0 {
		return ""
	}
	year := d.year
	if year == 0 {
		if published.IsZero() {
			return ""
		}
		published = published.UTC()
		year = published.Year()
		t := time.Date(year, d.month, d.day, 0, 0, 0, 0, time.UTC)
		if t.After(published.AddDate(0, 0, 7)) {
			year--
		}
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, int(d.month), d.day)
}
