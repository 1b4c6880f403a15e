// Package console is the outlet used when no platform is configured: it
// prints each post as it would appear, so a first run shows what the bot
// would do.
package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/formatter"
)

// Outlet prints posts to a writer.
type Outlet struct {
	mu sync.Mutex
	w  io.Writer
}

// New returns an outlet that prints to w.
func New(w io.Writer) *Outlet { return &Outlet{w: w} }

// Send prints the delivery's post. A silent post or one that mentions a
// role says so above it. The console keeps no messages, so the ID is
// empty.
func (o *Outlet) Send(ctx context.Context, d herald.Delivery) (string, error) {
	text := strings.TrimRight(formatter.Console(d.Article), "\n")
	return "", o.print(notes(d.Silent, d.MentionRole), text)
}

// SendDigest prints the digest, all its deliveries in one block, and
// returns how many it holds.
func (o *Outlet) SendDigest(ctx context.Context, dg herald.Digest) (n int, messageID string, err error) {
	text, n := formatter.ConsoleDigest(dg)
	if n == 0 {
		return 0, "", &herald.PermanentError{Reason: "console: a digest without deliveries"}
	}
	return n, "", o.print(notes(dg.Silent, dg.MentionRole), text)
}

// Edit prints a correction: "edited TARGET message ID: HEADLINE" followed
// by the post as it reads now, or "deleted TARGET message ID: HEADLINE".
func (o *Outlet) Edit(ctx context.Context, e herald.Edit) error {
	d := e.Delivery
	what := "message " + formatter.Clean(d.MessageID)
	if d.MessageID == "" {
		what = "post"
	}
	head := strings.SplitN(formatter.Console(d.Article), "\n", 2)[0]
	switch e.Kind {
	case herald.EditPost:
		return o.print(fmt.Sprintf("edited %s %s: %s", formatter.Clean(d.Target.String()), what, head),
			strings.TrimRight(formatter.Console(d.Article), "\n"))
	case herald.DeletePost:
		return o.print(fmt.Sprintf("deleted %s %s: %s", formatter.Clean(d.Target.String()), what, head), "")
	}
	return &herald.PermanentError{Reason: fmt.Sprintf("console: unknown kind of edit %q", e.Kind)}
}

// notes says how a post is made, or "" when it is made the usual way.
func notes(silent bool, role string) string {
	var n []string
	if silent {
		n = append(n, "silent")
	}
	if id, ok := formatter.RoleID(role); ok {
		n = append(n, "mentions role "+id)
	}
	if len(n) == 0 {
		return ""
	}
	return "(" + strings.Join(n, ", ") + ")"
}

// print writes a rule, the heading if any, the text if any, and a blank
// line.
func (o *Outlet) print(heading, text string) error {
	var b strings.Builder
	b.WriteString(rule + "\n")
	for _, s := range []string{heading, text} {
		if s != "" {
			b.WriteString(s + "\n")
		}
	}
	b.WriteString("\n")
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := io.WriteString(o.w, b.String()); err != nil {
		return fmt.Errorf("console: %w", err)
	}
	return nil
}

const rule = "────────────────────────────────────────────────────────────"
