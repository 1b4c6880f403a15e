package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
)

// movedPrefix starts the LastError of a delivery that MoveTarget could not
// move because the new chat has a delivery of the same article already.
const movedPrefix = "moved: already delivered to "

// MoveTarget records that the chat from moved to to, as herald.Store
// describes, in one transaction:
//
//   - The move is recorded, chains resolved: a chat that moved to from
//     now moves to to, and a move to a chat that moved on goes where that
//     chat is now. A chat that moves back to where it came from is no
//     longer recorded as moved.
//   - The pending deliveries of from become to's, keeping their id,
//     attempts and times. One whose article to has a delivery of already
//     fails with "moved: already delivered to <to>" instead, so that the
//     article is not posted twice. Sent and failed deliveries stay from's,
//     and so do their edits: an edit belongs to its delivery, whose post
//     is in the chat it was sent to, and NextEdit and PendingTargets find
//     it there.
//   - The follows of from become to's; a topic to follows already (by
//     TopicKey) keeps to's follow.
//   - A pause of from becomes to's, unless to is paused already; if to is
//     paused, what was moved there fails with its reason, as Pause does.
//
// Moving a chat again to the same place changes nothing. Moving a chat to
// itself, or an invalid target, is an error.
func (s *Store) MoveTarget(ctx context.Context, from, to herald.Target) error {
	src, err := targetString(from)
	if err != nil {
		return fmt.Errorf("sqlite: move %s to %s: %w", from, to, err)
	}
	dst, err := targetString(to)
	if err != nil {
		return fmt.Errorf("sqlite: move %s to %s: %w", from, to, err)
	}
	if src == dst {
		return fmt.Errorf("sqlite: move %s to itself", from)
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: move %s to %s: %w", from, to, err)
	}
	defer tx.Rollback()

	// A chat that moved on already takes the deliveries where it is now,
	// unless that is where they come from: then the chat moved back.
	var now string
	err = tx.QueryRowContext(ctx, `SELECT to_target FROM moves WHERE from_target = ?`, dst).Scan(&now)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("sqlite: move %s to %s: %w", from, to, err)
	case now != src:
		dst = now
	}

	steps := []string{
		// The moves: chains stay resolved, and the chat of today is not
		// one that moved.
		`UPDATE moves SET to_target = ?2 WHERE to_target = ?1`,
		`INSERT INTO moves (from_target, to_target, since) VALUES (?1, ?2, ?3)
		ON CONFLICT (from_target) DO UPDATE SET to_target = excluded.to_target, since = excluded.since
		WHERE to_target <> excluded.to_target`,
		`DELETE FROM moves WHERE from_target = ?2`,
		// The deliveries: an article goes to a target once.
		`UPDATE deliveries SET state = 'failed', last_error = ?4
		WHERE target = ?1 AND state = 'pending'
		AND EXISTS (SELECT 1 FROM deliveries o WHERE o.article_id = deliveries.article_id AND o.target = ?2)`,
		`UPDATE deliveries SET target = ?2 WHERE target = ?1 AND state = 'pending'`,
		// The follows, merged by topic key.
		`INSERT INTO follows (target, topic_key, topic, made_by, created)
		SELECT ?2, topic_key, topic, made_by, created FROM follows WHERE target = ?1
		ON CONFLICT (target, topic_key) DO NOTHING`,
		`DELETE FROM follows WHERE target = ?1`,
		// The pause, and what a pause does to pending deliveries.
		`INSERT INTO paused (target, reason, since) SELECT ?2, reason, since FROM paused WHERE target = ?1
		ON CONFLICT (target) DO NOTHING`,
		`DELETE FROM paused WHERE target = ?1`,
		`UPDATE deliveries SET state = 'failed', last_error = p.reason
		FROM paused p WHERE p.target = ?2 AND deliveries.target = ?2 AND deliveries.state = 'pending'`,
	}
	for _, q := range steps {
		if _, err := tx.ExecContext(ctx, q, src, dst, toMicros(time.Now()), movedPrefix+dst); err != nil {
			return fmt.Errorf("sqlite: move %s to %s: %w", from, to, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: move %s to %s: %w", from, to, err)
	}
	return nil
}

// Moves lists the recorded moves, each old chat to where it is now.
func (s *Store) Moves(ctx context.Context) (map[herald.Target]herald.Target, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT from_target, to_target FROM moves`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: moves: %w", err)
	}
	defer rows.Close()
	out := make(map[herald.Target]herald.Target)
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("sqlite: moves: %w", err)
		}
		f, err := herald.ParseTarget(from)
		if err != nil {
			return nil, fmt.Errorf("sqlite: moves: %w", err)
		}
		t, err := herald.ParseTarget(to)
		if err != nil {
			return nil, fmt.Errorf("sqlite: moves: %w", err)
		}
		out[f] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: moves: %w", err)
	}
	return out, nil
}
