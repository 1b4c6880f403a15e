package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
)

// editColumns are the columns scanEdit reads, in its order: the edit's,
// then its delivery's.
const editColumns = `e.id, coalesce(e.revision_id, 0), e.kind, e.state, e.attempts, e.next_attempt,
	e.created, coalesce(e.done_at, 0), e.last_error, ` + deliveryColumns

// editsFrom joins each edit to its delivery and the delivery's article.
const editsFrom = `FROM edits e JOIN deliveries d ON d.id = e.delivery_id JOIN articles a ON a.id = d.article_id`

// The queue of a target's edits is in the order they were made. An edit
// belongs to its delivery's target, the chat where the post is; a target
// has few pending edits, all of them in edits_pending.
const selectNextEdit = `SELECT ` + editColumns + `
	FROM edits e INDEXED BY edits_pending JOIN deliveries d ON d.id = e.delivery_id
	JOIN articles a ON a.id = d.article_id
	WHERE e.state = 'pending' AND d.target = ?
	ORDER BY e.created, e.id
	LIMIT 1`

// NextEdit returns the target's oldest pending edit, by the time it was
// made and then by insertion, even when its NextAttempt is still to come.
// Its Delivery is the sent delivery whose post it changes, with the
// article as it reads now. ErrNotFound means none is pending.
func (s *Store) NextEdit(ctx context.Context, target herald.Target) (herald.Edit, error) {
	e, err := scanEdit(s.hot.QueryRowContext(ctx, selectNextEdit, target.String()))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return herald.Edit{}, fmt.Errorf("sqlite: next edit of %s: %w", target, herald.ErrNotFound)
	case err != nil:
		return herald.Edit{}, fmt.Errorf("sqlite: next edit of %s: %w", target, err)
	}
	return e, nil
}

// MarkEdited records that the platform accepted the edit: it is Sent, and
// Done now.
//
// Only a pending edit can be marked, by MarkEdited, MarkEditRetry or
// MarkEditFailed: marking an edit that was already done or failed changes
// nothing and returns an error wrapping herald.ErrNotFound, as for an
// unknown id.
func (s *Store) MarkEdited(ctx context.Context, id int64) error {
	return s.mark(ctx, "edits", "edit", "mark edited", id,
		`UPDATE edits SET state = 'sent', done_at = ? WHERE id = ? AND state = 'pending'`,
		toMicros(time.Now()), id)
}

// MarkEditRetry records a transient failure of the edit: Attempts grows by
// one, LastError becomes reason and the edit waits until next. See
// MarkEdited for an edit that is not pending.
func (s *Store) MarkEditRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.mark(ctx, "edits", "edit", "mark edit retry", id,
		`UPDATE edits SET attempts = attempts + 1, next_attempt = ?, last_error = ?
		WHERE id = ? AND state = 'pending'`,
		toMicros(next), reason, id)
}

// MarkEditFailed records that the edit was refused for good, or given up:
// it leaves the queue with reason as its LastError. See MarkEdited for an
// edit that is not pending.
func (s *Store) MarkEditFailed(ctx context.Context, id int64, reason string) error {
	return s.mark(ctx, "edits", "edit", "mark edit failed", id,
		`UPDATE edits SET state = 'failed', last_error = ? WHERE id = ? AND state = 'pending'`,
		reason, id)
}

// Retract records that the article of key was withdrawn, in one
// transaction, as herald.Store describes:
//
//   - Each of its deliveries sent on its own (not in a digest) with a
//     message gets one pending DeletePost edit, unless it has one
//     already; Retract returns how many it made.
//   - The pending EditPost edits of those deliveries fail with
//     "superseded by the retraction": the post goes.
//   - Its pending deliveries fail with "article retracted": a retracted
//     story is not posted.
//
// An unknown key is herald.ErrNotFound. Only a key is taken, not a URL:
// several articles may share a URL.
func (s *Store) Retract(ctx context.Context, key string) (int, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("sqlite: retract %q: %w", key, err)
	}
	defer tx.Rollback()
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM articles WHERE key = ?`, key).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, fmt.Errorf("sqlite: retract %q: %w", key, herald.ErrNotFound)
	case err != nil:
		return 0, fmt.Errorf("sqlite: retract %q: %w", key, err)
	}
	now := toMicros(time.Now())
	// The editable deliveries, those not deleted yet, are those to delete.
	if _, err := tx.ExecContext(ctx, supersedeEdits, supersededByRetraction, id); err != nil {
		return 0, fmt.Errorf("sqlite: retract %q: %w", key, err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO edits (revision_id, delivery_id, kind, state, next_attempt, created)
		SELECT NULL, id, 'delete', 'pending', ?, ? FROM (`+editable+`)`, now, now, id)
	if err != nil {
		return 0, fmt.Errorf("sqlite: retract %q: %w", key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: retract %q: %w", key, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'failed', last_error = ?
		WHERE article_id = ? AND state = 'pending'`, articleRetracted, id)
	if err != nil {
		return 0, fmt.Errorf("sqlite: retract %q: %w", key, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sqlite: retract %q: %w", key, err)
	}
	return int(n), nil
}

// scanEdit reads a row of editColumns.
func scanEdit(row scanner) (herald.Edit, error) {
	var (
		e                   herald.Edit
		kind, state         string
		next, created, done int64
	)
	d, err := scanDelivery(row, &e.ID, &e.Revision, &kind, &state, &e.Attempts, &next,
		&created, &done, &e.LastError)
	if err != nil {
		return herald.Edit{}, err
	}
	e.Delivery = d
	e.Kind = herald.EditKind(kind)
	e.State = herald.DeliveryState(state)
	e.NextAttempt = fromMicros(next)
	e.Created = fromMicros(created)
	if done != 0 {
		e.Done = fromMicros(done)
	}
	return e, nil
}
