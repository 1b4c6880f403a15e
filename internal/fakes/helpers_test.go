package fakes

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// waitFor polls cond until it holds, failing the test after a generous
// deadline. It bounds waiting; it does not measure time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newSession returns a discordgo session whose REST calls, and therefore
// the gateway URL, go to the fake.
func newSession(t *testing.T, d *Discord, token string) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(d.URL())
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: RewriteTransport(u), Timeout: 10 * time.Second}
	s.LogLevel = -1 // silence the library's logging of expected errors
	return s
}

// checkNoUnexpected fails the test if a fake saw requests it did not
// know.
func checkNoUnexpected(t *testing.T, unexpected []Request) {
	t.Helper()
	for _, r := range unexpected {
		t.Errorf("unexpected request %s %s: %s", r.Method, r.Path, r.Body)
	}
}
