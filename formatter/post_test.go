package formatter

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/heraldhq/herald"
)

func TestRoleID(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"123456789012345678", "123456789012345678", true},
		{"1", "1", true},
		{"18446744073709551615", "18446744073709551615", true},
		{"", "", false},
		{"123456789012345678901", "", false},
		{"<@&123>", "", false},
		{"12 34", "", false},
		{"everyone", "", false},
		{"@here", "", false},
		{"１２３", "", false}, // fullwidth digits
		{"-1", "", false},
	}
	for _, tt := range tests {
		if got, ok := RoleID(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("RoleID(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDiscordPost(t *testing.T) {
	a := fixtures()[0].article
	tests := []struct {
		name    string
		silent  bool
		role    string
		flags   discordgo.MessageFlags
		content string
		allowed string
	}{
		{"plain", false, "", 0, "", `{"parse":[],"replied_user":false}`},
		{"silent", true, "", 4096, "", `{"parse":[],"replied_user":false}`},
		{"role", false, "42", 0, "<@&42>", `{"parse":[],"roles":["42"],"replied_user":false}`},
		{"silent role", true, "42", 4096, "<@&42>", `{"parse":[],"roles":["42"],"replied_user":false}`},
		{"role that is no ID", false, "@everyone", 0, "", `{"parse":[],"replied_user":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := DiscordPost(herald.Delivery{Article: a, Silent: tt.silent, MentionRole: tt.role})
			if m.Flags != tt.flags || m.Content != tt.content {
				t.Errorf("flags %d content %q, want %d %q", m.Flags, m.Content, tt.flags, tt.content)
			}
			if am, _ := json.Marshal(m.AllowedMentions); string(am) != tt.allowed {
				t.Errorf("allowed_mentions %s, want %s", am, tt.allowed)
			}
			if err := checkNotify(m, tt.silent, tt.role); err != nil {
				t.Error(err)
			}
			// The rest is the post as Discord renders it.
			plain := Discord(a)
			if len(m.Embeds) != 1 || m.Embeds[0].Description != plain.Embeds[0].Description || len(m.Components) != len(plain.Components) {
				t.Errorf("the post differs from Discord(a)")
			}
			b, _ := json.Marshal(m)
			if tt.flags == 0 && strings.Contains(string(b), `"flags"`) {
				t.Errorf("flags sent for a post that is not silent: %s", b)
			}
		})
	}
}

func TestTelegramPost(t *testing.T) {
	a := fixtures()[0].article
	loud := TelegramPost(herald.Delivery{Article: a})
	if _, ok := loud.Params()["disable_notification"]; ok {
		t.Errorf("params %v send disable_notification for a post that is not silent", loud.Params())
	}
	silent := TelegramPost(herald.Delivery{Article: a, Silent: true})
	if got := silent.Params()["disable_notification"]; got != "true" {
		t.Errorf("disable_notification = %q, want true", got)
	}
	if silent.Text != Telegram(a).Text {
		t.Error("a silent post reads differently")
	}
	edit := silent.EditParams()
	if _, ok := edit["disable_notification"]; ok {
		t.Errorf("edit params %v carry disable_notification, which editMessageText does not take", edit)
	}
	for _, k := range []string{"text", "parse_mode", "link_preview_options", "reply_markup"} {
		if edit[k] != silent.Params()[k] {
			t.Errorf("edit param %s = %q, the send's %q", k, edit[k], silent.Params()[k])
		}
	}
}
