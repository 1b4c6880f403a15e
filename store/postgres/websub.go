package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/websub"
)

// Subscriptions returns a websub.Store that keeps WebSub subscriptions in
// the store's database, so that they outlive a restart. It is safe for
// concurrent use and valid until the Store is closed.
func (s *Store) Subscriptions() websub.Store {
	return subscriptions{s}
}

// subscriptions is the websub.Store of a Store.
type subscriptions struct {
	s *Store
}

const subscriptionColumns = `id, topic, hub, secret, callback, state, lease_seconds, expires, requested, reason`

// Get returns the subscription with the given ID, or an error wrapping
// herald.ErrNotFound.
func (w subscriptions) Get(ctx context.Context, id string) (websub.Subscription, error) {
	row := w.s.pool.QueryRow(ctx, `SELECT `+subscriptionColumns+`
		FROM websub_subscriptions WHERE id = $1`, id)
	sub, err := scanSubscription(row)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return websub.Subscription{}, fmt.Errorf("postgres: subscription %q: %w", id, herald.ErrNotFound)
	case err != nil:
		return websub.Subscription{}, fmt.Errorf("postgres: subscription %q: %w", id, err)
	}
	return sub, nil
}

// Put adds or replaces the subscription with sub's ID.
func (w subscriptions) Put(ctx context.Context, sub websub.Subscription) error {
	_, err := w.s.pool.Exec(ctx, `INSERT INTO websub_subscriptions (`+subscriptionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET
			topic = excluded.topic,
			hub = excluded.hub,
			secret = excluded.secret,
			callback = excluded.callback,
			state = excluded.state,
			lease_seconds = excluded.lease_seconds,
			expires = excluded.expires,
			requested = excluded.requested,
			reason = excluded.reason`,
		sub.ID, sub.Topic, sub.Hub, sub.Secret, sub.Callback, string(sub.State),
		sub.LeaseSeconds, nullTime(sub.Expires), nullTime(sub.Requested), sub.Reason)
	if err != nil {
		return fmt.Errorf("postgres: put subscription %q: %w", sub.ID, err)
	}
	return nil
}

// Delete removes the subscription with the given ID, if any.
func (w subscriptions) Delete(ctx context.Context, id string) error {
	if _, err := w.s.pool.Exec(ctx, `DELETE FROM websub_subscriptions WHERE id = $1`, id); err != nil {
		return fmt.Errorf("postgres: delete subscription %q: %w", id, err)
	}
	return nil
}

// List returns every subscription, ordered by ID in byte order.
func (w subscriptions) List(ctx context.Context) ([]websub.Subscription, error) {
	rows, err := w.s.pool.Query(ctx, `SELECT `+subscriptionColumns+`
		FROM websub_subscriptions ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list subscriptions: %w", err)
	}
	defer rows.Close()
	var subs []websub.Subscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: list subscriptions: %w", err)
		}
		subs = append(subs, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list subscriptions: %w", err)
	}
	return subs, nil
}

// scanSubscription reads one row of subscriptionColumns.
func scanSubscription(row scanner) (websub.Subscription, error) {
	var (
		sub                websub.Subscription
		state              string
		expires, requested *time.Time
	)
	err := row.Scan(&sub.ID, &sub.Topic, &sub.Hub, &sub.Secret, &sub.Callback, &state,
		&sub.LeaseSeconds, &expires, &requested, &sub.Reason)
	if err != nil {
		return websub.Subscription{}, err
	}
	sub.State = websub.State(state)
	if expires != nil {
		sub.Expires = utc(*expires)
	}
	if requested != nil {
		sub.Requested = utc(*requested)
	}
	return sub, nil
}

// nullTime returns t, or nil, for NULL, for the zero time.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
