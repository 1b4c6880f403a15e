package conformance_test

import (
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/poll"
)

// corpusDir returns the shared feeds corpus beside the repository, skipping
// the test when it is absent.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Skip(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if parent := filepath.Dir(dir); parent != dir {
			dir = parent
			continue
		}
		t.Skip("module root not found")
	}
	p := filepath.Join(dir, "..", "shared", "corpus", "feeds")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared feeds corpus absent (%v): skipping", err)
	}
	return p
}

// TestCorpusPostsAreAcceptedByBothPlatforms renders every item of every
// feed in the corpus and sends it through the real client libraries to the
// stand-ins: none may be refused (Telegram's HTML parser, Discord's embed
// limits), none may ping.
func TestCorpusPostsAreAcceptedByBothPlatforms(t *testing.T) {
	root := corpusDir(t)
	const token = "4242:conformance"
	tg := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7"},
		PerChatInterval: -1, GroupLimit: -1, GlobalLimit: -1})
	defer tg.Close()
	dc := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"},
		ChannelLimit: 1 << 20, GlobalLimit: -1})
	defer dc.Close()
	// The libraries, without Herald's pacing: this test is about what the
	// platforms accept, and the stand-ins' limits are off.
	tgBot, err := tgbotapi.NewBotAPIWithClient(token, tg.Endpoint(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	dcBot, err := discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(dc.URL())
	dcBot.Client = &http.Client{Timeout: 10 * time.Second, Transport: fakes.RewriteTransport(base)}

	var feeds, items int
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".json") && strings.Contains(path, "expected") ||
			strings.HasSuffix(path, ".tsv") || strings.HasSuffix(path, ".md") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		parsed, err := feed.Parse(f)
		if err != nil {
			return nil // a malformed input of the edge cases: feed's own tests cover the error
		}
		feeds++
		for _, a := range poll.Articles(parsed, "file://"+path, time.Now()) {
			items++
			params := formatter.Telegram(a).Params()
			params["chat_id"] = "7"
			if _, err := tgBot.MakeRequest("sendMessage", params); err != nil {
				t.Errorf("%s: item %q refused by Telegram: %v", rel(root, path), a.Key, err)
			}
			if _, err := dcBot.ChannelMessageSendComplex("111", formatter.Discord(a)); err != nil {
				t.Errorf("%s: item %q refused by Discord: %v", rel(root, path), a.Key, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if feeds < 30 || items < 500 {
		t.Fatalf("only %d feeds and %d items read: the corpus walk is broken", feeds, items)
	}
	for _, m := range dc.AllMessages() {
		if !strings.Contains(string(m.Raw), `"allowed_mentions":{"parse":[]`) {
			t.Fatalf("a Discord post may ping: %s", m.Raw)
		}
	}
	if n := len(tg.AllMessages()); n != items {
		t.Errorf("Telegram accepted %d of %d posts", n, items)
	}
	if n := len(dc.AllMessages()); n != items {
		t.Errorf("Discord accepted %d of %d posts", n, items)
	}
	t.Logf("%d feeds, %d items: every post accepted by both stand-ins", feeds, items)
}

func rel(root, path string) string {
	r, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return r
}
