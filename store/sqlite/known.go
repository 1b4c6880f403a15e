package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// maxInList is the most values a statement compares with IN at once: few
// enough to stay far below SQLite's limit on parameters.
const maxInList = 500

// placeholders returns n parameters separated by commas: "?, ?, ?".
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// inChunks calls fn with the values of vs maxInList at a time, as arguments
// of a statement, and the placeholders of as many parameters.
func inChunks[T any](vs []T, fn func(args []any, params string) error) error {
	for len(vs) > 0 {
		n := min(len(vs), maxInList)
		args := make([]any, n)
		for i, v := range vs[:n] {
			args[i] = v
		}
		if err := fn(args, placeholders(n)); err != nil {
			return err
		}
		vs = vs[n:]
	}
	return nil
}

// knownArticle is what Ingest needs of an article already recorded.
type knownArticle struct {
	id          int64
	feed        string
	itemHash    string
	contentHash string
	published   int64
}

// knownArticles returns the recorded articles among rows, by key.
func knownArticles(ctx context.Context, tx *sql.Tx, rows []articleRow) (map[string]knownArticle, error) {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
	}
	known := make(map[string]knownArticle, len(rows))
	err := inChunks(keys, func(args []any, params string) error {
		rs, err := tx.QueryContext(ctx, `SELECT key, id, feed, item_hash, content_hash, published
			FROM articles WHERE key IN (`+params+`)`, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var (
				key string
				k   knownArticle
			)
			if err := rs.Scan(&key, &k.id, &k.feed, &k.itemHash, &k.contentHash, &k.published); err != nil {
				return err
			}
			known[key] = k
		}
		return rs.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("known articles: %w", err)
	}
	return known, nil
}

// ItemHashes returns the item hash recorded for each of keys that is
// known from feed, as herald.Store describes: the ItemHash the article was
// last ingested with from its feed, or its ContentHash when it had none.
// An article recorded before item hashes were kept maps to "". Unknown
// keys, and keys recorded from another feed, are left out.
func (s *Store) ItemHashes(ctx context.Context, feed string, keys []string) (map[string]string, error) {
	out := make(map[string]string, len(keys))
	err := inChunks(keys, func(args []any, params string) error {
		rows, err := s.read.QueryContext(ctx, `SELECT key, item_hash FROM articles WHERE feed = ? AND key IN (`+params+`)`,
			append([]any{feed}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var key, hash string
			if err := rows.Scan(&key, &hash); err != nil {
				return err
			}
			out[key] = hash
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: item hashes: %w", err)
	}
	return out, nil
}
