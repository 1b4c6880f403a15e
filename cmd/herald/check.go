package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/discord"
	"github.com/heraldhq/herald/bots/telegram"
	"github.com/heraldhq/herald/config"
	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/poll"
)

// check fetches every feed once and asks each platform who the bot is and
// whether it can see its targets. It prints one line per check and returns
// exit code 1 when any failed.
func check(ctx context.Context, cfg config.Config, out io.Writer) int {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	failed := 0
	report := func(area string, err error, format string, args ...any) {
		status := "ok  "
		msg := fmt.Sprintf(format, args...)
		if err != nil {
			status, failed = "FAIL", failed+1
			msg += ": " + err.Error()
		}
		fmt.Fprintf(out, "%-8s %s  %s\n", area, status, msg)
	}

	report("config", nil, "%d feed(s), %d Discord channel(s), %d Telegram chat(s), database %s, poll %s, time zone %s",
		len(cfg.Feeds), len(chats(cfg, herald.Discord)), len(chats(cfg, herald.Telegram)), config.Redacted(cfg.Database), cfg.PollSummary(), cfg.Location())
	for _, w := range cfg.Warnings() {
		fmt.Fprintf(out, "%-8s %s  %s\n", "config", "warn", w)
	}
	for _, r := range cfg.Rules() {
		where := "HERALD_ROUTES entry " + strconv.Itoa(r.Entry)
		if r.Entry == 0 {
			switch r.Target.Platform {
			case herald.Discord:
				where = "every article (HERALD_DISCORD_CHANNELS)"
			case herald.Telegram:
				where = "every article (HERALD_TELEGRAM_CHATS)"
			default:
				where = "every article (no bot token: standard output)"
			}
		}
		fmt.Fprintf(out, "%-8s %s  %s: %s\n", "route", "ok  ", where, r.Describe())
	}

	fetcher := feed.NewFetcher(userAgent(), cfg.FeedTimeout, 0)
	for _, url := range cfg.Feeds {
		res, err := fetcher.Fetch(ctx, url, herald.FeedState{})
		if err != nil {
			report("feed", err, "%s", url)
			continue
		}
		articles := poll.Articles(res.Feed, url, time.Now())
		newest := ""
		if len(articles) > 0 {
			a := articles[0]
			for _, b := range articles[1:] {
				if b.Published.After(a.Published) {
					a = b
				}
			}
			newest = fmt.Sprintf(", newest %q (%s)", clip(a.Headline, 70), a.Published.Format("2006-01-02 15:04 MST"))
		}
		report("feed", nil, "%s: %q, %d item(s)%s", url, res.Feed.Title, len(articles), newest)
	}

	if cfg.DiscordToken != "" {
		bot, err := discord.New(discord.Options{Token: cfg.DiscordToken, APIURL: cfg.DiscordAPIUrl})
		if err != nil {
			report("discord", err, "client")
		} else if me, err := bot.Me(ctx); err != nil {
			report("discord", err, "identity (GET /users/@me)")
		} else {
			report("discord", nil, "logged in as %s (id %s)", me.Username, me.ID)
			for _, ch := range chats(cfg, herald.Discord) {
				c, err := bot.Channel(ctx, ch)
				if err != nil {
					report("discord", err, "channel %s", ch)
					continue
				}
				report("discord", nil, "channel %s: #%s", ch, c.Name)
			}
		}
	}
	if cfg.TelegramToken != "" {
		bot := telegram.New(ctx, telegram.Options{Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIUrl})
		if me, err := bot.Me(ctx); err != nil {
			report("telegram", err, "identity (getMe)")
		} else {
			report("telegram", nil, "logged in as @%s (id %d)", me.UserName, me.ID)
			for _, ch := range chats(cfg, herald.Telegram) {
				c, err := bot.Chat(ctx, ch)
				if err != nil {
					report("telegram", err, "chat %s", ch)
					continue
				}
				name := c.Title
				if name == "" {
					name = strings.TrimSpace(c.FirstName + " " + c.LastName)
				}
				report("telegram", nil, "chat %s: %s %q", ch, c.Type, name)
			}
		}
	}
	if cfg.DiscordToken == "" && cfg.TelegramToken == "" {
		fmt.Fprintf(out, "%-8s %s  %s\n", "outlet", "info", "no bot token: `herald run` prints posts to standard output")
	}

	if failed > 0 {
		fmt.Fprintf(out, "\n%d check(s) failed\n", failed)
		return exitFailure
	}
	fmt.Fprintln(out, "\nall checks passed")
	return exitOK
}

// chats lists the configured chats of a platform, routed or getting
// everything.
func chats(cfg config.Config, p herald.Platform) []string {
	var out []string
	for _, t := range cfg.Targets() {
		if t.Platform == p {
			out = append(out, t.Chat)
		}
	}
	return out
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
