package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// outboxChannel is the channel on which the store announces new
// deliveries and edits, with its schema as the payload.
const outboxChannel = "herald_outbox"

// listenRetry is how long Listen waits before it connects again after its
// connection failed.
const listenRetry = time.Second

// Listen calls fn each time a process sharing the store, this one or
// another, records new deliveries or edits, until ctx ends: replicas that
// wait for work wake when it appears instead of at their next check. It
// listens on a connection of its own and connects again when that fails;
// fn is called once after each reconnection, since announcements made
// meanwhile were missed. Listen returns ctx's error.
func (s *Store) Listen(ctx context.Context, log *slog.Logger, fn func()) error {
	for {
		err := s.listen(ctx, fn)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Warn("postgres: listening for new deliveries failed; listening again", "err", err)
		t := time.NewTimer(listenRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		fn()
	}
}

// listen listens on one connection until it fails or ctx ends.
func (s *Store) listen(ctx context.Context, fn func()) error {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: listen: %w", err)
	}
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+outboxChannel); err != nil {
		return fmt.Errorf("postgres: listen: %w", err)
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("postgres: listen: %w", err)
		}
		if n.Payload == s.schema {
			fn()
		}
	}
}
