package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/fakes"
	"github.com/heraldhq/herald/internal/feedtest"
)

// TestRemovedChannelIsPausedThenResumed removes a configured channel: the
// first post there is refused, the channel is paused and gets nothing
// more, a restart says so, and `herald resume` lets it receive posts again.
func TestRemovedChannelIsPausedThenResumed(t *testing.T) {
	p := newPlatforms(t, fakes.DiscordOptions{}, fakes.TelegramOptions{})
	feed := feedtest.New("The Daily Example", oldItem(1))
	defer feed.Close()
	db := filepath.Join(t.TempDir(), "herald.db")
	env := p.env(db, feed.URL())
	d := startDaemon(t, env)
	waitFor(t, "the first poll", func() bool { return feed.Requests() >= 2 })
	p.discord.RemoveChannel(channel)
	feed.Add(wireItem(1))
	waitPaused(t, db, herald.Target{Platform: herald.Discord, Chat: channel})
	feed.Add(wireItem(2))
	waitFor(t, "both posts on Telegram", func() bool { return len(p.telegram.Messages(chat)) == 2 })
	d.stop(t)

	code, out, errOut := runCmd(t, "resume")
	if code != exitOK || !strings.Contains(out, "discord:"+channel+"  paused: discord HTTP 404, code 10003: Unknown Channel") {
		t.Fatalf("resume lists: exit %d\n%s%s", code, out, errOut)
	}
	creates := 0
	for _, r := range p.discord.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/channels/"+channel+"/messages") {
			creates++
		}
	}
	if creates != 1 {
		t.Errorf("%d posts tried in the removed channel, want 1: a paused channel gets nothing more", creates)
	}

	d = startDaemon(t, env)
	waitFor(t, "the warning at start", func() bool {
		return strings.Contains(d.stderr.String(), "herald resume discord:"+channel)
	})
	d.stop(t)

	p.discord.AddChannel(channel)
	if code, out, errOut := runCmd(t, "resume", "discord:"+channel); code != exitOK || !strings.Contains(out, "resumed") {
		t.Fatalf("resume: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, "resume", "discord:"+channel); code != exitFailure || !strings.Contains(errOut, "is not paused") {
		t.Errorf("second resume: exit %d %s", code, errOut)
	}
	if code, _, _ := runCmd(t, "resume", "nonsense"); code != exitUsage {
		t.Errorf("resume of a bad target: exit %d", code)
	}
	startDaemon(t, env)
	waitFor(t, "the first poll after resuming", func() bool { return feed.Requests() >= 8 })
	feed.Add(wireItem(3))
	waitFor(t, "the post in the resumed channel", func() bool { return len(p.discord.Messages(channel)) == 1 })
}
