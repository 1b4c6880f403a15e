// Package herald carries a news site's new articles to Discord and Telegram.
//
// The root package holds the vocabulary every other package speaks: an
// Article as extracted from a feed, the Target it goes to, the Delivery that
// joins the two in the outbox, and the Store that keeps all of them. The
// packages below it each handle one concern: feed fetches and parses feeds,
// extract turns items and pages into articles, formatter renders posts,
// store/sqlite persists, dispatch drives the outbox, and bots/discord and
// bots/telegram speak to the platforms.
package herald

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Dateline is the opening of a news story that says where and when it was
// filed, split from the lead: "LONDON, April 8 (Reuters) -".
type Dateline struct {
	// Text is the dateline as printed, without the separator that follows
	// it: "LONDON, April 8 (Reuters)".
	Text string `json:"text"`
	// Place is where the story was filed: "LONDON", "Beijing".
	Place string `json:"place"`
	// Date is an ISO 8601 date ("2024-04-08"), or empty when the dateline
	// names none. A dateline without a year takes it from the publish date.
	Date string `json:"date"`
	// Agency is the news agency named in the dateline: "Reuters", "AP".
	Agency string `json:"agency"`
}

// IsZero reports whether the article had no dateline.
func (d Dateline) IsZero() bool { return d.Text == "" }

// Article is one news story as Herald understands it.
type Article struct {
	// Key identifies the article across fetches and restarts: the item's
	// GUID, or its canonical link when the feed has no stable GUID.
	Key string `json:"-"`
	// URL is the canonical link to the article, tracking parameters removed.
	URL      string   `json:"url"`
	Headline string   `json:"headline"`
	Dateline Dateline `json:"dateline"`
	// Lead is the first real paragraph of the story, without the dateline.
	Lead string `json:"lead"`
	// Body is the story's plain text as far as the feed or page gives it,
	// capped at MaxBody characters. It is searched, never posted.
	Body string `json:"-"`
	// Topics are the article's normalised categories and sections.
	Topics []string `json:"topics"`
	// Image is the URL of the article's main image, or empty.
	Image string `json:"image"`
	// Published is when the article was published. It orders posts.
	Published time.Time `json:"published"`
	// Source names the site or feed the article came from.
	Source string `json:"source"`
	// Feed is the URL of the feed the article was found in.
	Feed string `json:"-"`
	// ItemHash is the ContentHash of the article as its feed item gave
	// it, before it was completed from its page. A later fetch whose item
	// hashes differently is a change to look at for a correction; the
	// store keeps it. Empty means the article's own ContentHash.
	ItemHash string `json:"-"`
}

// MaxBody is the most characters of an article's body Herald keeps.
const MaxBody = 20000

// ContentHash is a digest of what a reader sees of the article: its
// headline, dateline, lead and image. A changed hash means a correction.
func (a Article) ContentHash() string {
	h := sha256.New()
	for _, s := range []string{a.Headline, a.Dateline.Text, a.Lead, a.Image} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Platform names a place posts go to.
type Platform string

// The platforms Herald posts to. Console prints posts to standard output; it
// is used when no platform is configured, so a first run shows what the bot
// would post.
const (
	Discord  Platform = "discord"
	Telegram Platform = "telegram"
	Console  Platform = "console"
)

// Target is one place posts go to: a Discord channel, a Telegram chat or
// channel, or the console.
type Target struct {
	Platform Platform
	// Chat is the platform's identifier: a Discord channel ID, a Telegram
	// numeric chat ID or @channel name, or "stdout" for the console.
	Chat string
}

// String returns the target as "platform:chat", the form ParseTarget reads.
func (t Target) String() string { return string(t.Platform) + ":" + t.Chat }

// ParseTarget reads a target written as "platform:chat".
func ParseTarget(s string) (Target, error) {
	p, chat, ok := strings.Cut(s, ":")
	if !ok || chat == "" {
		return Target{}, fmt.Errorf("target %q: want platform:chat", s)
	}
	switch Platform(p) {
	case Discord, Telegram, Console:
		return Target{Platform: Platform(p), Chat: chat}, nil
	}
	return Target{}, fmt.Errorf("target %q: unknown platform %q", s, p)
}

// DeliveryState is where a delivery stands.
type DeliveryState string

// The states of a delivery.
const (
	// Pending deliveries wait in the outbox to be sent or retried.
	Pending DeliveryState = "pending"
	// Sent deliveries reached the platform.
	Sent DeliveryState = "sent"
	// Failed deliveries were refused for good; LastError says why.
	Failed DeliveryState = "failed"
)

// Delivery is one article to one target: a row of the outbox.
type Delivery struct {
	ID      int64
	Target  Target
	Article Article
	State   DeliveryState
	// Attempts counts the sends that failed with a transient error.
	Attempts int
	// NextAttempt is the earliest time the delivery may be sent again.
	NextAttempt time.Time
	// Created is when the delivery entered the outbox.
	Created time.Time
	// Sent is when the platform accepted the post; zero until then.
	Sent time.Time
	// MessageID is the platform's reference to the sent post, for edits.
	MessageID string
	// LastError is the reason of the last failure.
	LastError string
	// Digest is true when the delivery was sent as part of a Digest.
	Digest bool

	// Silent and MentionRole say how the post is made; the dispatcher
	// sets them from the target's route, the store does not keep them.
	// Silent posts without a notification (Telegram
	// disable_notification, Discord's suppress-notifications flag).
	Silent bool
	// MentionRole is the ID of a Discord role the post mentions, and the
	// only one it may mention.
	MentionRole string
}

// ErrNotFound is returned by a store when the thing asked for does not exist.
var ErrNotFound = errors.New("not found")

// PermanentError is a send failure that retrying cannot fix: the channel is
// unknown, the bot was removed, the message was refused. Reason is the
// platform's own words.
type PermanentError struct {
	Reason string
	Err    error
}

func (e *PermanentError) Error() string { return "permanent failure: " + e.Reason }

func (e *PermanentError) Unwrap() error { return e.Err }

// MovedError is a send failure that says the chat moved: a Telegram group
// upgraded to a supergroup has a new ID. The delivery is sent again there.
type MovedError struct {
	To  Target
	Err error
}

func (e *MovedError) Error() string { return "chat moved to " + e.To.String() }

func (e *MovedError) Unwrap() error { return e.Err }

// RateLimitError says the platform refused a request for now and asked the
// caller to wait RetryAfter before trying again.
type RateLimitError struct {
	RetryAfter time.Duration
	Err        error
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("rate limited: retry after %s", e.RetryAfter)
}

func (e *RateLimitError) Unwrap() error { return e.Err }
