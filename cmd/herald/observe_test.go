package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/internal/promtext"
	"github.com/heraldhq/herald/metrics"
	"github.com/heraldhq/herald/poll"
)

var healthURL = regexp.MustCompile(`health endpoint listening.*?(http://[^\s"]+)/healthz`)

// httpBase waits for the daemon's HTTP server and returns its base URL,
// as the daemon logged it.
func httpBase(t *testing.T, d *daemon) string {
	t.Helper()
	var base string
	waitFor(t, "the HTTP server", func() bool {
		m := healthURL.FindStringSubmatch(d.stderr.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})
	return base
}

// get fetches base+path and returns the status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// scrape reads /metrics into a map from each series, written as
// Prometheus does (labels in name order, le last), to its value.
func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", code, body)
	}
	out, err := promtext.Samples(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readyAnswer is /readyz's answer.
type readyAnswer struct {
	Status string
	Checks []struct {
		Name   string
		OK     bool
		Detail string
	}
}

func readyz(t *testing.T, base string) (int, readyAnswer) {
	t.Helper()
	code, body := get(t, base+"/readyz")
	var a readyAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("GET /readyz: %d %q: %v", code, body, err)
	}
	return code, a
}

// failing lists the names of the checks that failed.
func (a readyAnswer) failing() []string {
	var out []string
	for _, c := range a.Checks {
		if !c.OK {
			out = append(out, c.Name+": "+c.Detail)
		}
	}
	return out
}

func (a readyAnswer) names() []string {
	var out []string
	for _, c := range a.Checks {
		out = append(out, c.Name)
	}
	return out
}

func TestEndToEndMetricsAndStructuredLogs(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_HTTP_ADDR"] = "127.0.0.1:0"
	env["HERALD_LOG_FORMAT"] = "json"
	d := startDaemon(t, env)
	base := httpBase(t, d)
	waitFor(t, "two polls", func() bool { return feed.Requests() >= 2 })

	p.discord.FailNext(1, http.StatusTooManyRequests, `{"message":"You are being rate limited.","retry_after":0.2,"global":false}`)
	const n = 3
	for i := 1; i <= n; i++ {
		feed.Add(wireItem(i))
	}
	waitFor(t, "every post", func() bool {
		return len(p.discord.Messages(channel)) == n && len(p.telegram.Messages(chat)) == n
	})
	var m map[string]float64
	waitFor(t, "an empty outbox", func() bool {
		m = scrape(t, base)
		return m[`herald_outbox_pending{platform="discord"}`] == 0 && m[`herald_outbox_pending{platform="telegram"}`] == 0
	})
	if d.stop(t) != 0 {
		t.Fatal("herald did not exit cleanly")
	}
	t.Run("metrics", func(t *testing.T) { checkMetrics(t, m, p, n) })
	t.Run("json logs", func(t *testing.T) { checkJSONLogs(t, d.stderr.String(), feed.URL(), 2*n) })
}

// checkMetrics checks a scrape taken after n articles were posted on both
// platforms, with one 429 from Discord on the way.
func checkMetrics(t *testing.T, m map[string]float64, p fakePlatforms, n int) {
	for series, want := range map[string]float64{
		`herald_deliveries_total{outcome="sent",platform="discord"}`:         float64(len(p.discord.Messages(channel))),
		`herald_deliveries_total{outcome="sent",platform="telegram"}`:        float64(len(p.telegram.Messages(chat))),
		`herald_deliveries_total{outcome="rate_limited",platform="discord"}`: float64(p.discord.RateLimited()),
		`herald_rate_limited_total{platform="discord"}`:                      1,
		`herald_rate_limited_total{platform="telegram"}`:                     0,
		`herald_deliveries_total{outcome="retry",platform="discord"}`:        0,
		`herald_deliveries_total{outcome="failed",platform="telegram"}`:      0,
		`herald_delivery_latency_seconds_count{platform="discord"}`:          float64(n),
		`herald_delivery_latency_seconds_count{platform="telegram"}`:         float64(n),
		`herald_articles_discovered_total`:                                   float64(n + 1),
		`herald_feed_fetches_total{outcome="error"}`:                         0,
		`herald_outbox_oldest_seconds`:                                       0,
	} {
		if got, ok := m[series]; !ok || got != want {
			t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
		}
	}
	if m[`herald_feed_fetches_total{outcome="ok"}`] < 2 {
		t.Errorf("feed fetches ok = %v, want at least 2", m[`herald_feed_fetches_total{outcome="ok"}`])
	}
	if _, ok := m["process_start_time_seconds"]; !ok {
		t.Error("no process metrics")
	}
}

// checkJSONLogs checks that every line is a JSON record, that each line
// about a poll names its feed, and that each line about an article on a
// target names the feed, the article's URL and the target.
func checkJSONLogs(t *testing.T, logs, feedURL string, posts int) {
	posted := 0
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not a JSON record: %q", line)
		}
		if rec["msg"] == "posted" {
			posted++
		}
		_, hasURL := rec["url"]
		_, hasTarget := rec["target"]
		if rec["msg"] == "feed polled" && rec["feed"] != feedURL {
			t.Errorf("a poll line without its feed: %s", line)
		}
		if hasURL && hasTarget {
			for _, k := range []string{"feed", "url", "target"} {
				if s, _ := rec[k].(string); s == "" {
					t.Errorf("a line about an article on a target lacks %q: %s", k, line)
				}
			}
		}
	}
	if posted != posts {
		t.Errorf("%d posted lines, want %d", posted, posts)
	}
}

// switchable serves next, or answers every request with status and body
// while its switch is on.
type switchable struct {
	on     atomic.Bool
	status int
	body   string
	next   http.Handler
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.on.Load() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s.status)
		io.WriteString(w, s.body)
		return
	}
	s.next.ServeHTTP(w, r)
}

func proxy(t *testing.T, to string) *httputil.ReverseProxy {
	t.Helper()
	u, err := url.Parse(to)
	if err != nil {
		t.Fatal(err)
	}
	return httputil.NewSingleHostReverseProxy(u)
}

func TestEndToEndReadiness(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	// Telegram and the feed behind switches: the token revoked, the feed
	// down.
	revoked := &switchable{status: http.StatusUnauthorized, body: `{"ok":false,"error_code":401,"description":"Unauthorized"}`,
		next: proxy(t, p.telegram.URL())}
	tg := httptest.NewServer(revoked)
	defer tg.Close()
	down := &switchable{status: http.StatusInternalServerError, body: "{}", next: proxy(t, strings.TrimSuffix(feed.URL(), "/feed.xml"))}
	feedSrv := httptest.NewServer(down)
	defer feedSrv.Close()
	feedURL := feedSrv.URL + "/feed.xml"

	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feedURL)
	env["HERALD_TELEGRAM_API_URL"] = tg.URL
	env["HERALD_HTTP_ADDR"] = "127.0.0.1:0"
	env["HERALD_COMMANDS"] = "false"
	d := startDaemon(t, env)
	base := httpBase(t, d)

	waitFor(t, "the first poll", func() bool { return feed.Requests() >= 1 })
	code, a := readyz(t, base)
	if code != http.StatusOK || a.Status != "ready" || len(a.failing()) != 0 {
		t.Fatalf("GET /readyz with everything fine: %d %+v", code, a)
	}
	if got := strings.Join(a.names(), ","); got != "store,discord,telegram,feeds" {
		t.Errorf("checks %s, want store,discord,telegram,feeds", got)
	}

	// The only feed fails.
	down.on.Store(true)
	waitFor(t, "not ready while every feed fails", func() bool {
		code, a = readyz(t, base)
		return code == http.StatusServiceUnavailable
	})
	if f := a.failing(); len(f) != 1 || !strings.HasPrefix(f[0], "feeds: every fetched feed is failing") || a.Status != "unavailable" {
		t.Errorf("failing checks %q, status %q", f, a.Status)
	}
	down.on.Store(false)
	waitFor(t, "ready once the feed is back", func() bool {
		code, _ = readyz(t, base)
		return code == http.StatusOK
	})

	// Telegram refuses the token: the failed send has the identity
	// checked again.
	revoked.on.Store(true)
	feed.Add(wireItem(1))
	waitFor(t, "not ready while Telegram refuses the token", func() bool {
		code, a = readyz(t, base)
		return code == http.StatusServiceUnavailable
	})
	if f := a.failing(); len(f) != 1 || !strings.HasPrefix(f[0], "telegram: token refused") {
		t.Errorf("failing checks %q", f)
	}
	waitFor(t, "the post on Discord", func() bool { return len(p.discord.Messages(channel)) == 1 })
	revoked.on.Store(false)
	waitFor(t, "ready and posted once the token is accepted again", func() bool {
		code, _ = readyz(t, base)
		return code == http.StatusOK && len(p.telegram.Messages(chat)) == 1
	})
	if strings.Contains(d.stderr.String(), telegramToken) {
		t.Error("the token reached the logs")
	}
}

// The metrics tell a gone feed by the LastError the watcher saves.
func TestGoneFeedsCountAsGone(t *testing.T) {
	if got := metrics.FetchOutcome(poll.GonePrefix + ": feed: HTTP 410 Gone"); got != metrics.FetchGone {
		t.Errorf("a gone feed's state counts as %q", got)
	}
}
