package feed

import (
	"testing"

	"github.com/heraldhq/herald/internal/sharedtest"
)

// sharedDir returns the path of a folder in the shared test material,
// skipping the test when it is absent.
func sharedDir(t testing.TB, rel string) string { return sharedtest.Path(t, rel) }
