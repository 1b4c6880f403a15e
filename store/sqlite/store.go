// Package sqlite keeps Herald's articles, feeds, outbox, follows and search
// index in a SQLite file.
//
// It implements herald.Store on modernc.org/sqlite, a SQLite compiled to pure
// Go, so the binary stays static. The database runs in WAL mode with
// synchronous=FULL: a commit that returned survives a crash or a power loss.
//
// Times are stored as microseconds since the Unix epoch and come back in UTC,
// truncated to the microsecond (PostgreSQL keeps the same precision).
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/store/internal/groupcommit"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/heraldhq/herald/store/internal/migrations"
)

var _ herald.Store = (*Store)(nil)

// Store is a herald.Store kept in one SQLite database file. It is safe for
// concurrent use.
//
// It holds two connection pools on the same file. All writes go through a
// pool of exactly one connection: SQLite admits one writer at a time anyway,
// and queueing writers in Go is fair and immediate, where letting several
// connections contend would make them sleep in SQLite's busy handler and,
// after busy_timeout, fail with SQLITE_BUSY. Reads go through a separate
// read-only pool of a few connections; under WAL they run alongside the
// writer and never wait for it.
type Store struct {
	write *sql.DB
	read  *sql.DB
	// hot runs the read pool's frequent queries as prepared statements.
	hot *prepared
	// marks gathers the marks of deliveries and edits into shared commits.
	marks *groupcommit.Committer[markRequest]

	closeOnce sync.Once
	closeErr  error
}

// maxMarkBatch is the most marks one commit holds.
const maxMarkBatch = 256

// busyTimeout is how long a connection waits for a lock held by another
// connection (a checkpoint, a backup, another process) before failing.
const busyTimeout = 10 * time.Second

// Open opens (creating if needed) the SQLite database at path and applies
// pending migrations. The path names a file; in-memory databases are not
// supported, since each connection would see a database of its own.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: open %q: want the path of a database file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	ms, err := migrations.Load(migrationFiles)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	write, err := sql.Open("sqlite", dsn(abs, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// One connection, kept for the life of the store: writes are serialised
	// here rather than in SQLite's busy handler, and the connection keeps
	// its page cache.
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	// The first connection turns WAL on (a lasting property of the file)
	// before any reader opens, then brings the schema up to date.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := migrate(ctx, write, ms); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := indexQueued(ctx, write); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	read, err := sql.Open("sqlite", dsn(abs, true))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// Reads are single short statements; a few connections let the
	// dispatcher's lanes and the poller read at once.
	n := min(max(runtime.GOMAXPROCS(0), 2), 8)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)
	read.SetConnMaxIdleTime(0)
	if err := read.PingContext(ctx); err != nil {
		read.Close()
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s := &Store{write: write, read: read, hot: newPrepared(read)}
	s.marks = groupcommit.New(maxMarkBatch, s.markBatch)
	return s, nil
}

// dsn returns the modernc.org/sqlite data source name of the database file
// at the absolute path abs, for the write pool or the read-only pool.
func dsn(abs string, readOnly bool) string {
	q := url.Values{}
	// busy_timeout comes first so that the pragmas after it wait for locks.
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	if !readOnly {
		// WAL lets readers run while a write is in progress, and a commit
		// appends to the log instead of rewriting pages in place.
		q.Add("_pragma", "journal_mode(WAL)")
	}
	// synchronous=FULL syncs the WAL to disk at every commit. The WAL
	// default, NORMAL, only syncs at checkpoints, so a power loss could undo
	// the last commits: an article forgotten is posted twice, and a delivery
	// forgotten as sent is sent again. Herald commits a few times a minute,
	// so the cost of one fsync per commit is nothing next to a duplicate post.
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Each connection keeps a page cache of its own (2 MB by default) that
	// it never gives back. The readers' small statements need few pages,
	// and a write by the other connection invalidates their caches anyway;
	// the writer's transactions touch a few dozen pages each.
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		q.Add("_pragma", "cache_size(-256)")
	} else {
		q.Add("_pragma", "cache_size(-512)")
	}
	// A write transaction takes the write lock when it begins. A deferred
	// transaction that reads first and writes later cannot wait for the lock
	// under WAL: SQLite fails it with SQLITE_BUSY at once.
	q.Set("_txlock", "immediate")

	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a drive letter: file:///C:/dir/herald.db
	}
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

// Close releases the store. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		// The writer closes last: the last connection to a WAL database
		// checkpoints the log into the main file.
		s.closeErr = errors.Join(s.hot.Close(), s.read.Close(), s.write.Close())
		if s.closeErr != nil {
			s.closeErr = fmt.Errorf("sqlite: close: %w", s.closeErr)
		}
	})
	return s.closeErr
}
