package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/logtest"
)

// buildHerald builds the command into a temporary directory.
func buildHerald(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "herald")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startBinary runs the built binary with exactly env (plus PATH and HOME).
func startBinary(t *testing.T, bin string, env map[string]string, logs *logtest.Buffer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "run")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd
}

// TestBinarySurvivesKill9MidFanOut kills the real binary with SIGKILL while
// it is fanning a burst of articles out to four targets, restarts it, and
// checks every delivery arrived in publish order, exactly once on Discord
// (enforced nonces) and at most one message twice on Telegram, which has no
// idempotency key: the one the kill caught in flight.
func TestBinarySurvivesKill9MidFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildHerald(t)
	discordChannels := []string{"111", "222"}
	telegramChats := []string{"7", "8"}
	p := newPlatforms(t, fakesDiscordOptions(discordChannels), fakesTelegramOptions(telegramChats))
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_DISCORD_CHANNELS"] = strings.Join(discordChannels, ",")
	env["HERALD_TELEGRAM_CHATS"] = strings.Join(telegramChats, ",")

	var logs logtest.Buffer
	cmd := startBinary(t, bin, env, &logs)
	waitFor(t, "the first poll", func() bool { return feed.Requests() >= 2 })

	const n = 8
	for i := 1; i <= n; i++ {
		feed.Add(wireItem(i))
	}
	total := func() int { return len(p.discord.AllMessages()) + len(p.telegram.AllMessages()) }
	waitFor(t, "the fan-out to be under way", func() bool { return total() >= 10 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	atKill := total()
	if atKill >= 4*n {
		t.Fatalf("the fan-out finished before the kill (%d posts); the test proves nothing", atKill)
	}
	t.Logf("killed with %d of %d posts made", atKill, 4*n)

	startBinary(t, bin, env, &logs)
	waitFor(t, "every post after the restart", func() bool { return total() >= 4*n })
	before := feed.Requests()
	waitFor(t, "three more polls", func() bool { return feed.Requests() >= before+3 })

	want := make([]string, n)
	for i := range want {
		want[i] = wireItem(i + 1).Title
	}
	for _, ch := range discordChannels {
		checkOnceInOrder(t, "discord:"+ch, discordTitles(p.discord.Messages(ch)), want)
	}
	// A Telegram message has no idempotency key: one whose answer the kill
	// cut off is sent again, so one chat may see the message in flight
	// twice, one right after the other. Nothing may be lost or reordered.
	resent := 0
	for _, c := range telegramChats {
		got, twice := collapseRepeats(telegramHeads(p.telegram.Messages(c)))
		resent += twice
		checkOnceInOrder(t, "telegram:"+c, got, want)
	}
	if resent > 1 {
		t.Errorf("%d Telegram messages arrived twice after one kill, want at most one", resent)
	}
	if t.Failed() {
		t.Logf("herald's logs:\n%s", logs.String())
	}
}

func checkOnceInOrder(t *testing.T, target string, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, h := range got {
		seen[h]++
	}
	for _, w := range want {
		if seen[w] != 1 {
			t.Errorf("%s: %q arrived %d times, want exactly once", target, w, seen[w])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s: %d posts, want %d", target, len(got), len(want))
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return index(want, got[i]) < index(want, got[j]) }) {
		t.Errorf("%s: posts out of publish order: %s", target, fmt.Sprint(got))
	}
}

// collapseRepeats drops each message that repeats the one right before it,
// and counts them.
func collapseRepeats(got []string) (out []string, repeats int) {
	for i, h := range got {
		if i > 0 && h == got[i-1] {
			repeats++
			continue
		}
		out = append(out, h)
	}
	return out, repeats
}

func index(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// TestBinarySurvivesRepeatedKill9DuringLargeFanOut kills the real binary
// with SIGKILL three times while it fans 20 articles out to 50 Discord
// channels and 50 Telegram chats (2,000 deliveries), restarting it each
// time, then counts what was lost and what arrived twice: nothing may be
// lost, nothing duplicated on Discord (enforced nonces), and at most one
// message per kill on Telegram, which has no idempotency key.
func TestBinarySurvivesRepeatedKill9DuringLargeFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const (
		targets  = 50
		articles = 20
		kills    = 3
	)
	bin := buildHerald(t)
	var channels, chats []string
	for i := range targets {
		channels = append(channels, fmt.Sprint(1000+i))
		chats = append(chats, fmt.Sprint(5000+i))
	}
	p := newPlatforms(t, fakesDiscordOptions(channels), fakesTelegramOptions(chats))
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_DISCORD_CHANNELS"] = strings.Join(channels, ",")
	env["HERALD_TELEGRAM_CHATS"] = strings.Join(chats, ",")
	env["HERALD_LOG_LEVEL"] = "warn"
	env["HERALD_COMMANDS"] = "false"

	var logs logtest.Buffer
	cmd := startBinary(t, bin, env, &logs)
	waitFor(t, "the first poll", func() bool { return feed.Requests() >= 2 })
	for i := 1; i <= articles; i++ {
		feed.Add(wireItem(i))
	}
	const total = 2 * targets * articles
	posts := func() int { return len(p.discord.AllMessages()) + len(p.telegram.AllMessages()) }
	for k := 1; k <= kills; k++ {
		mark := k * total / (kills + 2)
		waitFor(t, fmt.Sprintf("%d posts before kill %d", mark, k), func() bool { return posts() >= mark })
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		t.Logf("kill %d with %d of %d posts made", k, posts(), total)
		if posts() >= total {
			t.Fatalf("the fan-out finished before kill %d; the test proves nothing", k)
		}
		cmd = startBinary(t, bin, env, &logs)
	}
	waitFor(t, "every delivery after the last restart", func() bool { return posts() >= total })
	before := feed.Requests()
	waitFor(t, "three more polls", func() bool { return feed.Requests() >= before+3 })

	want := make([]string, articles)
	for i := range want {
		want[i] = wireItem(i + 1).Title
	}
	lost, discordDups, telegramDups := 0, 0, 0
	count := func(got []string) (missing, extra int) {
		seen := map[string]int{}
		for _, h := range got {
			seen[h]++
		}
		for _, w := range want {
			if seen[w] == 0 {
				missing++
			}
			extra += max(0, seen[w]-1)
		}
		return missing, extra
	}
	for _, ch := range channels {
		m, e := count(discordTitles(p.discord.Messages(ch)))
		lost, discordDups = lost+m, discordDups+e
	}
	for _, c := range chats {
		m, e := count(telegramHeads(p.telegram.Messages(c)))
		lost, telegramDups = lost+m, telegramDups+e
	}
	t.Logf("%d deliveries, %d kills: lost %d, Discord duplicates %d, Telegram duplicates %d, 429s Discord %d, Telegram %d",
		total, kills, lost, discordDups, telegramDups, p.discord.RateLimited(), p.telegram.RateLimited())
	if lost != 0 || discordDups != 0 || telegramDups > kills {
		t.Errorf("lost %d, Discord duplicates %d, Telegram duplicates %d (at most %d allowed)", lost, discordDups, telegramDups, kills)
	}
	if t.Failed() {
		t.Logf("herald's logs:\n%s", logs.String())
	}
}
