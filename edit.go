package herald

import "time"

// EditKind says what a correction does to a sent post.
type EditKind string

// The kinds of correction.
const (
	// EditPost rewrites the post with the article as it reads now.
	EditPost EditKind = "edit"
	// DeletePost removes the post of a retracted article.
	DeletePost EditKind = "delete"
)

// Edit is one correction of one sent post: a row of the outbox's edit
// queue. It is made when a delivered article changes (see Revision), or
// is retracted, and is sent through the same lane and pacing as posts.
type Edit struct {
	ID int64
	// Revision is the ID of the Revision the edit carries out; 0 for a
	// deletion.
	Revision int64
	Kind     EditKind
	// Delivery is the sent delivery whose post is edited: its Target and
	// MessageID say which post, its Article reads as it does now.
	Delivery Delivery
	// State is Pending until the platform accepted the edit (Sent) or
	// refused it for good (Failed).
	State    DeliveryState
	Attempts int
	// NextAttempt is the earliest time the edit may be tried again.
	NextAttempt time.Time
	// Created is when the change was found.
	Created time.Time
	// Done is when the platform accepted the edit; zero until then.
	Done      time.Time
	LastError string
}

// Revision is one change of an article's content after it was recorded:
// the newsroom corrected its headline, lead, dateline or image.
type Revision struct {
	ID int64
	// At is when the change was found.
	At time.Time
	// Before and After hold the article's headline, dateline, lead and
	// image before and after the change.
	Before, After Article
	// Edits are the corrections of the article's sent posts the change
	// made, by target.
	Edits []Edit
}

// Digest is a batch of one target's deliveries posted together as one
// message at a scheduled time.
type Digest struct {
	Target Target
	// At is the scheduled time the digest is for.
	At time.Time
	// Deliveries are the digest's articles in queue order.
	Deliveries []Delivery
	// Silent posts without a notification; MentionRole, on Discord, is
	// the ID of a role the post mentions.
	Silent      bool
	MentionRole string
}

// Clock tells the time and waits. Tests pass a fake one to move time.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the Clock of the machine.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
