package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/store/sqlite"
)

// storyItem is a feed item about topics, with a lead that names things.
func storyItem(guid, title, lead string, minutes int, topics ...string) feedtest.Item {
	return feedtest.Item{
		GUID: guid, Title: title, Link: "https://news.example/" + guid,
		Description: "<p>" + lead + "</p>", Categories: topics,
		Published: published.Add(time.Duration(minutes) * time.Minute),
	}
}

// discordReply waits for the interaction's first reply and returns its
// content, with the response type.
func discordReply(t *testing.T, d *fakes.Discord, id string) (content string, typ int, flags float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs, err := d.WaitReplies(ctx, id, 1)
	if err != nil {
		t.Fatalf("no reply to interaction %s: %v", id, err)
	}
	r := rs[0]
	data, _ := r.Body["data"].(map[string]any)
	content, _ = data["content"].(string)
	flags, _ = data["flags"].(float64)
	return content, r.Type, flags
}

func TestDiscordReadersFollowSearchAndRoute(t *testing.T) {
	const (
		guild    = "300"
		news     = "222"
		alice    = "500" // a member without permissions
		admin    = "600" // a member with Manage Channels
		dmReader = "700" // a reader who only uses the bot's DM
		closed   = "800" // a reader whose DMs are closed
	)
	p := newPlatforms(t, fakes.DiscordOptions{Channels: []string{channel, news}, GuildID: guild}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example",
		storyItem("old-lavrov", "Lavrov visits Beijing", "Russia's foreign minister met officials.", 1, "World", "Asia"),
		storyItem("old-rates", "Rates held steady", "The central bank kept rates.", 2, "Business"))
	defer feed.Close()
	db := filepath.Join(t.TempDir(), "herald.db")
	env := p.env(db, feed.URL())
	delete(env, "HERALD_TELEGRAM_TOKEN")
	delete(env, "HERALD_TELEGRAM_CHATS")
	startDaemon(t, env)
	waitFor(t, "the feed's first sight", func() bool { return feed.Requests() >= 1 })
	waitFor(t, "the commands to be registered", func() bool { return len(p.discord.Commands("")) > 0 })

	// The registration: every command, and the routing ones for
	// moderators only.
	var names []string
	for _, c := range p.discord.Commands("") {
		name := c["name"].(string)
		names = append(names, name)
		if name == "route" || name == "unroute" || name == "why" {
			if c["default_member_permissions"] != "16" {
				t.Errorf("/%s default_member_permissions = %v, want Manage Channels (16)", name, c["default_member_permissions"])
			}
		}
	}
	slices.Sort(names)
	if want := []string{"follow", "following", "help", "latest", "route", "search", "topics", "unfollow", "unroute", "why"}; !slices.Equal(names, want) {
		t.Errorf("registered commands %q, want %q", names, want)
	}

	push := func(spec fakes.InteractionSpec) string {
		t.Helper()
		if spec.GuildID == "" && !spec.DM {
			spec.ChannelID = channel
		}
		id, err := p.discord.PushInteraction(spec)
		if err != nil {
			t.Fatalf("push %s: %v", spec.Name, err)
		}
		return id
	}
	topic := func(v string) []fakes.InteractionOption { return []fakes.InteractionOption{{Name: "topic", Value: v}} }
	expect := func(id, want string) {
		t.Helper()
		content, typ, flags := discordReply(t, p.discord, id)
		if typ != 4 || flags != 64 {
			t.Errorf("reply type %d flags %v, want an ephemeral message (4, 64)", typ, flags)
		}
		if !strings.Contains(content, want) {
			t.Errorf("reply %q does not say %q", content, want)
		}
	}

	// A reader follows from the bot's DM, and from a server channel.
	expect(push(fakes.InteractionSpec{DM: true, UserID: dmReader, Name: "follow", Options: topic("china")}),
		"Following “china”: new articles about it will arrive by direct message.")
	expect(push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: alice, Name: "follow", Options: topic("Asia")}),
		"Following “Asia”")
	// Search and latest, from a DM and a channel.
	expect(push(fakes.InteractionSpec{DM: true, UserID: dmReader, Name: "search",
		Options: []fakes.InteractionOption{{Name: "query", Value: `lavrov "beijing NEAR( *`}}}),
		"[Lavrov visits Beijing](<https://news.example/old-lavrov>)")
	expect(push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: alice, Name: "latest"}), "Rates held steady")

	// A member without Manage Channels may not route a topic into a
	// channel, with either command; a moderator may.
	channelOpt := func(v string) fakes.InteractionOption { return fakes.InteractionOption{Name: "channel", Value: news} }
	expect(push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: alice, Name: "follow",
		Options: append(topic("World"), channelOpt(news))}), "Only members who can manage that channel")
	expect(push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: alice, Name: "route",
		Options: append(topic("World"), channelOpt(news))}), "Only members who can manage that channel")
	expect(push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: admin, Permissions: 1 << 4, Name: "route",
		Options: append(topic("World"), channelOpt(news))}), "Following “World”: new articles about it will arrive in \\#")
	expect(push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: alice, Name: "following",
		Options: []fakes.InteractionOption{channelOpt(news)}}), "World")

	// Autocomplete: known topics for follow, the caller's follows for
	// unfollow.
	id := push(fakes.InteractionSpec{Type: 4, GuildID: guild, ChannelID: channel, UserID: alice, Name: "follow",
		Options: []fakes.InteractionOption{{Name: "topic", Value: "a", Focused: true}}})
	if choices := autocompleteChoices(t, p.discord, id); !slices.Equal(choices, []string{"Asia"}) {
		t.Errorf("follow autocomplete for \"a\" = %q, want [Asia]", choices)
	}
	id = push(fakes.InteractionSpec{Type: 4, DM: true, UserID: dmReader, Name: "unfollow",
		Options: []fakes.InteractionOption{{Name: "topic", Value: "", Focused: true}}})
	if choices := autocompleteChoices(t, p.discord, id); !slices.Equal(choices, []string{"china"}) {
		t.Errorf("unfollow autocomplete = %q, want [china]", choices)
	}

	// An article about China in Asia, filed under World.
	feed.Add(storyItem("new-trade", "Trade corridor extended", "Ministers from China and four other countries signed.", 60, "World", "Asia"))
	waitFor(t, "the post in the configured channel", func() bool { return len(p.discord.Messages(channel)) == 1 })
	post := p.discord.Messages(channel)[0]

	// A reader presses the post's Follow button; their DMs are closed.
	p.discord.CloseDMs(closed)
	expect(push(fakes.InteractionSpec{Type: 3, GuildID: guild, UserID: closed, MessageID: post.ID, CustomID: "follow:World"}),
		"Following “World”: new articles about it will arrive by direct message.")

	waitFor(t, "the routed post and the DMs", func() bool {
		return len(p.discord.Messages(news)) == 1 && len(dmMessages(p.discord, dmReader)) == 1 && len(dmMessages(p.discord, alice)) == 1
	})

	// The next World article cannot reach the closed DMs: the follows are
	// paused, and the reader hears of it on their next command.
	feed.Add(storyItem("new-summit", "Summit opens", "Leaders met.", 61, "World"))
	waitFor(t, "the second routed post", func() bool { return len(p.discord.Messages(news)) == 2 })
	waitPaused(t, db, herald.Target{Platform: herald.Discord, Chat: "dm:" + closed})
	id = push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: closed, Name: "following"})
	content, _, _ := discordReply(t, p.discord, id)
	if !strings.Contains(content, "follows were paused") || !strings.Contains(content, "50007") {
		t.Errorf("reply after a failed DM does not tell of the pause: %q", content)
	}

	// Only moderators may ask why an article went where it went.
	article := []fakes.InteractionOption{{Name: "article", Value: "https://news.example/new-trade"}}
	expect(push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: "550", Name: "why", Options: article}),
		"Only admins can ask why")
	expect(push(fakes.InteractionSpec{GuildID: guild, ChannelID: channel, UserID: admin, Permissions: 1 << 4, Name: "why", Options: article}),
		"discord:"+news+": sent ")

	// Each target got each article once.
	polls := feed.Requests()
	waitFor(t, "two more polls", func() bool { return feed.Requests() >= polls+2 }) // anything sent twice shows now
	for who, n := range map[string]int{channel: 2, news: 2} {
		if got := len(p.discord.Messages(who)); got != n {
			t.Errorf("channel %s got %d posts, want %d", who, got, n)
		}
	}
	for who, n := range map[string]int{dmReader: 1, alice: 1} {
		if got := len(dmMessages(p.discord, who)); got != n {
			t.Errorf("DM of %s got %d posts, want %d", who, got, n)
		}
	}
	for _, m := range p.discord.AllMessages() {
		if !strings.Contains(string(m.Raw), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("a post may ping: %s", m.Raw)
		}
	}
	for _, r := range p.discord.Replies() {
		if r.Kind == "callback" && r.Type == 4 && !strings.Contains(string(r.Raw), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("a reply may ping: %s", r.Raw)
		}
	}
}

// waitPaused waits until the daemon using db has paused the target's
// follows.
func waitPaused(t *testing.T, db string, target herald.Target) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	waitFor(t, "the follows of "+target.String()+" to be paused", func() bool {
		reason, err := st.Paused(context.Background(), target)
		return err == nil && reason != ""
	})
}

// autocompleteChoices returns the names of the choices an autocomplete
// interaction was answered with.
func autocompleteChoices(t *testing.T, d *fakes.Discord, id string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rs, err := d.WaitReplies(ctx, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].Type != 8 {
		t.Fatalf("autocomplete answered with type %d, want 8", rs[0].Type)
	}
	data, _ := rs[0].Body["data"].(map[string]any)
	choices, _ := data["choices"].([]any)
	out := []string{}
	for _, c := range choices {
		out = append(out, fmt.Sprint(c.(map[string]any)["name"]))
	}
	return out
}

// dmMessages returns the messages created in the DM channel of a user.
func dmMessages(d *fakes.Discord, userID string) []fakes.DiscordMessage {
	id := d.DMChannel(userID)
	if id == "" {
		return nil
	}
	return d.Messages(id)
}
