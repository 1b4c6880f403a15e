package poll

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/heraldhq/herald/feed"
)

// Limits of the wait after a failed poll.
const (
	// MaxBackoff is the longest a failing feed waits between two tries,
	// unless its own period or the server's Retry-After is longer.
	MaxBackoff = time.Hour
	// MaxRetryAfter caps the Retry-After a server may ask for.
	MaxRetryAfter = 24 * time.Hour
)

// Backoff is how long a feed polled every period waits after failures
// consecutive failed polls (at least one): the period doubled per failure
// (twice the period after the first) up to MaxBackoff, or up to the period
// itself when that is longer, then shortened at random by up to a fifth, so
// that feeds failing together do not retry together. A server's
// Retry-After, capped at MaxRetryAfter, is waited out whole when it is
// longer. A success resets the count: the feed is polled every period again.
func Backoff(period time.Duration, failures int, retryAfter time.Duration) time.Duration {
	return backoff(period, failures, retryAfter, rand.Float64())
}

// backoff is Backoff with the random spread given: a fraction in [0, 1) of
// the fifth taken off.
func backoff(period time.Duration, failures int, retryAfter time.Duration, spread float64) time.Duration {
	ceiling := max(MaxBackoff, period)
	d := period
	for i := 0; i < failures && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	d -= time.Duration(float64(d/5) * spread)
	return max(d, min(retryAfter, MaxRetryAfter))
}

// retryAfter is the Retry-After of the HTTP answer that made a poll fail,
// or zero.
func retryAfter(err error) time.Duration {
	if se, ok := statusOf(err); ok {
		return se.RetryAfter
	}
	return 0
}

// statusOf returns the HTTP answer that made a poll fail, if one did.
func statusOf(err error) (*feed.StatusError, bool) {
	var se *feed.StatusError
	ok := errors.As(err, &se)
	return se, ok
}

// panicError is a poll that panicked.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("poll panicked: %v", e.value) }
