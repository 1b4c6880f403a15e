package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald"
)

// AddFollow records a follow, as herald.Store describes. The topic is
// stored as given; its herald.TopicKey identifies it, and a topic without
// one (nothing but punctuation) is an error, as is a target that
// herald.ParseTarget could not read back. A zero Created is taken as now.
func (s *Store) AddFollow(ctx context.Context, f herald.Follow, limit int) (added bool, err error) {
	key := herald.TopicKey(f.Topic)
	target, err := targetString(f.Target)
	switch {
	case err != nil:
		return false, fmt.Errorf("sqlite: add follow: %w", err)
	case key == "":
		return false, fmt.Errorf("sqlite: add follow of %q by %s: the topic has no words", f.Topic, target)
	}
	created := f.Created
	if created.IsZero() {
		created = time.Now()
	}

	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("sqlite: add follow of %q by %s: %w", f.Topic, target, err)
	}
	defer tx.Rollback()
	var n, same int
	err = tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE topic_key = ?2)
		FROM follows WHERE target = ?1`, target, key).Scan(&n, &same)
	switch {
	case err != nil:
		return false, fmt.Errorf("sqlite: add follow of %q by %s: %w", f.Topic, target, err)
	case same > 0:
		return false, nil
	case limit > 0 && n >= limit:
		return false, fmt.Errorf("sqlite: add follow of %q by %s: %d follows: %w", f.Topic, target, n, herald.ErrTooManyFollows)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO follows (target, topic_key, topic, made_by, created)
		VALUES (?, ?, ?, ?, ?)`, target, key, f.Topic, f.By, toMicros(created))
	if err != nil {
		return false, fmt.Errorf("sqlite: add follow of %q by %s: %w", f.Topic, target, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("sqlite: add follow of %q by %s: %w", f.Topic, target, err)
	}
	return true, nil
}

// RemoveFollow removes the target's follow of topic, as herald.Store
// describes.
func (s *Store) RemoveFollow(ctx context.Context, target herald.Target, topic string) (removed bool, err error) {
	key := herald.TopicKey(topic)
	if key == "" {
		return false, nil
	}
	res, err := s.write.ExecContext(ctx, `DELETE FROM follows WHERE target = ? AND topic_key = ?`, target.String(), key)
	if err != nil {
		return false, fmt.Errorf("sqlite: remove follow of %q by %s: %w", topic, target, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: remove follow of %q by %s: %w", topic, target, err)
	}
	return n > 0, nil
}

// Follows lists the target's follows in the order of their topic keys.
func (s *Store) Follows(ctx context.Context, target herald.Target) ([]herald.Follow, error) {
	fs, err := s.follows(ctx, `SELECT target, topic, made_by, created FROM follows
		WHERE target = ? ORDER BY topic_key`, target.String())
	if err != nil {
		return nil, fmt.Errorf("sqlite: follows of %s: %w", target, err)
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
		return nil, fmt.Errorf("sqlite: active follows: %w", err)
	}
	return fs, nil
}

// follows runs query, which selects target, topic, made_by and created.
func (s *Store) follows(ctx context.Context, query string, args ...any) ([]herald.Follow, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fs []herald.Follow
	for rows.Next() {
		var (
			f       herald.Follow
			target  string
			created int64
		)
		if err := rows.Scan(&target, &f.Topic, &f.By, &created); err != nil {
			return nil, err
		}
		if f.Target, err = herald.ParseTarget(target); err != nil {
			return nil, err
		}
		f.Created = fromMicros(created)
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
		return fmt.Errorf("sqlite: pause: %w", err)
	}
	if reason == "" {
		reason = pausedWithoutReason
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: pause %s: %w", target, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `INSERT INTO paused (target, reason, since) VALUES (?, ?, ?)
		ON CONFLICT (target) DO NOTHING`, name, reason, toMicros(time.Now()))
	if err != nil {
		return fmt.Errorf("sqlite: pause %s: %w", target, err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = 'failed', last_error = ?
		WHERE target = ? AND state = 'pending'`, reason, name)
	if err != nil {
		return fmt.Errorf("sqlite: pause %s: %w", target, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: pause %s: %w", target, err)
	}
	return nil
}

// Paused returns the reason the target was first paused with, or "".
func (s *Store) Paused(ctx context.Context, target herald.Target) (string, error) {
	var reason string
	err := s.hot.QueryRowContext(ctx, `SELECT reason FROM paused WHERE target = ?`, target.String()).Scan(&reason)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("sqlite: paused %s: %w", target, err)
	}
	return reason, nil
}

// Resume lets a paused target's follows deliver again. Resuming a target
// that is not paused changes nothing. Deliveries failed by the pause stay
// failed.
func (s *Store) Resume(ctx context.Context, target herald.Target) error {
	if _, err := s.write.ExecContext(ctx, `DELETE FROM paused WHERE target = ?`, target.String()); err != nil {
		return fmt.Errorf("sqlite: resume %s: %w", target, err)
	}
	return nil
}

// RoutingVersion returns the count of changes of the follows, paused
// targets and moves, kept by triggers.
func (s *Store) RoutingVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := s.hot.QueryRowContext(ctx, `SELECT version FROM routing_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: routing version: %w", err)
	}
	return v, nil
}
