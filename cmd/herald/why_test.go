package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/logtest"
)

func TestExplain(t *testing.T) {
	now := time.Date(2024, 4, 8, 9, 30, 0, 0, time.UTC)
	seen := time.Date(2024, 4, 8, 9, 1, 0, 0, time.UTC)
	d111 := herald.Target{Platform: herald.Discord, Chat: "111"}
	d222 := herald.Target{Platform: herald.Discord, Chat: "222"}
	tg := herald.Target{Platform: herald.Telegram, Chat: "-100"}
	dm := herald.Target{Platform: herald.Discord, Chat: "dm:42"}
	both := map[herald.Platform]bool{herald.Discord: true, herald.Telegram: true}
	del := func(t herald.Target, state herald.DeliveryState, attempts int, next time.Time, msg, reason string) herald.Delivery {
		return herald.Delivery{Target: t, State: state, Attempts: attempts, NextAttempt: next, Created: seen, MessageID: msg, LastError: reason}
	}
	for _, tc := range []struct {
		name string
		in   whyInput
		want []string
	}{{
		name: "sent, failed, pending and a follower",
		in: whyInput{
			deliveries: []herald.Delivery{
				del(d111, herald.Sent, 0, seen, "123", ""),
				del(d222, herald.Failed, 0, seen, "", "discord HTTP 404, code 10003: Unknown Channel"),
				del(dm, herald.Sent, 1, seen, "456", "discord HTTP 502"),
				del(tg, herald.Pending, 3, now.Add(5*time.Minute), "", "telegram 500: Internal Server Error"),
			},
			targets:   []herald.Target{tg, d111, d222},
			platforms: both,
		},
		want: []string{
			"telegram:-100  pending: attempt 3 failed (telegram 500: Internal Server Error); next try 2024-04-08 09:35:00Z",
			"discord:111  sent as message 123 (queued 2024-04-08 09:01:00Z)",
			"discord:222  failed: discord HTTP 404, code 10003: Unknown Channel",
			"discord:dm:42  sent as message 456 (queued 2024-04-08 09:01:00Z)",
		},
	}, {
		name: "pending, not tried yet or waiting for a platform",
		in: whyInput{
			deliveries: []herald.Delivery{
				del(d111, herald.Pending, 0, seen, "", ""),
				del(d222, herald.Pending, 0, now.Add(time.Minute), "", ""),
				del(tg, herald.Pending, 0, seen, "", ""),
			},
			targets:   []herald.Target{d111, d222},
			platforms: map[herald.Platform]bool{herald.Discord: true},
			now:       now,
		},
		want: []string{
			"discord:111  pending: queued 2024-04-08 09:01:00Z; next in its target's queue, sent in publish order",
			"discord:222  pending: queued 2024-04-08 09:01:00Z; first try 2024-04-08 09:31:00Z",
			"telegram:-100  pending: telegram is not configured; it waits for HERALD_TELEGRAM_TOKEN",
		},
	}, {
		name: "failed after retries",
		in: whyInput{
			deliveries: []herald.Delivery{del(d111, herald.Failed, 7, seen, "", "gave up after 24h0m0s: discord HTTP 502")},
			targets:    []herald.Target{d111},
			platforms:  both,
		},
		want: []string{"discord:111  failed: gave up after 24h0m0s: discord HTTP 502 (after 7 failed attempt(s))"},
	}, {
		name: "first sight of the feed",
		in: whyInput{
			targets:   []herald.Target{d111, tg},
			platforms: both,
			paused:    map[herald.Target]string{tg: "telegram 403: Forbidden: bot was blocked by the user"},
			backlog:   2,
		},
		want: []string{
			"discord:111  not routed: first sight of the feed (only the newest HERALD_BACKLOG=2 are posted)",
			"telegram:-100  not routed: first sight of the feed (only the newest HERALD_BACKLOG=2 are posted); the target is paused now: telegram 403: Forbidden: bot was blocked by the user",
		},
	}, {
		name: "routed elsewhere: added since, paused or moved",
		in: whyInput{
			deliveries: []herald.Delivery{del(d111, herald.Sent, 0, seen, "123", "")},
			targets:    []herald.Target{d111, d222, tg, d111},
			platforms:  both,
			paused:     map[herald.Target]string{d222: "blocked"},
			moves:      map[herald.Target]herald.Target{tg: {Platform: herald.Telegram, Chat: "-200"}},
		},
		want: []string{
			"discord:111  sent as message 123 (queued 2024-04-08 09:01:00Z)",
			"discord:222  paused: blocked",
			"telegram:-100  moved: the chat is now telegram:-200",
		},
	}, {
		name: "a target added since",
		in: whyInput{
			deliveries: []herald.Delivery{del(d111, herald.Sent, 0, seen, "123", "")},
			targets:    []herald.Target{d111, tg},
			platforms:  both,
		},
		want: []string{
			"discord:111  sent as message 123 (queued 2024-04-08 09:01:00Z)",
			"telegram:-100  not routed: target added after the article was seen (2024-04-08 09:01:00Z)",
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, l := range explain(tc.in) {
				got = append(got, l.target+"  "+l.text)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// runWhy runs `herald why ref` with the environment the test set.
func runWhy(t *testing.T, ref string) (int, string, string) {
	t.Helper()
	var stdout, stderr logtest.Buffer
	code := runMain(t.Context(), []string{"why", ref}, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// parseWhyOutput maps each target line of `herald why`'s output to its text.
func parseWhyOutput(out string) map[string]string {
	lines := make(map[string]string)
	_, targets, _ := strings.Cut(out, "\n\n")
	for _, l := range strings.Split(strings.TrimSpace(targets), "\n") {
		target, text, _ := strings.Cut(l, " ")
		lines[target] = strings.TrimSpace(text)
	}
	return lines
}

func TestEndToEndWhy(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	// 222 is a channel Discord does not know.
	env["HERALD_DISCORD_CHANNELS"] = channel + ",222"
	env["HERALD_COMMANDS"] = "false"
	d := startDaemon(t, env)
	waitFor(t, "two polls", func() bool { return feed.Requests() >= 2 })

	if code, _, stderr := runWhy(t, "https://news.example/never"); code != exitFailure ||
		!strings.Contains(stderr, "no article with that URL or key has been seen") {
		t.Errorf("unknown article: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := runWhy(t, ""); code != exitUsage {
		t.Errorf("no article named: exit %d, want %d", code, exitUsage)
	}

	// The first sight of the feed routed its item nowhere.
	code, out, stderr := runWhy(t, "old-1")
	if code != exitOK {
		t.Fatalf("why old-1: exit %d, stderr %s", code, stderr)
	}
	firstSight := "not routed: first sight of the feed (only the newest HERALD_BACKLOG=0 are posted)"
	want := map[string]string{"discord:111": firstSight, "discord:222": firstSight, "telegram:" + chat: firstSight}
	if got := parseWhyOutput(out); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("why old-1:\n%s\nwant lines %v", out, want)
	}

	// Telegram answers 500 for now.
	p.telegram.FailNext(1000, http.StatusInternalServerError, "Internal Server Error", 0)
	feed.Add(wireItem(1))
	// The URL as the feed gave it, tracking parameters and all.
	link := wireItem(1).Link
	pending := regexp.MustCompile(`^pending: attempt [1-9][0-9]* failed \(telegram 500: Internal Server Error\); next try \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$`)
	var lines map[string]string
	waitFor(t, "a post, a refusal and a retry", func() bool {
		code, out, _ = runWhy(t, link)
		lines = parseWhyOutput(out)
		return code == exitOK && strings.HasPrefix(lines["discord:111"], "sent") &&
			strings.HasPrefix(lines["discord:222"], "failed") && pending.MatchString(lines["telegram:"+chat])
	})
	msgs := p.discord.Messages(channel)
	if len(msgs) != 1 {
		t.Fatalf("%d Discord posts, want 1", len(msgs))
	}
	if got := lines["discord:111"]; !regexp.MustCompile(`^sent \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ as message ` + msgs[0].ID + ` \(queued `).MatchString(got) {
		t.Errorf("discord:111 %q, want sent as message %s", got, msgs[0].ID)
	}
	if got := lines["discord:222"]; got != "failed: discord HTTP 404, code 10003: Unknown Channel" {
		t.Errorf("discord:222 %q", got)
	}
	for _, header := range []string{"article    " + wireItem(1).Title, "url        https://news.example/world/asia/rail-1",
		"key        guid:https://news.example/rail-1", "feed       " + feed.URL(), "published  2024-04-08 09:01:00Z"} {
		if !strings.Contains(out, header+"\n") {
			t.Errorf("why lacks %q:\n%s", header, out)
		}
	}
	// The article's key finds it too.
	if code, byKey, _ := runWhy(t, "guid:https://news.example/rail-1"); code != exitOK || parseWhyOutput(byKey)["discord:111"] != lines["discord:111"] {
		t.Errorf("why by key: exit %d\n%s", code, byKey)
	}

	// Discord's refusal paused the unknown channel: the next article is
	// not routed there.
	feed.Add(wireItem(2))
	waitFor(t, "the next article", func() bool {
		code, out, _ = runWhy(t, wireItem(2).Link)
		lines = parseWhyOutput(out)
		return code == exitOK && strings.HasPrefix(lines["discord:111"], "sent")
	})
	if got := lines["discord:222"]; got != "paused: discord HTTP 404, code 10003: Unknown Channel" {
		t.Errorf("discord:222 after its refusal: %q", got)
	}

	// A channel configured since was not there when the article came.
	if d.stop(t) != 0 {
		t.Fatal("herald did not exit cleanly")
	}
	t.Setenv("HERALD_DISCORD_CHANNELS", channel+",222,333")
	code, out, _ = runWhy(t, link)
	if got := parseWhyOutput(out)["discord:333"]; code != exitOK || !strings.HasPrefix(got, "not routed: target added after the article was seen (") {
		t.Errorf("a channel added since: exit %d\n%s", code, out)
	}
}
