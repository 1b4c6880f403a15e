package conformance_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/extract"
	"github.com/heraldhq/herald/formatter"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenPages are corpus pages whose posts are kept as golden files: wire
// datelines of several forms, first paragraphs that are captions,
// timestamps or credits, and pages in other languages and scripts.
var goldenPages = []string{
	"nytimes-1", "wapo-1", "schema-org-context-object", "webmd-1", "breitbart",
	"citylab-1", "bbc-1", "guardian-1", "cnn", "heise", "lemonde-1", "qq",
}

// TestGoldenPosts renders the seed story and the golden pages for both
// platforms and compares the posts, with the extracted article, with the
// files in testdata/golden; -update rewrites them.
func TestGoldenPosts(t *testing.T) {
	seedDir := sharedDir(t, "seed")
	seed, err := os.ReadFile(filepath.Join(seedDir, "000_409110388c7394ba.txt"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := extract.FromText(string(seed), "")
	if err != nil {
		t.Fatal(err)
	}
	goldenPost(t, "seed", a)

	root := sharedDir(t, "corpus", "articles", "readability")
	for _, name := range goldenPages {
		html, err := os.ReadFile(filepath.Join(root, name, "source.html"))
		if err != nil {
			t.Fatal(err)
		}
		a, err := extract.FromPage(bytes.NewReader(html), "http://fakehost/test/page.html")
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		goldenPost(t, name, a)
	}
}

// goldenPost compares the article and its posts with testdata/golden/NAME.json.
func goldenPost(t *testing.T, name string, a herald.Article) {
	t.Helper()
	tg := formatter.Telegram(a)
	doc := map[string]any{
		"article": a,
		"discord": formatter.Discord(a),
		"telegram": map[string]any{
			"text": tg.Text, "parse_mode": tg.ParseMode,
			"link_preview_options": tg.LinkPreviewOptions, "reply_markup": tg.ReplyMarkup,
		},
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("%s: the post differs from %s; run go test -update and review the diff\n%s", name, path, b.Bytes())
	}
}
