package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"

	"github.com/heraldhq/herald/store/internal/migrations"
)

// pragma returns the value of a PRAGMA on one connection of db.
func pragma(t *testing.T, s *Store, read bool, name string) string {
	t.Helper()
	db := s.write
	if read {
		db = s.read
	}
	var v string
	if err := db.QueryRowContext(t.Context(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestPragmas(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	tests := []struct {
		read       bool
		name, want string
	}{
		{false, "journal_mode", "wal"},
		{false, "synchronous", "2"}, // FULL
		{false, "foreign_keys", "1"},
		{false, "busy_timeout", "10000"},
		{false, "query_only", "0"},
		{true, "journal_mode", "wal"},
		{true, "synchronous", "2"},
		{true, "busy_timeout", "10000"},
		{true, "query_only", "1"},
	}
	for _, tc := range tests {
		if got := pragma(t, s, tc.read, tc.name); got != tc.want {
			t.Errorf("PRAGMA %s (read pool %v) = %q, want %q", tc.name, tc.read, got, tc.want)
		}
	}
}

func TestReadPoolCannotWrite(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	_, err := s.read.ExecContext(t.Context(), `INSERT INTO feeds (url, first_ingest, last_ingest) VALUES ('x', 0, 0)`)
	if err == nil {
		t.Fatal("a write through the read pool succeeded")
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "herald.db")
	target := herald.Target{Platform: herald.Discord, Chat: "42"}
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := herald.Article{Key: "k1", URL: "https://example.org/1", Headline: "Kept", Published: time.Unix(1712566800, 0)}
	if _, err := s.Ingest(ctx, "https://example.org/feed", []herald.Article{a}, to(target), 5); err != nil {
		t.Fatal(err)
	}
	st := herald.FeedState{URL: "https://example.org/feed", ETag: `"e"`, LastFetch: time.Unix(1712566900, 5000)}
	if err := s.SaveFeedState(ctx, st); err != nil {
		t.Fatal(err)
	}
	applied := migrationRows(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if got := migrationRows(t, s); strings.Join(got, ",") != strings.Join(applied, ",") {
		t.Errorf("schema_migrations after reopen = %q, want %q unchanged", got, applied)
	}
	d, err := s.NextDelivery(ctx, target)
	if err != nil || d.Article.Headline != "Kept" {
		t.Errorf("after reopen NextDelivery = %+v, %v", d, err)
	}
	got, err := s.FeedState(ctx, st.URL)
	if err != nil || got.ETag != st.ETag || !got.LastFetch.Equal(st.LastFetch) {
		t.Errorf("after reopen FeedState = %+v, %v", got, err)
	}
	res, err := s.Ingest(ctx, "https://example.org/feed", []herald.Article{a}, to(target), 5)
	if err != nil || !reflect.DeepEqual(res, herald.IngestResult{}) {
		t.Errorf("after reopen Ingest of a known article = %+v, %v", res, err)
	}
}

// migrationRows returns the rows of schema_migrations as "version@applied".
func migrationRows(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(), `SELECT version || '@' || applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	ms, err := migrations.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(ms) {
		t.Fatalf("schema_migrations has %d rows, want %d", len(out), len(ms))
	}
	return out
}

func TestOpenNewerSchema(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "herald.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, err = Open(ctx, path)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a newer database: err = %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "9999") {
		t.Errorf("error %q does not name the database's version", err)
	}
}

func TestOpenBadPath(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{
		"",
		":memory:",
		"file:herald.db?mode=memory",
		notDB,
		filepath.Join(dir, "missing", "herald.db"),
		dir,
	} {
		s, err := Open(t.Context(), path)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}

func TestOpenOddPath(t *testing.T) {
	// Characters that mean something in a URI must still name a file.
	dir := filepath.Join(t.TempDir(), "a dir#1")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "herald?v=1&x=%41.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFeedState(t.Context(), herald.FeedState{URL: "u"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at %q: %v", path, err)
	}
}

func TestCloseTwiceAndUseAfterClose(t *testing.T) {
	s := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	ctx := context.Background()
	if _, err := s.NextDelivery(ctx, herald.Target{Platform: herald.Console, Chat: "stdout"}); err == nil {
		t.Error("NextDelivery after Close succeeded")
	}
	if _, err := s.Ingest(ctx, "f", nil, nil, 0); err == nil {
		t.Error("Ingest after Close succeeded")
	}
	if err := s.MarkSent(ctx, 1, "m"); err == nil {
		t.Error("MarkSent after Close succeeded")
	}
}

func TestQueryPlans(t *testing.T) {
	s := openTemp(t)
	defer s.Close()
	tests := []struct {
		name, query string
		args        []any
		// index is the index read, or what the plan says of it.
		index string
		// sorts is true for a query that may sort what it reads.
		sorts bool
	}{
		{"NextDelivery", selectNext, []any{"discord:1"}, "deliveries_queue", false},
		{"PendingTargets", selectPendingTargets, nil, "deliveries_queue", false},
		{"PendingTargets of edits", selectEditTargets, nil, "edits_pending", true},
		{"Deliveries", selectAll, []any{"discord:1"}, "deliveries_target", false},
		{"Deliveries with a limit", selectLast, []any{"discord:1", 5}, "deliveries_target", false},
		{"DueDeliveries", selectDue, []any{"discord:1", 100, 5}, "deliveries_queue", false},
		{"LastSent", selectLastSent, []any{"discord:1"}, "deliveries_sent", false},
		{"NextEdit", selectNextEdit, []any{"discord:1"}, "edits_pending", false},
		{"Latest", selectLatest, []any{5}, "articles_published", false},
		{"Latest of a topic", selectTopicArticles, []any{"world", 5}, "PRIMARY KEY (key=?)", false},
		{"Newest before", selectNewestBefore, []any{100}, "articles_published", false},
		{"Revisions", selectRevisions, []any{1}, "revisions_article", false},
		{"Edits of an article", selectArticleEdits, []any{1}, "sqlite_autoindex_deliveries_1", true},
	}
	for _, tc := range tests {
		plan := queryPlan(t, s, tc.query, tc.args...)
		if !strings.Contains(plan, "INDEX "+tc.index) && !strings.Contains(plan, "USING "+tc.index) ||
			!tc.sorts && strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan does not read %s in order:\n%s", tc.name, tc.index, plan)
		}
	}
}

// queryPlan returns the EXPLAIN QUERY PLAN of query, one step a line.
func queryPlan(t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.read.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
