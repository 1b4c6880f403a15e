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
	out := replyStyle{
		notice: func(s string) string { return "> " + EscapeMarkdown(s) },
		escape: EscapeMarkdown,
		bullet: "- ",
		article: func(head, link string) string {
			if link == "" {
				return "**" + head + "**"
			}
			// Angle brackets keep Discord from embedding a preview of
			// every link in the list.
			return "**[" + head + "](<" + strings.ReplaceAll(link, ">", "%3E") + ">)**"
		},
		fits: func(s string) bool { return utf8.RuneCountInString(s) <= 2000 },
	}.render(r)
	return Truncate(out, 2000)
}

// TelegramReply renders the reply as a Telegram HTML message without link
// previews, within Telegram's 4096-character limit.
func TelegramReply(r Reply) TelegramMessage {
	esc := func(s string) string { return tgbotapi.EscapeText(tgbotapi.ModeHTML, s) }
	text := replyStyle{
		notice: func(s string) string { return "<i>" + esc(s) + "</i>" },
		escape: esc,
		bullet: "• ",
		article: func(head, link string) string {
			if link == "" {
				return "<b>" + head + "</b>"
			}
			return `<a href="` + html.EscapeString(link) + `">` + head + "</a>"
		},
		fits: func(s string) bool { return TelegramLength(s) <= TelegramMaxLength },
	}.render(r)
	return TelegramMessage{Text: text, ParseMode: tgbotapi.ModeHTML,
		LinkPreviewOptions: &LinkPreviewOptions{IsDisabled: true}}
}

// replyStyle is how a platform marks up the parts of a reply.
type replyStyle struct {
	// notice marks up the cleaned, cut notice; escape escapes plain text.
	notice, escape func(string) string
	bullet         string
	// article marks up an article's escaped headline and its web link,
	// which may be empty.
	article func(head, link string) string
	// fits reports whether a rendering is within the platform's limit.
	fits func(string) bool
}

// render lays the reply out: notice, text, then one line per item, topic
// and article, dropping lines from the end until the whole fits.
func (st replyStyle) render(r Reply) string {
	var parts []string
	if n := Clean(r.Notice); n != "" {
		parts = append(parts, st.notice(Truncate(n, replyTextMax)))
	}
	if t := cleanLines(r.Text); t != "" {
		parts = append(parts, st.escape(Truncate(t, replyTextMax)))
	}
	var lines []string
	for _, item := range limit(r.List) {
		lines = append(lines, st.bullet+st.escape(Truncate(Clean(item), replyItemMax)))
	}
	for _, t := range limit(r.Topics) {
		lines = append(lines, st.bullet+st.escape(Truncate(Clean(t.Name), replyItemMax))+" ("+strconv.Itoa(t.Articles)+")")
	}
	for _, a := range limit(r.Articles) {
		line := st.bullet + st.article(st.escape(Truncate(title(a), replyHeadlineMax)), webURL(a.URL))
		if d := replyDate(a.Published); d != "" {
			line += " · " + d
		}
		lines = append(lines, line)
	}
	if len(lines) > 0 {
		parts = append(parts, strings.Join(lines, "\n"))
	}
	out := strings.Join(parts, "\n\n")
	for !st.fits(out) && len(lines) > 0 {
		lines = lines[:len(lines)-1]
		parts[len(parts)-1] = strings.Join(lines, "\n")
		out = strings.Join(parts, "\n\n")
	}
	return out
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
