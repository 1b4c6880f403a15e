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
