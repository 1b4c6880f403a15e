package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
)

func TestTelegramReadersFollowSearchAndRoute(t *testing.T) {
	const (
		reader      = "1001" // a private chat with the bot
		presser     = "1002" // a reader who presses a button, then blocks the bot
		group       = "-2002"
		newsChannel = "-1003003"
		groupAdmin  = 501
		member      = 502
		anonymous   = 1087968824
	)
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{
		Chats:     []string{chat, reader, presser, group, newsChannel},
		ChatTypes: map[string]string{group: "supergroup"},
		Admins:    map[string][]int64{group: {groupAdmin}},
	})
	feed := feedtest.New("The Daily Example",
		storyItem("old-lavrov", "Lavrov visits Beijing", "Russia's foreign minister met officials.", 1, "World", "Asia"),
		storyItem("old-rates", "Rates held steady", "The central bank kept rates.", 2, "Business"))
	defer feed.Close()
	db := filepath.Join(t.TempDir(), "herald.db")
	env := p.env(db, feed.URL())
	delete(env, "HERALD_DISCORD_TOKEN")
	delete(env, "HERALD_DISCORD_CHANNELS")
	d := startDaemon(t, env)
	waitFor(t, "the feed's first sight", func() bool { return feed.Requests() >= 1 })

	// replyTo sends text to a chat and returns the bot's answer there.
	sent := map[string]int{}
	replyTo := func(chatID string, from int64, text string) string {
		t.Helper()
		// Answers and posts share the chat: the answer is the next message.
		sent[chatID] = len(p.telegram.Messages(chatID)) + 1
		if p.telegram.QueueText(chatID, from, text) == 0 {
			t.Fatalf("could not queue %q in %s", text, chatID)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ms, err := p.telegram.WaitMessages(ctx, chatID, sent[chatID])
		if err != nil {
			t.Fatalf("no answer to %q in %s: %v\n%s", text, chatID, err, d.stderr)
		}
		m := ms[sent[chatID]-1]
		if m.Params["link_preview_options"] != `{"is_disabled":true}` || m.ParseMode != "HTML" {
			t.Errorf("answer %q: params %v", m.Plain, m.Params)
		}
		return m.Plain
	}
	expect := func(chatID string, from int64, text, want string) {
		t.Helper()
		if got := replyTo(chatID, from, text); !strings.Contains(got, want) {
			t.Errorf("%s in %s: answer %q does not say %q", text, chatID, got, want)
		}
	}

	// Private chat: start, follow, search, latest, an unknown command.
	expect(reader, 1001, "/start", "/follow <topic>")
	// Answering commands, the bot has set the command menus of private
	// chats and groups.
	for _, scope := range []string{"all_private_chats", "all_group_chats"} {
		var names []string
		for _, c := range p.telegram.Commands(scope) {
			names = append(names, c.Command)
		}
		if want := []string{"follow", "unfollow", "following", "topics", "search", "latest", "help"}; !slices.Equal(names, want) {
			t.Errorf("%s menu = %q, want %q", scope, names, want)
		}
	}

	expect(reader, 1001, "/follow china", "Following “china”: new articles about it will arrive in this chat.")
	expect(reader, 1001, `/search lavrov "beijing NEAR( *`, "Lavrov visits Beijing")
	expect(reader, 1001, "/latest business", "Rates held steady")
	expect(reader, 1001, "/frobnicate", "I do not know that command.")

	// Group: a member may not change the group's follows; an admin and an
	// anonymous admin may; someone posting as a channel may not.
	expect(group, member, "/follow asia", "Only this group's admins")
	expect(group, groupAdmin, "/follow@news_bot asia", "Following “asia”: new articles about it will arrive in this group.")
	expect(group, anonymous, "/follow climate", "Following “climate”")
	before := len(p.telegram.Messages(group))
	if p.telegram.QueueTextAs(group, "-1009999", "/unfollow asia") == 0 {
		t.Fatal("could not queue a linked channel's post")
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if ms, err := p.telegram.WaitMessages(wctx, group, before+1); err != nil {
		t.Fatal(err)
	} else if got := ms[before].Plain; !strings.Contains(got, "Only this group's admins") {
		t.Errorf("a linked channel's /unfollow was answered %q, want a refusal", got)
	}
	expect(group, member, "/following", "asia")
	// Another bot's command, and plain talk, are left alone.
	p.telegram.QueueText(group, member, "/follow@other_bot sports")
	p.telegram.QueueText(group, member, "good morning")
	// A channel's admins route a topic into it by posting the command.
	expect(newsChannel, 0, "/follow world", "Following “world”: new articles about it will arrive in this channel.")

	// A reader presses a post's Follow button, in the configured channel.
	feed.Add(storyItem("new-trade", "Trade corridor extended", "Ministers from China and four other countries signed.", 60, "World", "Asia"))
	waitFor(t, "the post in the configured chat", func() bool { return len(p.telegram.Messages(chat)) == 1 })
	post := p.telegram.Messages(chat)[0]
	if !strings.Contains(post.Params["reply_markup"], `"callback_data":"follow:World"`) {
		t.Errorf("post has no follow button: %q", post.Params["reply_markup"])
	}
	_, queryID := p.telegram.QueueCallback(chat, post.MessageID, 1002, "follow:World")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	answers, err := p.telegram.WaitCallbackAnswers(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if answers[0].QueryID != queryID || !strings.Contains(answers[0].Text, "Following “World”") {
		t.Errorf("callback answered %+v", answers[0])
	}

	// The article reached the follower, the group (asia) and the channel
	// (world); the button's follow starts with the next article.
	waitFor(t, "the followers' posts", func() bool {
		return len(p.telegram.Messages(reader)) == sent[reader]+1 &&
			len(p.telegram.Messages(group)) == sent[group]+1 &&
			len(p.telegram.Messages(newsChannel)) == sent[newsChannel]+1
	})

	// The presser blocks the bot: the next World article pauses their
	// follows, and their next command tells them.
	p.telegram.Block(presser)
	feed.Add(storyItem("new-summit", "Summit opens", "Leaders met.", 61, "World"))
	waitFor(t, "the second channel post", func() bool { return len(p.telegram.Messages(newsChannel)) == sent[newsChannel]+2 })
	waitPaused(t, db, herald.Target{Platform: herald.Telegram, Chat: presser})
	p.telegram.Unblock(presser)
	expect(presser, 1002, "/following", "Your follows were paused because I could not send you a message (telegram 403: Forbidden: bot was blocked by the user)")

	// Only a chat's admins may ask why an article went where it went.
	expect(group, member, "/why https://news.example/new-trade", "Only admins can ask why")
	expect(group, groupAdmin, "/why https://news.example/new-trade", "telegram:"+group+": sent ")
	expect(reader, 1001, "/why https://news.example/new-trade", "Only admins can ask why")

	// A restart replays no command.
	before = len(p.telegram.AllMessages())
	if code := d.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	requests := feed.Requests()
	startDaemon(t, env)
	waitFor(t, "two polls after the restart", func() bool { return feed.Requests() >= requests+2 })
	if after := len(p.telegram.AllMessages()); after != before {
		for _, m := range p.telegram.AllMessages()[before:] {
			t.Errorf("after a restart the bot sent %q to %s", m.Plain, m.Chat)
		}
	}
	if n := p.telegram.RateLimited(); n != 0 {
		t.Errorf("%d requests were rate limited", n)
	}
}

func TestCommandsOffMeansPostingOnly(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	env := p.env(filepath.Join(t.TempDir(), "herald.db"), feed.URL())
	env["HERALD_COMMANDS"] = "false"
	startDaemon(t, env)
	waitFor(t, "the feed's first sight", func() bool { return feed.Requests() >= 1 })
	feed.Add(wireItem(1))
	waitFor(t, "the posts", func() bool {
		return len(p.discord.Messages(channel)) == 1 && len(p.telegram.Messages(chat)) == 1
	})
	p.telegram.QueueText(chat, 7, "/help")
	polls := feed.Requests()
	waitFor(t, "two more polls", func() bool { return feed.Requests() >= polls+2 })
	for _, r := range p.telegram.Requests() {
		if strings.HasSuffix(r.Path, "/getUpdates") || strings.HasSuffix(r.Path, "/setMyCommands") {
			t.Errorf("with commands off the bot called %s", r.Path)
		}
	}
	if n := len(p.discord.Commands("")); n != 0 {
		t.Errorf("with commands off %d Discord commands were registered", n)
	}
	if n := len(p.telegram.Messages(chat)); n != 1 {
		t.Errorf("the chat got %d messages, want the post only", n)
	}
}
