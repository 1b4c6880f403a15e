package formatter

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/heraldhq/herald"
)

// TelegramMaxLength is the most a Telegram message's text may hold after
// entity parsing, in UTF-16 code units.
const TelegramMaxLength = 4096

// maxTelegramHeadline bounds the headline of a Telegram post, in UTF-16
// code units, so that a runaway headline cannot crowd out the lead.
const maxTelegramHeadline = 512

// TelegramMessage is a Telegram sendMessage call's parameters, less chat_id.
type TelegramMessage struct {
	Text               string              `json:"text"`
	ParseMode          string              `json:"parse_mode"`
	LinkPreviewOptions *LinkPreviewOptions `json:"link_preview_options,omitempty"`
	// ReplyMarkup is the inline keyboard under the message, or nil.
	ReplyMarkup *tgbotapi.InlineKeyboardMarkup `json:"reply_markup,omitempty"`
	// DisableNotification sends the message without a notification. It
	// is a sendMessage parameter only: editMessageText does not take it.
	DisableNotification bool `json:"disable_notification,omitempty"`
}

// LinkPreviewOptions says which link Telegram previews under a message, or
// that it previews none.
type LinkPreviewOptions struct {
	URL              string `json:"url,omitempty"`
	PreferLargeMedia bool   `json:"prefer_large_media,omitempty"`
	// IsDisabled turns the preview off, so that no link found in the text
	// is previewed in the article's place.
	IsDisabled bool `json:"is_disabled,omitempty"`
}

// Params returns the message as Bot API form parameters, with
// link_preview_options and reply_markup JSON-encoded as strings and
// disable_notification when it is set, ready for tgbotapi's
// MakeRequest("sendMessage", params) once chat_id is added.
func (m TelegramMessage) Params() tgbotapi.Params {
	p := m.EditParams()
	if m.DisableNotification {
		p["disable_notification"] = "true"
	}
	return p
}

// EditParams returns the parameters that rewrite a sent message to read
// as m, ready for MakeRequest("editMessageText", params) once chat_id and
// message_id are added: Params less what only a send takes. Telegram
// removes the keyboard of a message edited without reply_markup, so the
// edit leaves the message with exactly the keyboard m has.
func (m TelegramMessage) EditParams() tgbotapi.Params {
	p := tgbotapi.Params{"text": m.Text, "parse_mode": m.ParseMode}
	if m.LinkPreviewOptions != nil {
		p["link_preview_options"] = jsonParam(m.LinkPreviewOptions)
	}
	if m.ReplyMarkup != nil {
		p["reply_markup"] = jsonParam(m.ReplyMarkup)
	}
	return p
}

// jsonParam encodes v, which holds only strings, bools and slices of them
// and so cannot fail to encode, as a JSON form parameter.
func jsonParam(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Telegram renders the article as a Telegram HTML message: the headline in
// bold, the dateline in italics before the lead, a link naming where it
// goes, and the topics as hashtags. The link preview shows the article.
//
// The visible text stays within TelegramMaxLength: the lead is shortened
// first, then the headline. Text is cut before it is escaped, so no cut
// falls inside an entity.
func Telegram(a herald.Article) TelegramMessage {
	p := telegramPost{
		head: TruncateUTF16(title(a), maxTelegramHeadline),
		link: webURL(a.URL),
		tags: Hashtags(a.Topics),
	}
	p.dateline, p.lead = datelineAndLead(a, TruncateUTF16)
	if p.link != "" {
		p.anchor = anchorText(a, p.link)
	}
	if over := p.length() - TelegramMaxLength; over > 0 {
		p.lead = TruncateUTF16(p.lead, UTF16Len(p.lead)-over)
		if p.lead == Ellipsis {
			p.lead = ""
		}
		if over := p.length() - TelegramMaxLength; over > 0 {
			p.head = TruncateUTF16(p.head, UTF16Len(p.head)-over)
		}
	}

	m := TelegramMessage{Text: p.render(true), ParseMode: tgbotapi.ModeHTML, ReplyMarkup: telegramFollowKeyboard(a)}
	if p.link != "" {
		m.LinkPreviewOptions = &LinkPreviewOptions{URL: p.link, PreferLargeMedia: webURL(a.Image) != ""}
	} else {
		m.LinkPreviewOptions = &LinkPreviewOptions{IsDisabled: true}
	}
	return m
}

// anchorText says where the link goes: "Read on SOURCE", or the host.
func anchorText(a herald.Article, link string) string {
	if s := TruncateUTF16(Clean(a.Source), maxTopic); s != "" {
		return "Read on " + s
	}
	if h := host(link); h != "" {
		return "Read on " + h
	}
	return "Read the article"
}

// telegramPost holds the cleaned, uncut or cut, unescaped parts of a post.
type telegramPost struct {
	head, dateline, lead string
	link, anchor         string
	tags                 []string
}

// length returns the visible length of the post in UTF-16 code units.
func (p telegramPost) length() int { return UTF16Len(p.render(false)) }

// render lays the post out, as Telegram HTML when markup is true and as the
// visible text it parses to otherwise.
func (p telegramPost) render(markup bool) string {
	text := func(s string) string { return s }
	wrap := func(tag, s string) string { return s }
	if markup {
		text = func(s string) string { return tgbotapi.EscapeText(tgbotapi.ModeHTML, s) }
		wrap = func(tag, s string) string { return "<" + tag + ">" + s + "</" + tag + ">" }
	}

	var paras []string
	if p.head != "" {
		paras = append(paras, wrap("b", text(p.head)))
	}
	var body []string
	if p.dateline != "" {
		body = append(body, wrap("i", text(p.dateline)))
	}
	if p.lead != "" {
		body = append(body, text(p.lead))
	}
	if len(body) > 0 {
		paras = append(paras, strings.Join(body, " — "))
	}
	var foot []string
	if p.link != "" {
		a := text(p.anchor)
		if markup {
			a = `<a href="` + html.EscapeString(p.link) + `">` + a + "</a>"
		}
		foot = append(foot, a)
	}
	if len(p.tags) > 0 {
		foot = append(foot, text(strings.Join(p.tags, " ")))
	}
	if len(foot) > 0 {
		paras = append(paras, strings.Join(foot, "\n"))
	}
	return strings.Join(paras, "\n\n")
}

// TelegramLength returns the length of a Telegram HTML text after entity
// parsing, in UTF-16 code units: tags removed, entities decoded. It
// expects text as Telegram accepts it, where '<' and '>' only delimit tags.
func TelegramLength(s string) int {
	n := 0
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		n += UTF16Len(html.UnescapeString(s[:i]))
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			s = s[i:]
			break
		}
		s = s[i+j+1:]
	}
	return n + UTF16Len(html.UnescapeString(s))
}
