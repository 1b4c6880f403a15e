package formatter

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/heraldhq/herald"
)

// digestOf makes a digest of the articles, delivery IDs counting from 1.
func digestOf(articles ...herald.Article) herald.Digest {
	dg := herald.Digest{
		Target: herald.Target{Platform: herald.Discord, Chat: "111"},
		At:     time.Date(2024, 4, 8, 18, 0, 0, 0, time.UTC),
	}
	for i, a := range articles {
		dg.Deliveries = append(dg.Deliveries, herald.Delivery{ID: int64(i + 1), Target: dg.Target, Article: a, Digest: true})
	}
	return dg
}

// fixtureDigest is the digest of every fixture article, for golden files.
func fixtureDigest() herald.Digest {
	var articles []herald.Article
	for _, fx := range fixtures() {
		articles = append(articles, fx.article)
	}
	return digestOf(articles...)
}

func TestDigestTitle(t *testing.T) {
	for n, want := range map[int]string{
		1:   "News digest — 1 article",
		2:   "News digest — 2 articles",
		7:   "News digest — 7 articles",
		100: "News digest — 100 articles",
	} {
		if got := DigestTitle(n); got != want {
			t.Errorf("DigestTitle(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDigestWhere(t *testing.T) {
	tests := []struct {
		name string
		in   herald.Dateline
		want string
	}{
		{"place and date", herald.Dateline{Text: "Beijing, 8 April 2024 (TDI)", Place: "Beijing", Date: "2024-04-08"}, "Beijing, 8 Apr 2024"},
		{"place only", herald.Dateline{Text: "CAIRO", Place: "CAIRO"}, "CAIRO"},
		{"date only", herald.Dateline{Text: "April 8", Date: "2024-04-08"}, "8 Apr 2024"},
		{"date not ISO", herald.Dateline{Text: "x", Place: "Oslo", Date: "spring"}, "Oslo, spring"},
		{"text only", herald.Dateline{Text: "Springfield, 1 June (TDI)"}, "Springfield, 1 June (TDI)"},
		{"none", herald.Dateline{}, ""},
		{"cleaned", herald.Dateline{Text: "x", Place: "\u202eOslo\x1b[0m\n"}, "Oslo[0m"},
		{"long place cut", herald.Dateline{Text: "x", Place: strings.Repeat("a", 100)}, strings.Repeat("a", maxDigestPlace-1) + Ellipsis},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := digestWhere(tt.in); got != tt.want {
				t.Errorf("digestWhere(%+v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDiscordDigest(t *testing.T) {
	wire := fixtures()[0].article
	dg := digestOf(wire,
		herald.Article{Headline: "Ferry *plan* <@&5> approved", URL: "https://a.example/f(1)"},
		herald.Article{Source: "Desk", Dateline: herald.Dateline{Text: "OSLO", Place: "OSLO"}})
	m, n := DiscordDigest(dg)
	if n != 3 {
		t.Fatalf("n = %d, want 3", n)
	}
	if err := checkDiscordDigest(m, n, dg); err != nil {
		t.Fatal(err)
	}
	e := m.Embeds[0]
	want := "• [Trade ministers agree to extend rail freight corridor to the coast](https://news.example.com/world/asia/rail-corridor) — Beijing, 8 Apr 2024\n" +
		`• [Ferry \*plan\* \<@&5\> approved](https://a.example/f%281%29)` + "\n" +
		"• Desk — OSLO"
	if e.Description != want {
		t.Errorf("description\n%q\nwant\n%q", e.Description, want)
	}
	if e.Title != "News digest — 3 articles" || e.Timestamp != "2024-04-08T18:00:00Z" || e.Color != DiscordColor {
		t.Errorf("title %q, timestamp %q, colour %#x", e.Title, e.Timestamp, e.Color)
	}
	b, _ := json.Marshal(m)
	for _, part := range []string{`"allowed_mentions":{"parse":[],"replied_user":false}`, `"components":null`} {
		if !strings.Contains(string(b), part) {
			t.Errorf("message %s lacks %s", b, part)
		}
	}
	if m.Content != "" || m.Flags != 0 {
		t.Errorf("content %q flags %d, want none", m.Content, m.Flags)
	}
}

func TestTelegramDigest(t *testing.T) {
	wire := fixtures()[0].article
	dg := digestOf(wire,
		herald.Article{Headline: "Ferry <plan> & more", URL: `https://a.example/?q="x"&y`},
		herald.Article{Headline: "No link", URL: "javascript:alert(1)"})
	m, n := TelegramDigest(dg)
	if n != 3 {
		t.Fatalf("n = %d, want 3", n)
	}
	if err := checkTelegramDigest(m, n, dg); err != nil {
		t.Fatal(err)
	}
	want := "<b>News digest — 3 articles</b>\n\n" +
		`• <a href="https://news.example.com/world/asia/rail-corridor">Trade ministers agree to extend rail freight corridor to the coast</a> — Beijing, 8 Apr 2024` + "\n" +
		`• <a href="https://a.example/?q=&#34;x&#34;&amp;y">Ferry &lt;plan&gt; &amp; more</a>` + "\n" +
		"• No link"
	if m.Text != want {
		t.Errorf("text\n%q\nwant\n%q", m.Text, want)
	}
	p := m.Params()
	if p["link_preview_options"] != `{"is_disabled":true}` || p["parse_mode"] != "HTML" {
		t.Errorf("params %v", p)
	}
	if _, ok := p["reply_markup"]; ok {
		t.Errorf("a digest has a keyboard: %v", p)
	}
	if _, ok := p["disable_notification"]; ok {
		t.Errorf("a digest that is not silent sends disable_notification: %v", p)
	}
}

func TestConsoleDigest(t *testing.T) {
	dg := digestOf(fixtures()[0].article, herald.Article{Headline: "\x1b[2JSecond", URL: "https://a.example/2"}, herald.Article{})
	got, n := ConsoleDigest(dg)
	want := "News digest — 3 articles\n" +
		"• Trade ministers agree to extend rail freight corridor to the coast — Beijing, 8 Apr 2024\n" +
		"  https://news.example.com/world/asia/rail-corridor\n" +
		"• [2JSecond\n" +
		"  https://a.example/2\n" +
		"• Untitled article"
	if n != 3 || got != want {
		t.Errorf("ConsoleDigest = %d,\n%q\nwant 3,\n%q", n, got, want)
	}
}

func TestDigestEmpty(t *testing.T) {
	if m, n := DiscordDigest(herald.Digest{}); m != nil || n != 0 {
		t.Errorf("DiscordDigest(empty) = %v, %d", m, n)
	}
	if m, n := TelegramDigest(herald.Digest{}); m.Text != "" || n != 0 {
		t.Errorf("TelegramDigest(empty) = %+v, %d", m, n)
	}
	if s, n := ConsoleDigest(herald.Digest{}); s != "" || n != 0 {
		t.Errorf("ConsoleDigest(empty) = %q, %d", s, n)
	}
}

// TestDigestSplits renders a digest too large for one message again and
// again from where the last message stopped: every message keeps the
// limits, holds at least one article, and together they hold every
// article once, in order.
func TestDigestSplits(t *testing.T) {
	var articles []herald.Article
	for i := range 300 {
		articles = append(articles, herald.Article{
			Headline: fmt.Sprintf("Story %d: %s", i, strings.Repeat("words & <more> ", i%20)),
			URL:      fmt.Sprintf("https://news.example/%d/%s", i, strings.Repeat("path/", i%30)),
			Dateline: herald.Dateline{Text: "x", Place: "Wellington", Date: "2025-06-01"},
		})
	}
	all := digestOf(articles...)
	renderers := []struct {
		name   string
		render func(herald.Digest) (int, error)
	}{
		{"discord", func(dg herald.Digest) (int, error) {
			m, n := DiscordDigest(dg)
			return n, checkDiscordDigest(m, n, dg)
		}},
		{"telegram", func(dg herald.Digest) (int, error) {
			m, n := TelegramDigest(dg)
			return n, checkTelegramDigest(m, n, dg)
		}},
	}
	for _, r := range renderers {
		t.Run(r.name, func(t *testing.T) {
			dg, messages := all, 0
			for len(dg.Deliveries) > 0 {
				n, err := r.render(dg)
				if err != nil {
					t.Fatalf("message %d: %v", messages, err)
				}
				if n < 1 || n > len(dg.Deliveries) {
					t.Fatalf("message %d holds %d of %d", messages, n, len(dg.Deliveries))
				}
				dg.Deliveries = dg.Deliveries[n:]
				messages++
			}
			if messages < 3 {
				t.Errorf("300 articles fit in %d messages: the test does not split", messages)
			}
		})
	}
}

func TestTelegramDigestEntityCap(t *testing.T) {
	var articles []herald.Article
	for i := range 150 {
		articles = append(articles, herald.Article{Headline: "a", URL: fmt.Sprintf("https://a.example/%d", i)})
	}
	dg := digestOf(articles...)
	m, n := TelegramDigest(dg)
	if n != telegramMaxEntities-1 {
		t.Errorf("n = %d, want %d: the title and one link each", n, telegramMaxEntities-1)
	}
	if err := checkTelegramDigest(m, n, dg); err != nil {
		t.Error(err)
	}
}

// TestDigestOneHugeArticle gives digests whose first article cannot fit
// as it is: it is cut, never left out.
func TestDigestOneHugeArticle(t *testing.T) {
	parens := "https://a.example/" + strings.Repeat("()", 1000)
	for _, fx := range append(hostileFixtures(), fixture{"parens", herald.Article{Headline: "p", URL: parens}}) {
		t.Run(fx.name, func(t *testing.T) {
			dg := digestOf(fx.article, fx.article)
			if m, n := DiscordDigest(dg); n < 1 {
				t.Errorf("Discord: n = %d", n)
			} else if err := checkDiscordDigest(m, n, dg); err != nil {
				t.Errorf("Discord: %v", err)
			}
			if m, n := TelegramDigest(dg); n < 1 {
				t.Errorf("Telegram: n = %d", n)
			} else if err := checkTelegramDigest(m, n, dg); err != nil {
				t.Errorf("Telegram: %v", err)
			}
		})
	}
}

func TestDigestSilentAndRole(t *testing.T) {
	dg := digestOf(fixtures()[0].article)
	dg.Silent, dg.MentionRole = true, "123456789012345678"
	m, _ := DiscordDigest(dg)
	if m.Flags != discordgo.MessageFlagsSuppressNotifications || m.Content != "<@&123456789012345678>" {
		t.Errorf("flags %d content %q", m.Flags, m.Content)
	}
	if am, _ := json.Marshal(m.AllowedMentions); string(am) != `{"parse":[],"roles":["123456789012345678"],"replied_user":false}` {
		t.Errorf("allowed_mentions %s", am)
	}
	tg, _ := TelegramDigest(dg)
	if tg.Params()["disable_notification"] != "true" {
		t.Errorf("silent digest params %v", tg.Params())
	}
}

// checkDiscordDigest reports the first way a digest message breaks what
// Discord accepts or what DiscordDigest promises for dg.
func checkDiscordDigest(m *discordgo.MessageSend, n int, dg herald.Digest) error {
	if m == nil || len(m.Embeds) != 1 {
		return fmt.Errorf("message %+v, want one embed", m)
	}
	if err := checkNotify(m, dg.Silent, dg.MentionRole); err != nil {
		return err
	}
	e := m.Embeds[0]
	if e.Title != DigestTitle(n) {
		return fmt.Errorf("title %q for %d articles", e.Title, n)
	}
	if !utf8.ValidString(e.Description) {
		return fmt.Errorf("description is not valid UTF-8: %q", e.Description)
	}
	if d := utf8.RuneCountInString(e.Description); d > DiscordDescriptionMax || d+utf8.RuneCountInString(e.Title) > DiscordEmbedMax {
		return fmt.Errorf("description of %d runes", d)
	}
	lines := strings.Split(e.Description, "\n")
	if len(lines) != n {
		return fmt.Errorf("%d lines for %d articles", len(lines), n)
	}
	for i, l := range lines {
		if err := checkDiscordDigestLine(l, dg.Deliveries[i].Article); err != nil {
			return fmt.Errorf("line %d %q: %w", i, l, err)
		}
	}
	return nil
}

// checkDiscordDigestLine checks one line: a bullet, then either an
// escaped headline or a markdown link whose text is one and whose target
// is the article's web URL, then the escaped dateline if any.
func checkDiscordDigestLine(line string, a herald.Article) error {
	rest, ok := strings.CutPrefix(line, digestBullet)
	if !ok {
		return errors.New("no bullet")
	}
	if strings.Contains(rest, "@everyone") || strings.Contains(rest, "@here") {
		return errors.New("a live mass mention")
	}
	text, target, after, linked := splitDiscordLink(rest)
	if !linked {
		if s := unescapedMarkdown(rest); s != "" {
			return fmt.Errorf("unescaped markdown %q", s)
		}
		return nil
	}
	if s := unescapedMarkdown(text); s != "" {
		return fmt.Errorf("link text has unescaped markdown %q", s)
	}
	if strings.ContainsAny(target, "()<>[]\\\"' \n") {
		return fmt.Errorf("link target %q could end the link", target)
	}
	if u, err := url.Parse(target); err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("link target %q is not a web URL", target)
	}
	if want := webURL(a.URL); target != linkTargetEscaper.Replace(want) {
		return fmt.Errorf("link target %q is not the article's %q", target, want)
	}
	if after != "" {
		where, ok := strings.CutPrefix(after, " — ")
		if !ok {
			return fmt.Errorf("%q follows the link", after)
		}
		if s := unescapedMarkdown(where); s != "" {
			return fmt.Errorf("dateline has unescaped markdown %q", s)
		}
	}
	return nil
}

// splitDiscordLink splits "[TEXT](TARGET)AFTER", where TEXT ends at the
// first ']' no backslash escapes.
func splitDiscordLink(s string) (text, target, after string, ok bool) {
	if !strings.HasPrefix(s, "[") {
		return "", "", "", false
	}
	escaped := false
	for i, r := range s[1:] {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case r == ']':
			text, rest := s[1:1+i], s[2+i:]
			rest, ok := strings.CutPrefix(rest, "(")
			end := strings.IndexByte(rest, ')')
			if !ok || end < 0 {
				return "", "", "", false
			}
			return text, rest[:end], rest[end+1:], true
		}
	}
	return "", "", "", false
}

// checkTelegramDigest reports the first way a digest message breaks what
// Telegram accepts or what TelegramDigest promises for dg.
func checkTelegramDigest(m TelegramMessage, n int, dg herald.Digest) error {
	if m.ParseMode != "HTML" || m.ReplyMarkup != nil {
		return fmt.Errorf("parse mode %q, keyboard %v", m.ParseMode, m.ReplyMarkup)
	}
	if m.LinkPreviewOptions == nil || *m.LinkPreviewOptions != (LinkPreviewOptions{IsDisabled: true}) {
		return fmt.Errorf("link preview %+v, want disabled", m.LinkPreviewOptions)
	}
	if m.DisableNotification != dg.Silent {
		return fmt.Errorf("disable_notification %v for a digest silent %v", m.DisableNotification, dg.Silent)
	}
	if !utf8.ValidString(m.Text) {
		return fmt.Errorf("text is not valid UTF-8: %q", m.Text)
	}
	doc, err := parseTelegram(m.Text)
	if err != nil {
		return err
	}
	if doc.bold != DigestTitle(n) {
		return fmt.Errorf("bold %q for %d articles", doc.bold, n)
	}
	if l := TelegramLength(m.Text); l > TelegramMaxLength || l != UTF16Len(doc.visible) {
		return fmt.Errorf("visible length %d (tokenizer: %d)", l, UTF16Len(doc.visible))
	}
	if len(m.Text) > telegramDigestMarkup {
		return fmt.Errorf("%d bytes of markup", len(m.Text))
	}
	if e := 1 + len(doc.hrefs); e > telegramMaxEntities {
		return fmt.Errorf("%d entities", e)
	}
	lines := strings.Split(doc.visible, "\n")
	if len(lines) != n+2 {
		return fmt.Errorf("%d lines for %d articles: %q", len(lines), n, doc.visible)
	}
	links := 0
	for i, d := range dg.Deliveries[:n] {
		if !strings.HasPrefix(lines[i+2], digestBullet) {
			return fmt.Errorf("line %q has no bullet", lines[i+2])
		}
		if u := webURL(d.Article.URL); u != "" && links < len(doc.hrefs) && doc.hrefs[links] == u {
			links++
		}
	}
	if links != len(doc.hrefs) {
		return fmt.Errorf("links %v are not the articles' URLs in order", doc.hrefs)
	}
	return nil
}

// checkNotify reports whether a message is silent and mentions role as
// asked, and allows no other mention.
func checkNotify(m *discordgo.MessageSend, silent bool, role string) error {
	if got := m.Flags&discordgo.MessageFlagsSuppressNotifications != 0; got != silent {
		return fmt.Errorf("flags %d for silent %v", m.Flags, silent)
	}
	am, err := json.Marshal(m.AllowedMentions)
	if err != nil {
		return err
	}
	want := `{"parse":[],"replied_user":false}`
	content := ""
	if id, ok := RoleID(role); ok {
		want = `{"parse":[],"roles":["` + id + `"],"replied_user":false}`
		content = "<@&" + id + ">"
	}
	if string(am) != want || m.Content != content {
		return fmt.Errorf("content %q allowed_mentions %s, want %q %s", m.Content, am, content, want)
	}
	return nil
}
