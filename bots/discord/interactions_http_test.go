package discord_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots"
	"github.com/heraldhq/herald/bots/discord"
	"github.com/heraldhq/herald/internal/fakes"
)

// countingStore counts the calls that change follows.
type countingStore struct {
	herald.Store
	adds, removes atomic.Int32
}

func (s *countingStore) AddFollow(ctx context.Context, f herald.Follow, limit int) (bool, error) {
	s.adds.Add(1)
	return s.Store.AddFollow(ctx, f, limit)
}

func (s *countingStore) RemoveFollow(ctx context.Context, target herald.Target, topic string) (bool, error) {
	s.removes.Add(1)
	return s.Store.RemoveFollow(ctx, target, topic)
}

// httpEndpoint is a bot taking interactions on an HTTP endpoint, with
// its commands registered over REST alone.
type httpEndpoint struct {
	fake    *fakes.Discord
	bot     *discord.Bot
	store   *countingStore
	handler *bots.Handler
	url     string
	appKey  ed25519.PrivateKey
}

func newHTTPEndpoint(t *testing.T, st herald.Store) *httpEndpoint {
	t.Helper()
	_, appKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}, GuildID: "300", InteractionKey: appKey})
	t.Cleanup(fake.Close)
	if st == nil {
		st = openStore(t)
	}
	cs := &countingStore{Store: st}
	handler := bots.NewHandler(cs, slog.New(slog.NewTextHandler(io.Discard, nil)), bots.Options{
		Why: func(context.Context, string) (string, []string, error) { return "", nil, herald.ErrNotFound },
	})
	bot := newBot(t, fake.URL())
	if err := bot.RegisterCommands(context.Background(), "300"); err != nil {
		t.Fatal(err)
	}
	if len(fake.Commands("300")) == 0 || fake.Identifies() != 0 {
		t.Fatalf("commands %d, gateway identifies %d: want commands registered over REST alone",
			len(fake.Commands("300")), fake.Identifies())
	}
	srv := httptest.NewServer(bot.InteractionsHandler(handler, fake.PublicKey()))
	t.Cleanup(srv.Close)
	return &httpEndpoint{fake: fake, bot: bot, store: cs, handler: handler, url: srv.URL + discord.InteractionsPath, appKey: appKey}
}

func (e *httpEndpoint) post(t *testing.T, spec fakes.InteractionSpec) fakes.InteractionPost {
	t.Helper()
	p, err := e.fake.PostInteraction(context.Background(), e.url, spec)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != http.StatusOK || p.Refused != "" {
		t.Fatalf("answer %d %s, refused: %s", p.Status, p.Body, p.Refused)
	}
	return p
}

// content returns the content of an interaction response's message.
func content(resp map[string]any) string {
	data, _ := resp["data"].(map[string]any)
	s, _ := data["content"].(string)
	return s
}

func TestInteractionsPingIsAnsweredWithPong(t *testing.T) {
	e := newHTTPEndpoint(t, nil)
	p, err := e.fake.PostPing(context.Background(), e.url)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != http.StatusOK || p.Refused != "" || string(p.Body) != `{"type":1}` {
		t.Errorf("PING answered %d %s (refused: %s), want 200 {\"type\":1}", p.Status, p.Body, p.Refused)
	}
}

func TestInteractionsFollowAnswersAsTheGateway(t *testing.T) {
	e := newHTTPEndpoint(t, nil)
	// The same bot also takes interactions from the gateway.
	e.bot.EnableCommands(e.handler, "300")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := e.bot.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer e.bot.Close()

	spec := fakes.InteractionSpec{GuildID: "300", ChannelID: "111", UserID: "500", Name: "follow",
		Options: []fakes.InteractionOption{{Name: "topic", Value: "golang"}}}
	p := e.post(t, spec)
	if p.Response["type"] != float64(4) {
		t.Fatalf("HTTP answer %s, want a message (type 4)", p.Body)
	}
	data, _ := p.Response["data"].(map[string]any)
	if data["flags"] != float64(64) {
		t.Errorf("answer not ephemeral: %s", p.Body)
	}
	if am, _ := data["allowed_mentions"].(map[string]any); am == nil || !reflect.DeepEqual(am["parse"], []any{}) {
		t.Errorf("answer allowed_mentions %v, want parse []", data["allowed_mentions"])
	}
	if replies := e.fake.Replies(); len(replies) != 1 || replies[0].InteractionID != p.ID || replies[0].Kind != "callback" {
		t.Errorf("fake recorded %+v, want the HTTP answer as the one callback", replies)
	}
	follows, err := e.store.Follows(context.Background(), herald.Target{Platform: herald.Discord, Chat: "dm:500"})
	if err != nil {
		t.Fatal(err)
	}
	if len(follows) != 1 || e.store.adds.Load() != 1 {
		t.Errorf("after one /follow: %d follows, %d AddFollow calls; want 1 and 1", len(follows), e.store.adds.Load())
	}

	spec.UserID = "501"
	id, err := e.fake.PushInteraction(spec)
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	replies, err := e.fake.WaitReplies(wctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(replies[0].Body, p.Response) {
		t.Errorf("gateway answer %s\nHTTP answer %s\nwant the same", replies[0].Raw, p.Body)
	}
	if !strings.Contains(content(p.Response), "golang") {
		t.Errorf("answer %q does not name the topic", content(p.Response))
	}
}

func TestInteractionsSlowCommandIsDeferredThenEdited(t *testing.T) {
	st := openStore(t)
	_, err := st.Ingest(context.Background(), "https://news.example/feed", []herald.Article{{
		Key: "a", URL: "https://news.example/a", Headline: "Lavrov visits Beijing", Published: time.Now(),
	}}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	e := newHTTPEndpoint(t, slowStore{st, 2 * time.Second})
	p := e.post(t, fakes.InteractionSpec{GuildID: "300", ChannelID: "111", Name: "search",
		Options: []fakes.InteractionOption{{Name: "query", Value: "lavrov"}}})
	if p.Response["type"] != float64(5) {
		t.Fatalf("HTTP answer %s, want a deferral (type 5)", p.Body)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	replies, err := e.fake.WaitReplies(wctx, p.ID, 2)
	if err != nil {
		t.Fatalf("replies: %v (got %+v)", err, e.fake.Replies())
	}
	edit := replies[1]
	if edit.Kind != "original" || !strings.Contains(edit.Body["content"].(string), "Lavrov visits Beijing") {
		t.Errorf("second reply %s %v, want the edited answer", edit.Kind, edit.Body)
	}
	if am, _ := edit.Body["allowed_mentions"].(map[string]any); am == nil || !reflect.DeepEqual(am["parse"], []any{}) {
		t.Errorf("edit allowed_mentions %v, want parse []", edit.Body["allowed_mentions"])
	}
}

func TestInteractionsAutocomplete(t *testing.T) {
	e := newHTTPEndpoint(t, nil)
	e.post(t, fakes.InteractionSpec{GuildID: "300", ChannelID: "111", UserID: "500", Name: "follow",
		Options: []fakes.InteractionOption{{Name: "topic", Value: "golang"}}})
	p := e.post(t, fakes.InteractionSpec{Type: 4, GuildID: "300", ChannelID: "111", UserID: "500", Name: "unfollow",
		Options: []fakes.InteractionOption{{Name: "topic", Value: "gol", Focused: true}}})
	if p.Response["type"] != float64(8) {
		t.Fatalf("autocomplete answered %s, want choices (type 8)", p.Body)
	}
	data, _ := p.Response["data"].(map[string]any)
	choices, _ := data["choices"].([]any)
	if len(choices) != 1 || choices[0].(map[string]any)["value"] != "golang" {
		t.Errorf("choices %v, want golang", choices)
	}
}

func TestInteractionsAdminOnlyCommandsCheckTheCaller(t *testing.T) {
	e := newHTTPEndpoint(t, nil)
	route := func(perms int64) fakes.InteractionSpec {
		return fakes.InteractionSpec{GuildID: "300", ChannelID: "111", Name: "route", Permissions: perms,
			Options: []fakes.InteractionOption{{Name: "topic", Value: "golang"}, {Name: "channel", Value: "111"}}}
	}
	p := e.post(t, route(0))
	if !strings.Contains(content(p.Response), "Manage Channels") || e.store.adds.Load() != 0 {
		t.Errorf("a member without Manage Channels routed: %q, %d AddFollow calls", content(p.Response), e.store.adds.Load())
	}
	why := func(perms int64) string {
		p := e.post(t, fakes.InteractionSpec{GuildID: "300", ChannelID: "111", Name: "why", Permissions: perms,
			Options: []fakes.InteractionOption{{Name: "article", Value: "https://news.example/a"}}})
		return content(p.Response)
	}
	if got := why(0); !strings.Contains(got, "Only admins") {
		t.Errorf("a member without Manage Channels asked /why: %q", got)
	}
	if got := why(1 << 4); strings.Contains(got, "Only admins") || got == "" {
		t.Errorf("a moderator's /why was refused: %q", got)
	}
	// The same endpoint lets a moderator: nothing is remembered between calls.
	p = e.post(t, route(1<<4))
	follows, err := e.store.Follows(context.Background(), herald.Target{Platform: herald.Discord, Chat: "111"})
	if err != nil {
		t.Fatal(err)
	}
	if len(follows) != 1 || e.store.adds.Load() != 1 {
		t.Errorf("a moderator's /route: %q, %d follows", content(p.Response), len(follows))
	}
}

// followBody is a /follow interaction as Discord posts it.
func followBody(id string) []byte {
	return []byte(`{"id":"` + id + `","application_id":"100","type":2,"token":"tok-` + id + `","version":1,
		"guild_id":"300","channel_id":"111","member":{"user":{"id":"500","username":"alice"},"permissions":"16"},
		"data":{"id":"800","name":"follow","type":1,"options":[{"name":"topic","type":3,"value":"golang"}]}}`)
}

func TestInteractionsRefuseUnverifiedRequests(t *testing.T) {
	e := newHTTPEndpoint(t, nil)
	_, forger, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	requestsBefore := len(e.fake.Requests())
	now := strconv.FormatInt(time.Now().Unix(), 10)
	send := func(method string, body []byte, header map[string]string) int {
		t.Helper()
		req, err := http.NewRequest(method, e.url, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	oversize := append(followBody("908"), bytes.Repeat([]byte(" "), discord.MaxInteractionBody)...)
	for _, tc := range []struct {
		name string
		do   func() (int, error)
		want int
	}{
		{"signed by another key", func() (int, error) {
			p, err := e.fake.PostSigned(context.Background(), e.url, forger, time.Now(), followBody("901"))
			return p.Status, err
		}, 401},
		{"no headers", func() (int, error) {
			return send(http.MethodPost, followBody("902"), nil), nil
		}, 401},
		{"no signature", func() (int, error) {
			return send(http.MethodPost, followBody("903"), map[string]string{"X-Signature-Timestamp": now}), nil
		}, 401},
		{"no timestamp", func() (int, error) {
			h := e.appSigned(now, followBody("904"))
			delete(h, "X-Signature-Timestamp")
			return send(http.MethodPost, followBody("904"), h), nil
		}, 401},
		{"signature not hex", func() (int, error) {
			return send(http.MethodPost, followBody("905"), map[string]string{"X-Signature-Ed25519": "zz", "X-Signature-Timestamp": now}), nil
		}, 401},
		{"tampered body", func() (int, error) {
			h := e.appSigned(now, followBody("906"))
			tampered := bytes.Replace(followBody("906"), []byte(`"golang"`), []byte(`"gooogle"`), 1)
			return send(http.MethodPost, tampered, h), nil
		}, 401},
		{"tampered timestamp", func() (int, error) {
			h := e.appSigned(now, followBody("907"))
			h["X-Signature-Timestamp"] = strconv.FormatInt(time.Now().Unix()+1, 10)
			return send(http.MethodPost, followBody("907"), h), nil
		}, 401},
		{"stale timestamp", func() (int, error) {
			p, err := e.fake.PostSigned(context.Background(), e.url, e.key(), time.Now().Add(-6*time.Minute), followBody("909"))
			return p.Status, err
		}, 401},
		{"future timestamp", func() (int, error) {
			p, err := e.fake.PostSigned(context.Background(), e.url, e.key(), time.Now().Add(6*time.Minute), followBody("910"))
			return p.Status, err
		}, 401},
		{"GET", func() (int, error) {
			return send(http.MethodGet, nil, e.appSigned(now, nil)), nil
		}, 405},
		{"PUT, signed", func() (int, error) {
			return send(http.MethodPut, followBody("911"), e.appSigned(now, followBody("911"))), nil
		}, 405},
		{"oversize body, signed", func() (int, error) {
			p, err := e.fake.PostSigned(context.Background(), e.url, e.key(), time.Now(), oversize)
			return p.Status, err
		}, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.do()
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}
	// A valid command after them is answered, and nothing else was done:
	// /help changes nothing and calls no REST route.
	p := e.post(t, fakes.InteractionSpec{GuildID: "300", ChannelID: "111", Name: "help"})
	if !strings.Contains(content(p.Response), "/follow") {
		t.Errorf("help answered %s", p.Body)
	}
	if n := e.store.adds.Load() + e.store.removes.Load(); n != 0 {
		t.Errorf("%d follow changes from refused requests", n)
	}
	if replies := e.fake.Replies(); len(replies) != 1 || replies[0].InteractionID != p.ID {
		t.Errorf("replies %+v, want only the valid command's", replies)
	}
	if reqs := e.fake.Requests()[requestsBefore:]; len(reqs) != 0 {
		t.Errorf("refused requests led to %d REST calls, first %s %s", len(reqs), reqs[0].Method, reqs[0].Path)
	}
}

// key returns the application's private key, which the fake signs with.
func (e *httpEndpoint) key() ed25519.PrivateKey { return e.appKey }

// appSigned returns the headers of body signed with the application's key
// at stamp.
func (e *httpEndpoint) appSigned(stamp string, body []byte) map[string]string {
	return map[string]string{"X-Signature-Ed25519": fakes.SignInteraction(e.appKey, stamp, body), "X-Signature-Timestamp": stamp}
}

func TestParsePublicKey(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	good := hex.EncodeToString(pub)
	for _, tc := range []struct {
		name, in string
		wantErr  string // "" for success
	}{
		{"portal form", good, ""},
		{"upper case", strings.ToUpper(good), ""},
		{"surrounding space", " " + good + "\n", ""},
		{"empty", "", "0 bytes, want 32"},
		{"too short", good[:62], "31 bytes, want 32"},
		{"too long", good + "00", "33 bytes, want 32"},
		{"odd length", good[:63], "not hexadecimal"},
		{"not hex", "zz" + good[2:], "not hexadecimal"},
		{"base64", "3q2+7w==" + good[8:], "not hexadecimal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := discord.ParsePublicKey(tc.in)
			if tc.wantErr == "" {
				if err != nil || !got.Equal(pub) {
					t.Errorf("ParsePublicKey(%q) = %x, %v; want the key", tc.in, got, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParsePublicKey(%q) error %v, want one saying %q", tc.in, err, tc.wantErr)
			}
		})
	}
}

func TestInteractionsWithoutAValidKeyRefuseEverything(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	handler := bots.NewHandler(openStore(t), slog.New(slog.NewTextHandler(io.Discard, nil)), bots.Options{})
	srv := httptest.NewServer(bot.InteractionsHandler(handler, fake.PublicKey()[:31]))
	defer srv.Close()
	p, err := fake.PostPing(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != http.StatusUnauthorized {
		t.Errorf("PING with a truncated key answered %d, want 401", p.Status)
	}
}
