package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/heraldhq/herald"
)

// deliveryColumns are the columns scanDelivery reads, in its order.
const deliveryColumns = `d.id, d.target, d.state, d.attempts, d.next_attempt, d.created,
	coalesce(d.sent_at, 0), d.message_id, d.last_error, d.digest,
	a.key, a.url, a.headline, a.dateline_text, a.dateline_place, a.dateline_date,
	a.dateline_agency, a.lead, a.topics, a.image, a.published, a.source, a.feed`

// The queue order of a target's deliveries is the publish time of their
// article, then the article's id (the order Ingest recorded it in); an
// article has one delivery per target, so that order is total.
const (
	// The planner, left alone, may walk deliveries_target and skip the
	// target's whole history of sent deliveries to reach the first pending
	// one; deliveries_queue holds pending deliveries only.
	selectNext = `SELECT ` + deliveryColumns + `
	FROM deliveries d INDEXED BY deliveries_queue JOIN articles a ON a.id = d.article_id
	WHERE d.target = ? AND d.state = 'pending'
	ORDER BY d.article_published, d.article_id
	LIMIT 1`
	selectAll = `SELECT ` + deliveryColumns + `
	FROM deliveries d JOIN articles a ON a.id = d.article_id
	WHERE d.target = ?
	ORDER BY d.article_published, d.article_id`
	selectLast = `SELECT ` + deliveryColumns + `
	FROM deliveries d JOIN articles a ON a.id = d.article_id
	WHERE d.target = ?
	ORDER BY d.article_published DESC, d.article_id DESC
	LIMIT ?`
	selectPendingTargets = `SELECT DISTINCT target FROM deliveries WHERE state = 'pending' ORDER BY target`
	// A target's edits are those of its deliveries. Few edits are pending
	// at a time.
	selectEditTargets = `SELECT DISTINCT d.target FROM edits e INDEXED BY edits_pending
	JOIN deliveries d ON d.id = e.delivery_id
	WHERE e.state = 'pending'`
)

// NextDelivery returns the head of the target's queue, as herald.Store
// describes, even when its NextAttempt is still to come.
func (s *Store) NextDelivery(ctx context.Context, target herald.Target) (herald.Delivery, error) {
	d, err := scanDelivery(s.hot.QueryRowContext(ctx, selectNext, target.String()))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return herald.Delivery{}, fmt.Errorf("sqlite: next delivery to %s: %w", target, herald.ErrNotFound)
	case err != nil:
		return herald.Delivery{}, fmt.Errorf("sqlite: next delivery to %s: %w", target, err)
	}
	return d, nil
}

// Deliveries lists the deliveries of a target, whatever their state, in
// queue order. A positive limit keeps the last limit of them, the newest; 0
// or less lists them all.
func (s *Store) Deliveries(ctx context.Context, target herald.Target, limit int) ([]herald.Delivery, error) {
	var (
		rows *sql.Rows
		err  error
	)
	if limit > 0 {
		rows, err = s.read.QueryContext(ctx, selectLast, target.String(), limit)
	} else {
		rows, err = s.read.QueryContext(ctx, selectAll, target.String())
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: deliveries to %s: %w", target, err)
	}
	defer rows.Close()
	var ds []herald.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: deliveries to %s: %w", target, err)
		}
		ds = append(ds, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: deliveries to %s: %w", target, err)
	}
	if limit > 0 {
		slices.Reverse(ds)
	}
	return ds, nil
}

// PendingTargets lists the targets that have pending deliveries or pending
// edits, in the order of their names. An edit is its delivery's target's.
func (s *Store) PendingTargets(ctx context.Context) ([]herald.Target, error) {
	var names []string
	for _, q := range []string{selectPendingTargets, selectEditTargets} {
		rows, err := s.read.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("sqlite: pending targets: %w", err)
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: pending targets: %w", err)
			}
			names = append(names, name)
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("sqlite: pending targets: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: pending targets: %w", err)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var ts []herald.Target
	for _, name := range names {
		t, err := herald.ParseTarget(name)
		if err != nil {
			return nil, fmt.Errorf("sqlite: pending targets: %w", err)
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
		`UPDATE deliveries SET state = 'sent', sent_at = ?, message_id = ?
		WHERE id = ? AND state = 'pending'`,
		toMicros(time.Now()), messageID, id)
}

// MarkRetry records a transient failure: Attempts grows by one, LastError
// becomes reason and the delivery waits until next. See MarkSent for a
// delivery that is not pending.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.mark(ctx, "deliveries", "delivery", "mark retry", id,
		`UPDATE deliveries SET attempts = attempts + 1, next_attempt = ?, last_error = ?
		WHERE id = ? AND state = 'pending'`,
		toMicros(next), reason, id)
}

// MarkFailed records that the delivery was refused for good: it leaves the
// queue with reason as its LastError. Attempts is unchanged. See MarkSent
// for a delivery that is not pending.
func (s *Store) MarkFailed(ctx context.Context, id int64, reason string) error {
	return s.mark(ctx, "deliveries", "delivery", "mark failed", id,
		`UPDATE deliveries SET state = 'failed', last_error = ?
		WHERE id = ? AND state = 'pending'`,
		reason, id)
}

// mark runs update, which changes the pending row id of table (the
// deliveries or the edits, each row a noun), and explains why when it
// changed nothing. Marks share commits (see markBatch).
func (s *Store) mark(ctx context.Context, table, noun, op string, id int64, update string, args ...any) error {
	err := s.marks.Do(ctx, markRequest{update: update, args: args})
	if err == nil {
		return nil
	}
	if !errors.Is(err, errNotPending) {
		return fmt.Errorf("sqlite: %s %d: %w", op, id, err)
	}
	var state string
	err = s.read.QueryRowContext(ctx, `SELECT state FROM `+table+` WHERE id = ?`, id).Scan(&state)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlite: %s %d: no such %s: %w", op, id, noun, herald.ErrNotFound)
	case err != nil:
		return fmt.Errorf("sqlite: %s %d: %w", op, id, err)
	}
	return fmt.Errorf("sqlite: %s %d: %s is %s, not pending: %w", op, id, noun, state, herald.ErrNotFound)
}

// markRequest is one mark's update of one row.
type markRequest struct {
	update string
	args   []any
}

// errNotPending is the outcome of a mark whose update changed no row.
var errNotPending = errors.New("no pending row")

// markBatch applies the marks of batch in one transaction, so that the
// records of a fan-out's sends, which arrive many at once, share one sync
// of the log instead of queueing for one each. A mark whose statement
// fails has its own error and the others still commit.
func (s *Store) markBatch(ctx context.Context, batch []markRequest) []error {
	errs := make([]error, len(batch))
	fail := func(err error) []error {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	defer tx.Rollback()
	for i, m := range batch {
		res, err := tx.ExecContext(ctx, m.update, m.args...)
		if err != nil {
			errs[i] = err
			continue
		}
		n, err := res.RowsAffected()
		switch {
		case err != nil:
			errs[i] = err
		case n != 1:
			errs[i] = errNotPending
		}
	}
	if err := tx.Commit(); err != nil {
		return fail(err)
	}
	return errs
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// scanDelivery reads a row of deliveryColumns, after the columns of first.
func scanDelivery(row scanner, first ...any) (herald.Delivery, error) {
	var (
		d                              herald.Delivery
		a                              = &d.Article
		target, state, topics          string
		next, created, sent, published int64
	)
	dest := append(first, &d.ID, &target, &state, &d.Attempts, &next, &created,
		&sent, &d.MessageID, &d.LastError, &d.Digest,
		&a.Key, &a.URL, &a.Headline, &a.Dateline.Text, &a.Dateline.Place, &a.Dateline.Date,
		&a.Dateline.Agency, &a.Lead, &topics, &a.Image, &published, &a.Source, &a.Feed)
	err := row.Scan(dest...)
	if err != nil {
		return herald.Delivery{}, err
	}
	if d.Target, err = herald.ParseTarget(target); err != nil {
		return herald.Delivery{}, fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	if a.Topics, err = decodeTopics(topics); err != nil {
		return herald.Delivery{}, fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	d.State = herald.DeliveryState(state)
	d.NextAttempt = fromMicros(next)
	d.Created = fromMicros(created)
	if sent != 0 {
		d.Sent = fromMicros(sent)
	}
	a.Published = fromMicros(published)
	return d, nil
}
