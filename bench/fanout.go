package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
)

// The platforms' ceilings for one bot, as the stand-ins enforce them:
// Telegram takes 30 messages a second over all chats, Discord 50
// requests a second.
const (
	telegramCeiling = 30.0
	discordCeiling  = 50.0
)

// benchFanout posts one article to tgChats private Telegram chats and
// dcChannels Discord channels and reports the achieved rate against the
// platform's ceiling, and the 429s. With replicas above 1, as many
// daemons share a fresh schema of the PostgreSQL database at postgres.
func benchFanout(bin, dir string, tgChats, dcChannels int, paid bool, replicas int, postgres string) []row {
	chats := make([]string, tgChats)
	for i := range chats {
		chats[i] = strconv.Itoa(100000 + i)
	}
	channels := make([]string, dcChannels)
	for i := range channels {
		channels[i] = strconv.Itoa(900000000000000000 + i)
	}
	discord := fakes.NewDiscord(fakes.DiscordOptions{Token: discordToken, Channels: channels})
	defer discord.Close()
	telegram := fakes.NewTelegram(fakes.TelegramOptions{Token: telegramToken, Chats: chats})
	defer telegram.Close()
	feed := feedtest.New("Bench News", item(0, time.Now().Add(-time.Hour)))
	defer feed.Close()

	database := filepath.Join(dir, "fanout.db")
	if replicas > 1 {
		if postgres == "" {
			log.Fatal("-replicas needs -postgres, the PostgreSQL database the replicas share")
		}
		db, drop, err := freshSchema(postgres)
		if err != nil {
			log.Fatal(err)
		}
		defer drop()
		database = db
	}
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HERALD_FEEDS=" + feed.URL(),
		"HERALD_DATABASE=" + database,
		"HERALD_POLL_INTERVAL=1s",
		"HERALD_COMMANDS=false",
		"HERALD_DISCORD_TOKEN=" + discordToken,
		"HERALD_DISCORD_CHANNELS=" + strings.Join(channels, ","),
		"HERALD_DISCORD_API_URL=" + discord.URL(),
		"HERALD_TELEGRAM_TOKEN=" + telegramToken,
		"HERALD_TELEGRAM_CHATS=" + strings.Join(chats, ","),
		"HERALD_TELEGRAM_API_URL=" + telegram.URL(),
		"HERALD_TELEGRAM_PAID_BROADCAST=" + strconv.FormatBool(paid),
		"HERALD_HTTP_ADDR=",
		"HERALD_LOG_LEVEL=warn",
	}
	for range max(replicas, 1) {
		cmd := exec.Command(bin, "run")
		cmd.Env = env
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		defer func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }()
	}
	wait(func() bool { return feed.Requests() >= 2 }, time.Minute, "the first poll")
	// Past the first-post windows (5 s on Discord, 1 s per Telegram chat),
	// so that they do not count against the rate.
	time.Sleep(6 * time.Second)

	feed.Add(item(1, time.Now()))
	limit := time.Duration(tgChats/25+dcChannels/40)*time.Second + 2*time.Minute
	wait(func() bool {
		// Counts, not copies: the bench must not steal the daemon's CPU.
		return telegram.MessageCount() >= tgChats && discord.MessageCount() >= dcChannels
	}, limit, "the fan-out")
	time.Sleep(3 * time.Second) // anything sent twice would show up now

	fmt.Printf("fan-out of one article to %d Telegram chats and %d Discord channels (paid broadcast %v, replicas %d):\n", tgChats, dcChannels, paid, max(replicas, 1))
	ceiling := telegramCeiling
	if paid {
		ceiling = 1000
	}
	tgTimes := make([]time.Time, 0, tgChats)
	for _, m := range telegram.AllMessages() {
		tgTimes = append(tgTimes, m.Created)
	}
	tgShare, tgOK := fanoutLine("Telegram", tgTimes, tgChats, ceiling, telegram.RateLimited())
	dcTimes := make([]time.Time, 0, dcChannels)
	for _, m := range discord.AllMessages() {
		dcTimes = append(dcTimes, m.Created)
	}
	dcShare, dcOK := fanoutLine("Discord", dcTimes, dcChannels, discordCeiling, discord.RateLimited())
	if paid {
		fmt.Printf("  paid broadcasts: %d (each costs the bot's owner Telegram Stars)\n", telegram.PaidBroadcasts())
	}
	name := fmt.Sprintf("fan-out of one article to %s Telegram chats and %s Discord channels", thousands(tgChats), thousands(dcChannels))
	if paid {
		name += ", paid broadcasts"
	}
	if replicas > 1 {
		name += fmt.Sprintf(", %d replicas on PostgreSQL", replicas)
	}
	limited := telegram.RateLimited() + discord.RateLimited()
	return []row{{name, "achieved rate / ceiling; 429s",
		fmt.Sprintf("Telegram %.1f %%, Discord %.1f %%; %d", tgShare, dcShare, limited),
		"≥ 97 %; 0", tgOK && dcOK && tgShare >= 97 && dcShare >= 97 && limited == 0}}
}

// fanoutLine prints how many of want posts arrived and how fast, from the
// first to the last, against the ceiling. It returns the achieved share of
// the ceiling, in percent, and whether every post arrived once.
func fanoutLine(name string, times []time.Time, want int, ceiling float64, rateLimited int) (share float64, whole bool) {
	if len(times) < 2 {
		fmt.Printf("  %-9s delivered %d/%d\n", name, len(times), want)
		return 0, len(times) == want
	}
	first, last := slices.MinFunc(times, time.Time.Compare), slices.MaxFunc(times, time.Time.Compare)
	took := last.Sub(first)
	// A limit of L a second in any second lets n posts arrive no faster
	// than (n-1)/L seconds apart from the first to the last, rounded down
	// to whole seconds as a sliding window lets each second's posts come
	// at once.
	fastest := time.Duration(float64(len(times)-1)/ceiling) * time.Second
	fmt.Printf("  %-9s delivered %d/%d, duplicates %d, first to last %s (the limit allows %s): %.1f posts/s, %.1f%% of the ceiling of %g/s, 429s %d\n",
		name, min(len(times), want), want, max(len(times)-want, 0), took.Round(time.Millisecond), fastest,
		float64(len(times))/took.Seconds(), 100*fastest.Seconds()/took.Seconds(), ceiling, rateLimited)
	if took < 30*time.Second {
		// A short fan-out: how its posts fell, by tenth of a second.
		counts := make([]int, int(took/(100*time.Millisecond))+1)
		for _, t := range times {
			counts[int(t.Sub(first)/(100*time.Millisecond))]++
		}
		fmt.Printf("            posts per tenth of a second from the first: %v\n", counts)
		fmt.Printf("            bursts, each its start from the first and its span: %s\n", bursts(times, first))
	}
	return 100 * fastest.Seconds() / took.Seconds(), len(times) == want
}

// bursts describes the bursts of times, each a run of posts less than a
// tenth of a second apart: when it started, from first, and how long it
// lasted, in milliseconds.
func bursts(times []time.Time, first time.Time) string {
	sorted := slices.SortedFunc(slices.Values(times), time.Time.Compare)
	var b strings.Builder
	start := sorted[0]
	for i, t := range sorted {
		if i+1 < len(sorted) && sorted[i+1].Sub(t) < 100*time.Millisecond {
			continue
		}
		fmt.Fprintf(&b, "%d+%d ", start.Sub(first).Milliseconds(), t.Sub(start).Milliseconds())
		if i+1 < len(sorted) {
			start = sorted[i+1]
		}
	}
	return strings.TrimSpace(b.String())
}
