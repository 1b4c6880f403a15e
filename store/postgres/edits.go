package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// editsFrom joins each edit to its delivery and the delivery's article.
const editsFrom = `FROM edits e JOIN deliveries d ON d.id = e.delivery_id JOIN articles a ON a.id = d.article_id`

// The queue of a target's edits is in the order they were made. An edit
// belongs to its delivery's target, the chat where the post is.
const selectNextEdit = `SELECT ` + editColumns + ` ` + editsFrom + `
	WHERE e.state = 'pending' AND d.target = $1
	ORDER BY e.created, e.id
	LIMIT 1`

// NextEdit returns the target's oldest pending edit, by the time it was
// made and then by insertion, even when its NextAttempt is still to come.
// Its Delivery is the sent delivery whose post it changes, with the
// article as it reads now. ErrNotFound means none is pending.
func (s *Store) NextEdit(ctx context.Context, target herald.Target) (herald.Edit, error) {
	e, err := scanEdit(s.pool.QueryRow(ctx, selectNextEdit, target.String()))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return herald.Edit{}, fmt.Errorf("postgres: next edit of %s: %w", target, herald.ErrNotFound)
	case err != nil:
		return herald.Edit{}, fmt.Errorf("postgres: next edit of %s: %w", target, err)
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
		`UPDATE edits SET state = 'sent', done_at = $2 WHERE id = $1 AND state = 'pending'`,
		id, now())
}

// MarkEditRetry records a transient failure of the edit: Attempts grows by
// one, LastError becomes reason and the edit waits until next. See
// MarkEdited for an edit that is not pending.
func (s *Store) MarkEditRetry(ctx context.Context, id int64, next time.Time, reason string) error {
	return s.mark(ctx, "edits", "edit", "mark edit retry", id,
		`UPDATE edits SET attempts = attempts + 1, next_attempt = $2, last_error = $3
		WHERE id = $1 AND state = 'pending'`,
		id, next, reason)
}

// MarkEditFailed records that the edit was refused for good, or given up:
// it leaves the queue with reason as its LastError. See MarkEdited for an
// edit that is not pending.
func (s *Store) MarkEditFailed(ctx context.Context, id int64, reason string) error {
	return s.mark(ctx, "edits", "edit", "mark edit failed", id,
		`UPDATE edits SET state = 'failed', last_error = $2 WHERE id = $1 AND state = 'pending'`,
		id, reason)
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
// The article's row is locked first, so that a correction of it waits
// for the retraction, and then sees the posts deleted. An unknown key is
// herald.ErrNotFound. Only a key is taken, not a URL: several articles
// may share a URL.
func (s *Store) Retract(ctx context.Context, key string) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM articles WHERE key = $1 FOR NO KEY UPDATE`, key).Scan(&id)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return herald.ErrNotFound
		case err != nil:
			return err
		}
		now := now()
		// The editable deliveries, those not deleted yet, are those to
		// delete.
		if _, err := tx.Exec(ctx, supersedeEdits, id, supersededByRetraction); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO edits (revision_id, delivery_id, kind, state, next_attempt, created)
			SELECT NULL, id, 'delete', 'pending', $2, $2 FROM (`+editable+`) e`, id, now)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = tx.Exec(ctx, `UPDATE deliveries SET state = 'failed', last_error = $2
			WHERE article_id = $1 AND state = 'pending'`, id, articleRetracted)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: retract %q: %w", key, err)
	}
	return int(n), nil
}
