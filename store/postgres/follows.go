package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// AddFollow records a follow, as herald.Store describes. The topic is
// stored as given; its herald.TopicKey identifies it, and a topic without
// one (nothing but punctuation) is an error, as is a target that
// herald.ParseTarget could not read back. A zero Created is taken as now.
//
// The follows of one target are changed under an advisory lock of the
// target, so that two follows added at once never pass its limit.
func (s *Store) AddFollow(ctx context.Context, f herald.Follow, limit int) (bool, error) {
	key := herald.TopicKey(f.Topic)
	target, err := targetString(f.Target)
	switch {
	case err != nil:
		return false, fmt.Errorf("postgres: add follow: %w", err)
	case key == "":
		return false, fmt.Errorf("postgres: add follow of %q by %s: the topic has no words", f.Topic, target)
	}
	created := f.Created
	if created.IsZero() {
		created = now()
	}
	var added bool
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		added = false
		if err := s.lockFollows(ctx, tx, target); err != nil {
			return err
		}
		var n, same int
		err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE topic_key = $2)
			FROM follows WHERE target = $1`, target, key).Scan(&n, &same)
		switch {
		case err != nil:
			return err
		case same > 0:
			return nil
		case limit > 0 && n >= limit:
			return fmt.Errorf("%d follows: %w", n, herald.ErrTooManyFollows)
		}
		_, err = tx.Exec(ctx, `INSERT INTO follows (target, topic_key, topic, made_by, created)
			VALUES ($1, $2, $3, $4, $5)`, target, key, f.Topic, f.By, created)
		added = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("postgres: add follow of %q by %s: %w", f.Topic, target, err)
	}
	return added, nil
}

// lockFollows takes the advisory lock of the target's follows until the
// end of the transaction.
func (s *Store) lockFollows(ctx context.Context, tx pgx.Tx, target string) error {
	h := fnv.New32a()
	h.Write([]byte(target))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::integer, $2::integer)`, s.followLock, int32(h.Sum32())); err != nil {
		return fmt.Errorf("lock follows of %s: %w", target, err)
	}
	return nil
}

// RemoveFollow removes the target's follow of topic, as herald.Store
// describes.
func (s *Store) RemoveFollow(ctx context.Context, target herald.Target, topic string) (bool, error) {
	key := herald.TopicKey(topic)
	if key == "" {
		return false, nil
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM follows WHERE target = $1 AND topic_key = $2`, target.String(), key)
	if err != nil {
		return false, fmt.Errorf("postgres: remove follow of %q by %s: %w", topic, target, err)
	}
	return tag.RowsAffected() > 0, nil
}

// Follows lists the target's follows in the order of their topic keys.
func (s *Store) Follows(ctx context.Context, target herald.Target) ([]herald.Follow, error) {
	fs, err := s.follows(ctx, `SELECT target, topic, made_by, created FROM follows
		WHERE target = $1 ORDER BY topic_key`, target.String())
	if err != nil {
		return nil, fmt.Errorf("postgres: follows of %s: %w", target, err)
	}
	return fs, nil
}

// ActiveFollows lists the follows of every target that is not paused, by
// target and then topic key.
func (s *Store) ActiveFollows(ctx context.Context) ([]herald.Follow, error) {
	fs, err := s.follows(ctx, `SELECT f.target, f.topic, f.made_by, f.created FROM follows f
		WHERE NOT EXISTS (SELECT 1 FROM paused p WHERE p.target = f.target)
		ORDER BY f.target, f.topic_key`)
	if err != nil {
		return nil, fmt.Errorf("postgres: active follows: %w", err)
	}
	return fs, nil
}

// follows runs query, which selects target, topic, made_by and created.
func (s *Store) follows(ctx context.Context, query string, args ...any) ([]herald.Follow, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fs []herald.Follow
	for rows.Next() {
		var (
			f       herald.Follow
			target  string
			created time.Time
		)
		if err := rows.Scan(&target, &f.Topic, &f.By, &created); err != nil {
			return nil, err
		}
		if f.Target, err = herald.ParseTarget(target); err != nil {
			return nil, err
		}
		f.Created = utc(created)
		fs = append(fs, f)
	}
	return fs, rows.Err()
}

// pausedWithoutReason is the reason kept for a pause given none, so that a
// paused target never reads as not paused.
const pausedWithoutReason = "paused"

// Pause pauses the target's follows and fails its pending deliveries with
// reason, in one transaction, as herald.Store describes. An empty reason
// is recorded as "paused".
func (s *Store) Pause(ctx context.Context, target herald.Target, reason string) error {
	name, err := targetString(target)
	if err != nil {
		return fmt.Errorf("postgres: pause: %w", err)
	}
	if reason == "" {
		reason = pausedWithoutReason
	}
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO paused (target, reason, since) VALUES ($1, $2, $3)
			ON CONFLICT (target) DO NOTHING`, name, reason, now())
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE deliveries SET state = 'failed', last_error = $2
			WHERE target = $1 AND state = 'pending'`, name, reason)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres: pause %s: %w", target, err)
	}
	return nil
}

// Paused returns the reason the target was first paused with, or "".
func (s *Store) Paused(ctx context.Context, target herald.Target) (string, error) {
	var reason string
	err := s.pool.QueryRow(ctx, `SELECT reason FROM paused WHERE target = $1`, target.String()).Scan(&reason)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("postgres: paused %s: %w", target, err)
	}
	return reason, nil
}

// Resume lets a paused target's follows deliver again. Resuming a target
// that is not paused changes nothing. Deliveries failed by the pause stay
// failed.
func (s *Store) Resume(ctx context.Context, target herald.Target) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM paused WHERE target = $1`, target.String()); err != nil {
		return fmt.Errorf("postgres: resume %s: %w", target, err)
	}
	return nil
}

// RoutingVersion returns the count of changes of the follows, paused
// targets and moves, kept by triggers.
func (s *Store) RoutingVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM routing_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgres: routing version: %w", err)
	}
	return v, nil
}
