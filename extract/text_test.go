package extract

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

func TestText(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain", "Hello world", "Hello world"},
		{"named entities", "Fish &amp; chips &mdash; &quot;fresh&quot;", "Fish & chips — \"fresh\""},
		{"numeric entities", "It&#8217;s &#x2014; here", "It’s — here"},
		{"double escaped", "It&amp;#8217;s here", "It’s here"},
		{"escaped markup dropped", "&lt;p&gt;Item &lt;b&gt;Title&lt;/b&gt;&lt;/p&gt;", "Item Title"},
		{"escaped angle text stays", "crude &lt;CLc1&gt; rose", "crude <CLc1> rose"},
		{"markup inside markup stays text", "<p>a &lt;b&gt; c</p>", "a <b> c"},
		{"tags dropped", "<p>One <b>bold</b> word</p><p>Two</p>", "One bold word Two"},
		{"script dropped", "<p>Keep</p><script>drop(me)</script><style>p{}</style>", "Keep"},
		{"br spaces words", "line one<br>line two", "line one line two"},
		{"inline glues", "<span>in</span><span>line</span>", "inline"},
		{"whitespace", "  a \t\n b\r\n  c  ", "a b c"},
		{"nbsp", "a\u00a0\u00a0b&nbsp;c", "a b c"},
		{"invalid utf-8", "a\xffb\xfe\xfdc", "a\uFFFDb\uFFFDc"},
		{"control chars", "a\x00b\x07c\x1bd\u0085e", "abcd e"},
		{"zero width and bom", "\ufeffa\u200bb\u00adc", "abc"},
		{"less-than not a tag", "3 < 4 and 5 > 2", "3 < 4 and 5 > 2"},
		{"comment", "a<!-- hidden -->b", "ab"},
		{"emoji kept", "ok 👍🏽 👩‍👩‍👧", "ok 👍🏽 👩‍👩‍👧"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.in); got != tt.want {
				t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBody(t *testing.T) {
	long := strings.Repeat("word ", herald.MaxBody)
	tests := []struct {
		name     string
		contents []string
		want     string
	}{
		{"none", nil, ""},
		{"longest wins", []string{"<p>Short.</p>", "<p>The <b>longer</b> one.</p>"}, "The longer one."},
		{"plain text", []string{"", "Just text."}, "Just text."},
	}
	for _, tt := range tests {
		if got := Body(tt.contents...); got != tt.want {
			t.Errorf("%s: Body = %q, want %q", tt.name, got, tt.want)
		}
	}
	if n := utf8.RuneCountInString(Body(long)); n != herald.MaxBody {
		t.Errorf("a long body keeps %d characters, want %d", n, herald.MaxBody)
	}
}
