package fakes

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// registerCommands registers the commands the interaction tests invoke.
func registerCommands(t *testing.T, s *discordgo.Session) []*discordgo.ApplicationCommand {
	t.Helper()
	perm := int64(discordgo.PermissionManageGuild)
	guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	cmds, err := s.ApplicationCommandBulkOverwrite("100", "", []*discordgo.ApplicationCommand{
		{Name: "follow", Description: "Follow a feed", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "feed", Description: "Feed", Required: true, Autocomplete: true},
			{Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: "Where", ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
		}},
		{Name: "routes", Description: "Routes", DefaultMemberPermissions: &perm, Contexts: &guildOnly, Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "List"},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove", Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionInteger, Name: "id", Description: "Route", Required: true},
			}},
		}},
		{Name: "lang", Description: "Language", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "code", Description: "Code", Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "English", Value: "en"}, {Name: "French", Value: "fr"},
			}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cmds
}

// interactionFixture opens a session on a fake with channels 200 and 201
// and the test commands, and collects the interactions it receives.
func interactionFixture(t *testing.T, opts DiscordOptions) (*Discord, *discordgo.Session, *events[*discordgo.InteractionCreate]) {
	t.Helper()
	opts.Token, opts.Channels = testToken, []string{"200", "201"}
	if opts.HeartbeatInterval == 0 {
		opts.HeartbeatInterval = time.Second
	}
	d := NewDiscord(opts)
	t.Cleanup(d.Close)
	got := &events[*discordgo.InteractionCreate]{}
	s := newSession(t, d, testToken)
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { got.add(ic) })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	waitFor(t, "connection", func() bool { return d.Connected() == 1 })
	registerCommands(t, s)
	return d, s, got
}

// received waits for the interaction with an ID to reach the handler.
func received(t *testing.T, got *events[*discordgo.InteractionCreate], id string) *discordgo.Interaction {
	t.Helper()
	var ic *discordgo.Interaction
	waitFor(t, "interaction "+id, func() bool {
		for i := range got.len() {
			if x := got.at(i); x.ID == id {
				ic = x.Interaction
				return true
			}
		}
		return false
	})
	return ic
}

func waitCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestPushInteractionCommandAndButtons(t *testing.T) {
	t.Parallel()
	d, s, got := interactionFixture(t, DiscordOptions{})
	id, err := d.PushInteraction(InteractionSpec{
		ChannelID: "200", UserID: "501", Username: "alice", Permissions: discordgo.PermissionManageGuild,
		Name: "follow", Options: []InteractionOption{{Name: "feed", Value: "https://example.com/rss"}, {Name: "channel", Value: "201"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ic := received(t, got, id)
	if ic.Type != discordgo.InteractionApplicationCommand || ic.AppID != "100" || ic.GuildID != "300" || ic.ChannelID != "200" || ic.Token == "" {
		t.Errorf("interaction = %+v", ic)
	}
	if ic.Member == nil || ic.Member.User.ID != "501" || ic.Member.User.Username != "alice" || ic.Member.Permissions != discordgo.PermissionManageGuild || ic.User != nil {
		t.Errorf("member = %+v, user = %+v", ic.Member, ic.User)
	}
	if ic.AppPermissions != DefaultAppPermissions || ic.Locale != discordgo.EnglishUS || ic.GuildLocale == nil || *ic.GuildLocale != discordgo.EnglishUS {
		t.Errorf("app_permissions %d, locale %q, guild locale %v", ic.AppPermissions, ic.Locale, ic.GuildLocale)
	}
	data := ic.ApplicationCommandData()
	if data.Name != "follow" || data.ID != d.Commands("")[0]["id"] || data.GetOption("feed").StringValue() != "https://example.com/rss" {
		t.Errorf("data = %+v", data)
	}
	if ch := data.GetOption("channel").ChannelValue(nil); ch.ID != "201" || data.Resolved == nil || data.Resolved.Channels["201"].Name != "channel-201" {
		t.Errorf("channel option %+v, resolved %+v", ch, data.Resolved)
	}

	// Answer with a button, then press it: the reply is the message.
	err = s.InteractionRespond(ic, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "Following", Components: []discordgo.MessageComponent{discordgo.ActionsRow{
			Components: []discordgo.MessageComponent{discordgo.Button{Label: "Unfollow", Style: discordgo.DangerButton, CustomID: "unfollow:1"}},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	replies, err := d.WaitReplies(waitCtx(t), id, 1)
	if err != nil || replies[0].Kind != "callback" || replies[0].Type != 4 {
		t.Fatalf("replies = %+v, %v", replies, err)
	}
	reply, err := s.InteractionResponse(ic)
	if err != nil {
		t.Fatal(err)
	}
	press, err := d.PushInteraction(InteractionSpec{CustomID: "unfollow:1", MessageID: reply.ID, UserID: "501"})
	if err != nil {
		t.Fatal(err)
	}
	pc := received(t, got, press)
	cd := pc.MessageComponentData()
	if pc.Type != discordgo.InteractionMessageComponent || cd.CustomID != "unfollow:1" || cd.ComponentType != discordgo.ButtonComponent ||
		pc.Message == nil || pc.Message.ID != reply.ID || pc.ChannelID != "200" || pc.Member == nil {
		t.Fatalf("component interaction = %+v, data %+v", pc, cd)
	}
	err = s.InteractionRespond(pc, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{Content: "Unfollowed", Components: []discordgo.MessageComponent{}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []*discordgo.Interaction{pc, ic} {
		if m, err := s.InteractionResponse(i); err != nil || m.Content != "Unfollowed" || len(m.Components) != 0 {
			t.Errorf("message after the update = %+v, %v", m, err)
		}
	}

	// A button on a message the bot posted: deferred update, then edit.
	posted, err := s.ChannelMessageSendComplex("201", &discordgo.MessageSend{Content: "New story", Components: []discordgo.MessageComponent{
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.Button{Label: "Save", CustomID: "save:9"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	save, err := d.PushInteraction(InteractionSpec{CustomID: "save:9", MessageID: posted.ID})
	if err != nil {
		t.Fatal(err)
	}
	sc := received(t, got, save)
	if err := s.InteractionRespond(sc, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}); err != nil {
		t.Fatal(err)
	}
	saved := "Saved"
	if _, err := s.InteractionResponseEdit(sc, &discordgo.WebhookEdit{Content: &saved}); err != nil {
		t.Fatal(err)
	}
	if m, err := s.ChannelMessage("201", posted.ID); err != nil || m.Content != "Saved" {
		t.Errorf("posted message = %+v, %v", m, err)
	}
	if replies, err := d.WaitReplies(waitCtx(t), save, 2); err != nil || replies[0].Type != 6 || replies[1].Kind != "original" {
		t.Errorf("replies = %+v, %v", replies, err)
	}
	checkNoUnexpected(t, d.Unexpected())
}

func TestPushInteractionDMAutocompleteSubcommand(t *testing.T) {
	t.Parallel()
	d, s, got := interactionFixture(t, DiscordOptions{})

	dm, err := d.PushInteraction(InteractionSpec{DM: true, UserID: "502", Name: "lang", Options: []InteractionOption{{Name: "code", Value: "fr"}}})
	if err != nil {
		t.Fatal(err)
	}
	ic := received(t, got, dm)
	ch, err := s.UserChannelCreate("502")
	if err != nil {
		t.Fatal(err)
	}
	if ic.User == nil || ic.User.ID != "502" || ic.Member != nil || ic.GuildID != "" || ic.ChannelID != ch.ID || ic.GuildLocale != nil {
		t.Errorf("DM interaction = %+v", ic)
	}
	if v := ic.ApplicationCommandData().GetOption("code").StringValue(); v != "fr" {
		t.Errorf("code = %q", v)
	}
	// Components are checked in responses and their edits too; a refused
	// response leaves the interaction unanswered.
	twice := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "A", CustomID: "same"}, discordgo.Button{Label: "B", CustomID: "same"},
	}}}
	err = s.InteractionRespond(ic, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "x", Components: twice}})
	checkFormError(t, err, `"data":{"components":{"0":{"components":{"1":{"custom_id":{"_errors":[{"code":"COMPONENT_CUSTOM_ID_DUPLICATED"`)
	err = s.InteractionRespond(ic, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "Language set", Flags: discordgo.MessageFlagsEphemeral}})
	if err != nil {
		t.Fatal(err)
	}
	noURL := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Docs", Style: discordgo.LinkButton},
	}}}
	_, err = s.InteractionResponseEdit(ic, &discordgo.WebhookEdit{Components: &noURL})
	checkFormError(t, err, "BUTTON_COMPONENT_URL_REQUIRED")
	_, err = s.FollowupMessageCreate(ic, true, &discordgo.WebhookParams{Content: "x", Components: twice})
	checkFormError(t, err, "COMPONENT_CUSTOM_ID_DUPLICATED")

	ac, err := d.PushInteraction(InteractionSpec{Type: 4, ChannelID: "200", Name: "follow", Options: []InteractionOption{{Name: "feed", Value: "exa", Focused: true}}})
	if err != nil {
		t.Fatal(err)
	}
	ic = received(t, got, ac)
	if opt := ic.ApplicationCommandData().GetOption("feed"); ic.Type != discordgo.InteractionApplicationCommandAutocomplete || !opt.Focused || opt.StringValue() != "exa" {
		t.Errorf("autocomplete = %+v", ic)
	}
	err = s.InteractionRespond(ic, &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Example", Value: "https://example.com/rss"}}}})
	if err != nil {
		t.Fatal(err)
	}

	sub, err := d.PushInteraction(InteractionSpec{ChannelID: "200", Name: "routes", Options: []InteractionOption{{Name: "remove", Options: []InteractionOption{{Name: "id", Value: 3}}}}})
	if err != nil {
		t.Fatal(err)
	}
	ic = received(t, got, sub)
	opts := ic.ApplicationCommandData().Options
	if len(opts) != 1 || opts[0].Type != discordgo.ApplicationCommandOptionSubCommand || opts[0].GetOption("id").IntValue() != 3 || ic.Member.Permissions != 0 {
		t.Errorf("subcommand = %+v", opts)
	}
	if replies, err := d.WaitReplies(waitCtx(t), ac, 1); err != nil || replies[0].Type != 8 {
		t.Errorf("autocomplete replies = %+v, %v", replies, err)
	}
}

func TestPushInteractionRefuses(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200", "201"}})
	defer d.Close()
	s := newSession(t, d, testToken)
	registerCommands(t, s)
	msg, err := s.ChannelMessageSendComplex("200", &discordgo.MessageSend{Content: "x", Components: []discordgo.MessageComponent{
		discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "On", CustomID: "on"}, discordgo.Button{Label: "Off", CustomID: "off", Disabled: true},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	follow := func(opts ...InteractionOption) InteractionSpec {
		return InteractionSpec{ChannelID: "200", Name: "follow", Options: opts}
	}
	feed := InteractionOption{Name: "feed", Value: "x"}
	tests := []struct {
		name string
		spec InteractionSpec
		want string
	}{
		{"unregistered command", InteractionSpec{ChannelID: "200", Name: "search"}, `no chat input command "search"`},
		{"no name", InteractionSpec{ChannelID: "200"}, "needs a Name"},
		{"no channel", InteractionSpec{Name: "lang"}, "needs a ChannelID"},
		{"guild command in a DM", InteractionSpec{DM: true, Name: "routes", Options: []InteractionOption{{Name: "list"}}}, "not available in DMs"},
		{"DM flag on a guild channel", InteractionSpec{DM: true, ChannelID: "200", Name: "lang"}, "not a DM channel"},
		{"unknown option", follow(feed, InteractionOption{Name: "colour", Value: "red"}), `no option "colour"`},
		{"wrong type", follow(InteractionOption{Name: "feed", Type: 4, Value: 1}), "has type 3, not 4"},
		{"wrong value", follow(InteractionOption{Name: "feed", Value: 5}), "takes a non-empty string"},
		{"missing required", follow(), `required option "feed" is missing`},
		{"option twice", follow(feed, feed), "given twice"},
		{"not a choice", InteractionSpec{ChannelID: "200", Name: "lang", Options: []InteractionOption{{Name: "code", Value: "de"}}}, "not one of the registered choices"},
		{"unknown channel", follow(feed, InteractionOption{Name: "channel", Value: "999"}), "ResolvedChannels"},
		{"channel type", InteractionSpec{ChannelID: "200", Name: "follow", Options: []InteractionOption{feed, {Name: "channel", Value: "999"}},
			ResolvedChannels: map[string]ResolvedChannel{"999": {Type: 2}}}, "not one of channel_types"},
		{"focused in a command", follow(InteractionOption{Name: "feed", Value: "x", Focused: true}), "only autocomplete"},
		{"autocomplete without focus", InteractionSpec{Type: 4, ChannelID: "200", Name: "follow"}, "exactly one focused option"},
		{"focus without autocomplete", InteractionSpec{Type: 4, ChannelID: "200", Name: "follow", Options: []InteractionOption{{Name: "channel", Value: "2", Focused: true}}}, "not registered with autocomplete"},
		{"no subcommand", InteractionSpec{ChannelID: "200", Name: "routes"}, "exactly one subcommand"},
		{"whole integer", InteractionSpec{ChannelID: "200", Name: "routes", Options: []InteractionOption{{Name: "remove", Options: []InteractionOption{{Name: "id", Value: 1.5}}}}}, "whole number"},
		{"unknown message", InteractionSpec{CustomID: "on", MessageID: "1"}, "unknown message"},
		{"unknown custom_id", InteractionSpec{CustomID: "maybe", MessageID: msg.ID}, "no enabled component"},
		{"disabled button", InteractionSpec{CustomID: "off", MessageID: msg.ID}, "no enabled component"},
		{"other channel", InteractionSpec{CustomID: "on", MessageID: msg.ID, ChannelID: "201"}, "is in channel 200"},
		{"type 5", InteractionSpec{Type: 5, ChannelID: "200"}, "not 2, 3 or 4"},
		{"no gateway session", InteractionSpec{ChannelID: "200", Name: "lang"}, "no gateway session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := d.PushInteraction(tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("PushInteraction = %q, %v; want an error with %q", id, err, tt.want)
			}
		})
	}
}

// TestDiscordInteractionDeadline shows the deadline applies to the initial
// response only: a deferred response made in time can be edited later.
func TestDiscordInteractionDeadline(t *testing.T) {
	t.Parallel()
	const deadline = 800 * time.Millisecond
	d, s, got := interactionFixture(t, DiscordOptions{InteractionDeadline: deadline})
	late, err := d.PushInteraction(InteractionSpec{ChannelID: "200", Name: "lang"})
	if err != nil {
		t.Fatal(err)
	}
	deferred, err := d.PushInteraction(InteractionSpec{ChannelID: "200", Name: "lang"})
	if err != nil {
		t.Fatal(err)
	}
	dc := received(t, got, deferred)
	if err := s.InteractionRespond(dc, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
		t.Fatalf("deferring in time: %v", err)
	}
	lc := received(t, got, late)
	time.Sleep(deadline + 100*time.Millisecond) // let the deadline pass
	err = s.InteractionRespond(lc, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "too late"}})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 404 || re.Message.Code != 10062 || re.Message.Message != "Unknown interaction" {
		t.Errorf("late response: %v, want 404 code 10062", err)
	}
	content := "Done"
	if m, err := s.InteractionResponseEdit(dc, &discordgo.WebhookEdit{Content: &content}); err != nil || m.Content != "Done" {
		t.Errorf("edit after the deadline = %+v, %v", m, err)
	}
	if _, err := s.FollowupMessageCreate(dc, true, &discordgo.WebhookParams{Content: "more"}); err != nil {
		t.Errorf("follow-up after the deadline: %v", err)
	}
	if r := d.Replies(); len(r) != 3 || r[0].InteractionID != deferred {
		t.Errorf("replies = %+v", r)
	}
}

func TestDiscordClosedDMs(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken})
	defer d.Close()
	s := newSession(t, d, testToken)
	d.CloseDMs("500")
	dm, err := s.UserChannelCreate("500")
	if err != nil {
		t.Fatalf("opening the DM channel: %v", err)
	}
	_, err = s.ChannelMessageSend(dm.ID, "hello")
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 403 || re.Message.Code != 50007 || re.Message.Message != "Cannot send messages to this user" {
		t.Fatalf("send = %v, want 403 code 50007", err)
	}
	other, err := s.UserChannelCreate("501")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessageSend(other.ID, "hello"); err != nil {
		t.Errorf("another user's DM: %v", err)
	}
	d.OpenDMs("500")
	if _, err := s.ChannelMessageSend(dm.ID, "again"); err != nil {
		t.Errorf("after OpenDMs: %v", err)
	}
	if msgs := d.Messages(dm.ID); len(msgs) != 1 || msgs[0].Content != "again" {
		t.Errorf("messages = %+v", msgs)
	}
}
