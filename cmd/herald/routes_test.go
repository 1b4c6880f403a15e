package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/config"
	"github.com/heraldhq/herald/internal/clocktest"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/logtest"
	"github.com/heraldhq/herald/store/sqlite"
)

// startDaemonWithClock runs the daemon of `herald run` with env in this
// process, its posts timed by clock, until stop is called.
func startDaemonWithClock(t *testing.T, env map[string]string, clock herald.Clock) *daemon {
	t.Helper()
	setEnv(t, env)
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &daemon{cancel: cancel, done: make(chan int, 1), stdout: &logtest.Buffer{}, stderr: &logtest.Buffer{}}
	log := slog.New(slog.NewTextHandler(d.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() {
		code := exitOK
		if err := run(ctx, cfg, clock, d.stdout, log); err != nil {
			t.Errorf("run: %v", err)
			code = exitFailure
		}
		d.done <- code
	}()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// weatherItem is a story about nothing a rail route asks for.
func weatherItem(n int) feedtest.Item {
	return feedtest.Item{
		GUID: fmt.Sprintf("weather-%d", n), Title: fmt.Sprintf("Cold snap grips the north, day %d", n),
		Link:        fmt.Sprintf("https://news.example/weather-%d", n),
		Description: "LONDON, April 8 (Reuters) - Temperatures fell below freezing across the north on Monday, forecasters said, and more snow is expected.",
		Categories:  []string{"Weather"},
		Published:   published.Add(time.Duration(n)*time.Minute + 30*time.Second),
	}
}

func TestEndToEndRoutesFilterDigestQuietHoursTrickleAndMention(t *testing.T) {
	const (
		railChannel   = "111"
		digestChannel = "222"
		quietChat     = "-1001"
		trickleChat   = "-1002"
		role          = "555"
	)
	p := newPlatforms(t, fakes.DiscordOptions{Channels: []string{railChannel, digestChannel}},
		fakes.TelegramOptions{Chats: []string{quietChat, trickleChat}})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	db := filepath.Join(t.TempDir(), "herald.db")

	now := time.Now().UTC()
	clock := clocktest.NewRunning()
	quietEnd := now.Add(time.Hour).Truncate(time.Minute)
	env := p.env(db, feed.URL())
	env["HERALD_DISCORD_CHANNELS"] = ""
	env["HERALD_TELEGRAM_CHATS"] = ""
	env["HERALD_ROUTES"] = strings.Join([]string{
		"discord:" + railChannel + " keywords=rail,railway mention=" + role,
		"discord:" + digestChannel + ` digest="0 * * * *"`,
		fmt.Sprintf("telegram:%s quiet=%s-%s,hold", quietChat, now.Add(-time.Hour).Format("15:04"), quietEnd.Format("15:04")),
		"telegram:" + trickleChat + " trickle=1/10m silent",
	}, ";\n")
	d := startDaemonWithClock(t, env, clock)
	waitFor(t, "two polls", func() bool { return feed.Requests() >= 2 })

	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("daemon log:\n%s", d.stderr.String())
		}
	})
	feed.Add(wireItem(1), weatherItem(1), wireItem(2))
	// The filtered route gets the two rail stories at once, mentioning
	// its role; the trickled chat gets the oldest story, silently.
	waitFor(t, "the rail posts and the first trickled post", func() bool {
		return len(p.discord.Messages(railChannel)) == 2 && len(p.telegram.Messages(trickleChat)) == 1
	})
	for _, m := range p.discord.Messages(railChannel) {
		if !strings.Contains(m.Body["embeds"].([]any)[0].(map[string]any)["title"].(string), "rail corridor") {
			t.Errorf("the rail route got %q", m.Body["embeds"].([]any)[0].(map[string]any)["title"])
		}
		if m.Content != "<@&"+role+">" || !slices.Equal(m.Pinged.Roles, []string{role}) || len(m.Pinged.Users) > 0 || m.Pinged.Everyone {
			t.Errorf("rail post content %q pinged %+v; want role %s only", m.Content, m.Pinged, role)
		}
		if !strings.Contains(string(m.Raw), `"allowed_mentions":{"parse":[],"roles":["`+role+`"]`) {
			t.Errorf("rail post allowed_mentions: %s", m.Raw)
		}
	}
	if m := p.telegram.Messages(trickleChat)[0]; !m.DisableNotification || !strings.Contains(m.Text, "part 1") {
		t.Errorf("first trickled post: silent %v, %q", m.DisableNotification, m.Text)
	}
	// The digest, the quiet chat and the trickle wait on the clock.
	waitFor(t, "the scheduled lanes to wait", func() bool { return clock.Waiters() >= 3 })
	if n, m := len(p.discord.Messages(digestChannel)), len(p.telegram.Messages(quietChat)); n != 0 || m != 0 {
		t.Fatalf("before their time: %d digest message(s), %d post(s) in quiet hours", n, m)
	}

	// Restart: what waits is in the store, not in memory.
	if code := d.stop(t); code != 0 {
		t.Fatalf("herald exited %d", code)
	}
	d = startDaemonWithClock(t, env, clock)

	clock.Advance(10 * time.Minute)
	waitFor(t, "the second trickled post", func() bool { return len(p.telegram.Messages(trickleChat)) == 2 })

	clock.Set(quietEnd)
	waitFor(t, "the held posts and the digest", func() bool {
		return len(p.telegram.Messages(quietChat)) == 3 && len(p.discord.Messages(digestChannel)) == 1
	})
	var held []string
	for _, m := range p.telegram.Messages(quietChat) {
		held = append(held, strings.SplitN(m.Plain, "\n", 2)[0])
		if m.DisableNotification {
			t.Errorf("a held post went silently: %q", m.Plain)
		}
	}
	want := []string{wireItem(1).Title, weatherItem(1).Title, wireItem(2).Title}
	if !slices.Equal(held, want) {
		t.Errorf("held posts released as %q, want oldest first %q", held, want)
	}
	digest := p.discord.Messages(digestChannel)[0]
	desc := digest.Body["embeds"].([]any)[0].(map[string]any)["description"].(string)
	for _, title := range want {
		if !strings.Contains(desc, title) {
			t.Errorf("the digest lacks %q: %q", title, desc)
		}
	}
	if !strings.Contains(desc, "https://news.example/world/asia/rail-1") || !strings.Contains(desc, "Beijing") {
		t.Errorf("the digest lines need links and datelines: %q", desc)
	}
	if digest.Pinged.Pinged() {
		t.Errorf("the digest pinged %+v", digest.Pinged)
	}
	// An empty period posts nothing.
	clock.Advance(time.Hour)
	waitFor(t, "the third trickled post", func() bool { return len(p.telegram.Messages(trickleChat)) == 3 })
	if n := len(p.discord.Messages(digestChannel)); n != 1 {
		t.Errorf("%d digest messages after an empty hour, want 1", n)
	}
	if p.discord.RateLimited()+p.telegram.RateLimited() != 0 {
		t.Errorf("tripped the rate limits: discord %d, telegram %d", p.discord.RateLimited(), p.telegram.RateLimited())
	}
}

func TestEndToEndCorrectionIsEditedOnBothPlatformsAfterARestart(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	db := filepath.Join(t.TempDir(), "herald.db")
	env := p.env(db, feed.URL())

	d := startDaemon(t, env)
	waitFor(t, "two polls", func() bool { return feed.Requests() >= 2 })
	feed.Add(wireItem(1))
	waitFor(t, "the posts", func() bool {
		return len(p.discord.Messages(channel)) == 1 && len(p.telegram.Messages(chat)) == 1
	})
	if code := d.stop(t); code != 0 {
		t.Fatalf("herald exited %d", code)
	}

	// The newsroom corrects the headline while Herald is down.
	corrected := "Ministers agree to extend rail corridor to three ports, part 1"
	feed.Update(wireItem(1).GUID, func(it *feedtest.Item) { it.Title = corrected })
	before := feed.Requests()
	startDaemon(t, env)
	waitFor(t, "the edits on both platforms", func() bool {
		return len(p.discord.Edits()) == 1 && len(p.telegram.Edits()) == 1
	})
	de := p.discord.Edits()[0]
	if de.MessageID != p.discord.Messages(channel)[0].ID {
		t.Errorf("discord edited message %s, want the post %s", de.MessageID, p.discord.Messages(channel)[0].ID)
	}
	if title := de.Body["embeds"].([]any)[0].(map[string]any)["title"]; title != corrected {
		t.Errorf("discord edit title %q, want %q", title, corrected)
	}
	if !strings.Contains(string(de.Raw), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("discord edit may ping: %s", de.Raw)
	}
	te := p.telegram.Edits()[0]
	if te.Method != "editMessageText" || te.MessageID != p.telegram.Messages(chat)[0].MessageID || !strings.Contains(te.Plain, corrected) {
		t.Errorf("telegram edit: %s of %d: %q", te.Method, te.MessageID, te.Plain)
	}
	// Edited once, posted once: more polls change nothing.
	waitFor(t, "more polls", func() bool { return feed.Requests() >= before+4 })
	if n, m := len(p.discord.Edits()), len(p.telegram.Edits()); n != 1 || m != 1 {
		t.Errorf("%d Discord and %d Telegram edits, want one each", n, m)
	}
	if n, m := len(p.discord.Messages(channel)), len(p.telegram.Messages(chat)); n != 1 || m != 1 {
		t.Errorf("%d Discord and %d Telegram posts after the correction, want one each", n, m)
	}

	// herald why tells the edit history.
	var out, errOut logtest.Buffer
	if code := runMain(context.Background(), []string{"why", wireItem(1).Link}, &out, &errOut); code != 0 {
		t.Fatalf("herald why exited %d: %s", code, errOut.String())
	}
	for _, want := range []string{"corrections", "changed: headline", corrected, "discord:" + channel, "telegram:" + chat, "edited"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("herald why lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCheckPrintsTheRoutesAndNamesAWrongEntry(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{BotUsername: "newsbot", Channels: []string{channel, "222"}}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_TIMEZONE"] = "Europe/Berlin"
	env["HERALD_ROUTES"] = `discord:222 keywords=Zürich not-regex=(?i)sport digest="0 8 * * *" mention=42`
	setEnv(t, env)
	code, out, errOut := runCmd(t, "check")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"route    ok    every article (HERALD_DISCORD_CHANNELS): discord:" + channel,
		"route    ok    HERALD_ROUTES entry 1: discord:222", "zürich", "digest 0 8 * * * (Europe/Berlin)", "mention role 42",
		"discord  ok    channel 222",
	} {
		if !strings.Contains(strings.ToLower(out), strings.ToLower(want)) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}

	env["HERALD_ROUTES"] = "discord:222 topics=world;\ntelegram:" + chat + " quiet=22:00-07:00,loud"
	setEnv(t, env)
	code, out, errOut = runCmd(t, "check")
	if code != exitUsage {
		t.Fatalf("a wrong route: exit %d, want %d:\n%s%s", code, exitUsage, out, errOut)
	}
	for _, want := range []string{"HERALD_ROUTES", "entry 2", "column", "quiet", "hold", "silent"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the error lacks %q: %s", want, errOut)
		}
	}
}

func TestEnvironmentWinsOverChatFollowsAndSaysSo(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	db := filepath.Join(t.TempDir(), "herald.db")
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	target := herald.Target{Platform: herald.Telegram, Chat: chat}
	if _, err := st.AddFollow(context.Background(), herald.Follow{Target: target, Topic: "sport", By: "telegram:1"}, 0); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := p.env(db, feed.URL())
	env["HERALD_TELEGRAM_CHATS"] = ""
	env["HERALD_ROUTES"] = "telegram:" + chat + " keywords=rail"
	d := startDaemon(t, env)
	waitFor(t, "the start-up warning", func() bool {
		return strings.Contains(d.stderr.String(), "wins over the follows made in its chat")
	})
	if !strings.Contains(d.stderr.String(), "target=telegram:"+chat) {
		t.Errorf("the warning does not name the target:\n%s", d.stderr.String())
	}
}
