// Command herald carries a news site's new articles to Discord and Telegram.
//
// Usage:
//
//	herald [run]                 watch the feeds and post new articles
//	herald env                   list every configuration variable
//	herald check                 check the configuration, feeds and platforms
//	herald preview [--json] URL|FILE   show how an article or feed would be posted
//	herald why URL|KEY           tell what happened to an article on each target
//	herald resume [TARGET ...]   list paused targets, or let them receive posts again
//	herald version               print the version
//
// Herald is configured with HERALD_* environment variables only; `herald
// env` lists them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	// The time zones, so that HERALD_TIMEZONE works on a machine or image
	// without them.
	_ "time/tzdata"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/config"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// gcPercent is the garbage collector's GOGC unless the environment sets
// one: the heap may grow a quarter past what is live instead of doubling.
// Herald's live heap is small (about 10 MB for 5,000 feeds and 100,000
// follows), so this keeps its resident memory about a third lower for a
// little more CPU; GOGC=100 trades back.
const gcPercent = 25

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	// Nothing reads heap profiles: keep no record for them.
	runtime.MemProfileRate = 0
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `herald carries a news site's new articles to Discord and Telegram.

Usage:
  herald [run]                        watch the feeds and post new articles
  herald env                          list every configuration variable
  herald check                        check the configuration, feeds and platforms
  herald preview [--json] URL|FILE    show how an article or a feed would be posted
  herald why URL|KEY                  tell what happened to an article on each target
  herald resume [TARGET ...]          list paused targets, or let them receive posts again
  herald version                      print the version

Herald is configured with HERALD_* environment variables; see "herald env".
`

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		return withConfig(stderr, func(cfg config.Config, log *slog.Logger) int {
			if err := run(ctx, cfg, herald.SystemClock{}, stdout, log); err != nil {
				log.Error("herald stopped", "err", err)
				return exitFailure
			}
			return exitOK
		})
	case "check":
		return withConfig(stderr, func(cfg config.Config, log *slog.Logger) int {
			return check(ctx, cfg, stdout)
		})
	case "env":
		if err := config.Usage(stdout); err != nil {
			fmt.Fprintln(stderr, "herald:", err)
			return exitFailure
		}
		return exitOK
	case "preview":
		return preview(ctx, args, stdout, stderr)
	case "why":
		return withConfig(stderr, func(cfg config.Config, log *slog.Logger) int {
			return why(ctx, cfg, args, stdout, stderr)
		})
	case "resume":
		return withConfig(stderr, func(cfg config.Config, log *slog.Logger) int {
			return resume(ctx, cfg, args, stdout, stderr)
		})
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "herald %s (%s)\n", version(), runtime.Version())
		return exitOK
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "herald: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// withConfig loads the configuration and the logger, reporting every
// configuration problem with exit code 2.
func withConfig(stderr io.Writer, f func(config.Config, *slog.Logger) int) int {
	cfg, err := config.Load()
	if err != nil {
		var errs config.Errors
		if errors.As(err, &errs) {
			fmt.Fprintln(stderr, "herald: the configuration has problems:")
			for _, e := range errs {
				fmt.Fprintln(stderr, "  "+e.Error())
			}
		} else {
			fmt.Fprintln(stderr, "herald:", err)
		}
		fmt.Fprintln(stderr, `Run "herald env" for every variable and what it accepts.`)
		return exitUsage
	}
	log := newLogger(stderr, cfg.Level(), cfg.LogFormat)
	for _, w := range cfg.Warnings() {
		log.Warn(w)
	}
	return f(cfg, log)
}

func newLogger(w io.Writer, level slog.Level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(format, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
