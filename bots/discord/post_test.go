package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/discord"
	"github.com/heraldhq/herald/internal/fakes"
)

func TestSendSilent(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	quiet := delivery(1, "111")
	quiet.Silent = true
	for _, d := range []herald.Delivery{quiet, delivery(2, "111")} {
		if _, err := bot.Send(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	msgs := fake.Messages("111")
	if len(msgs) != 2 || !msgs[0].Silent() || msgs[0].Flags != 4096 || msgs[1].Silent() {
		t.Fatalf("messages %+v, want the first silent (flags 4096) and the second not", msgs)
	}
	if _, ok := msgs[1].Body["flags"]; ok {
		t.Errorf("flags sent for a post that is not silent: %v", msgs[1].Body["flags"])
	}
}

// TestSendMentionsTheRoleOnly posts an article whose text mentions
// @everyone and another role: only the route's role is pinged.
func TestSendMentionsTheRoleOnly(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	tests := []struct {
		name    string
		role    string
		content string
		pinged  []string
	}{
		{"role", "777", "<@&777>", []string{"777"}},
		{"no role", "", "", nil},
		{"a role that is no ID", "<@&123>", "", nil},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := delivery(int64(i+1), "111")
			d.MentionRole = tt.role
			id, err := bot.Send(context.Background(), d)
			if err != nil {
				t.Fatal(err)
			}
			m := sentMessage(t, fake, "111", id)
			if m.Content != tt.content {
				t.Errorf("content %q, want %q", m.Content, tt.content)
			}
			if p := m.Pinged; !slices.Equal(p.Roles, tt.pinged) || len(p.Users) != 0 || p.Everyone {
				t.Errorf("pinged %+v, want roles %v and nobody else", p, tt.pinged)
			}
			am, _ := json.Marshal(m.Body["allowed_mentions"])
			want := `{"parse":[],"replied_user":false}`
			if tt.pinged != nil {
				want = `{"parse":[],"replied_user":false,"roles":["777"]}`
			}
			if string(am) != want {
				t.Errorf("allowed_mentions %s, want %s", am, want)
			}
		})
	}
}

// sentMessage returns the message with the ID in the fake's channel.
func sentMessage(t *testing.T, fake *fakes.Discord, channel, id string) fakes.DiscordMessage {
	t.Helper()
	for _, m := range fake.Messages(channel) {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("no message %s in channel %s", id, channel)
	return fakes.DiscordMessage{}
}

// digestOf makes a digest of n deliveries whose articles have long
// links, so that they do not all fit one message.
func digestOf(n int, channel string) herald.Digest {
	dg := herald.Digest{Target: herald.Target{Platform: herald.Discord, Chat: channel}, At: time.Date(2024, 4, 8, 18, 0, 0, 0, time.UTC)}
	for i := range n {
		d := delivery(int64(100+i), channel)
		d.Digest = true
		d.Article.Headline = fmt.Sprintf("Story %d of the day's harbour news", i)
		d.Article.URL = fmt.Sprintf("https://news.example/%d/%s", i, strings.Repeat("section/", 20))
		dg.Deliveries = append(dg.Deliveries, d)
	}
	return dg
}

// TestSendDigestSplits sends a digest that does not fit one message as
// the dispatcher would: again and again from where the last message
// stopped, until every delivery is in a message.
func TestSendDigestSplits(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}, ChannelLimit: -1})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	dg := digestOf(60, "111")
	var held []int
	for rest := dg; len(rest.Deliveries) > 0; {
		n, id, err := bot.SendDigest(context.Background(), rest)
		if err != nil {
			t.Fatal(err)
		}
		if n < 1 || n > len(rest.Deliveries) {
			t.Fatalf("SendDigest held %d of %d", n, len(rest.Deliveries))
		}
		m := sentMessage(t, fake, "111", id)
		if m.Nonce != discord.DigestNonce(rest.Deliveries[:n]) || m.Body["enforce_nonce"] != true {
			t.Errorf("nonce %q enforce %v", m.Nonce, m.Body["enforce_nonce"])
		}
		held = append(held, n)
		rest.Deliveries = rest.Deliveries[n:]
	}
	msgs := fake.Messages("111")
	if len(held) < 2 || len(msgs) != len(held) {
		t.Fatalf("60 deliveries in %d messages (%v)", len(msgs), held)
	}
	total := 0
	for i, m := range msgs {
		embeds, _ := m.Body["embeds"].([]any)
		e, _ := embeds[0].(map[string]any)
		if want := fmt.Sprintf("News digest — %d articles", held[i]); e["title"] != want {
			t.Errorf("message %d titled %q, want %q", i, e["title"], want)
		}
		if lines := strings.Count(e["description"].(string), "\n") + 1; lines != held[i] {
			t.Errorf("message %d has %d lines for %d articles", i, lines, held[i])
		}
		total += held[i]
	}
	if total != 60 {
		t.Errorf("messages hold %d deliveries, want 60", total)
	}

	// The same digest again, as after a crash: the same message.
	n, id, err := bot.SendDigest(context.Background(), dg)
	if err != nil || n != held[0] || id != msgs[0].ID || len(fake.Messages("111")) != len(msgs) {
		t.Errorf("resend: %d %s %v, want %d %s and no new message", n, id, err, held[0], msgs[0].ID)
	}
}

func TestSendDigestSilentWithRole(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	dg := digestOf(3, "111")
	dg.Silent, dg.MentionRole = true, "777"
	n, id, err := bot.SendDigest(context.Background(), dg)
	if err != nil || n != 3 {
		t.Fatalf("SendDigest = %d, %v", n, err)
	}
	m := sentMessage(t, fake, "111", id)
	if !m.Silent() || m.Content != "<@&777>" || !slices.Equal(m.Pinged.Roles, []string{"777"}) || m.Pinged.Everyone || len(m.Pinged.Users) != 0 {
		t.Errorf("flags %d content %q pinged %+v", m.Flags, m.Content, m.Pinged)
	}

	var perm *herald.PermanentError
	if _, _, err := bot.SendDigest(context.Background(), herald.Digest{Target: dg.Target}); !errors.As(err, &perm) {
		t.Errorf("empty digest: %v, want a permanent error", err)
	}
}

func TestDigestNonce(t *testing.T) {
	a := []herald.Delivery{{ID: 1}, {ID: 2}, {ID: 3}}
	tests := []struct {
		name string
		ds   []herald.Delivery
		same bool
	}{
		{"same IDs", []herald.Delivery{{ID: 1}, {ID: 2}, {ID: 3}}, true},
		{"fewer", a[:2], false},
		{"other order", []herald.Delivery{{ID: 2}, {ID: 1}, {ID: 3}}, false},
		{"digits run together", []herald.Delivery{{ID: 12}, {ID: 3}}, false},
	}
	base := discord.DigestNonce(a)
	if len(base) != 25 || base[0] != 'd' {
		t.Fatalf("DigestNonce = %q, want 25 characters starting with d", base)
	}
	for _, tt := range tests {
		if got := discord.DigestNonce(tt.ds); (got == base) != tt.same {
			t.Errorf("%s: nonce %q, base %q, want same %v", tt.name, got, base, tt.same)
		}
	}
	if post := discord.Nonce(herald.Delivery{ID: 1}); post[0] == 'd' {
		t.Errorf("a post's nonce %q could be a digest's", post)
	}
}

func TestEdit(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	d := delivery(1, "111")
	d.MentionRole = "777"
	d.Article.Topics = []string{"Harbour"}
	id, err := bot.Send(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	d.MessageID = id
	d.Article.Headline = "Council approves revised harbour plan"
	d.Article.Topics = nil
	if err := bot.Edit(context.Background(), herald.Edit{Kind: herald.EditPost, Delivery: d}); err != nil {
		t.Fatal(err)
	}
	edits := fake.Edits()
	if len(edits) != 1 || edits[0].MessageID != id || edits[0].ChannelID != "111" {
		t.Fatalf("edits %+v", edits)
	}
	body := edits[0].Body
	if _, ok := body["content"]; ok {
		t.Errorf("the edit touched the content: %v", body["content"])
	}
	if am, _ := json.Marshal(body["allowed_mentions"]); string(am) != `{"parse":[],"replied_user":false}` {
		t.Errorf("allowed_mentions %s, want no mentions", am)
	}
	embeds, _ := body["embeds"].([]any)
	if len(embeds) != 1 || embeds[0].(map[string]any)["title"] != "Council approves revised harbour plan" {
		t.Errorf("embeds %v", embeds)
	}
	if c, ok := body["components"].([]any); !ok || len(c) != 0 {
		t.Errorf("components %v, want [] to remove the follow button", body["components"])
	}
	if len(fake.Messages("111")) != 1 {
		t.Error("the edit posted a message")
	}
}

func TestEditErrors(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	id, err := bot.Send(context.Background(), delivery(1, "111"))
	if err != nil {
		t.Fatal(err)
	}
	sent := delivery(1, "111")
	sent.MessageID = id
	edit := func(kind herald.EditKind, d herald.Delivery) error {
		return bot.Edit(context.Background(), herald.Edit{Kind: kind, Delivery: d})
	}
	var perm *herald.PermanentError
	unknown := sent
	unknown.MessageID = "123456789"
	for _, kind := range []herald.EditKind{herald.EditPost, herald.DeletePost} {
		err := edit(kind, unknown)
		if !errors.As(err, &perm) || !strings.Contains(perm.Reason, "10008") || errors.Is(err, herald.ErrUnreachable) {
			t.Errorf("%s of an unknown message: %v, want permanent 10008, the target reachable", kind, err)
		}
	}

	fake.FailNextEdit(1, 429, `{"message":"You are being rate limited.","retry_after":0.75,"global":false}`)
	var rl *herald.RateLimitError
	if err := edit(herald.EditPost, sent); !errors.As(err, &rl) || rl.RetryAfter != 750*time.Millisecond {
		t.Errorf("429 on an edit: %v, want a RateLimitError of 750ms", err)
	}

	inDigest := sent
	inDigest.Digest = true
	noID := sent
	noID.MessageID = ""
	badID := sent
	badID.MessageID = "../../users/@me"
	for name, d := range map[string]herald.Delivery{"digest": inDigest, "no message ID": noID, "bad message ID": badID} {
		if err := edit(herald.EditPost, d); !errors.As(err, &perm) {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
	if err := edit("rewrite", sent); !errors.As(err, &perm) {
		t.Errorf("unknown kind: %v, want a permanent error", err)
	}
	if n := len(fake.Edits()); n != 0 {
		t.Errorf("%d edits made", n)
	}
	checkRequests(t, fake)
}

func TestDelete(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	d := delivery(1, "dm:500")
	id, err := bot.Send(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	d.MessageID = id
	channel := fake.DMChannel("500")
	if err := bot.Edit(context.Background(), herald.Edit{Kind: herald.DeletePost, Delivery: d}); err != nil {
		t.Fatal(err)
	}
	if del := fake.Deletions(); len(del) != 1 || del[0].MessageID != id || del[0].ChannelID != channel {
		t.Fatalf("deletions %+v, want message %s in the DM channel %s", del, id, channel)
	}
	var perm *herald.PermanentError
	if err := bot.Edit(context.Background(), herald.Edit{Kind: herald.DeletePost, Delivery: d}); !errors.As(err, &perm) || !strings.Contains(perm.Reason, "10008") {
		t.Errorf("second deletion: %v, want permanent 10008", err)
	}
	checkRequests(t, fake)
}

// TestEditsArePaced alternates edits and deletions in a channel whose
// buckets take one request per window: the bot must wait for each
// route's own bucket and never meet a 429.
func TestEditsArePaced(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}, ChannelLimit: 1, ChannelWindow: 200 * time.Millisecond})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	var sent []herald.Delivery
	for i := range 4 {
		d := delivery(int64(i+1), "111")
		id, err := bot.Send(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		d.MessageID = id
		d.Article.Headline += " (corrected)"
		sent = append(sent, d)
	}
	for i, d := range sent {
		kind := herald.EditPost
		if i%2 == 1 {
			kind = herald.DeletePost
		}
		if err := bot.Edit(context.Background(), herald.Edit{Kind: kind, Delivery: d}); err != nil {
			t.Fatalf("%s %d: %v", kind, i, err)
		}
	}
	if n := fake.RateLimited(); n != 0 {
		t.Errorf("%d requests were refused with 429", n)
	}
	if len(fake.Edits()) != 2 || len(fake.Deletions()) != 2 {
		t.Errorf("%d edits and %d deletions, want 2 and 2", len(fake.Edits()), len(fake.Deletions()))
	}
}

// checkRequests fails the test if the fake saw requests it did not know.
func checkRequests(t *testing.T, fake *fakes.Discord) {
	t.Helper()
	for _, r := range fake.Unexpected() {
		t.Errorf("unexpected request %s %s", r.Method, r.Path)
	}
}

// TestTakeOverWaitsOutTheProcessBefore takes the bot's posts over from a
// process that used its limits until now: the next post waits for the
// channels' rate-limit window, though this bot never posted.
func TestTakeOverWaitsOutTheProcessBefore(t *testing.T) {
	fake := fakes.NewDiscord(fakes.DiscordOptions{Token: token, Channels: []string{"111"}})
	defer fake.Close()
	bot := newBot(t, fake.URL())
	at := time.Now()
	bot.TakeOver(at)
	if _, err := bot.Send(context.Background(), delivery(1, "111")); err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages("111")
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	if gap := msgs[0].Created.Sub(at); gap < 5*time.Second {
		t.Errorf("posted %s after the take-over, want at least the channels' 5 s window after it", gap)
	}
}
