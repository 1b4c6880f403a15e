package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/logtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// setEnv replaces every HERALD_ variable with env for the test.
func setEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "HERALD_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// daemon is a herald run in this process.
type daemon struct {
	cancel context.CancelFunc
	done   chan int
	stdout *logtest.Buffer
	stderr *logtest.Buffer
}

// startDaemon runs `herald run` with env until stop is called.
func startDaemon(t *testing.T, env map[string]string) *daemon {
	t.Helper()
	setEnv(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	d := &daemon{cancel: cancel, done: make(chan int, 1), stdout: &logtest.Buffer{}, stderr: &logtest.Buffer{}}
	go func() { d.done <- runMain(ctx, []string{"run"}, d.stdout, d.stderr) }()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// stop shuts the daemon down as SIGTERM would and returns its exit code.
func (d *daemon) stop(t *testing.T) int {
	t.Helper()
	if d.cancel == nil {
		return 0
	}
	d.cancel()
	d.cancel = nil
	select {
	case code := <-d.done:
		return code
	case <-time.After(30 * time.Second):
		t.Fatal("herald did not stop within 30s of SIGTERM")
		return -1
	}
}

// waitFor polls cond until it holds, failing after a generous deadline: the
// condition is what is asserted, not how long it takes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got: %s\nwant: %s", name, got, want)
	}
}
