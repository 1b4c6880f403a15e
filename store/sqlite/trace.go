package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/heraldhq/herald"
)

// PausedTargets lists every paused target with its reason, as herald.Store
// describes.
func (s *Store) PausedTargets(ctx context.Context) (map[herald.Target]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT target, reason FROM paused`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: paused targets: %w", err)
	}
	defer rows.Close()
	out := make(map[herald.Target]string)
	for rows.Next() {
		var target, reason string
		if err := rows.Scan(&target, &reason); err != nil {
			return nil, fmt.Errorf("sqlite: paused targets: %w", err)
		}
		t, err := herald.ParseTarget(target)
		if err != nil {
			return nil, fmt.Errorf("sqlite: paused targets: %w", err)
		}
		out[t] = reason
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: paused targets: %w", err)
	}
	return out, nil
}

// Outbox counts the pending deliveries per platform and finds the oldest.
func (s *Store) Outbox(ctx context.Context) (herald.OutboxStats, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT target, count(*), min(created) FROM deliveries
		WHERE state = 'pending' GROUP BY target`)
	if err != nil {
		return herald.OutboxStats{}, fmt.Errorf("sqlite: outbox: %w", err)
	}
	defer rows.Close()
	stats := herald.OutboxStats{Pending: make(map[herald.Platform]int)}
	for rows.Next() {
		var (
			target  string
			n       int
			created int64
		)
		if err := rows.Scan(&target, &n, &created); err != nil {
			return herald.OutboxStats{}, fmt.Errorf("sqlite: outbox: %w", err)
		}
		t, err := herald.ParseTarget(target)
		if err != nil {
			return herald.OutboxStats{}, fmt.Errorf("sqlite: outbox: %w", err)
		}
		stats.Pending[t.Platform] += n
		if at := fromMicros(created); stats.Oldest.IsZero() || at.Before(stats.Oldest) {
			stats.Oldest = at
		}
	}
	if err := rows.Err(); err != nil {
		return herald.OutboxStats{}, fmt.Errorf("sqlite: outbox: %w", err)
	}
	return stats, nil
}

// Trace returns the article whose canonical URL or key is ref, and its
// deliveries in target order, as herald.Store describes.
func (s *Store) Trace(ctx context.Context, ref string) (herald.Article, []herald.Delivery, error) {
	id, err := s.traceID(ctx, ref)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return herald.Article{}, nil, fmt.Errorf("sqlite: trace %q: %w", ref, herald.ErrNotFound)
	case err != nil:
		return herald.Article{}, nil, fmt.Errorf("sqlite: trace %q: %w", ref, err)
	}
	article, err := s.articleByID(ctx, id)
	if err != nil {
		return herald.Article{}, nil, fmt.Errorf("sqlite: trace %q: %w", ref, err)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+deliveryColumns+`
		FROM deliveries d JOIN articles a ON a.id = d.article_id
		WHERE d.article_id = ? ORDER BY d.target`, id)
	if err != nil {
		return herald.Article{}, nil, fmt.Errorf("sqlite: trace %q: %w", ref, err)
	}
	defer rows.Close()
	var ds []herald.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return herald.Article{}, nil, fmt.Errorf("sqlite: trace %q: %w", ref, err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return herald.Article{}, nil, fmt.Errorf("sqlite: trace %q: %w", ref, err)
	}
	return article, ds, nil
}

// traceID finds the article whose key is ref or, failing that, the
// newest recorded whose canonical URL is ref: a site that republishes a
// story under a new GUID keeps its link.
func (s *Store) traceID(ctx context.Context, ref string) (int64, error) {
	var id int64
	err := s.read.QueryRowContext(ctx, `SELECT id FROM articles WHERE key = ?`, ref).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	err = s.read.QueryRowContext(ctx, `SELECT id FROM articles WHERE url = ? ORDER BY id DESC LIMIT 1`, ref).Scan(&id)
	return id, err
}

// articleByID reads one article.
func (s *Store) articleByID(ctx context.Context, id int64) (herald.Article, error) {
	return scanArticle(s.read.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles a WHERE a.id = ?`, id))
}
