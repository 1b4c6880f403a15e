package bots

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter gives each user a token bucket of commands.
type limiter struct {
	every rate.Limit
	burst int
	now   func() time.Time

	mu    sync.Mutex
	users map[string]*rate.Limiter
	swept time.Time
}

func newLimiter(perSecond float64, burst int, now func() time.Time) *limiter {
	return &limiter{every: rate.Limit(perSecond), burst: burst, now: now, users: make(map[string]*rate.Limiter)}
}

// sweepEvery is how often users whose bucket is full again are forgotten,
// so that the map holds only the recently active.
const sweepEvery = 10 * time.Minute

// allow reports whether the user may give a command now, and takes it
// from their bucket.
func (l *limiter) allow(user string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > sweepEvery {
		for u, lim := range l.users {
			if lim.TokensAt(now) >= float64(l.burst) {
				delete(l.users, u)
			}
		}
		l.swept = now
	}
	lim := l.users[user]
	if lim == nil {
		lim = rate.NewLimiter(l.every, l.burst)
		l.users[user] = lim
	}
	return lim.AllowN(now, 1)
}
