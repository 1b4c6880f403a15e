package formatter

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "Rail corridor", "Rail corridor"},
		{"white space runs", "  a\n\n\tb\r\nc  ", "a b c"},
		{"line separators", "a\u2028b\u2029c", "a b c"},
		{"no-break space kept", "8\u00a0April", "8\u00a0April"},
		{"escape sequence", "\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"C0 and C1 controls", "a\x00b\x07c\u0085d\u009be", "abc de"},
		{"bidi override", "abc\u202edcba\u202c!", "abcdcba!"},
		{"bidi isolate", "\u2067x\u2069", "x"},
		{"marks kept", "a\u200eb\u200fc\u200dd", "a\u200eb\u200fc\u200dd"},
		{"byte-order mark", "\ufeffTitle", "Title"},
		{"invalid UTF-8", "a\xffb\xc3", "a\ufffdb\ufffd"},
		{"only spaces", " \n\t ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "short text", 10, "short text"},
		{"zero", "text", 0, ""},
		{"negative", "text", -3, ""},
		{"one", "text", 1, "…"},
		{"empty", "", 5, ""},
		{"word boundary", "the quick brown fox", 12, "the quick…"},
		{"space right after the room", "the quick brown fox", 10, "the quick…"},
		{"long word cut mid-word", "a supercalifragilistic", 10, "a superca…"},
		{"no spaces", "abcdefghij", 5, "abcd…"},
		{"trailing punctuation dropped", "one, two, three", 10, "one, two…"},
		{"multibyte runes", "日本語のテキストです", 5, "日本語の…"},
		{"combining mark not split", "cafe\u0301 noir", 5, "caf…"},
		{"break before punctuation", "one, two, three", 9, "one, two…"},
		{"abbreviation cut when the last space is far back", "the U.S.A. army", 8, "the U.S…"},
		{"no break inside an abbreviation", "Mister U.S.A. army", 12, "Mister…"},
		{"combining mark at room end", "xxxe\u0301\u0301yy", 6, "xxx…"},
		{"emoji modifier", "ab👍🏽cd", 4, "ab…"},
		{"ZWJ sequence", "a👩\u200d💻b", 4, "a…"},
		{"flag pair", "🇳🇿🇯🇵🇫🇷", 4, "🇳🇿…"},
		{"flag pair odd room", "🇳🇿🇯🇵🇫🇷", 5, "🇳🇿🇯🇵…"},
		{"variation selector", "ab❤\ufe0fcd", 4, "ab…"},
		{"invalid UTF-8 replaced", "ab\xffcd", 4, "ab\ufffd…"},
		{"leading space is no break", " abcdefgh", 5, " abc…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if tt.max >= 0 && utf8.RuneCountInString(got) > tt.max {
				t.Errorf("Truncate(%q, %d) has %d runes", tt.in, tt.max, utf8.RuneCountInString(got))
			}
		})
	}
}

func TestTruncateUTF16(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits in BMP", "abc", 3, "abc"},
		{"astral counts twice", "🙂🙂", 4, "🙂🙂"},
		{"astral over", "🙂🙂🙂", 4, "🙂…"},
		{"never half a surrogate pair", "a🙂🙂", 3, "a…"},
		{"word boundary", "one 🙂 two three", 11, "one 🙂 two…"},
		{"word boundary after astral", "one 🙂 two three", 10, "one 🙂…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TruncateUTF16(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("TruncateUTF16(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := UTF16Len(got); n > tt.max {
				t.Errorf("TruncateUTF16(%q, %d) is %d units", tt.in, tt.max, n)
			}
		})
	}
}

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"é", 1},
		{"日本", 2},
		{"🙂", 2},
		{"🇳🇿", 4},
		{"\xff", 1},
	}
	for _, tt := range tests {
		if got := UTF16Len(tt.in); got != tt.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestFitNeverSplitsAnEscape(t *testing.T) {
	plain := strings.Repeat(`\*`, 50)
	for max := 0; max <= 110; max++ {
		got := fit(plain, max, Truncate, EscapeMarkdown, utf8.RuneCountInString)
		if n := utf8.RuneCountInString(got); n > max {
			t.Fatalf("max %d: %d runes: %q", max, n, got)
		}
		if s := unescapedMarkdown(got); s != "" {
			t.Fatalf("max %d: unescaped %q in %q", max, s, got)
		}
	}
}

func TestFitUsesTheRoom(t *testing.T) {
	tests := []struct {
		name  string
		plain string
		max   int
		least int
	}{
		{"all escaped", strings.Repeat("*", 10000), 4096, 4095},
		{"half escaped", strings.Repeat("a-", 10000), 4096, 4095},
		{"words", strings.Repeat("[x] ", 3000), 4096, 4000},
		{"fits", "a*b", 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fit(tt.plain, tt.max, Truncate, EscapeMarkdown, utf8.RuneCountInString)
			if n := utf8.RuneCountInString(got); n > tt.max || n < tt.least {
				t.Errorf("fit to %d gave %d runes, want %d to %d", tt.max, n, tt.least, tt.max)
			}
		})
	}
}
