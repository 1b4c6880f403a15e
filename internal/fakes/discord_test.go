package fakes

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

const testToken = "discord-test-token"

func TestDiscordSendComplexEmbed(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}})
	defer d.Close()
	s := newSession(t, d, testToken)

	msg, err := s.ChannelMessageSendComplex("200", &discordgo.MessageSend{
		Content: "Breaking",
		Embeds: []*discordgo.MessageEmbed{{
			Title:       "Headline",
			URL:         "https://example.com/story",
			Description: "Lead paragraph.",
			Timestamp:   "2024-04-08T10:00:00Z",
			Footer:      &discordgo.MessageEmbedFooter{Text: "Example News"},
			Image:       &discordgo.MessageEmbedImage{URL: "https://example.com/a.jpg"},
		}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		Flags:           discordgo.MessageFlagsSuppressEmbeds,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := d.Messages("200")
	if len(got) != 1 {
		t.Fatalf("messages = %d, want 1", len(got))
	}
	m := got[0]
	if msg.ID != m.ID || msg.ChannelID != "200" || msg.Content != "Breaking" {
		t.Errorf("returned message %+v does not match stored %+v", msg, m)
	}
	if msg.Timestamp.IsZero() || len(msg.Embeds) != 1 || msg.Embeds[0].Title != "Headline" || msg.Embeds[0].Type != "rich" {
		t.Errorf("returned message = %+v", msg)
	}
	if _, err := strconv.ParseUint(m.ID, 10, 64); err != nil {
		t.Errorf("id %q is not a snowflake", m.ID)
	}
	am, _ := m.Body["allowed_mentions"].(map[string]any)
	if parse, ok := am["parse"].([]any); !ok || len(parse) != 0 {
		t.Errorf("allowed_mentions = %v, want parse []", m.Body["allowed_mentions"])
	}
	if m.Body["flags"] != float64(4) {
		t.Errorf("flags = %v, want 4", m.Body["flags"])
	}
	if d.AllMessages()[0].ID != m.ID {
		t.Error("AllMessages disagrees with Messages")
	}
	if n := d.MessageCount(); n != 1 {
		t.Errorf("MessageCount() = %d, want 1", n)
	}
	checkNoUnexpected(t, d.Unexpected())
}

func TestDiscordErrors(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}})
	defer d.Close()
	s := newSession(t, d, testToken)

	tests := []struct {
		name    string
		session *discordgo.Session
		channel string
		send    *discordgo.MessageSend
		status  int
		code    int
		body    string
	}{
		{"unknown channel", s, "999", &discordgo.MessageSend{Content: "x"}, 404, 10003, "Unknown Channel"},
		{"wrong token", newSession(t, d, "other"), "200", &discordgo.MessageSend{Content: "x"}, 401, 0, "401: Unauthorized"},
		{"empty", s, "200", &discordgo.MessageSend{}, 400, 50006, "Cannot send an empty message"},
		{"long description", s, "200", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{
			Description: strings.Repeat("é", maxEmbedDescription+1),
		}}}, 400, 50035, `"description":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"`},
		{"relative image", s, "200", &discordgo.MessageSend{Embeds: []*discordgo.MessageEmbed{{
			Title: "t", Image: &discordgo.MessageEmbedImage{URL: "/img/a.jpg"},
		}}}, 400, 50035, "URL_TYPE_INVALID_URL"},
		{"long content", s, "200", &discordgo.MessageSend{Content: strings.Repeat("a", maxContent+1)}, 400, 50035, `"content"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.session.ChannelMessageSendComplex(tt.channel, tt.send)
			var re *discordgo.RESTError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *discordgo.RESTError", err)
			}
			if re.Response.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", re.Response.StatusCode, tt.status)
			}
			if re.Message == nil || re.Message.Code != tt.code {
				t.Errorf("message = %+v, want code %d", re.Message, tt.code)
			}
			if !strings.Contains(string(re.ResponseBody), tt.body) {
				t.Errorf("body %s lacks %s", re.ResponseBody, tt.body)
			}
		})
	}
	if n := len(d.AllMessages()); n != 0 {
		t.Errorf("%d messages created by refused requests", n)
	}
	checkNoUnexpected(t, d.Unexpected())
}

// TestDiscordHeadersPace shows that the rate-limit headers let discordgo
// pace itself: it waits for the bucket to reset instead of meeting a 429.
func TestDiscordHeadersPace(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}, ChannelLimit: 2, ChannelWindow: 200 * time.Millisecond})
	defer d.Close()
	s := newSession(t, d, testToken)
	for i := range 5 {
		if _, err := s.ChannelMessageSend("200", "post "+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := d.RateLimited(); n != 0 {
		t.Errorf("RateLimited = %d, want 0: discordgo should have waited", n)
	}
	if n := len(d.Messages("200")); n != 5 {
		t.Errorf("messages = %d, want 5", n)
	}

	free := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}, ChannelLimit: -1, GlobalLimit: -1})
	defer free.Close()
	s = newSession(t, free, testToken)
	for range 20 {
		if _, err := s.ChannelMessageSend("200", "x"); err != nil {
			t.Fatal(err)
		}
	}
	if free.RateLimited() != 0 || len(free.Messages("200")) != 20 {
		t.Error("negative limits still limited")
	}
}

// TestDiscordChannelRateLimit has two sessions, as two replicas would,
// share a channel: the second meets a 429, sleeps retry_after and
// succeeds once.
func TestDiscordChannelRateLimit(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}, ChannelLimit: 1, ChannelWindow: time.Second})
	defer d.Close()
	a, b := newSession(t, d, testToken), newSession(t, d, testToken)
	var events atomic.Int32
	b.AddHandler(func(_ *discordgo.Session, rl *discordgo.RateLimit) {
		if rl.RetryAfter > 0 {
			events.Add(1)
		}
	})
	if _, err := a.ChannelMessageSend("200", "first"); err != nil {
		t.Fatal(err)
	}
	second, err := b.ChannelMessageSend("200", "second")
	if err != nil {
		t.Fatal(err)
	}
	msgs := d.Messages("200")
	if len(msgs) != 2 || msgs[1].ID != second.ID || msgs[1].Content != "second" {
		t.Fatalf("messages = %+v, want first then second once", msgs)
	}
	if n := d.RateLimited(); n != 1 {
		t.Errorf("RateLimited = %d, want 1", n)
	}
	waitFor(t, "the RateLimit event", func() bool { return events.Load() == 1 })
}

func TestDiscordGlobalRateLimit(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"1", "2", "3", "4"}, GlobalLimit: 2, GlobalWindow: time.Second})
	defer d.Close()
	s := newSession(t, d, testToken)
	for _, ch := range []string{"1", "2"} {
		if _, err := s.ChannelMessageSend(ch, "x"); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.ChannelMessageSend("3", "x", discordgo.WithRetryOnRatelimit(false))
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want *discordgo.RateLimitError", err)
	}
	if rl.RetryAfter <= 0 || rl.RetryAfter > time.Second {
		t.Errorf("RetryAfter = %v, want within the 1s window", rl.RetryAfter)
	}
	// The global headers block every bucket until the window rolls, so
	// this send on yet another channel waits and then succeeds.
	if _, err := s.ChannelMessageSend("4", "x"); err != nil {
		t.Fatal(err)
	}
	if n := d.RateLimited(); n != 1 {
		t.Errorf("RateLimited = %d, want 1", n)
	}
	if len(d.Messages("3")) != 0 || len(d.Messages("4")) != 1 {
		t.Error("the refused message was stored or the later one lost")
	}
}

// TestDiscordRateLimitWire checks the 429 answers byte for byte where the
// client libraries read them.
func TestDiscordRateLimitWire(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}, ChannelLimit: 1, ChannelWindow: time.Minute, GlobalLimit: 3, GlobalWindow: time.Minute})
	defer d.Close()
	post := func(ch string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("POST", d.URL()+"/api/v9/channels/"+ch+"/messages", strings.NewReader(`{"content":"x"}`))
		req.Header.Set("Authorization", "Bot "+testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		b, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatalf("body %q: %v", b, err)
		}
		return resp, body
	}
	resp, _ := post("200")
	if resp.StatusCode != 200 || resp.Header.Get("X-RateLimit-Remaining") != "0" || resp.Header.Get("X-RateLimit-Limit") != "1" {
		t.Fatalf("first post: %d %v", resp.StatusCode, resp.Header)
	}
	if after, err := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset-After"), 64); err != nil || after <= 0 || after > 60 {
		t.Errorf("X-RateLimit-Reset-After = %q", resp.Header.Get("X-RateLimit-Reset-After"))
	}

	resp, body := post("200")
	if resp.StatusCode != 429 || body["global"] != false || resp.Header.Get("X-RateLimit-Scope") != "user" {
		t.Errorf("channel 429: %d %v %v", resp.StatusCode, resp.Header, body)
	}
	if ra, ok := body["retry_after"].(float64); !ok || ra <= 0 || ra > 60 {
		t.Errorf("retry_after = %v", body["retry_after"])
	}
	if ra, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || ra < 1 {
		t.Errorf("Retry-After = %q, want whole seconds", resp.Header.Get("Retry-After"))
	}
	if resp.Header.Get("X-RateLimit-Global") != "" {
		t.Error("channel 429 says global")
	}

	post("200") // the third request of the minute
	resp, body = post("200")
	if resp.StatusCode != 429 || body["global"] != true || resp.Header.Get("X-RateLimit-Global") != "true" {
		t.Errorf("global 429: %d %v %v", resp.StatusCode, resp.Header, body)
	}
	if d.RateLimited() != 3 {
		t.Errorf("RateLimited = %d, want 3", d.RateLimited())
	}
}

// nonceMessage is how a client sends a nonce with discordgo v0.29.0,
// whose MessageSend lacks the fields.
type nonceMessage struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

func sendWithNonce(t *testing.T, s *discordgo.Session, ch, nonce, content string) discordgo.Message {
	t.Helper()
	ep := discordgo.EndpointChannelMessages(ch)
	body, err := s.RequestWithBucketID("POST", ep, nonceMessage{&discordgo.MessageSend{Content: content}, nonce, true}, ep)
	if err != nil {
		t.Fatal(err)
	}
	var m discordgo.Message
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDiscordNonceDedupe(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200", "201"}})
	defer d.Close()
	s := newSession(t, d, testToken)
	first := sendWithNonce(t, s, "200", "article-1", "one")
	again := sendWithNonce(t, s, "200", "article-1", "one")
	other := sendWithNonce(t, s, "200", "article-2", "two")
	elsewhere := sendWithNonce(t, s, "201", "article-1", "one")
	if first.ID != again.ID {
		t.Errorf("repeat nonce made a new message: %s then %s", first.ID, again.ID)
	}
	if other.ID == first.ID || elsewhere.ID == first.ID {
		t.Error("a different nonce or channel reused a message")
	}
	msgs := d.Messages("200")
	if len(msgs) != 2 || msgs[0].Nonce != "article-1" || msgs[0].Body["enforce_nonce"] != true {
		t.Errorf("messages = %+v", msgs)
	}
}

// TestDiscordLostResponse shows the duplicate-post trap: a 502 after the
// message was created makes discordgo resend, and only a nonce saves the
// channel from a second post.
func TestDiscordLostResponse(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200", "201"}})
	defer d.Close()
	s := newSession(t, d, testToken)

	d.FailAfterCreate(1, http.StatusBadGateway, "")
	if _, err := s.ChannelMessageSend("200", "no nonce"); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Messages("200")); n != 2 {
		t.Errorf("without a nonce: %d messages, want the duplicate 2", n)
	}

	d.FailAfterCreate(1, http.StatusBadGateway, "")
	sendWithNonce(t, s, "201", "n-1", "with nonce")
	if n := len(d.Messages("201")); n != 1 {
		t.Errorf("with a nonce: %d messages, want 1", n)
	}
}

func TestDiscordFailNext(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}})
	defer d.Close()
	s := newSession(t, d, testToken)

	d.FailNext(1, http.StatusBadGateway, "")
	if _, err := s.ChannelMessageSend("200", "retried"); err != nil {
		t.Fatalf("discordgo should retry a 502: %v", err)
	}
	d.FailNext(1, http.StatusInternalServerError, `{"message":"outage","code":0}`)
	_, err := s.ChannelMessageSend("200", "lost")
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response.StatusCode != 500 {
		t.Fatalf("err = %v, want a 500 RESTError", err)
	}
	d.FailNext(1, http.StatusTooManyRequests, `{"message":"You are being rate limited.","retry_after":0.05,"global":false}`)
	if _, err := s.ChannelMessageSend("200", "after 429"); err != nil {
		t.Fatal(err)
	}
	msgs := d.Messages("200")
	if len(msgs) != 2 || msgs[0].Content != "retried" || msgs[1].Content != "after 429" {
		t.Errorf("messages = %+v", msgs)
	}
	if d.RateLimited() != 1 {
		t.Errorf("RateLimited = %d, want 1", d.RateLimited())
	}
}

func TestDiscordChannelsAndEdits(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200", "201", "202"}})
	defer d.Close()
	s := newSession(t, d, testToken)

	ch, err := s.Channel("200")
	if err != nil || ch.GuildID != "300" || ch.Type != discordgo.ChannelTypeGuildText {
		t.Fatalf("Channel = %+v, %v", ch, err)
	}
	me, err := s.User("@me")
	if err != nil || me.ID != "100" || !me.Bot {
		t.Fatalf("User(@me) = %+v, %v", me, err)
	}
	m, err := s.ChannelMessageSend("200", "draft")
	if err != nil {
		t.Fatal(err)
	}
	edited, err := s.ChannelMessageEdit("200", m.ID, "final")
	if err != nil || edited.Content != "final" || edited.EditedTimestamp == nil {
		t.Fatalf("edit = %+v, %v", edited, err)
	}
	if e := d.Edits(); len(e) != 1 || e[0].MessageID != m.ID || e[0].Body["content"] != "final" {
		t.Errorf("Edits = %+v", e)
	}
	if _, err := s.ChannelMessageEdit("200", "1", "x"); err == nil {
		t.Error("editing an unknown message succeeded")
	}
	dm, err := s.UserChannelCreate("500")
	if err != nil || dm.Type != discordgo.ChannelTypeDM {
		t.Fatalf("UserChannelCreate = %+v, %v", dm, err)
	}
	if _, err := s.ChannelMessageSend(dm.ID, "hello"); err != nil {
		t.Errorf("send to DM: %v", err)
	}

	d.Forbid("201")
	d.RemoveChannel("202")
	for ch, code := range map[string]int{"201": 50001, "202": 10003} {
		_, err := s.ChannelMessageSend(ch, "x")
		var re *discordgo.RESTError
		if !errors.As(err, &re) || re.Message == nil || re.Message.Code != code {
			t.Errorf("send to %s: %v, want code %d", ch, err, code)
		}
	}
	checkNoUnexpected(t, d.Unexpected())
}

func TestDiscordCommands(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken})
	defer d.Close()
	s := newSession(t, d, testToken)
	perm := int64(discordgo.PermissionManageGuild)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "follow", Description: "Follow a topic", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Topic", Required: true},
		}},
		{Name: "routes", Description: "Admin", DefaultMemberPermissions: &perm},
	}
	got, err := s.ApplicationCommandBulkOverwrite("100", "", cmds)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID == "" || got[0].ApplicationID != "100" || got[1].DefaultMemberPermissions == nil || *got[1].DefaultMemberPermissions != perm {
		t.Fatalf("registered = %+v", got)
	}
	again, err := s.ApplicationCommandBulkOverwrite("100", "", cmds)
	if err != nil || again[0].ID != got[0].ID {
		t.Errorf("overwrite changed the command ID: %v", err)
	}
	if len(d.Commands("")) != 2 {
		t.Errorf("Commands = %v", d.Commands(""))
	}
	if _, err := s.ApplicationCommandBulkOverwrite("100", "300", cmds[:1]); err != nil || len(d.Commands("300")) != 1 {
		t.Errorf("guild commands: %v", err)
	}

	_, err = s.ApplicationCommandBulkOverwrite("100", "", []*discordgo.ApplicationCommand{{Name: "Follow Topic", Description: "x"}})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message.Code != 50035 || !strings.Contains(string(re.ResponseBody), "APPLICATION_COMMAND_INVALID_NAME") {
		t.Errorf("bad name: %v", err)
	}
	if _, err := s.ApplicationCommandBulkOverwrite("999", "", cmds); err == nil {
		t.Error("another application's commands were accepted")
	}
	checkNoUnexpected(t, d.Unexpected())
}

func TestDiscordUnknownRoute(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken})
	defer d.Close()
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v9/guilds/300/roles"},
		{"DELETE", "/api/v9/channels/200"},
		{"GET", "/api/v10/users/@me"},
	} {
		req, _ := http.NewRequest(r.method, d.URL()+r.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || (resp.StatusCode != 404 && resp.StatusCode != 405) {
			t.Errorf("%s %s: %d %v %v", r.method, r.path, resp.StatusCode, body, err)
		}
	}
	if n := len(d.Unexpected()); n != 3 {
		t.Errorf("Unexpected = %d, want 3", n)
	}
	if h := d.Requests()[0].Header; h.Get("Authorization") != "" {
		t.Error("Authorization was recorded")
	}
}

func TestDiscordFlagsAndPings(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}})
	defer d.Close()
	s := newSession(t, d, testToken)

	msg, err := s.ChannelMessageSendComplex("200", &discordgo.MessageSend{
		Content:         "<@&42> <@&43> <@7> @everyone",
		Embeds:          []*discordgo.MessageEmbed{{Title: "<@&44>"}},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Roles: []string{"42"}},
		Flags:           discordgo.MessageFlagsSuppressNotifications,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessageSendComplex("200", &discordgo.MessageSend{
		Content:         "<@&42>",
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}); err != nil {
		t.Fatal(err)
	}
	got := d.Messages("200")
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	if p := got[0].Pinged; !slices.Equal(p.Roles, []string{"42"}) || len(p.Users) != 0 || p.Everyone {
		t.Errorf("pinged %+v, want role 42 only", p)
	}
	if !got[0].Silent() || got[0].Flags != 4096 {
		t.Errorf("flags %d, want 4096", got[0].Flags)
	}
	if len(msg.MentionRoles) != 1 || msg.MentionRoles[0] != "42" || msg.MentionEveryone || len(msg.Mentions) != 0 {
		t.Errorf("returned mentions %v %v %v", msg.MentionRoles, msg.MentionEveryone, msg.Mentions)
	}
	if got[1].Pinged.Pinged() || got[1].Silent() {
		t.Errorf("second message pinged %+v, flags %d", got[1].Pinged, got[1].Flags)
	}

	// Role mentions listed while parse holds "roles" are refused.
	_, err = s.ChannelMessageSendComplex("200", &discordgo.MessageSend{
		Content:         "<@&42>",
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeRoles}, Roles: []string{"42"}},
	})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message == nil || re.Message.Code != 50035 || !strings.Contains(string(re.ResponseBody), "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE") {
		t.Errorf("parse roles with a role list: %v", err)
	}
	checkNoUnexpected(t, d.Unexpected())
}

// TestDiscordEditAndDeleteBuckets shows that edits and deletions each
// have a per-channel bucket of their own, with rate-limit headers, apart
// from message creation's.
func TestDiscordEditAndDeleteBuckets(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}, ChannelLimit: 2, ChannelWindow: time.Hour})
	defer d.Close()
	s := newSession(t, d, testToken)
	a, err := s.ChannelMessageSend("200", "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.ChannelMessageSend("200", "b")
	if err != nil {
		t.Fatal(err)
	}
	// discordgo keys edits and deletions to one bucket of its own, so the
	// spent edit bucket comes last, or it would wait out the hour.
	if _, err := s.ChannelMessageEdit("200", a.ID, "a2"); err != nil {
		t.Fatal(err)
	}
	if err := s.ChannelMessageDelete("200", b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChannelMessageEdit("200", a.ID, "a3"); err != nil {
		t.Fatal(err)
	}
	// A second session, as a replica would be, knows nothing of the
	// buckets and meets the 429s.
	other := newSession(t, d, testToken)
	var rl *discordgo.RateLimitError
	if _, err := other.ChannelMessageEdit("200", a.ID, "a4", discordgo.WithRetryOnRatelimit(false)); !errors.As(err, &rl) || rl.RetryAfter < 59*time.Minute {
		t.Errorf("third edit in the window: %v, want a rate limit of about an hour", err)
	}
	if _, err := other.ChannelMessageSend("200", "c", discordgo.WithRetryOnRatelimit(false)); !errors.As(err, &rl) {
		t.Errorf("third message in the window: %v, want a rate limit", err)
	}
	// One deletion used one of the deletion bucket's two.
	if err := newSession(t, d, testToken).ChannelMessageDelete("200", a.ID, discordgo.WithRetryOnRatelimit(false)); err != nil {
		t.Errorf("second deletion: %v", err)
	}
	if err := newSession(t, d, testToken).ChannelMessageDelete("200", a.ID, discordgo.WithRetryOnRatelimit(false)); !errors.As(err, &rl) {
		t.Errorf("third deletion: %v, want a rate limit", err)
	}
	if n := d.RateLimited(); n != 3 {
		t.Errorf("RateLimited = %d, want 3", n)
	}
	if del := d.Deletions(); len(del) != 2 || del[0].MessageID != b.ID || del[1].MessageID != a.ID {
		t.Errorf("Deletions = %+v", del)
	}
	if m := d.Messages("200"); len(m) != 2 || m[0].Deleted.IsZero() || m[1].Deleted.IsZero() {
		t.Errorf("Messages = %+v, want both deleted", m)
	}
	checkNoUnexpected(t, d.Unexpected())
}

func TestDiscordUnknownMessageAndFailNextEdit(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}})
	defer d.Close()
	s := newSession(t, d, testToken)
	m, err := s.ChannelMessageSend("200", "a")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ChannelMessageDelete("200", m.ID); err != nil {
		t.Fatal(err)
	}
	unknown := func(err error) bool {
		var re *discordgo.RESTError
		return errors.As(err, &re) && re.Response.StatusCode == 404 && re.Message != nil && re.Message.Code == 10008
	}
	if _, err := s.ChannelMessageEdit("200", m.ID, "b"); !unknown(err) {
		t.Errorf("edit of a deleted message: %v, want 404 10008", err)
	}
	if err := s.ChannelMessageDelete("200", m.ID); !unknown(err) {
		t.Errorf("second deletion: %v, want 404 10008", err)
	}
	if err := s.ChannelMessageDelete("200", "1"); !unknown(err) {
		t.Errorf("deletion of a message never sent: %v, want 404 10008", err)
	}

	n, err := s.ChannelMessageSend("200", "n")
	if err != nil {
		t.Fatal(err)
	}
	d.FailNextEdit(1, http.StatusTooManyRequests, `{"message":"You are being rate limited.","retry_after":0.5,"global":false}`)
	var rl *discordgo.RateLimitError
	if _, err := s.ChannelMessageEdit("200", n.ID, "n2", discordgo.WithRetryOnRatelimit(false)); !errors.As(err, &rl) || rl.RetryAfter != 500*time.Millisecond {
		t.Errorf("injected 429: %v", err)
	}
	if len(d.Edits()) != 0 {
		t.Errorf("Edits = %+v after a refused edit", d.Edits())
	}
	checkNoUnexpected(t, d.Unexpected())
}

// TestDiscordEditHeaders reads the rate-limit headers of edits and
// deletions off the wire.
func TestDiscordEditHeaders(t *testing.T) {
	d := NewDiscord(DiscordOptions{Token: testToken, Channels: []string{"200"}, ChannelLimit: 3})
	defer d.Close()
	s := newSession(t, d, testToken)
	m, err := s.ChannelMessageSend("200", "a")
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, body string) *http.Response {
		req, err := http.NewRequest(method, d.URL()+"/api/v9/channels/200/messages/"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bot "+testToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	tests := []struct {
		method, path, body string
		status             int
		bucket, remaining  string
	}{
		{"PATCH", m.ID, `{"content":"b"}`, 200, editBucket, "2"},
		{"PATCH", "1", `{"content":"b"}`, 404, editBucket, "1"},
		{"DELETE", m.ID, "", 204, deleteBucket, "2"},
		{"DELETE", m.ID, "", 404, deleteBucket, "1"},
	}
	for _, tt := range tests {
		resp := call(tt.method, tt.path, tt.body)
		if resp.StatusCode != tt.status || resp.Header.Get("X-RateLimit-Bucket") != tt.bucket || resp.Header.Get("X-RateLimit-Remaining") != tt.remaining {
			t.Errorf("%s %s: %d bucket %q remaining %q, want %d %q %q", tt.method, tt.path, resp.StatusCode,
				resp.Header.Get("X-RateLimit-Bucket"), resp.Header.Get("X-RateLimit-Remaining"), tt.status, tt.bucket, tt.remaining)
		}
	}
}
