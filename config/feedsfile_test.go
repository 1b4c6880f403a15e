package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadFeedsFile(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string
		wantErr string
	}{
		{"lines", "https://a.example/rss\nhttps://b.example/atom.xml\n", []string{"https://a.example/rss", "https://b.example/atom.xml"}, ""},
		{"comments, blanks, spaces, CRLF and BOM",
			"\ufeff# newsroom feeds\r\n\r\n  https://a.example/rss  \r\n# https://old.example/rss\r\nhttps://b.example/rss",
			[]string{"https://a.example/rss", "https://b.example/rss"}, ""},
		{"empty", "", nil, ""},
		{"only comments", "# nothing yet\n", nil, ""},
		{"OPML with folders",
			`<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Subscriptions</title></head><body>
  <outline text="World" title="World">
    <outline type="rss" text="A" xmlUrl="https://a.example/rss" htmlUrl="https://a.example/"/>
    <outline text="Deeper"><outline type="rss" text="C" xmlUrl=" https://c.example/feed "/></outline>
  </outline>
  <outline type="rss" text="B" xmlUrl="https://b.example/atom.xml"/>
  <outline text="a folder with no feed"/>
</body></opml>`,
			[]string{"https://a.example/rss", "https://c.example/feed", "https://b.example/atom.xml"}, ""},
		{"OPML with a BOM", "\ufeff<opml version=\"1.0\"><body><outline xmlUrl=\"https://a.example/rss\"/></body></opml>", []string{"https://a.example/rss"}, ""},
		{"broken OPML", `<opml version="2.0"><body><outline xmlUrl="https://a.example/rss">`, nil, "as OPML"},
		{"XML that is not OPML", `<rss version="2.0"><channel></channel></rss>`, nil, "<rss>, not <opml>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "feeds")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadFeedsFile(path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ReadFeedsFile = %v, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ReadFeedsFile = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadFeedsFile(t *testing.T) {
	clearEnv(t)
	path := filepath.Join(t.TempDir(), "feeds.txt")
	if err := os.WriteFile(path, []byte("https://b.example/rss\nhttps://a.example/rss\nhttps://c.example/rss\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HERALD_FEEDS", "https://a.example/rss")
	t.Setenv("HERALD_FEEDS_FILE", path)
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://a.example/rss", "https://b.example/rss", "https://c.example/rss"}; !slices.Equal(c.Feeds, want) {
		t.Errorf("Feeds = %q, want %q (HERALD_FEEDS first, each once)", c.Feeds, want)
	}

	// The file alone is enough.
	t.Setenv("HERALD_FEEDS", "")
	if c, err = Load(); err != nil || len(c.Feeds) != 3 {
		t.Errorf("Load with the file alone = %q, %v; want its 3 feeds", c.Feeds, err)
	}
}

func TestLoadFeedsFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("https://a.example/rss\nftp://b.example/rss\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, []byte("# none yet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, key, problem string
	}{
		{"missing file", filepath.Join(dir, "nope.txt"), "HERALD_FEEDS_FILE", "no such file"},
		{"bad URL in the file", bad, "HERALD_FEEDS", `"ftp://b.example/rss" is not an http(s) URL`},
		{"no feed at all", empty, "HERALD_FEEDS", "names no feed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("HERALD_FEEDS_FILE", tt.file)
			_, err := Load()
			if err == nil || !strings.Contains(err.Error(), tt.key+": ") || !strings.Contains(err.Error(), tt.problem) {
				t.Errorf("Load = %v; want %s: …%s…", err, tt.key, tt.problem)
			}
		})
	}
}
