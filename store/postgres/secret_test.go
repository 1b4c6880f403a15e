package postgres

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestOpenErrorsHideThePassword(t *testing.T) {
	const password = "s3cr3t-pw-9f2"
	for _, url := range []string{
		"postgres://herald:" + password + "@127.0.0.1:1/herald?sslmode=disable&connect_timeout=2",
		"postgres://herald:" + password + "@127.0.0.1:notaport/herald",
		"postgres://herald:" + password + "@127.0.0.1/herald?sslmode=bogus",
		"host=127.0.0.1 port=1 user=herald password=" + password + " dbname=herald connect_timeout=2 sslmode=disable",
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		s, err := Open(ctx, url)
		cancel()
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", url)
			continue
		}
		if strings.Contains(err.Error(), password) {
			t.Errorf("Open's error shows the password: %v", err)
		}
	}
}
