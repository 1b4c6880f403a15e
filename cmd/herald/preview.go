package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/mmcdole/gofeed"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/extract"
	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/pages"
	"github.com/heraldhq/herald/poll"
)

// previewJSON is one line of `herald preview --json`.
type previewJSON struct {
	Article  articleJSON               `json:"article"`
	Discord  *discordgo.MessageSend    `json:"discord"`
	Telegram formatter.TelegramMessage `json:"telegram"`
}

type articleJSON struct {
	URL       string          `json:"url"`
	Headline  string          `json:"headline"`
	Dateline  herald.Dateline `json:"dateline"`
	Lead      string          `json:"lead"`
	Topics    []string        `json:"topics"`
	Image     string          `json:"image"`
	Published string          `json:"published"`
	Source    string          `json:"source"`
}

// preview prints the extracted article and both renderings for an article
// page or for every item of a feed, newest first.
func preview(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("preview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per article")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: herald preview [--json] URL|FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	articles, err := load(ctx, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "herald preview:", err)
		return exitFailure
	}
	sort.SliceStable(articles, func(i, j int) bool { return articles[i].Published.After(articles[j].Published) })
	for i, a := range articles {
		if *asJSON {
			err = writeJSON(stdout, a)
		} else {
			err = writeText(stdout, a, i+1, len(articles))
		}
		if err != nil {
			fmt.Fprintln(stderr, "herald preview:", err)
			return exitFailure
		}
	}
	return exitOK
}

// load reads a URL or a file and extracts its articles: every item of a
// feed, or the one article of a page or of a story saved as plain text.
func load(ctx context.Context, src string) ([]herald.Article, error) {
	var body []byte
	var contentType string
	base := src
	if u, err := url.Parse(src); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		body, contentType, err = feed.NewFetcher(userAgent(), 0, 0).Get(ctx, src)
		if err != nil {
			return nil, err
		}
	} else {
		body, err = os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		if abs, err := filepath.Abs(src); err == nil {
			base = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
		}
	}
	// A feed, even a damaged or mislabelled one that feed repairs; else
	// a page or a plain-text story.
	parsed, err := feed.ParseContentType(body, contentType)
	if err != nil && gofeed.DetectFeedType(bytes.NewReader(body)) != gofeed.FeedTypeUnknown {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	if err == nil {
		articles := poll.Articles(parsed, src, time.Now())
		if base == src {
			// A feed on the web: complete teaser items from their pages,
			// as the daemon does for new articles.
			pages.New(feed.NewFetcher(userAgent(), 30*time.Second, 5<<20), pages.Options{}).Enrich(ctx, articles)
		}
		return articles, nil
	}
	var a herald.Article
	if extract.IsHTML(string(body)) {
		a, err = extract.FromPage(bytes.NewReader(body), base)
	} else {
		a, err = extract.FromText(string(body), base)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	return []herald.Article{a}, nil
}

func toJSON(a herald.Article) articleJSON {
	j := articleJSON{
		URL: a.URL, Headline: a.Headline, Dateline: a.Dateline, Lead: a.Lead,
		Topics: a.Topics, Image: a.Image, Source: a.Source,
	}
	if j.Topics == nil {
		j.Topics = []string{}
	}
	if !a.Published.IsZero() {
		j.Published = a.Published.UTC().Format(time.RFC3339)
	}
	return j
}

func writeJSON(w io.Writer, a herald.Article) error {
	line, err := json.Marshal(previewJSON{Article: toJSON(a), Discord: formatter.Discord(a), Telegram: formatter.Telegram(a)})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", line)
	return err
}

func writeText(w io.Writer, a herald.Article, n, total int) error {
	j := toJSON(a)
	var b strings.Builder
	fmt.Fprintf(&b, "━━ Article %d of %d ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n", n, total)
	field := func(name, value string) { fmt.Fprintf(&b, "%-10s %s\n", name, value) }
	field("URL", j.URL)
	field("Headline", j.Headline)
	if a.Dateline.IsZero() {
		field("Dateline", "(none)")
	} else {
		field("Dateline", fmt.Sprintf("%s  (place %q, date %q, agency %q)", a.Dateline.Text, a.Dateline.Place, a.Dateline.Date, a.Dateline.Agency))
	}
	field("Lead", j.Lead)
	field("Topics", strings.Join(j.Topics, ", "))
	field("Image", j.Image)
	field("Published", j.Published)
	field("Source", j.Source)

	discordJSON, err := json.MarshalIndent(formatter.Discord(a), "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(&b, "\n── Discord: POST /channels/{id}/messages ──\n%s\n", discordJSON)
	tg := formatter.Telegram(a)
	fmt.Fprintf(&b, "\n── Telegram: sendMessage (parse_mode %s) ──\n%s\n", tg.ParseMode, tg.Text)
	fmt.Fprintf(&b, "\n── Console ──\n%s\n\n", strings.TrimRight(formatter.Console(a), "\n"))
	_, err = io.WriteString(w, b.String())
	return err
}
