package fakes

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseTelegramHTML(t *testing.T) {
	tests := []struct {
		in    string
		plain string
		ents  []TelegramEntity
		err   string
	}{
		{in: "plain text", plain: "plain text"},
		{in: "<b>bold</b> and <i>it</i>", plain: "bold and it", ents: []TelegramEntity{{Type: "bold", Offset: 0, Length: 4}, {Type: "italic", Offset: 9, Length: 2}}},
		{in: "<B>x</B>", err: `Unmatched end tag at byte offset 4, expected "</b>", found "</B>"`},
		{in: "<STRONG>x</>", plain: "x", ents: []TelegramEntity{{Type: "bold", Offset: 0, Length: 1}}},
		{in: "&lt;&gt;&amp;&quot;&#39;&#x1F600;", plain: `<>&"'😀`},
		{in: "😀<u>a</u>", plain: "😀a", ents: []TelegramEntity{{Type: "underline", Offset: 2, Length: 1}}},
		{in: `<a href="https://e.com/?a=1&b=2">x</a>`, plain: "x", ents: []TelegramEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "https://e.com/?a=1&b=2"}}},
		{in: `<a href='https://e.com/&amp;'>x</a>`, plain: "x", ents: []TelegramEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "https://e.com/&"}}},
		{in: `<a href=https>x</a>`, plain: "x", ents: []TelegramEntity{{Type: "text_link", Offset: 0, Length: 1, URL: "https"}}},
		{in: `<pre><code class="language-go">x := 1</code></pre>`, plain: "x := 1", ents: []TelegramEntity{{Type: "pre", Offset: 0, Length: 6, Language: "go"}}},
		{in: `<code class="language-go">x</code>`, plain: "x", ents: []TelegramEntity{{Type: "code", Offset: 0, Length: 1}}},
		{in: `<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>`, plain: "st", ents: []TelegramEntity{{Type: "spoiler", Offset: 0, Length: 1}, {Type: "spoiler", Offset: 1, Length: 1}}},
		{in: `<blockquote expandable>q</blockquote>`, plain: "q", ents: []TelegramEntity{{Type: "expandable_blockquote", Offset: 0, Length: 1}}},
		{in: `<b bold>q</b>`, err: `Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0`},
		{in: `<blockquote expandable="">q</blockquote>`, plain: "q", ents: []TelegramEntity{{Type: "expandable_blockquote", Offset: 0, Length: 1}}},
		{in: `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, plain: "👍", ents: []TelegramEntity{{Type: "custom_emoji", Offset: 0, Length: 2, CustomEmojiID: "5368324170671202286"}}},
		{in: `<b><i>x</i></b>`, plain: "x", ents: []TelegramEntity{{Type: "bold", Offset: 0, Length: 1}, {Type: "italic", Offset: 0, Length: 1}}},
		{in: "<b></b>x", plain: "x"},
		{in: "a > b", plain: "a > b"},
		{in: "a < b", err: `Unsupported start tag "" at byte offset 2`},
		{in: "<br>", err: `Unsupported start tag "br" at byte offset 0`},
		{in: "<b>x", err: `Can't find end tag corresponding to start tag "b"`},
		{in: "x</b>", err: "Unexpected end tag at byte offset 1"},
		{in: "<b>x</i>", err: `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{in: "<b><i>x</b></i>", err: `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{in: "<b", err: "Unclosed start tag at byte offset 0"},
		{in: "<b>x</b", err: "Unclosed end tag at byte offset 4"},
		{in: `<a href="x>y</a>`, err: "Unclosed start tag at byte offset 0"},
		{in: `<a =x>y</a>`, err: `Empty attribute name in the tag "a"`},
		{in: `<span>x</span>`, err: `Tag "span" must have class "tg-spoiler"`},
		{in: `<tg-emoji emoji-id="abc">x</tg-emoji>`, err: "Invalid custom emoji identifier specified"},
		{in: "Tom & Jerry", err: "Character '&' at byte offset 4"},
		{in: "&nbsp;", err: "Character '&' at byte offset 0"},
		{in: "&amp", err: "Character '&' at byte offset 0"},
		{in: "&#0;", err: "Character '&' at byte offset 0"},
		{in: "&#xD800;", err: "Character '&' at byte offset 0"},
		{in: "\xff", err: "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			plain, ents, err := parseTelegramHTML(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if plain != tt.plain {
				t.Errorf("plain = %q, want %q", plain, tt.plain)
			}
			if len(ents) != len(tt.ents) {
				t.Fatalf("entities = %+v, want %+v", ents, tt.ents)
			}
			for i := range ents {
				if ents[i] != tt.ents[i] {
					t.Errorf("entity %d = %+v, want %+v", i, ents[i], tt.ents[i])
				}
			}
		})
	}
}

// escapeHTML escapes text the way tgbotapi.EscapeText does for HTML.
func escapeHTML(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;").Replace(s)
}

func FuzzParseTelegramHTML(f *testing.F) {
	for _, s := range []string{
		"", "plain", "<b>x</b>", `<a href="https://e.com/?a&amp;b">l</a>`, "<pre><code class=\"language-go\">x</code></pre>",
		"&lt;&#60;&#x3c;", "😀<i>é</i>", "<b><i>x</b></i>", "<tg-emoji emoji-id=\"1\">x</tg-emoji>", "a & b", "<", "</", "<a x='",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plain, ents, err := parseTelegramHTML(s)
		if err == nil {
			if !utf8.ValidString(plain) {
				t.Fatalf("plain text %q is not UTF-8", plain)
			}
			n := utf16Count(plain)
			for _, e := range ents {
				if e.Offset < 0 || e.Length <= 0 || e.Offset+e.Length > n {
					t.Fatalf("entity %+v outside text of %d units", e, n)
				}
			}
			if !strings.ContainsAny(s, "<&") && plain != s {
				t.Fatalf("text without markup changed: %q -> %q", s, plain)
			}
		}
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatal("invalid UTF-8 accepted")
			}
			return
		}
		// Escaped text always parses back to itself, with or without a
		// tag around it.
		esc := escapeHTML(s)
		plain, ents, err = parseTelegramHTML(esc)
		if err != nil || plain != s || len(ents) != 0 {
			t.Fatalf("escaped %q: %q %v %v", s, plain, ents, err)
		}
		plain, ents, err = parseTelegramHTML("<b>" + esc + "</b>")
		if err != nil || plain != s {
			t.Fatalf("bold escaped %q: %q %v", s, plain, err)
		}
		if s != "" && (len(ents) != 1 || ents[0].Length != utf16Count(s)) {
			t.Fatalf("bold escaped %q: entities %+v", s, ents)
		}
	})
}
