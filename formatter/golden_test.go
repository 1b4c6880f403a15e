package formatter

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald"
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

			golden(t, fx.name+".telegram.json", telegramParams(t, Telegram(fx.article)))

			golden(t, fx.name+".console.txt", []byte(Console(fx.article)+"\n"))
		})
	}
}

// TestGoldenDigest renders the digest of every fixture article, and the
// wire article posted silently with a role mention.
func TestGoldenDigest(t *testing.T) {
	dg := fixtureDigest()
	dg.MentionRole = "123456789012345678"
	m, _ := DiscordDigest(dg)
	d, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatalf("marshal Discord digest: %v", err)
	}
	golden(t, "digest.discord.json", append(d, '\n'))

	dg.Silent = true
	tg, _ := TelegramDigest(dg)
	golden(t, "digest.telegram.json", telegramParams(t, tg))

	text, _ := ConsoleDigest(dg)
	golden(t, "digest.console.txt", []byte(text+"\n"))

	post := herald.Delivery{Article: fixtures()[0].article, Silent: true, MentionRole: "123456789012345678"}
	d, err = json.MarshalIndent(DiscordPost(post), "", "  ")
	if err != nil {
		t.Fatalf("marshal Discord post: %v", err)
	}
	golden(t, "wire-silent-role.discord.json", append(d, '\n'))
	golden(t, "wire-silent.telegram.json", telegramParams(t, TelegramPost(post)))
}

// telegramParams encodes a message's sendMessage parameters for a golden
// file. Encoding a map sorts its keys; HTML is left unescaped so the file
// shows the markup as Telegram receives it.
func telegramParams(t *testing.T, m TelegramMessage) []byte {
	t.Helper()
	var p bytes.Buffer
	enc := json.NewEncoder(&p)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m.Params()); err != nil {
		t.Fatalf("marshal Telegram params: %v", err)
	}
	return p.Bytes()
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
