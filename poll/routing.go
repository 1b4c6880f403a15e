package poll

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/heraldhq/herald/route"
)

// routing keeps the router built from the store's follows, paused targets
// and moves, with the routing version it was built at.
type routing struct {
	mu      sync.Mutex
	router  *route.Router
	version int64
}

// router returns a router for the Watcher's rules and targets and the
// store's follows, paused targets and moves as they are now. It reads
// them, and builds the router, only when the store's routing version
// changed since the last build: a hundred thousand follows are then read
// once per change, not once per fetch. Callers that come while it builds
// wait for that build.
func (w *Watcher) router(ctx context.Context) (*route.Router, error) {
	version, err := w.Store.RoutingVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("read routing version: %w", err)
	}
	r := &w.routing
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.router != nil && r.version == version {
		return r.router, nil
	}
	follows, err := w.Store.ActiveFollows(ctx)
	if err != nil {
		return nil, fmt.Errorf("read follows: %w", err)
	}
	paused, err := w.Store.PausedTargets(ctx)
	if err != nil {
		return nil, fmt.Errorf("read paused targets: %w", err)
	}
	moves, err := w.Store.Moves(ctx)
	if err != nil {
		return nil, fmt.Errorf("read moved chats: %w", err)
	}
	rules := slices.Clone(w.Rules)
	for _, t := range w.Targets {
		rules = append(rules, route.Rule{Target: t})
	}
	// The version read before the follows: a change made in between is
	// in them, and makes the next call build again.
	r.router, r.version = route.NewRouter(route.Config{Rules: rules, Follows: follows, Paused: paused, Moves: moves}), version
	return r.router, nil
}
