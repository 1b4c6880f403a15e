package extract

import (
	"slices"
	"testing"
)

func TestTopics(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   []string
		want []string
	}{
		{"none", nil, nil},
		{"empty strings", []string{"", "  ", "/"}, nil},
		{"path with slash", []string{"World/Asia"}, []string{"World", "Asia"}},
		{"path with angle", []string{"World > Asia"}, []string{"World", "Asia"}},
		{"guillemet", []string{"News » Local"}, []string{"News", "Local"}},
		{"entity-escaped angle", []string{"World &gt; Asia"}, []string{"World", "Asia"}},
		{"dedupe keeps first spelling", []string{"World/Asia", "world", "ASIA", "Europe"}, []string{"World", "Asia", "Europe"}},
		{"title case lower", []string{"world news"}, []string{"World News"}},
		{"title case upper", []string{"WORLD NEWS"}, []string{"World News"}},
		{"small words", []string{"arts and culture"}, []string{"Arts and Culture"}},
		{"acronyms kept", []string{"US", "UK POLITICS", "NBA FINALS", "U.S."}, []string{"US", "UK Politics", "NBA Finals", "U.S."}},
		{"short upper words title-cased", []string{"TOP STORIES", "OIL"}, []string{"Top Stories", "Oil"}},
		{"mixed case kept", []string{"iPhone", "McDonald's"}, []string{"iPhone", "McDonald's"}},
		{"whitespace collapsed", []string{"  Middle \t East  "}, []string{"Middle East"}},
		{"hyphen", []string{"covid-19"}, []string{"Covid-19"}},
		{"digits slash kept", []string{"24/7 News"}, []string{"24/7 News"}},
		{"placeholders dropped", []string{"Home > World", "Uncategorized"}, []string{"World"}},
		{"order kept", []string{"Sport", "Business", "sport"}, []string{"Sport", "Business"}},
		{"accented", []string{"ÉCONOMIE", "économie"}, []string{"Économie"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Topics(tt.in...); !slices.Equal(got, tt.want) {
				t.Errorf("Topics(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
