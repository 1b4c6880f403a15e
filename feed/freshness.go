package feed

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Freshness is what a feed's server says about how soon fetching the feed
// again can bring something new: its HTTP caching headers and, in an RSS
// feed, the channel's <ttl>. The zero Freshness sets no floor.
type Freshness struct {
	// MaxAge is how long the response stays fresh by its Cache-Control
	// max-age, less its Age; zero when absent.
	MaxAge time.Duration
	// NoCache is true when Cache-Control says no-cache or no-store: the
	// server wants to be asked every time, so MaxAge and Expires set no
	// floor.
	NoCache bool
	// Expires is how long after the response's Date (or, without a Date,
	// after it came) its Expires header lies; zero when absent, already
	// past or overridden by a max-age.
	Expires time.Duration
	// TTL is the RSS channel's <ttl>, the publisher's own word on how
	// long the feed may be cached; zero when absent. A 304 carries none.
	TTL time.Duration
	// RetryAfter is the response's Retry-After; zero when absent.
	RetryAfter time.Duration
}

// Floor is how long the server asks not to be fetched again: the longest of
// the HTTP freshness (max-age, else Expires, neither with no-cache or
// no-store), the RSS ttl and the Retry-After.
func (f Freshness) Floor() time.Duration {
	var cache time.Duration
	if !f.NoCache {
		cache = max(f.MaxAge, f.Expires)
	}
	return max(cache, f.TTL, f.RetryAfter, 0)
}

// freshness reads the caching headers h of a response that came at
// received.
func freshness(h http.Header, received time.Time) Freshness {
	var f Freshness
	maxAge := false
	for _, v := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(v, ",") {
			name, value, _ := strings.Cut(strings.TrimSpace(dir), "=")
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "no-cache", "no-store":
				f.NoCache = true
			case "max-age":
				secs, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(value), `"`), 10, 64)
				if err == nil && secs >= 0 {
					maxAge = true
					f.MaxAge = seconds(secs)
				}
			}
		}
	}
	if maxAge {
		if age, err := strconv.ParseInt(strings.TrimSpace(h.Get("Age")), 10, 64); err == nil && age > 0 {
			f.MaxAge = max(0, f.MaxAge-seconds(age))
		}
	} else if v := h.Get("Expires"); v != "" {
		if exp, err := http.ParseTime(v); err == nil {
			base := received
			if date, err := http.ParseTime(h.Get("Date")); err == nil {
				base = date
			}
			f.Expires = max(0, exp.Sub(base))
		}
	}
	f.RetryAfter = retryAfter(h.Get("Retry-After"))
	return f
}

// seconds converts a count of seconds to a duration, saturating instead
// of overflowing.
func seconds(n int64) time.Duration {
	const most = int64(1<<63-1) / int64(time.Second)
	return time.Duration(min(n, most)) * time.Second
}

// rssTTL reads the <ttl> of an RSS channel, in minutes, from the part of
// the document before its first item: cheaper than a second parse, and
// the universal parser does not keep it. Zero when there is none.
func rssTTL(doc []byte) time.Duration {
	head := doc
	if i := bytes.Index(head, []byte("<item")); i >= 0 {
		head = head[:i]
	}
	start := bytes.Index(head, []byte("<ttl>"))
	if start < 0 {
		return 0
	}
	rest := head[start+len("<ttl>"):]
	end := bytes.Index(rest, []byte("</ttl>"))
	if end < 0 {
		return 0
	}
	mins, err := strconv.ParseInt(string(bytes.TrimSpace(rest[:end])), 10, 64)
	if err != nil || mins <= 0 {
		return 0
	}
	return seconds(min(mins, 1<<40) * 60)
}
