package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots"
	"github.com/heraldhq/herald/formatter"
)

// anonymousAdmin is the user Telegram names as the sender of a message a
// group's administrator posts anonymously (@GroupAnonymousBot).
const anonymousAdmin = 1087968824

// updateCursor names the stored position of the last update taken.
const updateCursor = "telegram.update"

// Long polling: getUpdates waits up to longPoll for an update; the HTTP
// client waits longer than that.
const (
	longPoll       = 50 * time.Second
	longPollClient = longPoll + 15*time.Second
)

// allowedUpdates are the updates Herald asks Telegram for.
var allowedUpdates = []string{"message", "channel_post", "callback_query"}

// Listen answers readers' commands with handler until ctx ends: it
// registers the command menus, deletes the webhook if one is set (see
// SetWebhook; getUpdates fails while one is), then long-polls getUpdates,
// the one consumer of the bot's updates. The position of the last update taken is
// kept in store before the update is handled, so a restart never replays
// a command.
func (b *Bot) Listen(ctx context.Context, handler *bots.Handler, store herald.Store) error {
	api, err := b.connectWait(ctx)
	if err != nil {
		return err
	}
	b.setCommands(api)
	b.dropWebhook(ctx, api)
	poller := &tgbotapi.BotAPI{
		Token:  b.token,
		Self:   api.Self,
		Client: &redactingClient{ctx: ctx, client: &http.Client{Timeout: longPollClient}, secret: b.token},
	}
	poller.SetAPIEndpoint(b.endpoint)

	last, err := store.Cursor(ctx, updateCursor)
	if err != nil {
		return fmt.Errorf("telegram: read update position: %w", err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wait := time.Second
	for ctx.Err() == nil {
		updates, err := poller.GetUpdates(tgbotapi.UpdateConfig{
			Offset: int(last) + 1, Limit: 100, Timeout: int(longPoll / time.Second), AllowedUpdates: allowedUpdates,
		})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			b.log.Warn("telegram getUpdates failed; will try again", "err", describeUpdates(err), "retry_in", wait)
			sleep(ctx, wait)
			wait = min(2*wait, time.Minute)
			continue
		}
		wait = time.Second
		var fresh []tgbotapi.Update
		for _, u := range updates {
			if int64(u.UpdateID) > last {
				fresh = append(fresh, u)
				last = int64(u.UpdateID)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		received := time.Now()
		if err := store.SaveCursor(context.WithoutCancel(ctx), updateCursor, last); err != nil {
			b.log.Error("telegram: save update position", "err", err)
		}
		for _, u := range fresh {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b.handleUpdate(context.WithoutCancel(ctx), api, handler, u, received)
			}()
		}
	}
	// Confirm the last update to Telegram too, so another consumer of the
	// token does not get it again.
	if last > 0 {
		confirm := &tgbotapi.BotAPI{Token: b.token, Self: api.Self,
			Client: &redactingClient{ctx: context.Background(), client: &http.Client{Timeout: 5 * time.Second}, secret: b.token}}
		confirm.SetAPIEndpoint(b.endpoint)
		_, _ = confirm.GetUpdates(tgbotapi.UpdateConfig{Offset: int(last) + 1, Limit: 1, AllowedUpdates: allowedUpdates})
	}
	return nil
}

// connectWait connects to the Bot API, trying again while it is
// unreachable.
func (b *Bot) connectWait(ctx context.Context) (*tgbotapi.BotAPI, error) {
	wait := time.Second
	for {
		api, err := b.connect()
		if err == nil {
			return api, nil
		}
		if IsUnauthorized(err) {
			return nil, err
		}
		b.log.Warn("telegram unreachable; commands wait", "err", err, "retry_in", wait)
		if !sleep(ctx, wait) {
			return nil, ctx.Err()
		}
		wait = min(2*wait, time.Minute)
	}
}

// setCommands fills the command menus of private chats and groups.
func (b *Bot) setCommands(api *tgbotapi.BotAPI) {
	var cmds []tgbotapi.BotCommand
	for _, c := range bots.Commands {
		d := c.Description
		if c.Argument != "" {
			d = fmt.Sprintf("%s: /%s <%s>", d, c.Name, c.Argument)
		}
		cmds = append(cmds, tgbotapi.BotCommand{Command: c.Name, Description: d})
	}
	for _, scope := range []tgbotapi.BotCommandScope{
		tgbotapi.NewBotCommandScopeAllPrivateChats(),
		tgbotapi.NewBotCommandScopeAllGroupChats(),
	} {
		if _, err := api.Request(tgbotapi.NewSetMyCommandsWithScope(scope, cmds...)); err != nil {
			b.log.Warn("telegram setMyCommands failed; the command menu may be out of date", "scope", scope.Type, "err", describe(err))
		}
	}
}

// handleUpdate answers one update: a command in a chat or channel, or a
// press of a post's follow button.
func (b *Bot) handleUpdate(ctx context.Context, api *tgbotapi.BotAPI, handler *bots.Handler, u tgbotapi.Update, received time.Time) {
	defer func() {
		if v := recover(); v != nil {
			b.log.Error("telegram: update handler panicked", "update", u.UpdateID, "panic", v)
		}
	}()
	switch {
	case u.CallbackQuery != nil:
		b.onCallback(ctx, api, handler, u.CallbackQuery, received)
	case u.Message != nil:
		b.onMessage(ctx, api, handler, u.Message, received)
	case u.ChannelPost != nil:
		b.onMessage(ctx, api, handler, u.ChannelPost, received)
	}
}

// onMessage answers a command. Commands addressed to another bot, plain
// talk in groups and unknown commands not addressed to this bot in groups
// are left alone: they are for someone else.
func (b *Bot) onMessage(ctx context.Context, api *tgbotapi.BotAPI, handler *bots.Handler, m *tgbotapi.Message, received time.Time) {
	if m.Chat == nil {
		return
	}
	private := m.Chat.IsPrivate()
	cmd, args, addressed, ok := ParseCommand(m, api.Self.UserName)
	switch {
	case !ok && private && !addressed:
		b.reply(ctx, api, m, formatter.Reply{Text: "Send /help to see what I can do."}, received)
		return
	case !ok:
		return
	case !private && !addressed && !isCommand(cmd):
		return
	}
	chat := herald.Target{Platform: herald.Telegram, Chat: strconv.FormatInt(m.Chat.ID, 10)}
	req := bots.Request{Command: cmd, Args: args, Subscriber: chat}
	switch {
	case private:
		req.Personal, req.Where = chat, "in this chat"
	case m.Chat.IsChannel():
		req.Where = "in this channel"
	default:
		req.Where = "in this group"
	}
	switch {
	case m.From != nil && m.From.ID != anonymousAdmin:
		req.User = "telegram:" + strconv.FormatInt(m.From.ID, 10)
	default:
		req.User = "telegram:" + strconv.FormatInt(m.Chat.ID, 10)
	}
	switch cmd {
	case bots.Follow, bots.Unfollow:
		req.Denied = b.denied(api, m)
	case bots.Why:
		req.Admin = !private && b.denied(api, m) == ""
	}
	b.reply(ctx, api, m, handler.Handle(ctx, req), received)
}

// ParseCommand reads the command a message gives this bot (named me):
// its name in lower case ("start" read as help) and its arguments.
// addressed reports that the command names a bot with @; ok is false when
// the message is no command, or a command for another bot. Entities that
// do not fit the text, which Telegram never sends, are no command.
func ParseCommand(m *tgbotapi.Message, me string) (cmd, args string, addressed, ok bool) {
	if m == nil || len(m.Entities) == 0 {
		return "", "", false, false
	}
	e := m.Entities[0]
	// tgbotapi slices the text by the entity's length in bytes; a length
	// past the text would panic.
	if e.Offset != 0 || e.Length < 2 || e.Length > len(m.Text) || m.Text[0] != '/' || !m.IsCommand() {
		return "", "", false, false
	}
	_, at, addressed := strings.Cut(m.CommandWithAt(), "@")
	if addressed && !strings.EqualFold(at, me) {
		return "", "", true, false
	}
	cmd = strings.ToLower(m.Command())
	if !commandName.MatchString(cmd) {
		return "", "", addressed, false
	}
	if cmd == "start" {
		cmd = bots.Help
	}
	return cmd, m.CommandArguments(), addressed, true
}

// commandName is what Telegram accepts as a command's name.
var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// isCommand reports whether name is one of Herald's commands.
func isCommand(name string) bool {
	if name == bots.Why {
		return true
	}
	for _, c := range bots.Commands {
		if c.Name == name {
			return true
		}
	}
	return false
}

// denied returns why the sender of m may not change the chat's follows,
// or "" when they may. It asks Telegram on every call: admin rights
// change, and a stale answer would let a demoted admin in.
func (b *Bot) denied(api *tgbotapi.BotAPI, m *tgbotapi.Message) string {
	const onlyAdmins = "Only this group's admins can change what it follows. You can follow topics for yourself in a private chat with me."
	switch {
	case m.Chat.IsPrivate():
		return ""
	case m.SenderChat != nil:
		// Posted on behalf of a chat: the chat itself (a channel post or
		// an anonymous admin) is its admin; a linked channel is not.
		if m.SenderChat.ID == m.Chat.ID {
			return ""
		}
		return onlyAdmins
	case m.Chat.IsChannel():
		return ""
	case m.From == nil:
		return onlyAdmins
	}
	member, err := api.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{
		ChatID: m.Chat.ID, UserID: m.From.ID,
	}})
	if err != nil {
		b.log.Warn("telegram getChatMember failed", "chat", m.Chat.ID, "err", describe(err))
		return "I could not check that you are an admin here. Please try again in a minute."
	}
	if member.IsCreator() || member.IsAdministrator() {
		return ""
	}
	return onlyAdmins
}

// onCallback answers a press of a post's follow button: the topic is
// followed for the person who pressed it, in their private chat with the
// bot, and a toast says so.
func (b *Bot) onCallback(ctx context.Context, api *tgbotapi.BotAPI, handler *bots.Handler, q *tgbotapi.CallbackQuery, received time.Time) {
	answer := tgbotapi.NewCallback(q.ID, "")
	topic, ok := formatter.ParseFollowData(q.Data)
	if ok && q.From != nil {
		me := herald.Target{Platform: herald.Telegram, Chat: strconv.FormatInt(q.From.ID, 10)}
		reply := handler.Handle(ctx, bots.Request{
			Command: bots.Follow, Args: topic, User: "telegram:" + me.Chat, Personal: me, Subscriber: me,
			Where: "in your chat with @" + api.Self.UserName + " (press Start there if you have not)",
		})
		answer.Text = formatter.Truncate(strings.TrimSpace(reply.Notice+" "+reply.Text), 200)
		answer.ShowAlert = true
	}
	sent, err := b.global.Wait(ctx)
	if err != nil {
		return
	}
	_, err = api.Request(answer)
	sent()
	if err != nil {
		b.log.Warn("telegram answerCallbackQuery failed", "err", describe(err))
		return
	}
	b.log.Debug("telegram: callback answered", "after", time.Since(received))
}

// reply answers the message m in its chat, in the chat's turn: answers
// and posts share the chat's pace, so neither trips Telegram's limits. A
// 429 is waited out, a few times at most.
func (b *Bot) reply(ctx context.Context, api *tgbotapi.BotAPI, m *tgbotapi.Message, r formatter.Reply, received time.Time) {
	chat := strconv.FormatInt(m.Chat.ID, 10)
	params := formatter.TelegramReply(r).Params()
	params["chat_id"] = chat
	if !m.Chat.IsPrivate() {
		params["reply_to_message_id"] = strconv.Itoa(m.MessageID)
		params["allow_sending_without_reply"] = "true"
	}
	pace := b.spacing(chat)
	if err := pace.wait(ctx); err != nil {
		return
	}
	defer pace.done()
	for attempt := 1; ; attempt++ {
		sent, err := b.global.Wait(ctx)
		if err != nil {
			return
		}
		_, err = api.MakeRequest("sendMessage", params)
		sent()
		if err == nil {
			b.log.Debug("telegram: command answered", "after", time.Since(received))
			return
		}
		var rl *herald.RateLimitError
		if errors.As(classify(err), &rl) && attempt < 3 {
			sleep(ctx, rl.RetryAfter)
			continue
		}
		b.log.Warn("telegram: answer to a command failed", "chat", m.Chat.ID, "err", describe(err))
		return
	}
}

// describeUpdates explains the getUpdates failures an admin can fix.
func describeUpdates(err error) error {
	var te *tgbotapi.Error
	if errors.As(err, &te) && te.Code == http.StatusConflict {
		return fmt.Errorf("another program takes this bot's updates, or a webhook is set (409 %s): run one herald per token, and delete the webhook", te.Message)
	}
	return describe(err)
}

// sleep waits for d or until ctx ends; it reports whether the wait ran out.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
