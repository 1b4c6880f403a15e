package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/logtest"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr logtest.Buffer
	code := runMain(t.Context(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestPreviewJSONFeedNewestFirst(t *testing.T) {
	code, out, errOut := runCmd(t, "preview", "--json", filepath.Join("testdata", "preview-feed.xml"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want one per item:\n%s", len(lines), out)
	}
	var got []string
	for _, line := range lines {
		var obj struct {
			Article struct {
				URL      string `json:"url"`
				Headline string `json:"headline"`
				Dateline struct {
					Text, Place, Date, Agency string
				} `json:"dateline"`
				Lead      string   `json:"lead"`
				Topics    []string `json:"topics"`
				Image     string   `json:"image"`
				Published string   `json:"published"`
			} `json:"article"`
			Discord  map[string]any `json:"discord"`
			Telegram map[string]any `json:"telegram"`
		}
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("not JSON: %v: %s", err, line)
		}
		got = append(got, obj.Article.Published)
		if obj.Article.URL == "" || obj.Article.Headline == "" || obj.Article.Lead == "" || obj.Article.Topics == nil {
			t.Errorf("incomplete article: %s", line)
		}
		if am, _ := json.Marshal(obj.Discord["allowed_mentions"]); !strings.Contains(string(am), `"parse":[]`) {
			t.Errorf("discord body without allowed_mentions parse []: %s", line)
		}
		if obj.Telegram["parse_mode"] != "HTML" || obj.Telegram["text"] == "" {
			t.Errorf("telegram params: %v", obj.Telegram)
		}
		switch obj.Article.URL {
		case "https://harbour.example/news/ferry-vote":
			if obj.Article.Dateline.Place != "PORTSMOUTH" || obj.Article.Dateline.Date != "2024-04-08" ||
				obj.Article.Dateline.Agency != "Reuters" || !strings.HasPrefix(obj.Article.Lead, "The city council") {
				t.Errorf("dateline: %+v lead %q", obj.Article.Dateline, obj.Article.Lead)
			}
		case "https://harbour.example/news/dock-contract":
			if obj.Article.Dateline.Place != "SOUTHAMPTON" || obj.Article.Image != "https://harbour.example/img/docks.jpg" ||
				strings.Join(obj.Article.Topics, ",") != "Business,Labour" || !strings.HasPrefix(obj.Article.Lead, "Dock workers") {
				t.Errorf("dock item: %s", line)
			}
		}
	}
	if strings.Join(got, " ") != "2024-04-10T15:30:00Z 2024-04-09T07:15:00Z 2024-04-08T09:00:00Z" {
		t.Errorf("published order %v, want newest first", got)
	}
}

func TestPreviewPageFromFileAndURL(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "preview-page.html"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer srv.Close()
	for _, src := range []string{filepath.Join("testdata", "preview-page.html"), srv.URL + "/news/lighthouse"} {
		code, out, errOut := runCmd(t, "preview", src)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", src, code, errOut)
		}
		for _, want := range []string{
			"Lighthouse restoration finished after two years",
			`FALMOUTH (AP)  (place "FALMOUTH", date "", agency "AP")`,
			"Volunteers finished restoring",
			"── Discord", "── Telegram", "── Console",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", src, want, out)
			}
		}
		if strings.Contains(out, "Photo: Harbour Times") || strings.Contains(out, "By Jane Doe") {
			t.Errorf("%s: caption or byline taken for the lead:\n%s", src, out)
		}
	}
}

func TestPreviewErrors(t *testing.T) {
	if code, _, _ := runCmd(t, "preview"); code != exitUsage {
		t.Errorf("no argument: exit %d, want %d", code, exitUsage)
	}
	code, _, errOut := runCmd(t, "preview", filepath.Join(t.TempDir(), "missing.xml"))
	if code != exitFailure || !strings.Contains(errOut, "missing.xml") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
	broken := filepath.Join(t.TempDir(), "broken.xml")
	os.WriteFile(broken, []byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>x`), 0o644)
	if code, _, errOut := runCmd(t, "preview", broken); code != exitFailure || !strings.Contains(errOut, "broken.xml") {
		t.Errorf("broken feed: exit %d, %q", code, errOut)
	}
}

func TestCheckAllGood(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{BotUsername: "newsbot"}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1), oldItem(2))
	defer feed.Close()
	setEnv(t, p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL()))
	code, out, errOut := runCmd(t, "check")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"feed     ok", `"The Daily Example", 2 item(s)`,
		"discord  ok    logged in as newsbot", "channel 111",
		"telegram ok    logged in as @news_bot", "chat -1001234567890",
		"all checks passed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckSaysPreciselyWhatIsWrong(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	broken := httptest.NewServer(http.NotFoundHandler())
	defer broken.Close()
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), broken.URL+"/rss")
	env["HERALD_DISCORD_CHANNELS"] = "111,999"
	env["HERALD_TELEGRAM_TOKEN"] = "4242:WRONG-SECRET"
	setEnv(t, env)
	code, out, _ := runCmd(t, "check")
	if code != exitFailure {
		t.Fatalf("exit %d, want %d:\n%s", code, exitFailure, out)
	}
	for _, want := range []string{
		"feed     FAIL  " + broken.URL + "/rss", "HTTP 404",
		"discord  ok    channel 111",
		"discord  FAIL  channel 999", "10003",
		"telegram FAIL  identity (getMe)", "HERALD_TELEGRAM_TOKEN",
		"3 check(s) failed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "WRONG-SECRET") || strings.Contains(out, discordToken) {
		t.Errorf("a token reached the output:\n%s", out)
	}
}

func TestEnvAndVersion(t *testing.T) {
	code, out, _ := runCmd(t, "env")
	if code != exitOK {
		t.Fatalf("env exit %d", code)
	}
	for _, want := range []string{"KEY", "TYPE", "DEFAULT", "DESCRIPTION", "HERALD_FEEDS", "HERALD_POLL_INTERVAL", "2m", "Duration", "HERALD_TELEGRAM_API_URL", "https://api.telegram.org"} {
		if !strings.Contains(out, want) {
			t.Errorf("env lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCmd(t, "version")
	if code != exitOK || !strings.HasPrefix(out, "herald ") {
		t.Errorf("version: exit %d %q", code, out)
	}
	if code, _, _ := runCmd(t, "frobnicate"); code != exitUsage {
		t.Errorf("unknown command: exit %d", code)
	}
}

func TestPreviewPlainTextStory(t *testing.T) {
	code, out, errOut := runCmd(t, "preview", "--json", filepath.Join("testdata", "preview-story.txt"))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var obj struct {
		Article struct {
			Headline string
			Dateline struct{ Text, Place, Date, Agency string }
			Lead     string
			Topics   []string
		}
	}
	if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	a := obj.Article
	if a.Headline != "Lighthouse keepers cottage opens as a museum" || a.Dateline.Place != "FALMOUTH" ||
		a.Dateline.Date != "2024-04-12" || a.Dateline.Agency != "HT" ||
		!strings.HasPrefix(a.Lead, "The cottage where three generations") || strings.Join(a.Topics, ",") != "Local" {
		t.Errorf("article %+v", a)
	}
}

func TestPreviewFeedCompletesTeasersFromTheirPages(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("testdata", "preview-page.html"))
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	var pageHits atomic.Int32
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			w.Header().Set("Content-Type", "application/rss+xml")
			io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Times</title><link>`+srv.URL+`/</link>`+
				`<item><title>Lighthouse restoration finished after two years</title><link>`+srv.URL+`/news/lighthouse</link>`+
				`<guid>lighthouse</guid><description>The lighthouse is back.</description><pubDate>Mon, 08 Apr 2024 09:00:00 GMT</pubDate></item>`+
				`</channel></rss>`)
		case "/news/lighthouse":
			pageHits.Add(1)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	code, out, errOut := runCmd(t, "preview", srv.URL+"/feed")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := pageHits.Load(); n != 1 {
		t.Errorf("the article page was read %d times, want once", n)
	}
	for _, want := range []string{`FALMOUTH (AP)  (place "FALMOUTH"`, "Volunteers finished restoring"} {
		if !strings.Contains(out, want) {
			t.Errorf("the teaser was not completed from its page: output lacks %q:\n%s", want, out)
		}
	}
}
