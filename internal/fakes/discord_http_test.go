package fakes

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// endpoint is an interactions endpoint that checks the signature and
// answers with answer.
func endpoint(t *testing.T, pub ed25519.PublicKey, answer func(w http.ResponseWriter, i *discordgo.Interaction)) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !discordgo.VerifyInteraction(r, pub) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var i discordgo.Interaction
		if err := i.UnmarshalJSON(body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		answer(w, &i)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPostInteractionTakesTheHTTPAnswer(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: "tok", Channels: []string{"111"}})
	defer d.Close()
	s := newSession(t, d, "tok")
	app, err := s.Application("@me")
	if err != nil {
		t.Fatal(err)
	}
	if app.ID != "100" || app.VerifyKey != d.PublicKeyHex() {
		t.Fatalf("application %s with verify_key %s, want 100 and %s", app.ID, app.VerifyKey, d.PublicKeyHex())
	}
	if _, err := s.ApplicationCommandBulkOverwrite(app.ID, "300", []*discordgo.ApplicationCommand{{Name: "hello", Description: "Say hello"}}); err != nil {
		t.Fatal(err)
	}
	edited := make(chan error, 1)
	url := endpoint(t, d.PublicKey(), func(w http.ResponseWriter, i *discordgo.Interaction) {
		w.Header().Set("Content-Type", "application/json")
		if i.Type == discordgo.InteractionPing {
			w.Write([]byte(`{"type":1}`))
			return
		}
		w.Write([]byte(`{"type":5,"data":{"flags":64}}`))
		w.(http.Flusher).Flush()
		// Edited at once: the fake must take the deferral first.
		go func() {
			content := "hello"
			_, err := s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content})
			edited <- err
		}()
	})
	p, err := d.PostPing(context.Background(), url)
	if err != nil || p.Status != 200 || p.Refused != "" {
		t.Fatalf("ping: %+v %v", p, err)
	}
	p, err = d.PostInteraction(context.Background(), url, InteractionSpec{ChannelID: "111", Name: "hello"})
	if err != nil || p.Status != 200 || p.Refused != "" {
		t.Fatalf("interaction: %+v %v", p, err)
	}
	if err := <-edited; err != nil {
		t.Fatalf("edit of the deferred answer: %v", err)
	}
	replies := d.Replies()
	if len(replies) != 2 || replies[0].Kind != "callback" || replies[0].Type != 5 || replies[1].Kind != "original" {
		t.Errorf("replies %+v, want the deferral then the edit", replies)
	}
	checkNoUnexpected(t, d.Unexpected())
}

func TestPostInteractionRefusesBadAnswers(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: "tok", Channels: []string{"111"}})
	defer d.Close()
	s := newSession(t, d, "tok")
	if _, err := s.ApplicationCommandBulkOverwrite("100", "300", []*discordgo.ApplicationCommand{{Name: "hello", Description: "Say hello"}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, contentType, body string
	}{
		{"not JSON", "text/plain", `{"type":4,"data":{"content":"hi"}}`},
		{"empty message", "application/json", `{"type":4,"data":{"content":""}}`},
		{"PONG to a command", "application/json", `{"type":1}`},
		{"unknown type", "application/json", `{"type":42}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := endpoint(t, d.PublicKey(), func(w http.ResponseWriter, i *discordgo.Interaction) {
				w.Header().Set("Content-Type", tc.contentType)
				w.Write([]byte(tc.body))
			})
			p, err := d.PostInteraction(context.Background(), url, InteractionSpec{ChannelID: "111", Name: "hello"})
			if err != nil {
				t.Fatal(err)
			}
			if p.Refused == "" {
				t.Errorf("answer %s taken", tc.body)
			}
		})
	}
	if n := len(d.Replies()); n != 0 {
		t.Errorf("%d replies recorded from refused answers", n)
	}
}

func TestSignInteraction(t *testing.T) {
	d := NewDiscord(DiscordOptions{})
	defer d.Close()
	stamp := strconv.Itoa(1700000000)
	sig, err := hex.DecodeString(SignInteraction(d.opts.InteractionKey, stamp, []byte("{}")))
	if err != nil {
		t.Fatal(err)
	}
	if !ed25519.Verify(d.PublicKey(), []byte(stamp+"{}"), sig) {
		t.Error("signature does not verify with the public key")
	}
	if ed25519.Verify(d.PublicKey(), []byte(stamp+"{ }"), sig) {
		t.Error("signature verifies another body")
	}
}
