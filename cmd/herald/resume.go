package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/config"
)

// resume lets paused targets receive posts again, once an admin has
// fixed what paused them: the bot invited back, a permission granted.
// Without arguments it lists the paused targets.
func resume(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) int {
	st, err := openDatabase(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "herald resume:", err)
		return exitFailure
	}
	defer st.Close()
	paused, err := st.PausedTargets(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "herald resume:", err)
		return exitFailure
	}
	if len(args) == 0 {
		if len(paused) == 0 {
			fmt.Fprintln(stdout, "no target is paused")
			return exitOK
		}
		for _, t := range sortedTargets(paused) {
			fmt.Fprintf(stdout, "%s  paused: %s\n", t, paused[t])
		}
		fmt.Fprintln(stdout, "\nresume one with: herald resume platform:chat")
		return exitOK
	}
	code := exitOK
	for _, arg := range args {
		t, err := herald.ParseTarget(arg)
		if err != nil {
			fmt.Fprintln(stderr, "herald resume:", err)
			code = exitUsage
			continue
		}
		if _, ok := paused[t]; !ok {
			fmt.Fprintf(stderr, "herald resume: %s is not paused\n", t)
			code = max(code, exitFailure)
			continue
		}
		if err := st.Resume(ctx, t); err != nil {
			fmt.Fprintln(stderr, "herald resume:", err)
			code = max(code, exitFailure)
			continue
		}
		fmt.Fprintf(stdout, "%s resumed: new articles go there again\n", t)
	}
	return code
}

// sortedTargets returns the keys of m in the order of their names.
func sortedTargets(m map[herald.Target]string) []herald.Target {
	out := make([]herald.Target, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b herald.Target) int { return strings.Compare(a.String(), b.String()) })
	return out
}
