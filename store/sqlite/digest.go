package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
)

const (
	// The target's pending deliveries made by a time, in queue order.
	selectDue = `SELECT ` + deliveryColumns + `
	FROM deliveries d INDEXED BY deliveries_queue JOIN articles a ON a.id = d.article_id
	WHERE d.target = ? AND d.state = 'pending' AND d.created <= ?
	ORDER BY d.article_published, d.article_id
	LIMIT ?`
	// The target's latest post is the end of its range of deliveries_sent.
	selectLastSent = `SELECT sent_at FROM deliveries INDEXED BY deliveries_sent
	WHERE target = ? AND sent_at IS NOT NULL
	ORDER BY sent_at DESC LIMIT 1`
)

// DueDeliveries lists the target's pending deliveries created at or before
// until, in queue order (that of NextDelivery), at most limit of them; 0 or
// less lists them all.
func (s *Store) DueDeliveries(ctx context.Context, target herald.Target, until time.Time, limit int) ([]herald.Delivery, error) {
	if limit <= 0 {
		limit = -1 // no limit, to SQLite
	}
	rows, err := s.hot.QueryContext(ctx, selectDue, target.String(), toMicros(until), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: due deliveries to %s: %w", target, err)
	}
	defer rows.Close()
	var ds []herald.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: due deliveries to %s: %w", target, err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: due deliveries to %s: %w", target, err)
	}
	return ds, nil
}

// MarkDigested records, in one transaction, that the deliveries of ids
// went out together as one digest post, messageID: those still pending
// are Sent now, with messageID, and Digest. The others, and unknown ids,
// are left as they are; nothing says which they were.
func (s *Store) MarkDigested(ctx context.Context, ids []int64, messageID string) error {
	if len(ids) == 0 {
		return nil
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: mark digested: %w", err)
	}
	defer tx.Rollback()
	now := toMicros(time.Now())
	err = inChunks(ids, func(args []any, params string) error {
		_, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'sent', digest = 1, sent_at = ?, message_id = ?
			WHERE state = 'pending' AND id IN (`+params+`)`, append([]any{now, messageID}, args...)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: mark digested: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: mark digested: %w", err)
	}
	return nil
}

// LastSent returns when the target's latest post was accepted, a delivery
// of its own or a digest; the zero time when none was.
func (s *Store) LastSent(ctx context.Context, target herald.Target) (time.Time, error) {
	var at int64
	err := s.hot.QueryRowContext(ctx, selectLastSent, target.String()).Scan(&at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("sqlite: last sent to %s: %w", target, err)
	}
	return fromMicros(at), nil
}
