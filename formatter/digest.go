package formatter

import (
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/heraldhq/herald"
)

// Caps on one article's line in a digest, so that a runaway headline or
// dateline cannot crowd out the others and any one line fits a message.
const (
	// maxDigestHeadline bounds a line's headline, in runes on Discord
	// (after escaping) and in UTF-16 code units on Telegram.
	maxDigestHeadline = 256
	// maxDigestPlace bounds the place a line names.
	maxDigestPlace = 64
	// maxDigestWhere bounds a line's dateline, place and date together.
	maxDigestWhere = 100
)

// Telegram's limits on a message that its documentation does not give but
// its server applies: entities past the 100th are dropped, and a text whose
// entities (their URLs included) are too large in all is refused with
// "ENTITIES_TOO_LONG" near 9500 characters of markup.
const (
	// telegramMaxEntities is the most entities a digest message holds:
	// its bold title and one link per article.
	telegramMaxEntities = 100
	// telegramDigestMarkup bounds a digest's text as sent, markup and
	// URLs included, in bytes: a margin below the server's limit.
	telegramDigestMarkup = 8000
)

// digestBullet starts each article's line.
const digestBullet = "• "

// DigestTitle returns the title of a digest message holding n articles:
// "News digest — 7 articles".
func DigestTitle(n int) string {
	if n == 1 {
		return "News digest — 1 article"
	}
	return "News digest — " + strconv.Itoa(n) + " articles"
}

// digestEntry is one article of a digest: its cleaned, uncut and
// unescaped headline, web link (or "") and dateline.
type digestEntry struct {
	head, link, where string
}

func newDigestEntry(a herald.Article) digestEntry {
	return digestEntry{head: digestHeadline(a), link: webURL(a.URL), where: digestWhere(a.Dateline)}
}

// digestHeadline returns what a digest shows as the article's title: the
// cleaned headline, or when there is none the source or a placeholder.
// Unlike a post it never shows the URL, which the line links to: a link
// whose text is another URL reads as a trick.
func digestHeadline(a herald.Article) string {
	for _, s := range []string{a.Headline, a.Source} {
		if c := Clean(s); c != "" {
			return c
		}
	}
	return untitled
}

// digestWhere returns where and when the story was filed, "Beijing, 8 Apr
// 2024", from the dateline's place and date; from its text when it names
// neither; or "" when there is no dateline.
func digestWhere(d herald.Dateline) string {
	var parts []string
	if p := Truncate(Clean(d.Place), maxDigestPlace); p != "" {
		parts = append(parts, p)
	}
	if date := Clean(d.Date); date != "" {
		if t, err := time.Parse(time.DateOnly, date); err == nil {
			date = t.Format("2 Jan 2006")
		}
		parts = append(parts, Truncate(date, maxDigestPlace))
	}
	if len(parts) == 0 {
		return Truncate(Clean(d.Text), maxDigestWhere)
	}
	return Truncate(strings.Join(parts, ", "), maxDigestWhere)
}

// digestLayout picks how many articles, from the front, fit in one
// message and returns their lines: line(i, true) renders the i-th
// article's line with its link, line(i, false) without, and fits reports
// whether a message of the lines keeps the platform's limits. A first line
// that does not fit with its link is taken without it, which the caps on a
// line make fit, so a non-empty digest always yields a line.
func digestLayout(count int, line func(i int, link bool) string, fits func(lines []string) bool) []string {
	var lines []string
	for i := range count {
		next := append(lines, line(i, true))
		if !fits(next) {
			if i > 0 {
				break
			}
			next = []string{line(i, false)}
		}
		lines = next
	}
	return lines
}

// DiscordDigest renders as many of the digest's deliveries as fit, from
// the front, as one Discord message, and returns it with how many it
// holds: at least one for a non-empty digest, none (and a nil message)
// for an empty one.
//
// The message is one embed titled with DigestTitle, dated at the digest's
// time, whose description has a line per article: the headline linked to
// the article, then where and when it was filed. Text is escaped with
// EscapeMarkdown and stays within DiscordDescriptionMax and
// DiscordEmbedMax. Like a post, the message allows no mentions but its
// role's, and is silent when the digest is.
func DiscordDigest(dg herald.Digest) (*discordgo.MessageSend, int) {
	if len(dg.Deliveries) == 0 {
		return nil, 0
	}
	lines := digestLayout(len(dg.Deliveries),
		func(i int, link bool) string {
			return discordDigestLine(newDigestEntry(dg.Deliveries[i].Article), link)
		},
		func(lines []string) bool {
			n := utf8.RuneCountInString(strings.Join(lines, "\n"))
			return n <= DiscordDescriptionMax && n+utf8.RuneCountInString(DigestTitle(len(lines))) <= DiscordEmbedMax
		})

	e := &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Title:       DigestTitle(len(lines)),
		Description: strings.Join(lines, "\n"),
		Color:       DiscordColor,
	}
	if at := dg.At; !at.IsZero() && at.Year() >= 1 && at.Year() <= 9999 {
		e.Timestamp = at.UTC().Format(time.RFC3339)
	}
	m := &discordgo.MessageSend{
		Embeds: []*discordgo.MessageEmbed{e},
		AllowedMentions: &discordgo.MessageAllowedMentions{
			Parse: []discordgo.AllowedMentionType{},
		},
	}
	discordNotify(m, dg.Silent, dg.MentionRole)
	return m, len(lines)
}

// discordDigestLine renders "• [HEADLINE](URL) — WHERE", escaped; without
// the link when link is false or the article has none.
func discordDigestLine(e digestEntry, link bool) string {
	head := fit(e.head, maxDigestHeadline, Truncate, EscapeMarkdown, utf8.RuneCountInString)
	var b strings.Builder
	b.WriteString(digestBullet)
	if target := discordLinkTarget(e.link); link && target != "" {
		b.WriteString("[" + head + "](" + target + ")")
	} else {
		b.WriteString(head)
	}
	if e.where != "" {
		b.WriteString(" — " + EscapeMarkdown(e.where))
	}
	return b.String()
}

// discordLinkTarget makes a web URL safe to put between the parentheses of
// a markdown link: the characters that could end the link, open markup or
// start a mention are percent-encoded (a web URL has no user info, so an
// '@' is in its path or query, where %40 means the same). It returns ""
// when the result would be too long or no longer a web URL.
func discordLinkTarget(link string) string {
	if link == "" {
		return ""
	}
	target := linkTargetEscaper.Replace(link)
	if len(target) > maxURL || webURL(target) != target {
		// Too long, or the escapes fell in the host, which then is no
		// host at all: no link rather than a broken one.
		return ""
	}
	return target
}

var linkTargetEscaper = strings.NewReplacer(
	"(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\\", "%5C", "`", "%60", "[", "%5B", "]", "%5D",
	"\"", "%22", "'", "%27", "@", "%40",
)

// TelegramDigest renders as many of the digest's deliveries as fit, from
// the front, as one Telegram HTML message, and returns it with how many it
// holds: at least one for a non-empty digest, none for an empty one.
//
// The text is DigestTitle in bold, then a line per article: the headline
// linked to the article, then where and when it was filed. It stays within
// TelegramMaxLength after entity parsing, within the 100 entities Telegram
// keeps, and well within the size of markup it takes. Link previews are
// off, as a digest has no one article to preview, and the message is
// silent when the digest is.
func TelegramDigest(dg herald.Digest) (TelegramMessage, int) {
	if len(dg.Deliveries) == 0 {
		return TelegramMessage{}, 0
	}
	lines := digestLayout(len(dg.Deliveries),
		func(i int, link bool) string {
			return telegramDigestLine(newDigestEntry(dg.Deliveries[i].Article), link)
		},
		func(lines []string) bool {
			text := telegramDigestText(lines)
			return TelegramLength(text) <= TelegramMaxLength && len(text) <= telegramDigestMarkup &&
				telegramEntities(lines) <= telegramMaxEntities
		})
	return TelegramMessage{
		Text:                telegramDigestText(lines),
		ParseMode:           tgbotapi.ModeHTML,
		LinkPreviewOptions:  &LinkPreviewOptions{IsDisabled: true},
		DisableNotification: dg.Silent,
	}, len(lines)
}

// telegramDigestText lays a digest's lines out under its bold title.
func telegramDigestText(lines []string) string {
	return "<b>" + tgbotapi.EscapeText(tgbotapi.ModeHTML, DigestTitle(len(lines))) + "</b>\n\n" + strings.Join(lines, "\n")
}

// telegramEntities counts the entities of a digest's text: the title and
// the lines' links.
func telegramEntities(lines []string) int {
	n := 1
	for _, l := range lines {
		if strings.HasPrefix(l, digestBullet+"<a ") {
			n++
		}
	}
	return n
}

// telegramDigestLine renders `• <a href="URL">HEADLINE</a> — WHERE`,
// escaped; without the link when link is false or the article has none.
func telegramDigestLine(e digestEntry, link bool) string {
	head := tgbotapi.EscapeText(tgbotapi.ModeHTML, TruncateUTF16(e.head, maxDigestHeadline))
	var b strings.Builder
	b.WriteString(digestBullet)
	if link && e.link != "" {
		b.WriteString(`<a href="` + html.EscapeString(e.link) + `">` + head + "</a>")
	} else {
		b.WriteString(head)
	}
	if e.where != "" {
		b.WriteString(" — " + tgbotapi.EscapeText(tgbotapi.ModeHTML, e.where))
	}
	return b.String()
}

// ConsoleDigest renders the digest as plain text for a terminal and
// returns it with how many deliveries it holds: all of them. The first
// line is DigestTitle; each article follows on two lines, its headline and
// where it was filed, then its URL, indented. Text is cleaned as Console
// cleans it and has no trailing newline.
func ConsoleDigest(dg herald.Digest) (string, int) {
	if len(dg.Deliveries) == 0 {
		return "", 0
	}
	lines := []string{DigestTitle(len(dg.Deliveries))}
	for _, d := range dg.Deliveries {
		e := newDigestEntry(d.Article)
		line := digestBullet + Truncate(e.head, maxConsoleTitle)
		if e.where != "" {
			line += " — " + e.where
		}
		lines = append(lines, line)
		if u := Truncate(Clean(d.Article.URL), maxURL); u != "" {
			lines = append(lines, "  "+u)
		}
	}
	return strings.Join(lines, "\n"), len(dg.Deliveries)
}
