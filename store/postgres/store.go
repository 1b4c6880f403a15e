// Package postgres keeps Herald's articles, feeds, outbox, follows and
// search index in a PostgreSQL database.
//
// It implements herald.Store on github.com/jackc/pgx/v5 and behaves as
// the SQLite store does: both pass the conformance suite of
// store/storetest. Several processes may share one database: migrations
// are applied under an advisory lock, ingests are serialised by another,
// and each write is one transaction.
//
// The store's tables live in the connection's current schema, the first
// schema of its search_path that exists: a URL such as
// postgres://host/db?search_path=herald keeps them in the schema herald,
// which must exist. The URL's pgxpool settings, such as pool_max_conns,
// apply.
//
// Times come back in UTC, truncated to the microsecond, as PostgreSQL
// keeps them. Full-text search uses PostgreSQL's tsvector and tsquery
// over the words herald.TopicKey finds, with a GIN index.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/heraldhq/herald"

	"github.com/heraldhq/herald/store/internal/migrations"
)

var _ herald.Store = (*Store)(nil)

// Store is a herald.Store kept in a PostgreSQL database. It is safe for
// concurrent use, and several Stores, in one process or many, may share a
// database schema.
type Store struct {
	pool *pgxpool.Pool
	// schema is the schema the store's tables live in.
	schema string
	// ingestLock is the key of the advisory lock that serialises the
	// writes that must not interleave (Ingest, MoveTarget) among every
	// store of the schema.
	ingestLock int64
	// followLock is the first key of the advisory locks that serialise
	// changes of a target's follows; the second is the target's hash.
	followLock int32

	closeOnce sync.Once
}

// Open connects to the database at url (a PostgreSQL URL or key=value
// connection string), applies pending migrations to its current schema,
// and returns the store.
func Open(ctx context.Context, url string) (*Store, error) {
	ms, err := migrations.Load(migrationFiles)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	var schema *string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	if schema == nil {
		pool.Close()
		return nil, errors.New("postgres: open: no schema: the search_path names none that exists")
	}
	if err := migrate(ctx, pool, lockKey(*schema, "migrate"), ms); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open: schema %q: %w", *schema, err)
	}
	return &Store{
		pool:       pool,
		schema:     *schema,
		ingestLock: lockKey(*schema, "ingest"),
		followLock: int32(lockKey(*schema, "follows")),
	}, nil
}

// Close releases the store's connections. It is safe to call more than
// once.
func (s *Store) Close() error {
	s.closeOnce.Do(s.pool.Close)
	return nil
}

// lockKey returns the key of an advisory lock of the schema, for purpose.
// Stores of other schemas of the same database take other locks.
func lockKey(schema, purpose string) int64 {
	h := fnv.New64a()
	h.Write([]byte("herald\x00" + schema + "\x00" + purpose))
	return int64(h.Sum64())
}

// maxTxAttempts is how many times inTx runs a transaction that the server
// aborted for a deadlock or a serialisation failure.
const maxTxAttempts = 5

// inTx runs fn in a transaction and commits it. A transaction that the
// server aborted for a deadlock or a serialisation failure is run again, a
// few times: fn must be safe to call again.
func (s *Store) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tryTx(ctx, fn)
		if err == nil || attempt == maxTxAttempts || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * 10 * time.Millisecond):
		}
	}
}

// tryTx runs fn in a transaction once.
func (s *Store) tryTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	// Rolled back on an error and on a panic alike; after a commit,
	// Rollback does nothing. It runs even when ctx is done, so that the
	// connection goes back to the pool clean.
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// retryable reports whether err is a deadlock or a serialisation failure,
// after which the transaction may succeed if run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Code == "40001" || pe.Code == "40P01"
}

// lock takes the advisory lock key until the end of the transaction.
func lock(ctx context.Context, tx pgx.Tx, key int64) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, key); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	return nil
}

// utc returns t in UTC: pgx reads times in the local zone.
func utc(t time.Time) time.Time { return t.UTC() }

// now returns the time to record as now, at the precision the database
// keeps.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// targetString returns the target as stored, or an error for a target
// that herald.ParseTarget could not read back.
func targetString(t herald.Target) (string, error) {
	s := t.String()
	if back, err := herald.ParseTarget(s); err != nil || back != t {
		return "", fmt.Errorf("invalid target %q", s)
	}
	return s, nil
}

// scanner is a pgx.Row or pgx.Rows.
type scanner interface {
	Scan(dest ...any) error
}

// querier is what a pool and a transaction share.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// readTx runs fn in a read-only transaction at repeatable read: every
// statement of fn sees the same snapshot of the database.
func (s *Store) readTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
