package fakes

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// events collects dispatched events of one type for a test to wait on.
type events[T any] struct {
	mu   sync.Mutex
	seen []T
}

func (e *events[T]) add(v T) {
	e.mu.Lock()
	e.seen = append(e.seen, v)
	e.mu.Unlock()
}

func (e *events[T]) len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.seen)
}

func (e *events[T]) at(i int) T {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seen[i]
}

func openSession(t *testing.T, d *Discord) *discordgo.Session {
	t.Helper()
	s := newSession(t, d, testToken)
	if err := s.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func stateUser(s *discordgo.Session) *discordgo.User {
	s.State.RLock()
	defer s.State.RUnlock()
	return s.State.User
}

func messageCreate(id, content string) string {
	return fmt.Sprintf(`{"id":%q,"channel_id":"200","guild_id":"300","type":0,"author":{"id":"500","username":"alice"},"content":%q,"timestamp":"2024-01-01T00:00:00+00:00","mentions":[],"attachments":[],"embeds":[]}`, id, content)
}

func TestDiscordGatewayReady(t *testing.T) {
	t.Parallel()
	// discordgo reconnects after five intervals without an ACK, so the
	// interval leaves room for a slow, race-instrumented run.
	d := NewDiscord(DiscordOptions{Token: testToken, HeartbeatInterval: 200 * time.Millisecond})
	defer d.Close()
	var ready events[*discordgo.Ready]
	s := newSession(t, d, testToken)
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready.add(r) })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitFor(t, "READY", func() bool { return ready.len() == 1 })
	r := ready.at(0)
	if r.SessionID == "" || r.User == nil || r.User.ID != "100" || r.Application == nil || r.Application.ID != "100" {
		t.Errorf("READY = %+v", r)
	}
	if u := stateUser(s); u == nil || u.ID != "100" {
		t.Error("State.User not filled from READY")
	}
	// Heartbeats go on and are acknowledged, so the session stays up.
	waitFor(t, "heartbeats", func() bool { return d.Heartbeats() >= 3 })
	if d.Identifies() != 1 || d.Resumes() != 0 || d.Connected() != 1 {
		t.Errorf("identifies %d, resumes %d, connected %d", d.Identifies(), d.Resumes(), d.Connected())
	}
	p := d.GatewayPayloads()
	if len(p) == 0 || p[0].Op != 2 {
		t.Errorf("payloads = %+v, want identify first", p)
	}
	checkNoUnexpected(t, d.Unexpected())
}

func TestDiscordGatewayBadToken(t *testing.T) {
	t.Parallel()
	d := NewDiscord(DiscordOptions{Token: testToken})
	defer d.Close()
	s := newSession(t, d, "wrong")
	err := s.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4004 {
		t.Fatalf("Open = %v, want close 4004", err)
	}
	if d.Identifies() != 0 {
		t.Error("a bad identify was counted")
	}
}

func TestDiscordGatewayResume(t *testing.T) {
	t.Parallel()
	d := NewDiscord(DiscordOptions{Token: testToken, HeartbeatInterval: time.Second})
	defer d.Close()
	var got events[*discordgo.MessageCreate]
	s := newSession(t, d, testToken)
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got.add(m) })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitFor(t, "connection", func() bool { return d.Connected() == 1 })
	if n, err := d.Push("MESSAGE_CREATE", messageCreate("601", "before")); err != nil || n != 1 {
		t.Fatalf("Push = %d, %v", n, err)
	}
	waitFor(t, "first event", func() bool { return got.len() == 1 })

	d.DropConnections()
	// Sent while the client is away or coming back: it arrives either way,
	// live or replayed on resume.
	if _, err := d.Push("MESSAGE_CREATE", messageCreate("602", "during")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "resume", func() bool { return d.Resumes() == 1 && d.Connected() == 1 })
	waitFor(t, "missed event", func() bool { return got.len() == 2 })
	if _, err := d.Push("MESSAGE_CREATE", messageCreate("603", "after")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "third event", func() bool { return got.len() == 3 })
	for i, want := range []string{"before", "during", "after"} {
		if c := got.at(i).Content; c != want {
			t.Errorf("event %d = %q, want %q", i, c, want)
		}
	}
	if d.Identifies() != 1 {
		t.Errorf("identifies = %d, want 1: the session should resume", d.Identifies())
	}
}

func TestDiscordGatewayReconnectAndInvalidate(t *testing.T) {
	t.Parallel()
	d := NewDiscord(DiscordOptions{Token: testToken, HeartbeatInterval: time.Second})
	defer d.Close()
	s := openSession(t, d)
	// Wait for the first heartbeat: discordgo v0.29.0 falls into a
	// reconnect loop if op 7 arrives before its heartbeat goroutine has
	// run (that goroutine then writes to the closed connection and closes
	// each new one with 1000).
	waitFor(t, "connection", func() bool { return d.Connected() == 1 && d.Heartbeats() >= 1 })

	d.RequestReconnect()
	waitFor(t, "resume after op 7", func() bool { return d.Resumes() == 1 && d.Connected() == 1 })

	d.InvalidateSessions()
	waitFor(t, "identify after op 9", func() bool { return d.Identifies() == 2 && d.Connected() == 1 })
	if stateUser(s) == nil {
		t.Error("no user after re-identify")
	}
}

func TestDiscordInteraction(t *testing.T) {
	t.Parallel()
	d := NewDiscord(DiscordOptions{Token: testToken, HeartbeatInterval: time.Second})
	defer d.Close()
	var got events[*discordgo.InteractionCreate]
	s := newSession(t, d, testToken)
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) { got.add(ic) })
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	waitFor(t, "connection", func() bool { return d.Connected() == 1 })

	_, err := d.Push("INTERACTION_CREATE", `{"id":"900","application_id":"100","type":2,"token":"itok-1","version":1,
		"guild_id":"300","channel_id":"200","locale":"en-US","app_permissions":"2048",
		"member":{"user":{"id":"500","username":"alice"},"roles":[],"permissions":"32"},
		"data":{"id":"800","name":"follow","type":1,"options":[{"name":"topic","type":3,"value":"golang"}]}}`)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "interaction", func() bool { return got.len() == 1 })
	ic := got.at(0)
	if ic.ApplicationCommandData().Name != "follow" || ic.Member.Permissions&discordgo.PermissionManageGuild == 0 {
		t.Fatalf("interaction = %+v", ic.Interaction)
	}

	err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "twice"}})
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Message.Code != 40060 {
		t.Errorf("second response: %v, want code 40060", err)
	}
	content := "Following golang"
	edited, err := s.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{Content: &content})
	if err != nil || edited.Content != content {
		t.Fatalf("edit original = %+v, %v", edited, err)
	}
	follow, err := s.FollowupMessageCreate(ic.Interaction, true, &discordgo.WebhookParams{Content: "more"})
	if err != nil || follow.ID == "" {
		t.Fatalf("followup = %+v, %v", follow, err)
	}

	replies := d.Replies()
	kinds := []string{}
	for _, r := range replies {
		kinds = append(kinds, r.Kind)
	}
	if fmt.Sprint(kinds) != "[callback original followup]" || replies[0].Type != 5 {
		t.Errorf("replies = %v (type %d)", kinds, replies[0].Type)
	}
	if data, _ := replies[0].Body["data"].(map[string]any); data["flags"] != float64(64) {
		t.Errorf("callback body = %v, want ephemeral", replies[0].Body)
	}

	// An interaction the gateway never delivered is unknown.
	err = s.InteractionRespond(&discordgo.Interaction{ID: "901", Token: "nope"}, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
	if !errors.As(err, &re) || re.Message.Code != 10062 {
		t.Errorf("unknown interaction: %v, want code 10062", err)
	}
	checkNoUnexpected(t, d.Unexpected())
}
