package schedule

import (
	"hash/fnv"
	"slices"
	"time"
)

// Limits of the fetch schedule.
const (
	// RateItems is how many of a feed's newest items its publishing rate
	// is read from.
	RateItems = 10
	// MaxFloor caps how long a server may ask not to be fetched again.
	MaxFloor = 24 * time.Hour
)

// PollPolicy bounds how often a feed is fetched.
type PollPolicy struct {
	// Min is the shortest time between two fetches of a feed, for the
	// busiest feeds.
	Min time.Duration
	// Max is the longest time between two fetches of a feed, unless its
	// server asks for longer; it bounds how late a quiet feed's news is.
	Max time.Duration
}

// FeedHistory is what is known of a feed when its next fetch is decided.
type FeedHistory struct {
	// URL names the feed; it sets the feed's stable jitter.
	URL string
	// Published are the publish times of the feed's items as last read, in
	// any order; zero times are left out.
	Published []time.Time
	// Floor is how long the feed's server asked not to be fetched again
	// (Cache-Control max-age, Expires, the RSS ttl, Retry-After), capped
	// at MaxFloor.
	Floor time.Duration
}

// NextFetch returns when to fetch a feed next, having fetched it at now.
//
// The interval is half the feed's typical gap between items (see
// Interval), within [p.Min, p.Max]. An interval under p.Max is shortened by
// a stable offset of up to a tenth derived from the URL, never below p.Min,
// so that feeds of like rates drift apart. A feed at p.Max (a quiet one)
// is fetched on its own grid of p.Max-long steps, offset from the Unix
// epoch by a stable phase derived from the URL: such feeds are spread
// evenly over p.Max wherever the process started, never fetched together
// at each step, and each is fetched once per p.Max: the step that joins
// the grid lies between p.Max and twice p.Max, or, for a fetch that lies
// within a twentieth of p.Max after its grid time (a timer that woke
// late), ends at the next grid time. Whatever the interval, the next fetch is
// never sooner than f.Floor after now.
func NextFetch(now time.Time, f FeedHistory, p PollPolicy) time.Time {
	p = p.normal()
	d := p.Interval(now, f.Published)
	var next time.Time
	if d >= p.Max {
		next = onGrid(now, d, jitter(f.URL, d))
	} else {
		next = now.Add(max(p.Min, d-jitter(f.URL, d/10)))
	}
	floor := min(max(f.Floor, 0), MaxFloor)
	if next.Before(now.Add(floor)) {
		next = now.Add(floor)
	}
	return next
}

// Interval is how long to wait between fetches of a feed whose items were
// published at the given times, seen at now: half the median gap between
// its newest RateItems+1 distinct publish times, or half the time since
// its newest item when that is longer (the feed has slowed down), within
// [p.Min, p.Max]. Times after now count as now. A feed with fewer than two
// distinct publish times has no known rate and is fetched every p.Max.
func (p PollPolicy) Interval(now time.Time, published []time.Time) time.Duration {
	p = p.normal()
	times := make([]time.Time, 0, len(published))
	for _, t := range published {
		if !t.IsZero() {
			times = append(times, minTime(t, now))
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return b.Compare(a) })
	times = slices.CompactFunc(times, time.Time.Equal)
	if len(times) < 2 {
		return p.Max
	}
	times = times[:min(len(times), RateItems+1)]
	gaps := make([]time.Duration, len(times)-1)
	for i := range gaps {
		gaps[i] = times[i].Sub(times[i+1])
	}
	slices.Sort(gaps)
	gap := gaps[len(gaps)/2]
	if len(gaps)%2 == 0 {
		gap = gaps[len(gaps)/2-1]/2 + gap/2
	}
	gap = max(gap, now.Sub(times[0]))
	return min(max(gap/2, p.Min), p.Max)
}

// normal returns the policy with Max at least Min and Min at least a
// millisecond.
func (p PollPolicy) normal() PollPolicy {
	p.Min = max(p.Min, time.Millisecond)
	p.Max = max(p.Max, p.Min)
	return p
}

// onGrid returns the next time of the grid of step-long steps offset by
// phase from the Unix epoch, at least a step after now: the step after the
// last grid time when now lies within a twentieth of a step after it (the
// fetch woke a little late for its step and keeps to the grid), else the
// one after that.
func onGrid(now time.Time, step, phase time.Duration) time.Time {
	origin := time.Unix(0, 0).Add(phase)
	since := now.Sub(origin)
	k := since / step
	if since < 0 && since%step != 0 {
		k--
	}
	last := origin.Add(k * step)
	if now.Sub(last) < step/20 {
		return last.Add(step)
	}
	return last.Add(2 * step)
}

// jitter returns a stable duration in [0, most) derived from key.
func jitter(key string, most time.Duration) time.Duration {
	if most <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return time.Duration(h.Sum64() % uint64(most))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
