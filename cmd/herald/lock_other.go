//go:build !unix

package main

// lockDatabase does nothing where flock is not available.
func lockDatabase(path string) (unlock func(), err error) { return func() {}, nil }
