package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/heraldhq/herald/store/internal/migrations"
)

// migrationFiles holds the schema migrations, migrations/NNNN_name.sql,
// applied in the order of their numbers.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrSchemaTooNew is returned by Open for a database whose schema was
// migrated by a newer version of the program than this one.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

// migrate applies to db the migrations of ms it lacks, each in its own
// transaction along with its row in schema_migrations.
func migrate(ctx context.Context, db *sql.DB, ms []migrations.Migration) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`
	if _, err := db.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var latest int64
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&latest); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if latest > int64(len(ms)) {
		return fmt.Errorf("migrate: database at version %d, this program knows up to %d: %w",
			latest, len(ms), ErrSchemaTooNew)
	}
	for _, m := range ms {
		if err := apply(ctx, db, m); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.Name, err)
		}
	}
	return nil
}

// apply runs one migration unless it is recorded as applied. The check is
// made inside the transaction, which holds the write lock from its start, so
// two programs opening the same database at once apply it only once.
func apply(ctx context.Context, db *sql.DB, m migrations.Migration) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var n int
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return tx.Rollback()
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.Version, toMicros(time.Now()))
	if err != nil {
		return err
	}
	return tx.Commit()
}
