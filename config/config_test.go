package config

import (
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
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
	if c.Database != "herald.db" || c.PollInterval != 2*time.Minute || c.Backlog != 0 ||
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
		{"postgres", map[string]string{"HERALD_DATABASE": "postgres://localhost/herald"}, "HERALD_DATABASE", "not supported yet"},
		{"tiny interval", map[string]string{"HERALD_POLL_INTERVAL": "10ms"}, "HERALD_POLL_INTERVAL", "too short"},
		{"discord channel", map[string]string{"HERALD_DISCORD_TOKEN": "x", "HERALD_DISCORD_CHANNELS": "#news"}, "HERALD_DISCORD_CHANNELS", "not a Discord channel ID"},
		{"channels without token", map[string]string{"HERALD_DISCORD_CHANNELS": "123"}, "HERALD_DISCORD_TOKEN", "is empty"},
		{"telegram chat", map[string]string{"HERALD_TELEGRAM_TOKEN": "x", "HERALD_TELEGRAM_CHATS": "news room"}, "HERALD_TELEGRAM_CHATS", "not a Telegram chat"},
		{"chats without token", map[string]string{"HERALD_TELEGRAM_CHATS": "@newsroom"}, "HERALD_TELEGRAM_TOKEN", "is empty"},
		{"api url", map[string]string{"HERALD_TELEGRAM_API_URL": "localhost:8081"}, "HERALD_TELEGRAM_API_URL", "not an http(s) URL"},
		{"log level", map[string]string{"HERALD_LOG_LEVEL": "loud"}, "HERALD_LOG_LEVEL", "want debug, info, warn or error"},
		{"commands", map[string]string{"HERALD_COMMANDS": "maybe"}, "HERALD_COMMANDS", "true or false"},
		{"max follows", map[string]string{"HERALD_MAX_FOLLOWS": "0"}, "HERALD_MAX_FOLLOWS", "too few"},
		{"guild id", map[string]string{"HERALD_DISCORD_GUILD_ID": "my server"}, "HERALD_DISCORD_GUILD_ID", "not a Discord server ID"},
		{"log format", map[string]string{"HERALD_LOG_FORMAT": "xml"}, "HERALD_LOG_FORMAT", "want text or json"},
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
		"HERALD_FEEDS", "HERALD_DATABASE", "HERALD_POLL_INTERVAL", "HERALD_FEED_TIMEOUT", "HERALD_BACKLOG",
		"HERALD_COMMANDS", "HERALD_MAX_FOLLOWS", "HERALD_DISCORD_GUILD_ID",
		"HERALD_DISCORD_TOKEN", "HERALD_DISCORD_CHANNELS", "HERALD_DISCORD_API_URL",
		"HERALD_TELEGRAM_TOKEN", "HERALD_TELEGRAM_CHATS", "HERALD_TELEGRAM_API_URL",
		"HERALD_HTTP_ADDR", "HERALD_LOG_LEVEL", "HERALD_LOG_FORMAT",
	} {
		if !strings.Contains(out, key+" ") {
			t.Errorf("usage lacks %s", key)
		}
	}
	if len(Keys()) != 17 {
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
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	ws := strings.Join(c.Warnings(), "\n")
	if !strings.Contains(ws, "HERALD_FEED is not a Herald variable") {
		t.Fatalf("warnings = %q", ws)
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
