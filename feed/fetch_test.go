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
	mux.HandleFunc("/truncated-json", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"title":"broken`))
	})
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
		{"/truncated-json", "parse"},
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

func TestFetchDecodesAndResolves(t *testing.T) {
	body := []byte("<rss version=\"2.0\"><channel><title>Not\xedcias</title><item><title>Caf\xe9 \x93quente\x94</title><link>../2024/cafe.html</link></item></channel></rss>")
	mux := http.NewServeMux()
	mux.HandleFunc("/feeds/latin1.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=windows-1252")
		w.Write(body)
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/feeds/latin1.xml", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/located", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Location", "/archive/x/feed.xml")
		w.Write(body)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := NewFetcher("herald-test", time.Second, 0)
	tests := []struct{ path, link string }{
		{"/feeds/latin1.xml", srv.URL + "/2024/cafe.html"},
		{"/old", srv.URL + "/2024/cafe.html"},
		{"/located", srv.URL + "/archive/2024/cafe.html"},
	}
	for _, tt := range tests {
		res, err := f.Fetch(context.Background(), srv.URL+tt.path, herald.FeedState{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Feed.Title != "Notícias" || len(res.Feed.Items) != 1 || res.Feed.Items[0].Title != "Café “quente”" {
			t.Errorf("%s: decoded %q %+v", tt.path, res.Feed.Title, res.Feed.Items)
			continue
		}
		if got := res.Feed.Items[0].Link; got != tt.link {
			t.Errorf("%s: link %q, want %q", tt.path, got, tt.link)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleRSS))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><entry><title>a</title></entry></feed>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","title":"a"}]}`))
	f.Add([]byte(`{"rss":{"channel":{"title":"x","item":[{"title":"a","guid":{"value":"g"}}]}}}`))
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"koi8-r\"?><rss><channel><item><title>\xf0\xd2\xc9</title></item></channel></rss>"))
	f.Add([]byte("<rss><channel><item><title>Caf\xe9 &amp; bar & grill</title></item><item><title><![CDATA[cut"))
	f.Add([]byte("junk<rss><channel><item><title><![CDATA[open</title></item></channel>"))
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsed, err := Parse(bytes.NewReader(data))
		if err == nil && parsed == nil {
			t.Fatal("nil feed without error")
		}
	})
}
