package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/heraldhq/herald"
)

const (
	insertListing = `INSERT INTO listings (feed, article_id) VALUES`
	listingRow    = `(?, ?)`
	// sentAlone holds for an article with a post sent on its own, not in
	// a digest.
	sentAlone = `EXISTS (SELECT 1 FROM deliveries d
	WHERE d.article_id = a.id AND d.state = 'sent' AND d.digest = 0)`
)

// relist records that feed lists the articles of ids now, in place of what
// its last Ingest listed, and returns the articles listed then and not now
// that have a post sent on their own, in the order they were recorded.
// Only the difference is written, so that a fetch listing what the last
// one did writes nothing.
func relist(ctx context.Context, tx *sql.Tx, feed string, ids []int64) ([]herald.Article, error) {
	rows, err := tx.QueryContext(ctx, `SELECT article_id FROM listings WHERE feed = ?`, feed)
	if err != nil {
		return nil, fmt.Errorf("listing: %w", err)
	}
	var before []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("listing: %w", err)
		}
		before = append(before, id)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("listing: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing: %w", err)
	}

	// before comes sorted, in the order of the primary key.
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

	err = inChunks(gone, func(args []any, params string) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM listings WHERE feed = ? AND article_id IN (`+params+`)`,
			append([]any{feed}, args...)...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("listing: %w", err)
	}
	args := make([]any, 0, 2*len(added))
	for _, id := range added {
		args = append(args, feed, id)
	}
	if _, err := insertRows(ctx, tx, insertListing, listingRow, "", args); err != nil {
		return nil, fmt.Errorf("listing: %w", err)
	}

	var dropped []herald.Article
	err = inChunks(gone, func(args []any, params string) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles a
			WHERE a.id IN (`+params+`) AND `+sentAlone+` ORDER BY a.id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanArticle(rows)
			if err != nil {
				return err
			}
			dropped = append(dropped, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("dropped articles: %w", err)
	}
	return dropped, nil
}
