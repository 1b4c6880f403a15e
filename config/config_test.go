package config

import (
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/schedule"
)

// clearEnv unsets every HERALD_ variable for the test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, Prefix+"_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

func TestLoadDefaultsAndLists(t *testing.T) {
	clearEnv(t)
	t.Setenv("HERALD_FEEDS", " https://a.example/rss ,https://b.example/atom.xml,, ")
	t.Setenv("HERALD_TELEGRAM_TOKEN", "123:abc")
	t.Setenv("HERALD_TELEGRAM_CHATS", "-1001234567890, @newsroom")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Feeds, "|"); got != "https://a.example/rss|https://b.example/atom.xml" {
		t.Errorf("feeds = %q", got)
	}
	if c.Database != "herald.db" || c.PollInterval != 0 || c.PollMin != time.Minute || c.PollMax != time.Hour || c.Backlog != 0 ||
		c.DiscordAPIUrl != "https://discord.com" || c.TelegramAPIUrl != "https://api.telegram.org" ||
		c.FeedTimeout != 30*time.Second || c.LogLevel != "info" || c.LogFormat != "text" ||
		!c.Commands || c.MaxFollows != 50 || c.DiscordGuildID != "" {
		t.Errorf("defaults not applied: %+v", c)
	}
	want := []herald.Target{{Platform: herald.Telegram, Chat: "-1001234567890"}, {Platform: herald.Telegram, Chat: "@newsroom"}}
	got := c.Targets()
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("targets = %v, want %v", got, want)
	}
}

func TestLoadRoutes(t *testing.T) {
	clearEnv(t)
	t.Setenv("HERALD_FEEDS", "https://a.example/rss,https://b.example/rss")
	t.Setenv("HERALD_DISCORD_TOKEN", "x")
	t.Setenv("HERALD_DISCORD_CHANNELS", "100")
	t.Setenv("HERALD_TELEGRAM_TOKEN", "1:x")
	t.Setenv("HERALD_TELEGRAM_CHATS", "@newsroom")
	t.Setenv("HERALD_TIMEZONE", "Europe/Berlin")
	t.Setenv("HERALD_EDIT_WINDOW", "0")
	t.Setenv("HERALD_DELETE_RETRACTED", "true")
	t.Setenv("HERALD_ROUTES", `
		discord:200 topics=world feeds=https://b.example/rss digest="0 8 * * *" mention=42;
		telegram:-100123 keywords="climate change" quiet=22:00-07:00,hold;`)
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Location().String() != "Europe/Berlin" || c.EditWindow != 0 || !c.DeleteRetracted {
		t.Errorf("location %v, edit window %v, delete retracted %v", c.Location(), c.EditWindow, c.DeleteRetracted)
	}
	var got []string
	for _, r := range c.Rules() {
		got = append(got, fmt.Sprintf("%d %s", r.Entry, r))
		if r.Plan.Location != c.Location() {
			t.Errorf("rule %s: location %v, want %v", r, r.Plan.Location, c.Location())
		}
		if r.Entry == 0 && (!r.Plan.IsZero() || !r.Filter.IsZero()) {
			t.Errorf("shorthand rule %s has a filter or a plan: %v", r, r.Plan)
		}
	}
	want := []string{
		"0 discord:100",
		"0 telegram:@newsroom",
		`1 discord:200 topics=world feeds=https://b.example/rss digest="0 8 * * *" mention=42`,
		`2 telegram:-100123 keywords="climate change" quiet=22:00-07:00,hold`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("rules = %q,\nwant %q", got, want)
	}
	targets := c.Targets()
	wantTargets := []herald.Target{
		{Platform: herald.Discord, Chat: "100"}, {Platform: herald.Telegram, Chat: "@newsroom"},
		{Platform: herald.Discord, Chat: "200"}, {Platform: herald.Telegram, Chat: "-100123"},
	}
	if !slices.Equal(targets, wantTargets) {
		t.Errorf("targets = %v, want %v", targets, wantTargets)
	}
	if ws := c.Warnings(); len(ws) != 0 {
		t.Errorf("warnings = %q", ws)
	}
}

func TestLoadDefaultsOfSchedulesAndEdits(t *testing.T) {
	clearEnv(t)
	t.Setenv("HERALD_FEEDS", "https://a.example/rss")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.Location() != time.UTC || c.EditWindow != 48*time.Hour || c.DeleteRetracted || c.Routes != "" {
		t.Errorf("location %v, edit window %v, delete retracted %v, routes %q", c.Location(), c.EditWindow, c.DeleteRetracted, c.Routes)
	}
	rules := c.Rules()
	if len(rules) != 1 || rules[0].Target != (herald.Target{Platform: herald.Console, Chat: "stdout"}) || rules[0].Entry != 0 || rules[0].Plan.Location != time.UTC {
		t.Errorf("rules = %v, want the console's", rules)
	}
}

func TestRulesOfAConfigNotLoaded(t *testing.T) {
	c := Config{Feeds: List{"https://a.example/rss"}, TelegramToken: "1:x", Routes: "telegram:-100123 topics=world", Timezone: "Asia/Tokyo"}
	rules := c.Rules()
	if len(rules) != 1 || rules[0].String() != "telegram:-100123 topics=world" || rules[0].Plan.Location.String() != "Asia/Tokyo" {
		t.Errorf("rules = %v", rules)
	}
	if c := (Config{Timezone: "Nowhere/Else"}); c.Location() != time.UTC {
		t.Errorf("Location of a bad zone = %v, want UTC", c.Location())
	}
}

func TestRoutesOnlyBotDoesNotWarn(t *testing.T) {
	c := Config{Feeds: List{"https://a.example/rss"}, DiscordToken: "x", Routes: "discord:1 topics=world"}
	if ws := c.Warnings(); len(ws) != 0 {
		t.Errorf("a bot with routes warned: %q", ws)
	}
}

func TestTargetsFallBackToConsole(t *testing.T) {
	c := Config{Feeds: List{"https://a.example/rss"}}
	got := c.Targets()
	if len(got) != 1 || got[0].Platform != herald.Console {
		t.Fatalf("targets = %v, want the console", got)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		key  string
		want string
	}{
		{"no feeds", map[string]string{}, "HERALD_FEEDS", "names no feed"},
		{"bad feed url", map[string]string{"HERALD_FEEDS": "ftp://x/y"}, "HERALD_FEEDS", "not an http(s) URL"},
		{"bad duration", map[string]string{"HERALD_POLL_INTERVAL": "soon"}, "HERALD_POLL_INTERVAL", `"soon" is not a Go duration`},
		{"empty duration", map[string]string{"HERALD_POLL_INTERVAL": ""}, "HERALD_POLL_INTERVAL", "set but empty"},
		{"bad backlog", map[string]string{"HERALD_BACKLOG": "many"}, "HERALD_BACKLOG", "whole number"},
		{"negative backlog", map[string]string{"HERALD_BACKLOG": "-1"}, "HERALD_BACKLOG", "negative"},
		{"postgres without a host", map[string]string{"HERALD_DATABASE": "postgres:///herald"}, "HERALD_DATABASE", "is not a PostgreSQL URL"},
		{"tiny interval", map[string]string{"HERALD_POLL_INTERVAL": "10ms"}, "HERALD_POLL_INTERVAL", "too short"},
		{"negative interval", map[string]string{"HERALD_POLL_INTERVAL": "-1m"}, "HERALD_POLL_INTERVAL", "too short"},
		{"zero poll min", map[string]string{"HERALD_POLL_MIN": "0"}, "HERALD_POLL_MIN", "too short"},
		{"tiny poll max", map[string]string{"HERALD_POLL_MAX": "500ms"}, "HERALD_POLL_MAX", "too short"},
		{"bad poll max", map[string]string{"HERALD_POLL_MAX": "hourly"}, "HERALD_POLL_MAX", `"hourly" is not a Go duration`},
		{"poll min over max", map[string]string{"HERALD_POLL_MIN": "2h"}, "HERALD_POLL_MIN", "longer than HERALD_POLL_MAX (1h0m0s)"},
		{"discord channel", map[string]string{"HERALD_DISCORD_TOKEN": "x", "HERALD_DISCORD_CHANNELS": "#news"}, "HERALD_DISCORD_CHANNELS", "not a Discord channel ID"},
		{"channels without token", map[string]string{"HERALD_DISCORD_CHANNELS": "123"}, "HERALD_DISCORD_TOKEN", "is empty"},
		{"telegram chat", map[string]string{"HERALD_TELEGRAM_TOKEN": "x", "HERALD_TELEGRAM_CHATS": "news room"}, "HERALD_TELEGRAM_CHATS", "not a Telegram chat"},
		{"chats without token", map[string]string{"HERALD_TELEGRAM_CHATS": "@newsroom"}, "HERALD_TELEGRAM_TOKEN", "is empty"},
		{"api url", map[string]string{"HERALD_TELEGRAM_API_URL": "localhost:8081"}, "HERALD_TELEGRAM_API_URL", "not an http(s) URL"},
		{"public url", map[string]string{"HERALD_PUBLIC_URL": "herald.example.org"}, "HERALD_PUBLIC_URL", "not an http(s) URL"},
		{"public url without http", map[string]string{"HERALD_PUBLIC_URL": "https://herald.example.org", "HERALD_HTTP_ADDR": ""}, "HERALD_PUBLIC_URL", "needs HERALD_HTTP_ADDR"},
		{"discord public key not hex", map[string]string{"HERALD_DISCORD_TOKEN": "t", "HERALD_DISCORD_PUBLIC_KEY": "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"}, "HERALD_DISCORD_PUBLIC_KEY", "64 hexadecimal digits"},
		{"discord public key short", map[string]string{"HERALD_DISCORD_TOKEN": "t", "HERALD_DISCORD_PUBLIC_KEY": "abcd"}, "HERALD_DISCORD_PUBLIC_KEY", "64 hexadecimal digits"},
		{"discord public key without token", map[string]string{"HERALD_DISCORD_PUBLIC_KEY": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"}, "HERALD_DISCORD_PUBLIC_KEY", "needs HERALD_DISCORD_TOKEN"},
		{"discord public key without http", map[string]string{"HERALD_DISCORD_TOKEN": "t", "HERALD_DISCORD_PUBLIC_KEY": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "HERALD_HTTP_ADDR": ""}, "HERALD_DISCORD_PUBLIC_KEY", "needs HERALD_HTTP_ADDR"},
		{"telegram webhook over http", map[string]string{"HERALD_TELEGRAM_TOKEN": "1:t", "HERALD_TELEGRAM_WEBHOOK_URL": "http://herald.example.org/telegram/webhook"}, "HERALD_TELEGRAM_WEBHOOK_URL", "not an https URL"},
		{"telegram webhook port", map[string]string{"HERALD_TELEGRAM_TOKEN": "1:t", "HERALD_TELEGRAM_WEBHOOK_URL": "https://herald.example.org:9000/telegram/webhook"}, "HERALD_TELEGRAM_WEBHOOK_URL", "port 9000"},
		{"telegram webhook without token", map[string]string{"HERALD_TELEGRAM_WEBHOOK_URL": "https://herald.example.org/telegram/webhook"}, "HERALD_TELEGRAM_WEBHOOK_URL", "needs HERALD_TELEGRAM_TOKEN"},
		{"telegram webhook without http", map[string]string{"HERALD_TELEGRAM_TOKEN": "1:t", "HERALD_TELEGRAM_WEBHOOK_URL": "https://herald.example.org:8443/telegram/webhook", "HERALD_HTTP_ADDR": ""}, "HERALD_TELEGRAM_WEBHOOK_URL", "needs HERALD_HTTP_ADDR"},
		{"log level", map[string]string{"HERALD_LOG_LEVEL": "loud"}, "HERALD_LOG_LEVEL", "want debug, info, warn or error"},
		{"commands", map[string]string{"HERALD_COMMANDS": "maybe"}, "HERALD_COMMANDS", "true or false"},
		{"max follows", map[string]string{"HERALD_MAX_FOLLOWS": "0"}, "HERALD_MAX_FOLLOWS", "too few"},
		{"guild id", map[string]string{"HERALD_DISCORD_GUILD_ID": "my server"}, "HERALD_DISCORD_GUILD_ID", "not a Discord server ID"},
		{"log format", map[string]string{"HERALD_LOG_FORMAT": "xml"}, "HERALD_LOG_FORMAT", "want text or json"},
		{"time zone", map[string]string{"HERALD_TIMEZONE": "Europe/Berln"}, "HERALD_TIMEZONE", `"Europe/Berln" is not a time zone: want an IANA name`},
		{"time zone offset", map[string]string{"HERALD_TIMEZONE": "+02:00"}, "HERALD_TIMEZONE", "not a time zone"},
		{"routes syntax", map[string]string{"HERALD_DISCORD_TOKEN": "x", "HERALD_ROUTES": "discord:1; telegram:@abcde quiet=25:00-07:00"}, "HERALD_ROUTES",
			`entry 2 "telegram:@abcde quiet=25:00-07:00", column 17: quiet: want HH:MM-HH:MM (00:00-23:59), optionally ",hold" or ",silent"`},
		{"routes unknown option", map[string]string{"HERALD_DISCORD_TOKEN": "x", "HERALD_ROUTES": "discord:1 topic=x"}, "HERALD_ROUTES", `entry 1 "discord:1 topic=x", column 11: unknown option "topic"`},
		{"route feed not watched", map[string]string{"HERALD_DISCORD_TOKEN": "x", "HERALD_ROUTES": "discord:1 feeds=https://a.example/rss,https://b.example/rss"}, "HERALD_ROUTES",
			"entry 1 (discord:1): feeds= names https://b.example/rss, which HERALD_FEEDS does not list"},
		{"route feed written otherwise", map[string]string{"HERALD_DISCORD_TOKEN": "x", "HERALD_ROUTES": "discord:1 feeds=https://a.example/rss/"}, "HERALD_ROUTES",
			"HERALD_FEEDS does not list"},
		{"routed and a channel", map[string]string{"HERALD_DISCORD_TOKEN": "x", "HERALD_DISCORD_CHANNELS": "5,6", "HERALD_ROUTES": "discord:6 topics=world"}, "HERALD_ROUTES",
			"entry 1 routes discord:6, which HERALD_DISCORD_CHANNELS also lists: list it in one place"},
		{"routed and a chat", map[string]string{"HERALD_TELEGRAM_TOKEN": "x", "HERALD_TELEGRAM_CHATS": "@newsroom", "HERALD_ROUTES": "telegram:-100123;telegram:@newsroom silent"}, "HERALD_ROUTES",
			"entry 2 routes telegram:@newsroom, which HERALD_TELEGRAM_CHATS also lists: list it in one place"},
		{"routes without a discord token", map[string]string{"HERALD_ROUTES": "discord:1"}, "HERALD_DISCORD_TOKEN", "HERALD_ROUTES routes to Discord"},
		{"routes without a telegram token", map[string]string{"HERALD_ROUTES": "telegram:-100123"}, "HERALD_TELEGRAM_TOKEN", "HERALD_ROUTES routes to Telegram"},
		{"negative edit window", map[string]string{"HERALD_EDIT_WINDOW": "-1h"}, "HERALD_EDIT_WINDOW", "negative"},
		{"edit window", map[string]string{"HERALD_EDIT_WINDOW": "two days"}, "HERALD_EDIT_WINDOW", "not a Go duration"},
		{"delete retracted", map[string]string{"HERALD_DELETE_RETRACTED": "maybe"}, "HERALD_DELETE_RETRACTED", "true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			if _, ok := tt.env["HERALD_FEEDS"]; !ok && tt.key != "HERALD_FEEDS" {
				t.Setenv("HERALD_FEEDS", "https://a.example/rss")
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Load()
			if err == nil {
				t.Fatal("Load accepted a bad configuration")
			}
			errs, ok := err.(Errors)
			if !ok {
				t.Fatalf("error is %T, want Errors", err)
			}
			for _, e := range errs {
				if e.Key == tt.key && strings.Contains(e.Problem, tt.want) {
					return
				}
			}
			t.Fatalf("errors %q do not say %s: %q", err, tt.key, tt.want)
		})
	}
}

func TestUsageListsEveryVariable(t *testing.T) {
	var sb strings.Builder
	if err := Usage(&sb); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	for _, key := range []string{
		"HERALD_FEEDS", "HERALD_DATABASE", "HERALD_POLL_INTERVAL", "HERALD_POLL_MIN", "HERALD_POLL_MAX", "HERALD_FEED_TIMEOUT", "HERALD_BACKLOG",
		"HERALD_COMMANDS", "HERALD_MAX_FOLLOWS", "HERALD_DISCORD_GUILD_ID",
		"HERALD_DISCORD_TOKEN", "HERALD_DISCORD_CHANNELS", "HERALD_DISCORD_API_URL",
		"HERALD_TELEGRAM_TOKEN", "HERALD_TELEGRAM_CHATS", "HERALD_TELEGRAM_API_URL",
		"HERALD_HTTP_ADDR", "HERALD_LOG_LEVEL", "HERALD_LOG_FORMAT",
		"HERALD_ROUTES", "HERALD_TIMEZONE", "HERALD_EDIT_WINDOW", "HERALD_DELETE_RETRACTED",
		"HERALD_TELEGRAM_PAID_BROADCAST", "HERALD_PUBLIC_URL", "HERALD_FEEDS_FILE",
		"HERALD_DISCORD_PUBLIC_KEY", "HERALD_TELEGRAM_WEBHOOK_URL",
	} {
		if !strings.Contains(out, key+" ") {
			t.Errorf("usage lacks %s", key)
		}
	}
	if len(Keys()) != 28 {
		t.Errorf("Keys() = %v: a new variable needs a line in this test and in the README", Keys())
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		if line = strings.TrimSpace(line); line != "" && len(strings.Fields(line)) < 3 {
			t.Errorf("usage line without a description: %q", line)
		}
	}
}

func TestUnknownVariablesWarn(t *testing.T) {
	clearEnv(t)
	t.Setenv("HERALD_FEEDS", "https://a.example/rss")
	t.Setenv("HERALD_FEED", "https://typo.example/rss")
	t.Setenv("HERALD_TEST_DATABASE_URL", "postgres://127.0.0.1/test")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ws := strings.Join(c.Warnings(), "\n")
	if !strings.Contains(ws, "HERALD_FEED is not a Herald variable") {
		t.Fatalf("warnings = %q", ws)
	}
	if strings.Contains(ws, "HERALD_TEST_") {
		t.Errorf("the test suite's variable is taken for a typo: %q", ws)
	}
}

func TestLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{
		"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn,
		"Warning": slog.LevelWarn, "error": slog.LevelError,
	} {
		if got := (Config{LogLevel: in}).Level(); got != want {
			t.Errorf("Level(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestTokenWithoutTargetsWarnsOnlyWithoutCommands(t *testing.T) {
	c := Config{Feeds: List{"https://a.example/rss"}, TelegramToken: "1:x", Commands: true}
	if ws := c.Warnings(); len(ws) != 0 {
		t.Errorf("a commands-only bot warned: %q", ws)
	}
	c.Commands = false
	if ws := strings.Join(c.Warnings(), "\n"); !strings.Contains(ws, "nothing will be posted to Telegram") {
		t.Errorf("a bot that can post nowhere did not warn: %q", ws)
	}
}

func TestPolling(t *testing.T) {
	tests := []struct {
		name         string
		env          map[string]string
		wantInterval time.Duration
		wantPolicy   schedule.PollPolicy
		wantEvery    time.Duration
		wantSummary  string
	}{
		{"defaults adapt", nil, 0, schedule.PollPolicy{Min: time.Minute, Max: time.Hour}, time.Minute, "1m0s to 1h0m0s, as each feed publishes"},
		{"bounds set", map[string]string{"HERALD_POLL_MIN": "30s", "HERALD_POLL_MAX": "2h"}, 0,
			schedule.PollPolicy{Min: 30 * time.Second, Max: 2 * time.Hour}, 30 * time.Second, "30s to 2h0m0s, as each feed publishes"},
		{"equal bounds", map[string]string{"HERALD_POLL_MIN": "5m", "HERALD_POLL_MAX": "5m"}, 0,
			schedule.PollPolicy{Min: 5 * time.Minute, Max: 5 * time.Minute}, 5 * time.Minute, "5m0s to 5m0s, as each feed publishes"},
		{"interval pins", map[string]string{"HERALD_POLL_INTERVAL": "1s"}, time.Second, schedule.PollPolicy{}, time.Second, "1s"},
		{"interval pins, bounds ignored", map[string]string{"HERALD_POLL_INTERVAL": "2m", "HERALD_POLL_MIN": "10s"}, 2 * time.Minute,
			schedule.PollPolicy{}, 2 * time.Minute, "2m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("HERALD_FEEDS", "https://a.example/rss")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			c, err := Load()
			if err != nil {
				t.Fatal(err)
			}
			interval, policy := c.Polling()
			if interval != tt.wantInterval || policy != tt.wantPolicy {
				t.Errorf("Polling() = %v, %+v; want %v, %+v", interval, policy, tt.wantInterval, tt.wantPolicy)
			}
			if got := c.PollEvery(); got != tt.wantEvery {
				t.Errorf("PollEvery() = %v, want %v", got, tt.wantEvery)
			}
			if got := c.PollSummary(); got != tt.wantSummary {
				t.Errorf("PollSummary() = %q, want %q", got, tt.wantSummary)
			}
		})
	}
}

func TestPostgresDatabase(t *testing.T) {
	for _, db := range []string{
		"postgres://herald:secret@db.example:5432/herald?sslmode=require",
		"postgresql://db.example/herald",
		"postgres:///herald?host=/var/run/postgresql",
	} {
		clearEnv(t)
		t.Setenv("HERALD_FEEDS", "https://a.example/rss")
		t.Setenv("HERALD_DATABASE", db)
		c, err := Load()
		if err != nil {
			t.Errorf("HERALD_DATABASE=%s: %v", db, err)
			continue
		}
		if !IsPostgres(c.Database) {
			t.Errorf("IsPostgres(%q) = false", db)
		}
	}
	if IsPostgres("herald.db") || IsPostgres("/var/lib/herald/postgres.db") {
		t.Error("IsPostgres takes a SQLite path for PostgreSQL")
	}
}

func TestRedactedHidesTheDatabasePassword(t *testing.T) {
	tests := []struct{ in, want string }{
		{"herald.db", "herald.db"},
		{"postgres://herald:s3cret@db.example:5432/herald?sslmode=require", "postgres://herald:xxxxx@db.example:5432/herald?sslmode=require"},
		{"postgres://herald@db.example/herald", "postgres://herald@db.example/herald"},
		{"postgresql://db.example/herald?user=herald&password=s3cret", "postgresql://db.example/herald?password=xxxxx&user=herald"},
		{"postgres://herald:s3cret@db.example:bad/herald", "postgres://(not a URL)"},
	}
	for _, tt := range tests {
		got := Redacted(tt.in)
		if got != tt.want {
			t.Errorf("Redacted(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Contains(got, "s3cret") {
			t.Errorf("Redacted(%q) shows the password", tt.in)
		}
	}
}
