package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrLeadLost is the cause of a lead's context when its connection to the
// database failed: another process may lead now.
var ErrLeadLost = errors.New("postgres: the connection holding the lead failed")

// Lead waits until this process leads the store's schema, among every
// process that calls Lead on it, and returns a context that is done when
// the lead is lost or given up, and resign, which gives it up.
//
// The lead is a session advisory lock held on a connection of its own.
// PostgreSQL releases it when that connection ends, so a leader that dies,
// even by SIGKILL, hands the lead to the next waiting process at once. The
// connection is checked every check: when a check fails, the context is
// cancelled with ErrLeadLost as its cause, since the server may have
// ended the session and let another process lead. Lead returns ctx's
// error if ctx ends before the lead is won.
func (s *Store) Lead(ctx context.Context, check time.Duration) (led context.Context, resign func(), err error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: lead: %w", err)
	}
	// The connection leaves the pool: the lock lives as long as it does.
	conn := pc.Hijack()
	key := lockKey(s.schema, "lead")
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, nil, fmt.Errorf("postgres: lead: %w", err)
	}
	led, cancel := context.WithCancelCause(ctx)
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		watchLead(led, conn, check, cancel)
	}()
	resign = func() {
		cancel(context.Canceled)
		<-stopped
		closing, done := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer done()
		// Closing the session releases the lock; the unlock first makes
		// it go at once even when the close is slow.
		conn.Exec(closing, `SELECT pg_advisory_unlock($1)`, key)
		conn.Close(closing)
	}
	return led, resign, nil
}

// watchLead checks conn every check until led is done, and cancels the
// lead with ErrLeadLost when a check fails.
func watchLead(led context.Context, conn *pgx.Conn, check time.Duration, cancel context.CancelCauseFunc) {
	t := time.NewTicker(check)
	defer t.Stop()
	for {
		select {
		case <-led.Done():
			return
		case <-t.C:
		}
		ping, done := context.WithTimeout(led, check)
		err := conn.Ping(ping)
		done()
		if err != nil && led.Err() == nil {
			cancel(fmt.Errorf("%w: %w", ErrLeadLost, err))
			return
		}
	}
}
