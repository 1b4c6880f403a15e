package poll

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const m = time.Minute
	tests := []struct {
		name       string
		period     time.Duration
		failures   int
		retryAfter time.Duration
		spread     float64
		want       time.Duration
	}{
		{"first failure doubles the period", m, 1, 0, 0, 2 * m},
		{"second doubles again", m, 2, 0, 0, 4 * m},
		{"fifth", m, 5, 0, 0, 32 * m},
		{"capped at an hour", m, 6, 0, 0, time.Hour},
		{"many failures stay capped", m, 500, 0, 0, time.Hour},
		{"jitter takes off up to a fifth", m, 1, 0, 0.5, 2*m - 12*time.Second},
		{"jitter at the cap", m, 9, 0, 0.999999, 48*m + 3*time.Millisecond},
		{"a period over the cap is kept", 2 * time.Hour, 3, 0, 0, 2 * time.Hour},
		{"a longer Retry-After wins", m, 1, 3 * time.Hour, 0.5, 3 * time.Hour},
		{"a shorter Retry-After loses", m, 3, 30 * time.Second, 0, 8 * m},
		{"Retry-After is capped", m, 1, 30 * 24 * time.Hour, 0, MaxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := backoff(tt.period, tt.failures, tt.retryAfter, tt.spread)
			if got.Round(10*time.Millisecond) != tt.want.Round(10*time.Millisecond) {
				t.Errorf("backoff(%s, %d, %s, %v) = %s, want %s", tt.period, tt.failures, tt.retryAfter, tt.spread, got, tt.want)
			}
		})
	}
}

func TestBackoffJitterStaysInRange(t *testing.T) {
	distinct := map[time.Duration]bool{}
	for range 200 {
		d := Backoff(time.Minute, 3, 0)
		if d > 8*time.Minute || d <= 8*time.Minute*4/5 {
			t.Fatalf("Backoff = %s, want within (6m24s, 8m]", d)
		}
		distinct[d] = true
	}
	if len(distinct) < 100 {
		t.Errorf("only %d distinct waits in 200: no jitter", len(distinct))
	}
}

func TestHostKey(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://News.Example/feed.xml", "news.example"},
		{"https://news.example:443/a", "news.example"},
		{"http://news.example:80/a", "news.example"},
		{"http://news.example:8080/a", "news.example:8080"},
		{"https://news.example:80/a", "news.example:80"},
		{"http://127.0.0.1:4321/feed.xml", "127.0.0.1:4321"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := hostKey(tt.url); got != tt.want {
			t.Errorf("hostKey(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}
