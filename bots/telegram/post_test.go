package telegram_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/telegram"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/internal/fakes"
)

func target(chat string) herald.Target { return herald.Target{Platform: herald.Telegram, Chat: chat} }

func TestSendSilent(t *testing.T) {
	t.Parallel()
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7"}, PerChatInterval: -1})
	defer fake.Close()
	bot := newBot(t, fake, token)
	for i, silent := range []bool{true, false} {
		d := herald.Delivery{ID: int64(i), Target: target("7"), Article: article(fmt.Sprint(i)), Silent: silent}
		if _, err := bot.Send(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	msgs := fake.Messages("7")
	if len(msgs) != 2 || !msgs[0].DisableNotification || msgs[1].DisableNotification {
		t.Fatalf("messages %+v, want the first without a notification only", msgs)
	}
	if _, ok := msgs[1].Params["disable_notification"]; ok {
		t.Errorf("disable_notification sent for a post that is not silent")
	}
}

// TestSendDigestSplits sends a digest that does not fit one message as
// the dispatcher would: again from where the last message stopped.
func TestSendDigestSplits(t *testing.T) {
	t.Parallel()
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7"}})
	defer fake.Close()
	bot := newBot(t, fake, token)
	dg := herald.Digest{Target: target("7"), Silent: true}
	for i := range 150 {
		a := article(fmt.Sprint(i))
		a.Headline = fmt.Sprintf("Story %d", i)
		dg.Deliveries = append(dg.Deliveries, herald.Delivery{ID: int64(i + 1), Target: dg.Target, Article: a, Digest: true})
	}
	var held []int
	for rest := dg; len(rest.Deliveries) > 0; {
		n, id, err := bot.SendDigest(context.Background(), rest)
		if err != nil {
			t.Fatal(err)
		}
		if n < 1 || n > len(rest.Deliveries) || id == "" {
			t.Fatalf("SendDigest = %d, %q for %d", n, id, len(rest.Deliveries))
		}
		want, _ := formatter.TelegramDigest(rest)
		msgs := fake.Messages("7")
		if m := msgs[len(msgs)-1]; m.Text != want.Text || !m.DisableNotification || m.Params["link_preview_options"] != `{"is_disabled":true}` {
			t.Errorf("sent %q (silent %v, preview %s), want the formatter's digest, silent, without preview", m.Text, m.DisableNotification, m.Params["link_preview_options"])
		}
		held = append(held, n)
		rest.Deliveries = rest.Deliveries[n:]
	}
	if len(held) != 2 || held[0]+held[1] != 150 {
		t.Errorf("messages hold %v, want 150 in two", held)
	}
	if fake.RateLimited() != 0 {
		t.Errorf("%d 429s: the digest's messages were not paced", fake.RateLimited())
	}
}

// TestEditAndDelete edits a post, edits it again without a change, and
// deletes it, at the pace of the fake's flood limits, which count edits
// and deletions as sends.
func TestEditAndDelete(t *testing.T) {
	t.Parallel()
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7"}})
	defer fake.Close()
	bot := newBot(t, fake, token)
	d := herald.Delivery{ID: 1, Target: target("7"), Article: article("1"), Silent: true}
	id, err := bot.Send(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	d.MessageID = id
	d.Article.Headline = "Council approves revised harbour plan"
	d.Article.Topics = nil
	edit := herald.Edit{Kind: herald.EditPost, Delivery: d}
	if err := bot.Edit(context.Background(), edit); err != nil {
		t.Fatal(err)
	}
	edits := fake.Edits()
	if len(edits) != 1 || fmt.Sprint(edits[0].MessageID) != id {
		t.Fatalf("edits %+v", edits)
	}
	want := formatter.Telegram(d.Article).Params()
	for _, k := range []string{"text", "parse_mode", "link_preview_options"} {
		if edits[0].Params[k] != want[k] {
			t.Errorf("edit %s = %q, want the send's %q", k, edits[0].Params[k], want[k])
		}
	}
	for _, k := range []string{"reply_markup", "disable_notification"} {
		if v, ok := edits[0].Params[k]; ok {
			t.Errorf("edit sent %s = %q", k, v)
		}
	}

	// The same edit again changes nothing: Telegram says so, and that is
	// success.
	if err := bot.Edit(context.Background(), edit); err != nil {
		t.Errorf("an edit that changes nothing: %v", err)
	}
	if n := len(fake.Edits()); n != 1 {
		t.Errorf("%d edits", n)
	}

	if err := bot.Edit(context.Background(), herald.Edit{Kind: herald.DeletePost, Delivery: d}); err != nil {
		t.Fatal(err)
	}
	if del := fake.Deletions(); len(del) != 1 || fmt.Sprint(del[0].MessageID) != id || del[0].Chat != "7" {
		t.Errorf("deletions %+v", del)
	}
	if n := fake.RateLimited(); n != 0 {
		t.Errorf("%d 429s: edits and deletions were not paced as sends", n)
	}
}

func TestEditErrors(t *testing.T) {
	t.Parallel()
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7", "8"}, PerChatInterval: -1})
	defer fake.Close()
	bot := newBot(t, fake, token)
	id, err := bot.Send(context.Background(), herald.Delivery{ID: 1, Target: target("7"), Article: article("1")})
	if err != nil {
		t.Fatal(err)
	}
	sent := herald.Delivery{ID: 1, Target: target("7"), Article: article("1"), MessageID: id}
	edit := func(kind herald.EditKind, d herald.Delivery) error {
		return bot.Edit(context.Background(), herald.Edit{Kind: kind, Delivery: d})
	}
	var (
		perm *herald.PermanentError
		rl   *herald.RateLimitError
	)
	message := func(err error, reason string) bool {
		return errors.As(err, &perm) && strings.Contains(perm.Reason, reason) && !errors.Is(err, herald.ErrUnreachable)
	}

	unknown := sent
	unknown.MessageID = "999"
	if err := edit(herald.EditPost, unknown); !message(err, "message to edit not found") {
		t.Errorf("edit of an unknown message: %v, want permanent, the chat reachable", err)
	}
	if err := edit(herald.DeletePost, unknown); !message(err, "message to delete not found") {
		t.Errorf("deletion of an unknown message: %v, want permanent, the chat reachable", err)
	}
	fake.FailNextEdit(1, 400, "Bad Request: message can't be edited", 0)
	if err := edit(herald.EditPost, sent); !message(err, "message can't be edited") {
		t.Errorf("a message that cannot be edited: %v, want permanent, the chat reachable", err)
	}
	fake.Backdate("7", mustAtoi(t, id), 48*time.Hour)
	if err := edit(herald.DeletePost, sent); !message(err, "message can't be deleted") {
		t.Errorf("deletion of a message 48 hours old: %v, want permanent, the chat reachable", err)
	}

	fake.FailNextEdit(1, 429, "Too Many Requests: retry after 4", 4)
	if err := edit(herald.EditPost, sent); !errors.As(err, &rl) || rl.RetryAfter != 4*time.Second {
		t.Errorf("429 on an edit: %v, want a RateLimitError of 4s", err)
	}

	fake.Kick("8")
	kicked := sent
	kicked.Target = target("8")
	if err := edit(herald.DeletePost, kicked); !errors.As(err, &perm) || !errors.Is(err, herald.ErrUnreachable) {
		t.Errorf("deletion in a chat the bot left: %v, want permanent, unreachable", err)
	}

	inDigest := sent
	inDigest.Digest = true
	noID := sent
	noID.MessageID = ""
	for name, d := range map[string]herald.Delivery{"digest": inDigest, "no message ID": noID} {
		if err := edit(herald.EditPost, d); !errors.As(err, &perm) {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
	if err := edit("rewrite", sent); !errors.As(err, &perm) {
		t.Errorf("unknown kind: %v, want a permanent error", err)
	}
	if len(fake.Edits()) != 0 || len(fake.Deletions()) != 0 {
		t.Errorf("edits %+v deletions %+v, want none", fake.Edits(), fake.Deletions())
	}
	for _, r := range fake.Unexpected() {
		t.Errorf("unexpected request %s", r.Path)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPaidBroadcastMarksPostsOnly(t *testing.T) {
	t.Parallel()
	var chats []string
	for i := range 60 {
		chats = append(chats, fmt.Sprint(5000+i))
	}
	for _, paid := range []bool{false, true} {
		fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: chats})
		bot := telegram.New(context.Background(), telegram.Options{Token: token, APIURL: fake.URL(), PaidBroadcast: paid})
		for i, c := range chats {
			if _, err := bot.Send(context.Background(), herald.Delivery{ID: int64(i), Target: target(c), Article: article(c)}); err != nil {
				t.Fatalf("paid %v: send to %s: %v", paid, c, err)
			}
		}
		want := 0
		if paid {
			want = len(chats)
		}
		if n := fake.PaidBroadcasts(); n != want {
			t.Errorf("paid %v: %d paid broadcasts, want %d", paid, n, want)
		}
		if n := fake.RateLimited(); n != 0 {
			t.Errorf("paid %v: %d × 429 over a fan-out of %d", paid, n, len(chats))
		}
		for _, m := range fake.AllMessages() {
			if _, ok := m.Params["allow_paid_broadcast"]; ok != paid {
				t.Errorf("paid %v: a post carries allow_paid_broadcast = %v", paid, ok)
				break
			}
		}
		fake.Close()
	}
}

// TestTakeOverWaitsOutTheProcessBefore takes the bot's sends over from a
// process that used its limits until now: the next post to a chat waits
// one chat interval, though this bot never posted there.
func TestTakeOverWaitsOutTheProcessBefore(t *testing.T) {
	t.Parallel()
	fake := fakes.NewTelegram(fakes.TelegramOptions{Token: token, Chats: []string{"7"}})
	defer fake.Close()
	bot := newBot(t, fake, token)
	time.Sleep(1100 * time.Millisecond) // past the interval after New
	at := time.Now()
	bot.TakeOver(at)
	if _, err := bot.Send(context.Background(), herald.Delivery{ID: 1, Target: target("7"), Article: article("1")}); err != nil {
		t.Fatal(err)
	}
	msgs := fake.Messages("7")
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	if gap := msgs[0].Created.Sub(at); gap < time.Second {
		t.Errorf("posted %s after the take-over, want at least a chat interval (1s) after it", gap)
	}
}
