package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// fuzzNow is the clock of the verification tests and fuzz target.
var fuzzNow = time.Unix(1_700_000_000, 0)

// fuzzKey returns a fixed key pair, so that the fuzzer's corpus stays
// valid between runs.
func fuzzKey() (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

func signedRequest(priv ed25519.PrivateKey, stamp string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, InteractionsPath, bytes.NewReader(body))
	r.Header.Set("X-Signature-Timestamp", stamp)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, append([]byte(stamp), body...))))
	return r
}

func TestVerifyInteraction(t *testing.T) {
	pub, priv := fuzzKey()
	stamp := strconv.FormatInt(fuzzNow.Unix(), 10)
	body := []byte(`{"type":1}`)
	chunked := func(r *http.Request) *http.Request {
		r.ContentLength = -1 // as for a chunked body: only reading tells the size
		return r
	}
	for _, tc := range []struct {
		name string
		r    *http.Request
		key  ed25519.PublicKey
		want int
	}{
		{"valid", signedRequest(priv, stamp, body), pub, 0},
		{"valid, 5 minutes old", signedRequest(priv, strconv.FormatInt(fuzzNow.Unix()-300, 10), body), pub, 0},
		{"5 minutes and 1 second old", signedRequest(priv, strconv.FormatInt(fuzzNow.Unix()-301, 10), body), pub, 401},
		{"5 minutes and 1 second ahead", signedRequest(priv, strconv.FormatInt(fuzzNow.Unix()+301, 10), body), pub, 401},
		{"timestamp not a number", signedRequest(priv, "yesterday", body), pub, 401},
		{"no key", signedRequest(priv, stamp, body), nil, 401},
		{"largest body", signedRequest(priv, stamp, bytes.Repeat([]byte(" "), MaxInteractionBody)), pub, 0},
		{"oversize body", signedRequest(priv, stamp, bytes.Repeat([]byte(" "), MaxInteractionBody+1)), pub, 413},
		{"oversize chunked body", chunked(signedRequest(priv, stamp, bytes.Repeat([]byte(" "), MaxInteractionBody+1))), pub, 413},
		{"short signature", func() *http.Request {
			r := signedRequest(priv, stamp, body)
			r.Header.Set("X-Signature-Ed25519", r.Header.Get("X-Signature-Ed25519")[:126])
			return r
		}(), pub, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, status, err := verifyInteraction(tc.r, tc.key, fuzzNow)
			if status != tc.want || (err == nil) != (tc.want == 0) {
				t.Errorf("status %d, error %v; want %d", status, err, tc.want)
			}
		})
	}
}

// FuzzInteractionRequest checks that a request is accepted only when it
// is signed with the key, fresh and small enough, that the accepted body
// is the one signed, and that turning any accepted interaction into a
// request never panics.
func FuzzInteractionRequest(f *testing.F) {
	stamp := strconv.FormatInt(fuzzNow.Unix(), 10)
	f.Add([]byte(`{"id":"1","application_id":"100","type":1,"token":"t"}`), stamp, "", true)
	f.Add([]byte(`{"id":"9","application_id":"100","type":2,"token":"t","guild_id":"300","channel_id":"111",
		"member":{"user":{"id":"500"},"permissions":"16"},
		"data":{"id":"800","name":"route","type":1,"options":[{"name":"topic","type":3,"value":"golang"},{"name":"channel","type":7,"value":"111"}],
		"resolved":{"channels":{"111":{"id":"111","name":"news","type":0,"permissions":"0"}}}}}`), stamp, "", true)
	f.Add([]byte(`{"type":4,"data":{"name":"follow","options":[{"name":"topic","type":3,"value":"go","focused":true}]}}`), stamp, "", true)
	f.Add([]byte(`{"type":2,"data":{"options":[{"name":"topic","type":4,"value":7}]}}`), stamp, "", true)
	f.Add([]byte(`{"type":1}`), stamp, strings.Repeat("00", 64), false)
	f.Add([]byte(`{"type":1}`), "-9223372036854775808", "", true)
	pub, priv := fuzzKey()
	f.Fuzz(func(t *testing.T, body []byte, stamp, sig string, sign bool) {
		r := httptest.NewRequest(http.MethodPost, InteractionsPath, bytes.NewReader(body))
		if sign {
			sig = hex.EncodeToString(ed25519.Sign(priv, append([]byte(stamp), body...)))
		}
		r.Header.Set("X-Signature-Timestamp", stamp)
		r.Header.Set("X-Signature-Ed25519", sig)
		got, status, err := verifyInteraction(r, pub, fuzzNow)
		if err != nil {
			if status != http.StatusUnauthorized && status != http.StatusRequestEntityTooLarge && status != http.StatusBadRequest {
				t.Fatalf("refused with status %d", status)
			}
			return
		}
		if !sign {
			t.Fatalf("accepted a signature the key did not make: %q", sig)
		}
		if !bytes.Equal(got, body) || len(got) > MaxInteractionBody {
			t.Fatalf("accepted body differs from the signed one")
		}
		secs, perr := strconv.ParseInt(stamp, 10, 64)
		if d := fuzzNow.Sub(time.Unix(secs, 0)); perr != nil || d > MaxInteractionSkew || d < -MaxInteractionSkew {
			t.Fatalf("accepted timestamp %q", stamp)
		}
		var i discordgo.Interaction
		if json.Unmarshal(got, &i) != nil {
			return
		}
		var extra interactionExtra
		_ = json.Unmarshal(got, &extra)
		b := &Bot{}
		switch i.Type {
		case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
			req, _ := b.commandRequest(&i, extra)
			if req.Denied == "" && req.Subscriber.Chat != req.Personal.Chat && !canRoute(&i, extra, req.Subscriber.Chat) {
				t.Fatalf("a caller without Manage Channels may change channel %q", req.Subscriber.Chat)
			}
		}
	})
}

// canRoute is the rule routeDenied applies, restated: the caller has
// Manage Channels or Administrator in the channel.
func canRoute(i *discordgo.Interaction, extra interactionExtra, channelID string) bool {
	if i.Member == nil || i.GuildID == "" {
		return false
	}
	perms := i.Member.Permissions
	if ch, ok := extra.Data.Resolved.Channels[channelID]; ok && ch.Permissions != nil {
		perms = *ch.Permissions
	}
	return perms&(discordgo.PermissionManageChannels|discordgo.PermissionAdministrator) != 0
}
