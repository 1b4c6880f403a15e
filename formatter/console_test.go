package formatter

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

func TestConsole(t *testing.T) {
	tests := []struct {
		name    string
		article herald.Article
		want    string
	}{
		{"nothing", herald.Article{}, untitled},
		{"url only", herald.Article{URL: "https://a.example/x"}, "https://a.example/x"},
		{"headline and url", herald.Article{Headline: "H", URL: "https://a.example/x"}, "H\nhttps://a.example/x"},
		{"dateline only", herald.Article{Headline: "H", Dateline: herald.Dateline{Text: "Oslo"}}, "H\nOslo"},
		{"meta", herald.Article{
			Headline:  "H",
			Lead:      "L",
			Topics:    []string{"World", "world", " "},
			Source:    "Desk",
			Published: time.Date(2024, 4, 8, 12, 0, 0, 0, time.FixedZone("CST", 8*3600)),
		}, "H\nL\nWorld · Desk · 2024-04-08 04:00 UTC"},
		{"control characters", herald.Article{
			Headline: "\x1b]0;pwned\x07Title\x1b[2J",
			Lead:     "one\r\ntwo\x08",
			URL:      "https://a.example/\x1b[0m",
		}, "]0;pwnedTitle[2J\none two\nhttps://a.example/[0m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Console(tt.article); got != tt.want {
				t.Errorf("Console =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestConsoleSafe(t *testing.T) {
	for _, fx := range append(fixtures(), hostileFixtures()...) {
		t.Run(fx.name, func(t *testing.T) {
			if err := checkConsole(Console(fx.article)); err != nil {
				t.Error(err)
			}
		})
	}
}

// checkConsole reports console text that could upset a terminal: invalid
// UTF-8, control characters other than the newlines between lines, or
// bidirectional overrides.
func checkConsole(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("console text is not valid UTF-8: %q", s)
	}
	for _, r := range s {
		if r != '\n' && (unicode.IsControl(r) || dropped(r)) {
			return fmt.Errorf("console text holds %U: %q", r, s)
		}
	}
	if n := strings.Count(s, "\n"); n > 3 {
		return fmt.Errorf("console text has %d lines, want at most 4", n+1)
	}
	return nil
}
