package main

import (
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/fakes"
)

// benchPolling runs the daemon on n feeds of one farm, each fetched every
// interval, publishes an article every few seconds on a feed picked at
// random for publishFor, and reports the time from publication to post,
// the fetches and bytes each feed cost per hour, and the share of fetches
// of an unchanged feed answered 304 Not Modified.
func benchPolling(bin, dir string, n int, interval, publishFor time.Duration) []row {
	farm, err := newFarm(n, time.Now().Add(-24*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	defer farm.Close()
	discord := fakes.NewDiscord(fakes.DiscordOptions{Token: discordToken, Channels: []string{channel}})
	defer discord.Close()
	telegram := fakes.NewTelegram(fakes.TelegramOptions{Token: telegramToken, Chats: []string{"7"}})
	defer telegram.Close()

	_, stop := startHerald(bin,
		"HERALD_FEEDS="+strings.Join(farm.URLs(), ","),
		"HERALD_DATABASE="+filepath.Join(dir, "polling.db"),
		"HERALD_POLL_INTERVAL="+interval.String(),
		"HERALD_COMMANDS=false",
		"HERALD_DISCORD_TOKEN="+discordToken,
		"HERALD_DISCORD_CHANNELS="+channel,
		"HERALD_DISCORD_API_URL="+discord.URL(),
		"HERALD_TELEGRAM_TOKEN="+telegramToken,
		"HERALD_TELEGRAM_CHATS=7",
		"HERALD_TELEGRAM_API_URL="+telegram.URL(),
	)
	defer stop()
	wait(func() bool { return farm.Fetched() == n }, 2*interval+time.Minute, "the first fetch of every feed")
	time.Sleep(6 * time.Second) // past the first-post windows

	// One article every 2.5 s: what one Discord channel and one Telegram
	// chat take without queueing, so that the figure is the polling's.
	farm.Reset()
	start := time.Now()
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	published := map[string]time.Time{}
	for k := 0; time.Since(start) < publishFor; k++ {
		at := time.Now()
		it := item(100000+k, at)
		farm.Add(rng.IntN(n), it)
		published[it.Title] = at
		time.Sleep(2500*time.Millisecond - time.Since(at))
	}
	wait(func() bool {
		return len(discord.Messages(channel)) >= len(published) && len(telegram.Messages("7")) >= len(published)
	}, interval+time.Minute, "every post")
	took := time.Since(start)
	stats := farm.Stats()

	var dLat, tLat []time.Duration
	for _, m := range discord.Messages(channel) {
		if at, ok := published[titles([]fakes.DiscordMessage{m})[0]]; ok {
			dLat = append(dLat, m.Created.Sub(at))
		}
	}
	for _, m := range telegram.Messages("7") {
		if at, ok := published[strings.SplitN(m.Plain, "\n", 2)[0]]; ok {
			tLat = append(tLat, m.Created.Sub(at))
		}
	}
	lat := append(append([]time.Duration{}, dLat...), tLat...)
	perHour := float64(stats.fetches) / float64(n) / took.Hours()
	bytesPerHour := float64(stats.bytes) / float64(n) / took.Hours()
	share304 := 100 * float64(stats.unchanged304) / float64(max(stats.unchanged, 1))
	fmt.Printf("polling, %d feeds on one host, every %s; %d articles published over %s on feeds picked at random:\n",
		n, interval, len(published), took.Round(time.Second))
	fmt.Printf("  Discord   publish → post p50 %s  p99 %s  (%d posts)\n", percentile(dLat, 50), percentile(dLat, 99), len(dLat))
	fmt.Printf("  Telegram  publish → post p50 %s  p99 %s  (%d posts)\n", percentile(tLat, 50), percentile(tLat, 99), len(tLat))
	fmt.Printf("  fetches per feed per hour %.1f; bytes per feed per hour %.0f; fetches of an unchanged feed answered 304: %d of %d (%.1f%%); 429s %d\n",
		perHour, bytesPerHour, stats.unchanged304, stats.unchanged, share304, discord.RateLimited()+telegram.RateLimited())

	name := fmt.Sprintf("polling, %s feeds, every %s", thousands(n), interval)
	p99 := percentile(lat, 99)
	return []row{
		{name, "publish → post p50 / p99", fmt.Sprintf("%s / %s", percentile(lat, 50), p99),
			fmt.Sprintf("p99 ≤ %s", interval+2*time.Second), p99 <= interval+2*time.Second},
		{name, "fetches, bytes per feed per hour", fmt.Sprintf("%.1f, %s", perHour, byteSize(bytesPerHour)), "", true},
		{name, "share of 304s when unchanged", fmt.Sprintf("%.1f %%", share304), "≥ 95 %", share304 >= 95},
	}
}

// startHerald starts the daemon with env on top of PATH, quiet logs and
// no HTTP server; the function it returns stops it and waits for it to
// end. The Go runtime's settings (GOGC, GOMEMLIMIT, GODEBUG) pass through,
// so that their effect can be measured.
func startHerald(bin string, env ...string) (cmd *exec.Cmd, stop func()) {
	cmd = exec.Command(bin, "run")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HERALD_HTTP_ADDR=", "HERALD_LOG_LEVEL=warn"}
	for _, k := range []string{"GOGC", "GOMEMLIMIT", "GODEBUG"} {
		if v, ok := os.LookupEnv(k); ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	return cmd, func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }
}

// byteSize writes n bytes in KB or MB.
func byteSize(n float64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", n/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", n/(1<<10))
	}
	return fmt.Sprintf("%.0f B", n)
}

// thousands writes n with a comma between thousands.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
