package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
)

// commandRate is how many commands a second the benchmark sends per
// platform: a busy bot, below Telegram's 30 messages a second.
const commandRate = 20

// benchCommands runs herald with n readers on each platform, each giving
// one /search, and prints the time from the command's arrival at the
// platform to the bot's answer.
func benchCommands(bin, dir string, n int) {
	chats := make([]string, n)
	for i := range chats {
		chats[i] = strconv.Itoa(5000 + i)
	}
	discord := fakes.NewDiscord(fakes.DiscordOptions{Token: discordToken, Channels: []string{channel}})
	defer discord.Close()
	telegram := fakes.NewTelegram(fakes.TelegramOptions{Token: telegramToken, Chats: chats})
	defer telegram.Close()
	var items []feedtest.Item
	for i := range 200 {
		items = append(items, item(i, time.Now().Add(-time.Duration(i)*time.Minute)))
	}
	feed := feedtest.New("Bench News", items...)
	defer feed.Close()

	cmd := exec.Command(bin, "run")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HERALD_FEEDS=" + feed.URL(),
		"HERALD_DATABASE=" + filepath.Join(dir, "herald.db"),
		"HERALD_DISCORD_TOKEN=" + discordToken,
		"HERALD_DISCORD_API_URL=" + discord.URL(),
		"HERALD_TELEGRAM_TOKEN=" + telegramToken,
		"HERALD_TELEGRAM_API_URL=" + telegram.URL(),
		"HERALD_HTTP_ADDR=",
		"HERALD_LOG_LEVEL=warn",
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	wait(func() bool { return feed.Requests() >= 1 && len(discord.Commands("")) > 0 }, time.Minute, "start")
	time.Sleep(2 * time.Second) // a chat's first answer waits a second after start

	// Telegram: a /search from each reader's private chat.
	queued := make([]time.Time, n)
	tick := time.NewTicker(time.Second / commandRate)
	for i, c := range chats {
		<-tick.C
		queued[i] = time.Now()
		telegram.QueueText(c, int64(5000+i), "/search story benchmark")
	}
	wait(func() bool { return telegram.MessageCount() >= n }, time.Duration(n)*time.Second, "the Telegram answers")
	var tAck []time.Duration
	for i, c := range chats {
		ms := telegram.Messages(c)
		if len(ms) != 1 {
			log.Fatalf("chat %s got %d answers, want 1", c, len(ms))
		}
		tAck = append(tAck, ms[0].Created.Sub(queued[i]))
	}

	// Discord: a /search from each reader, in a server channel.
	ids := make([]string, n)
	for i := range n {
		<-tick.C
		queued[i] = time.Now()
		id, err := discord.PushInteraction(fakes.InteractionSpec{ChannelID: channel, UserID: strconv.Itoa(9000 + i), Name: "search",
			Options: []fakes.InteractionOption{{Name: "query", Value: "story benchmark"}}})
		if err != nil {
			log.Fatal(err)
		}
		ids[i] = id
	}
	tick.Stop()
	var dAck []time.Duration
	wait(func() bool { return len(discord.Replies()) >= n }, time.Duration(n)*time.Second, "the Discord answers")
	first := map[string]time.Time{}
	for _, r := range discord.Replies() {
		if _, ok := first[r.InteractionID]; !ok && r.Kind == "callback" {
			first[r.InteractionID] = r.Time
		}
	}
	for i, id := range ids {
		at, ok := first[id]
		if !ok {
			log.Fatalf("interaction %s was not answered", id)
		}
		dAck = append(dAck, at.Sub(queued[i]))
	}

	fmt.Printf("command acknowledgement, %d /search commands per platform at %d/s, 200 articles stored:\n", n, commandRate)
	fmt.Printf("  Telegram  update queued → answer sent:      %s\n", percentiles(tAck))
	fmt.Printf("  Discord   INTERACTION_CREATE → response:    %s\n", percentiles(dAck))
	fmt.Printf("  429s: Telegram %d, Discord %d\n", telegram.RateLimited(), discord.RateLimited())
}

func percentiles(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p float64) time.Duration {
		return s[min(len(s)-1, int(p*float64(len(s))))].Round(10 * time.Microsecond)
	}
	return fmt.Sprintf("p50 %s  p99 %s  max %s", at(0.50), at(0.99), s[len(s)-1].Round(10*time.Microsecond))
}
