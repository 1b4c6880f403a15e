// Package fakes provides wire-faithful fakes of the Discord API (REST and
// gateway) and of the Telegram Bot API for end-to-end tests. Each fake is
// an HTTP server on 127.0.0.1 that the real client libraries
// (github.com/bwmarrin/discordgo v0.29.0 and
// github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1) talk to
// unchanged, in the test's process or in a herald process started with
// HERALD_DISCORD_API_URL or HERALD_TELEGRAM_API_URL set to the fake's URL.
//
// The fakes enforce the platforms' limits the way the platforms do, by
// answering 429 with a retry_after, so that a client that ignores them
// waits or loses posts. Every request is recorded; requests for routes or
// methods a fake does not know are answered with a JSON 404 and listed by
// Unexpected, which tests should check is empty.
//
// # Discord
//
// REST lives under URL()+"/api/v9" (discordgo v0.29.0 speaks API v9) and
// the gateway websocket at the root: GET /api/v9/gateway announces
// ws://127.0.0.1:PORT, to which discordgo appends /?v=9&encoding=json.
// Point discordgo at the fake by giving the session an http.Client whose
// Transport is RewriteTransport(fake URL).
//
// Routes: GET gateway, GET gateway/bot, GET users/@me, POST
// users/@me/channels, GET channels/{c}, POST channels/{c}/messages, GET,
// PATCH and DELETE channels/{c}/messages/{m}, GET, PUT and POST
// applications/{app}/commands and applications/{app}/guilds/{g}/commands,
// POST interactions/{id}/{token}/callback, POST webhooks/{app}/{token},
// GET, PATCH and DELETE webhooks/{app}/{token}/messages/@original, PATCH
// and DELETE webhooks/{app}/{token}/messages/{m}. Errors carry Discord's
// JSON: {"message":...,"code":...}.
//
// Authentication: every route but GET gateway and the interaction and
// webhook routes (which carry their own token) needs "Authorization: Bot
// <token>"; otherwise 401 {"message":"401: Unauthorized","code":0}.
//
// Limits enforced on message creation (POST channels/{c}/messages), in
// this order:
//
//   - FailNext failures come first and create nothing.
//   - Global: GlobalLimit requests (default 50) per GlobalWindow (default
//     1 s, sliding) per token, counted over every authenticated route;
//     interaction and webhook routes are exempt, as on Discord. Beyond it:
//     429 {"message":"You are being rate limited.","retry_after":S,
//     "global":true} with X-RateLimit-Global: true, X-RateLimit-Scope:
//     global, X-RateLimit-Reset-After: S and Retry-After: ceil(S).
//   - Unknown channel: 404 code 10003; a channel taken away with Forbid:
//     403 code 50001; the DM channel of a user who refuses DMs
//     (CloseDMs): 403 {"message":"Cannot send messages to this
//     user","code":50007}. These do not count toward the channel bucket.
//   - Channel bucket: ChannelLimit requests (default 5) per ChannelWindow
//     (default 5 s) per channel, a fixed window that opens with its first
//     request, as Discord's buckets do. Every answer on the route carries
//     X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset,
//     X-RateLimit-Reset-After (seconds, rounded up to the millisecond) and
//     X-RateLimit-Bucket, so discordgo waits before it would exceed the
//     bucket. Beyond it: 429 {"message":"You are being rate limited.",
//     "retry_after":S,"global":false} with X-RateLimit-Remaining: 0,
//     X-RateLimit-Reset-After: S, Retry-After: ceil(S) and
//     X-RateLimit-Scope: user. Requests that then fail validation still
//     count, as on Discord; 429s do not, so windows always roll.
//   - Validation (400): an invalid JSON body is code 50109; content over
//     2000 characters, more than 10 embeds, an embed title over 256,
//     description over 4096, more than 25 fields, a field name over 256 or
//     value over 1024, footer text over 2048, author name over 256, more
//     than 6000 characters over all embeds (title, description, field
//     names and values, footer text, author name), a nonce over 25
//     characters, a URL that is not absolute http(s) (attachment:// for
//     images and icons), a timestamp that is not ISO 8601, a color outside
//     0..0xFFFFFF, an allowed_mentions parse value other than roles,
//     users or everyone, allowed_mentions roles or users that are not
//     lists of at most 100 snowflakes, or that are listed while parse
//     holds their type (MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE), are
//     code 50035 Invalid Form Body with Discord's
//     nested errors object. So are components (null is taken as none)
//     other than at most 5 action rows (type 1), each holding 1-5 buttons
//     (type 2) or one select menu (types 3, 5-8); a button style outside
//     1-6; a label over 80 characters, or neither label nor emoji; a link
//     button (style 5) without an http(s) or discord:// url of at most
//     512 characters, or with a custom_id; another button without a
//     custom_id of 1-100 characters, or with a url; a select menu without
//     a custom_id; a premium button (6) without sku_id, or with a label,
//     url or custom_id; and a custom_id used twice in one
//     message (COMPONENT_CUSTOM_ID_DUPLICATED). Components V2 layouts
//     (flag 1<<15) are not checked. Characters are Unicode code points. A
//     message with no content, embeds, components, stickers, attachments
//     or poll is code 50006.
//   - Nonce: with "enforce_nonce":true, a nonce already used in the same
//     channel within NonceWindow (default 5 min) returns the existing
//     message (200, same ID) and creates nothing.
//
// Created messages get snowflake IDs and are answered with a Message
// object (id, channel_id, content, embeds, timestamp, flags, mentions,
// mention_roles, mention_everyone ...). DiscordMessage records the flags
// (Silent: SUPPRESS_NOTIFICATIONS, 1<<12) and what the message pinged
// (Pinged): a role, user or @everyone/@here mentioned in the content
// pings only when allowed_mentions lets it through (no allowed_mentions:
// all do). Mentions in embeds, and mentions an edit adds, ping nobody.
//
// Edits (PATCH channels/{c}/messages/{m}) and deletions (DELETE) of a
// message in an unknown channel answer 404 code 10003, of a message the
// channel does not hold (never created, or deleted) 404 {"message":
// "Unknown Message","code":10008}. Each route has a bucket per channel of
// its own, apart from message creation's, with the same ChannelLimit and
// ChannelWindow, headers and 429s; an unknown message counts against it,
// an unknown channel does not. Edits are validated as messages are.
// FailNextEdit injects failures into both routes as FailNext does into
// creation. Edits and Deletions list what was accepted.
//
// Interactions: an INTERACTION_CREATE sent with Push or PushInteraction
// registers its ID and token. Its callback is accepted once (again: 400
// code 40060) within InteractionDeadline (default 3 s; later, or for an
// interaction never pushed: 404 code 10062); message data in callbacks
// (types 4 and 7), follow-ups and edits is validated as above. The
// webhook routes of its token answer for 15 minutes whatever the deadline,
// so a deferred response (type 5) can be edited at @original or followed
// up later (after 15 minutes, or for another token or application: 404
// code 10015). For a component interaction, @original is the message the
// component is on: a type 7 response updates it at once, and after type 6
// or 7 PATCH @original edits it (DELETE deletes it).
//
// PushInteraction builds the INTERACTION_CREATE of a command (type 2),
// component (3) or autocomplete (4) interaction from an InteractionSpec
// as discordgo v0.29.0 decodes it: snowflakes, member.permissions and
// app_permissions as strings, application_id, member in guilds and user
// in DMs (whose channel is the bot's DM channel with the user),
// locale and guild_locale, options typed after the registered command
// with focused on the autocompleted one, data.resolved.channels for
// channel options, and for components the message, data.custom_id and
// data.component_type. It refuses what Discord would not send: a command
// not registered (or barred from DMs), unknown or mistyped options,
// missing required ones, values outside the choices or channel_types, a
// custom_id the message does not carry on an enabled component. It does
// not apply default_member_permissions, which server administrators can
// override, so bots must check member.permissions themselves. Like Push
// it keeps the event for sessions that will resume, and it fails when no
// session has identified. Replies, WaitReplies and
// DiscordReply.InteractionID find the answers.
//
// Bulk command overwrites check names (1-32 lower-case characters),
// descriptions (1-100), at most 25 options and choices, and duplicate
// names.
//
// Gateway: text JSON frames. The fake sends op 10 hello with
// HeartbeatInterval (default 45 s), answers every op 1 heartbeat with op
// 11, takes op 2 identify (a wrong token closes with 4004, a bad shard with
// 4010, a second identify with 4005) and answers READY (session_id, user,
// application, guilds), or op 6 resume, which replays the missed
// dispatches and then sends RESUMED; a session it cannot resume gets op 9.
// A client that closes with 1000 or 1001 ends its session. More than 120
// payloads a minute on one connection, heartbeats not counted, close it
// with 4008. Push sends dispatches with increasing sequence numbers;
// DropConnections, RequestReconnect and InvalidateSessions exercise
// resuming.
//
// # Telegram
//
// Requests go to URL()+"/bot<token>/<method>" (Endpoint gives the format
// tgbotapi.NewBotAPIWithClient takes) by GET or POST, with
// parameters in the query, a form-urlencoded, multipart or JSON body. Every
// answer is JSON {"ok":...}; errors carry error_code and description and
// use the error code as HTTP status. A wrong token gets 401 Unauthorized;
// an unknown method gets 404 Not Found and is listed by Unexpected.
//
// Methods: getMe, getChat, getChatMember, getChatAdministrators,
// sendMessage, sendPhoto, editMessageText, deleteMessage,
// answerCallbackQuery,
// getUpdates, setMyCommands, getMyCommands, deleteMyCommands, setWebhook,
// deleteWebhook, getWebhookInfo. getChatMember and getChatAdministrators
// report the first user a chat lists in Admins as its creator, the others
// (and the bot, outside private chats) as administrators.
//
// sendMessage and sendPhoto are checked in this order:
//
//   - FailNext failures come first and store nothing.
//   - The chat must be known (400 "Bad Request: chat not found"); a chat
//     migrated with Migrate answers 400 with parameters.migrate_to_chat_id;
//     a chat left with Kick answers 403 Forbidden, and a private chat
//     whose user blocked the bot (Block) 403 "Forbidden: bot was blocked
//     by the user". These apply to editMessageText and deleteMessage too.
//   - Content, as the Bot API documents it: text 1-4096 and captions
//     0-1024 characters after entity parsing, counted in UTF-16 code
//     units ("message text is empty", "message is too long", "message
//     caption is too long"). parse_mode HTML is parsed with the Bot API
//     server's rules: tags b, strong, i, em, u, ins, s, strike, del, span
//     class="tg-spoiler", tg-spoiler, a href, code, pre, blockquote and
//     tg-emoji (blockquote may carry a bare expandable attribute),
//     balanced and properly nested; the entities &lt; &gt; &amp;
//     &quot; and numeric &#N; / &#xN;. Anything else is 400 "Bad Request:
//     can't parse entities: <reason>". One difference, on the strict side:
//     a bare '&' (or an entity without ';') outside a tag is refused,
//     where the server would keep it, because the documentation says to
//     escape it. MarkdownV2 and Markdown are accepted without parsing.
//     reply_markup and link_preview_options must be JSON objects. An
//     inline keyboard button needs a text and exactly one action (an
//     empty url or callback_data counts as none, as on the server: "can't
//     parse inline keyboard button: Text buttons are unallowed in the
//     inline keyboard"; the server keeps the first of several actions
//     where the fake, reading the documentation strictly, refuses them);
//     url must be http, https or tg, and callback_data at most 64 bytes
//     (else "BUTTON_DATA_INVALID").
//   - Replies: reply_to_message_id, or reply_parameters.message_id
//     (reply_parameters.chat_id is not supported), must name a message of
//     the chat, sent by the bot or queued in an update, else 400 "Bad
//     Request: message to be replied not found", unless
//     allow_sending_without_reply is true, which sends it as no reply.
//     The answer carries reply_to_message; TelegramMessage.ReplyTo
//     records it.
//   - Flood limits, after validation; a refused message is not stored:
//     per chat, one message per PerChatInterval (default 1 s) with bursts
//     of PerChatBurst (default 1, that is none: the Bots FAQ allows short
//     bursts of unspecified size, and the fake takes the strict reading);
//     per group or channel (negative IDs and @usernames), GroupLimit
//     messages (default 20) in any GroupWindow (default 60 s, sliding);
//     over all chats, GlobalLimit messages (default 30) in any
//     GlobalWindow (default 1 s, sliding); a message sent with
//     allow_paid_broadcast counts against PaidLimit (default 1000) per
//     GlobalWindow instead, and PaidBroadcasts counts them (each costs
//     Stars); the chat's own limits still apply. Beyond any of them: 429
//     {"ok":false,"error_code":429,"description":"Too Many Requests: retry
//     after N","parameters":{"retry_after":N}}, N being the whole seconds,
//     rounded up and at least 1, until the message would be accepted.
//     Telegram documents no flood limit for edits and deletions, but
//     answers frequent ones with 429 too; the fake takes the strict
//     reading and counts editMessageText and deleteMessage against the
//     same three limits as sends.
//   - disable_notification is recorded as
//     TelegramMessage.DisableNotification.
//
// editMessageText and deleteMessage take a message the bot sent to the
// chat (an inline_message_id is not supported), else 400 "Bad Request:
// message to edit not found" or "message to delete not found"; a deleted
// message is gone for both. An edit that changes neither the text, its
// entities nor the reply markup answers 400 "Bad Request: message is not
// modified: specified new message content and reply markup are exactly
// the same as a current content and reply markup of the message", as
// Telegram does, and counts toward no limit; an edit without reply_markup
// removes the keyboard. A message sent 48 hours ago or more cannot be
// deleted (400 "Bad Request: message can't be deleted"); Backdate ages a
// message for tests. FailNextEdit injects failures into both methods as
// FailNext does into sends. Edits and Deletions list what was accepted.
//
// Updates: QueueText queues a text message as Telegram delivers it: from
// the user in private chats and groups (Admins does not show in
// messages), from @GroupAnonymousBot (1087968824) with sender_chat the
// group for an anonymous administrator, and as a channel_post without
// from and with sender_chat the channel in channels, bot commands marked
// with bot_command entities. QueueTextAs posts in a group on behalf of a
// chat: a channel (from @Channel_Bot, 136817688, sender_chat the
// channel: someone posting as a linked channel, not an administrator) or
// the group itself (an anonymous administrator). QueueCallback queues a
// callback_query for a button press, with callback_data of 1-64 bytes;
// answerCallbackQuery answers each query once (again, or an unknown ID:
// 400 "Bad Request: query is too old and response timeout expired or
// query ID is invalid"), with a text of at most 200 characters (else
// "MESSAGE_TOO_LONG") and, if any, a url that is a t.me link to the bot
// (else "URL_INVALID"); CallbackAnswers and WaitCallbackAnswers list the
// answers.
//
// getUpdates serves the updates queued with QueueUpdate, QueueText,
// QueueTextAs or QueueCallback whose update_id is at least offset, at
// most limit of them; an offset confirms and drops the updates below it.
// With none to serve it waits up to
// min(timeout, LongPoll) (LongPoll defaults to 200 ms). A newer getUpdates
// call ends a waiting one with 409 Conflict, and so does any call while a
// webhook is set ("Conflict: can't use getUpdates method while webhook is
// active; use deleteWebhook to delete the webhook first").
//
// Webhook: setWebhook takes https URLs on ports 80, 88, 443 or 8443
// ("bad webhook: ..." otherwise), a secret_token of 1-256 characters of
// A-Z a-z 0-9 _ - (else 400 "Bad Request: secret token contains
// unallowed characters"), allowed_updates as a JSON array (absent keeps
// the previous list, empty restores the default, which leaves out
// chat_member, message_reaction and message_reaction_count) and
// max_connections 1-100 (default 40); an empty url, like deleteWebhook,
// removes the webhook; drop_pending_updates drops the queue.
// getWebhookInfo reports url, pending_update_count, max_connections,
// allowed_updates and last_error_date / last_error_message. While a
// webhook is set the updates queued by QueueUpdate, QueueText,
// QueueTextAs and QueueCallback (and those already waiting) are POSTed
// to it one at a time, in update_id order, as JSON with the secret in
// X-Telegram-Bot-Api-Secret-Token, through WebhookClient (tests point its
// Transport at their server with RewriteTransport). An update answered
// with anything but 2xx is POSTed again after WebhookRetryDelay (default
// 50 ms, doubled each time), WebhookAttempts times in all (default 3),
// then dropped; updates of a kind allowed_updates leaves out are dropped
// unsent. WebhookInfo and WebhookDeliveries (WaitWebhookDeliveries) show
// what was set and sent. After deleteWebhook, updates wait for getUpdates
// again.
package fakes
