package formatter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/net/html"
)

// telegramHTML is what a Telegram message's text parses to.
type telegramHTML struct {
	// visible is the text a reader sees: tags removed, entities decoded.
	visible string
	// bold is the text of the <b> elements.
	bold string
	// hrefs are the targets of the <a> elements.
	hrefs []string
}

// parseTelegram tokenizes a Telegram HTML text and reports the first thing
// Telegram would refuse or a reader should never see: a tag other than b,
// i and a, an attribute other than a's href, an href that is not http or
// https, an unbalanced tag, a raw '<' or '>' in text, or anything else an
// HTML tokenizer finds (comments, doctypes).
func parseTelegram(s string) (telegramHTML, error) {
	var out telegramHTML
	var stack []string
	var visible, bold strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return out, fmt.Errorf("tokenize: %w", err)
			}
			if len(stack) > 0 {
				return out, fmt.Errorf("unclosed tags %v", stack)
			}
			out.visible, out.bold = visible.String(), bold.String()
			return out, nil
		case html.TextToken:
			if raw := string(z.Raw()); strings.ContainsAny(raw, "<>") {
				return out, fmt.Errorf("raw markup in text %q", raw)
			}
			text := string(z.Text())
			visible.WriteString(text)
			if len(stack) > 0 && stack[0] == "b" {
				bold.WriteString(text)
			}
		case html.StartTagToken:
			tok := z.Token()
			switch tok.Data {
			case "b", "i":
				if len(tok.Attr) != 0 {
					return out, fmt.Errorf("<%s> has attributes %v", tok.Data, tok.Attr)
				}
			case "a":
				if len(tok.Attr) != 1 || tok.Attr[0].Key != "href" {
					return out, fmt.Errorf("<a> has attributes %v, want only href", tok.Attr)
				}
				u, err := url.Parse(tok.Attr[0].Val)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return out, fmt.Errorf("<a> links to %q, want an http(s) URL", tok.Attr[0].Val)
				}
				out.hrefs = append(out.hrefs, tok.Attr[0].Val)
			default:
				return out, fmt.Errorf("tag <%s> is not allowed", tok.Data)
			}
			stack = append(stack, tok.Data)
		case html.EndTagToken:
			tok := z.Token()
			if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				return out, fmt.Errorf("</%s> closes nothing open (open: %v)", tok.Data, stack)
			}
			stack = stack[:len(stack)-1]
		default:
			return out, fmt.Errorf("unexpected %v token %q", tt, z.Raw())
		}
	}
}

// checkTelegram reports the first way m breaks what Telegram accepts or what
// the formatter promises.
func checkTelegram(m TelegramMessage) error {
	if m.ParseMode != "HTML" {
		return fmt.Errorf("parse_mode %q, want HTML", m.ParseMode)
	}
	if !utf8.ValidString(m.Text) {
		return fmt.Errorf("text is not valid UTF-8: %q", m.Text)
	}
	if m.Text == "" {
		return errors.New("text is empty")
	}
	doc, err := parseTelegram(m.Text)
	if err != nil {
		return err
	}
	n := TelegramLength(m.Text)
	if n > TelegramMaxLength {
		return fmt.Errorf("visible length %d > %d", n, TelegramMaxLength)
	}
	if got := UTF16Len(doc.visible); got != n {
		return fmt.Errorf("TelegramLength says %d, the tokenizer sees %d", n, got)
	}
	if strings.TrimSpace(doc.visible) == "" {
		return errors.New("no visible text")
	}
	lp := m.LinkPreviewOptions
	switch {
	case lp == nil:
		return errors.New("no link_preview_options")
	case lp.URL == "" && len(doc.hrefs) > 0:
		return fmt.Errorf("links %v but no preview URL", doc.hrefs)
	case lp.URL == "" && !lp.IsDisabled:
		return errors.New("no preview URL and the preview is not disabled")
	case lp.URL != "" && (len(doc.hrefs) != 1 || doc.hrefs[0] != lp.URL):
		return fmt.Errorf("preview %q but links %v", lp.URL, doc.hrefs)
	}
	p := m.Params()
	if p["text"] != m.Text || p["parse_mode"] != "HTML" {
		return fmt.Errorf("params %v do not carry the message", p)
	}
	var back LinkPreviewOptions
	if err := json.Unmarshal([]byte(p["link_preview_options"]), &back); err != nil || back != *lp {
		return fmt.Errorf("link_preview_options %q does not decode to %+v: %v", p["link_preview_options"], *lp, err)
	}
	if m.ReplyMarkup == nil {
		if _, ok := p["reply_markup"]; ok {
			return errors.New("reply_markup sent without a keyboard")
		}
		return nil
	}
	var markup tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(p["reply_markup"]), &markup); err != nil {
		return fmt.Errorf("reply_markup %q: %w", p["reply_markup"], err)
	}
	for _, row := range markup.InlineKeyboard {
		for _, button := range row {
			if button.CallbackData == nil {
				return fmt.Errorf("button %q has no callback_data", button.Text)
			}
			data := *button.CallbackData
			if n := len(data); n < 1 || n > telegramCallbackMax || !utf8.ValidString(data) {
				return fmt.Errorf("callback_data %q is %d bytes", data, n)
			}
			if topic, ok := ParseFollowData(data); !ok || FollowData(topic) != data {
				return fmt.Errorf("callback_data %q does not read back as a follow", data)
			}
		}
	}
	return nil
}

// checkDiscordComponents reports the first way components break Discord's
// rules for the follow button row.
func checkDiscordComponents(components []discordgo.MessageComponent) error {
	if len(components) > 1 {
		return fmt.Errorf("%d action rows, want at most one", len(components))
	}
	for _, c := range components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok || len(row.Components) != 1 {
			return fmt.Errorf("component %#v is not a row of one button", c)
		}
		button, ok := row.Components[0].(discordgo.Button)
		switch {
		case !ok:
			return fmt.Errorf("component %#v is not a button", row.Components[0])
		case button.Label == "" || utf8.RuneCountInString(button.Label) > discordLabelMax:
			return fmt.Errorf("button label %q", button.Label)
		case button.CustomID == "" || utf8.RuneCountInString(button.CustomID) > discordCustomIDMax:
			return fmt.Errorf("button custom_id %q", button.CustomID)
		}
		if topic, ok := ParseFollowData(button.CustomID); !ok || FollowData(topic) != button.CustomID {
			return fmt.Errorf("custom_id %q does not read back as a follow", button.CustomID)
		}
	}
	return nil
}

// checkDiscord reports the first way msg breaks what Discord accepts or
// what the formatter promises.
func checkDiscord(msg *discordgo.MessageSend) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("marshal: %w", err)
	}
	if !strings.Contains(string(b), `"allowed_mentions":{"parse":[]`) {
		return fmt.Errorf("allowed_mentions is not an empty parse list: %s", b)
	}
	if err := checkDiscordComponents(msg.Components); err != nil {
		return err
	}
	// discordgo cannot decode components (an interface), so the round
	// trip compares the rest.
	plain := *msg
	plain.Components = nil
	b, err = json.Marshal(&plain)
	if err != nil {
		return fmt.Errorf("marshal: %w", err)
	}
	var back discordgo.MessageSend
	if err := json.Unmarshal(b, &back); err != nil {
		return fmt.Errorf("unmarshal: %w", err)
	}
	if !reflect.DeepEqual(&back, &plain) {
		return fmt.Errorf("JSON round trip changed the message:\n%+v\n%+v", back, plain)
	}
	if msg.Content != "" || len(msg.Embeds) != 1 {
		return fmt.Errorf("content %q and %d embeds, want none and one", msg.Content, len(msg.Embeds))
	}
	e := msg.Embeds[0]
	if e.Type != discordgo.EmbedTypeRich || e.Color != DiscordColor {
		return fmt.Errorf("type %q colour %#x", e.Type, e.Color)
	}
	if e.Title == "" {
		return errors.New("no title")
	}
	var footer string
	if e.Footer != nil {
		footer = e.Footer.Text
		if footer == "" {
			return errors.New("footer without text")
		}
	}
	for _, f := range []struct {
		name, text string
		max        int
	}{
		{"title", e.Title, DiscordTitleMax},
		{"description", e.Description, DiscordDescriptionMax},
		{"footer", footer, DiscordFooterMax},
		{"embed", e.Title + e.Description + footer, DiscordEmbedMax},
	} {
		if !utf8.ValidString(f.text) {
			return fmt.Errorf("%s is not valid UTF-8: %q", f.name, f.text)
		}
		if n := utf8.RuneCountInString(f.text); n > f.max {
			return fmt.Errorf("%s has %d runes > %d", f.name, n, f.max)
		}
		// The embed entry joins fields only to measure them: a mention
		// cannot span two fields.
		if f.name != "embed" && (strings.Contains(f.text, "@everyone") || strings.Contains(f.text, "@here")) {
			return fmt.Errorf("%s holds a live mass mention: %q", f.name, f.text)
		}
	}
	if s := unescapedMarkdown(e.Title); s != "" {
		return fmt.Errorf("title has unescaped markdown %q: %q", s, e.Title)
	}
	if s := unescapedMarkdown(e.Description); s != "" && s != "****" {
		return fmt.Errorf("description has unescaped markdown %q: %q", s, e.Description)
	}
	for _, u := range []string{e.URL, imageURL(e)} {
		if u != "" && webURL(u) != u {
			return fmt.Errorf("URL %q is not a web URL", u)
		}
	}
	return nil
}

func imageURL(e *discordgo.MessageEmbed) string {
	if e.Image == nil {
		return ""
	}
	return e.Image.URL
}

// unescapedMarkdown returns, in order, the markdown characters of s that no
// backslash escapes, so "**a\*" gives "**".
func unescapedMarkdown(s string) string {
	var out []rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case strings.ContainsRune("*_~|>#-`[]<", r):
			out = append(out, r)
		}
	}
	if escaped {
		out = append(out, '\\')
	}
	return string(out)
}

// unescapeMarkdown undoes EscapeMarkdown, except that zero-width spaces are
// all removed: compare it with text that has them removed too.
func unescapeMarkdown(s string) string {
	var b strings.Builder
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
			continue
		case r == '\u200b':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isCutOf reports whether got is want, or want cut short: a prefix of it,
// less trailing spaces and punctuation, followed by the ellipsis.
func isCutOf(got, want string) bool {
	if got == want {
		return true
	}
	kept, ok := strings.CutSuffix(got, Ellipsis)
	return ok && strings.HasPrefix(want, kept)
}
