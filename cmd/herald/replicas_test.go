package main

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/internal/feedtest"
)

// postgresSchema creates a fresh schema in the database HERALD_TEST_DATABASE_URL
// names, dropped when the test ends, and returns a URL whose connections
// use it; it skips the test when the variable is not set.
func postgresSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("HERALD_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("HERALD_TEST_DATABASE_URL is not set: no PostgreSQL server to run replicas on")
	}
	name := "herald_test_" + strings.ToLower(rand.Text()[:16])
	exec := func(sql string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Fatalf("connect to the test database: %v", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec("CREATE SCHEMA " + name)
	t.Cleanup(func() { exec("DROP SCHEMA " + name + " CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestReplicasOnPostgresFailOverWithinSeconds runs two daemons (real
// processes) on one PostgreSQL database: one leads and posts, the other
// waits. The leader is SIGKILLed; the other must lead and post what is
// published next within seconds, and every article must arrive once, in
// order (at most one duplicate on Telegram, which has no idempotency key).
func TestReplicasOnPostgresFailOverWithinSeconds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	db := postgresSchema(t)
	bin := buildHerald(t)
	p := newPlatforms(t, fakesDiscordOptions(nil), fakesTelegramOptions(nil))
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(db, feed.URL())

	var logsA, logsB syncBuffer
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("first replica's logs:\n%s\nsecond replica's logs:\n%s", logsA.String(), logsB.String())
		}
	})
	a := startBinary(t, bin, env, &logsA)
	waitFor(t, "the first replica to lead", func() bool { return strings.Contains(logsA.String(), "postgres: leading") })
	b := startBinary(t, bin, env, &logsB)
	waitFor(t, "the second replica to wait", func() bool { return strings.Contains(logsB.String(), "waiting to lead") })
	// Published after the leader's first sight of the feed, which posts
	// nothing it lists.
	waitFor(t, "the leader's first polls", func() bool { return feed.Requests() >= 2 })

	const n = 6
	for i := 1; i <= n/2; i++ {
		feed.Add(wireItem(i))
	}
	waitFor(t, "the leader's posts", func() bool {
		return len(p.discord.Messages(channel)) >= n/2 && len(p.telegram.Messages(chat)) >= n/2
	})
	if strings.Contains(logsB.String(), "postgres: leading") {
		t.Fatal("the second replica leads while the first is alive")
	}

	if err := a.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	killed := time.Now()
	waitFor(t, "the second replica to lead", func() bool { return strings.Contains(logsB.String(), "postgres: leading") })
	took := time.Since(killed)
	t.Logf("the second replica led %s after the first was killed", took.Round(time.Millisecond))
	if took > 15*time.Second {
		t.Errorf("failover took %s, want at most 15 s", took)
	}
	for i := n/2 + 1; i <= n; i++ {
		feed.Add(wireItem(i))
	}
	waitFor(t, "the new leader's posts", func() bool {
		return len(p.discord.Messages(channel)) >= n && len(p.telegram.Messages(chat)) >= n
	})
	before := feed.Requests()
	waitFor(t, "three more polls", func() bool { return feed.Requests() >= before+3 })

	want := make([]string, n)
	for i := range want {
		want[i] = wireItem(i + 1).Title
	}
	checkOnceInOrder(t, "discord:"+channel, discordTitles(p.discord.Messages(channel)), want)
	checkOnceInOrder(t, "telegram:"+chat, telegramHeads(p.telegram.Messages(chat)), want)
	if b.ProcessState != nil {
		t.Errorf("the second replica exited: %v", b.ProcessState)
	}
}
