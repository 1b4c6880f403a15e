package feed

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

const ttlRSS = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example News</title><link>https://news.example/</link><ttl> 30 </ttl>
<item><title>First story</title><link>https://news.example/1</link><guid>n-1</guid></item>
</channel></rss>`

func TestFetchFreshness(t *testing.T) {
	const date = "Mon, 08 Apr 2024 10:00:00 GMT"
	tests := []struct {
		name    string
		headers map[string]string
		body    string
		status  int
		want    Freshness
		floor   time.Duration
	}{
		{name: "nothing said", body: sampleRSS},
		{name: "max-age", headers: map[string]string{"Cache-Control": "public, max-age=600"}, body: sampleRSS,
			want: Freshness{MaxAge: 10 * time.Minute}, floor: 10 * time.Minute},
		{name: "max-age less its age", headers: map[string]string{"Cache-Control": "max-age=600", "Age": "100"}, body: sampleRSS,
			want: Freshness{MaxAge: 500 * time.Second}, floor: 500 * time.Second},
		{name: "max-age overrides expires", headers: map[string]string{"Cache-Control": "max-age=60", "Date": date, "Expires": "Mon, 08 Apr 2024 11:00:00 GMT"},
			body: sampleRSS, want: Freshness{MaxAge: time.Minute}, floor: time.Minute},
		{name: "expires relative to date", headers: map[string]string{"Date": date, "Expires": "Mon, 08 Apr 2024 10:15:00 GMT"},
			body: sampleRSS, want: Freshness{Expires: 15 * time.Minute}, floor: 15 * time.Minute},
		{name: "expires already past", headers: map[string]string{"Date": date, "Expires": "Mon, 08 Apr 2024 09:00:00 GMT"},
			body: sampleRSS},
		{name: "expires unreadable", headers: map[string]string{"Date": date, "Expires": "0"}, body: sampleRSS},
		{name: "no-cache sets no floor", headers: map[string]string{"Cache-Control": "no-cache, max-age=600"}, body: sampleRSS,
			want: Freshness{MaxAge: 10 * time.Minute, NoCache: true}},
		{name: "no-store sets no floor", headers: map[string]string{"Cache-Control": "no-store", "Date": date, "Expires": "Mon, 08 Apr 2024 10:15:00 GMT"},
			body: sampleRSS, want: Freshness{Expires: 15 * time.Minute, NoCache: true}},
		{name: "rss ttl", body: ttlRSS, want: Freshness{TTL: 30 * time.Minute}, floor: 30 * time.Minute},
		{name: "ttl beats a shorter max-age", headers: map[string]string{"Cache-Control": "max-age=60"}, body: ttlRSS,
			want: Freshness{MaxAge: time.Minute, TTL: 30 * time.Minute}, floor: 30 * time.Minute},
		{name: "ttl stands with no-cache", headers: map[string]string{"Cache-Control": "no-cache"}, body: ttlRSS,
			want: Freshness{NoCache: true, TTL: 30 * time.Minute}, floor: 30 * time.Minute},
		{name: "304 keeps the headers", headers: map[string]string{"Cache-Control": "max-age=120"}, status: http.StatusNotModified,
			want: Freshness{MaxAge: 2 * time.Minute}, floor: 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.headers {
					w.Header().Set(k, v)
				}
				if tt.status != 0 {
					w.WriteHeader(tt.status)
					return
				}
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			res, err := NewFetcher("herald-test", time.Second, 0).Fetch(context.Background(), srv.URL, herald.FeedState{ETag: `"v"`})
			if err != nil {
				t.Fatal(err)
			}
			if res.Freshness != tt.want {
				t.Errorf("freshness = %+v, want %+v", res.Freshness, tt.want)
			}
			if got := res.Freshness.Floor(); got != tt.floor {
				t.Errorf("floor = %v, want %v", got, tt.floor)
			}
		})
	}
}

func TestFreshnessFloor(t *testing.T) {
	tests := []struct {
		f    Freshness
		want time.Duration
	}{
		{Freshness{}, 0},
		{Freshness{RetryAfter: 5 * time.Minute, MaxAge: time.Minute}, 5 * time.Minute},
		{Freshness{MaxAge: time.Minute, Expires: 2 * time.Minute}, 2 * time.Minute},
		{Freshness{NoCache: true, MaxAge: time.Hour, RetryAfter: time.Second}, time.Second},
	}
	for _, tt := range tests {
		if got := tt.f.Floor(); got != tt.want {
			t.Errorf("%+v.Floor() = %v, want %v", tt.f, got, tt.want)
		}
	}
}

func TestRSSTTL(t *testing.T) {
	tests := []struct {
		doc  string
		want time.Duration
	}{
		{ttlRSS, 30 * time.Minute},
		{sampleRSS, 0},
		{`<rss><channel><ttl>abc</ttl></channel></rss>`, 0},
		{`<rss><channel><ttl>-5</ttl></channel></rss>`, 0},
		{`<rss><channel><ttl>60`, 0},
		// A ttl inside an item is not the channel's.
		{`<rss><channel><item><ttl>60</ttl></item></channel></rss>`, 0},
	}
	for _, tt := range tests {
		if got := rssTTL([]byte(tt.doc)); got != tt.want {
			t.Errorf("rssTTL(%q) = %v, want %v", tt.doc, got, tt.want)
		}
	}
}
