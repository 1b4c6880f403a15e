package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// knownArticle is what Ingest needs of an article already recorded.
type knownArticle struct {
	id          int64
	feed        string
	itemHash    string
	contentHash string
	published   time.Time
}

// knownArticles returns the recorded articles among batch, by key.
func knownArticles(ctx context.Context, tx pgx.Tx, batch []herald.Article) (map[string]knownArticle, error) {
	keys := make([]string, len(batch))
	for i, a := range batch {
		keys[i] = a.Key
	}
	known := make(map[string]knownArticle, len(batch))
	rows, err := tx.Query(ctx, `SELECT key, id, feed, item_hash, content_hash, published
		FROM articles WHERE key = ANY($1)`, keys)
	if err != nil {
		return nil, fmt.Errorf("known articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key string
			k   knownArticle
		)
		if err := rows.Scan(&key, &k.id, &k.feed, &k.itemHash, &k.contentHash, &k.published); err != nil {
			return nil, fmt.Errorf("known articles: %w", err)
		}
		known[key] = k
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("known articles: %w", err)
	}
	return known, nil
}

// ItemHashes returns the item hash recorded for each of keys that is
// known from feed, as herald.Store describes: the ItemHash the article was
// last ingested with from its feed, or its ContentHash when it had none.
// Unknown keys, and keys recorded from another feed, are left out.
func (s *Store) ItemHashes(ctx context.Context, feed string, keys []string) (map[string]string, error) {
	out := make(map[string]string, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT key, item_hash FROM articles WHERE feed = $1 AND key = ANY($2)`, feed, keys)
	if err != nil {
		return nil, fmt.Errorf("postgres: item hashes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, hash string
		if err := rows.Scan(&key, &hash); err != nil {
			return nil, fmt.Errorf("postgres: item hashes: %w", err)
		}
		out[key] = hash
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: item hashes: %w", err)
	}
	return out, nil
}
