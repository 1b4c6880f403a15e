package discord_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots"
	"github.com/heraldhq/herald/bots/discord"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/store/sqlite"
)

// slowStore answers searches after a delay longer than Discord's deadline.
type slowStore struct {
	herald.Store
	delay time.Duration
}

func (s slowStore) Search(ctx context.Context, query string, limit int) ([]herald.Article, error) {
	time.Sleep(s.delay)
	return s.Store.Search(ctx, query, limit)
}

func openStore(t *testing.T) herald.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "herald.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestSlowCommandIsDeferredThenEdited(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}, GuildID: "300"})
	defer fake.Close()
	st := openStore(t)
	_, err := st.Ingest(context.Background(), "https://news.example/feed", []herald.Article{{
		Key: "a", URL: "https://news.example/a", Headline: "Lavrov visits Beijing", Published: time.Now(),
	}}, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bot := newBot(t, fake.URL())
	bot.EnableCommands(bots.NewHandler(slowStore{st, 4 * time.Second}, log, bots.Options{}), "300")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := bot.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer bot.Close()
	waitUntil(t, "guild commands", func() bool { return len(fake.Commands("300")) > 0 })
	if n := len(fake.Commands("")); n != 0 {
		t.Errorf("%d global commands registered with a guild set", n)
	}

	id, err := fake.PushInteraction(fakes.InteractionSpec{GuildID: "300", ChannelID: "111", Name: "search",
		Options: []fakes.InteractionOption{{Name: "query", Value: "lavrov"}}})
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	replies, err := fake.WaitReplies(wctx, id, 2)
	if err != nil {
		t.Fatalf("replies: %v (got %+v)", err, fake.Replies())
	}
	first, edit := replies[0], replies[1]
	if first.Kind != "callback" || first.Type != 5 {
		t.Errorf("first reply %s type %d, want a deferred callback (5)", first.Kind, first.Type)
	}
	if data, _ := first.Body["data"].(map[string]any); data["flags"] != float64(64) {
		t.Errorf("deferred reply is not ephemeral: %v", first.Body)
	}
	if edit.Kind != "original" || !strings.Contains(edit.Body["content"].(string), "Lavrov visits Beijing") {
		t.Errorf("second reply %s %v, want the edited answer", edit.Kind, edit.Body)
	}
}

func TestSendToClosedDMsIsUnreachable(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	if _, err := bot.Send(context.Background(), delivery(1, "dm:700")); err != nil {
		t.Fatalf("send to open DMs: %v", err)
	}
	if ch := fake.DMChannel("700"); ch == "" || len(fake.Messages(ch)) != 1 {
		t.Fatalf("the post did not reach the DM channel %q", ch)
	}
	fake.CloseDMs("800")
	_, err := bot.Send(context.Background(), delivery(2, "dm:800"))
	var perm *herald.PermanentError
	if !errors.As(err, &perm) || !errors.Is(err, herald.ErrUnreachable) || !strings.Contains(perm.Reason, "50007") {
		t.Fatalf("send to closed DMs: %v, want a permanent, unreachable failure naming 50007", err)
	}
	// A channel that does not exist is as unreachable as closed DMs.
	_, err = bot.Send(context.Background(), delivery(3, "999"))
	if !errors.As(err, &perm) || !errors.Is(err, herald.ErrUnreachable) || !strings.Contains(perm.Reason, "10003") {
		t.Errorf("send to an unknown channel: %v, want a permanent, unreachable failure naming 10003", err)
	}
}

func TestCommandDefinitions(t *testing.T) {
	for _, c := range discord.CommandDefinitions() {
		admin := c.Name == "route" || c.Name == "unroute" || c.Name == "why"
		if got := c.DefaultMemberPermissions != nil; got != admin {
			t.Errorf("/%s has default_member_permissions %v", c.Name, got)
		}
		if admin && *c.DefaultMemberPermissions != 1<<4 {
			t.Errorf("/%s needs %d, want Manage Channels", c.Name, *c.DefaultMemberPermissions)
		}
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMalformedInteractionsDoNotStopTheBot(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}, GuildID: "300"})
	defer fake.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	bot := newBot(t, fake.URL())
	bot.EnableCommands(bots.NewHandler(openStore(t), log, bots.Options{}), "300")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := bot.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer bot.Close()
	waitUntil(t, "guild commands", func() bool { return len(fake.Commands("300")) > 0 })

	for _, raw := range []string{
		// The topic as a number: StringValue would panic.
		`{"id":"901","application_id":"100","type":2,"token":"t1","guild_id":"300","channel_id":"111",
		  "member":{"user":{"id":"500","username":"a"},"permissions":"0"},
		  "data":{"id":"1","name":"follow","type":1,"options":[{"name":"topic","type":4,"value":7}]}}`,
		// Permissions as a number, which discordgo cannot decode.
		`{"id":"902","application_id":"100","type":2,"token":"t2","guild_id":"300","channel_id":"111",
		  "member":{"user":{"id":"500","username":"a"},"permissions":8},"data":{"id":"1","name":"help","type":1}}`,
		// A button the bot never made.
		`{"id":"903","application_id":"100","type":3,"token":"t3","channel_id":"111","user":{"id":"500","username":"a"},
		  "data":{"custom_id":"delete:everything","component_type":2}}`,
		`{"id":"904","application_id":"100","type":99,"token":"t4"}`,
	} {
		if _, err := fake.Push("INTERACTION_CREATE", raw); err != nil {
			t.Fatal(err)
		}
	}
	id, err := fake.PushInteraction(fakes.InteractionSpec{GuildID: "300", ChannelID: "111", Name: "help"})
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	replies, err := fake.WaitReplies(wctx, id, 1)
	if err != nil {
		t.Fatalf("the bot stopped answering after malformed interactions: %v", err)
	}
	if data, _ := replies[0].Body["data"].(map[string]any); !strings.Contains(data["content"].(string), "/follow") {
		t.Errorf("help answered %v", replies[0].Body)
	}
	for _, r := range fake.Replies() {
		if r.InteractionID == "903" || r.InteractionID == "904" {
			t.Errorf("answered a malformed interaction: %+v", r)
		}
	}
}
