package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
		kind error // nil when only the message tells
		want string
	}{
		{"/gone", nil, "HTTP 410"},
		{"/busy", nil, "HTTP 503"},
		{"/bomb", ErrTooLarge, "larger than"},
		{"/loop", ErrTooManyRedirects, "redirects"},
		{"/slow", ErrTimeout, "timeout"},
		{"/malformed", nil, "parse"},
		{"/truncated-json", nil, "parse"},
		{"/html", nil, "parse"},
		{"/empty", ErrEmpty, "empty document"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), srv.URL+tt.path, herald.FeedState{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("err %q is not %q", err, tt.kind)
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

// fetchOrHang runs fetch and fails the test if it has not returned long
// after every timeout in play should have fired: a guard against a hang,
// not a measure of speed.
func fetchOrHang(t *testing.T, fetch func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fetch() }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("the fetch never returned")
		return nil
	}
}

// silentListener accepts connections and never writes a byte on them.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func TestFetchTimesOutOnStalledServers(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	mux := http.NewServeMux()
	mux.HandleFunc("/blocks", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	mux.HandleFunc("/trickles", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.WriteHeader(http.StatusOK)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return
			case <-release:
				return
			case <-tick.C:
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	silent := silentListener(t)

	tests := []struct{ name, url string }{
		{"handler never answers", srv.URL + "/blocks"},
		{"body trickles a byte per 100 ms", srv.URL + "/trickles"},
		{"connection accepted, nothing said", "http://" + silent + "/feed.xml"},
		{"TLS handshake never answered", "https://" + silent + "/feed.xml"},
	}
	f := NewFetcher("herald-test", 500*time.Millisecond, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fetchOrHang(t, func() error {
				_, err := f.Fetch(context.Background(), tt.url, herald.FeedState{})
				return err
			})
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("err = %v, want ErrTimeout", err)
			}
		})
	}
}

func TestNewFetcherTimeouts(t *testing.T) {
	tests := []struct {
		timeout, wantTotal, wantConnect time.Duration
	}{
		{0, DefaultTimeout, DefaultConnectTimeout},
		{time.Minute, time.Minute, DefaultConnectTimeout},
		{3 * time.Second, 3 * time.Second, 3 * time.Second},
	}
	for _, tt := range tests {
		f := NewFetcher("", tt.timeout, 0)
		tr := f.client.Transport.(*http.Transport)
		if f.client.Timeout != tt.wantTotal || tr.ResponseHeaderTimeout != tt.wantTotal {
			t.Errorf("timeout %s: request %s, headers %s, want %s", tt.timeout, f.client.Timeout, tr.ResponseHeaderTimeout, tt.wantTotal)
		}
		if tr.TLSHandshakeTimeout != tt.wantConnect {
			t.Errorf("timeout %s: TLS handshake %s, want %s", tt.timeout, tr.TLSHandshakeTimeout, tt.wantConnect)
		}
		if tr.DialContext == nil {
			t.Errorf("timeout %s: no dialer with a connect timeout", tt.timeout)
		}
	}
}

func TestFetchGzipBombIsCutAtTheCap(t *testing.T) {
	const (
		limit    = 1 << 20
		inflated = 1 << 40 // what the body would inflate to, read whole
	)
	// One gzip member inflating to a MiB, served over and over: a gzip
	// stream may hold many members, read as one body.
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(bytes.Repeat([]byte("<rss>"), 1<<20/5))
	zw.Close()
	perMember := int64(1<<20/5) * 5
	var served atomic.Int64 // what the members written inflate to
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("Content-Encoding", "gzip")
		for served.Load() < inflated {
			if _, err := w.Write(member.Bytes()); err != nil {
				return
			}
			served.Add(perMember)
		}
	}))
	defer srv.Close()
	f := NewFetcher("herald-test", 20*time.Second, limit)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := f.Fetch(context.Background(), srv.URL, herald.FeedState{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 32<<20 {
		t.Errorf("the fetch allocated %d MiB for a %d MiB cap", got>>20, limit>>20)
	}
	if got := served.Load(); got >= inflated {
		t.Errorf("the whole %d-byte body was inflated: the cap did not stop the read", got)
	}
}

func TestFetchAnnouncedBodyOverTheCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "4096")
		w.Write(bytes.Repeat([]byte(" "), 4096))
	}))
	defer srv.Close()
	_, err := NewFetcher("herald-test", time.Second, 1024).Fetch(context.Background(), srv.URL, herald.FeedState{})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestFetchRedirectLimit(t *testing.T) {
	// /hop/n redirects to /hop/n-1; /hop/0 is the feed.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if n > 0 {
			http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusFound)
			return
		}
		w.Write([]byte(sampleRSS))
	}))
	defer srv.Close()
	f := NewFetcher("herald-test", 2*time.Second, 0)
	tests := []struct {
		hops int
		ok   bool
	}{
		{0, true},
		{1, true},
		{DefaultMaxRedirects, true},
		{DefaultMaxRedirects + 1, false},
	}
	for _, tt := range tests {
		res, err := f.Fetch(context.Background(), srv.URL+"/hop/"+strconv.Itoa(tt.hops), herald.FeedState{})
		switch {
		case tt.ok && (err != nil || res.Feed == nil):
			t.Errorf("%d redirects: %v", tt.hops, err)
		case !tt.ok && !errors.Is(err, ErrTooManyRedirects):
			t.Errorf("%d redirects: err = %v, want ErrTooManyRedirects", tt.hops, err)
		}
	}
}
