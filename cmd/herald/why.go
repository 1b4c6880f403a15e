package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/config"
	"github.com/heraldhq/herald/extract"
	"github.com/heraldhq/herald/route"
)

// why tells, for each target, what happened to one article: sent as which
// message, pending until when and why, failed for what reason, or never
// routed there and why. It reads the database while a daemon runs.
func why(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		fmt.Fprintf(stderr, "herald why: want one article URL or key\n\n%s", usage)
		return exitUsage
	}
	st, err := openDatabase(ctx, cfg)
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
	revs, err := st.Revisions(ctx, article.Key)
	if err != nil {
		fmt.Fprintln(stderr, "herald why: corrections:", err)
		return exitFailure
	}
	if len(revs) > 0 {
		fmt.Fprintln(stdout, "\ncorrections")
		for _, l := range history(revs, cfg.EditWindow) {
			fmt.Fprintln(stdout, l)
		}
	}
	return exitOK
}

// history tells the corrections of an article: each change found, and
// what became of the edit of each post.
func history(revs []herald.Revision, window time.Duration) []string {
	var out []string
	for _, r := range revs {
		if r.ID == 0 {
			out = append(out, stamp(r.At)+"  retracted: the article left its feed and its page is gone")
		} else {
			out = append(out, stamp(r.At)+"  changed: "+strings.Join(changes(r.Before, r.After), "; "))
		}
		width := 0
		for _, e := range r.Edits {
			width = max(width, len(e.Delivery.Target.String()))
		}
		for _, e := range r.Edits {
			out = append(out, fmt.Sprintf("  %-*s  %s", width, e.Delivery.Target.String(), describeEdit(e, window)))
		}
	}
	return out
}

// changes lists what a revision changed, old and new.
func changes(before, after herald.Article) []string {
	var out []string
	for _, f := range []struct{ name, old, new string }{
		{"headline", before.Headline, after.Headline},
		{"dateline", before.Dateline.Text, after.Dateline.Text},
		{"lead", before.Lead, after.Lead},
		{"image", before.Image, after.Image},
	} {
		if f.old != f.new {
			out = append(out, fmt.Sprintf("%s %q → %q", f.name, clip(f.old, 80), clip(f.new, 80)))
		}
	}
	if len(out) == 0 {
		out = append(out, "content")
	}
	return out
}

// describeEdit says where the correction of one post stands.
func describeEdit(e herald.Edit, window time.Duration) string {
	verb := "edited"
	if e.Kind == herald.DeletePost {
		verb = "deleted"
	}
	switch e.State {
	case herald.Sent:
		return fmt.Sprintf("message %s %s %s", e.Delivery.MessageID, verb, stamp(e.Done))
	case herald.Failed:
		return fmt.Sprintf("message %s not %s: %s", e.Delivery.MessageID, verb, e.LastError)
	}
	s := fmt.Sprintf("message %s to be %s", e.Delivery.MessageID, verb)
	if e.Attempts > 0 {
		s += fmt.Sprintf(": attempt %d failed (%s); next try %s", e.Attempts, e.LastError, stamp(e.NextAttempt))
	}
	if window > 0 && !e.Delivery.Sent.IsZero() {
		s += fmt.Sprintf(" (editable until %s)", stamp(e.Delivery.Sent.Add(window)))
	}
	return s
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
	rules := make(map[herald.Target]route.Rule)
	for _, r := range cfg.Rules() {
		rules[r.Target] = r
	}
	return article, explain(whyInput{
		article:    article,
		rules:      rules,
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
	article herald.Article
	// rules are the configured routes by target.
	rules map[herald.Target]route.Rule
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
		if d.Digest {
			return fmt.Sprintf("sent %s in a digest, message %s (queued %s)", stamp(d.Sent), d.MessageID, stamp(d.Created))
		}
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
		case in.rules[d.Target].Plan.Digest != nil:
			p := in.rules[d.Target].Plan
			s = fmt.Sprintf("pending: queued %s for the digest of %s (%s)", stamp(d.Created), stamp(p.DigestAt(d.Created)), p)
		case !in.rules[d.Target].Plan.IsZero():
			s = fmt.Sprintf("pending: queued %s; the route times it: %s", stamp(d.Created), in.rules[d.Target].Plan)
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
	if r, ok := in.rules[t]; ok && r.Entry > 0 && !r.Filter.Match(in.article) {
		return fmt.Sprintf("not routed: HERALD_ROUTES entry %d does not take it (%s)", r.Entry, r.Describe())
	}
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
