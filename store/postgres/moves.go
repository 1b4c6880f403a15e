package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// movedPrefix starts the LastError of a delivery that MoveTarget could not
// move because the new chat has a delivery of the same article already.
const movedPrefix = "moved: already delivered to "

// moveSteps returns the statements of a move of @src to @dst, at the time
// @at, in order; @moved is the LastError of a delivery the new chat has
// already.
func moveSteps() []string {
	return []string{
		// The moves: chains stay resolved, and the chat of today is not one
		// that moved.
		`UPDATE moves SET to_target = @dst WHERE to_target = @src`,
		`INSERT INTO moves (from_target, to_target, since) VALUES (@src, @dst, @at)
			ON CONFLICT (from_target) DO UPDATE SET to_target = excluded.to_target, since = excluded.since
			WHERE moves.to_target <> excluded.to_target`,
		`DELETE FROM moves WHERE from_target = @dst`,
		// The deliveries: an article goes to a target once.
		`UPDATE deliveries SET state = 'failed', last_error = @moved
			WHERE target = @src AND state = 'pending'
			AND EXISTS (SELECT 1 FROM deliveries o WHERE o.article_id = deliveries.article_id AND o.target = @dst)`,
		`UPDATE deliveries SET target = @dst WHERE target = @src AND state = 'pending'`,
		// The follows, merged by topic key.
		`INSERT INTO follows (target, topic_key, topic, made_by, created)
			SELECT @dst::text, topic_key, topic, made_by, created FROM follows WHERE target = @src
			ON CONFLICT (target, topic_key) DO NOTHING`,
		`DELETE FROM follows WHERE target = @src`,
		// The pause, and what a pause does to pending deliveries.
		`INSERT INTO paused (target, reason, since) SELECT @dst::text, reason, since FROM paused WHERE target = @src
			ON CONFLICT (target) DO NOTHING`,
		`DELETE FROM paused WHERE target = @src`,
		`UPDATE deliveries SET state = 'failed', last_error = p.reason
			FROM paused p WHERE p.target = @dst AND deliveries.target = @dst AND deliveries.state = 'pending'`,
	}
}

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
//     and so do their edits.
//   - The follows of from become to's; a topic to follows already (by
//     TopicKey) keeps to's follow.
//   - A pause of from becomes to's, unless to is paused already; if to is
//     paused, what was moved there fails with its reason, as Pause does.
//
// A move holds the lock that serialises ingests, so that no delivery to
// from is being created meanwhile, and the locks of the follows of both
// chats. Moving a chat again to the same place changes nothing. Moving a
// chat to itself, or an invalid target, is an error.
func (s *Store) MoveTarget(ctx context.Context, from, to herald.Target) error {
	src, err := targetString(from)
	if err != nil {
		return fmt.Errorf("postgres: move %s to %s: %w", from, to, err)
	}
	dst, err := targetString(to)
	if err != nil {
		return fmt.Errorf("postgres: move %s to %s: %w", from, to, err)
	}
	if src == dst {
		return fmt.Errorf("postgres: move %s to itself", from)
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		if err := lock(ctx, tx, s.ingestLock); err != nil {
			return err
		}
		// A chat that moved on already takes the deliveries where it is
		// now, unless that is where they come from: then the chat moved
		// back.
		dst := dst
		var current string
		err := tx.QueryRow(ctx, `SELECT to_target FROM moves WHERE from_target = $1`, dst).Scan(&current)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case current != src:
			dst = current
		}
		for _, t := range []string{min(src, dst), max(src, dst)} {
			if err := s.lockFollows(ctx, tx, t); err != nil {
				return err
			}
		}
		args := pgx.NamedArgs{"src": src, "dst": dst, "at": now(), "moved": movedPrefix + dst}
		for _, q := range moveSteps() {
			if _, err := tx.Exec(ctx, q, args); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: move %s to %s: %w", from, to, err)
	}
	return nil
}

// Moves lists the recorded moves, each old chat to where it is now.
func (s *Store) Moves(ctx context.Context) (map[herald.Target]herald.Target, error) {
	rows, err := s.pool.Query(ctx, `SELECT from_target, to_target FROM moves`)
	if err != nil {
		return nil, fmt.Errorf("postgres: moves: %w", err)
	}
	defer rows.Close()
	out := make(map[herald.Target]herald.Target)
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("postgres: moves: %w", err)
		}
		f, err := herald.ParseTarget(from)
		if err != nil {
			return nil, fmt.Errorf("postgres: moves: %w", err)
		}
		t, err := herald.ParseTarget(to)
		if err != nil {
			return nil, fmt.Errorf("postgres: moves: %w", err)
		}
		out[f] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: moves: %w", err)
	}
	return out, nil
}
