package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald/bots/discord"
	"github.com/heraldhq/herald/bots/telegram"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/logtest"
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

// replica is one daemon of a replicas test.
type replica struct {
	cmd  *exec.Cmd
	logs *logtest.Buffer
}

// holds reports whether the replica's logs say it took role.
func (r replica) holds(role string) bool {
	return strings.Contains(r.logs.String(), `msg="role taken: this replica now runs it" role=`+role)
}

// httpBase returns the base URL of the replica's HTTP server, from its
// logs, waiting for it.
func (r replica) httpBase(t *testing.T) string {
	t.Helper()
	re := regexp.MustCompile(`url=(http://127\.0\.0\.1:[0-9]+)/healthz`)
	var base string
	waitFor(t, "a replica's HTTP server", func() bool {
		m := re.FindStringSubmatch(r.logs.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	return base
}

// startReplicas starts n daemons on env and waits until each joined.
func startReplicas(t *testing.T, bin string, env map[string]string, n int) []replica {
	t.Helper()
	rs := make([]replica, n)
	for i := range rs {
		rs[i] = replica{logs: &logtest.Buffer{}}
		rs[i].cmd = startBinary(t, bin, env, rs[i].logs)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for i, r := range rs {
				t.Logf("replica %d's logs:\n%s", i, r.logs.String())
			}
		}
	})
	for _, r := range rs {
		waitFor(t, "a replica to join", func() bool { return strings.Contains(r.logs.String(), "postgres: joined the replicas") })
	}
	return rs
}

// holder returns the replica that holds role, waiting until one does, and
// fails the test if two do.
func holder(t *testing.T, rs []replica, role string, alive func(replica) bool) replica {
	t.Helper()
	var found []replica
	waitFor(t, "a replica to take the role "+role, func() bool {
		found = found[:0]
		for _, r := range rs {
			if alive(r) && r.holds(role) {
				found = append(found, r)
			}
		}
		return len(found) > 0
	})
	if len(found) > 1 {
		t.Fatalf("%d live replicas hold %s", len(found), role)
	}
	return found[0]
}

// TestThreeReplicasShareAFanOutAndSurviveAKill runs three daemons (real
// processes) on one PostgreSQL database and fans two articles out to 500
// Discord channels and 500 Telegram chats: 2,000 deliveries. The replica
// that sends to Telegram is SIGKILLed mid-way. Every delivery must arrive
// once, in order, with at most one Telegram duplicate (it has no
// idempotency key), no 429, the Telegram role on a survivor within 15 s,
// one getUpdates consumer and one gateway connection at a time, and any
// replica answering Discord interactions, which it checks signed.
func TestThreeReplicasShareAFanOutAndSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const targets = 500
	db := postgresSchema(t)
	bin := buildHerald(t)
	var channels, chats []string
	for i := range targets {
		channels = append(channels, fmt.Sprint(3000+i))
		chats = append(chats, fmt.Sprint(200000+i))
	}
	p := newPlatforms(t, fakesDiscordOptions(channels), fakesTelegramOptions(chats))
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(db, feed.URL())
	env["HERALD_DISCORD_CHANNELS"] = strings.Join(channels, ",")
	env["HERALD_TELEGRAM_CHATS"] = strings.Join(chats, ",")
	env["HERALD_DISCORD_PUBLIC_KEY"] = p.discord.PublicKeyHex()
	env["HERALD_HTTP_ADDR"] = "127.0.0.1:0"
	env["HERALD_LOG_LEVEL"] = "info"

	rs := startReplicas(t, bin, env, 3)
	alive := func(r replica) bool { return r.cmd.ProcessState == nil }
	waitFor(t, "the first sight of the feed", func() bool { return feed.Requests() >= 2 })
	tg := holder(t, rs, "telegram", alive)
	dc := holder(t, rs, "discord", alive)
	t.Logf("replica %d sends to Telegram, replica %d to Discord", slices.Index(rs, tg), slices.Index(rs, dc))
	waitFor(t, "the Discord gateway", func() bool { return p.discord.Connected() == 1 })
	// Past the first-post window of Discord, so the fan-out runs at its
	// pace from the start. Meanwhile, one replica alone fetches the feed,
	// every second: three would fetch it about three times a second.
	before := feed.Requests()
	time.Sleep(5 * time.Second)
	if n := feed.Requests() - before; n > 7 {
		t.Errorf("the feed was fetched %d times in 5 s with a 1 s interval: more than one replica fetches it", n)
	}

	feed.Add(wireItem(1))
	feed.Add(wireItem(2))
	const total = 4 * targets
	posts := func() int { return len(p.discord.AllMessages()) + len(p.telegram.AllMessages()) }
	waitFor(t, "a third of the fan-out", func() bool { return len(p.telegram.AllMessages()) >= targets*2/3 })
	if err := tg.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tg.cmd.Wait()
	killed := time.Now()
	made := posts()
	t.Logf("killed the Telegram sender with %d of %d posts made", made, total)
	if made >= total {
		t.Fatal("the fan-out finished before the kill; the test proves nothing")
	}
	holder(t, rs, "telegram", alive)
	t.Logf("the Telegram role moved to a survivor within %s", time.Since(killed).Round(time.Millisecond))
	if took := time.Since(killed); took > 15*time.Second {
		t.Errorf("the Telegram role moved after %s, want within 15 s", took)
	}
	if dc.cmd == tg.cmd {
		holder(t, rs, "discord", alive)
	}
	waitFor(t, "every delivery", func() bool { return posts() >= total })
	time.Sleep(3 * time.Second) // anything sent twice would show up now

	want := []string{wireItem(1).Title, wireItem(2).Title}
	telegramDups := 0
	for _, ch := range channels {
		checkOnceInOrder(t, "discord:"+ch, discordTitles(p.discord.Messages(ch)), want)
	}
	for _, c := range chats {
		got := telegramHeads(p.telegram.Messages(c))
		telegramDups += len(got) - len(slices.Compact(slices.Clone(got)))
		checkOnceInOrder(t, "telegram:"+c, slices.Compact(got), want)
	}
	t.Logf("%d deliveries: Telegram duplicates %d; 429s Discord %d, Telegram %d", total, telegramDups,
		p.discord.RateLimited(), p.telegram.RateLimited())
	if telegramDups > 1 {
		t.Errorf("%d Telegram duplicates, want at most one for the one kill", telegramDups)
	}
	if n := p.discord.RateLimited() + p.telegram.RateLimited(); n != 0 {
		t.Errorf("%d requests got 429: the replicas together overran a limit", n)
	}

	// One consumer of getUpdates at a time: none was ever ended by another.
	for i, r := range rs {
		if strings.Contains(r.logs.String(), "terminated by other getUpdates") {
			t.Errorf("replica %d: a getUpdates call was ended by another consumer's", i)
		}
	}
	if n := p.discord.Connected(); n != 1 {
		t.Errorf("%d gateway connections open, want the one of the Discord role's holder", n)
	}
	// A command reaches the holder of the Telegram role, and only it.
	p.telegram.QueueText(chats[0], 42, "/help")
	waitFor(t, "the answer to /help", func() bool {
		return len(p.telegram.Messages(chats[0])) > 2
	})
	time.Sleep(time.Second)
	if n := len(p.telegram.Messages(chats[0])) - 2; n != 1 {
		t.Errorf("/help was answered %d times, want once", n)
	}

	// Any replica answers Discord's interactions, and checks each is signed.
	_, forger, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if !alive(r) {
			continue
		}
		url := r.httpBase(t) + discord.InteractionsPath
		pong, err := p.discord.PostPing(t.Context(), url)
		if err != nil || pong.Status != http.StatusOK || pong.Response["type"] != 1.0 {
			t.Errorf("replica %d: PING answered %d %s (%v), want PONG", i, pong.Status, pong.Body, err)
		}
		forged, err := p.discord.PostSigned(t.Context(), url, forger, time.Now(), []byte(`{"type":1}`))
		if err != nil || forged.Status != http.StatusUnauthorized {
			t.Errorf("replica %d: a forged interaction was answered %d (%v), want 401", i, forged.Status, err)
		}
	}
}

// TestReplicasTakeTelegramUpdatesByWebhook runs two daemons in webhook
// mode: the holder of the Telegram role sets the webhook, once, and either
// replica takes an update Telegram pushes, while a forged push, without
// the secret or with a wrong one, is refused and answered by nobody.
func TestReplicasTakeTelegramUpdatesByWebhook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const reader = "77"
	db := postgresSchema(t)
	bin := buildHerald(t)
	p := newPlatforms(t, fakesDiscordOptions(nil), fakesTelegramOptions([]string{chat, reader}))
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(db, feed.URL())
	delete(env, "HERALD_DISCORD_TOKEN")
	delete(env, "HERALD_DISCORD_CHANNELS")
	env["HERALD_TELEGRAM_WEBHOOK_URL"] = "https://herald.example.org/telegram/webhook"
	env["HERALD_HTTP_ADDR"] = "127.0.0.1:0"
	env["HERALD_LOG_LEVEL"] = "info"

	rs := startReplicas(t, bin, env, 2)
	alive := func(r replica) bool { return r.cmd.ProcessState == nil }
	holder(t, rs, "telegram", alive)
	waitFor(t, "the webhook to be set", func() bool { return p.telegram.Webhook() != "" })
	if got := p.telegram.WebhookInfo(); got.URL != env["HERALD_TELEGRAM_WEBHOOK_URL"] {
		t.Errorf("webhook set to %q, want %q", got.URL, env["HERALD_TELEGRAM_WEBHOOK_URL"])
	}

	update := func(id int, text string) []byte {
		return fmt.Appendf(nil, `{"update_id":%d,"message":{"message_id":%d,"date":%d,`+
			`"chat":{"id":%s,"type":"private","first_name":"Reader"},"from":{"id":%s,"is_bot":false,"first_name":"Reader"},`+
			`"text":%q,"entities":[{"type":"bot_command","offset":0,"length":%d}]}}`,
			id, id, time.Now().Unix(), reader, reader, text, len(text))
	}
	push := func(r replica, secret string, body []byte) int {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, r.httpBase(t)+telegram.WebhookPath, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set(telegram.SecretHeader, secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	secret := telegram.WebhookSecret(telegramToken)
	for i, r := range rs {
		if code := push(r, "", update(10+i, "/help")); code != http.StatusUnauthorized {
			t.Errorf("replica %d: a push without the secret got %d, want 401", i, code)
		}
		if code := push(r, "forged-secret", update(20+i, "/help")); code != http.StatusForbidden {
			t.Errorf("replica %d: a push with a forged secret got %d, want 403", i, code)
		}
	}
	time.Sleep(time.Second)
	if n := len(p.telegram.Messages(reader)); n != 0 {
		t.Fatalf("forged pushes were answered: %d messages to the reader", n)
	}
	for i, r := range rs {
		if code := push(r, secret, update(30+i, "/help")); code != http.StatusOK {
			t.Errorf("replica %d: a genuine push got %d, want 200", i, code)
		}
	}
	waitFor(t, "both answers", func() bool { return len(p.telegram.Messages(reader)) >= 2 })
	time.Sleep(time.Second)
	if n := len(p.telegram.Messages(reader)); n != 2 {
		t.Errorf("%d answers to two commands, one per replica, want 2", n)
	}
	sets := 0
	for _, r := range p.telegram.Requests() {
		if strings.HasSuffix(r.Path, "/setWebhook") {
			sets++
		}
	}
	if sets != 1 {
		t.Errorf("setWebhook called %d times, want once, by the holder of the Telegram role", sets)
	}
	for i, r := range rs {
		if strings.Contains(r.logs.String(), "getUpdates") {
			t.Errorf("replica %d long-polled getUpdates in webhook mode", i)
		}
	}
}
