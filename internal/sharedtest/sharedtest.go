// Package sharedtest finds the shared test material that sits beside the
// repository: ../shared from the module root, with real pages, feeds and
// datelines written by others. It is not part of the repository; tests
// that read it skip cleanly when it is absent, as in a user's fresh clone.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of rel (slash-separated) in the shared material,
// skipping the test when it is absent.
func Path(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Skipf("shared material: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared material: module root not found")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared material %s absent: %v", rel, err)
	}
	return p
}
