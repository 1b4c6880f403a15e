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
func startBinary(t *testing.T, bin string, env map[string]string, logs *syncBuffer) *exec.Cmd {
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
// checks every delivery arrived exactly once, in publish order.
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

	var logs syncBuffer
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
	for _, c := range telegramChats {
		checkOnceInOrder(t, "telegram:"+c, telegramHeads(p.telegram.Messages(c)), want)
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

func index(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
