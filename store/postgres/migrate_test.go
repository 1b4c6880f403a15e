package postgres

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/heraldhq/herald"

	"github.com/heraldhq/herald/store/internal/migrations"
)

func TestEmbeddedMigrations(t *testing.T) {
	ms, err := migrations.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for _, m := range ms {
		if strings.TrimSpace(m.SQL) == "" {
			t.Errorf("%s is empty", m.Name)
		}
	}
}

// appliedVersions returns the versions recorded in the schema of the
// store.
func appliedVersions(t *testing.T, s *Store) []int {
	t.Helper()
	rows, err := s.pool.Query(t.Context(), `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

// wantAllApplied fails the test unless every embedded migration is
// recorded once.
func wantAllApplied(t *testing.T, s *Store) {
	t.Helper()
	ms, err := migrations.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	got := appliedVersions(t, s)
	if len(got) != len(ms) {
		t.Fatalf("schema_migrations = %v, want versions 1 to %d", got, len(ms))
	}
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("schema_migrations = %v, want versions 1 to %d", got, len(ms))
		}
	}
}

// TestOpenConcurrent: stores opening a fresh schema at once, as replicas
// starting together do, all succeed, and the migrations are applied once.
func TestOpenConcurrent(t *testing.T) {
	dbURL := freshSchema(t)
	const replicas = 8
	var (
		wg     sync.WaitGroup
		stores [replicas]*Store
		errs   [replicas]error
	)
	for i := range replicas {
		wg.Go(func() { stores[i], errs[i] = Open(t.Context(), dbURL) })
	}
	wg.Wait()
	for i := range replicas {
		if errs[i] != nil {
			t.Errorf("Open %d: %v", i, errs[i])
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	wantAllApplied(t, stores[0])

	// Every store sees the same schema.
	a := herald.Article{Key: "k1", URL: "https://news.example.com/k1", Headline: "Replicas agree"}
	if _, err := stores[0].Ingest(t.Context(), "https://news.example.com/rss", []herald.Article{a}, nil, 0); err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		if got, _, err := s.Trace(t.Context(), "k1"); err != nil || got.Headline != a.Headline {
			t.Errorf("store %d: Trace(k1) = %q, %v", i, got.Headline, err)
		}
	}
}

// TestReopen: a store opened again keeps what was recorded and applies
// no migration twice.
func TestReopen(t *testing.T) {
	dbURL := freshSchema(t)
	s, err := Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCursor(t.Context(), "telegram", 42); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	s, err = Open(t.Context(), dbURL)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	wantAllApplied(t, s)
	if got, err := s.Cursor(t.Context(), "telegram"); err != nil || got != 42 {
		t.Errorf("after reopen Cursor = %d, %v; want 42", got, err)
	}
}

// TestSchemaTooNew: a schema migrated by a newer program is refused.
func TestSchemaTooNew(t *testing.T) {
	dbURL := freshSchema(t)
	s, err := Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.pool.Exec(t.Context(), `INSERT INTO schema_migrations (version) VALUES (9999)`)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(t.Context(), dbURL)
	if err == nil {
		s.Close()
		t.Fatal("Open of a schema at version 9999 succeeded")
	}
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open = %v, want ErrSchemaTooNew", err)
	}
}
