package postgres

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/heraldhq/herald"
)

func TestMigrationVersion(t *testing.T) {
	tests := []struct {
		name    string
		want    int
		wantErr bool
	}{
		{"0001_init.sql", 1, false},
		{"0012_more.sql", 12, false},
		{"7_short.sql", 7, false},
		{"0000_zero.sql", 0, true},
		{"init.sql", 0, true},
		{"0001_.sql", 0, true},
		{"_init.sql", 0, true},
		{"0001_init.txt", 0, true},
		{"00a1_init.sql", 0, true},
		{"-001_init.sql", 0, true},
		{"1234567890_long.sql", 0, true},
	}
	for _, tt := range tests {
		got, err := migrationVersion(tt.name)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("migrationVersion(%q) = %d, %v; want %d, error %t", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestLoadMigrations(t *testing.T) {
	file := func(sql string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(sql)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    []int
		wantErr bool
	}{
		{"in order of numbers", fstest.MapFS{
			"migrations/10_ten.sql":  file("ten"),
			"migrations/0002_b.sql":  file("two"),
			"migrations/1_a.sql":     file("one"),
			"migrations/3_c.sql":     file("three"),
			"migrations/4_d.sql":     file("four"),
			"migrations/5_e.sql":     file("five"),
			"migrations/6_f.sql":     file("six"),
			"migrations/7_g.sql":     file("seven"),
			"migrations/8_h.sql":     file("eight"),
			"migrations/09_i.sql":    file("nine"),
			"migrations/readme.txt":  file("not a migration"),
			"other/0011_skipped.sql": file("elsewhere"),
		}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, false},
		{"none", fstest.MapFS{}, nil, false},
		{"a gap", fstest.MapFS{"migrations/0001_a.sql": file("a"), "migrations/0003_c.sql": file("c")}, nil, true},
		{"a repeat", fstest.MapFS{"migrations/0001_a.sql": file("a"), "migrations/01_b.sql": file("b")}, nil, true},
		{"a bad name", fstest.MapFS{"migrations/first.sql": file("a")}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := loadMigrations(tt.fsys)
			if (err != nil) != tt.wantErr {
				t.Fatalf("loadMigrations: %v, want error %t", err, tt.wantErr)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.version)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("versions = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("versions = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestEmbeddedMigrations(t *testing.T) {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for _, m := range ms {
		if strings.TrimSpace(m.sql) == "" {
			t.Errorf("%s is empty", m.name)
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
	ms, err := loadMigrations(migrationFiles)
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
