package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// selectDue lists the target's pending deliveries made by a time, in
// queue order; a NULL limit is no limit.
const selectDue = `SELECT ` + deliveryColumns + ` ` + deliveriesFrom + `
	WHERE d.target = $1 AND d.state = 'pending' AND d.created <= $2
	ORDER BY d.article_published, d.article_id
	LIMIT $3`

// DueDeliveries lists the target's pending deliveries created at or before
// until, in queue order (that of NextDelivery), at most limit of them; 0 or
// less lists them all.
func (s *Store) DueDeliveries(ctx context.Context, target herald.Target, until time.Time, limit int) ([]herald.Delivery, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, selectDue, target.String(), until, lim)
	if err != nil {
		return nil, fmt.Errorf("postgres: due deliveries to %s: %w", target, err)
	}
	ds, err := collectDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: due deliveries to %s: %w", target, err)
	}
	return ds, nil
}

// MarkDigested records, in one statement, that the deliveries of ids went
// out together as one digest post, messageID: those still pending are
// Sent now, with messageID, and Digest. The others, and unknown ids, are
// left as they are; nothing says which they were.
func (s *Store) MarkDigested(ctx context.Context, ids []int64, messageID string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `UPDATE deliveries SET state = 'sent', digest = true, sent_at = $2, message_id = $3
		WHERE state = 'pending' AND id = ANY($1)`, ids, now(), messageID)
	if err != nil {
		return fmt.Errorf("postgres: mark digested: %w", err)
	}
	return nil
}

// LastSent returns when the target's latest post was accepted, a delivery
// of its own or a digest; the zero time when none was.
func (s *Store) LastSent(ctx context.Context, target herald.Target) (time.Time, error) {
	var at time.Time
	err := s.pool.QueryRow(ctx, `SELECT sent_at FROM deliveries
		WHERE target = $1 AND sent_at IS NOT NULL
		ORDER BY sent_at DESC LIMIT 1`, target.String()).Scan(&at)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("postgres: last sent to %s: %w", target, err)
	}
	return utc(at), nil
}
