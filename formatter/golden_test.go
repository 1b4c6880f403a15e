package formatter

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestGolden(t *testing.T) {
	for _, fx := range fixtures() {
		t.Run(fx.name, func(t *testing.T) {
			d, err := json.MarshalIndent(Discord(fx.article), "", "  ")
			if err != nil {
				t.Fatalf("marshal Discord message: %v", err)
			}
			golden(t, fx.name+".discord.json", append(d, '\n'))

			// Encoding a map sorts its keys. HTML is left unescaped so the
			// file shows the markup as Telegram receives it.
			var p bytes.Buffer
			enc := json.NewEncoder(&p)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(Telegram(fx.article).Params()); err != nil {
				t.Fatalf("marshal Telegram params: %v", err)
			}
			golden(t, fx.name+".telegram.json", p.Bytes())

			golden(t, fx.name+".console.txt", []byte(Console(fx.article)+"\n"))
		})
	}
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test -update and review the diff\ngot:\n%s", name, got)
	}
}
