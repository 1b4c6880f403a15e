// Package searchrank holds the parts of article search that do not depend
// on a database: reading the words of a query and ranking the articles
// that match them. The stores select the candidates; this package orders
// them.
package searchrank

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// Limits on what a search reads of a query: the first maxQueryBytes bytes,
// and of them the first maxQueryWords distinct words.
const (
	maxQueryBytes = 1000
	maxQueryWords = 10
)

// Search scoring. An article's score is its relevance divided by a
// recency factor:
//
//	relevance = 1 + Σ over the words of the query of
//	            headlineWeight·[the word is in the headline] +
//	            leadWeight·[the word is in the lead]
//	score     = relevance / (1 + age / recencyScale)
//
// where age is how much older the article is than the newest of the
// candidates, so that the ranking does not change with the clock. Every
// candidate holds the words (or, when no article holds them all, one of
// them) somewhere: the 1 is for that. An article two days older than
// another needs twice its relevance to rank level with it. Ties go to the
// newer, then to the later recorded.
const (
	headlineWeight = 3
	leadWeight     = 1
	recencyScale   = 2 * 24 * 60 * 60 * 1_000_000 // two days, in microseconds
)

// Candidate is an article that matches a query, as Rank scores it.
type Candidate struct {
	// ID is the article's id in its store; of two articles otherwise
	// level, the greater ID ranks first.
	ID int64
	// Published is when the article was published, in microseconds since
	// the Unix epoch.
	Published int64
	// Headline and Lead are the article's, as recorded.
	Headline, Lead string
	// Score is set by Rank: the greater, the better the match.
	Score float64
}

// Rank scores the candidates for words, as QueryWords returns them, and
// sorts them, the best first.
func Rank(cs []Candidate, words []string) {
	if len(cs) == 0 {
		return
	}
	newest := cs[0].Published
	for _, c := range cs {
		newest = max(newest, c.Published)
	}
	padded := make([]string, len(words))
	for i, w := range words {
		padded[i] = " " + w + " "
	}
	for i := range cs {
		c := &cs[i]
		headline, lead := " "+c.Headline+" ", " "+c.Lead+" "
		relevance := 1
		for _, w := range padded {
			if strings.Contains(headline, w) {
				relevance += headlineWeight
			}
			if strings.Contains(lead, w) {
				relevance += leadWeight
			}
		}
		age := float64(newest) - float64(c.Published)
		c.Score = float64(relevance) / (1 + age/recencyScale)
	}
	slices.SortFunc(cs, func(a, b Candidate) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		if a.Published != b.Published {
			return cmp.Compare(b.Published, a.Published)
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

// QueryWords returns the distinct words of what a reader typed, as
// herald.TopicKey has them, at most 10 of them from the first 1,000 bytes.
// A word the cut may have shortened is left out.
func QueryWords(query string) []string {
	cut := false
	if len(query) > maxQueryBytes {
		n := maxQueryBytes
		for n > 0 && !utf8.RuneStart(query[n]) {
			n--
		}
		query, cut = query[:n], true
	}
	words := strings.Fields(herald.TopicKey(query))
	if cut && len(words) > 0 {
		// The last word may be the start of a longer one.
		words = words[:len(words)-1]
	}
	out := make([]string, 0, min(len(words), maxQueryWords))
	for _, w := range words {
		if len(out) == maxQueryWords {
			break
		}
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}
