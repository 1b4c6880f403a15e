package main

import (
	"encoding/json"
	"github.com/heraldhq/herald/internal/logtest"
	"log/slog"
	"strings"
	"testing"
)

func TestNewLogger(t *testing.T) {
	var buf logtest.Buffer
	log := newLogger(&buf, slog.LevelWarn, "json")
	log.Info("hidden")
	log.Warn("shown", "feed", "https://news.example/rss")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("level warn let through %d lines: %q", len(lines), buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec["msg"] != "shown" || rec["feed"] != "https://news.example/rss" {
		t.Fatalf("not a JSON record: %q (%v)", lines[0], err)
	}

	buf = logtest.Buffer{}
	newLogger(&buf, slog.LevelDebug, "text").Debug("visible")
	if !strings.Contains(buf.String(), "level=DEBUG msg=visible") {
		t.Fatalf("text debug: %q", buf.String())
	}
}
