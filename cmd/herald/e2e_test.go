package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/logtest"
)

const (
	discordToken  = "discord-SECRET-e2e"
	telegramToken = "4242:telegram-SECRET-e2e"
	channel       = "111"
	chat          = "-1001234567890"
)

var published = time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)

// wireItem is a story in the shape of the canonical seed: a breadcrumb and
// a repeated headline before a dated lead, and promo lines around it.
func wireItem(n int) feedtest.Item {
	headline := fmt.Sprintf("Ministers agree to extend rail corridor to the coast, part %d", n)
	return feedtest.Item{
		GUID:       fmt.Sprintf("https://news.example/rail-%d", n),
		Title:      headline,
		Link:       fmt.Sprintf("https://news.example/world/asia/rail-%d?utm_source=rss&utm_medium=feed", n),
		Categories: []string{"World/Asia"},
		Published:  published.Add(time.Duration(n) * time.Minute),
		Content: "<p>HomeWorldAsia</p><p>" + headline + "</p>" +
			"<p>Beijing, 8 April 2024 (TDI): Trade ministers from five countries signed a framework on Monday to extend a rail freight corridor to two coastal ports.</p>" +
			"<p>Also Read: Port authority opens new container terminal</p>" +
			"<p>Officials said the change would cut the overland journey for containers by about four days.</p>" +
			"<p>Follow us</p><p>Most Popular</p>",
	}
}

func oldItem(n int) feedtest.Item {
	return feedtest.Item{
		GUID: fmt.Sprintf("old-%d", n), Title: fmt.Sprintf("An older story %d", n),
		Link:        fmt.Sprintf("https://news.example/old-%d", n),
		Description: "A story that was published before Herald started watching the feed.",
		Published:   published.Add(-time.Duration(n) * time.Hour),
	}
}

type fakePlatforms struct {
	discord  *fakes.Discord
	telegram *fakes.Telegram
}

func newPlatforms(t *testing.T, dopts fakes.DiscordOptions, topts fakes.TelegramOptions) fakePlatforms {
	t.Helper()
	dopts.Token = discordToken
	if dopts.Channels == nil {
		dopts.Channels = []string{channel}
	}
	topts.Token = telegramToken
	if topts.Chats == nil {
		topts.Chats = []string{chat}
	}
	p := fakePlatforms{discord: fakes.NewDiscord(dopts), telegram: fakes.NewTelegram(topts)}
	t.Cleanup(func() {
		if u := p.discord.Unexpected(); len(u) > 0 {
			t.Errorf("unexpected Discord requests: %+v", u)
		}
		if u := p.telegram.Unexpected(); len(u) > 0 {
			t.Errorf("unexpected Telegram requests: %+v", u)
		}
		p.discord.Close()
		p.telegram.Close()
	})
	return p
}

func (p fakePlatforms) env(db string, feeds ...string) map[string]string {
	return map[string]string{
		"HERALD_FEEDS":            strings.Join(feeds, ","),
		"HERALD_DATABASE":         db,
		"HERALD_POLL_INTERVAL":    "1s",
		"HERALD_FEED_TIMEOUT":     "2s",
		"HERALD_DISCORD_TOKEN":    discordToken,
		"HERALD_DISCORD_CHANNELS": channel,
		"HERALD_DISCORD_API_URL":  p.discord.URL(),
		"HERALD_TELEGRAM_TOKEN":   telegramToken,
		"HERALD_TELEGRAM_CHATS":   chat,
		"HERALD_TELEGRAM_API_URL": p.telegram.URL(),
		"HERALD_HTTP_ADDR":        "",
		"HERALD_LOG_LEVEL":        "debug",
	}
}

func TestEndToEndPostsEachNewArticleOnceOnBothPlatforms(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1), oldItem(2))
	defer feed.Close()
	db := filepath.Join(t.TempDir(), "herald.db")

	d := startDaemon(t, p.env(db, feed.URL()))
	waitFor(t, "two polls", func() bool { return feed.Requests() >= 2 })
	if n := len(p.discord.AllMessages()) + len(p.telegram.AllMessages()); n != 0 {
		t.Fatalf("first sight of a feed posted %d messages; it must post none", n)
	}

	feed.Add(wireItem(1))
	waitFor(t, "the post on both platforms", func() bool {
		return len(p.discord.Messages(channel)) == 1 && len(p.telegram.Messages(chat)) == 1
	})

	dm := p.discord.Messages(channel)[0]
	if dm.Body["nonce"] == "" || dm.Body["enforce_nonce"] != true {
		t.Errorf("discord post without an enforced nonce: %v", dm.Body)
	}
	body := dm.Body
	delete(body, "nonce")
	discordJSON, _ := json.MarshalIndent(body, "", "  ")
	golden(t, "e2e.discord.json", append(discordJSON, '\n'))
	tm := p.telegram.Messages(chat)[0]
	golden(t, "e2e.telegram.txt", []byte(tm.Method+" parse_mode="+tm.ParseMode+
		" link_preview_options="+tm.Params["link_preview_options"]+"\n"+tm.Text+"\n"))

	// What a reader sees, checked apart from the golden files.
	embed := body["embeds"].([]any)[0].(map[string]any)
	if embed["title"] != wireItem(1).Title || embed["url"] != "https://news.example/world/asia/rail-1" {
		t.Errorf("embed title/url: %v %v", embed["title"], embed["url"])
	}
	desc := embed["description"].(string)
	if !strings.HasPrefix(desc, "**Beijing, 8 April 2024 (TDI)** — Trade ministers from five countries") {
		t.Errorf("description does not open with the bold dateline and the lead: %q", desc)
	}
	if !strings.Contains(string(dm.Raw), `"allowed_mentions":{"parse":[]`) {
		t.Errorf("discord post may ping: %s", dm.Raw)
	}
	for _, text := range []string{desc, tm.Plain} {
		for _, junk := range []string{"Also Read", "HomeWorldAsia", "Follow us", "Most Popular"} {
			if strings.Contains(text, junk) {
				t.Errorf("boilerplate %q reached a post: %q", junk, text)
			}
		}
	}
	if !strings.Contains(tm.Text, "<i>Beijing, 8 April 2024 (TDI)</i> — Trade ministers") ||
		!strings.Contains(tm.Text, `href="https://news.example/world/asia/rail-1"`) ||
		!strings.Contains(tm.Text, "#World #Asia") {
		t.Errorf("telegram post: %q", tm.Text)
	}

	// A restart posts nothing twice, and picks up what is new.
	if code := d.stop(t); code != 0 {
		t.Fatalf("herald exited %d on SIGTERM", code)
	}
	before := feed.Requests()
	startDaemon(t, p.env(db, feed.URL()))
	waitFor(t, "two polls after the restart", func() bool { return feed.Requests() >= before+2 })
	feed.Add(wireItem(2))
	waitFor(t, "the second post", func() bool {
		return len(p.discord.Messages(channel)) >= 2 && len(p.telegram.Messages(chat)) >= 2
	})
	waitFor(t, "a few more polls", func() bool { return feed.Requests() >= before+5 })
	if n, m := len(p.discord.Messages(channel)), len(p.telegram.Messages(chat)); n != 2 || m != 2 {
		t.Fatalf("after a restart: %d Discord and %d Telegram posts, want 2 each", n, m)
	}
	if p.discord.RateLimited()+p.telegram.RateLimited() != 0 {
		t.Errorf("herald tripped the rate limits: discord %d, telegram %d", p.discord.RateLimited(), p.telegram.RateLimited())
	}
}

func TestEndToEndWaitsOutRateLimitsAndLosesNothing(t *testing.T) {
	// Discord's channel bucket is smaller than the burst, so the daemon
	// must follow the bucket headers; on top, both platforms refuse some
	// sends with 429 and retry_after.
	p := newPlatforms(t, fakes.DiscordOptions{ChannelLimit: 2, ChannelWindow: 500 * time.Millisecond},
		fakes.TelegramOptions{Chats: []string{"7"}})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_TELEGRAM_CHATS"] = "7"
	startDaemon(t, env)
	waitFor(t, "the first poll", func() bool { return feed.Requests() >= 2 })

	p.discord.FailNext(2, http.StatusTooManyRequests, `{"message":"You are being rate limited.","retry_after":0.2,"global":false}`)
	p.telegram.FailNext(1, http.StatusTooManyRequests, "Too Many Requests: retry after 1", 1)
	const n = 6
	for i := 1; i <= n; i++ {
		feed.Add(wireItem(i))
	}
	waitFor(t, "every post", func() bool {
		return len(p.discord.Messages(channel)) >= n && len(p.telegram.Messages("7")) >= n
	})
	for name, heads := range map[string][]string{
		"discord":  discordTitles(p.discord.Messages(channel)),
		"telegram": telegramHeads(p.telegram.Messages("7")),
	} {
		if len(heads) != n {
			t.Errorf("%s: %d posts, want %d", name, len(heads), n)
		}
		for i, h := range heads {
			if want := wireItem(i + 1).Title; !strings.Contains(h, want) {
				t.Errorf("%s post %d is %q, want %q (publish order)", name, i, h, want)
			}
		}
	}
	if p.discord.RateLimited() != 2 || p.telegram.RateLimited() != 1 {
		t.Errorf("429s answered: discord %d telegram %d; want only the injected 2 and 1", p.discord.RateLimited(), p.telegram.RateLimited())
	}
}

func TestEndToEndBadInputIsLoggedAndOthersKeepDelivering(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	good := feedtest.New("The Daily Example", oldItem(1))
	defer good.Close()
	hostile := feedtest.New("Hostile Example", oldItem(2))
	defer hostile.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>cut off`))
	}))
	defer broken.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer slow.Close()

	env := p.env(filepath.Join(t.TempDir(), "herald.db"), good.URL(), hostile.URL(), broken.URL+"/feed", slow.URL+"/feed")
	env["HERALD_FEED_TIMEOUT"] = "300ms"
	d := startDaemon(t, env)
	waitFor(t, "first polls", func() bool { return good.Requests() >= 2 && hostile.Requests() >= 2 })

	evil := "@everyone <script>alert(1)</script> </b><a href=\"javascript:x\">**bold** [x](http://evil.example)" + strings.Repeat(" overlong", 2200)
	hostile.Add(feedtest.Item{GUID: "evil-1", Title: evil, Link: "https://hostile.example/1",
		Description: "<p>@here <@&123> Click <b>me</b> & win — a lead that tries every trick in the book.</p>", Published: published})
	good.Add(wireItem(1))

	waitFor(t, "both articles on both platforms", func() bool {
		return len(p.discord.Messages(channel)) == 2 && len(p.telegram.Messages(chat)) == 2
	})
	for _, m := range p.discord.Messages(channel) {
		if !strings.Contains(string(m.Raw), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("discord post may ping: %s", m.Raw)
		}
		title := m.Body["embeds"].([]any)[0].(map[string]any)["title"].(string)
		if len([]rune(title)) > 256 {
			t.Errorf("title over the limit: %d", len([]rune(title)))
		}
	}
	for _, m := range p.telegram.Messages(chat) {
		if strings.Contains(m.Text, "<script>") || strings.Contains(m.Text, "javascript:") {
			t.Errorf("telegram post carries markup from the article: %q", m.Text)
		}
	}
	logs := d.stderr.String()
	for _, want := range []string{broken.URL + "/feed", slow.URL + "/feed", "feed poll failed"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs do not mention %q:\n%s", want, logs)
		}
	}
	if d.stop(t) != 0 {
		t.Error("herald did not exit cleanly")
	}
	for _, secret := range []string{discordToken, telegramToken} {
		if strings.Contains(d.stderr.String()+d.stdout.String(), secret) {
			t.Errorf("a token reached the logs")
		}
	}
}

func TestEndToEndConsoleOutletWithoutTokens(t *testing.T) {
	feed := feedtest.New("The Daily Example", oldItem(3), oldItem(2), oldItem(1))
	defer feed.Close()
	d := startDaemon(t, map[string]string{
		"HERALD_FEEDS":     feed.URL(),
		"HERALD_BACKLOG":   "2",
		"HERALD_DATABASE":  filepath.Join(t.TempDir(), "herald.db"),
		"HERALD_HTTP_ADDR": "127.0.0.1:0",
	})

	var health string
	waitFor(t, "the health endpoint", func() bool {
		_, rest, ok := strings.Cut(d.stderr.String(), `health endpoint listening" url=`)
		health, _, _ = strings.Cut(rest, "\n")
		return ok && strings.HasSuffix(health, "/healthz")
	})
	resp, err := http.Get(health)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != `{"status":"ok"}` {
		t.Errorf("GET /healthz: %d %s", resp.StatusCode, body)
	}
	waitFor(t, "two posts on standard output", func() bool { return strings.Count(d.stdout.String(), "https://news.example/old-") == 2 })
	out := d.stdout.String()
	// The backlog is the two newest items, printed oldest first.
	i2, i1 := strings.Index(out, "An older story 2"), strings.Index(out, "An older story 1")
	if i2 < 0 || i1 < 0 || i2 > i1 || strings.Contains(out, "An older story 3") {
		t.Fatalf("stdout:\n%s", out)
	}
}

func TestRunRejectsBadConfigurationWithExitCode2(t *testing.T) {
	setEnv(t, map[string]string{"HERALD_FEEDS": "https://news.example/rss", "HERALD_POLL_INTERVAL": "often", "HERALD_DATABASE": "postgres://db/herald"})
	var stdout, stderr logtest.Buffer
	if code := runMain(t.Context(), []string{"run"}, &stdout, &stderr); code != exitUsage {
		t.Fatalf("exit code %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"HERALD_POLL_INTERVAL", `"often" is not a Go duration`} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
	setEnv(t, map[string]string{"HERALD_FEEDS": "https://news.example/rss", "HERALD_DATABASE": "postgres:///herald"})
	stderr = logtest.Buffer{}
	if code := runMain(t.Context(), []string{"run"}, &stdout, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "is not a PostgreSQL URL") {
		t.Fatalf("postgres without a host: exit %d, stderr %q", code, stderr.String())
	}
}

func discordTitles(ms []fakes.DiscordMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Body["embeds"].([]any)[0].(map[string]any)["title"].(string))
	}
	return out
}

func telegramHeads(ms []fakes.TelegramMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, strings.SplitN(m.Plain, "\n", 2)[0])
	}
	return out
}

func fakesDiscordOptions(channels []string) fakes.DiscordOptions {
	return fakes.DiscordOptions{Channels: channels}
}

func fakesTelegramOptions(chats []string) fakes.TelegramOptions {
	return fakes.TelegramOptions{Chats: chats}
}

func TestSecondDaemonOnTheSameDatabaseRefusesToStart(t *testing.T) {
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := map[string]string{
		"HERALD_FEEDS":     feed.URL(),
		"HERALD_DATABASE":  filepath.Join(t.TempDir(), "herald.db"),
		"HERALD_HTTP_ADDR": "",
	}
	startDaemon(t, env)
	waitFor(t, "the first daemon to poll", func() bool { return feed.Requests() >= 1 })
	var stdout, stderr logtest.Buffer
	if code := runMain(t.Context(), []string{"run"}, &stdout, &stderr); code != exitFailure {
		t.Fatalf("second daemon: exit %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr.String(), "another herald is already running") {
		t.Fatalf("stderr: %s", stderr.String())
	}
}

func TestRunStopsOnARefusedToken(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	for _, key := range []string{"HERALD_DISCORD_TOKEN", "HERALD_TELEGRAM_TOKEN"} {
		env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
		env[key] = "1:WRONG-SECRET"
		setEnv(t, env)
		var stdout, stderr logtest.Buffer
		if code := runMain(t.Context(), []string{"run"}, &stdout, &stderr); code != exitFailure {
			t.Fatalf("%s refused: exit %d, want %d", key, code, exitFailure)
		}
		if !strings.Contains(stderr.String(), "check "+key) || strings.Contains(stderr.String(), "WRONG-SECRET") {
			t.Errorf("%s refused: stderr %s", key, stderr.String())
		}
	}
}
