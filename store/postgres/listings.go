package postgres

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// sentAlone holds for an article with a post sent on its own, not in a
// digest.
const sentAlone = `EXISTS (SELECT 1 FROM deliveries d
	WHERE d.article_id = a.id AND d.state = 'sent' AND NOT d.digest)`

// relist records that feed lists the articles of ids now, in place of what
// its last Ingest listed, and returns the articles listed then and not now
// that have a post sent on their own, in the order they were recorded.
// Only the difference is written, so that a fetch listing what the last
// one did writes nothing.
func relist(ctx context.Context, tx pgx.Tx, feed string, ids []int64) ([]herald.Article, error) {
	rows, err := tx.Query(ctx, `SELECT article_id FROM listings WHERE feed = $1 ORDER BY article_id`, feed)
	if err != nil {
		return nil, fmt.Errorf("listing: %w", err)
	}
	before, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("listing: %w", err)
	}

	now := slices.Sorted(slices.Values(ids))
	now = slices.Compact(now)
	var gone, added []int64
	i, j := 0, 0
	for i < len(before) || j < len(now) {
		switch {
		case j == len(now) || i < len(before) && before[i] < now[j]:
			gone = append(gone, before[i])
			i++
		case i == len(before) || now[j] < before[i]:
			added = append(added, now[j])
			j++
		default:
			i++
			j++
		}
	}
	if len(gone) > 0 {
		_, err := tx.Exec(ctx, `DELETE FROM listings WHERE feed = $1 AND article_id = ANY($2)`, feed, gone)
		if err != nil {
			return nil, fmt.Errorf("listing: %w", err)
		}
	}
	if len(added) > 0 {
		_, err := tx.Exec(ctx, `INSERT INTO listings (feed, article_id) SELECT $1, unnest($2::bigint[])`, feed, added)
		if err != nil {
			return nil, fmt.Errorf("listing: %w", err)
		}
	}
	if len(gone) == 0 {
		return nil, nil
	}
	rows, err = tx.Query(ctx, `SELECT `+articleColumns+` FROM articles a
		WHERE a.id = ANY($1) AND `+sentAlone+` ORDER BY a.id`, gone)
	if err != nil {
		return nil, fmt.Errorf("dropped articles: %w", err)
	}
	dropped, err := collectArticles(rows)
	if err != nil {
		return nil, fmt.Errorf("dropped articles: %w", err)
	}
	return dropped, nil
}
