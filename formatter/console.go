package formatter

import (
	"strings"

	"github.com/heraldhq/herald"
)

// Caps on console text, in runes: the same as Discord's, so the console
// shows what a Discord post would hold.
const (
	maxConsoleTitle = DiscordTitleMax
	maxConsoleBody  = DiscordDescriptionMax
)

// Console renders the article as plain text for a terminal, one part per
// line: the headline; the dateline and lead; the URL; then the topics,
// source and publish time. Article text is cleaned of control characters
// (escape sequences included) and bidirectional overrides first. The text
// has no trailing newline.
func Console(a herald.Article) string {
	head := Truncate(title(a), maxConsoleTitle)
	lines := []string{head}

	dateline, lead := datelineAndLead(a, Truncate)
	switch {
	case dateline != "" && lead != "":
		body := dateline + " — " + lead
		lines = append(lines, Truncate(body, maxConsoleBody))
	case dateline != "":
		lines = append(lines, dateline)
	case lead != "":
		lines = append(lines, Truncate(lead, maxConsoleBody))
	}

	if u := Clean(a.URL); u != "" && u != head {
		lines = append(lines, Truncate(u, maxURL))
	}

	meta := topics(a)
	if s := Truncate(Clean(a.Source), maxTopic); s != "" {
		meta = append(meta, s)
	}
	if p := a.Published; !p.IsZero() {
		meta = append(meta, p.UTC().Format("2006-01-02 15:04 MST"))
	}
	if len(meta) > 0 {
		lines = append(lines, strings.Join(meta, " · "))
	}
	return strings.Join(lines, "\n")
}
