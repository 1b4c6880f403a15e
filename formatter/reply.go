package formatter

import (
	"html"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/heraldhq/herald"
)

// Reply is the answer to a reader's command, before it is rendered for a
// platform. Every part is plain text; the renderers escape it.
type Reply struct {
	// Notice comes first, set apart: something the reader should know
	// whatever they asked, such as follows that were paused.
	Notice string
	// Text is the answer itself; lines are separated by "\n".
	Text string
	// List is shown under Text, one item per line.
	List []string
	// Topics are shown under Text with their article counts.
	Topics []herald.TopicCount
	// Articles are shown under Text with their dates, linked.
	Articles []herald.Article
}

// Caps on the parts of a reply, so that a reply always fits a message.
const (
	replyHeadlineMax = 150
	replyItemMax     = 300
	replyTextMax     = 1000
	// ReplyListMax is the most items, topics or articles a reply shows.
	ReplyListMax = 25
)

// DiscordReply renders the reply as Discord message content: markdown,
// escaped, within Discord's 2000-character limit.
func DiscordReply(r Reply) string {
	var parts []string
	if n := Clean(r.Notice); n != "" {
		parts = append(parts, "> "+EscapeMarkdown(Truncate(n, replyTextMax)))
	}
	if t := cleanLines(r.Text); t != "" {
		parts = append(parts, EscapeMarkdown(Truncate(t, replyTextMax)))
	}
	var lines []string
	for _, item := range limit(r.List) {
		lines = append(lines, "- "+EscapeMarkdown(Truncate(Clean(item), replyItemMax)))
	}
	for _, t := range limit(r.Topics) {
		lines = append(lines, "- "+EscapeMarkdown(Truncate(Clean(t.Name), replyItemMax))+" ("+strconv.Itoa(t.Articles)+")")
	}
	for _, a := range limit(r.Articles) {
		head := EscapeMarkdown(Truncate(title(a), replyHeadlineMax))
		line := "- **" + head + "**"
		if link := webURL(a.URL); link != "" {
			// Angle brackets keep Discord from embedding a preview of
			// every link in the list.
			line = "- **[" + head + "](<" + strings.ReplaceAll(link, ">", "%3E") + ">)**"
		}
		if d := replyDate(a.Published); d != "" {
			line += " · " + d
		}
		lines = append(lines, line)
	}
	if len(lines) > 0 {
		parts = append(parts, strings.Join(lines, "\n"))
	}
	out := strings.Join(parts, "\n\n")
	for utf8.RuneCountInString(out) > 2000 && len(lines) > 0 {
		lines = lines[:len(lines)-1]
		parts[len(parts)-1] = strings.Join(lines, "\n")
		out = strings.Join(parts, "\n\n")
	}
	return Truncate(out, 2000)
}

// TelegramReply renders the reply as a Telegram HTML message without link
// previews, within Telegram's 4096-character limit.
func TelegramReply(r Reply) TelegramMessage {
	esc := func(s string) string { return tgbotapi.EscapeText(tgbotapi.ModeHTML, s) }
	var parts []string
	if n := Clean(r.Notice); n != "" {
		parts = append(parts, "<i>"+esc(Truncate(n, replyTextMax))+"</i>")
	}
	if t := cleanLines(r.Text); t != "" {
		parts = append(parts, esc(Truncate(t, replyTextMax)))
	}
	var lines []string
	for _, item := range limit(r.List) {
		lines = append(lines, "• "+esc(Truncate(Clean(item), replyItemMax)))
	}
	for _, t := range limit(r.Topics) {
		lines = append(lines, "• "+esc(Truncate(Clean(t.Name), replyItemMax))+" ("+strconv.Itoa(t.Articles)+")")
	}
	for _, a := range limit(r.Articles) {
		head := esc(Truncate(title(a), replyHeadlineMax))
		line := "• <b>" + head + "</b>"
		if link := webURL(a.URL); link != "" {
			line = `• <a href="` + html.EscapeString(link) + `">` + head + "</a>"
		}
		if d := replyDate(a.Published); d != "" {
			line += " · " + d
		}
		lines = append(lines, line)
	}
	if len(lines) > 0 {
		parts = append(parts, strings.Join(lines, "\n"))
	}
	text := strings.Join(parts, "\n\n")
	for TelegramLength(text) > TelegramMaxLength && len(lines) > 0 {
		lines = lines[:len(lines)-1]
		parts[len(parts)-1] = strings.Join(lines, "\n")
		text = strings.Join(parts, "\n\n")
	}
	return TelegramMessage{Text: text, ParseMode: tgbotapi.ModeHTML,
		LinkPreviewOptions: &LinkPreviewOptions{IsDisabled: true}}
}

// replyDate writes a publish date the way a list of articles shows it:
// "8 Apr 2024".
func replyDate(t time.Time) string {
	if t.IsZero() || t.Year() < 1 || t.Year() > 9999 {
		return ""
	}
	return t.UTC().Format("2 Jan 2006")
}

// cleanLines cleans each line of s and drops empty ones.
func cleanLines(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if c := Clean(line); c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n")
}

// limit returns at most ReplyListMax elements of s.
func limit[T any](s []T) []T { return s[:min(len(s), ReplyListMax)] }
