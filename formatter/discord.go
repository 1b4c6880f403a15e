package formatter

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/heraldhq/herald"
)

// DiscordColor is the colour of the bar beside every Discord embed.
const DiscordColor = 0x1d4ed8

// Discord's limits on an embed, in Unicode code points.
const (
	DiscordTitleMax       = 256
	DiscordDescriptionMax = 4096
	DiscordFooterMax      = 2048
	// DiscordEmbedMax bounds the sum of an embed's title, description,
	// field names and values, footer text and author name.
	DiscordEmbedMax = 6000
)

// Discord renders the article as a Discord message-create body with one
// embed: the headline linked to the article, the dateline in bold and the
// lead, the image, a footer naming the source and topics, and the publish
// time. Below it a button follows the article's first topic. The message
// allows no mentions, so nothing in it can ping anyone.
//
// The title and description are escaped with EscapeMarkdown. The footer is
// not, because Discord shows footers as plain text and would print the
// backslashes; it only has mentions defused.
func Discord(a herald.Article) *discordgo.MessageSend {
	e := &discordgo.MessageEmbed{
		Type:  discordgo.EmbedTypeRich,
		URL:   webURL(a.URL),
		Color: DiscordColor,
	}
	e.Title = fit(title(a), DiscordTitleMax, Truncate, EscapeMarkdown, utf8.RuneCountInString)

	footer := discordFooter(a)
	if footer != "" {
		e.Footer = &discordgo.MessageEmbedFooter{Text: footer}
	}

	room := min(DiscordDescriptionMax,
		DiscordEmbedMax-utf8.RuneCountInString(e.Title)-utf8.RuneCountInString(footer))
	e.Description = discordDescription(a, room)

	if img := webURL(a.Image); img != "" {
		e.Image = &discordgo.MessageEmbedImage{URL: img}
	}
	if p := a.Published; !p.IsZero() && p.Year() >= 1 && p.Year() <= 9999 {
		e.Timestamp = p.UTC().Format(time.RFC3339)
	}
	return &discordgo.MessageSend{
		Embeds:     []*discordgo.MessageEmbed{e},
		Components: discordFollowRow(a),
		AllowedMentions: &discordgo.MessageAllowedMentions{
			Parse: []discordgo.AllowedMentionType{},
		},
	}
}

// discordDescription returns "**DATELINE** — LEAD", escaped, in at most room
// runes; only the lead when there is no dateline.
func discordDescription(a herald.Article, room int) string {
	dateline, lead := datelineAndLead(a, Truncate)
	var b strings.Builder
	if d := fit(dateline, room-4, Truncate, EscapeMarkdown, utf8.RuneCountInString); d != "" {
		b.WriteString("**")
		b.WriteString(d)
		b.WriteString("**")
		if lead != "" {
			b.WriteString(" — ")
		}
	}
	used := utf8.RuneCountInString(b.String())
	if lead != "" {
		if l := fit(lead, room-used, Truncate, EscapeMarkdown, utf8.RuneCountInString); l != "" {
			b.WriteString(l)
		} else {
			return strings.TrimSuffix(b.String(), " — ")
		}
	}
	return b.String()
}

// discordFooter returns "SOURCE · TOPIC · TOPIC", with mentions defused, in
// at most DiscordFooterMax runes.
func discordFooter(a herald.Article) string {
	parts := topics(a)
	if s := Truncate(Clean(a.Source), maxTopic); s != "" {
		parts = append([]string{s}, parts...)
	}
	return fit(strings.Join(parts, " · "), DiscordFooterMax, Truncate, DefuseMentions, utf8.RuneCountInString)
}

// EscapeMarkdown escapes s so that Discord shows it literally: every
// character Discord markdown gives meaning (\ * _ ~ | > # - ` [ ] <) gets a
// backslash, an ordered-list marker at the start ("1. ") is defused, and
// mentions are defused with DefuseMentions. The escape of '<' keeps user,
// role and channel mentions, custom emoji and timestamps from rendering.
func EscapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	digits := 0
	for i, r := range s {
		switch r {
		case '\\', '*', '_', '~', '|', '>', '#', '-', '`', '[', ']', '<':
			b.WriteByte('\\')
		case '.':
			if digits == i && i > 0 && strings.HasPrefix(s[i+1:], " ") {
				b.WriteByte('\\')
			}
		}
		if r >= '0' && r <= '9' && digits == i {
			digits++
		}
		b.WriteRune(r)
		if r == '@' && isEveryoneOrHere(s[i+1:]) {
			b.WriteString(zeroWidthSpace)
		}
	}
	return b.String()
}

const zeroWidthSpace = "\u200b"

// DefuseMentions puts a zero-width space after the @ of every @everyone and
// @here, so the text cannot read as a mass mention even where markdown is
// not rendered.
func DefuseMentions(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		b.WriteRune(r)
		if r == '@' && isEveryoneOrHere(s[i+1:]) {
			b.WriteString(zeroWidthSpace)
		}
	}
	return b.String()
}

func isEveryoneOrHere(s string) bool {
	return hasPrefixFold(s, "everyone") || hasPrefixFold(s, "here")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
