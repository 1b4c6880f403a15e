package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Cursor returns the position last saved under name, or 0 when none was.
func (s *Store) Cursor(ctx context.Context, name string) (int64, error) {
	var v int64
	err := s.pool.QueryRow(ctx, `SELECT value FROM cursors WHERE name = $1`, name).Scan(&v)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("postgres: cursor %q: %w", name, err)
	}
	return v, nil
}

// SaveCursor records value as the position named name, replacing the one
// saved before. The name must not be empty.
func (s *Store) SaveCursor(ctx context.Context, name string, value int64) error {
	if name == "" {
		return errors.New("postgres: save cursor: empty name")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO cursors (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fmt.Errorf("postgres: save cursor %q: %w", name, err)
	}
	return nil
}
