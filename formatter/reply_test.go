package formatter

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

func replyFixtures() map[string]Reply {
	published := time.Date(2024, 4, 8, 9, 30, 0, 0, time.UTC)
	return map[string]Reply{
		"search": {
			Text: "Best matches for “lavrov”:",
			Articles: []herald.Article{
				{URL: "https://news.example.com/world/lavrov", Headline: "Lavrov visits Beijing", Published: published},
				{URL: "", Headline: "No link *here* <b>", Published: published.AddDate(0, 0, -1)},
			},
		},
		"topics": {
			Notice: "Your follows were paused because I could not send you a message (telegram 403: Forbidden: bot was blocked by the user). They are on again.",
			Text:   "Topics, the most articles first:",
			Topics: []herald.TopicCount{{Name: "World", Articles: 120}, {Name: "Science & Tech", Articles: 3}},
		},
		"following": {
			Text: "Followed here (2 of at most 50), delivered by direct message:",
			List: []string{"China", "@everyone <script>"},
		},
	}
}

func TestReplyGolden(t *testing.T) {
	for name, r := range replyFixtures() {
		t.Run(name, func(t *testing.T) {
			golden(t, "reply-"+name+".discord.md", []byte(DiscordReply(r)+"\n"))
			var p bytes.Buffer
			enc := json.NewEncoder(&p)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(TelegramReply(r).Params()); err != nil {
				t.Fatal(err)
			}
			golden(t, "reply-"+name+".telegram.json", p.Bytes())
		})
	}
}

// checkReply reports the first way a rendered reply breaks a platform's
// rules.
func checkReply(r Reply) (string, bool) {
	d := DiscordReply(r)
	if n := utf8.RuneCountInString(d); n > 2000 || !utf8.ValidString(d) {
		return "discord reply too long or invalid", false
	}
	if strings.Contains(d, "@everyone") || strings.Contains(d, "@here") {
		return "discord reply holds a live mass mention", false
	}
	m := TelegramReply(r)
	doc, err := parseTelegram(m.Text)
	if err != nil {
		return "telegram reply does not parse: " + err.Error(), false
	}
	if TelegramLength(m.Text) > TelegramMaxLength {
		return "telegram reply too long", false
	}
	if m.LinkPreviewOptions == nil || !m.LinkPreviewOptions.IsDisabled {
		return "telegram reply previews a link", false
	}
	for _, h := range doc.hrefs {
		if webURL(h) != h {
			return "telegram reply links to " + h, false
		}
	}
	return "", true
}

func TestReplyLimits(t *testing.T) {
	many := Reply{Text: strings.Repeat("long text ", 500)}
	for i := range 100 {
		many.Articles = append(many.Articles, herald.Article{
			URL:      "https://news.example.com/" + strings.Repeat("a", 200) + string(rune('a'+i%26)),
			Headline: strings.Repeat("Headline ", 40),
		})
		many.List = append(many.List, strings.Repeat("topic ", 30))
	}
	if why, ok := checkReply(many); !ok {
		t.Fatal(why)
	}
	if got := strings.Count(DiscordReply(many), "\n- "); got > ReplyListMax*2 {
		t.Errorf("discord reply lists %d items", got)
	}
}

func FuzzReply(f *testing.F) {
	f.Add("notice", "text\nmore", "item", "World", "https://a.example/x", "Headline")
	f.Add("@everyone", "<b>&amp;", "`*_~", "<>&", "javascript:alert(1)", "**bold**")
	f.Fuzz(func(t *testing.T, notice, text, item, topic, link, headline string) {
		r := Reply{
			Notice: notice, Text: text, List: []string{item, item + item},
			Topics:   []herald.TopicCount{{Name: topic, Articles: 1}},
			Articles: []herald.Article{{URL: link, Headline: headline}, {Headline: headline}},
		}
		if why, ok := checkReply(r); !ok {
			t.Fatalf("%s\n%#v", why, r)
		}
	})
}
