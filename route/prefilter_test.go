package route

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
)

func TestRequiredLiterals(t *testing.T) {
	tests := []struct {
		re   string
		want []need // nil: nothing known
	}{
		{`war`, []need{{lit: "war"}}},
		{`(?i)\bwar\b`, []need{{lit: fold("war"), fold: true}}},
		{`\d+ (dead|killed|injured)`, []need{{lit: "dead"}, {lit: "killed"}, {lit: "injured"}}},
		{`(?i)analysis|opinion`, []need{{lit: fold("analysis"), fold: true}, {lit: fold("opinion"), fold: true}}},
		{`^Live:`, []need{{lit: "Live:"}}},
		{`\b[A-Z]{2,5}\b talks`, []need{{lit: " talks"}}},
		{`(?:ab)+c`, []need{{lit: "ab"}}},
		{`x{2,}`, []need{{lit: "x"}}},
		{`a*`, nil},
		{`(war)?peace`, []need{{lit: "peace"}}},
		{`war|\d+`, nil},
		{`[a-z]+`, nil},
		{`.`, nil},
		{`\x{FFFD}`, nil},
	}
	for _, tt := range tests {
		if got := newPattern(regexp.MustCompile(tt.re)).needs; !slices.Equal(got, tt.want) {
			t.Errorf("needs of %q = %+v, want %+v", tt.re, got, tt.want)
		}
	}
}

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		re, text string
		want     bool
	}{
		{`(?i)\bwar\b`, "The WAR goes on", true},
		{`(?i)\bwar\b`, "Warsaw", false},
		{`(?i)\bwar\b`, "peace", false},
		{`(?i)ſ`, "S", true},           // long s folds with s and S
		{`(?i)k`, "\u212a", true},      // Kelvin sign folds with k
		{`(?i)zürich`, "ZÜRICH", true}, // folds beyond ASCII
		{`zürich`, "ZÜRICH", false},
		{`\d+ (dead|killed)`, "12 killed", true},
		{`\d+ (dead|killed)`, "killed 12", false},
		{`a.c`, "a\xffc", true},
	}
	for _, tt := range tests {
		re := regexp.MustCompile(tt.re)
		if got := newPattern(re).match(tt.text, func() string { return fold(tt.text) }); got != tt.want {
			t.Errorf("%q matches %q: %v, want %v", tt.re, tt.text, got, tt.want)
		}
	}
}

// FuzzPattern checks that the literals never rule out a text the
// regular expression matches.
func FuzzPattern(f *testing.F) {
	for _, s := range [][2]string{
		{`(?i)\bwar\b`, "The WAR"}, {`(?i)ſ`, "S"}, {`(?i)k`, "\u212a"}, {`\d+ (dead|killed)`, "3 dead"},
		{`(?i)straße|strasse`, "STRASSE"}, {`a.c`, "a\xffc"}, {`(?i)ǅ`, "ǆ"}, {`(?i)Σ`, "ς"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, expr, text string) {
		re, err := regexp.Compile(expr)
		if err != nil {
			return
		}
		want := re.MatchString(text)
		if got := newPattern(re).match(text, func() string { return fold(text) }); got != want {
			t.Fatalf("%q matches %q: pattern says %v, regexp %v (needs %s)", expr, text, got, want, fmt.Sprint(newPattern(re).needs))
		}
	})
}
