package formatter

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// addArticleSeeds seeds a fuzz target whose arguments are an article's
// headline, dateline, lead, URL, source, topic and image.
func addArticleSeeds(f *testing.F) {
	for _, fx := range append(fixtures(), hostileFixtures()...) {
		a := fx.article
		topic := ""
		if len(a.Topics) > 0 {
			topic = a.Topics[0]
		}
		f.Add(a.Headline, a.Dateline.Text, a.Lead, a.URL, a.Source, topic, a.Image)
	}
	f.Add("**x** [y](http://z) @everyone", "`*`", "<a href='x'>", "https://a.example/?a=<b>", "@here", "#tag", "https://a.example/i")
	f.Add("", "", "", "", "", "", "")
}

func fuzzArticle(headline, dateline, lead, link, source, topic, image string) herald.Article {
	return herald.Article{
		URL:      link,
		Headline: headline,
		Dateline: herald.Dateline{Text: dateline},
		Lead:     lead,
		Topics:   []string{topic, topic + " " + headline},
		Image:    image,
		Source:   source,
	}
}

func FuzzTelegram(f *testing.F) {
	addArticleSeeds(f)
	f.Fuzz(func(t *testing.T, headline, dateline, lead, link, source, topic, image string) {
		a := fuzzArticle(headline, dateline, lead, link, source, topic, image)
		m := Telegram(a)
		if err := checkTelegram(m); err != nil {
			t.Fatalf("%v\ntext: %q", err, m.Text)
		}
		doc, err := parseTelegram(m.Text)
		if err != nil {
			t.Fatal(err)
		}
		if want := title(a); !isCutOf(doc.bold, want) {
			t.Fatalf("bold text %q is not the headline %q or a cut of it", doc.bold, want)
		}
		if strings.Contains(doc.visible, "\x1b") || strings.Contains(doc.visible, "\u202e") {
			t.Fatalf("visible text holds control characters: %q", doc.visible)
		}
	})
}

func FuzzDiscord(f *testing.F) {
	addArticleSeeds(f)
	f.Fuzz(func(t *testing.T, headline, dateline, lead, link, source, topic, image string) {
		a := fuzzArticle(headline, dateline, lead, link, source, topic, image)
		msg := Discord(a)
		if err := checkDiscord(msg); err != nil {
			t.Fatal(err)
		}
		noZWSP := func(s string) string { return strings.ReplaceAll(s, zeroWidthSpace, "") }
		got, want := noZWSP(unescapeMarkdown(msg.Embeds[0].Title)), noZWSP(title(a))
		if !isCutOf(got, want) {
			t.Fatalf("title %q unescapes to %q, not the headline %q or a cut of it", msg.Embeds[0].Title, got, want)
		}
	})
}

func FuzzConsole(f *testing.F) {
	addArticleSeeds(f)
	f.Fuzz(func(t *testing.T, headline, dateline, lead, link, source, topic, image string) {
		if err := checkConsole(Console(fuzzArticle(headline, dateline, lead, link, source, topic, image))); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzTruncate(f *testing.F) {
	for _, s := range []string{"", "the quick brown fox", "日本語のテキスト", "cafe\u0301 noir", "a👩\u200d💻b", "🇳🇿🇯🇵🇫🇷", "ab\xffcd", "one, two, three"} {
		for _, max := range []int{-1, 0, 1, 2, 5, 10, 100} {
			f.Add(s, max)
		}
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		max %= 1 << 16
		for _, c := range []struct {
			name  string
			cut   func(string, int) string
			count func(string) int
		}{
			{"Truncate", Truncate, utf8.RuneCountInString},
			{"TruncateUTF16", TruncateUTF16, UTF16Len},
		} {
			got := c.cut(s, max)
			valid := strings.ToValidUTF8(s, "\uFFFD")
			switch {
			case !utf8.ValidString(got):
				t.Fatalf("%s(%q, %d) = %q is not valid UTF-8", c.name, s, max, got)
			case max <= 0 && got != "":
				t.Fatalf("%s(%q, %d) = %q, want empty", c.name, s, max, got)
			case max > 0 && c.count(got) > max:
				t.Fatalf("%s(%q, %d) = %q is %d long", c.name, s, max, got, c.count(got))
			case max > 0 && c.count(valid) <= max && got != valid:
				t.Fatalf("%s(%q, %d) = %q, want it unchanged", c.name, s, max, got)
			case max > 0 && c.count(valid) > max:
				kept, ok := strings.CutSuffix(got, Ellipsis)
				if !ok || !strings.HasPrefix(valid, kept) {
					t.Fatalf("%s(%q, %d) = %q is not a prefix and an ellipsis", c.name, s, max, got)
				}
				if splitsCluster(kept, valid[len(kept):]) {
					t.Fatalf("%s(%q, %d) = %q splits a grapheme cluster", c.name, s, max, got)
				}
			}
		}
	})
}

// splitsCluster reports whether cutting between kept and rest splits a
// combining sequence or a regional-indicator pair.
func splitsCluster(kept, rest string) bool {
	if kept == "" || rest == "" {
		return false
	}
	next, _ := utf8.DecodeRuneInString(rest)
	if extends(next) {
		return true
	}
	if !isRegionalIndicator(next) {
		return false
	}
	n := 0
	for s := kept; s != ""; {
		r, size := utf8.DecodeLastRuneInString(s)
		if !isRegionalIndicator(r) {
			break
		}
		n++
		s = s[:len(s)-size]
	}
	return n%2 == 1
}

// addDigestSeeds seeds a fuzz target whose arguments are an article's
// headline, dateline, lead, URL, source, topic and image, and how many
// times the digest repeats it.
func addDigestSeeds(f *testing.F) {
	for i, fx := range append(fixtures(), hostileFixtures()...) {
		a := fx.article
		f.Add(a.Headline, a.Dateline.Text, a.Lead, a.URL, a.Source, a.Dateline.Place, a.Dateline.Date, uint8(1+i*17))
	}
	f.Add("[x](y)", "", "", "https://a.example/(1)", "", "<@&1>", "2024-02-30", uint8(200))
	f.Add("", "", "", "", "", "", "", uint8(0))
}

// fuzzDigest makes a digest of count+1 articles built from the
// arguments, each a little different.
func fuzzDigest(headline, dateline, source, link, lead, place, date string, count uint8) herald.Digest {
	var articles []herald.Article
	for i := range int(count) + 1 {
		a := herald.Article{
			URL:      link,
			Headline: headline,
			Dateline: herald.Dateline{Text: dateline, Place: place, Date: date},
			Lead:     lead,
			Source:   source,
		}
		switch i % 3 {
		case 1:
			a.Headline = lead + headline
		case 2:
			a.URL = "https://news.example/" + url.PathEscape(headline)
		}
		articles = append(articles, a)
	}
	return digestOf(articles...)
}

func FuzzDiscordDigest(f *testing.F) {
	addDigestSeeds(f)
	f.Fuzz(func(t *testing.T, headline, dateline, lead, link, source, place, date string, count uint8) {
		dg := fuzzDigest(headline, dateline, source, link, lead, place, date, count)
		dg.Silent, dg.MentionRole = count%2 == 0, place
		m, n := DiscordDigest(dg)
		if n < 1 || n > len(dg.Deliveries) {
			t.Fatalf("n = %d of %d", n, len(dg.Deliveries))
		}
		if err := checkDiscordDigest(m, n, dg); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzTelegramDigest(f *testing.F) {
	addDigestSeeds(f)
	f.Fuzz(func(t *testing.T, headline, dateline, lead, link, source, place, date string, count uint8) {
		dg := fuzzDigest(headline, dateline, source, link, lead, place, date, count)
		dg.Silent = count%2 == 1
		m, n := TelegramDigest(dg)
		if n < 1 || n > len(dg.Deliveries) {
			t.Fatalf("n = %d of %d", n, len(dg.Deliveries))
		}
		if err := checkTelegramDigest(m, n, dg); err != nil {
			t.Fatalf("%v\ntext: %q", err, m.Text)
		}
	})
}

func FuzzConsoleDigest(f *testing.F) {
	addDigestSeeds(f)
	f.Fuzz(func(t *testing.T, headline, dateline, lead, link, source, place, date string, count uint8) {
		dg := fuzzDigest(headline, dateline, source, link, lead, place, date, count)
		s, n := ConsoleDigest(dg)
		if n != len(dg.Deliveries) {
			t.Fatalf("n = %d of %d", n, len(dg.Deliveries))
		}
		if !utf8.ValidString(s) {
			t.Fatalf("not valid UTF-8: %q", s)
		}
		for _, r := range s {
			if r != '\n' && (unicode.IsControl(r) || dropped(r)) {
				t.Fatalf("console text holds %U: %q", r, s)
			}
		}
		if got := strings.Count(s, "\n"+digestBullet); got != n {
			t.Fatalf("%d bullets for %d articles", got, n)
		}
	})
}
