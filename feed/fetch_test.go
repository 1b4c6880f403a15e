package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

const sampleRSS = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>Example News</title><link>https://news.example/</link>
<item><title>First story</title><link>https://news.example/1</link><guid>n-1</guid></item>
</channel></rss>`

func TestFetchConditionalGET(t *testing.T) {
	var gotINM, gotIMS string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotINM, gotIMS = r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		if gotINM == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 08 Apr 2024 10:00:00 GMT")
		w.Write([]byte(sampleRSS))
	}))
	defer srv.Close()
	f := NewFetcher("herald-test", time.Second, 0)

	res, err := f.Fetch(context.Background(), srv.URL, herald.FeedState{})
	if err != nil {
		t.Fatal(err)
	}
	if res.NotModified || res.Feed == nil || len(res.Feed.Items) != 1 {
		t.Fatalf("first fetch: %+v", res)
	}
	if res.ETag != `"v1"` || res.LastModified == "" {
		t.Fatalf("validators not kept: %+v", res)
	}

	res2, err := f.Fetch(context.Background(), srv.URL, herald.FeedState{ETag: res.ETag, LastModified: res.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !res2.NotModified || res2.Feed != nil {
		t.Fatalf("second fetch should be 304: %+v", res2)
	}
	if gotINM != `"v1"` || gotIMS != res.LastModified {
		t.Fatalf("validators not sent: %q %q", gotINM, gotIMS)
	}
	if res2.ETag != `"v1"` {
		t.Fatalf("validators lost on 304: %+v", res2)
	}
}

func TestFetchFailures(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(bytes.Repeat([]byte("<rss>"), 1<<20))
	zw.Close()

	mux := http.NewServeMux()
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/malformed", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss><channel><item><title>broken")) })
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html><body>not a feed</body></html>")) })
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := NewFetcher("herald-test", 300*time.Millisecond, 1<<20)

	tests := []struct {
		path string
		want string
	}{
		{"/gone", "HTTP 410"},
		{"/busy", "HTTP 503"},
		{"/bomb", "larger than"},
		{"/loop", "redirects"},
		{"/slow", "Timeout"},
		{"/malformed", "parse"},
		{"/html", "parse"},
		{"/empty", "empty document"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), srv.URL+tt.path, herald.FeedState{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), srv.URL+tt.path) {
				t.Errorf("err %q does not name the feed", err)
			}
		})
	}

	_, err := f.Fetch(context.Background(), srv.URL+"/busy", herald.FeedState{})
	var se *StatusError
	if !errors.As(err, &se) || se.RetryAfter != 120*time.Second {
		t.Fatalf("Retry-After not read: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleRSS))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>a</title></entry></feed>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","title":"a"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsed, err := Parse(bytes.NewReader(data))
		if err == nil && parsed == nil {
			t.Fatal("nil feed without error")
		}
	})
}
