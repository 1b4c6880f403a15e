package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
)

// Limits on what Search reads of a query: the first maxQueryBytes bytes,
// and of them the first maxQueryWords distinct words.
const (
	maxQueryBytes = 1000
	maxQueryWords = 10
)

// searchWindow is how many matching articles Search ranks, at most: the
// most recently recorded of them, or limit if it is more. A common word
// matches most articles; the window bounds the work, and with recency in
// the score an older match would rarely make the first page anyway.
const searchWindow = 1000

// Search scoring, as the SQLite store scores. An article's score is its
// relevance divided by a recency factor:
//
//	relevance = 1 + Σ over the words of the query of
//	            headlineWeight·[the word is in the headline] +
//	            leadWeight·[the word is in the lead]
//	score     = relevance / (1 + age / recencyScale)
//
// where age is how much older the article is than the newest article in
// the window, so that the ranking does not change with the clock. An
// article two days older than another needs twice its relevance to rank
// level with it. Ties go to the newer.
const (
	headlineWeight = 3
	leadWeight     = 1
	recencyScale   = float64(2 * 24 * time.Hour / time.Microsecond)
)

// selectCandidates lists the window of matches of a tsquery.
const selectCandidates = `SELECT article_id, published, headline, lead FROM search
WHERE words @@ $1::text::tsquery ORDER BY article_id DESC LIMIT $2`

// candidate is an article of the search window.
type candidate struct {
	id             int64
	published      int64 // microseconds since the Unix epoch
	headline, lead string
	score          float64
}

// Search finds at most limit articles matching query, as herald.Store
// describes: the articles whose headline, lead or body hold every word of
// the query, or, when no article holds them all, any of them, ranked as
// the constants above say. Words are compared as herald.TopicKey compares
// them, whole: "china" does not find "Chinese". A limit of 0 or less finds
// nothing. The articles come back without their Body, which the store does
// not keep.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]herald.Article, error) {
	words := queryWords(query)
	if len(words) == 0 || limit <= 0 {
		return nil, nil
	}
	window := max(limit, searchWindow)
	var (
		cs  []candidate
		err error
	)
	if all, ok := tsquery(words, " & ", ""); ok {
		cs, err = s.candidates(ctx, all, window)
	}
	if err == nil && len(cs) == 0 && len(words) > 1 {
		if some, ok := tsquery(words, " | ", ""); ok {
			cs, err = s.candidates(ctx, some, window)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: search %q: %w", words, err)
	}
	rank(cs, words)
	ids := make([]int64, 0, min(limit, len(cs)))
	for _, c := range cs[:min(limit, len(cs))] {
		ids = append(ids, c.id)
	}
	as, err := s.articlesByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("postgres: search %q: %w", words, err)
	}
	return as, nil
}

// tsquery returns the text of a tsquery of words joined by op, each
// restricted to the weights given ("" for any). Words too long to be
// indexed are left out: with " & " none can match, and ok is false; with
// any other op, ok is false when no word is left.
func tsquery(words []string, op, weights string) (query string, ok bool) {
	var terms []string
	for _, w := range words {
		if len(w) > maxLexeme {
			if op == " & " {
				return "", false
			}
			continue
		}
		t := quoteLexeme(w)
		if weights != "" {
			t += ":" + weights
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, op), len(terms) > 0
}

// candidates returns the window of articles that match query, a tsquery.
func (s *Store) candidates(ctx context.Context, query string, window int) ([]candidate, error) {
	rows, err := s.pool.Query(ctx, selectCandidates, query, window)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs []candidate
	for rows.Next() {
		var (
			c         candidate
			published time.Time
		)
		if err := rows.Scan(&c.id, &published, &c.headline, &c.lead); err != nil {
			return nil, err
		}
		c.published = published.UnixMicro()
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// rank scores the candidates for the query's words and sorts them, the
// best first.
func rank(cs []candidate, words []string) {
	if len(cs) == 0 {
		return
	}
	newest := cs[0].published
	for _, c := range cs {
		newest = max(newest, c.published)
	}
	padded := make([]string, len(words))
	for i, w := range words {
		padded[i] = " " + w + " "
	}
	for i := range cs {
		c := &cs[i]
		headline, lead := " "+c.headline+" ", " "+c.lead+" "
		relevance := 1
		for _, w := range padded {
			if strings.Contains(headline, w) {
				relevance += headlineWeight
			}
			if strings.Contains(lead, w) {
				relevance += leadWeight
			}
		}
		age := float64(newest) - float64(c.published)
		c.score = float64(relevance) / (1 + age/recencyScale)
	}
	slices.SortFunc(cs, func(a, b candidate) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		if a.published != b.published {
			return cmp.Compare(b.published, a.published)
		}
		return cmp.Compare(b.id, a.id)
	})
}

// queryWords returns the distinct words of what a reader typed, as
// herald.TopicKey has them, at most maxQueryWords of them from the first
// maxQueryBytes bytes.
func queryWords(query string) []string {
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

// articlesByID returns the articles of ids, in the order of ids.
func (s *Store) articlesByID(ctx context.Context, ids []int64) ([]herald.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT a.id, `+articleColumns+` FROM articles a WHERE a.id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := make(map[int64]herald.Article, len(ids))
	for rows.Next() {
		var id int64
		a, err := scanArticle(rows, &id)
		if err != nil {
			return nil, err
		}
		byID[id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	as := make([]herald.Article, 0, len(ids))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			as = append(as, a)
		}
	}
	return as, nil
}
