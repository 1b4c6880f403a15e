package discord

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/formatter"
)

// SendDigest posts one message to the digest's target holding as many of
// its deliveries, from the front, as fit (see formatter.DiscordDigest),
// and returns how many it holds and the message's ID. n is also set when
// err is not nil: it is how many the refused or failed message held.
//
// The message carries DigestNonce of the deliveries it holds, so a resend
// of the same digest after a crash returns the message already posted.
func (b *Bot) SendDigest(ctx context.Context, dg herald.Digest) (n int, messageID string, err error) {
	m, n := formatter.DiscordDigest(dg)
	if n == 0 {
		return 0, "", &herald.PermanentError{Reason: "discord: a digest without deliveries"}
	}
	id, err := b.post(ctx, dg.Target.Chat, m, DigestNonce(dg.Deliveries[:n]))
	return n, id, err
}

// DigestNonce derives the nonce of a digest message from the IDs of the
// deliveries it holds, in order: 25 characters, "d" and 24 hex digits of
// their SHA-256. The same deliveries always give the same nonce, and a
// post's nonce (see Nonce) never starts with "d".
func DigestNonce(ds []herald.Delivery) string {
	h := sha256.New()
	for _, d := range ds {
		h.Write(strconv.AppendInt(nil, d.ID, 10))
		h.Write([]byte{','})
	}
	return "d" + hex.EncodeToString(h.Sum(nil))[:24]
}
