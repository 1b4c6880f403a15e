package telegram

import (
	"context"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/formatter"
)

// SendDigest posts one message to the digest's chat holding as many of its
// deliveries, from the front, as fit (see formatter.TelegramDigest),
// paced as Send is, and returns how many it holds and the message's ID. n
// is also set when err is not nil: it is how many the refused or failed
// message held.
func (b *Bot) SendDigest(ctx context.Context, dg herald.Digest) (n int, messageID string, err error) {
	m, n := formatter.TelegramDigest(dg)
	if n == 0 {
		return 0, "", &herald.PermanentError{Reason: "telegram: a digest without deliveries"}
	}
	id, err := b.sendMessage(ctx, dg.Target.Chat, m)
	return n, id, err
}
