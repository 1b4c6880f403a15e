package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/store/sqlite"
)

// steadyTopics is how many topics the readers of the steady state follow.
const steadyTopics = 2000

// benchSteady runs the daemon on nFeeds feeds with nFollows follows of
// readers in private Telegram chats, five topics each, and an article
// published on a feed picked at random every five seconds. Each feed has
// a history of its own, one story every 10 minutes to 4 hours, so that
// the default adaptive polling (interval 0) fetches each as often as it
// publishes; a non-zero interval pins every feed's (HERALD_POLL_INTERVAL).
// Once every feed was fetched and warm passed, it reads the process's
// resident memory and CPU time over measure.
func benchSteady(bin, dir string, nFeeds, nFollows int, interval, warm, measure time.Duration) []row {
	now := time.Now()
	farm, err := newFarm(nFeeds, now.Add(-48*time.Hour))
	if err != nil {
		log.Fatal(err)
	}
	defer farm.Close()
	for i := range nFeeds {
		cadence := time.Duration(1+i%24) * 10 * time.Minute
		for k := 9; k >= 0; k-- {
			farm.Add(i, item(-1000000-i*10-k, now.Add(-time.Duration(k)*cadence-time.Duration(i%60)*time.Second)))
		}
	}
	feedsFile := filepath.Join(dir, "feeds.txt")
	if err := os.WriteFile(feedsFile, []byte(strings.Join(farm.URLs(), "\n")), 0o600); err != nil {
		log.Fatal(err)
	}
	db := filepath.Join(dir, fmt.Sprintf("steady-%s.db", interval))
	chats := seedFollows(db, nFollows)
	telegram := fakes.NewTelegram(fakes.TelegramOptions{Token: telegramToken, Chats: chats})
	defer telegram.Close()

	env := []string{
		"HERALD_FEEDS_FILE=" + feedsFile,
		"HERALD_DATABASE=" + db,
		"HERALD_TELEGRAM_TOKEN=" + telegramToken,
		"HERALD_TELEGRAM_API_URL=" + telegram.URL(),
	}
	polling := "adaptive polling (1m–1h)"
	if interval > 0 {
		env = append(env, "HERALD_POLL_INTERVAL="+interval.String())
		polling = "every feed fetched every " + interval.String()
	}
	cmd, stop := startHerald(bin, env...)
	defer stop()
	pid := cmd.Process.Pid
	started := time.Now()
	wait(func() bool { return farm.Fetched() == nFeeds }, 5*time.Minute, "the first fetch of every feed")
	fetchedAll := time.Since(started)

	// An article every five seconds on a feed picked at random, about a
	// topic picked at random: each goes to the readers who follow it.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	published := make(chan int, 1)
	go func() {
		rng := rand.New(rand.NewPCG(11, uint64(nFeeds)))
		n := 0
		defer func() { published <- n }()
		for k := 0; ; k++ {
			it := item(200000+k, time.Now())
			it.Categories = []string{topicName(rng.IntN(steadyTopics))}
			farm.Add(rng.IntN(nFeeds), it)
			n++
			select {
			case <-ctx.Done():
				return
			case <-time.After(5 * time.Second):
			}
		}
	}()
	time.Sleep(warm)

	farm.Reset()
	cpu0, start := cpuTime(pid), time.Now()
	var peak int64
	for time.Since(start) < measure {
		peak = max(peak, procStatus(pid, "VmRSS"))
		time.Sleep(time.Second)
	}
	cpu := cpuTime(pid) - cpu0
	took := time.Since(start)
	rss, hwm := procStatus(pid, "VmRSS"), procStatus(pid, "VmHWM")
	peak = max(peak, rss)
	cancel()
	articles := <-published
	stats := farm.Stats()
	cpuPerMin := time.Duration(float64(cpu) / took.Minutes())

	fmt.Printf("steady state, %d feeds, %s, %d follows (%d readers, %d topics), an article every 5 s (%d in all):\n",
		nFeeds, polling, nFollows, len(chats), steadyTopics, articles)
	fmt.Printf("  every feed fetched once %s after start; measured over %s after %s more\n",
		fetchedAll.Round(time.Second), took.Round(time.Second), warm)
	fmt.Printf("  resident memory %s now, %s at most while measured, %s at most since start\n",
		byteSize(float64(rss)), byteSize(float64(peak)), byteSize(float64(hwm)))
	fmt.Printf("  CPU %s per minute (%.1f%% of one core); %d fetches while measured (%.0f a minute), %d posts to followers, 429s %d\n",
		cpuPerMin.Round(time.Millisecond), 100*cpuPerMin.Seconds()/60, stats.fetches, float64(stats.fetches)/took.Minutes(),
		len(telegram.AllMessages()), telegram.RateLimited())

	name := fmt.Sprintf("steady state, %s feeds, %s follows, %s", thousands(nFeeds), thousands(nFollows), polling)
	return []row{
		{name, "resident memory (peak while measured)", byteSize(float64(peak)), "≤ 50 MB", peak <= 50<<20},
		{name, "CPU per minute", fmt.Sprintf("%s (%.1f %% of a core; %.0f fetches a minute)", cpuPerMin.Round(time.Millisecond),
			100*cpuPerMin.Seconds()/60, float64(stats.fetches)/took.Minutes()), "", true},
	}
}

func topicName(i int) string { return fmt.Sprintf("Topic %04d", i) }

// seedFollows records n follows in the store at path, five topics for
// each reader, and returns the readers' chats.
func seedFollows(path string, n int) []string {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	const perReader = 5
	var chats []string
	rng := rand.New(rand.NewPCG(3, uint64(n)))
	for i := 0; i < n; i += perReader {
		chat := strconv.Itoa(300000 + i/perReader)
		chats = append(chats, chat)
		first := rng.IntN(steadyTopics)
		for j := range min(perReader, n-i) {
			f := herald.Follow{Target: herald.Target{Platform: herald.Telegram, Chat: chat},
				Topic: topicName((first + j*397) % steadyTopics), By: chat, Created: time.Now()}
			if _, err := s.AddFollow(ctx, f, 0); err != nil {
				log.Fatalf("seed follows: %v", err)
			}
		}
	}
	return chats
}

// cpuTime reads the user and system CPU time of process pid.
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		log.Fatal(err)
	}
	// The fields after the command name, which is in parentheses and may
	// hold spaces: utime and stime are the 12th and 13th of them.
	fields := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// procStatus reads a size in bytes, such as VmRSS, from the status of
// process pid.
func procStatus(pid int, field string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		log.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
