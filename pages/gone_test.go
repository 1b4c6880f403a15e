package pages

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldhq/herald/feed"
)

func TestGone(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/live":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(storyPage("Live", pageLead)))
		case "/gone":
			w.WriteHeader(http.StatusGone)
		case "/broken":
			w.WriteHeader(http.StatusInternalServerError)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	e := New(feed.NewFetcher(userAgent, 2*time.Second, 5<<20), Options{Sleep: newClock().Sleep})
	feedURL := srv.URL + "/feed.xml"
	for _, tc := range []struct {
		path    string
		gone    bool
		wantErr bool
	}{
		{"/live", false, false},
		{"/gone", true, false},
		{"/missing", true, false},
		{"/broken", false, true},
	} {
		gone, err := e.Gone(t.Context(), srv.URL+tc.path, feedURL)
		if gone != tc.gone || (err != nil) != tc.wantErr {
			t.Errorf("Gone(%s) = %v, %v; want %v, error %v", tc.path, gone, err, tc.gone, tc.wantErr)
		}
	}
	if gone, err := e.Gone(t.Context(), "ftp://example.com/x", feedURL); gone || err == nil {
		t.Errorf("Gone(ftp) = %v, %v; want false and an error", gone, err)
	}
	// A page on a loopback address is not fetched for a public feed.
	if gone, err := e.Gone(t.Context(), srv.URL+"/gone", "https://news.example/feed.xml"); gone || err == nil {
		t.Errorf("Gone(private page of a public feed) = %v, %v; want false and an error", gone, err)
	}
}

func TestForgetReadsThePageAgain(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(storyPage("Story", pageLead)))
	}))
	defer srv.Close()
	e := New(feed.NewFetcher(userAgent, 2*time.Second, 5<<20), Options{Sleep: newClock().Sleep})
	page, feedURL := srv.URL+"/story", srv.URL+"/feed.xml"
	for range 2 {
		if _, err := e.Page(t.Context(), page, feedURL); err != nil {
			t.Fatal(err)
		}
	}
	if got := hits.Load(); got != 1 {
		t.Fatalf("two lookups fetched the page %d times, want 1 (cached)", got)
	}
	e.Forget(page)
	if _, err := e.Page(t.Context(), page, feedURL); err != nil {
		t.Fatal(err)
	}
	if got := hits.Load(); got != 2 {
		t.Errorf("a lookup after Forget fetched %d times in all, want 2", got)
	}
}
