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

// leadCheck is how often the leader checks the connection that holds its
// lead on a PostgreSQL database.
const leadCheck = 2 * time.Second

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

// runDatabase opens HERALD_DATABASE for the daemon, and makes this
// process the only one that runs on it: a SQLite file is locked, and
// whoever holds the lock already makes this start fail; on PostgreSQL,
// this process waits to lead, so that several may run and one takes over
// within seconds when the leader stops. The daemon runs until the
// returned context is done: its cause is postgres.ErrLeadLost when the
// lead was lost. stop gives everything up.
func runDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (_ database, led context.Context, stop func(), err error) {
	if !config.IsPostgres(cfg.Database) {
		unlock, err := lockDatabase(cfg.Database)
		if err != nil {
			return nil, nil, nil, err
		}
		st, err := sqlite.Open(ctx, cfg.Database)
		if err != nil {
			unlock()
			return nil, nil, nil, err
		}
		return st, ctx, func() { st.Close(); unlock() }, nil
	}
	st, err := postgres.Open(ctx, cfg.Database)
	if err != nil {
		return nil, nil, nil, err
	}
	log.Info("postgres: waiting to lead: one Herald process posts, the others take over when it stops")
	started := time.Now()
	led, resign, err := st.Lead(ctx, leadCheck)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	log.Info("postgres: leading", "waited", time.Since(started).Round(time.Millisecond).String())
	return st, led, func() { resign(); st.Close() }, nil
}
