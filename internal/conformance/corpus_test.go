package conformance_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/extract"
	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/sharedtest"
	"github.com/heraldhq/herald/poll"
)

// corpusDir returns the shared feeds corpus beside the repository, skipping
// the test when it is absent.
func corpusDir(t *testing.T) string {
	t.Helper()
	return sharedDir(t, "corpus", "feeds")
}

// sharedDir returns a directory of the shared test material, skipping the
// test when it is absent.
func sharedDir(t *testing.T, elem ...string) string {
	t.Helper()
	return sharedtest.Path(t, path.Join(elem...))
}

// standIns are the two platforms' stand-ins, limits off, and the real
// client libraries pointed at them.
type standIns struct {
	tg    *fakes.Telegram
	dc    *fakes.Discord
	tgBot *tgbotapi.BotAPI
	dcBot *discordgo.Session
}

func newStandIns(t *testing.T) standIns {
	t.Helper()
	const token = "4242:conformance"
	s := standIns{
		tg: fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7"},
			PerChatInterval: -1, GroupLimit: -1, GlobalLimit: -1}),
		dc: fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"},
			ChannelLimit: 1 << 20, GlobalLimit: -1}),
	}
	t.Cleanup(func() { s.tg.Close(); s.dc.Close() })
	var err error
	s.tgBot, err = tgbotapi.NewBotAPIWithClient(token, s.tg.Endpoint(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s.dcBot, err = discordgo.New("Bot " + token)
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(s.dc.URL())
	s.dcBot.Client = &http.Client{Timeout: 10 * time.Second, Transport: fakes.RewriteTransport(base)}
	return s
}

// post sends the article to both stand-ins and reports refusals.
func (s standIns) post(t *testing.T, name string, a herald.Article) {
	t.Helper()
	params := formatter.Telegram(a).Params()
	params["chat_id"] = "7"
	if _, err := s.tgBot.MakeRequest("sendMessage", params); err != nil {
		t.Errorf("%s: refused by Telegram: %v", name, err)
	}
	if _, err := s.dcBot.ChannelMessageSendComplex("111", formatter.Discord(a)); err != nil {
		t.Errorf("%s: refused by Discord: %v", name, err)
	}
}

// TestPagesAndHostileArticlesAreAcceptedByBothPlatforms renders the
// articles of every corpus page, the seed story and hostile headlines, and
// sends them through the real libraries to the stand-ins.
func TestPagesAndHostileArticlesAreAcceptedByBothPlatforms(t *testing.T) {
	s := newStandIns(t)
	n := 0
	hostile := []string{
		"<b>unclosed & <i>tags</b>", "@everyone @here <@123> <@&456> <#789>", "**bold** __u__ ~~s~~ ||spoiler|| `code` [link](https://evil.example)",
		"\u202eevil\u202c right-to-left", "مرحبا بالعالم — שלום עולם", "👩‍👩‍👧‍👦🇳🇿" + strings.Repeat("😀", 3000),
		"&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;", strings.Repeat("word ", 2000), "\x00\x1b[31mred", "#hashtag # #2024 #_",
	}
	for i, h := range hostile {
		n++
		s.post(t, fmt.Sprintf("hostile %d", i), herald.Article{
			Key: fmt.Sprint(i), URL: "https://news.example/" + fmt.Sprint(i), Headline: h, Lead: h,
			Dateline: herald.Dateline{Text: h}, Topics: []string{h, "World"}, Source: h,
		})
	}
	root := sharedDir(t, "corpus", "articles", "readability")
	pages, err := filepath.Glob(filepath.Join(root, "*", "source.html"))
	if err != nil || len(pages) < 50 {
		t.Fatalf("%d corpus pages (%v)", len(pages), err)
	}
	for _, p := range pages {
		html, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		a, err := extract.FromPage(bytes.NewReader(html), "http://fakehost/test/page.html")
		if err != nil {
			continue // a page without an article: extract's own tests cover it
		}
		n++
		s.post(t, rel(root, p), a)
	}
	if seed, err := os.ReadFile(filepath.Join(sharedDir(t, "seed"), "000_409110388c7394ba.txt")); err == nil {
		if a, err := extract.FromText(string(seed), ""); err == nil {
			n++
			s.post(t, "seed", a)
		}
	}
	if got := len(s.tg.AllMessages()); got != n {
		t.Errorf("Telegram accepted %d of %d posts", got, n)
	}
	if got := len(s.dc.AllMessages()); got != n {
		t.Errorf("Discord accepted %d of %d posts", got, n)
	}
	t.Logf("%d articles (hostile, corpus pages, seed): every post accepted by both stand-ins", n)
}

// TestCorpusPostsAreAcceptedByBothPlatforms renders every item of every
// feed in the corpus and sends it through the real client libraries to the
// stand-ins: none may be refused (Telegram's HTML parser, Discord's embed
// limits), none may ping.
func TestCorpusPostsAreAcceptedByBothPlatforms(t *testing.T) {
	root := corpusDir(t)
	s := newStandIns(t)
	var feeds, items int
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
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
			s.post(t, rel(root, path)+": item "+a.Key, a)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if feeds < 30 || items < 500 {
		t.Fatalf("only %d feeds and %d items read: the corpus walk is broken", feeds, items)
	}
	for _, m := range s.dc.AllMessages() {
		if !strings.Contains(string(m.Raw), `"allowed_mentions":{"parse":[]`) {
			t.Fatalf("a Discord post may ping: %s", m.Raw)
		}
	}
	if n := len(s.tg.AllMessages()); n != items {
		t.Errorf("Telegram accepted %d of %d posts", n, items)
	}
	if n := len(s.dc.AllMessages()); n != items {
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
