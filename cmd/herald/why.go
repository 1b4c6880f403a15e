package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/config"
	"github.com/heraldhq/herald/extract"
	"github.com/heraldhq/herald/store/sqlite"
)

// why tells, for each target, what happened to one article: sent as which
// message, pending until when and why, failed for what reason, or never
// routed there and why. It reads the database while a daemon runs.
func why(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		fmt.Fprintf(stderr, "herald why: want one article URL or key\n\n%s", usage)
		return exitUsage
	}
	if _, err := os.Stat(cfg.Database); err != nil {
		fmt.Fprintf(stderr, "herald why: no database at %s (HERALD_DATABASE): %v\n", cfg.Database, err)
		return exitFailure
	}
	st, err := sqlite.Open(ctx, cfg.Database)
	if err != nil {
		fmt.Fprintln(stderr, "herald why:", err)
		return exitFailure
	}
	defer st.Close()
	article, lines, err := whyLines(ctx, cfg, st, args[0])
	if errors.Is(err, herald.ErrNotFound) {
		fmt.Fprintln(stderr, "herald why: no article with that URL or key has been seen")
		return exitFailure
	}
	if err != nil {
		fmt.Fprintln(stderr, "herald why:", err)
		return exitFailure
	}
	fmt.Fprintf(stdout, "article    %s\nurl        %s\nkey        %s\nfeed       %s\npublished  %s\n\n",
		article.Headline, article.URL, article.Key, article.Feed, stamp(article.Published))
	if len(lines) == 0 {
		fmt.Fprintln(stdout, "no target is configured, and no follow routed it anywhere")
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l.target))
	}
	for _, l := range lines {
		fmt.Fprintf(stdout, "%-*s  %s\n", width, l.target, l.text)
	}
	return exitOK
}

// whyLines finds the article ref names and says what happened to it on
// each target.
func whyLines(ctx context.Context, cfg config.Config, st herald.Store, ref string) (herald.Article, []whyLine, error) {
	article, deliveries, err := trace(ctx, st, ref)
	if err != nil {
		return herald.Article{}, nil, err
	}
	paused, err := st.PausedTargets(ctx)
	if err != nil {
		return herald.Article{}, nil, err
	}
	moves, err := st.Moves(ctx)
	if err != nil {
		return herald.Article{}, nil, err
	}
	return article, explain(whyInput{
		deliveries: deliveries,
		targets:    cfg.Targets(),
		platforms:  configuredPlatforms(cfg),
		paused:     paused,
		moves:      moves,
		backlog:    cfg.Backlog,
		now:        time.Now(),
	}), nil
}

// whyReplier answers the chat command why with whyLines.
func whyReplier(cfg config.Config, st herald.Store) func(context.Context, string) (string, []string, error) {
	return func(ctx context.Context, ref string) (string, []string, error) {
		article, lines, err := whyLines(ctx, cfg, st, ref)
		if err != nil {
			return "", nil, err
		}
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = l.target + ": " + l.text
		}
		return article.Headline, out, nil
	}
}

// trace finds the article a reader named: by its key, its canonical URL,
// or its GUID or URL written without the key's prefix.
func trace(ctx context.Context, st herald.Store, ref string) (herald.Article, []herald.Delivery, error) {
	ref = strings.TrimSpace(ref)
	canonical := extract.CanonicalURL(ref)
	var err error
	for _, r := range []string{ref, canonical, "guid:" + ref, "url:" + canonical} {
		var a herald.Article
		var ds []herald.Delivery
		a, ds, err = st.Trace(ctx, r)
		if !errors.Is(err, herald.ErrNotFound) {
			return a, ds, err
		}
	}
	return herald.Article{}, nil, err
}

// configuredPlatforms lists the platforms the configuration posts to.
func configuredPlatforms(cfg config.Config) map[herald.Platform]bool {
	ps := make(map[herald.Platform]bool)
	for _, t := range cfg.Targets() {
		ps[t.Platform] = true
	}
	if cfg.DiscordToken != "" {
		ps[herald.Discord] = true
	}
	if cfg.TelegramToken != "" {
		ps[herald.Telegram] = true
	}
	return ps
}

// whyInput is what explain reads.
type whyInput struct {
	// deliveries are the article's, one per target it was routed to.
	deliveries []herald.Delivery
	// targets are the configured targets, which receive every article.
	targets []herald.Target
	// platforms are the platforms with a sender.
	platforms map[herald.Platform]bool
	paused    map[herald.Target]string
	moves     map[herald.Target]herald.Target
	backlog   int
	now       time.Time
}

// whyLine says what happened on one target.
type whyLine struct {
	target string
	text   string
}

// explain says what happened to an article on each configured target and
// each target it was routed to: the configured ones first, in their order,
// then the others (followers) in the deliveries' order.
//
// A configured target without a delivery was left out when the article was
// first seen. The store does not say when a feed was first ingested, so the
// reason is told from the other deliveries: none at all means the article
// came in the first fetch of its feed, beyond the backlog; some means the
// article was routed, but not to this target, which was added (or resumed)
// since, or was paused then.
func explain(in whyInput) []whyLine {
	byTarget := make(map[herald.Target]herald.Delivery, len(in.deliveries))
	var seen time.Time
	for _, d := range in.deliveries {
		byTarget[d.Target] = d
		if seen.IsZero() || d.Created.Before(seen) {
			seen = d.Created
		}
	}
	var lines []whyLine
	done := make(map[herald.Target]bool)
	for _, t := range in.targets {
		if done[t] {
			continue
		}
		done[t] = true
		if d, ok := byTarget[t]; ok {
			lines = append(lines, whyLine{t.String(), describeDelivery(d, in)})
			continue
		}
		lines = append(lines, whyLine{t.String(), notRouted(t, in, seen)})
	}
	for _, d := range in.deliveries {
		if !done[d.Target] {
			done[d.Target] = true
			lines = append(lines, whyLine{d.Target.String(), describeDelivery(d, in)})
		}
	}
	return lines
}

// describeDelivery says where a delivery stands.
func describeDelivery(d herald.Delivery, in whyInput) string {
	switch d.State {
	case herald.Sent:
		if !d.Sent.IsZero() {
			return fmt.Sprintf("sent %s as message %s (queued %s)", stamp(d.Sent), d.MessageID, stamp(d.Created))
		}
		return fmt.Sprintf("sent as message %s (queued %s)", d.MessageID, stamp(d.Created))
	case herald.Failed:
		s := "failed: " + d.LastError
		if d.Attempts > 0 {
			s += fmt.Sprintf(" (after %d failed attempt(s))", d.Attempts)
		}
		return s
	case herald.Pending:
		var s string
		switch {
		case !in.platforms[d.Target.Platform]:
			s = fmt.Sprintf("pending: %s is not configured; it waits for HERALD_%s_TOKEN", d.Target.Platform, strings.ToUpper(string(d.Target.Platform)))
		case d.Attempts > 0:
			s = fmt.Sprintf("pending: attempt %d failed (%s); next try %s", d.Attempts, d.LastError, stamp(d.NextAttempt))
		case d.NextAttempt.After(in.now):
			s = fmt.Sprintf("pending: queued %s; first try %s", stamp(d.Created), stamp(d.NextAttempt))
		default:
			s = fmt.Sprintf("pending: queued %s; next in its target's queue, sent in publish order", stamp(d.Created))
		}
		if reason := in.paused[d.Target]; reason != "" {
			s += "; the target is paused: " + reason
		}
		return s
	}
	return fmt.Sprintf("%s: %s", d.State, d.LastError)
}

// notRouted says why a configured target has no delivery of the article.
func notRouted(t herald.Target, in whyInput, seen time.Time) string {
	if to, ok := in.moves[t]; ok {
		return "moved: the chat is now " + to.String()
	}
	reason := in.paused[t]
	if len(in.deliveries) > 0 {
		if reason != "" {
			return "paused: " + reason
		}
		return "not routed: target added after the article was seen (" + stamp(seen) + ")"
	}
	s := fmt.Sprintf("not routed: first sight of the feed (only the newest HERALD_BACKLOG=%d are posted)", in.backlog)
	if reason != "" {
		s += "; the target is paused now: " + reason
	}
	return s
}

// stamp writes a time as why prints it: UTC, to the second.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}
