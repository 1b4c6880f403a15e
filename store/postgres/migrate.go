package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/heraldhq/herald/store/internal/migrations"
)

// migrationFiles holds the schema migrations, migrations/NNNN_name.sql,
// applied in the order of their numbers.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrSchemaTooNew is returned by Open for a schema migrated by a newer
// version of the program than this one.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

// migrate applies the migrations of ms that the current schema lacks, in
// one transaction that holds the advisory lock key: of several processes
// starting at once, one applies them and the others wait, then find them
// applied.
func migrate(ctx context.Context, pool *pgxpool.Pool, key int64, ms []migrations.Migration) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, key); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`
	if _, err := tx.Exec(ctx, create); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var latest int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&latest); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if latest > len(ms) {
		return fmt.Errorf("migrate: schema at version %d, this program knows up to %d: %w",
			latest, len(ms), ErrSchemaTooNew)
	}
	for _, m := range ms[latest:] {
		if err := apply(ctx, tx, m); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// apply runs one migration and records it.
func apply(ctx context.Context, tx pgx.Tx, m migrations.Migration) error {
	// Without arguments, Exec uses the simple protocol, which runs the
	// several statements of a file.
	if _, err := tx.Exec(ctx, m.SQL); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.Version)
	return err
}
