package fakes

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// DiscordPings is what a created message pinged: the mentions in its
// content that its allowed_mentions let through. Mentions in embeds never
// ping, and neither do mentions an edit adds.
type DiscordPings struct {
	// Roles and Users are the IDs pinged, in the order the content first
	// mentions them.
	Roles, Users []string
	// Everyone is true when @everyone or @here pinged.
	Everyone bool
}

// Pinged reports whether the message pinged anyone.
func (p DiscordPings) Pinged() bool { return len(p.Roles) > 0 || len(p.Users) > 0 || p.Everyone }

var (
	roleMention = regexp.MustCompile(`<@&(\d{1,20})>`)
	userMention = regexp.MustCompile(`<@!?(\d{1,20})>`)
)

// mentionPings works out what a message with content and allowed_mentions
// (nil when absent) pings. Without allowed_mentions every mention in the
// content pings, as on Discord; with it, a role or user pings when "roles"
// or "users" is in parse or its ID is listed, and @everyone and @here when
// "everyone" is in parse. The fake does not model role mentionability or
// the permission to mention everyone: it answers what allowed_mentions
// lets through.
func mentionPings(content string, allowed any) DiscordPings {
	parse := map[string]bool{"roles": true, "users": true, "everyone": true}
	var roles, users []string
	if am, ok := allowed.(map[string]any); ok {
		parse = map[string]bool{}
		list, _ := am["parse"].([]any)
		for _, x := range list {
			if s, ok := x.(string); ok {
				parse[s] = true
			}
		}
		roles, users = snowflakeList(am["roles"]), snowflakeList(am["users"])
	}
	var p DiscordPings
	for _, m := range roleMention.FindAllStringSubmatch(content, -1) {
		if id := m[1]; (parse["roles"] || slices.Contains(roles, id)) && !slices.Contains(p.Roles, id) {
			p.Roles = append(p.Roles, id)
		}
	}
	for _, m := range userMention.FindAllStringSubmatch(content, -1) {
		if id := m[1]; (parse["users"] || slices.Contains(users, id)) && !slices.Contains(p.Users, id) {
			p.Users = append(p.Users, id)
		}
	}
	p.Everyone = parse["everyone"] && (strings.Contains(content, "@everyone") || strings.Contains(content, "@here"))
	return p
}

// snowflakeList reads a list of snowflakes, given as strings or numbers.
func snowflakeList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := snowflake(x); ok {
			out = append(out, s)
		}
	}
	return out
}

// snowflake reads a snowflake as Discord takes it: a string of digits or
// a whole number, within 64 bits.
func snowflake(v any) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case float64:
		if x < 0 || x != float64(uint64(x)) {
			return "", false
		}
		s = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return "", false
	}
	if s == "" || len(s) > 20 || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	if len(s) == 20 && s > "18446744073709551615" {
		return "", false
	}
	return s, true
}

// mentionsJSON renders what a message pinged as the message object's
// mentions, mention_roles and mention_everyone.
func (p DiscordPings) mentionsJSON() (mentions, roles []any, everyone bool) {
	mentions, roles = []any{}, []any{}
	for _, id := range p.Users {
		mentions = append(mentions, map[string]any{"id": id, "username": "user" + id, "discriminator": "0"})
	}
	for _, id := range p.Roles {
		roles = append(roles, id)
	}
	return mentions, roles, p.Everyone
}
