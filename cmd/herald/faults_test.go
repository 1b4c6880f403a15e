package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
)

// TestEndToEndPlatformFaultsLoseNothingAndDuplicateNothing injects the
// faults platforms produce — 5xx answers, a response lost after Discord
// created the message, a dropped gateway, an invalidated session — while
// articles are delivered: every target gets every article once, in order.
func TestEndToEndPlatformFaultsLoseNothingAndDuplicateNothing(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	startDaemon(t, p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL()))
	waitFor(t, "the first poll", func() bool { return feed.Requests() >= 2 })
	waitFor(t, "the gateway", func() bool { return p.discord.Connected() > 0 })

	p.discord.FailNext(2, 502, `{"message":"Bad Gateway","code":0}`)
	p.discord.FailAfterCreate(1, 500, `{"message":"Internal Server Error","code":0}`)
	p.telegram.FailNext(2, 500, "Internal Server Error", 0)
	p.telegram.FailNext(1, 502, "Bad Gateway", 0)
	p.discord.DropConnections()
	p.discord.InvalidateSessions()
	const n = 4
	for i := 1; i <= n; i++ {
		feed.Add(wireItem(i))
	}
	waitFor(t, "every post despite the faults", func() bool {
		return len(p.discord.Messages(channel)) >= n && len(p.telegram.Messages(chat)) >= n
	})
	p.discord.RequestReconnect()
	before := feed.Requests()
	waitFor(t, "three more polls", func() bool { return feed.Requests() >= before+3 })
	want := make([]string, n)
	for i := range want {
		want[i] = wireItem(i + 1).Title
	}
	checkOnceInOrder(t, "discord:"+channel, discordTitles(p.discord.Messages(channel)), want)
	checkOnceInOrder(t, "telegram:"+chat, telegramHeads(p.telegram.Messages(chat)), want)
}

// TestTokensNeverReachLogsOrOutput runs the daemon and `herald check`
// against platforms that refuse connections, answer 5xx and refuse the
// token, with debug logging, and looks for the tokens in everything
// printed.
func TestTokensNeverReachLogsOrOutput(t *testing.T) {
	// A port nothing listens on: connections are refused, and Go's
	// errors quote the URL, which for Telegram holds the token.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()

	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	secrets := []string{discordToken, telegramToken, "SECRET"}
	check := func(what, out string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(out, s) {
				for _, line := range strings.Split(out, "\n") {
					if strings.Contains(line, s) {
						t.Errorf("%s: a token leaked: %s", what, line)
					}
				}
			}
		}
	}

	// Unreachable platforms, then 5xx and refused tokens.
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_DISCORD_API_URL"], env["HERALD_TELEGRAM_API_URL"] = dead, dead
	d := startDaemon(t, env)
	waitFor(t, "a few polls", func() bool { return feed.Requests() >= 3 })
	feed.Add(wireItem(1))
	waitFor(t, "a few more polls", func() bool { return feed.Requests() >= 6 })
	d.stop(t)
	check("daemon with unreachable platforms", d.stdout.String()+d.stderr.String())
	code, out, errOut := runCmd(t, "check")
	if code == exitOK {
		t.Errorf("check passed with unreachable platforms")
	}
	check("check with unreachable platforms", out+errOut)

	p.telegram.FailNext(5, 500, "Internal Server Error", 0)
	p.discord.FailNext(5, 500, `{"message":"Internal Server Error","code":0}`)
	d = startDaemon(t, p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL()))
	waitFor(t, "a few polls", func() bool { return feed.Requests() >= 9 })
	d.stop(t)
	check("daemon with failing platforms", d.stdout.String()+d.stderr.String())

	env = p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_TELEGRAM_TOKEN"] = "4242:telegram-SECRET-wrong"
	env["HERALD_DISCORD_TOKEN"] = "discord-SECRET-wrong"
	secrets = append(secrets, "telegram-SECRET-wrong", "discord-SECRET-wrong")
	setEnv(t, env)
	code, out, errOut = runCmd(t, "check")
	if code == exitOK {
		t.Errorf("check passed with refused tokens")
	}
	check("check with refused tokens", out+errOut)
	code, out, errOut = runCmd(t, "run")
	if code == exitOK {
		t.Errorf("run with refused tokens exited 0")
	}
	check("run with refused tokens", out+errOut)
}
