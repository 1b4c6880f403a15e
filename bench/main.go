// Command bench measures Herald end to end: it builds the herald binary,
// runs it against a local feed and the Discord and Telegram stand-ins of
// internal/fakes (which enforce the platforms' real limits), and prints
// how late posts arrive and whether a burst is delivered whole, once, in
// order and without tripping a rate limit.
//
//	go run ./bench -table       # the README's Performance table: about 26 minutes
//	go run ./bench              # 300-article burst: about five minutes
//	go run ./bench -n 50        # a shorter run
//	go run ./bench -commands 500  # command acknowledgement time instead
//	go run ./bench -fanout-telegram 10000 -fanout-discord 200  # one article to many chats
//	go run ./bench -websub 100  # publish → post through WebSub pushes
//	go run ./bench -polling 1000  # publish → post, fetches, bytes and 304s of polled feeds
//	go run ./bench -week 7      # fetches a day of a daily feed, on a simulated clock
//	go run ./bench -steady 5000 -follows 100000  # memory and CPU in a steady state
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
)

const (
	discordToken  = "bench-discord-token"
	telegramToken = "4242:bench-telegram-token"
	channel       = "111"
)

func main() {
	n := flag.Int("n", 300, "articles in the burst")
	probes := flag.Int("probes", 5, "single articles published one by one to measure latency")
	poll := flag.Duration("poll", 2*time.Second, "HERALD_POLL_INTERVAL for the run")
	chat := flag.String("chat", "7", "Telegram chat: a positive ID is a private chat (1 msg/s), a negative one a channel (20 msg/min)")
	bin := flag.String("bin", "", "herald binary to run (default: build ./cmd/herald)")
	commands := flag.Int("commands", 0, "measure the acknowledgement of this many commands per platform instead of posting")
	fanTelegram := flag.Int("fanout-telegram", 0, "post one article to this many Telegram chats (and -fanout-discord channels) instead")
	fanDiscord := flag.Int("fanout-discord", 200, "Discord channels of the fan-out")
	websubFeeds := flag.Int("websub", 0, "measure publish → post for this many feeds pushed by a WebSub hub instead")
	paid := flag.Bool("paid", false, "send the fan-out as Telegram paid broadcasts (HERALD_TELEGRAM_PAID_BROADCAST)")
	replicas := flag.Int("replicas", 1, "with -fanout-telegram, run this many daemons sharing a fresh schema of -postgres")
	postgres := flag.String("postgres", "", "a PostgreSQL URL for -replicas; with -table, adds the fan-out by 3 replicas")
	pollFeeds := flag.Int("polling", 0, "measure polling of this many feeds instead")
	pollEvery := flag.Duration("poll-every", time.Minute, "with -polling, HERALD_POLL_INTERVAL")
	pollFor := flag.Duration("poll-for", 5*time.Minute, "with -polling, how long articles are published")
	week := flag.Int("week", 0, "count the fetches of a daily feed over this many simulated days instead")
	steady := flag.Int("steady", 0, "measure memory and CPU with this many feeds (and -follows follows) instead")
	follows := flag.Int("follows", 100000, "with -steady, how many follows readers have")
	steadyEvery := flag.Duration("steady-every", 0, "with -steady, HERALD_POLL_INTERVAL (0: adaptive polling)")
	warm := flag.Duration("warm", 3*time.Minute, "with -steady, how long after every feed's first fetch the measure starts")
	table := flag.Bool("table", false, "run the scenarios of the README's Performance table, print the table and write it to -out")
	out := flag.String("out", "bench-results.md", "with -table, the file the table is written to")
	flag.Parse()
	log.SetFlags(0)

	dir, err := os.MkdirTemp("", "herald-bench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *bin == "" {
		*bin = filepath.Join(dir, "herald")
		build := exec.Command("go", "build", "-o", *bin, "./cmd/herald")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			log.Fatalf("build: %v", err)
		}
	}

	switch {
	case *table:
		start := time.Now()
		var rows []row
		rows = append(rows, benchWebSub(*bin, dir, 100)...)
		rows = append(rows, benchPolling(*bin, dir, 1000, time.Minute, 5*time.Minute)...)
		rows = append(rows, benchWeek(dir, 7)...)
		rows = append(rows, benchFanout(*bin, dir, 10000, 200, false, 1, "")...)
		if *postgres != "" {
			rows = append(rows, benchFanout(*bin, dir, 10000, 200, false, 3, *postgres)...)
		}
		rows = append(rows, benchSteady(*bin, dir, 5000, 100000, 0, 3*time.Minute, 2*time.Minute)...)
		rows = append(rows, benchSteady(*bin, dir, 5000, 100000, time.Minute, 3*time.Minute, 2*time.Minute)...)
		var sb strings.Builder
		writeTable(&sb, rows, time.Since(start))
		fmt.Printf("\n%s", sb.String())
		if err := os.WriteFile(*out, []byte(sb.String()), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("\nwritten to %s\n", *out)
		return
	case *commands > 0:
		benchCommands(*bin, dir, *commands)
		return
	case *websubFeeds > 0:
		benchWebSub(*bin, dir, *websubFeeds)
		return
	case *fanTelegram > 0:
		benchFanout(*bin, dir, *fanTelegram, *fanDiscord, *paid, *replicas, *postgres)
		return
	case *pollFeeds > 0:
		benchPolling(*bin, dir, *pollFeeds, *pollEvery, *pollFor)
		return
	case *week > 0:
		benchWeek(dir, *week)
		return
	case *steady > 0:
		benchSteady(*bin, dir, *steady, *follows, *steadyEvery, *warm, 2*time.Minute)
		return
	}

	discord := fakes.NewDiscord(fakes.DiscordOptions{Token: discordToken, Channels: []string{channel}})
	defer discord.Close()
	telegram := fakes.NewTelegram(fakes.TelegramOptions{Token: telegramToken, Chats: []string{*chat}})
	defer telegram.Close()
	feed := feedtest.New("Bench News", item(0, time.Now().Add(-time.Hour)))
	defer feed.Close()

	cmd := exec.Command(*bin, "run")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HERALD_FEEDS=" + feed.URL(),
		"HERALD_DATABASE=" + filepath.Join(dir, "herald.db"),
		"HERALD_POLL_INTERVAL=" + poll.String(),
		"HERALD_DISCORD_TOKEN=" + discordToken,
		"HERALD_DISCORD_CHANNELS=" + channel,
		"HERALD_DISCORD_API_URL=" + discord.URL(),
		"HERALD_TELEGRAM_TOKEN=" + telegramToken,
		"HERALD_TELEGRAM_CHATS=" + *chat,
		"HERALD_TELEGRAM_API_URL=" + telegram.URL(),
		"HERALD_HTTP_ADDR=",
		"HERALD_LOG_LEVEL=warn",
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	wait(func() bool { return feed.Requests() >= 2 }, time.Minute, "the first poll")

	fmt.Printf("Herald end to end: poll interval %s, Discord channel %s, Telegram chat %s\n\n", *poll, channel, *chat)

	// Latency: one article at a time, published at a random point of the
	// poll cycle; the time until it is on each platform.
	var dLat, tLat []time.Duration
	for i := 1; i <= *probes; i++ {
		time.Sleep(time.Duration(i) * *poll / time.Duration(*probes+1))
		at := time.Now()
		feed.Add(item(i, at))
		wait(func() bool { return len(discord.Messages(channel)) >= i && len(telegram.Messages(*chat)) >= i }, 2*time.Minute, "a probe")
		dLat = append(dLat, discord.Messages(channel)[i-1].Created.Sub(at))
		tLat = append(tLat, telegram.Messages(*chat)[i-1].Created.Sub(at))
	}
	fmt.Printf("publish → post, %d single articles:\n", *probes)
	fmt.Printf("  Discord   median %6s  max %6s\n", median(dLat), slices.Max(dLat).Round(time.Millisecond))
	fmt.Printf("  Telegram  median %6s  max %6s\n\n", median(tLat), slices.Max(tLat).Round(time.Millisecond))

	// Burst: n articles at once.
	base := *probes
	start := time.Now()
	var burst []feedtest.Item
	for i := 1; i <= *n; i++ {
		burst = append(burst, item(base+i, start.Add(time.Duration(i)*time.Millisecond)))
	}
	feed.Add(burst...)
	limit := time.Duration(*n)*5*time.Second + 5*time.Minute
	wait(func() bool {
		return len(discord.Messages(channel)) >= base+*n && len(telegram.Messages(*chat)) >= base+*n
	}, limit, "the burst")
	dMsgs, tMsgs := discord.Messages(channel)[base:], telegram.Messages(*chat)[base:]
	time.Sleep(3 * *poll) // anything sent twice would show up now
	fmt.Printf("burst of %d articles at once:\n", *n)
	report("Discord", titles(discord.Messages(channel)[base:]), *n, base, dMsgs[len(dMsgs)-1].Created.Sub(start), discord.RateLimited())
	tHeads := make([]string, 0, len(tMsgs))
	for _, m := range telegram.Messages(*chat)[base:] {
		tHeads = append(tHeads, strings.SplitN(m.Plain, "\n", 2)[0])
	}
	report("Telegram", tHeads, *n, base, tMsgs[len(tMsgs)-1].Created.Sub(start), telegram.RateLimited())
}

func item(i int, published time.Time) feedtest.Item {
	return feedtest.Item{
		GUID:      fmt.Sprintf("bench-%d", i),
		Title:     fmt.Sprintf("Bench story %04d", i),
		Link:      fmt.Sprintf("https://bench.example/story/%d", i),
		Content:   fmt.Sprintf("<p>LONDON, April 8 (Reuters) - Story %d of the benchmark opens with a dateline and a lead long enough to count.</p>", i),
		Published: published,
	}
}

func report(name string, heads []string, n, base int, took time.Duration, rateLimited int) {
	seen := map[string]int{}
	dups, inOrder := 0, true
	for i, h := range heads {
		seen[h]++
		if seen[h] == 2 {
			dups++
		}
		if i > 0 && h < heads[i-1] {
			inOrder = false
		}
	}
	lost := 0
	for i := 1; i <= n; i++ {
		if seen[fmt.Sprintf("Bench story %04d", base+i)] == 0 {
			lost++
		}
	}
	fmt.Printf("  %-9s delivered %d/%d, lost %d, duplicates %d, in order %v, 429s %d, last post after %s (%.2f posts/s)\n",
		name, n-lost, n, lost, dups, inOrder, rateLimited, took.Round(time.Millisecond), float64(n)/took.Seconds())
}

func titles(ms []fakes.DiscordMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Body["embeds"].([]any)[0].(map[string]any)["title"].(string))
	}
	return out
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Millisecond)
}

func wait(cond func() bool, limit time.Duration, what string) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	for !cond() {
		select {
		case <-ctx.Done():
			log.Fatalf("bench: timed out waiting for %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
