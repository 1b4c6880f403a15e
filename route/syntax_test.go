package route

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/schedule"
)

// sameRule reports whether two rules are equal: the same target, entry,
// filter (regular expressions by their text) and plan.
func sameRule(a, b Rule) bool {
	fa, fb := a.Filter, b.Filter
	return a.Target == b.Target && a.Entry == b.Entry &&
		slices.Equal(fa.Topics, fb.Topics) && slices.Equal(fa.Keywords, fb.Keywords) &&
		slices.Equal(fa.NotTopics, fb.NotTopics) && slices.Equal(fa.NotKeywords, fb.NotKeywords) &&
		slices.Equal(fa.Feeds, fb.Feeds) &&
		slices.Equal(reStrings(fa.Regexps), reStrings(fb.Regexps)) &&
		slices.Equal(reStrings(fa.NotRegexps), reStrings(fb.NotRegexps)) &&
		samePlan(a.Plan, b.Plan)
}

func samePlan(a, b schedule.Plan) bool {
	cron := func(c *schedule.Cron) string {
		if c == nil {
			return ""
		}
		return c.String()
	}
	return cron(a.Digest) == cron(b.Digest) &&
		(a.Quiet == nil) == (b.Quiet == nil) && (a.Quiet == nil || *a.Quiet == *b.Quiet) &&
		(a.Trickle == nil) == (b.Trickle == nil) && (a.Trickle == nil || *a.Trickle == *b.Trickle) &&
		a.Silent == b.Silent && a.MentionRole == b.MentionRole && a.Location == b.Location
}

func berlin(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestParse(t *testing.T) {
	ber := berlin(t)
	tests := []struct {
		name string
		in   string
		// want is each rule's String.
		want []string
		// check looks at the rules more closely.
		check func(t *testing.T, rules []Rule)
	}{
		{"empty", "", nil, nil},
		{"blank entries", " ;\n ; \t;", nil, nil},
		{"one target", "discord:123", []string{"discord:123"}, func(t *testing.T, rules []Rule) {
			r := rules[0]
			if r.Entry != 1 || !r.Filter.IsZero() || !r.Plan.IsZero() || r.Plan.Location != ber {
				t.Errorf("rule = %+v", r)
			}
		}},
		{"entries numbered without the blank ones", ";discord:1;;\n\ntelegram:-100123;", []string{"discord:1", "telegram:-100123"}, func(t *testing.T, rules []Rule) {
			if rules[0].Entry != 1 || rules[1].Entry != 2 {
				t.Errorf("entries %d, %d", rules[0].Entry, rules[1].Entry)
			}
		}},
		{"telegram targets", "telegram:@world_news;telegram:-1001234567890;telegram:42",
			[]string{"telegram:@world_news", "telegram:-1001234567890", "telegram:42"}, nil},
		{"lists add up and keep their spelling", "discord:1 topics=China,Russia topics=Côte_d’Ivoire keywords=war",
			[]string{"discord:1 topics=China,Russia,Côte_d’Ivoire keywords=war"}, func(t *testing.T, rules []Rule) {
				if got := rules[0].Filter.Topics; !slices.Equal(got, []string{"China", "Russia", "Côte_d’Ivoire"}) {
					t.Errorf("topics = %q", got)
				}
			}},
		{"quoted list items", `discord:1 keywords="climate change",ukraine,` + "`a,b`",
			[]string{`discord:1 keywords="climate change",ukraine,"a,b"`}, func(t *testing.T, rules []Rule) {
				if got := rules[0].Filter.Keywords; !slices.Equal(got, []string{"climate change", "ukraine", "a,b"}) {
					t.Errorf("keywords = %q", got)
				}
			}},
		{"bare regex taken literally", `discord:1 regex=\bwar\b regex=(?i)a,b"c`,
			[]string{`discord:1 regex=\bwar\b regex=(?i)a,b"c`}, func(t *testing.T, rules []Rule) {
				res := reStrings(rules[0].Filter.Regexps)
				if !slices.Equal(res, []string{`\bwar\b`, `(?i)a,b"c`}) {
					t.Errorf("regexps = %q", res)
				}
			}},
		{"quoted regex with escapes, raw and a semicolon", "discord:1 regex=\"a\\\\s;b\" not-regex=`\\d+ km`",
			[]string{"discord:1 regex=`a\\s;b` not-regex=`\\d+ km`"}, func(t *testing.T, rules []Rule) {
				f := rules[0].Filter
				if reStrings(f.Regexps)[0] != `a\s;b` || reStrings(f.NotRegexps)[0] != `\d+ km` {
					t.Errorf("regexps = %q, %q", reStrings(f.Regexps), reStrings(f.NotRegexps))
				}
			}},
		{"every option, written in another order", "discord:1 silent mention=42 trickle=10/60m quiet=22:00-07:00,hold digest=\"0  8 * * *\" feeds=https://a.example/rss not-regex=sport not-keywords=football not-topics=Sport regex=x keywords=war topics=world",
			[]string{`discord:1 topics=world keywords=war regex=x not-topics=Sport not-keywords=football not-regex=sport feeds=https://a.example/rss digest="0 8 * * *" quiet=22:00-07:00,hold trickle=10/1h mention=42 silent`},
			func(t *testing.T, rules []Rule) {
				p := rules[0].Plan
				if p.Digest.String() != "0 8 * * *" || *p.Quiet != (schedule.Quiet{Start: 22 * 60, End: 7 * 60, Hold: true}) ||
					*p.Trickle != (schedule.Trickle{N: 10, Per: time.Hour}) || !p.Silent || p.MentionRole != "42" || p.Location != ber {
					t.Errorf("plan = %v", p)
				}
			}},
		{"newlines and tabs are white space", "discord:1\n\ttopics=a\n\tsilent;\ntelegram:@abcde\tquiet=22:00-07:00\n",
			[]string{"discord:1 topics=a silent", "telegram:@abcde quiet=22:00-07:00"}, nil},
		{"quiet silent by default", "telegram:@abcde quiet=22:00-07:00,silent", []string{"telegram:@abcde quiet=22:00-07:00"}, nil},
		{"digest descriptor", "telegram:@abcde digest=@daily", []string{"telegram:@abcde digest=@daily"}, nil},
		{"quoted values that need no quotes", `discord:1 topics="world" trickle="1/1s" mention="7"`, []string{"discord:1 topics=world trickle=1/1s mention=7"}, nil},
		{"unicode in a quoted item", `discord:1 keywords="Zürich\u00a0Nord"`, []string{`discord:1 keywords="Zürich\u00a0Nord"`}, nil},
		{"same chat on two platforms", "discord:123;telegram:123", []string{"discord:123", "telegram:123"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, err := Parse(tt.in, ber)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rules {
				got = append(got, r.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("rules = %q, want %q", got, tt.want)
			}
			if tt.check != nil {
				tt.check(t, rules)
			}
			// The canonical form reads back to the same rules.
			again, err := Parse(strings.Join(got, ";"), ber)
			if err != nil {
				t.Fatalf("%q does not parse again: %v", got, err)
			}
			if len(again) != len(rules) {
				t.Fatalf("%q parses to %d rules, want %d", got, len(again), len(rules))
			}
			for i := range rules {
				if !sameRule(rules[i], again[i]) {
					t.Errorf("rule %q reads back as %q", rules[i], again[i])
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		entry int
		text  string
		col   int
		want  string
	}{
		{"the example", "discord:1;\ntelegram:@abcde quiet=25:00-07:00", 2, "telegram:@abcde quiet=25:00-07:00", 17,
			`quiet: want HH:MM-HH:MM (00:00-23:59), optionally ",hold" or ",silent"`},
		{"unknown option", "discord:1 topic=world", 1, "discord:1 topic=world", 11,
			`unknown option "topic": want topics=, keywords=, regex=, not-topics=, not-keywords=, not-regex=, feeds=, digest=, quiet=, trickle=, mention= or silent`},
		{"unknown flag", "discord:1 loud", 1, "discord:1 loud", 11, `unknown option "loud"`},
		{"keys are lower case", "discord:1 Topics=world", 1, "discord:1 Topics=world", 11, `unknown option "Topics"`},
		{"missing value", "discord:1 topics= silent", 1, "discord:1 topics= silent", 11, "topics: missing value"},
		{"missing value at the end", "discord:1 digest=", 1, "discord:1 digest=", 11, "digest: missing value"},
		{"list option without =", "discord:1 keywords", 1, "discord:1 keywords", 11, "keywords: missing value"},
		{"empty quoted value", `discord:1 regex=""`, 1, `discord:1 regex=""`, 11, "regex: missing value"},
		{"empty list item", "discord:1 topics=a,,b", 1, "discord:1 topics=a,,b", 20, "topics: empty list item"},
		{"space after a comma", "discord:1 topics=a, b", 1, "discord:1 topics=a, b", 20, "topics: empty list item (no spaces after commas"},
		{"leading comma", "discord:1 feeds=,https://a.example/", 1, "discord:1 feeds=,https://a.example/", 17, "feeds: empty list item"},
		{"empty quoted item", `discord:1 keywords=a,""`, 1, `discord:1 keywords=a,""`, 22, `keywords: "" has no letters or digits`},
		{"item without words", "discord:1 not-topics=sport,!!!", 1, "discord:1 not-topics=sport,!!!", 28, `not-topics: "!!!" has no letters or digits`},
		{"unterminated quote", `discord:1 keywords="climate change;telegram:1`, 1, `discord:1 keywords="climate change;telegram:1`, 20, "keywords: unterminated quote"},
		{"unterminated raw quote", "discord:1 regex=`a", 1, "discord:1 regex=`a", 17, "regex: unterminated quote"},
		{"bad escape", `discord:1 keywords="a\qb"`, 1, `discord:1 keywords="a\qb"`, 20, `keywords: "a\qb" is not a valid Go string literal`},
		{"text after a quote", `discord:1 keywords="a"b`, 1, `discord:1 keywords="a"b`, 23, "keywords: want ',', white space or ';' after the closing quote"},
		{"text after a quoted value", `discord:1 digest="@daily"x`, 1, `discord:1 digest="@daily"x`, 26, "digest: want white space or ';' after the closing quote"},
		{"option without a key", "discord:1 =x", 1, "discord:1 =x", 11, "want an option"},
		{"unknown platform", "slack:1", 1, "slack:1", 1, `unknown platform "slack": want discord:<channel id> or telegram:<chat id or @name>`},
		{"console is not a route", "console:stdout", 1, "console:stdout", 1, `unknown platform "console"`},
		{"no platform", "123 topics=a", 1, "123 topics=a", 1, `target "123": want discord:<channel id> or telegram:<chat id or @name>`},
		{"option first", "topics=a discord:1", 1, "topics=a discord:1", 1, `target "topics=a": want discord:`},
		{"empty discord channel", "discord:", 1, "discord:", 1, "discord: empty channel ID"},
		{"empty telegram chat", "telegram: topics=a", 1, "telegram: topics=a", 1, "telegram: empty chat"},
		{"discord channel not digits", "discord:#news", 1, "discord:#news", 1, `discord channel "#news" is not a channel ID: digits only`},
		{"telegram name too short", "telegram:@abcd", 1, "telegram:@abcd", 1, `telegram chat "@abcd" is neither a numeric chat ID (-1001234567890) nor an @name of 5 to 32 letters, digits or _`},
		{"telegram name too long", "telegram:@" + strings.Repeat("a", 33), 1, "telegram:@" + strings.Repeat("a", 33), 1, "is neither a numeric chat ID"},
		{"telegram name without @", "telegram:worldnews", 1, "telegram:worldnews", 1, "is neither a numeric chat ID"},
		{"telegram name with a dash", "telegram:@world-news", 1, "telegram:@world-news", 1, "is neither a numeric chat ID"},
		{"bad regex", "discord:1 regex=(war", 1, "discord:1 regex=(war", 11, "regex: error parsing regexp: missing closing ): `(war`"},
		{"bad exclusion regex", "discord:1 not-regex=a**", 1, "discord:1 not-regex=a**", 11, "not-regex: error parsing regexp: invalid nested repetition operator: `**`"},
		{"mention on telegram", "telegram:@abcde mention=42", 1, "telegram:@abcde mention=42", 17, "mention: only Discord has roles to mention"},
		{"mention not digits", "discord:1 mention=@everyone", 1, "discord:1 mention=@everyone", 11, `mention: "@everyone" is not a Discord role ID`},
		{"bad cron", `discord:1 digest="0 8 * *"`, 1, `discord:1 digest="0 8 * *"`, 11, "digest: expected exactly 5 fields, found 4"},
		{"cron out of range", `discord:1 digest="0 25 * * *"`, 1, `discord:1 digest="0 25 * * *"`, 11, "digest: end of range (25) above maximum (23)"},
		{"cron with a time zone", `discord:1 digest="TZ=UTC 0 8 * * *"`, 1, `discord:1 digest="TZ=UTC 0 8 * * *"`, 11, "digest: the time zone is HERALD_TIMEZONE's"},
		{"bare cron stops at a space", "discord:1 digest=0 8 * * *", 1, "discord:1 digest=0 8 * * *", 11, "digest: expected exactly 5 fields, found 1"},
		{"quiet starts where it ends", "discord:1 quiet=07:00-07:00", 1, "discord:1 quiet=07:00-07:00", 11, "quiet: the window starts where it ends"},
		{"quiet mode", "discord:1 quiet=22:00-07:00,mute", 1, "discord:1 quiet=22:00-07:00,mute", 11, "quiet: want HH:MM-HH:MM"},
		{"trickle", "discord:1 trickle=10/100ms", 1, "discord:1 trickle=10/100ms", 11, "trickle: want N/DURATION"},
		{"option twice", "discord:1 quiet=22:00-07:00 trickle=1/1h quiet=23:00-06:00", 1, "discord:1 quiet=22:00-07:00 trickle=1/1h quiet=23:00-06:00", 42, "quiet: given twice"},
		{"silent with a value", "discord:1 silent=true", 1, "discord:1 silent=true", 11, "silent takes no value"},
		{"feed not a URL", "discord:1 feeds=example.com/rss", 1, "discord:1 feeds=example.com/rss", 17, `feeds: "example.com/rss" is not an http(s) URL`},
		{"same target twice", "discord:1 topics=a;\n  telegram:@abcde;discord:1 topics=b", 3, "discord:1 topics=b", 1, "discord:1 is already routed by entry 1"},
		{"columns count characters", "discord:1 keywords=Zürich,ümlaut,,x", 1, "discord:1 keywords=Zürich,ümlaut,,x", 34, "keywords: empty list item"},
		{"columns across lines", "discord:1\n  topics=a,", 1, "discord:1\n  topics=a,", 22, "topics: empty list item"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, err := Parse(tt.in, time.UTC)
			if err == nil {
				t.Fatalf("Parse = %v, want an error", rules)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, want *ParseError", err, err)
			}
			if pe.Entry != tt.entry || pe.Text != tt.text || pe.Col != tt.col || !strings.Contains(pe.Expected, tt.want) {
				t.Errorf("error = entry %d %q column %d %q,\nwant entry %d %q column %d %q", pe.Entry, pe.Text, pe.Col, pe.Expected, tt.entry, tt.text, tt.col, tt.want)
			}
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := Parse("discord:1; telegram:@abcde quiet=25:00-07:00", nil)
	want := `HERALD_ROUTES entry 2 "telegram:@abcde quiet=25:00-07:00", column 17: quiet: want HH:MM-HH:MM (00:00-23:59), optionally ",hold" or ",silent"`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v,\nwant %s", err, want)
	}
}

func TestDescribe(t *testing.T) {
	ber := berlin(t)
	tests := []struct{ in, want string }{
		{"discord:1", "discord:1 ← every article"},
		{`discord:123 topics=china,russia keywords="climate change" not-regex=(?i)sport digest="0 8 * * *" mention=42`,
			`discord:123 ← articles about china or russia, or mentioning "climate change"; not matching /sport/i; digest 0 8 * * * (Europe/Berlin); mention role 42`},
		{`telegram:@abcde regex=\bwar\b regex=(?i)peace not-topics=sport not-keywords=football,"world cup" feeds=https://a.example/rss,https://b.example/rss quiet=22:00-07:00,hold trickle=10/1h silent`,
			`telegram:@abcde ← articles matching /\bwar\b/ or /peace/i; not about sport, not mentioning "football" or "world cup"; only from https://a.example/rss or https://b.example/rss; quiet 22:00-07:00 held (Europe/Berlin); at most 10 per 1h; silent`},
		{"telegram:@abcde quiet=22:00-07:00", "telegram:@abcde ← every article; quiet 22:00-07:00 silent (Europe/Berlin)"},
	}
	for _, tt := range tests {
		rules, err := Parse(tt.in, ber)
		if err != nil {
			t.Fatal(err)
		}
		if got := rules[0].Describe(); got != tt.want {
			t.Errorf("Describe(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
		}
	}
	if got := (Rule{Target: herald.Target{Platform: herald.Discord, Chat: "1"}, Plan: schedule.Plan{Digest: mustCron(t, "@daily")}}).Describe(); got != "discord:1 ← every article; digest @daily (UTC)" {
		t.Errorf("Describe without a location = %q", got)
	}
}

func mustCron(t testing.TB, expr string) *schedule.Cron {
	t.Helper()
	c, err := schedule.ParseCron(expr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestShorthandRuleString(t *testing.T) {
	r := Rule{Target: herald.Target{Platform: herald.Telegram, Chat: "@newsroom"}}
	if got := r.String(); got != "telegram:@newsroom" {
		t.Errorf("String = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"discord:1 topics=China,Russia keywords=\"climate change\",ukraine regex=\\bwar\\b not-regex=(?i)sport",
		"telegram:@abcde quiet=22:00-07:00,hold trickle=10/1h digest=\"0 8 * * *\" silent;discord:2 mention=42",
		"discord:1 feeds=https://a.example/rss not-topics=x not-keywords=`a b`",
		"discord:1 topics=a,,b", "discord:1 keywords=\"a", "discord:1; discord:1", ";;", "discord:1 regex=\"\\x00\\n\"",
		"telegram:-100123 keywords=\"\xff\",`x`", "discord:1 regex=a\"b;c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rules, err := Parse(s, time.UTC)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Entry < 1 || pe.Col < 1 || pe.Expected == "" {
				t.Fatalf("Parse(%q) error %#v", s, err)
			}
			return
		}
		lines := make([]string, len(rules))
		for i, r := range rules {
			lines[i] = r.String()
			if strings.ContainsAny(lines[i], "\n\r") {
				t.Fatalf("String of a rule of %q is not one line: %q", s, lines[i])
			}
			_ = r.Describe()
		}
		again, err := Parse(strings.Join(lines, ";"), time.UTC)
		if err != nil {
			t.Fatalf("Parse(%q): the rules %q do not parse again: %v", s, lines, err)
		}
		if len(again) != len(rules) {
			t.Fatalf("Parse(%q): %q parses to %d rules, want %d", s, lines, len(again), len(rules))
		}
		for i := range rules {
			if !sameRule(rules[i], again[i]) {
				t.Fatalf("Parse(%q): rule %q reads back as %q", s, rules[i], again[i])
			}
		}
	})
}

func reStrings[R fmt.Stringer](res []R) []string {
	out := make([]string, len(res))
	for i, re := range res {
		out[i] = re.String()
	}
	return out
}
