package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema migrations, migrations/NNNN_name.sql,
// applied in the order of their numbers.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrSchemaTooNew is returned by Open for a database whose schema was
// migrated by a newer version of the program than this one.
var ErrSchemaTooNew = errors.New("database schema is newer than this program")

// A migration is one numbered step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the migrations/*.sql files of fsys in order. Their
// numbers must run 1, 2, 3… without a gap or a repeat.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	ms := make([]migration, 0, len(names))
	for _, name := range names {
		v, err := migrationVersion(path.Base(name))
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		ms = append(ms, migration{version: v, name: path.Base(name), sql: string(b)})
	}
	// fs.Glob sorts names, but the numbers have a fixed width only by
	// convention, so order by number.
	slices.SortFunc(ms, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migrations: %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// migrationVersion reads the number of a migration file named like
// "0001_init.sql".
func migrationVersion(name string) (int, error) {
	base, ok := strings.CutSuffix(name, ".sql")
	num, label, ok2 := strings.Cut(base, "_")
	if !ok || !ok2 || label == "" || num == "" || len(num) > 9 {
		return 0, fmt.Errorf("%q: want a name like 0001_init.sql", name)
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q: want a name like 0001_init.sql", name)
		}
	}
	v, err := strconv.Atoi(num)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("%q: want a version of 1 or more", name)
	}
	return v, nil
}

// migrate applies to db the migrations of ms it lacks, each in its own
// transaction along with its row in schema_migrations.
func migrate(ctx context.Context, db *sql.DB, ms []migration) error {
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
			return fmt.Errorf("migrate: %s: %w", m.name, err)
		}
	}
	return nil
}

// apply runs one migration unless it is recorded as applied. The check is
// made inside the transaction, which holds the write lock from its start, so
// two programs opening the same database at once apply it only once.
func apply(ctx context.Context, db *sql.DB, m migration) (err error) {
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
	err = tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return tx.Rollback()
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
		m.version, toMicros(time.Now()))
	if err != nil {
		return err
	}
	return tx.Commit()
}
