package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

const (
	selectLatest = `SELECT ` + articleColumns + `
FROM articles a ORDER BY a.published DESC, a.id DESC LIMIT $1`
	// selectAbout lists the newest articles about a topic: tagged with
	// its key @key, or whose headline and lead hold its words @phrase, as
	// whole words, padded with a space at either end. @words, a tsquery
	// of the phrase's words in a headline or lead, finds the articles to
	// look at in the index.
	selectAbout = `SELECT ` + articleColumns + ` FROM articles a
WHERE a.id IN (
	SELECT article_id FROM article_topics WHERE key = @key
	UNION ALL
	SELECT article_id FROM search
	WHERE words @@ @words::text::tsquery
	AND strpos(' ' || headline || ' ' || lead || ' ', @phrase) > 0
)
ORDER BY a.published DESC, a.id DESC LIMIT @limit`
	// selectAboutUnindexed is selectAbout for a phrase with a word too
	// long for the index: every article is looked at.
	selectAboutUnindexed = `SELECT ` + articleColumns + ` FROM articles a
WHERE a.id IN (
	SELECT article_id FROM article_topics WHERE key = @key
	UNION ALL
	SELECT article_id FROM search
	WHERE strpos(' ' || headline || ' ' || lead || ' ', @phrase) > 0
)
ORDER BY a.published DESC, a.id DESC LIMIT @limit`
)

// Latest lists at most limit articles, newest first by Published, then the
// last recorded first. A non-empty topic keeps the articles
// herald.Article.About says are about it; a topic without words keeps
// none. A limit of 0 or less lists nothing.
func (s *Store) Latest(ctx context.Context, topic string, limit int) ([]herald.Article, error) {
	if limit <= 0 {
		return nil, nil
	}
	if topic == "" {
		rows, err := s.pool.Query(ctx, selectLatest, limit)
		if err != nil {
			return nil, fmt.Errorf("postgres: latest: %w", err)
		}
		as, err := collectArticles(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: latest: %w", err)
		}
		return as, nil
	}
	key := herald.TopicKey(topic)
	if key == "" {
		return nil, nil
	}
	query := selectAbout
	// The words of a headline have weight A, those of a lead B.
	words, ok := tsquery(strings.Fields(key), " & ", "AB")
	if !ok {
		query = selectAboutUnindexed
	}
	args := pgx.NamedArgs{"key": key, "words": words, "phrase": " " + key + " ", "limit": limit}
	rows, err := s.pool.Query(ctx, query, args)
	if err != nil {
		return nil, fmt.Errorf("postgres: latest %q: %w", topic, err)
	}
	as, err := collectArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: latest %q: %w", topic, err)
	}
	return as, nil
}
