package fakes

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// DefaultAppPermissions is the app_permissions PushInteraction sends when
// InteractionSpec.AppPermissions is 0: add reactions, view channel, send
// messages, embed links, attach files, read message history, use external
// emojis, use application commands and send messages in threads.
const DefaultAppPermissions int64 = 1<<6 | 1<<10 | 1<<11 | 1<<14 | 1<<15 | 1<<16 | 1<<18 | 1<<31 | 1<<38

// InteractionSpec describes an interaction for PushInteraction: who did
// what, where. Zero fields take the defaults named on each.
type InteractionSpec struct {
	// Type is 2 (application command), 3 (message component) or 4
	// (autocomplete). 0 means 3 when CustomID is set, else 2.
	Type int
	// GuildID is the guild of a guild interaction (default
	// DiscordOptions.GuildID).
	GuildID string
	// ChannelID is the channel the interaction comes from. Guild commands
	// and autocompletes need it; in DMs it defaults to the bot's DM
	// channel with the user (opened if need be), and for components to the
	// channel of the message.
	ChannelID string
	// DM makes the interaction come from the user's DM with the bot: it
	// carries user instead of member, and no guild_id. A component
	// interaction on a message in a DM channel is always a DM one.
	DM bool
	// UserID and Username name the user (defaults "500", and "user"
	// followed by UserID; for a component in a DM, the DM's recipient).
	UserID, Username string
	// Permissions are the member's permissions in the channel, sent as
	// member.permissions, a string (guild interactions only).
	Permissions int64
	// AppPermissions are the bot's permissions in the channel, sent as
	// app_permissions, a string; 0 sends DefaultAppPermissions and a
	// negative value sends "0".
	AppPermissions int64
	// Locale is the user's locale (default "en-US"); GuildLocale the
	// guild's (default "en-US", guild interactions only).
	Locale, GuildLocale string
	// Name is the command of a type 2 or 4 interaction. It must be
	// registered (in the guild, or globally; in DMs, globally and not
	// barred from DMs by contexts or dm_permission).
	Name string
	// Options are the options given, checked against the registered
	// command: known names, matching types, choices, channel_types and,
	// except while autocompleting, the required ones.
	Options []InteractionOption
	// ResolvedChannels describes, by ID, channels that channel options
	// name and the fake does not know; a channel it knows (Channels,
	// AddChannel, DM channels) is resolved with the member's Permissions.
	ResolvedChannels map[string]ResolvedChannel
	// MessageID is the message whose component was used (type 3): one the
	// bot created, or an interaction response or follow-up.
	MessageID string
	// CustomID is the custom_id of the component used (type 3). The
	// message must carry it on a component that is not disabled.
	CustomID string
	// Values are the values chosen in a select menu (type 3).
	Values []string
}

// InteractionOption is an option of a command interaction.
type InteractionOption struct {
	Name string
	// Type is the option type: 1 subcommand, 2 subcommand group, 3
	// string, 4 integer, 5 boolean, 6 user, 7 channel, 8 role, 9
	// mentionable, 10 number, 11 attachment. 0 takes the type the
	// registered command gives the option.
	Type int
	// Value is the option's value: a string (also the ID of a user,
	// channel, role, mentionable or attachment), an integer, a float64 or
	// a bool. The focused option of an autocomplete carries what the user
	// has typed so far, a string whatever the option's type.
	Value any
	// Focused marks the option being typed in an autocomplete
	// interaction; there is exactly one.
	Focused bool
	// Options are the options of a subcommand or subcommand group.
	Options []InteractionOption
}

// ResolvedChannel is a channel of data.resolved.channels, partial as
// Discord sends it.
type ResolvedChannel struct {
	// Name defaults to "channel-" followed by the ID.
	Name string
	// Type is the channel type (0 text, 5 announcement, 11 public thread
	// ...).
	Type int
	// Permissions are the member's permissions in the channel, sent as a
	// string.
	Permissions int64
	// ParentID is a thread's parent channel.
	ParentID string
}

// PushInteraction sends an INTERACTION_CREATE built from spec as Discord
// sends it (snowflakes and permissions as strings, application_id, member
// in guilds and user in DMs, typed options, focused on the autocompleted
// option, data.resolved.channels for channel options, the message,
// custom_id and component_type of a component interaction), with a new
// interaction ID and token. It returns the interaction ID, which
// Replies, WaitReplies and DiscordReply.InteractionID use. Like Push, it
// delivers to every live gateway session and keeps the event for
// disconnected ones that can resume; it fails when spec describes what
// Discord would not send, or when no gateway session has identified.
func (d *Discord) PushInteraction(spec InteractionSpec) (string, error) {
	d.mu.Lock()
	raw, id, err := d.buildInteraction(spec, time.Now())
	d.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("push interaction: %w", err)
	}
	if !d.gw.hasSession() {
		return "", errors.New("push interaction: no gateway session to deliver it to")
	}
	if _, err := d.Push("INTERACTION_CREATE", json.RawMessage(raw)); err != nil {
		return "", fmt.Errorf("push interaction: %w", err)
	}
	return id, nil
}

// hasSession reports whether a session exists that gets dispatches now or
// on resuming.
func (g *gateway) hasSession() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, s := range g.sessions {
		if !s.invalid {
			return true
		}
	}
	return false
}

// buildInteraction renders the interaction spec describes and returns it
// with its ID. d.mu is held.
func (d *Discord) buildInteraction(spec InteractionSpec, now time.Time) ([]byte, string, error) {
	typ := spec.Type
	if typ == 0 {
		typ = 2
		if spec.CustomID != "" {
			typ = 3
		}
	}
	chID, dm := spec.ChannelID, spec.DM
	var msg map[string]any
	if typ == 3 {
		if msg = d.findMessage(spec.MessageID); msg == nil {
			return nil, "", fmt.Errorf("component interaction: unknown message %q", spec.MessageID)
		}
		msgCh, _ := msg["channel_id"].(string)
		if chID != "" && chID != msgCh {
			return nil, "", fmt.Errorf("component interaction: message %s is in channel %s, not %s", spec.MessageID, msgCh, chID)
		}
		chID = msgCh
		if ch := d.channels[chID]; ch != nil && ch.typ == 1 {
			dm = true
			if spec.UserID == "" {
				spec.UserID = ch.recipient
			}
		}
	}
	if ch := d.channels[chID]; ch != nil && (ch.typ == 1) != dm {
		return nil, "", fmt.Errorf("channel %s is not a %s channel", chID, map[bool]string{true: "DM", false: "guild"}[dm])
	}
	if spec.UserID == "" {
		spec.UserID = "500"
	}
	if spec.Username == "" {
		spec.Username = "user" + spec.UserID
	}
	guild := ""
	if !dm {
		if guild = spec.GuildID; guild == "" {
			guild = d.opts.GuildID
		}
		if chID == "" {
			return nil, "", errors.New("a guild interaction needs a ChannelID")
		}
	} else if chID == "" {
		chID = d.dmChannel(spec.UserID, now)
	}

	var data map[string]any
	switch typ {
	case 2, 4:
		var err error
		if data, err = d.commandData(spec, guild, typ == 4); err != nil {
			return nil, "", err
		}
	case 3:
		ctype, ok := componentType(msg["components"], spec.CustomID)
		if !ok {
			return nil, "", fmt.Errorf("message %s has no enabled component with custom_id %q", spec.MessageID, spec.CustomID)
		}
		data = map[string]any{"custom_id": spec.CustomID, "component_type": ctype}
		if ctype != 2 {
			data["values"] = append([]string{}, spec.Values...)
		}
	default:
		return nil, "", fmt.Errorf("interaction type %d is not 2, 3 or 4", typ)
	}

	id := d.ids.next(now)
	appPerms := spec.AppPermissions
	switch {
	case appPerms == 0:
		appPerms = DefaultAppPermissions
	case appPerms < 0:
		appPerms = 0
	}
	locale := orDefault(spec.Locale, "en-US")
	user := map[string]any{
		"id": spec.UserID, "username": spec.Username, "discriminator": "0",
		"global_name": nil, "avatar": nil, "public_flags": 0,
	}
	in := map[string]any{
		"id": id, "application_id": d.opts.ApplicationID, "type": typ, "token": newSessionID() + newSessionID(),
		"version": 1, "channel_id": chID, "data": data, "locale": locale,
		"app_permissions": strconv.FormatInt(appPerms, 10), "entitlements": []any{},
	}
	if msg != nil {
		in["message"] = msg
	}
	if dm {
		in["user"] = user
		in["context"] = 1
		in["authorizing_integration_owners"] = map[string]any{"0": "0"}
		in["channel"] = map[string]any{"id": chID, "type": 1, "recipients": []any{user}}
	} else {
		perms := strconv.FormatInt(spec.Permissions, 10)
		in["guild_id"] = guild
		in["guild_locale"] = orDefault(spec.GuildLocale, "en-US")
		in["context"] = 0
		in["authorizing_integration_owners"] = map[string]any{"0": guild}
		in["member"] = map[string]any{
			"user": user, "roles": []any{}, "permissions": perms, "joined_at": discordTime(now.Add(-24 * time.Hour)),
			"nick": nil, "avatar": nil, "deaf": false, "mute": false, "flags": 0, "pending": false,
			"premium_since": nil, "communication_disabled_until": nil,
		}
		in["channel"] = map[string]any{"id": chID, "type": 0, "guild_id": guild, "name": "channel-" + chID, "permissions": perms}
	}
	raw, err := json.Marshal(in)
	if err != nil {
		return nil, "", fmt.Errorf("encode interaction: %w", err)
	}
	return raw, id, nil
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// componentType finds the enabled component with a custom_id among a
// message's action rows and returns its type.
func componentType(components any, customID string) (int, bool) {
	rows, _ := components.([]any)
	for _, rv := range rows {
		row, _ := rv.(map[string]any)
		children, _ := row["components"].([]any)
		for _, cv := range children {
			c, _ := cv.(map[string]any)
			if id, _ := c["custom_id"].(string); id != "" && id == customID && c["disabled"] != true {
				t, _ := c["type"].(float64)
				return int(t), true
			}
		}
	}
	return 0, false
}

// commandData renders the data of a command or autocomplete interaction,
// checking it against the registered command. d.mu is held.
func (d *Discord) commandData(spec InteractionSpec, guild string, autocomplete bool) (map[string]any, error) {
	if spec.Name == "" {
		return nil, errors.New("a command interaction needs a Name")
	}
	cmd := d.registered(guild, spec.Name)
	if cmd == nil {
		return nil, fmt.Errorf("no chat input command %q is registered for %s", spec.Name, map[bool]string{true: "DMs", false: "guild " + guild}[guild == ""])
	}
	if guild == "" {
		if ctx, ok := cmd["contexts"].([]any); ok && !slices.Contains(ctx, any(1.0)) {
			return nil, fmt.Errorf("command %q is not available in DMs: contexts %v", spec.Name, ctx)
		}
		if cmd["dm_permission"] == false {
			return nil, fmt.Errorf("command %q is not available in DMs: dm_permission false", spec.Name)
		}
	}
	o := optionWalk{d: d, spec: &spec, autocomplete: autocomplete, channels: map[string]any{}}
	opts, err := o.options(cmd["options"], spec.Options, spec.Name)
	if err != nil {
		return nil, err
	}
	if autocomplete && o.focused != 1 {
		return nil, fmt.Errorf("an autocomplete needs exactly one focused option, have %d", o.focused)
	}
	data := map[string]any{"id": cmd["id"], "name": spec.Name, "type": 1}
	if len(opts) > 0 {
		data["options"] = opts
	}
	if g, ok := cmd["guild_id"]; ok {
		data["guild_id"] = g
	}
	if len(o.channels) > 0 {
		data["resolved"] = map[string]any{"channels": o.channels}
	}
	return data, nil
}

// registered finds a registered chat input command by name: a guild
// command of guild, else a global one (only global ones for guild "").
func (d *Discord) registered(guild, name string) map[string]any {
	scopes := []string{""}
	if guild != "" {
		scopes = []string{guild, ""}
	}
	for _, g := range scopes {
		for _, cmd := range d.commands[g] {
			if cmd["name"] == name && number(cmd["type"]) == 1 {
				return cmd
			}
		}
	}
	return nil
}

// number reads a JSON number held as float64 or int.
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	}
	return math.NaN()
}

// optionWalk checks and renders the options of a command interaction.
type optionWalk struct {
	d            *Discord
	spec         *InteractionSpec
	autocomplete bool
	focused      int
	channels     map[string]any // data.resolved.channels
}

// options renders the options given at one level against the registered
// definitions there.
func (o *optionWalk) options(defs any, given []InteractionOption, where string) ([]any, error) {
	byName := map[string]map[string]any{}
	list, _ := defs.([]any)
	subcommands := false
	for _, v := range list {
		if def, ok := v.(map[string]any); ok {
			name, _ := def["name"].(string)
			byName[name] = def
			if t := number(def["type"]); t == 1 || t == 2 {
				subcommands = true
			}
		}
	}
	out := []any{}
	seen := map[string]bool{}
	for _, g := range given {
		def := byName[g.Name]
		if def == nil {
			return nil, fmt.Errorf("%s has no option %q", where, g.Name)
		}
		if seen[g.Name] {
			return nil, fmt.Errorf("%s: option %q given twice", where, g.Name)
		}
		seen[g.Name] = true
		typ := int(number(def["type"]))
		if g.Type != 0 && g.Type != typ {
			return nil, fmt.Errorf("%s: option %q has type %d, not %d", where, g.Name, typ, g.Type)
		}
		opt, err := o.option(def, g, typ, where+" "+g.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, opt)
	}
	if subcommands && len(given) != 1 {
		return nil, fmt.Errorf("%s takes exactly one subcommand, have %d", where, len(given))
	}
	if !o.autocomplete {
		for name, def := range byName {
			if def["required"] == true && !seen[name] {
				return nil, fmt.Errorf("%s: required option %q is missing", where, name)
			}
		}
	}
	return out, nil
}

// option renders one option of type typ, given g and registered as def.
func (o *optionWalk) option(def map[string]any, g InteractionOption, typ int, where string) (map[string]any, error) {
	opt := map[string]any{"name": g.Name, "type": typ}
	if typ == 1 || typ == 2 {
		if g.Value != nil || g.Focused {
			return nil, fmt.Errorf("%s: a subcommand takes options, not a value", where)
		}
		sub, err := o.options(def["options"], g.Options, where)
		if err != nil {
			return nil, err
		}
		if len(sub) > 0 {
			opt["options"] = sub
		}
		return opt, nil
	}
	if len(g.Options) > 0 {
		return nil, fmt.Errorf("%s: only subcommands take options", where)
	}
	if g.Focused {
		s, ok := g.Value.(string)
		switch {
		case !o.autocomplete:
			return nil, fmt.Errorf("%s: only autocomplete interactions have a focused option", where)
		case def["autocomplete"] != true:
			return nil, fmt.Errorf("%s: the option is not registered with autocomplete", where)
		case !ok:
			return nil, fmt.Errorf("%s: a focused value is the text typed so far, a string", where)
		}
		o.focused++
		opt["value"], opt["focused"] = s, true
		return opt, nil
	}
	v, err := optionValue(typ, g.Value)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if choices, _ := def["choices"].([]any); len(choices) > 0 && !o.autocomplete {
		ok := false
		for _, c := range choices {
			cm, _ := c.(map[string]any)
			ok = ok || fmt.Sprint(cm["value"]) == fmt.Sprint(v)
		}
		if !ok {
			return nil, fmt.Errorf("%s: %v is not one of the registered choices", where, v)
		}
	}
	if typ == 7 {
		if err := o.resolveChannel(def, v.(string)); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
	}
	opt["value"] = v
	return opt, nil
}

// optionValue checks a value against an option type and returns it as
// Discord sends it.
func optionValue(typ int, v any) (any, error) {
	switch typ {
	case 3, 6, 7, 8, 9, 11:
		s, ok := v.(string)
		if !ok || s == "" {
			return nil, fmt.Errorf("option type %d takes a non-empty string, not %T", typ, v)
		}
		if typ != 3 {
			if _, err := strconv.ParseUint(s, 10, 64); err != nil {
				return nil, fmt.Errorf("option type %d takes a snowflake, not %q", typ, s)
			}
		}
		return s, nil
	case 5:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("a boolean option takes a bool, not %T", v)
	case 4, 10:
		var f float64
		switch n := v.(type) {
		case int:
			f = float64(n)
		case int64:
			f = float64(n)
		case float64:
			f = n
		default:
			return nil, fmt.Errorf("option type %d takes a number, not %T", typ, v)
		}
		if typ == 4 {
			if f != math.Trunc(f) {
				return nil, fmt.Errorf("an integer option takes a whole number, not %v", f)
			}
			return int64(f), nil
		}
		return f, nil
	}
	return nil, fmt.Errorf("unknown option type %d", typ)
}

// resolveChannel adds a channel option's channel to data.resolved and
// checks it against the option's channel_types.
func (o *optionWalk) resolveChannel(def map[string]any, id string) error {
	rc, ok := o.spec.ResolvedChannels[id]
	if !ok {
		ch := o.d.channels[id]
		if ch == nil {
			return fmt.Errorf("channel %s is unknown: add it to ResolvedChannels", id)
		}
		rc = ResolvedChannel{Type: ch.typ, Permissions: o.spec.Permissions}
	}
	if types, _ := def["channel_types"].([]any); len(types) > 0 && !slices.Contains(types, any(float64(rc.Type))) {
		return fmt.Errorf("channel %s has type %d, not one of channel_types %v", id, rc.Type, types)
	}
	m := map[string]any{"id": id, "name": orDefault(rc.Name, "channel-"+id), "type": rc.Type, "permissions": strconv.FormatInt(rc.Permissions, 10)}
	if rc.ParentID != "" {
		m["parent_id"] = rc.ParentID
	}
	o.channels[id] = m
	return nil
}
