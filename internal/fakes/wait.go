package fakes

import (
	"context"
	"fmt"
	"time"
)

// pollInterval is how often the Wait methods look again.
const pollInterval = 5 * time.Millisecond

// waitUntil calls get until it returns at least n items or ctx ends.
func waitUntil[T any](ctx context.Context, n int, get func() []T) ([]T, error) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		got := get()
		if len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, fmt.Errorf("have %d of %d: %w", len(got), n, ctx.Err())
		case <-t.C:
		}
	}
}

// WaitMessages waits until a channel has at least n created messages and
// returns them all. When ctx ends first it returns those there are and an
// error wrapping ctx.Err().
func (d *Discord) WaitMessages(ctx context.Context, channelID string, n int) ([]DiscordMessage, error) {
	msgs, err := waitUntil(ctx, n, func() []DiscordMessage { return d.Messages(channelID) })
	if err != nil {
		return msgs, fmt.Errorf("discord channel %s: %w", channelID, err)
	}
	return msgs, nil
}

// WaitMessages waits until a chat has at least n accepted messages and
// returns them all. When ctx ends first it returns those there are and an
// error wrapping ctx.Err().
func (t *Telegram) WaitMessages(ctx context.Context, chat string, n int) ([]TelegramMessage, error) {
	msgs, err := waitUntil(ctx, n, func() []TelegramMessage { return t.Messages(chat) })
	if err != nil {
		return msgs, fmt.Errorf("telegram chat %s: %w", chat, err)
	}
	return msgs, nil
}

// WaitReplies waits until an interaction has at least n replies (its
// callback, edits of its original response, follow-ups and their edits;
// see Replies) and returns them all, in order. When ctx ends first it
// returns those there are and an error wrapping ctx.Err().
func (d *Discord) WaitReplies(ctx context.Context, interactionID string, n int) ([]DiscordReply, error) {
	replies, err := waitUntil(ctx, n, func() []DiscordReply {
		var out []DiscordReply
		for _, r := range d.Replies() {
			if r.InteractionID == interactionID {
				out = append(out, r)
			}
		}
		return out
	})
	if err != nil {
		return replies, fmt.Errorf("discord interaction %s: %w", interactionID, err)
	}
	return replies, nil
}

// WaitCallbackAnswers waits until at least n callback queries have been
// answered and returns every answer, in order. When ctx ends first it
// returns those there are and an error wrapping ctx.Err().
func (t *Telegram) WaitCallbackAnswers(ctx context.Context, n int) ([]TelegramCallbackAnswer, error) {
	answers, err := waitUntil(ctx, n, t.CallbackAnswers)
	if err != nil {
		return answers, fmt.Errorf("telegram callback answers: %w", err)
	}
	return answers, nil
}
