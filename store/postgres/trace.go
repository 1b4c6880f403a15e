package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// PausedTargets lists every paused target with its reason, as herald.Store
// describes.
func (s *Store) PausedTargets(ctx context.Context) (map[herald.Target]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT target, reason FROM paused`)
	if err != nil {
		return nil, fmt.Errorf("postgres: paused targets: %w", err)
	}
	defer rows.Close()
	out := make(map[herald.Target]string)
	for rows.Next() {
		var target, reason string
		if err := rows.Scan(&target, &reason); err != nil {
			return nil, fmt.Errorf("postgres: paused targets: %w", err)
		}
		t, err := herald.ParseTarget(target)
		if err != nil {
			return nil, fmt.Errorf("postgres: paused targets: %w", err)
		}
		out[t] = reason
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: paused targets: %w", err)
	}
	return out, nil
}

// Outbox counts the pending deliveries per platform and finds the oldest.
func (s *Store) Outbox(ctx context.Context) (herald.OutboxStats, error) {
	rows, err := s.pool.Query(ctx, `SELECT target, count(*), min(created) FROM deliveries
		WHERE state = 'pending' GROUP BY target`)
	if err != nil {
		return herald.OutboxStats{}, fmt.Errorf("postgres: outbox: %w", err)
	}
	defer rows.Close()
	stats := herald.OutboxStats{Pending: make(map[herald.Platform]int)}
	for rows.Next() {
		var (
			target string
			n      int
			oldest time.Time
		)
		if err := rows.Scan(&target, &n, &oldest); err != nil {
			return herald.OutboxStats{}, fmt.Errorf("postgres: outbox: %w", err)
		}
		t, err := herald.ParseTarget(target)
		if err != nil {
			return herald.OutboxStats{}, fmt.Errorf("postgres: outbox: %w", err)
		}
		stats.Pending[t.Platform] += n
		if at := utc(oldest); stats.Oldest.IsZero() || at.Before(stats.Oldest) {
			stats.Oldest = at
		}
	}
	if err := rows.Err(); err != nil {
		return herald.OutboxStats{}, fmt.Errorf("postgres: outbox: %w", err)
	}
	return stats, nil
}

// Trace returns the article whose canonical URL or key is ref, and its
// deliveries in target order, as herald.Store describes. Both are read
// from one snapshot.
func (s *Store) Trace(ctx context.Context, ref string) (herald.Article, []herald.Delivery, error) {
	var (
		article herald.Article
		ds      []herald.Delivery
	)
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		id, err := traceID(ctx, tx, ref)
		if err != nil {
			return err
		}
		if article, err = articleByID(ctx, tx, id); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+deliveryColumns+` `+deliveriesFrom+`
			WHERE d.article_id = $1 ORDER BY d.target`, id)
		if err != nil {
			return err
		}
		ds, err = collectDeliveries(rows)
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		err = herald.ErrNotFound
	}
	if err != nil {
		return herald.Article{}, nil, fmt.Errorf("postgres: trace %q: %w", ref, err)
	}
	return article, ds, nil
}

// traceID finds the article whose key is ref or, failing that, the
// newest recorded whose canonical URL is ref: a site that republishes a
// story under a new GUID keeps its link. pgx.ErrNoRows means none.
func traceID(ctx context.Context, q querier, ref string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM articles WHERE key = $1`, ref).Scan(&id)
	if !errors.Is(err, pgx.ErrNoRows) {
		return id, err
	}
	err = q.QueryRow(ctx, `SELECT id FROM articles WHERE url = $1 ORDER BY id DESC LIMIT 1`, ref).Scan(&id)
	return id, err
}

// articleByID reads one article.
func articleByID(ctx context.Context, q querier, id int64) (herald.Article, error) {
	return scanArticle(q.QueryRow(ctx, `SELECT `+articleColumns+` FROM articles a WHERE a.id = $1`, id))
}

// collectArticles reads rows of articleColumns and closes them.
func collectArticles(rows pgx.Rows) ([]herald.Article, error) {
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
