package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/store/internal/searchrank"
)

// searchWindow is how many matching articles Search ranks, at most: the
// most recently recorded of them, or limit if it is more. A common word
// matches most articles; the window bounds the work, and with recency in
// the score an older match would rarely make the first page anyway.
const searchWindow = 1000

// selectCandidates lists the window of matches of a tsquery.
const selectCandidates = `SELECT article_id, published, headline, lead FROM search
WHERE words @@ $1::text::tsquery ORDER BY article_id DESC LIMIT $2`

// Search finds at most limit articles matching query, as herald.Store
// describes: the articles whose headline, lead or body hold every word of
// the query, or, when no article holds them all, any of them, ranked by
// searchrank.Rank. Words are compared as herald.TopicKey compares them,
// whole: "china" does not find "Chinese". A limit of 0 or less finds
// nothing. The articles come back without their Body, which the store does
// not keep.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]herald.Article, error) {
	words := searchrank.QueryWords(query)
	if len(words) == 0 || limit <= 0 {
		return nil, nil
	}
	window := max(limit, searchWindow)
	var (
		cs  []searchrank.Candidate
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
	searchrank.Rank(cs, words)
	ids := make([]int64, 0, min(limit, len(cs)))
	for _, c := range cs[:min(limit, len(cs))] {
		ids = append(ids, c.ID)
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
func (s *Store) candidates(ctx context.Context, query string, window int) ([]searchrank.Candidate, error) {
	rows, err := s.pool.Query(ctx, selectCandidates, query, window)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs []searchrank.Candidate
	for rows.Next() {
		var (
			c         searchrank.Candidate
			published time.Time
		)
		if err := rows.Scan(&c.ID, &published, &c.Headline, &c.Lead); err != nil {
			return nil, err
		}
		c.Published = published.UnixMicro()
		cs = append(cs, c)
	}
	return cs, rows.Err()
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
