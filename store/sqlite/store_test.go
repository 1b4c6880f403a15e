package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/store/storetest"
)

// openTemp opens a store in a fresh temporary directory; the caller closes
// it.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// to returns a route that sends every article to targets.
func to(targets ...herald.Target) func(herald.Article) []herald.Target {
	return func(herald.Article) []herald.Target { return targets }
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) herald.Store { return openTemp(t) })
}
