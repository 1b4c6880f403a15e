package postgres

import (
	"context"
	"fmt"

	"github.com/heraldhq/herald"
)

// Topics lists the known topics whose key starts with the key of prefix,
// the most articles first, then by name in byte order, at most limit of
// them; 0 or less lists them all.
func (s *Store) Topics(ctx context.Context, prefix string, limit int) ([]herald.TopicCount, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, `SELECT name, articles FROM topics
		WHERE starts_with(key, $1) ORDER BY articles DESC, name LIMIT $2`, herald.TopicKey(prefix), lim)
	if err != nil {
		return nil, fmt.Errorf("postgres: topics %q: %w", prefix, err)
	}
	defer rows.Close()
	var ts []herald.TopicCount
	for rows.Next() {
		var t herald.TopicCount
		if err := rows.Scan(&t.Name, &t.Articles); err != nil {
			return nil, fmt.Errorf("postgres: topics %q: %w", prefix, err)
		}
		ts = append(ts, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: topics %q: %w", prefix, err)
	}
	return ts, nil
}
