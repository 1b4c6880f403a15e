package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// The queue order of a target's deliveries is the publish time of their
// article, then the article's id (the order Ingest recorded it in); an
// article has one delivery per target, so that order is total.
const (
	deliveriesFrom = `FROM deliveries d JOIN articles a ON a.id = d.article_id`
	selectNext     = `SELECT ` + deliveryColumns + ` ` + deliveriesFrom + `
	WHERE d.target = $1 AND d.state = 'pending'
	ORDER BY d.article_published, d.article_id
	LIMIT 1`
	selectAll = `SELECT ` + deliveryColumns + ` ` + deliveriesFrom + `
	WHERE d.target = $1
	ORDER BY d.article_published, d.article_id`
	selectLast = `SELECT ` + deliveryColumns + ` ` + deliveriesFrom + `
	WHERE d.target = $1
	ORDER BY d.article_published DESC, d.article_id DESC
	LIMIT $2`
	// A target's edits are those of its deliveries.
	selectPendingTargets = `SELECT target FROM deliveries WHERE state = 'pending'
	UNION
	SELECT d.target FROM edits e JOIN deliveries d ON d.id = e.delivery_id WHERE e.state = 'pending'`
)

// NextDelivery returns the head of the target's queue, as herald.Store
// describes, even when its NextAttempt is still to come.
func (s *Store) NextDelivery(ctx context.Context, target herald.Target) (herald.Delivery, error) {
	d, err := scanDelivery(s.pool.QueryRow(ctx, selectNext, target.String()))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return herald.Delivery{}, fmt.Errorf("postgres: next delivery to %s: %w", target, herald.ErrNotFound)
	case err != nil:
		return herald.Delivery{}, fmt.Errorf("postgres: next delivery to %s: %w", target, err)
	}
	return d, nil
}

// Deliveries lists the deliveries of a target, whatever their state, in
// queue order. A positive limit keeps the last limit of them, the newest; 0
// or less lists them all.
func (s *Store) Deliveries(ctx context.Context, target herald.Target, limit int) ([]herald.Delivery, error) {
	var (
		rows pgx.Rows
		err  error
	)
	if limit > 0 {
		rows, err = s.pool.Query(ctx, selectLast, target.String(), limit)
	} else {
		rows, err = s.pool.Query(ctx, selectAll, target.String())
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: deliveries to %s: %w", target, err)
	}
	ds, err := collectDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: deliveries to %s: %w", target, err)
	}
	if limit > 0 {
		slices.Reverse(ds)
	}
	return ds, nil
}

// collectDeliveries reads rows of deliveryColumns and closes them.
func collectDeliveries(rows pgx.Rows) ([]herald.Delivery, error) {
	defer rows.Close()
	var ds []herald.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		ds = append(ds, d)
	}
	return ds, rows.Err()
}

// PendingTargets lists the targets that have pending deliveries or pending
// edits, in the order of their names. An edit is its delivery's target's.
func (s *Store) PendingTargets(ctx context.Context) ([]herald.Target, error) {
	rows, err := s.pool.Query(ctx, selectPendingTargets)
	if err != nil {
		return nil, fmt.Errorf("postgres: pending targets: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: pending targets: %w", err)
	}
	slices.Sort(names)
	var ts []herald.Target
	for _, name := range names {
		t, err := herald.ParseTarget(name)
		if err != nil {
			return nil, fmt.Errorf("postgres: pending targets: %w", err)
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// MarkSent records that the delivery reached the platform as messageID.
//
// Only a pending delivery can be marked, by MarkSent, MarkRetry or
// MarkFailed: marking a delivery that was already sent or failed changes
// nothing and returns an error wrapping herald.ErrNotFound, as for an
// unknown id, since there is no pending delivery of that id. A sent
// delivery can therefore never become pending again and be posted twice.
func (s *Store) MarkSent(ctx context.Context, id int64, messageID string) error {
	return s.mark(ctx, "deliveries", "delivery", "mark sent", id,
		`UPDATE deliveries SET state = 'sent', sent_at = $2, message_id = $3
		WHERE id = $1 AND state = 'pending'`,
		id, now(), messageID)
}

// MarkRetry records a transient failure: Attempts grows by one, LastError
// becomes reason and the delivery waits until next. See MarkSent for a
// delivery that is not pending.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.mark(ctx, "deliveries", "delivery", "mark retry", id,
		`UPDATE deliveries SET attempts = attempts + 1, next_attempt = $2, last_error = $3
		WHERE id = $1 AND state = 'pending'`,
		id, next, reason)
}

// MarkFailed records that the delivery was refused for good: it leaves the
// queue with reason as its LastError. Attempts is unchanged. See MarkSent
// for a delivery that is not pending.
func (s *Store) MarkFailed(ctx context.Context, id int64, reason string) error {
	return s.mark(ctx, "deliveries", "delivery", "mark failed", id,
		`UPDATE deliveries SET state = 'failed', last_error = $2
		WHERE id = $1 AND state = 'pending'`,
		id, reason)
}

// mark runs update, which changes the pending row id of table (the
// deliveries or the edits, each row a noun), and explains why when it
// changed nothing. The update is one statement: of two marks of the same
// row at once, the second waits for the first and then finds the row no
// longer pending.
func (s *Store) mark(ctx context.Context, table, noun, op string, id int64, update string, args ...any) error {
	tag, err := s.pool.Exec(ctx, update, args...)
	if err != nil {
		return fmt.Errorf("postgres: %s %d: %w", op, id, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var state string
	err = s.pool.QueryRow(ctx, `SELECT state FROM `+table+` WHERE id = $1`, id).Scan(&state)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: %s %d: no such %s: %w", op, id, noun, herald.ErrNotFound)
	case err != nil:
		return fmt.Errorf("postgres: %s %d: %w", op, id, err)
	}
	return fmt.Errorf("postgres: %s %d: %s is %s, not pending: %w", op, id, noun, state, herald.ErrNotFound)
}
