package formatter

import (
	"github.com/bwmarrin/discordgo"
	"github.com/heraldhq/herald"
)

// maxRoleID bounds a role ID: a snowflake is a 64-bit integer, at most 20
// decimal digits.
const maxRoleID = 20

// DiscordPost renders the delivery's article as Discord does, posted as
// the delivery says: with the suppress-notifications flag when it is
// silent, and mentioning its MentionRole when that is a role ID (see
// RoleID). The role mention is the message's content, and the only
// mention its allowed_mentions let through.
func DiscordPost(d herald.Delivery) *discordgo.MessageSend {
	m := Discord(d.Article)
	discordNotify(m, d.Silent, d.MentionRole)
	return m
}

// discordNotify makes m silent, and makes it mention role, the only
// mention it allows, when role is a role ID. Without one the message has
// no content and allows no mentions.
func discordNotify(m *discordgo.MessageSend, silent bool, role string) {
	if silent {
		m.Flags |= discordgo.MessageFlagsSuppressNotifications
	}
	id, ok := RoleID(role)
	if !ok {
		return
	}
	m.Content = "<@&" + id + ">"
	m.AllowedMentions = &discordgo.MessageAllowedMentions{
		Parse: []discordgo.AllowedMentionType{},
		Roles: []string{id},
	}
}

// RoleID returns role when it reads as a Discord role ID (1 to 20 ASCII
// digits), and false otherwise: anything else is ignored rather than put
// in a message where it could mention something else.
func RoleID(role string) (string, bool) {
	if role == "" || len(role) > maxRoleID {
		return "", false
	}
	for i := 0; i < len(role); i++ {
		if role[i] < '0' || role[i] > '9' {
			return "", false
		}
	}
	return role, true
}

// TelegramPost renders the delivery's article as Telegram does, sent
// without a notification when the delivery is silent.
func TelegramPost(d herald.Delivery) TelegramMessage {
	m := Telegram(d.Article)
	m.DisableNotification = d.Silent
	return m
}
