package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// row is one line of the results table.
type row struct {
	scenario, figure, result, goal string
	met                            bool
}

// writeTable writes rows as a Markdown table under a line naming the
// machine and the commit measured.
func writeTable(w io.Writer, rows []row, took time.Duration) {
	fmt.Fprintf(w, "Measured %s on %s, in %s.\n\n", time.Now().UTC().Format("2006-01-02"), machine(), took.Round(time.Second))
	fmt.Fprintln(w, "| scenario | figure | result | goal | met |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rows {
		met := "yes"
		switch {
		case r.goal == "":
			met = ""
		case !r.met:
			met = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.scenario, r.figure, r.result, r.goal, met)
	}
}

// machine describes the computer and the code measured: CPU model and
// cores, memory, Go version and commit.
func machine() string {
	model, mem := "unknown CPU", ""
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.Join(strings.Fields(v), " ")
				break
			}
		}
		f.Close()
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		if _, err := fmt.Sscanf(string(data), "MemTotal: %d kB", &kb); err == nil {
			mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
		}
	}
	commit := "unknown commit"
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		commit = "commit " + strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("%s, %d cores%s, %s/%s, %s, %s", model, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH, runtime.Version(), commit)
}
