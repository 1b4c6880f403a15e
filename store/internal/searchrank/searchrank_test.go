package searchrank

import (
	"slices"
	"strings"
	"testing"
)

const day = 24 * 60 * 60 * 1_000_000 // in microseconds

func TestRank(t *testing.T) {
	tests := []struct {
		name       string
		words      []string
		cs         []Candidate
		wantIDs    []int64
		wantScores []float64 // in the order of wantIDs
	}{
		{
			name:  "none",
			words: []string{"china"},
		},
		{
			name:  "headline beats lead beats body",
			words: []string{"china"},
			cs: []Candidate{
				{ID: 1, Published: 10 * day, Headline: "rain in tokyo", Lead: "more rain"},
				{ID: 2, Published: 10 * day, Headline: "trade talks", Lead: "china and japan"},
				{ID: 3, Published: 10 * day, Headline: "china votes", Lead: "a quiet day"},
				{ID: 4, Published: 10 * day, Headline: "china votes", Lead: "china counts"},
			},
			wantIDs:    []int64{4, 3, 2, 1},
			wantScores: []float64{5, 4, 2, 1},
		},
		{
			name:  "every word counts",
			words: []string{"china", "japan"},
			cs: []Candidate{
				{ID: 1, Published: day, Headline: "china votes", Lead: ""},
				{ID: 2, Published: day, Headline: "china and japan", Lead: "japan"},
			},
			wantIDs:    []int64{2, 1},
			wantScores: []float64{8, 4},
		},
		{
			name:  "whole words only",
			words: []string{"china"},
			cs: []Candidate{
				{ID: 1, Published: day, Headline: "chinese trade", Lead: "in indochina"},
				{ID: 2, Published: day, Headline: "trade", Lead: "china"},
			},
			wantIDs:    []int64{2, 1},
			wantScores: []float64{2, 1},
		},
		{
			name:  "recency divides relevance",
			words: []string{"china"},
			cs: []Candidate{
				{ID: 1, Published: 0, Headline: "china votes", Lead: "china counts"},
				{ID: 2, Published: 2 * day, Headline: "china votes", Lead: ""},
				{ID: 3, Published: 4 * day, Headline: "weather", Lead: "china"},
			},
			wantIDs:    []int64{3, 2, 1},
			wantScores: []float64{2, 4.0 / 2, 5.0 / 3},
		},
		{
			name:  "equal scores: the newer first",
			words: []string{"china"},
			cs: []Candidate{
				// Twice the relevance, two days older: the same score.
				{ID: 2, Published: 0, Headline: "china votes", Lead: ""},
				{ID: 1, Published: 2 * day, Headline: "weather", Lead: "china"},
			},
			wantIDs:    []int64{1, 2},
			wantScores: []float64{2, 2},
		},
		{
			name:  "equal scores and times: the greater id first",
			words: []string{"china"},
			cs: []Candidate{
				{ID: 5, Published: day, Headline: "china", Lead: ""},
				{ID: 9, Published: day, Headline: "china", Lead: ""},
				{ID: 7, Published: day, Headline: "china", Lead: ""},
			},
			wantIDs:    []int64{9, 7, 5},
			wantScores: []float64{4, 4, 4},
		},
		{
			name:  "ages from the newest, not the first",
			words: []string{"x"},
			cs: []Candidate{
				{ID: 1, Published: 0, Headline: "x", Lead: "x"},
				{ID: 2, Published: 8 * day, Headline: "y", Lead: "y"},
			},
			wantIDs:    []int64{2, 1},
			wantScores: []float64{1, 5.0 / 5},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := slices.Clone(tt.cs)
			Rank(cs, tt.words)
			var ids []int64
			var scores []float64
			for _, c := range cs {
				ids = append(ids, c.ID)
				scores = append(scores, c.Score)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("Rank order = %v, want %v", ids, tt.wantIDs)
			}
			if !slices.Equal(scores, tt.wantScores) {
				t.Errorf("Rank scores = %v, want %v", scores, tt.wantScores)
			}
		})
	}
}

func TestQueryWords(t *testing.T) {
	long := strings.Repeat("abc ", 300) // 1,200 bytes
	many := strings.Repeat("w", maxQueryBytes-4) + " xyz abcdef"
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"spaces", "  \t\n", nil},
		{"punctuation", `!@#$%^&*()"'`, nil},
		{"emoji", "🗞️ 🍵", nil},
		{"case", "China", []string{"china"}},
		{"operators are words", `"china" OR NEAR(russia, 2) headline:*`, []string{"china", "or", "near", "russia", "2", "headline"}},
		{"accents and apostrophes", "Côte d’Ivoire", []string{"cote", "d", "ivoire"}},
		{"duplicates", "tokyo TOKYO Tokyo", []string{"tokyo"}},
		{"at most ten", "a b c d e f g h i j k l", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
		{"ten distinct", "a a b b c c d d e e f f g g h h i i j j k", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}},
		{"long", long, []string{"abc"}},
		// Cut inside "abcdef": the part kept is dropped, not searched.
		{"cut word dropped", strings.Repeat(" ", 997) + "abcdef", nil},
		{"cut after a word", strings.Repeat(" ", 991) + "xyz abcdef", []string{"xyz"}},
		{"cut at the end of a word", strings.Repeat(" ", 997) + "abc def", nil},
		{"cut only one word", many, []string{strings.Repeat("w", maxQueryBytes-4)}},
		// Cut inside a character of two bytes: no invalid UTF-8.
		{"cut inside a rune", strings.Repeat(" ", 999) + "é", nil},
		{"cut inside a rune after words", strings.Repeat(" ", 993) + "ab cd é", []string{"ab"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := QueryWords(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("QueryWords(%.40q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
