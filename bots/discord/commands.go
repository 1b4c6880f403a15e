package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots"
	"github.com/heraldhq/herald/formatter"
)

// The Discord-only commands: a server's moderators route topics into its
// channels with them. They need Manage Channels, by default (Discord hides
// them from others) and in the handler (on every call, whatever a server
// changed in its integration settings).
const (
	routeCommand   = "route"
	unrouteCommand = "unroute"
)

// routePermission is what a member needs, in the channel, to route topics
// into it.
const routePermission = discordgo.PermissionManageChannels

// deferAfter is how long an answer may take before the interaction is
// acknowledged with a deferred response and the answer edited in later.
// Discord allows three seconds for the first response.
const deferAfter = 1500 * time.Millisecond

// routeHelp is added to the help on Discord.
const routeHelp = "Server moderators (Manage Channels): /route <topic> <channel> sends a topic's articles into a channel, /unroute stops it; /following <channel> lists a channel's topics; /why <link> tells what happened to an article."

// CommandDefinitions returns the application commands Herald registers.
func CommandDefinitions() []*discordgo.ApplicationCommand {
	minLen := 1
	topic := func(required bool, description string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: description,
			Required: required, Autocomplete: true, MinLength: &minLen, MaxLength: herald.MaxTopicLen,
		}
	}
	channel := func(required bool, description string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{
			Type: discordgo.ApplicationCommandOptionChannel, Name: "channel", Description: description,
			Required:     required,
			ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews},
		}
	}
	manage := int64(routePermission)
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	everywhere := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	cmds := []*discordgo.ApplicationCommand{}
	for _, c := range bots.Commands {
		cmd := &discordgo.ApplicationCommand{
			Type: discordgo.ChatApplicationCommand, Name: c.Name, Description: c.Description, Contexts: everywhere,
		}
		switch c.Name {
		case bots.Follow:
			cmd.Options = []*discordgo.ApplicationCommandOption{
				topic(true, "A section such as World, or any word or phrase"),
				channel(false, "Send it into this channel instead of your DMs (Manage Channels)"),
			}
		case bots.Unfollow:
			cmd.Options = []*discordgo.ApplicationCommandOption{
				topic(true, "A topic you follow"),
				channel(false, "Stop it in this channel (Manage Channels)"),
			}
		case bots.Following:
			cmd.Options = []*discordgo.ApplicationCommandOption{channel(false, "List this channel's topics")}
		case bots.Latest:
			cmd.Options = []*discordgo.ApplicationCommandOption{topic(false, "Only articles about this topic")}
		case bots.Search:
			cmd.Options = []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "query", Description: "Words to look for",
				Required: true, MinLength: &minLen, MaxLength: 1000,
			}}
		}
		cmds = append(cmds, cmd)
	}
	cmds = append(cmds, &discordgo.ApplicationCommand{
		Type: discordgo.ChatApplicationCommand, Name: bots.Why, Description: "What happened to an article on each channel and chat",
		DefaultMemberPermissions: &manage, Contexts: guildOnly,
		Options: []*discordgo.ApplicationCommandOption{{
			Type: discordgo.ApplicationCommandOptionString, Name: "article", Description: "The article's link",
			Required: true, MinLength: &minLen, MaxLength: 1000,
		}},
	})
	for _, c := range []struct{ name, description, topicText string }{
		{routeCommand, "Send a topic's articles into a channel", "A section such as World, or any word or phrase"},
		{unrouteCommand, "Stop sending a topic's articles into a channel", "A topic the channel gets"},
	} {
		cmds = append(cmds, &discordgo.ApplicationCommand{
			Type: discordgo.ChatApplicationCommand, Name: c.name, Description: c.description,
			DefaultMemberPermissions: &manage, Contexts: guildOnly,
			Options: []*discordgo.ApplicationCommandOption{
				topic(true, c.topicText), channel(true, "The channel"),
			},
		})
	}
	return cmds
}

// EnableCommands makes the bot answer readers' commands with handler once
// its gateway connection is ready, registering them in guildID (at once,
// for testing) or globally when guildID is empty. Call it before Connect.
func (b *Bot) EnableCommands(handler *bots.Handler, guildID string) {
	b.handler = handler
	var once sync.Once
	b.s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) {
		once.Do(func() { go b.register(r, guildID) })
	})
	b.s.AddHandler(func(s *discordgo.Session, e *discordgo.Event) {
		if e.Type == "INTERACTION_CREATE" {
			b.onInteraction(e.RawData, time.Now())
		}
	})
}

// register overwrites the application's commands with Herald's, trying
// again a few times if Discord refuses for now.
func (b *Bot) register(r *discordgo.Ready, guildID string) {
	appID := ""
	if r.Application != nil {
		appID = r.Application.ID
	}
	if appID == "" && r.User != nil {
		appID = r.User.ID // a bot's user ID is its application ID
	}
	scope := "global"
	if guildID != "" {
		scope = "guild " + guildID
	}
	wait := time.Second
	for attempt := 1; ; attempt++ {
		_, err := b.s.ApplicationCommandBulkOverwrite(appID, guildID, CommandDefinitions())
		if err == nil {
			b.log.Info("discord commands registered", "scope", scope, "commands", len(CommandDefinitions()))
			return
		}
		if attempt == 5 {
			b.log.Error("discord commands not registered; readers cannot use them", "scope", scope, "err", err)
			return
		}
		b.log.Warn("discord commands not registered yet; will try again", "scope", scope, "err", err, "retry_in", wait)
		time.Sleep(wait)
		wait *= 2
	}
}

// interactionExtra is what discordgo v0.29.0 does not decode of an
// interaction: the permissions of the caller in the channels it names.
type interactionExtra struct {
	Data struct {
		Resolved struct {
			Channels map[string]struct {
				Permissions *int64 `json:"permissions,string"`
				Type        int    `json:"type"`
			} `json:"channels"`
		} `json:"resolved"`
	} `json:"data"`
}

// respondFunc sends an interaction's initial response: over REST for an
// interaction from the gateway, in the HTTP response for one posted to the
// interactions endpoint. Edits and follow-ups go over REST either way.
type respondFunc func(ctx context.Context, r *discordgo.InteractionResponse) error

// onInteraction answers one interaction from the gateway: a command, an
// autocompletion or a button press.
func (b *Bot) onInteraction(raw json.RawMessage, received time.Time) {
	// discordgo runs each handler in a goroutine of its own, where a
	// panic would end the process; one bad interaction must not.
	defer b.recoverInteraction()
	var i discordgo.Interaction
	if err := json.Unmarshal(raw, &i); err != nil {
		b.log.Warn("discord: undecodable interaction", "err", err)
		return
	}
	b.interact(b.handler, &i, raw, received, func(ctx context.Context, r *discordgo.InteractionResponse) error {
		return b.s.InteractionRespond(&i, r, discordgo.WithContext(ctx))
	})
}

// recoverInteraction logs a panic of an interaction's handling instead of
// ending the process; deferred.
func (b *Bot) recoverInteraction() {
	if v := recover(); v != nil {
		b.log.Error("discord: interaction handler panicked", "panic", v)
	}
}

// interact answers one decoded interaction, whose JSON is raw, with
// handler: a command, an autocompletion or a button press. The gateway and
// the interactions endpoint share it; only respond differs.
func (b *Bot) interact(handler *bots.Handler, i *discordgo.Interaction, raw []byte, received time.Time, respond respondFunc) {
	var extra interactionExtra
	_ = json.Unmarshal(raw, &extra) // best effort; missing permissions deny
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		req, ok := b.commandRequest(i, extra)
		if !ok {
			return
		}
		b.answer(ctx, i, received, respond, func(ctx context.Context) formatter.Reply {
			reply := handler.Handle(ctx, req)
			if req.Command == bots.Help {
				reply.Text += "\n" + routeHelp
			}
			return reply
		})
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(ctx, handler, i, extra, respond)
	case discordgo.InteractionMessageComponent:
		data := i.MessageComponentData()
		topic, ok := formatter.ParseFollowData(data.CustomID)
		if !ok {
			b.log.Warn("discord: unknown button", "custom_id", data.CustomID)
			return
		}
		req := b.personal(i)
		req.Command, req.Args = bots.Follow, topic
		b.answer(ctx, i, received, respond, func(ctx context.Context) formatter.Reply { return handler.Handle(ctx, req) })
	}
}

// caller returns the user who caused the interaction.
func caller(i *discordgo.Interaction) *discordgo.User {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User
	}
	if i.User != nil {
		return i.User
	}
	return &discordgo.User{}
}

// personal returns a request whose follows are the caller's own, by DM.
func (b *Bot) personal(i *discordgo.Interaction) bots.Request {
	u := caller(i)
	me := herald.Target{Platform: herald.Discord, Chat: DMPrefix + u.ID}
	return bots.Request{User: "discord:" + u.ID, Personal: me, Subscriber: me, Where: "by direct message"}
}

// commandRequest turns a slash command into a request. A channel option
// makes follow, unfollow and following act on that channel, which needs
// Manage Channels there to change.
func (b *Bot) commandRequest(i *discordgo.Interaction, extra interactionExtra) (bots.Request, bool) {
	data := i.ApplicationCommandData()
	req := b.personal(i)
	req.Command = data.Name
	for _, name := range []string{"topic", "query", "article"} {
		if o := data.GetOption(name); o != nil && o.Type == discordgo.ApplicationCommandOptionString {
			req.Args = stringOption(o)
		}
	}
	if i.Member != nil && i.GuildID != "" {
		req.Admin = i.Member.Permissions&(routePermission|discordgo.PermissionAdministrator) != 0
	}
	switch req.Command {
	case routeCommand:
		req.Command = bots.Follow
	case unrouteCommand:
		req.Command = bots.Unfollow
	}
	o := data.GetOption("channel")
	if o == nil || o.Type != discordgo.ApplicationCommandOptionChannel {
		return req, true
	}
	channelID, _ := o.Value.(string)
	req.Subscriber = herald.Target{Platform: herald.Discord, Chat: channelID}
	req.Where = "in that channel"
	if ch := data.Resolved; ch != nil && ch.Channels[channelID] != nil && ch.Channels[channelID].Name != "" {
		req.Where = "in #" + ch.Channels[channelID].Name
	}
	req.Denied = b.routeDenied(i, extra, channelID)
	return req, true
}

// routeDenied returns why the caller may not change the channel's follows,
// or "" when they may.
func (b *Bot) routeDenied(i *discordgo.Interaction, extra interactionExtra, channelID string) string {
	if i.Member == nil || i.GuildID == "" {
		return "Topics can be sent into a channel from a server only."
	}
	perms := i.Member.Permissions
	if ch, ok := extra.Data.Resolved.Channels[channelID]; ok && ch.Permissions != nil {
		perms = *ch.Permissions
	}
	if perms&(routePermission|discordgo.PermissionAdministrator) == 0 {
		return "Only members who can manage that channel (Manage Channels) can send topics into it. You can /follow a topic for yourself."
	}
	return ""
}

// stringOption returns the value of a string option, or "" when it has
// none or another type: discordgo's StringValue panics then, and the
// interaction comes from outside.
func stringOption(o *discordgo.ApplicationCommandInteractionDataOption) string {
	v, _ := o.Value.(string)
	return v
}

// autocomplete suggests topics for the option being typed.
func (b *Bot) autocomplete(ctx context.Context, handler *bots.Handler, i *discordgo.Interaction, extra interactionExtra, respond respondFunc) {
	req, _ := b.commandRequest(i, extra)
	req.Args = ""
	for _, o := range i.ApplicationCommandData().Options {
		if o.Focused && o.Type == discordgo.ApplicationCommandOptionString {
			req.Args = stringOption(o)
		}
	}
	choices := []*discordgo.ApplicationCommandOptionChoice{}
	for _, t := range handler.Complete(ctx, req) {
		name := formatter.Truncate(t, 100)
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: name})
	}
	err := respond(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	})
	if err != nil {
		b.log.Warn("discord: autocomplete answer failed", "err", describe(err))
	}
}

// answer replies to the interaction, privately, with what work returns,
// sending the first response with respond. When work takes longer than
// deferAfter, the interaction is acknowledged first (Discord shows
// "thinking…") and the reply edited in over REST when ready.
func (b *Bot) answer(ctx context.Context, i *discordgo.Interaction, received time.Time, respond respondFunc, work func(context.Context) formatter.Reply) {
	done := make(chan formatter.Reply, 1)
	go func() { done <- work(ctx) }()
	noMentions := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	timer := time.NewTimer(deferAfter - time.Since(received))
	defer timer.Stop()
	select {
	case reply := <-done:
		err := respond(ctx, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: formatter.DiscordReply(reply), Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions,
			},
		})
		b.acknowledged(received, err)
		return
	case <-timer.C:
	}
	err := respond(ctx, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions},
	})
	b.acknowledged(received, err)
	if err != nil {
		return
	}
	reply := <-done
	content := formatter.DiscordReply(reply)
	if _, err := b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &content, AllowedMentions: noMentions},
		discordgo.WithContext(ctx)); err != nil {
		b.log.Warn("discord: deferred answer failed", "err", describe(err))
	}
}

// acknowledged logs the outcome of an interaction's first response.
func (b *Bot) acknowledged(received time.Time, err error) {
	if err != nil {
		b.log.Warn("discord: interaction answer failed", "err", describe(err))
		return
	}
	b.log.Debug("discord: interaction answered", "after", time.Since(received))
}

// DMPrefix starts the Chat of a target that is a Discord user's direct
// messages: "dm:USERID". The DM channel is opened when posting.
const DMPrefix = "dm:"

// dmChannel returns the ID of the DM channel with the user, opening it
// the first time.
func (b *Bot) dmChannel(ctx context.Context, userID string) (string, error) {
	b.mu.Lock()
	id, ok := b.dms[userID]
	b.mu.Unlock()
	if ok {
		return id, nil
	}
	sent, err := b.global.Wait(ctx)
	if err != nil {
		return "", err
	}
	ch, err := b.s.UserChannelCreate(userID, discordgo.WithContext(ctx))
	sent()
	if err != nil {
		return "", classify(err)
	}
	if ch == nil || ch.ID == "" {
		return "", fmt.Errorf("discord: no DM channel for user %s", userID)
	}
	b.mu.Lock()
	b.dms[userID] = ch.ID
	b.mu.Unlock()
	return ch.ID, nil
}

// isDM reports whether a target chat is a user's direct messages, and
// returns the user.
func isDM(chat string) (userID string, ok bool) {
	return strings.CutPrefix(chat, DMPrefix)
}
