package postgres

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationFiles holds the schema migrations, migrations/NNNN_name.sql,
// applied in the order of their numbers.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrSchemaTooNew is returned by Open for a schema migrated by a newer
// version of the program than this one.
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

// migrate applies the migrations of ms that the current schema lacks, in
// one transaction that holds the advisory lock key: of several processes
// starting at once, one applies them and the others wait, then find them
// applied.
func migrate(ctx context.Context, pool *pgxpool.Pool, key int64, ms []migration) error {
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
			return fmt.Errorf("migrate: %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// apply runs one migration and records it.
func apply(ctx context.Context, tx pgx.Tx, m migration) error {
	// Without arguments, Exec uses the simple protocol, which runs the
	// several statements of a file.
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version) VALUES ($1)`, m.version)
	return err
}
