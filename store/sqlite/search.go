package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/store/internal/searchrank"
)

// articleColumns are the columns scanArticle reads, in its order.
const articleColumns = `a.key, a.url, a.headline, a.dateline_text, a.dateline_place, a.dateline_date,
	a.dateline_agency, a.lead, a.topics, a.image, a.published, a.source, a.feed`

// searchWindow is how many matching articles Search ranks, at most: the
// most recently recorded of them, or limit if it is more.
//
// A common word matches most articles. Ranking them all, or letting FTS5's
// bm25 rank them, reads every one of them: bm25 reads the whole list of the
// articles of each word of the query to weigh it, about 5 ms a word at
// 100,000 articles, growing with the store. The window bounds the work by
// its size instead, and with recency in the score an older match would
// rarely make the first page anyway.
const searchWindow = 1000

// selectCandidates lists the window of matches of an FTS5 query.
const selectCandidates = `SELECT rowid, published, headline, lead FROM search
WHERE search MATCH ? ORDER BY rowid DESC LIMIT ?`

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
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = ftsString(w)
	}
	window := max(limit, searchWindow)
	cs, err := s.candidates(ctx, strings.Join(quoted, " AND "), window)
	if err == nil && len(cs) == 0 && len(words) > 1 {
		cs, err = s.candidates(ctx, strings.Join(quoted, " OR "), window)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: search %q: %w", words, err)
	}
	searchrank.Rank(cs, words)
	ids := make([]int64, 0, min(limit, len(cs)))
	for _, c := range cs[:min(limit, len(cs))] {
		ids = append(ids, c.ID)
	}
	as, err := s.articlesByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search %q: %w", words, err)
	}
	return as, nil
}

// candidates returns the window of articles that match, an FTS5 query.
func (s *Store) candidates(ctx context.Context, match string, window int) ([]searchrank.Candidate, error) {
	rows, err := s.read.QueryContext(ctx, selectCandidates, match, window)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs []searchrank.Candidate
	for rows.Next() {
		var c searchrank.Candidate
		if err := rows.Scan(&c.ID, &c.Published, &c.Headline, &c.Lead); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// ftsString returns s as an FTS5 string, which the query syntax reads as
// text to tokenize and never as an operator, column name or prefix.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

const (
	selectLatest = `SELECT ` + articleColumns + `
FROM articles a ORDER BY a.published DESC, a.id DESC LIMIT ?`
	// The newest articles of a topic are the end of its article_topics
	// range.
	selectTopicArticles = `SELECT article_id, published FROM article_topics
WHERE key = ? ORDER BY published DESC, article_id DESC LIMIT ?`
	// The matches of a phrase in about, the most recently recorded first.
	selectPhraseArticles = `SELECT rowid, published FROM about
WHERE about MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?`
	// The newest publish time of the articles recorded before one: the
	// first entry of articles_published with a smaller id. Articles are
	// mostly recorded in the order they are published, so few entries are
	// skipped; left alone, the planner would read every smaller id instead.
	selectNewestBefore = `SELECT published FROM articles INDEXED BY articles_published
WHERE id < ? ORDER BY published DESC LIMIT 1`
)

// How Latest finds the newest articles whose headline and lead hold a
// phrase. A common phrase matches tens of thousands of articles, and
// reading them all would take tens of milliseconds. The index lists them
// by id, the order they were recorded in, which is mostly the order they
// were published in but not always: a feed first seen brings articles
// published long ago, and a feed may date an article in the future.
//
// So the matches are read by id, newest first, in chunks growing from
// twice limit, keeping the newest limit of them, until no article recorded
// before the last one read was published late enough to displace them.
// Most often the first chunk is enough; when the order of ids and
// publication disagree, more matches are read, at worst all of them.
const maxPhraseChunk = 4096

// match is an article's id and publish time.
type match struct{ id, published int64 }

// Latest lists at most limit articles, newest first by Published, then the
// last recorded first. A non-empty topic keeps the articles
// herald.Article.About says are about it; a topic without words keeps
// none. A limit of 0 or less lists nothing.
func (s *Store) Latest(ctx context.Context, topic string, limit int) ([]herald.Article, error) {
	if limit <= 0 {
		return nil, nil
	}
	if topic == "" {
		as, err := s.articles(ctx, selectLatest, limit)
		if err != nil {
			return nil, fmt.Errorf("sqlite: latest: %w", err)
		}
		return as, nil
	}
	key := herald.TopicKey(topic)
	if key == "" {
		return nil, nil
	}
	ms, err := s.matches(ctx, selectTopicArticles, key, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: latest %q: %w", topic, err)
	}
	phrase, err := s.phraseMatches(ctx, ftsString(key), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: latest %q: %w", topic, err)
	}
	ms = append(ms, phrase...)
	sortMatches(ms)
	ms = slices.Compact(ms)
	ids := make([]int64, 0, min(limit, len(ms)))
	for _, m := range ms[:min(limit, len(ms))] {
		ids = append(ids, m.id)
	}
	as, err := s.articlesByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("sqlite: latest %q: %w", topic, err)
	}
	return as, nil
}

// phraseMatches returns the newest limit articles whose headline and lead
// hold phrase, an FTS5 string, or all of them if fewer, in no order.
func (s *Store) phraseMatches(ctx context.Context, phrase string, limit int) ([]match, error) {
	var newest []match
	before := int64(math.MaxInt64)
	for chunk := max(2*limit, 16); ; chunk = min(2*chunk, maxPhraseChunk) {
		ms, err := s.matches(ctx, selectPhraseArticles, phrase, before, chunk)
		if err != nil {
			return nil, err
		}
		newest = append(newest, ms...)
		if len(ms) < chunk {
			return newest, nil // every match read
		}
		before = ms[len(ms)-1].id
		sortMatches(newest)
		newest = newest[:min(limit, len(newest))]
		if len(newest) < limit {
			continue
		}
		var bound int64
		err = s.read.QueryRowContext(ctx, selectNewestBefore, before).Scan(&bound)
		if errors.Is(err, sql.ErrNoRows) {
			return newest, nil
		}
		if err != nil {
			return nil, err
		}
		// An article recorded earlier, published at the same time as the
		// last kept, has a smaller id and comes after it.
		if newest[limit-1].published >= bound {
			return newest, nil
		}
	}
}

// sortMatches sorts ms newest first, by publish time and then id.
func sortMatches(ms []match) {
	slices.SortFunc(ms, func(a, b match) int {
		if a.published != b.published {
			return cmp.Compare(b.published, a.published)
		}
		return cmp.Compare(b.id, a.id)
	})
}

// matches runs query, which selects ids and publish times.
func (s *Store) matches(ctx context.Context, query string, args ...any) ([]match, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []match
	for rows.Next() {
		var m match
		if err := rows.Scan(&m.id, &m.published); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// articlesByID returns the articles of ids, in the order of ids.
func (s *Store) articlesByID(ctx context.Context, ids []int64) ([]herald.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var q strings.Builder
	q.WriteString(`SELECT a.id, ` + articleColumns + ` FROM articles a WHERE a.id IN (`)
	args := make([]any, len(ids))
	for i, id := range ids {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("?")
		args[i] = id
	}
	q.WriteString(")")
	rows, err := s.read.QueryContext(ctx, q.String(), args...)
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

// Topics lists the known topics whose key starts with the key of prefix,
// the most articles first, then by name, at most limit of them; 0 or less
// lists them all.
func (s *Store) Topics(ctx context.Context, prefix string, limit int) ([]herald.TopicCount, error) {
	if limit <= 0 {
		limit = -1 // no limit, to SQLite
	}
	key := herald.TopicKey(prefix)
	var (
		rows *sql.Rows
		err  error
	)
	if key == "" {
		rows, err = s.read.QueryContext(ctx, `SELECT name, articles FROM topics
			ORDER BY articles DESC, name LIMIT ?`, limit)
	} else {
		// Keys are valid UTF-8, which never holds the byte 0xFF: every key
		// that starts with key sorts before key followed by it.
		rows, err = s.read.QueryContext(ctx, `SELECT name, articles FROM topics
			WHERE key >= ? AND key < ? ORDER BY articles DESC, name LIMIT ?`, key, key+"\xff", limit)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: topics %q: %w", prefix, err)
	}
	defer rows.Close()
	var ts []herald.TopicCount
	for rows.Next() {
		var t herald.TopicCount
		if err := rows.Scan(&t.Name, &t.Articles); err != nil {
			return nil, fmt.Errorf("sqlite: topics %q: %w", prefix, err)
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: topics %q: %w", prefix, err)
	}
	return ts, nil
}

// articles runs query, which selects articleColumns.
func (s *Store) articles(ctx context.Context, query string, args ...any) ([]herald.Article, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var as []herald.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		as = append(as, a)
	}
	return as, rows.Err()
}

// scanArticle reads a row of articleColumns, after the columns of first.
func scanArticle(row scanner, first ...any) (herald.Article, error) {
	var (
		a         herald.Article
		topics    string
		published int64
	)
	dest := append(first, &a.Key, &a.URL, &a.Headline, &a.Dateline.Text, &a.Dateline.Place, &a.Dateline.Date,
		&a.Dateline.Agency, &a.Lead, &topics, &a.Image, &published, &a.Source, &a.Feed)
	if err := row.Scan(dest...); err != nil {
		return herald.Article{}, err
	}
	var err error
	if a.Topics, err = decodeTopics(topics); err != nil {
		return herald.Article{}, fmt.Errorf("article %s: %w", a.Key, err)
	}
	a.Published = fromMicros(published)
	return a, nil
}
