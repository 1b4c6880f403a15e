package schedule

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
)

func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustCron(t testing.TB, expr string) *Cron {
	t.Helper()
	c, err := ParseCron(expr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustQuiet(t testing.TB, s string) *Quiet {
	t.Helper()
	q, err := ParseQuiet(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func mustTrickle(t testing.TB, s string) *Trickle {
	t.Helper()
	tr, err := ParseTrickle(s)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestParseCron(t *testing.T) {
	// The expression and its String; "" for an expression refused.
	valid := map[string]string{
		"0 8 * * *":                       "0 8 * * *",
		"  0  8\t* * *\n":                 "0 8 * * *",
		"@daily":                          "@daily",
		"@hourly":                         "@hourly",
		"@weekly":                         "@weekly",
		"@monthly":                        "@monthly",
		"@yearly":                         "@yearly",
		"*/15 9-17 * * mon-fri":           "*/15 9-17 * * mon-fri",
		"30 6,18 1 jan,jul sun":           "30 6,18 1 jan,jul sun",
		"0 0 29 2 *":                      "0 0 29 2 *",
		"0 8 ? * *":                       "0 8 ? * *",
		"":                                "",
		"   ":                             "",
		"0 8 * *":                         "",
		"0 8 * * * *":                     "",
		"61 8 * * *":                      "",
		"0 24 * * *":                      "",
		"0 8 32 * *":                      "",
		"0 8 * 13 *":                      "",
		"0 8 * * 7":                       "",
		"0 8 * * funday":                  "",
		"-1 8 * * *":                      "",
		"0 8 5-1 * *":                     "",
		"0 8 */0 * *":                     "",
		"0 8 L * *":                       "",
		"TZ=UTC 0 8 * * *":                "",
		"CRON_TZ=Europe/Berlin 0 8 * * *": "",
		"TZ=UTC":                          "",
		"@every 1h":                       "",
		"@every":                          "",
		"@fortnightly":                    "",
		"daily":                           "",
		"0 0 30 2 *":                      "",
		"0 0 31 4 *":                      "",
	}
	for in, want := range valid {
		c, err := ParseCron(in)
		switch {
		case want == "" && err == nil:
			t.Errorf("ParseCron(%q) = %q, want an error", in, c)
		case want != "" && err != nil:
			t.Errorf("ParseCron(%q): %v", in, err)
		case want != "" && c.String() != want:
			t.Errorf("ParseCron(%q).String() = %q, want %q", in, c, want)
		}
	}
}

func TestParseCronErrorsExplain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"TZ=UTC 0 8 * * *", "HERALD_TIMEZONE"},
		{"@every 1h", "@every is not a time of day"},
		{"0 0 30 2 *", "never fires"},
		{"0 8 * *", "expected exactly 5 fields"},
		{"", "empty"},
	}
	for _, tt := range tests {
		_, err := ParseCron(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseCron(%q) = %v, want an error saying %q", tt.in, err, tt.want)
		}
	}
}

func TestCronNext(t *testing.T) {
	ber := berlin(t)
	tests := []struct {
		name  string
		expr  string
		after time.Time
		loc   *time.Location
		want  time.Time
	}{
		{"later today", "0 8 * * *", time.Date(2024, 6, 10, 7, 59, 59, 0, ber), ber, time.Date(2024, 6, 10, 8, 0, 0, 0, ber)},
		{"strictly after", "0 8 * * *", time.Date(2024, 6, 10, 8, 0, 0, 0, ber), ber, time.Date(2024, 6, 11, 8, 0, 0, 0, ber)},
		{"a fraction of a second before", "0 8 * * *", time.Date(2024, 6, 10, 7, 59, 59, 999, ber), ber, time.Date(2024, 6, 10, 8, 0, 0, 0, ber)},
		{"a fraction after", "0 8 * * *", time.Date(2024, 6, 10, 8, 0, 0, 1, ber), ber, time.Date(2024, 6, 11, 8, 0, 0, 0, ber)},
		{"read in the location whatever the input's", "0 8 * * *", time.Date(2024, 6, 10, 5, 0, 0, 0, time.UTC), ber, time.Date(2024, 6, 10, 8, 0, 0, 0, ber)},
		{"nil location is UTC", "0 8 * * *", time.Date(2024, 6, 10, 7, 0, 0, 0, ber), nil, time.Date(2024, 6, 10, 8, 0, 0, 0, time.UTC)},
		{"weekdays skip the weekend", "0 9 * * mon-fri", time.Date(2024, 6, 7, 10, 0, 0, 0, time.UTC), time.UTC, time.Date(2024, 6, 10, 9, 0, 0, 0, time.UTC)},
		{"@weekly is Sunday midnight", "@weekly", time.Date(2024, 6, 10, 10, 0, 0, 0, ber), ber, time.Date(2024, 6, 16, 0, 0, 0, 0, ber)},
		{"@hourly", "@hourly", time.Date(2024, 6, 10, 10, 30, 0, 0, ber), ber, time.Date(2024, 6, 10, 11, 0, 0, 0, ber)},
		{"8:00 on the day summer time starts", "0 8 * * *", time.Date(2024, 3, 30, 9, 0, 0, 0, ber), ber, time.Date(2024, 3, 31, 6, 0, 0, 0, time.UTC)},
		{"8:00 on the day summer time ends", "0 8 * * *", time.Date(2024, 10, 26, 9, 0, 0, 0, ber), ber, time.Date(2024, 10, 27, 7, 0, 0, 0, time.UTC)},
		{"a skipped time does not fire that day", "30 2 * * *", time.Date(2024, 3, 30, 12, 0, 0, 0, ber), ber, time.Date(2024, 4, 1, 2, 30, 0, 0, ber)},
		{"a repeated time fires first in summer time", "30 2 * * *", time.Date(2024, 10, 26, 12, 0, 0, 0, ber), ber, time.Date(2024, 10, 27, 0, 30, 0, 0, time.UTC)},
		{"and again in winter time", "30 2 * * *", time.Date(2024, 10, 27, 0, 30, 0, 0, time.UTC), ber, time.Date(2024, 10, 27, 1, 30, 0, 0, time.UTC)},
		{"29 February", "0 0 29 2 *", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC, time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustCron(t, tt.expr).Next(tt.after, tt.loc)
			if !got.Equal(tt.want) {
				t.Errorf("Next(%v) = %v, want %v", tt.after, got, tt.want)
			}
			wantLoc := tt.loc
			if wantLoc == nil {
				wantLoc = time.UTC
			}
			if got.Location() != wantLoc {
				t.Errorf("Next is in %v, want %v", got.Location(), wantLoc)
			}
		})
	}
}

func TestParseQuiet(t *testing.T) {
	tests := []struct {
		in     string
		want   Quiet
		string string
	}{
		{"22:00-07:00", Quiet{Start: 22 * 60, End: 7 * 60}, "22:00-07:00"},
		{"22:00-07:00,silent", Quiet{Start: 22 * 60, End: 7 * 60}, "22:00-07:00"},
		{"22:00-07:00,hold", Quiet{Start: 22 * 60, End: 7 * 60, Hold: true}, "22:00-07:00,hold"},
		{" 7:30 - 9:05 , hold ", Quiet{Start: 7*60 + 30, End: 9*60 + 5, Hold: true}, "07:30-09:05,hold"},
		{"00:00-23:59", Quiet{Start: 0, End: 23*60 + 59}, "00:00-23:59"},
		{"23:59-00:00", Quiet{Start: 23*60 + 59, End: 0}, "23:59-00:00"},
		{"12:00-14:00", Quiet{Start: 12 * 60, End: 14 * 60}, "12:00-14:00"},
	}
	for _, tt := range tests {
		q, err := ParseQuiet(tt.in)
		if err != nil {
			t.Errorf("ParseQuiet(%q): %v", tt.in, err)
			continue
		}
		if *q != tt.want || q.String() != tt.string {
			t.Errorf("ParseQuiet(%q) = %+v %q, want %+v %q", tt.in, *q, q, tt.want, tt.string)
		}
	}
	for _, in := range []string{
		"", "22:00", "22:00-", "-07:00", "25:00-07:00", "22:60-07:00", "22:00-24:00",
		"22:00-07:00,loud", "22:00-07:00,", "22:00-22:00", "7:00-07:00", "2200-0700",
		"22:0-07:00", "222:00-07:00", "22:00-07:00-08:00", "+2:00-07:00", "22:00-07:00,hold,hold",
		"aa:bb-cc:dd", "٢٢:00-07:00",
	} {
		if q, err := ParseQuiet(in); err == nil {
			t.Errorf("ParseQuiet(%q) = %+v, want an error", in, *q)
		}
	}
	if _, err := ParseQuiet("25:00-07:00"); err == nil || !strings.Contains(err.Error(), QuietSyntax) {
		t.Errorf("ParseQuiet error = %v, want it to say %q", err, QuietSyntax)
	}
}

func TestParseTrickle(t *testing.T) {
	tests := []struct {
		in     string
		want   Trickle
		string string
		gap    time.Duration
	}{
		{"10/1h", Trickle{N: 10, Per: time.Hour}, "10/1h", 6 * time.Minute},
		{" 3 / 90m ", Trickle{N: 3, Per: 90 * time.Minute}, "3/1h30m", 30 * time.Minute},
		{"1/1s", Trickle{N: 1, Per: time.Second}, "1/1s", time.Second},
		{"2/1m30s", Trickle{N: 2, Per: 90 * time.Second}, "2/1m30s", 45 * time.Second},
		{"7/24h", Trickle{N: 7, Per: 24 * time.Hour}, "7/24h", 24 * time.Hour / 7},
		{"010/1.5s", Trickle{N: 10, Per: 1500 * time.Millisecond}, "10/1.5s", 150 * time.Millisecond},
	}
	for _, tt := range tests {
		tr, err := ParseTrickle(tt.in)
		if err != nil {
			t.Errorf("ParseTrickle(%q): %v", tt.in, err)
			continue
		}
		if *tr != tt.want || tr.String() != tt.string || tr.Gap() != tt.gap {
			t.Errorf("ParseTrickle(%q) = %+v %q gap %v, want %+v %q gap %v", tt.in, *tr, tr, tr.Gap(), tt.want, tt.string, tt.gap)
		}
	}
	for _, in := range []string{"", "10", "10/", "/1h", "0/1h", "-1/1h", "x/1h", "10/500ms", "10/-1h", "10/1", "10/1h/2", "1.5/1h", "10/forever"} {
		if tr, err := ParseTrickle(in); err == nil {
			t.Errorf("ParseTrickle(%q) = %+v, want an error", in, *tr)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Hour: "1h", 90 * time.Minute: "1h30m", 90 * time.Second: "1m30s", time.Minute: "1m",
		3*time.Hour + 5*time.Second: "3h0m5s", 1500 * time.Millisecond: "1.5s", 48 * time.Hour: "48h",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestDue(t *testing.T) {
	ber := berlin(t)
	day := func(h, m int) time.Time { return time.Date(2024, 6, 10, h, m, 0, 0, ber) }
	utc := func(mo time.Month, d, h, m int) time.Time { return time.Date(2024, mo, d, h, m, 0, 0, time.UTC) }
	quietSilent := mustQuiet(t, "22:00-07:00")
	quietHold := mustQuiet(t, "22:00-07:00,hold")
	daily8 := mustCron(t, "0 8 * * *")
	tests := []struct {
		name               string
		plan               Plan
		now, created, last time.Time
		at                 time.Time
		silent             bool
	}{
		{"zero plan: now", Plan{}, day(12, 0), day(11, 0), day(11, 59), day(12, 0), false},
		{"silent", Plan{Silent: true}, day(12, 0), day(12, 0), time.Time{}, day(12, 0), true},
		{"mention changes nothing of the time", Plan{MentionRole: "42"}, day(12, 0), day(12, 0), time.Time{}, day(12, 0), false},

		{"digest: the next 8:00", Plan{Digest: daily8, Location: ber}, day(9, 0), day(9, 0), time.Time{}, time.Date(2024, 6, 11, 8, 0, 0, 0, ber), false},
		{"digest: created at 8:00 goes to the next one", Plan{Digest: daily8, Location: ber}, day(8, 0), day(8, 0), time.Time{}, time.Date(2024, 6, 11, 8, 0, 0, 0, ber), false},
		{"digest: created before 8:00 goes today", Plan{Digest: daily8, Location: ber}, day(7, 59), day(7, 59), time.Time{}, day(8, 0), false},
		{"digest catch-up: its time passed, now", Plan{Digest: daily8, Location: ber}, day(12, 0), time.Date(2024, 6, 1, 9, 0, 0, 0, ber), time.Time{}, day(12, 0), false},
		{"digest read in UTC without a location", Plan{Digest: daily8}, day(9, 0), day(9, 0), time.Time{}, utc(6, 10, 8, 0), false},
		{"digest on the day summer time starts", Plan{Digest: daily8, Location: ber}, time.Date(2024, 3, 30, 9, 0, 0, 0, ber), time.Date(2024, 3, 30, 9, 0, 0, 0, ber), time.Time{}, utc(3, 31, 6, 0), false},
		{"digest on the day summer time ends", Plan{Digest: daily8, Location: ber}, time.Date(2024, 10, 26, 9, 0, 0, 0, ber), time.Date(2024, 10, 26, 9, 0, 0, 0, ber), time.Time{}, utc(10, 27, 7, 0), false},

		{"trickle: one every Per/N after the last", Plan{Trickle: mustTrickle(t, "10/1h")}, day(12, 0), day(12, 0), day(11, 59), day(12, 5), false},
		{"trickle: the gap has passed", Plan{Trickle: mustTrickle(t, "10/1h")}, day(12, 0), day(12, 0), day(11, 54), day(12, 0), false},
		{"trickle: first post after a lull at once", Plan{Trickle: mustTrickle(t, "10/1h")}, day(12, 0), day(11, 0), day(3, 0), day(12, 0), false},
		{"trickle: never sent", Plan{Trickle: mustTrickle(t, "1/24h")}, day(12, 0), day(12, 0), time.Time{}, day(12, 0), false},

		{"quiet silent: inside", Plan{Quiet: quietSilent, Location: ber}, day(23, 30), day(23, 30), time.Time{}, day(23, 30), true},
		{"quiet silent: after midnight", Plan{Quiet: quietSilent, Location: ber}, day(3, 0), day(3, 0), time.Time{}, day(3, 0), true},
		{"quiet silent: start is inside", Plan{Quiet: quietSilent, Location: ber}, day(22, 0), day(22, 0), time.Time{}, day(22, 0), true},
		{"quiet silent: end is outside", Plan{Quiet: quietSilent, Location: ber}, day(7, 0), day(7, 0), time.Time{}, day(7, 0), false},
		{"quiet silent: a second before the end", Plan{Quiet: quietSilent, Location: ber}, day(6, 59).Add(59 * time.Second), day(6, 0), time.Time{}, day(6, 59).Add(59 * time.Second), true},
		{"quiet silent: outside", Plan{Quiet: quietSilent, Location: ber}, day(12, 0), day(12, 0), time.Time{}, day(12, 0), false},
		{"quiet by the wall clock of the location", Plan{Quiet: quietSilent, Location: ber}, utc(6, 10, 21, 30), utc(6, 10, 21, 30), time.Time{}, utc(6, 10, 21, 30), true},
		{"quiet without a location is UTC", Plan{Quiet: quietSilent}, utc(6, 10, 21, 30), utc(6, 10, 21, 30), time.Time{}, utc(6, 10, 21, 30), false},

		{"quiet hold: before midnight waits for the morning", Plan{Quiet: quietHold, Location: ber}, day(23, 30), day(23, 30), time.Time{}, time.Date(2024, 6, 11, 7, 0, 0, 0, ber), false},
		{"quiet hold: after midnight waits for the morning", Plan{Quiet: quietHold, Location: ber}, day(3, 0), day(3, 0), time.Time{}, day(7, 0), false},
		{"quiet hold: just before the start", Plan{Quiet: quietHold, Location: ber}, day(21, 59), day(21, 59), time.Time{}, day(21, 59), false},
		{"quiet hold: a window within a day", Plan{Quiet: mustQuiet(t, "12:00-14:00,hold"), Location: ber}, day(13, 59).Add(30 * time.Second), day(13, 0), time.Time{}, day(14, 0), false},
		{"quiet hold: the night summer time starts", Plan{Quiet: quietHold, Location: ber}, time.Date(2024, 3, 30, 23, 0, 0, 0, ber), time.Date(2024, 3, 30, 23, 0, 0, 0, ber), time.Time{}, utc(3, 31, 5, 0), false},
		{"quiet hold: the night summer time ends", Plan{Quiet: quietHold, Location: ber}, time.Date(2024, 10, 26, 23, 0, 0, 0, ber), time.Date(2024, 10, 26, 23, 0, 0, 0, ber), time.Time{}, utc(10, 27, 6, 0), false},
		{"quiet hold: an end the clocks skip", Plan{Quiet: mustQuiet(t, "01:00-02:30,hold"), Location: ber}, time.Date(2024, 3, 31, 1, 45, 0, 0, ber), time.Date(2024, 3, 31, 1, 45, 0, 0, ber), time.Time{}, utc(3, 31, 1, 0), false},
		{"quiet hold: an end the clocks repeat, first time", Plan{Quiet: mustQuiet(t, "01:00-02:45,hold"), Location: ber}, utc(10, 27, 0, 30), utc(10, 27, 0, 30), time.Time{}, utc(10, 27, 0, 45), false},
		{"quiet hold: an end the clocks repeat, second time", Plan{Quiet: mustQuiet(t, "01:00-02:45,hold"), Location: ber}, utc(10, 27, 1, 30), utc(10, 27, 1, 30), time.Time{}, utc(10, 27, 1, 45), false},
		{"quiet hold: the hour the clocks repeat is inside", Plan{Quiet: mustQuiet(t, "02:00-02:30,hold"), Location: ber}, utc(10, 27, 1, 10), utc(10, 27, 1, 10), time.Time{}, utc(10, 27, 1, 30), false},

		{"digest into quiet hours held", Plan{Digest: mustCron(t, "0 23 * * *"), Quiet: quietHold, Location: ber}, day(12, 0), day(12, 0), time.Time{}, time.Date(2024, 6, 11, 7, 0, 0, 0, ber), false},
		{"digest into quiet hours silent", Plan{Digest: mustCron(t, "0 23 * * *"), Quiet: quietSilent, Location: ber}, day(12, 0), day(12, 0), time.Time{}, day(23, 0), true},
		{"digest outside quiet hours", Plan{Digest: daily8, Quiet: quietHold, Location: ber}, day(23, 0), day(23, 0), time.Time{}, time.Date(2024, 6, 11, 8, 0, 0, 0, ber), false},
		{"trickle into quiet hours held", Plan{Trickle: mustTrickle(t, "6/1h"), Quiet: quietHold, Location: ber}, day(21, 56), day(21, 56), day(21, 55), time.Date(2024, 6, 11, 7, 0, 0, 0, ber), false},
		{"trickle into quiet hours silent", Plan{Trickle: mustTrickle(t, "6/1h"), Quiet: quietSilent, Location: ber}, day(21, 56), day(21, 56), day(21, 55), day(22, 5), true},
		{"trickle after a digest", Plan{Digest: daily8, Trickle: mustTrickle(t, "1/1h"), Location: ber}, day(7, 0), day(7, 0), day(7, 30), day(8, 30), false},
		{"digest after a trickle", Plan{Digest: daily8, Trickle: mustTrickle(t, "1/1h"), Location: ber}, day(7, 0), day(7, 0), day(6, 30), day(8, 0), false},
		{"everything", Plan{Digest: mustCron(t, "0 22 * * *"), Quiet: quietSilent, Trickle: mustTrickle(t, "2/1h"), Silent: true, MentionRole: "1", Location: ber}, day(12, 0), day(12, 0), day(21, 45), day(22, 15), true},
		{"silent outside quiet hours still silent", Plan{Quiet: quietSilent, Silent: true, Location: ber}, day(12, 0), day(12, 0), time.Time{}, day(12, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, silent := tt.plan.Due(tt.now, tt.created, tt.last)
			if !at.Equal(tt.at) || silent != tt.silent {
				t.Errorf("Due = %v silent %v, want %v silent %v", at, silent, tt.at, tt.silent)
			}
			if at.Before(tt.now) {
				t.Errorf("Due = %v is before now %v", at, tt.now)
			}
		})
	}
}

func TestDigestAt(t *testing.T) {
	ber := berlin(t)
	created := time.Date(2024, 6, 10, 9, 0, 0, 0, ber)
	if got := (Plan{}).DigestAt(created); !got.IsZero() {
		t.Errorf("DigestAt without a digest = %v, want zero", got)
	}
	p := Plan{Digest: mustCron(t, "0 8,18 * * *"), Location: ber}
	for _, tt := range []struct{ created, want time.Time }{
		{created, time.Date(2024, 6, 10, 18, 0, 0, 0, ber)},
		{time.Date(2024, 6, 10, 18, 0, 0, 0, ber), time.Date(2024, 6, 11, 8, 0, 0, 0, ber)},
		{time.Date(2024, 6, 10, 17, 59, 59, 0, ber), time.Date(2024, 6, 10, 18, 0, 0, 0, ber)},
	} {
		if got := p.DigestAt(tt.created); !got.Equal(tt.want) {
			t.Errorf("DigestAt(%v) = %v, want %v", tt.created, got, tt.want)
		}
	}
}

func TestPlanString(t *testing.T) {
	ber := berlin(t)
	tests := []struct {
		plan Plan
		want string
		zero bool
	}{
		{Plan{}, "at once", true},
		{Plan{Location: ber}, "at once", true},
		{Plan{
			Digest: mustCron(t, "0 8 * * *"), Quiet: mustQuiet(t, "22:00-07:00,hold"), Trickle: mustTrickle(t, "10/1h"),
			Silent: true, MentionRole: "123", Location: ber,
		}, `digest "0 8 * * *", quiet 22:00-07:00 hold, trickle 10/1h, silent, mention role 123 (Europe/Berlin)`, false},
		{Plan{Quiet: mustQuiet(t, "22:00-07:00")}, "quiet 22:00-07:00 silent (UTC)", false},
		{Plan{Trickle: mustTrickle(t, "3/90m"), Location: ber}, "trickle 3/1h30m", false},
		{Plan{Silent: true}, "silent", false},
		{Plan{MentionRole: "9"}, "mention role 9", false},
	}
	for _, tt := range tests {
		if got := tt.plan.String(); got != tt.want {
			t.Errorf("String = %q, want %q", got, tt.want)
		}
		if got := tt.plan.IsZero(); got != tt.zero {
			t.Errorf("%q: IsZero = %v, want %v", tt.want, got, tt.zero)
		}
	}
}

func FuzzParseQuiet(f *testing.F) {
	for _, s := range []string{"22:00-07:00", "22:00-07:00,hold", " 7:30 - 9:05 , silent ", "25:00-07:00", "-", ",", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuiet(s)
		if err != nil {
			return
		}
		if q.Start < 0 || q.Start >= 24*60 || q.End < 0 || q.End >= 24*60 || q.Start == q.End {
			t.Fatalf("ParseQuiet(%q) = %+v", s, *q)
		}
		again, err := ParseQuiet(q.String())
		if err != nil || *again != *q {
			t.Fatalf("ParseQuiet(%q) = %+v, String %q re-parses to %v, %v", s, *q, q, again, err)
		}
	})
}

func FuzzParseTrickle(f *testing.F) {
	for _, s := range []string{"10/1h", " 3 / 90m ", "1/1s", "0/1h", "10/1.5s", "/", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ParseTrickle(s)
		if err != nil {
			return
		}
		if tr.N < 1 || tr.Per < time.Second || tr.Gap() < 0 {
			t.Fatalf("ParseTrickle(%q) = %+v", s, *tr)
		}
		again, err := ParseTrickle(tr.String())
		if err != nil || *again != *tr {
			t.Fatalf("ParseTrickle(%q) = %+v, String %q re-parses to %v, %v", s, *tr, tr, again, err)
		}
	})
}

func FuzzParseCron(f *testing.F) {
	for _, s := range []string{"0 8 * * *", "@daily", "TZ=UTC", "@every 1h", "*/15 9-17 * * mon-fri", "0 0 30 2 *"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCron(s)
		if err != nil {
			return
		}
		again, err := ParseCron(c.String())
		if err != nil || again.String() != c.String() {
			t.Fatalf("ParseCron(%q) = %q re-parses to %v, %v", s, c, again, err)
		}
		after := time.Date(2024, 6, 10, 12, 0, 0, 0, time.UTC)
		if next := c.Next(after, nil); !next.After(after) {
			t.Fatalf("ParseCron(%q).Next(%v) = %v", s, after, next)
		}
	})
}
