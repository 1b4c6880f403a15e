// Package schedule decides when a target's posts go out: one by one as
// they come, or gathered into digests at the times of a cron expression;
// held or made silent during quiet hours; spaced so that no more than a
// given number go out in a period.
//
// The package does no I/O and reads no clock: every time it needs is passed
// in, and wall-clock times (digest times, quiet hours) are read in the
// Plan's Location.
package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Plan is how one target's posts are scheduled. The zero Plan posts each
// article as soon as it comes, with a notification.
type Plan struct {
	// Digest, when set, gathers the posts into one digest at each time
	// the cron expression names; nil posts them one by one.
	Digest *Cron
	// Quiet, when set, holds posts or makes them silent during quiet
	// hours.
	Quiet *Quiet
	// Trickle, when set, spaces posts out so that no more than N go out
	// in any period Per.
	Trickle *Trickle
	// Silent posts every post without a notification.
	Silent bool
	// MentionRole is the ID of the Discord role the posts mention, or "".
	MentionRole string
	// Location is the time zone Digest and Quiet are read in; nil is UTC.
	Location *time.Location
}

// IsZero reports whether the plan changes nothing: posts go one by one,
// at once, with a notification and no mention. The Location does not
// count.
func (p Plan) IsZero() bool {
	return p.Digest == nil && p.Quiet == nil && p.Trickle == nil && !p.Silent && p.MentionRole == ""
}

// location returns the plan's time zone, UTC when none is set.
func (p Plan) location() *time.Location {
	if p.Location == nil {
		return time.UTC
	}
	return p.Location
}

// DigestAt returns the scheduled time of the digest that a delivery
// created at created belongs to: the first time of Digest strictly after
// created. It returns the zero time when the plan has no digest, or when
// the expression never fires again.
func (p Plan) DigestAt(created time.Time) time.Time {
	if p.Digest == nil {
		return time.Time{}
	}
	return p.Digest.Next(created, p.location())
}

// Due returns when a delivery created at created may be posted, given
// that the target's last post went out at lastSent (zero for never), and
// whether it is posted silently. The time is never before now:
//
//   - with a Digest, not before the digest the delivery belongs to
//     (DigestAt); a digest whose time has passed is due now;
//   - with a Trickle N/Per, not before lastSent + Per/N: posts are spaced
//     evenly, so no period of length Per holds more than N of them, and
//     the first post after a lull goes at once;
//   - with Quiet hours that hold, a time inside the window (start
//     included, end excluded, by the wall clock in Location) moves to the
//     window's end; with quiet hours that silence, a post due inside the
//     window is silent;
//   - with Silent, every post is silent.
func (p Plan) Due(now, created, lastSent time.Time) (at time.Time, silent bool) {
	at = now
	if p.Digest != nil {
		if d := p.DigestAt(created); d.After(at) {
			at = d
		}
	}
	if p.Trickle != nil && !lastSent.IsZero() {
		if next := lastSent.Add(p.Trickle.Gap()); next.After(at) {
			at = next
		}
	}
	if p.Quiet != nil {
		loc := p.location()
		if p.Quiet.contains(at, loc) {
			if p.Quiet.Hold {
				at = p.Quiet.end(at, loc)
			} else {
				silent = true
			}
		}
	}
	return at, silent || p.Silent
}

// String describes the plan in one line, such as
//
//	digest "0 8 * * *", quiet 22:00-07:00 hold, trickle 10/1h, silent, mention role 123 (Europe/Berlin)
//
// The time zone is named when a digest or quiet hours depend on it. The
// zero plan reads "at once".
func (p Plan) String() string {
	var parts []string
	if p.Digest != nil {
		parts = append(parts, "digest "+strconv.Quote(p.Digest.String()))
	}
	if p.Quiet != nil {
		mode := "silent"
		if p.Quiet.Hold {
			mode = "hold"
		}
		parts = append(parts, "quiet "+p.Quiet.window()+" "+mode)
	}
	if p.Trickle != nil {
		parts = append(parts, "trickle "+p.Trickle.String())
	}
	if p.Silent {
		parts = append(parts, "silent")
	}
	if p.MentionRole != "" {
		parts = append(parts, "mention role "+p.MentionRole)
	}
	if len(parts) == 0 {
		return "at once"
	}
	s := strings.Join(parts, ", ")
	if p.Digest != nil || p.Quiet != nil {
		s += " (" + p.location().String() + ")"
	}
	return s
}

// SyntaxError is a value ParseCron, ParseQuiet or ParseTrickle refused.
type SyntaxError struct {
	// What names the kind of value: "cron", "quiet", "trickle".
	What string
	// Value is the value as given.
	Value string
	// Problem says what is wrong, or what is wanted.
	Problem string
	// Err is the cron parser's error, if any.
	Err error
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s %q: %s", e.What, e.Value, e.Problem) }

func (e *SyntaxError) Unwrap() error { return e.Err }

// Cron is a parsed cron expression: the times of a digest.
type Cron struct {
	expr  string
	sched cron.Schedule
}

// CronSyntax says what ParseCron accepts, for error messages.
const CronSyntax = "a cron expression of 5 fields (minute hour day-of-month month day-of-week, e.g. \"0 8 * * *\") or @hourly, @daily, @weekly, @monthly, @yearly"

// ParseCron reads a standard cron expression of five fields (minute, hour,
// day of month, month, day of week), or one of the descriptors @hourly,
// @daily (@midnight), @weekly, @monthly, @yearly (@annually). The time
// zone is the Plan's: a TZ= prefix is refused, and so are @every and
// expressions that never fire (the 30th of February).
func ParseCron(expr string) (*Cron, error) {
	fields := strings.Fields(expr)
	if len(fields) == 0 {
		return nil, &SyntaxError{What: "cron", Value: expr, Problem: "empty: want " + CronSyntax}
	}
	if strings.HasPrefix(fields[0], "TZ=") || strings.HasPrefix(fields[0], "CRON_TZ=") {
		return nil, &SyntaxError{What: "cron", Value: expr, Problem: "the time zone is HERALD_TIMEZONE's: drop " + fields[0]}
	}
	if strings.HasPrefix(fields[0], "@every") {
		return nil, &SyntaxError{What: "cron", Value: expr, Problem: "@every is not a time of day: want " + CronSyntax}
	}
	norm := strings.Join(fields, " ")
	s, err := cron.ParseStandard(norm)
	if err != nil {
		return nil, &SyntaxError{What: "cron", Value: expr, Problem: err.Error() + "; want " + CronSyntax, Err: err}
	}
	if _, ok := s.(*cron.SpecSchedule); !ok {
		return nil, &SyntaxError{What: "cron", Value: expr, Problem: "want " + CronSyntax}
	}
	// Every expression that fires at all fires within four years (the
	// 29th of February); the parser looks five years ahead.
	if s.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, &SyntaxError{What: "cron", Value: expr, Problem: "never fires"}
	}
	return &Cron{expr: norm, sched: s}, nil
}

// Next returns the first time of the expression strictly after after, read
// by the wall clock in loc (nil is UTC). The result is in loc; it is zero
// if the expression never fires again. On the days daylight saving time
// starts or ends, a time the clocks skip does not fire that day, and a
// time they repeat fires both times.
func (c *Cron) Next(after time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	// A schedule parsed without a TZ= prefix computes in the location
	// of the time it is given.
	return c.sched.Next(after.In(loc))
}

// String returns the expression as ParseCron read it, its fields
// separated by single spaces.
func (c *Cron) String() string { return c.expr }

// Quiet is a daily window of quiet hours, by the wall clock. Start is
// inside the window, End is not; a window whose End is not after its Start
// runs past midnight.
type Quiet struct {
	// Start and End are minutes after midnight, 0 to 1439.
	Start, End int
	// Hold keeps posts until the window ends; otherwise they are posted
	// silently.
	Hold bool
}

// QuietSyntax says what ParseQuiet accepts, for error messages.
const QuietSyntax = `want HH:MM-HH:MM (00:00-23:59), optionally ",hold" or ",silent"`

// ParseQuiet reads quiet hours written as "22:00-07:00", optionally
// followed by ",hold" (posts wait for the end) or ",silent" (posts go
// without a notification, the default). The hour may have one digit. A
// window may run past midnight; one that starts where it ends is refused.
func ParseQuiet(s string) (*Quiet, error) {
	window, mode, hasMode := strings.Cut(strings.TrimSpace(s), ",")
	q := &Quiet{}
	if hasMode {
		switch strings.TrimSpace(mode) {
		case "hold":
			q.Hold = true
		case "silent":
		default:
			return nil, &SyntaxError{What: "quiet", Value: s, Problem: QuietSyntax}
		}
	}
	start, end, ok := strings.Cut(strings.TrimSpace(window), "-")
	if !ok {
		return nil, &SyntaxError{What: "quiet", Value: s, Problem: QuietSyntax}
	}
	var okStart, okEnd bool
	q.Start, okStart = parseClock(strings.TrimSpace(start))
	q.End, okEnd = parseClock(strings.TrimSpace(end))
	if !okStart || !okEnd {
		return nil, &SyntaxError{What: "quiet", Value: s, Problem: QuietSyntax}
	}
	if q.Start == q.End {
		return nil, &SyntaxError{What: "quiet", Value: s, Problem: "the window starts where it ends: give two different times"}
	}
	return q, nil
}

// parseClock reads "H:MM" or "HH:MM" as minutes after midnight.
func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, ok1 := digits(h)
	mm, ok2 := digits(m)
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

// digits reads a short string of ASCII digits.
func digits(s string) (int, bool) {
	n := 0
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// String returns the window as ParseQuiet reads it: "22:00-07:00" for
// silent quiet hours, "22:00-07:00,hold" for held ones.
func (q Quiet) String() string {
	if q.Hold {
		return q.window() + ",hold"
	}
	return q.window()
}

func (q Quiet) window() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", q.Start/60, q.Start%60, q.End/60, q.End%60)
}

// contains reports whether t falls inside the window by the wall clock in
// loc.
func (q Quiet) contains(t time.Time, loc *time.Location) bool {
	t = t.In(loc)
	m := t.Hour()*60 + t.Minute()
	if q.Start < q.End {
		return q.Start <= m && m < q.End
	}
	return m >= q.Start || m < q.End
}

// end returns when the window that holds t ends: the first time after t
// that the wall clock in loc reads End, or jumps past it.
func (q Quiet) end(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	m := t.Hour()*60 + t.Minute()
	minutes := q.End - m
	if minutes <= 0 {
		// The window runs past midnight: it ends tomorrow.
		minutes += 24 * 60
	}
	wall := time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
	// Counted on t's offset, the end is right unless the clocks change
	// before it. On the night they go back this also picks the first of
	// two times that read End.
	end := t.Add(time.Duration(minutes)*time.Minute - wall)
	_, jump := t.ZoneBounds()
	if jump.IsZero() || !end.After(jump) {
		return end
	}
	y, mo, d := t.Date()
	if m >= q.End {
		d++
	}
	end = time.Date(y, mo, d, q.End/60, q.End%60, 0, 0, loc)
	if end.Hour()*60+end.Minute() != q.End {
		// The clocks skip End that day: the window ends when they jump.
		return jump.In(loc)
	}
	return end
}

// Trickle caps a target's posts: no more than N in any period Per, spaced
// evenly one every Per/N.
type Trickle struct {
	N   int
	Per time.Duration
}

// TrickleSyntax says what ParseTrickle accepts, for error messages.
const TrickleSyntax = "want N/DURATION, N posts (1 or more) per Go duration of at least 1s, e.g. 10/1h"

// ParseTrickle reads a cap written as "10/1h": N posts (1 or more) per Go
// duration of at least a second.
func ParseTrickle(s string) (*Trickle, error) {
	n, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return nil, &SyntaxError{What: "trickle", Value: s, Problem: TrickleSyntax}
	}
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if err != nil || count < 1 {
		return nil, &SyntaxError{What: "trickle", Value: s, Problem: TrickleSyntax}
	}
	d, err := time.ParseDuration(strings.TrimSpace(per))
	if err != nil || d < time.Second {
		return nil, &SyntaxError{What: "trickle", Value: s, Problem: TrickleSyntax}
	}
	return &Trickle{N: count, Per: d}, nil
}

// Gap is the least time between two posts: Per/N.
func (t Trickle) Gap() time.Duration { return t.Per / time.Duration(t.N) }

// String returns the cap as ParseTrickle reads it: "10/1h", "3/1h30m".
func (t Trickle) String() string { return strconv.Itoa(t.N) + "/" + FormatDuration(t.Per) }

// FormatDuration writes d as time.Duration.String does, without the zero
// units at its end: 1h, 1h30m, 90m is 1h30m, 1m30s.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
