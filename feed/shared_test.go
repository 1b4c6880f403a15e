package feed

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns the path of a folder in the shared material that sits
// beside the repository (../shared from the module root), skipping the test
// when it is absent.
func sharedDir(t testing.TB, rel string) string {
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
