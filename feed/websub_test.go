package feed

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

func TestFetchDiscoversHub(t *testing.T) {
	const rssHub = `<?xml version="1.0"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>Example News</title>
<link>https://news.example/</link>
<atom:link rel="hub" href="https://hub.example.com/"/>
<atom:link rel="self" href="https://news.example/feed.xml"/>
<item><title>First story</title><link>https://news.example/1</link><guid>n-1</guid></item>
</channel></rss>`
	mux := http.NewServeMux()
	mux.HandleFunc("/header", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Link", `</websub>; rel="hub"`)
		w.Header().Add("Link", `<https://news.example/canonical.xml>; rel="self"`)
		w.Write([]byte(sampleRSS))
	})
	mux.HandleFunc("/body", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(rssHub))
	})
	mux.HandleFunc("/none", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(sampleRSS))
	})
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/noself", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/noself", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<https://hub.example.com/>; rel="hub"`)
		w.Write([]byte(sampleRSS))
	})
	mux.HandleFunc("/cached", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<https://hub.example.com/>; rel="hub"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write([]byte(sampleRSS))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := NewFetcher("herald-test", time.Second, 0)

	tests := []struct {
		name     string
		path     string
		prev     herald.FeedState
		hub      string
		self     string
		modified bool
	}{
		{name: "link header", path: "/header", hub: srv.URL + "/websub", self: "https://news.example/canonical.xml", modified: true},
		{name: "atom:link in body", path: "/body", hub: "https://hub.example.com/", self: "https://news.example/feed.xml", modified: true},
		{name: "no hub", path: "/none", modified: true},
		{name: "self is the final URL", path: "/moved", hub: "https://hub.example.com/", self: srv.URL + "/noself", modified: true},
		{name: "not modified", path: "/cached", prev: herald.FeedState{ETag: `"v1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.Fetch(context.Background(), srv.URL+tt.path, tt.prev)
			if err != nil {
				t.Fatal(err)
			}
			if res.NotModified == tt.modified {
				t.Fatalf("NotModified = %v, want %v", res.NotModified, !tt.modified)
			}
			if res.Hub != tt.hub || res.Self != tt.self {
				t.Errorf("Hub, Self = %q, %q; want %q, %q", res.Hub, res.Self, tt.hub, tt.self)
			}
		})
	}
}
