package postgres

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/store/storetest"
)

// testDatabaseEnv names the variable holding the URL of the database the
// tests use; they are skipped when it is not set.
const testDatabaseEnv = "HERALD_TEST_DATABASE_URL"

// testDatabase returns the URL of the test database, or skips the test.
func testDatabase(t testing.TB) string {
	t.Helper()
	u := os.Getenv(testDatabaseEnv)
	if u == "" {
		t.Skipf("%s is not set: no PostgreSQL server to test against (e.g. %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable)",
			testDatabaseEnv, testDatabaseEnv)
	}
	return u
}

// freshSchema creates an empty schema in the test database, dropped when
// the test ends, and returns a URL whose connections use it.
func freshSchema(t testing.TB) string {
	t.Helper()
	base := testDatabase(t)
	// Lower case, so that the name is the same quoted or not.
	name := "herald_test_" + strings.ToLower(rand.Text()[:16])
	admin(t, base, `CREATE SCHEMA `+name)
	t.Cleanup(func() { admin(t, base, `DROP SCHEMA `+name+` CASCADE`) })

	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", testDatabaseEnv, err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// admin runs one statement on its own connection to the test database.
func admin(t testing.TB, dbURL, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect to the test database: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// openTemp opens a store in a fresh schema; the caller closes it.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.Context(), freshSchema(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	testDatabase(t)
	storetest.Run(t, func(t *testing.T) herald.Store { return openTemp(t) })
}

func TestOpenNoSchema(t *testing.T) {
	u, err := url.Parse(testDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", fmt.Sprintf("herald_missing_%s", rand.Text()[:8]))
	u.RawQuery = q.Encode()
	if s, err := Open(t.Context(), u.String()); err == nil {
		s.Close()
		t.Fatal("Open with a search_path naming no schema succeeded")
	}
}
