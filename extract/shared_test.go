package extract

import (
	"testing"

	"github.com/heraldhq/herald/internal/sharedtest"
)

// sharedFile returns the path of a file in the shared test material,
// skipping the test when it is absent.
func sharedFile(t testing.TB, rel string) string { return sharedtest.Path(t, rel) }
