package fakes

import (
	"math"
	"time"
)

// slidingWindow allows limit events in any span of window.
type slidingWindow struct {
	limit  int
	window time.Duration
	times  []time.Time
}

// wait reports how long until one more event fits, 0 when it fits now. A
// limit below 1 means no limit.
func (w *slidingWindow) wait(now time.Time) time.Duration {
	if w.limit < 1 {
		return 0
	}
	w.prune(now)
	if len(w.times) < w.limit {
		return 0
	}
	return w.times[len(w.times)-w.limit].Add(w.window).Sub(now)
}

// add counts an event at now.
func (w *slidingWindow) add(now time.Time) {
	if w.limit < 1 {
		return
	}
	w.times = append(w.times, now)
}

func (w *slidingWindow) prune(now time.Time) {
	cut := 0
	for cut < len(w.times) && now.Sub(w.times[cut]) >= w.window {
		cut++
	}
	if cut > 0 {
		w.times = append(w.times[:0], w.times[cut:]...)
	}
}

// fixedWindow is a Discord style bucket: limit events from the first one,
// then a full reset when window has passed since it.
type fixedWindow struct {
	start time.Time
	count int
}

// take counts an event at now if it fits. It returns whether it did, what
// remains of the window's allowance and how long until the window resets.
func (w *fixedWindow) take(now time.Time, limit int, window time.Duration) (ok bool, remaining int, reset time.Duration) {
	if w.start.IsZero() || now.Sub(w.start) >= window {
		w.start = now
		w.count = 0
	}
	reset = w.start.Add(window).Sub(now)
	if w.count >= limit {
		return false, 0, reset
	}
	w.count++
	return true, limit - w.count, reset
}

// spacing lets events through at one per interval on average, with bursts
// of up to burst events (the generic cell rate algorithm).
type spacing struct {
	tat time.Time // theoretical arrival time of the next event
}

// wait reports how long until one more event fits, 0 when it fits now.
func (s *spacing) wait(now time.Time, interval time.Duration, burst int) time.Duration {
	if interval <= 0 {
		return 0
	}
	allowAt := s.tat.Add(-time.Duration(max(burst, 1)-1) * interval)
	if now.Before(allowAt) {
		return allowAt.Sub(now)
	}
	return 0
}

// add counts an event at now.
func (s *spacing) add(now time.Time, interval time.Duration) {
	if s.tat.Before(now) {
		s.tat = now
	}
	s.tat = s.tat.Add(interval)
}

// ceilSeconds rounds d up to whole seconds, at least 1: Telegram's
// retry_after.
func ceilSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// ceilMillis rounds d up to whole milliseconds, at least one, and returns
// it in seconds: Discord's float retry_after. discordgo truncates the value
// to milliseconds, so rounding up keeps its retry from coming too early.
func ceilMillis(d time.Duration) float64 {
	ms := math.Ceil(float64(d) / float64(time.Millisecond))
	return max(1, ms) / 1000
}
