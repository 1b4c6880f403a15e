package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/config"
	"github.com/heraldhq/herald/store/postgres"
	"github.com/heraldhq/herald/store/sqlite"
	"github.com/heraldhq/herald/websub"
)

// database is the store Herald runs on: herald.Store, and where WebSub
// subscriptions are kept.
type database interface {
	herald.Store
	Subscriptions() websub.Store
}

// replicaCheck is how often a replica on PostgreSQL checks its connection
// and counts the other replicas.
const replicaCheck = 2 * time.Second

// openDatabase opens HERALD_DATABASE for reading and writing without
// running the daemon (herald why, herald resume): a SQLite file must
// exist already.
func openDatabase(ctx context.Context, cfg config.Config) (database, error) {
	if config.IsPostgres(cfg.Database) {
		return postgres.Open(ctx, cfg.Database)
	}
	if _, err := os.Stat(cfg.Database); err != nil {
		return nil, fmt.Errorf("no database at %s (HERALD_DATABASE): %w", cfg.Database, err)
	}
	return sqlite.Open(ctx, cfg.Database)
}

// roles hands out the parts of Herald that one process at a time runs,
// and says which feeds this process fetches.
type roles interface {
	// Hold waits until this process holds role, and returns a context
	// that is done when it is lost, and release, which gives it up.
	Hold(ctx context.Context, role string) (held context.Context, release func(), err error)
	// Owns reports whether this process fetches the feed at url.
	Owns(url string) bool
}

// sole is the roles of a process that runs alone on its database: it
// holds every role and fetches every feed.
type sole struct{}

func (sole) Hold(ctx context.Context, role string) (context.Context, func(), error) {
	return ctx, func() {}, nil
}

func (sole) Owns(string) bool { return true }

// runDatabase opens HERALD_DATABASE for the daemon. A SQLite file is
// locked: whoever holds the lock already makes this start fail, and this
// process holds every role. On PostgreSQL, this process joins the
// replicas that share the database: each fetches its share of the feeds,
// and each role (a platform's sends and commands, WebSub renewals) is
// held by one of them, and taken over within a second when its holder
// stops. The daemon runs until the returned context is done: its cause is
// postgres.ErrReplicaLost when this process lost its place. stop gives
// everything up.
func runDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (_ database, _ roles, running context.Context, stop func(), err error) {
	if !config.IsPostgres(cfg.Database) {
		unlock, err := lockDatabase(cfg.Database)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		st, err := sqlite.Open(ctx, cfg.Database)
		if err != nil {
			unlock()
			return nil, nil, nil, nil, err
		}
		return st, sole{}, ctx, func() { st.Close(); unlock() }, nil
	}
	st, err := postgres.Open(ctx, cfg.Database)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	rep, err := st.Join(ctx, replicaCheck)
	if err != nil {
		st.Close()
		return nil, nil, nil, nil, err
	}
	log.Info("postgres: joined the replicas sharing the database", "replica", rep.ID(), "replicas", len(rep.Members()))
	return st, rep, rep.Context(), func() { rep.Leave(); st.Close() }, nil
}

// holdRole runs fn each time this process holds role, until ctx ends or
// the role can no longer be held; fn must return once its context is done.
func holdRole(ctx context.Context, rs roles, role string, log *slog.Logger, fn func(context.Context)) {
	for ctx.Err() == nil {
		held, release, err := rs.Hold(ctx, role)
		if err != nil {
			return
		}
		if _, ok := rs.(sole); !ok {
			log.Info("role taken: this replica now runs it", "role", role)
		}
		fn(held)
		release()
	}
}
