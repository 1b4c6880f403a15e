package main

import (
	"fmt"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/websubtest"
)

// benchWebSub runs the daemon on n feeds whose hub pushes them, publishes
// one article at a time on a feed after another, and reports the time
// from publication to the post on each platform.
func benchWebSub(bin, dir string, n int) []row {
	hub := websubtest.New()
	defer hub.Close()
	feeds := make([]*feedtest.Server, n)
	urls := make([]string, n)
	for i := range feeds {
		feeds[i] = feedtest.New(fmt.Sprintf("Feed %d", i), item(-1-i, time.Now().Add(-time.Hour)))
		feeds[i].SetHub(hub.URL())
		defer feeds[i].Close()
		urls[i] = feeds[i].URL()
	}
	discord := fakes.NewDiscord(fakes.DiscordOptions{Token: discordToken, Channels: []string{channel}})
	defer discord.Close()
	telegram := fakes.NewTelegram(fakes.TelegramOptions{Token: telegramToken, Chats: []string{"7"}})
	defer telegram.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	cmd := exec.Command(bin, "run")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HERALD_FEEDS=" + strings.Join(urls, ","),
		"HERALD_DATABASE=" + filepath.Join(dir, "websub.db"),
		"HERALD_POLL_INTERVAL=1h",
		"HERALD_COMMANDS=false",
		"HERALD_HTTP_ADDR=" + addr,
		"HERALD_PUBLIC_URL=http://" + addr,
		"HERALD_DISCORD_TOKEN=" + discordToken,
		"HERALD_DISCORD_CHANNELS=" + channel,
		"HERALD_DISCORD_API_URL=" + discord.URL(),
		"HERALD_TELEGRAM_TOKEN=" + telegramToken,
		"HERALD_TELEGRAM_CHATS=7",
		"HERALD_TELEGRAM_API_URL=" + telegram.URL(),
		"HERALD_LOG_LEVEL=warn",
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	wait(func() bool { return hub.Verified() == n }, 2*time.Minute, "every feed's subscription")
	time.Sleep(6 * time.Second) // past the first-post windows

	// One article a second and a bit, on each feed in turn: the pace a
	// single Discord channel and Telegram chat take, so that the figure
	// is the push's, not a queue's.
	var dLat, tLat []time.Duration
	for i := range n {
		at := time.Now()
		feeds[i].Add(item(i+1, at))
		if _, err := hub.Push(urls[i], feeds[i].Body(), ""); err != nil {
			log.Fatalf("push: %v", err)
		}
		wait(func() bool { return len(discord.Messages(channel)) > i && len(telegram.Messages("7")) > i }, time.Minute, "a pushed post")
		dLat = append(dLat, discord.Messages(channel)[i].Created.Sub(at))
		tLat = append(tLat, telegram.Messages("7")[i].Created.Sub(at))
		time.Sleep(1200*time.Millisecond - time.Since(at))
	}
	requests := 0
	for _, f := range feeds {
		requests += f.Requests()
	}
	fmt.Printf("WebSub push, %d feeds, one article at a time (feed fetches in all: %d):\n", n, requests)
	fmt.Printf("  Discord   publish → post p50 %s  p99 %s\n", percentile(dLat, 50), percentile(dLat, 99))
	fmt.Printf("  Telegram  publish → post p50 %s  p99 %s\n", percentile(tLat, 50), percentile(tLat, 99))
	lat := append(append([]time.Duration{}, dLat...), tLat...)
	p99 := percentile(lat, 99)
	return []row{{fmt.Sprintf("WebSub push, %s feeds", thousands(n)), "publish → post p50 / p99",
		fmt.Sprintf("%s / %s", percentile(lat, 50), p99), "p99 ≤ 2 s", p99 <= 2*time.Second}}
}

// percentile returns the p-th percentile of ds.
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return s[max(i, 0)].Round(time.Millisecond)
}
