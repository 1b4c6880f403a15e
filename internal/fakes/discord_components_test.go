package fakes

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestCheckComponents(t *testing.T) {
	button := func(kv ...any) map[string]any {
		b := map[string]any{"type": 2.0, "style": 1.0, "label": "Go", "custom_id": "go"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(b, kv[i].(string))
				continue
			}
			b[kv[i].(string)] = kv[i+1]
		}
		return b
	}
	row := func(children ...any) map[string]any { return map[string]any{"type": 1.0, "components": children} }
	buttons := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = button("custom_id", strings.Repeat("b", i+1))
		}
		return out
	}
	rows := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = row(button("custom_id", strings.Repeat("r", i+1)))
		}
		return out
	}
	sel := map[string]any{"type": 3.0, "custom_id": "pick", "options": []any{map[string]any{"label": "a", "value": "a"}}}
	tests := []struct {
		name       string
		components any
		flags      float64
		want       string // "": accepted; else an error code and, after a space, a path in the errors object
	}{
		{"one button", []any{row(button())}, 0, ""},
		{"null", nil, 0, ""},
		{"five rows of five", []any{row(buttons(5)...), row(button("custom_id", "x")), row(button("custom_id", "y")), row(button("custom_id", "z")), row(button("custom_id", "w"))}, 0, ""},
		{"six rows", rows(6), 0, `BASE_TYPE_MAX_LENGTH "components":{"_errors"`},
		{"six buttons", []any{row(buttons(6)...)}, 0, `BASE_TYPE_BAD_LENGTH "components":{"0":{"components":{"_errors"`},
		{"empty row", []any{row()}, 0, `BASE_TYPE_BAD_LENGTH "0":{"components"`},
		{"not a list", "x", 0, "LIST_TYPE_CONVERT"},
		{"button at top level", []any{button()}, 0, `UNION_TYPE_CHOICES "0":{"type"`},
		{"unknown child", []any{row(map[string]any{"type": 4.0, "custom_id": "t"})}, 0, `UNION_TYPE_CHOICES "0":{"type"`},
		{"label at 80", []any{row(button("label", strings.Repeat("é", 80)))}, 0, ""},
		{"label over 80", []any{row(button("label", strings.Repeat("é", 81)))}, 0, `BASE_TYPE_MAX_LENGTH "label"`},
		{"emoji only", []any{row(button("label", "", "emoji", map[string]any{"name": "🔔"}))}, 0, ""},
		{"no label or emoji", []any{row(button("label", ""))}, 0, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED"},
		{"style 0", []any{row(button("style", 0.0))}, 0, `BASE_TYPE_CHOICES "style"`},
		{"style 7", []any{row(button("style", 7.0))}, 0, `BASE_TYPE_CHOICES "style"`},
		{"no custom_id", []any{row(button("custom_id", nil))}, 0, `BUTTON_COMPONENT_CUSTOM_ID_REQUIRED "custom_id"`},
		{"custom_id at 100", []any{row(button("custom_id", strings.Repeat("c", 100)))}, 0, ""},
		{"custom_id over 100", []any{row(button("custom_id", strings.Repeat("c", 101)))}, 0, `BASE_TYPE_BAD_LENGTH "custom_id"`},
		{"url on a primary button", []any{row(button("url", "https://example.com/"))}, 0, "BUTTON_COMPONENT_INVALID_URL"},
		{"link", []any{row(button("style", 5.0, "custom_id", nil, "url", "https://example.com/a"))}, 0, ""},
		{"discord link", []any{row(button("style", 5.0, "custom_id", nil, "url", "discord://-/channels/1/2"))}, 0, ""},
		{"link without url", []any{row(button("style", 5.0, "custom_id", nil))}, 0, "BUTTON_COMPONENT_URL_REQUIRED"},
		{"link with custom_id", []any{row(button("style", 5.0, "url", "https://example.com/a"))}, 0, `BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID "custom_id"`},
		{"relative link", []any{row(button("style", 5.0, "custom_id", nil, "url", "/a"))}, 0, "URL_TYPE_INVALID_URL"},
		{"link over 512", []any{row(button("style", 5.0, "custom_id", nil, "url", "https://example.com/"+strings.Repeat("a", 493)))}, 0, `BASE_TYPE_MAX_LENGTH "url"`},
		{"premium", []any{row(map[string]any{"type": 2.0, "style": 6.0, "sku_id": "1"})}, 0, ""},
		{"premium with label", []any{row(map[string]any{"type": 2.0, "style": 6.0, "sku_id": "1", "label": "x"})}, 0, "BUTTON_COMPONENT_PREMIUM_INVALID"},
		{"duplicate custom_id", []any{row(button()), row(button())}, 0, `COMPONENT_CUSTOM_ID_DUPLICATED "1":{"components":{"0":{"custom_id"`},
		{"select alone", []any{row(sel)}, 0, ""},
		{"select beside a button", []any{row(sel, button())}, 0, "COMPONENT_LAYOUT_WIDTH_EXCEEDED"},
		{"components v2 unchecked", []any{map[string]any{"type": 10.0, "content": "x"}}, flagComponentV2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{"content": "x", "components": tt.components}
			if tt.flags != 0 {
				body["flags"] = tt.flags
			}
			resp, bad := checkMessage(body, true)
			if tt.want == "" {
				if bad {
					t.Fatalf("refused: %s", resp.body)
				}
				return
			}
			if !bad {
				t.Fatalf("accepted, want %s", tt.want)
			}
			var e struct {
				Code int `json:"code"`
			}
			if err := json.Unmarshal(resp.body, &e); err != nil || e.Code != 50035 || resp.status != 400 {
				t.Fatalf("answer %d %s", resp.status, resp.body)
			}
			for _, part := range strings.SplitN(tt.want, " ", 2) {
				if !strings.Contains(string(resp.body), part) {
					t.Errorf("body %s lacks %s", resp.body, part)
				}
			}
		})
	}
}

// TestDiscordComponentsWire sends components the way discordgo does, on
// every route that takes them.
func TestDiscordComponentsWire(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}})
	defer d.Close()
	s := newSession(t, d, testToken)

	msg, err := s.ChannelMessageSendComplex("200", &discordgo.MessageSend{
		Content: "Feeds",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Follow", Style: discordgo.PrimaryButton, CustomID: "follow:1"},
			discordgo.Button{Label: "Open", Style: discordgo.LinkButton, URL: "https://example.com/feed"},
			discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "🔕"}, Style: discordgo.SecondaryButton, CustomID: "mute:1"},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	row, ok := msg.Components[0].(*discordgo.ActionsRow)
	if len(msg.Components) != 1 || !ok || len(row.Components) != 3 || row.Components[0].(*discordgo.Button).CustomID != "follow:1" {
		t.Fatalf("components = %+v", msg.Components)
	}
	// discordgo sends absent components as null.
	if _, err := s.ChannelMessageSend("200", "plain"); err != nil {
		t.Fatal(err)
	}

	linkWithID := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Open", Style: discordgo.LinkButton, URL: "https://example.com/", CustomID: "open"},
	}}}
	_, err = s.ChannelMessageSendComplex("200", &discordgo.MessageSend{Content: "x", Components: linkWithID})
	checkFormError(t, err, `"components":{"0":{"components":{"0":{"custom_id":{"_errors":[{"code":"BUTTON_COMPONENT_LINK_HAS_CUSTOM_ID"`)

	twice := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "A", CustomID: "same"}, discordgo.Button{Label: "B", CustomID: "same"},
	}}}
	_, err = s.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: "200", ID: msg.ID, Components: &twice})
	checkFormError(t, err, "COMPONENT_CUSTOM_ID_DUPLICATED")
	if n := len(d.AllMessages()); n != 2 {
		t.Errorf("%d messages, want the 2 valid ones", n)
	}
	checkNoUnexpected(t, d.Unexpected())
}

// checkFormError fails the test unless err is Discord's 400 Invalid Form
// Body whose body contains want.
func checkFormError(t *testing.T, err error, want string) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 400 || re.Message == nil || re.Message.Code != 50035 {
		t.Fatalf("err = %v, want a 50035 RESTError", err)
	}
	if !strings.Contains(string(re.ResponseBody), want) {
		t.Errorf("body %s lacks %s", re.ResponseBody, want)
	}
}
