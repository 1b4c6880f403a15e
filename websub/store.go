package websub

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// State is where a subscription stands.
type State string

// The states of a subscription.
const (
	// Pending subscriptions were requested from the hub and wait for its
	// verification of intent.
	Pending State = "pending"
	// Active subscriptions were verified; the hub delivers until Expires.
	Active State = "active"
	// Denied subscriptions were refused by the hub; Reason says why.
	Denied State = "denied"
	// Failed subscriptions could not be requested or renewed: the hub
	// answered with an error, could not be reached or never verified.
	// They are tried again after Options.Retry.
	Failed State = "failed"
	// Unsubscribing subscriptions wait for the hub to verify their end.
	Unsubscribing State = "unsubscribing"
)

// Subscription is one topic followed through one hub. All of its fields
// are what a persistent store must keep.
type Subscription struct {
	// ID names the subscription in its callback URL.
	ID string
	// Topic is the URL the hub knows the feed by: its rel="self".
	Topic string
	// Hub is the hub's URL; a permanent redirect of the hub moves it.
	Hub string
	// Secret is the HMAC key the hub signs deliveries with.
	Secret string
	// Callback is the URL the hub verifies and delivers to.
	Callback string
	State    State
	// LeaseSeconds is the lease the hub granted at its last verification.
	LeaseSeconds int
	// Expires is when the lease runs out; zero until verified.
	Expires time.Time
	// Requested is when the subscription was last requested from the hub.
	Requested time.Time
	// Reason is the hub's reason for a denial or the last failure.
	Reason string
}

// Store keeps subscriptions. Get returns herald.ErrNotFound for an unknown
// ID. A Store must be safe for concurrent use.
type Store interface {
	Get(ctx context.Context, id string) (Subscription, error)
	Put(ctx context.Context, sub Subscription) error
	Delete(ctx context.Context, id string) error
	// List returns every subscription, in no particular order.
	List(ctx context.Context) ([]Subscription, error)
}

// MemoryStore is a Store that keeps subscriptions in memory only; they are
// lost when the process ends.
type MemoryStore struct {
	mu   sync.Mutex
	subs map[string]Subscription
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{subs: make(map[string]Subscription)}
}

// Get returns the subscription with the given ID.
func (m *MemoryStore) Get(_ context.Context, id string) (Subscription, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	sub, ok := m.subs[id]
	if !ok {
		return Subscription{}, fmt.Errorf("subscription %s: %w", id, herald.ErrNotFound)
	}
	return sub, nil
}

// Put adds or replaces the subscription with sub's ID.
func (m *MemoryStore) Put(_ context.Context, sub Subscription) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.subs[sub.ID] = sub
	return nil
}

// Delete removes the subscription with the given ID, if any.
func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.subs, id)
	return nil
}

// List returns every subscription, ordered by ID.
func (m *MemoryStore) List(context.Context) ([]Subscription, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	subs := make([]Subscription, 0, len(m.subs))
	for _, sub := range m.subs {
		subs = append(subs, sub)
	}
	slices.SortFunc(subs, func(a, b Subscription) int { return strings.Compare(a.ID, b.ID) })
	return subs, nil
}
