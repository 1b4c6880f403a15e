package extract

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// checkClean fails when s is not clean text: valid UTF-8, no control
// characters, no leading, trailing or doubled spaces.
func checkClean(t *testing.T, what, s string) {
	t.Helper()
	if !isCleanText(s) {
		t.Fatalf("%s is not clean text: %q", what, s)
	}
}

func FuzzSplitDateline(f *testing.F) {
	for _, s := range []string{
		"Beijing, 8 April 2024 (TDI): Russia's foreign minister arrived.",
		"WASHINGTON (AP) — The Senate voted.",
		"LONDON, April 8 (Reuters) - Shares rose.",
		"Canadian Press - VANCOUVER (CP) - Police said.",
		"By JANE ROE    DALLAS (AP) -- Dell said.",
		"sioux falls, april 7 - Shr 12 cts.",
		"MONTREAL, Feb 26- Shr 1.11 dlrs.",
		"Feb. 23, 2015 -- Allergies are rising.",
		"The minister, who spoke on Monday - and again later - said no.",
		"Apple (AAPL) - the company said.",
		"CAIRO—Gunmen opened fire.",
		"SÃO PAULO (Reuters) - The real firmed.",
		"\xff\xfe - x",
		"(((( - ",
	} {
		f.Add(s, int64(0))
		f.Add(s, int64(544867200))
	}
	f.Fuzz(func(t *testing.T, in string, unix int64) {
		var published time.Time
		if unix != 0 {
			published = time.Unix(unix%(1<<40), 0)
		}
		d, rest := SplitDateline(in, published)
		if d.IsZero() {
			if d.Place != "" || d.Date != "" || d.Agency != "" || rest != in {
				t.Fatalf("no dateline but %+v, rest %q", d, rest)
			}
			return
		}
		if !strings.HasSuffix(in, rest) || len(rest) >= len(in) || rest == "" {
			t.Fatalf("rest %q is not a proper suffix of %q", rest, in)
		}
		if !strings.Contains(clean(in), d.Text) {
			t.Fatalf("dateline text %q not in input %q", d.Text, in)
		}
		for _, w := range strings.Fields(strings.ReplaceAll(d.Place, ",", " ")) {
			if !strings.Contains(d.Text, w) {
				t.Fatalf("place word %q not in dateline text %q", w, d.Text)
			}
		}
		if !strings.Contains(d.Text, d.Agency) {
			t.Fatalf("agency %q not in dateline text %q", d.Agency, d.Text)
		}
		if d.Date != "" {
			if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
				t.Fatalf("date %q: %v", d.Date, err)
			}
		}
		if utf8.ValidString(in) {
			for _, s := range []string{d.Text, d.Place, d.Agency, rest} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 out of valid input: %q", s)
				}
			}
			checkClean(t, "dateline text", d.Text)
		}
	})
}

func FuzzLead(f *testing.F) {
	for _, s := range []string{
		"<p>Photo by Jane Doe</p><p>" + realLead + "</p>",
		"HomeWorldAsiaHeadline\n\nHeadline\n\nBeijing, 8 April 2024 (TDI): A lead that is long enough to count as one.",
		"<div><ul><li>Read more</li></ul><blockquote>quote</blockquote></div>",
		"<p>a &lt;b&gt; &amp;#8217; c</p><script>x</script>",
		"plain\r\ntext\n\nwith blank lines",
		"<p>\xff\x00</p>",
		"<table><tr><td>cell</td></tr></table>",
		strings.Repeat("<div>", 600) + "deep" + strings.Repeat("</div>", 600),
	} {
		f.Add(s, "Headline")
	}
	f.Fuzz(func(t *testing.T, content, headline string) {
		got := Lead(content, headline)
		checkClean(t, "lead", got)
		if got != "" && Text(content) == "" && !looksLikeHTML(content) {
			t.Fatalf("lead %q from content with no text %q", got, content)
		}
	})
}

func FuzzText(f *testing.F) {
	for _, s := range []string{
		"Fish &amp; chips &mdash; &quot;fresh&quot;",
		"It&amp;#8217;s <b>here</b>",
		"<p>One</p><script>drop()</script><p>Two</p>",
		"a\xffb\x00c\u200bd\u202ee",
		"3 < 4 and 5 > 2",
		"&#0; &#xD800; &#x110000;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Text(in)
		checkClean(t, "text", got)
		if !strings.ContainsAny(in, "<&") && utf8.ValidString(in) {
			// Without markup, Text only removes characters and spaces.
			if len(got) > len(in) {
				t.Fatalf("Text(%q) = %q grew", in, got)
			}
		}
	})
}
