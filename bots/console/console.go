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

// Send prints the delivery's post.
func (o *Outlet) Send(ctx context.Context, d herald.Delivery) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	text := strings.TrimRight(formatter.Console(d.Article), "\n")
	if _, err := fmt.Fprintf(o.w, "%s\n%s\n\n", rule, text); err != nil {
		return "", fmt.Errorf("console: %w", err)
	}
	return "", nil
}

const rule = "────────────────────────────────────────────────────────────"
