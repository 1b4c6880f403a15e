package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Cursor returns the position last saved under name, or 0 when none was.
func (s *Store) Cursor(ctx context.Context, name string) (int64, error) {
	var v int64
	err := s.hot.QueryRowContext(ctx, `SELECT value FROM cursors WHERE name = ?`, name).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("sqlite: cursor %q: %w", name, err)
	}
	return v, nil
}

// SaveCursor records value as the position named name, replacing the one
// saved before. The name must not be empty.
func (s *Store) SaveCursor(ctx context.Context, name string, value int64) error {
	if name == "" {
		return errors.New("sqlite: save cursor: empty name")
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO cursors (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	if err != nil {
		return fmt.Errorf("sqlite: save cursor %q: %w", name, err)
	}
	return nil
}
