package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/heraldhq/herald"

	"github.com/heraldhq/herald/store/internal/migrations"
)

func TestEmbeddedMigrations(t *testing.T) {
	ms, err := migrations.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].Name != "0001_init.sql" {
		t.Fatalf("embedded migrations = %v", ms)
	}
}

// rawDB opens a bare database for migration tests, with the store's DSN.
func rawDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateAppliesEachOnce(t *testing.T) {
	ctx := t.Context()
	db := rawDB(t)
	ms := []migrations.Migration{
		{Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"},
		{Version: 2, Name: "0002_b.sql", SQL: "INSERT INTO a VALUES (2); INSERT INTO a VALUES (3);"},
	}
	if err := migrate(ctx, db, ms[:1]); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := migrate(ctx, db, ms); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM a`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("table a has %d rows, want 3: a migration ran twice or in part", n)
	}
	for _, known := range [][]migrations.Migration{ms[:1], nil} {
		if err := migrate(ctx, db, known); !errors.Is(err, ErrSchemaTooNew) {
			t.Errorf("migrate knowing %d of 2 applied: err = %v, want ErrSchemaTooNew", len(known), err)
		}
	}
}

func TestMigrateFailureRollsBack(t *testing.T) {
	ctx := t.Context()
	db := rawDB(t)
	ms := []migrations.Migration{
		{Version: 1, Name: "0001_a.sql", SQL: "CREATE TABLE a (x INTEGER);"},
		{Version: 2, Name: "0002_bad.sql", SQL: "CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1);"},
	}
	if err := migrate(ctx, db, ms); err == nil {
		t.Fatal("a failing migration succeeded")
	}
	var version int
	if err := db.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != 1 {
		t.Errorf("recorded version %d, want 1", version)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'b'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("the failed migration left table b behind")
	}
	ms[1].SQL = "CREATE TABLE b (y INTEGER);"
	if err := migrate(ctx, db, ms); err != nil {
		t.Errorf("migrate after the fix: %v", err)
	}
}

// insertArticleV1 records an article in the articles table of the first
// schema.
const insertArticleV1 = `INSERT INTO articles (
	key, url, headline, dateline_text, dateline_place, dateline_date, dateline_agency,
	lead, topics, image, published, source, feed, content_hash, first_seen
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// TestMigrateIndexesRecordedArticles: articles recorded before the search
// index existed are indexed when the database is opened, in batches, and
// only once.
func TestMigrateIndexesRecordedArticles(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "herald.db")
	ms, err := migrations.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, ms[:1]); err != nil {
		t.Fatal(err)
	}
	const n = indexBatch + indexBatch/2
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		topics := `["World","world","Asia"]`
		if i%2 == 1 {
			topics = `["Économie"]`
		}
		_, err := tx.ExecContext(ctx, insertArticleV1,
			fmt.Sprintf("k%d", i), "https://example.org/"+fmt.Sprint(i), fmt.Sprintf("Headline %d of Zürich", i),
			"", "", "", "", "The lead of the story.", topics, "", int64(i)*1_000_000, "Example", "https://example.org/feed", "h", 0)
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()

	for range 2 { // the second open finds nothing left to index
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		as, err := s.Search(ctx, "zurich 7", 5)
		if err != nil || len(as) != 1 || as[0].Key != "k7" || as[0].Headline != "Headline 7 of Zürich" {
			t.Errorf("Search(zurich 7) = %+v, %v; want k7", as, err)
		}
		ts, err := s.Topics(ctx, "", 0)
		want := []herald.TopicCount{{Name: "World", Articles: n / 2}, {Name: "Économie", Articles: n / 2}, {Name: "Asia", Articles: n / 2}}
		slices.SortFunc(want, func(a, b herald.TopicCount) int { return strings.Compare(a.Name, b.Name) })
		if err != nil || !slices.Equal(ts, want) {
			t.Errorf("Topics = %v, %v; want %v", ts, err, want)
		}
		as, err = s.Latest(ctx, "economie", 2)
		if err != nil || len(as) != 2 || as[0].Key != fmt.Sprintf("k%d", n-1) || as[1].Key != fmt.Sprintf("k%d", n-3) {
			t.Errorf("Latest(economie) = %v, %v; want the newest two", as, err)
		}
		as, err = s.Latest(ctx, "the lead", n)
		if err != nil || len(as) != n {
			t.Errorf("Latest(the lead) = %d articles, %v; want %d", len(as), err, n)
		}
		var queued int
		if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM index_queue`).Scan(&queued); err != nil || queued != 0 {
			t.Errorf("index_queue holds %d articles, %v; want none", queued, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrateItemHashes: articles recorded before item hashes were kept
// have none; the first fetch of their feed gives them one silently, and
// only a later change is a correction. Their deliveries were not digests.
func TestMigrateItemHashes(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "herald.db")
	ms, err := migrations.Load(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, db, ms[:3]); err != nil {
		t.Fatal(err)
	}
	const feed = "https://example.org/feed"
	old := herald.Article{Key: "k", URL: "https://example.org/k", Headline: "Old headline", Lead: "Old lead.", Feed: feed}
	_, err = db.ExecContext(ctx, insertArticleV1, old.Key, old.URL, old.Headline, "", "", "", "", old.Lead,
		"null", "", 0, "", feed, old.ContentHash(), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO deliveries (article_id, target, article_published, state, next_attempt, created, sent_at, message_id)
		VALUES (1, 'discord:1', 0, 'sent', 0, 0, 5, 'msg-k')`)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	target := herald.Target{Platform: herald.Discord, Chat: "1"}
	if got, err := s.ItemHashes(ctx, feed, []string{"k"}); err != nil || len(got) != 1 || got["k"] != "" {
		t.Errorf("ItemHashes of an article recorded before = %v, %v; want k: \"\"", got, err)
	}
	ds, err := s.Deliveries(ctx, target, 0)
	if err != nil || len(ds) != 1 || ds[0].Digest || ds[0].MessageID != "msg-k" {
		t.Fatalf("Deliveries = %+v, %v; want the sent delivery, not a digest", ds, err)
	}
	if at, err := s.LastSent(ctx, target); err != nil || !at.Equal(fromMicros(5)) {
		t.Errorf("LastSent = %v, %v; want %v", at, err, fromMicros(5))
	}

	// The page completed the article since: its item reads otherwise.
	item := old
	item.Lead = "Old lead, as the feed gives it."
	item.ItemHash = "item-1"
	res, err := s.Ingest(ctx, feed, []herald.Article{item}, to(target), 5)
	if err != nil || !reflect.DeepEqual(res, herald.IngestResult{FirstSight: true}) {
		t.Errorf("first Ingest = %+v, %v; want nothing but the first sight", res, err)
	}
	if got, err := s.ItemHashes(ctx, feed, []string{"k"}); err != nil || got["k"] != "item-1" {
		t.Errorf("ItemHashes after the first Ingest = %v, %v; want item-1", got, err)
	}
	if a, _, err := s.Trace(ctx, "k"); err != nil || a.Lead != old.Lead {
		t.Errorf("Trace = %q, %v; want the article unchanged", a.Lead, err)
	}
	if revs, err := s.Revisions(ctx, "k"); err != nil || len(revs) != 0 {
		t.Errorf("Revisions = %d, %v; want none", len(revs), err)
	}

	item.Headline = "New headline"
	item.ItemHash = "item-2"
	res, err = s.Ingest(ctx, feed, []herald.Article{item}, to(target), 5)
	if err != nil || !reflect.DeepEqual(res, herald.IngestResult{Corrected: 1, Edits: 1}) {
		t.Errorf("Ingest of a change = %+v, %v; want a correction and an edit", res, err)
	}
}
