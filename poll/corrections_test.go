package poll_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/internal/feedtest"
	"github.com/heraldhq/herald/pages"
)

// sendHead marks the head of target's queue sent, as a dispatcher would.
func sendHead(t *testing.T, st herald.Store, msg string) herald.Delivery {
	t.Helper()
	d, err := st.NextDelivery(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkSent(context.Background(), d.ID, msg); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestChangedItemIsACorrectionOfTheSentPost(t *testing.T) {
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	srv := feedtest.New("Example News", item("1", base))
	defer srv.Close()
	w, st, notified := watcher(t, 1, srv.URL())
	ctx := context.Background()
	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	sendHead(t, st, "m1")

	// Polls of an unchanged feed correct nothing.
	res, err := w.Poll(ctx, srv.URL())
	if err != nil || res.Corrected != 0 || res.Edits != 0 {
		t.Fatalf("poll of an unchanged feed = %+v, %v; want no correction", res, err)
	}
	before := notified.Load()

	srv.Update("story-1", func(it *feedtest.Item) { it.Title = "Story 1: minister resigns" })
	res, err = w.Poll(ctx, srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 0 || res.Corrected != 1 || res.Edits != 1 || res.Deliveries != 0 {
		t.Fatalf("poll of a corrected item = %+v; want 1 corrected, 1 edit, no new delivery", res)
	}
	if notified.Load() != before+1 {
		t.Errorf("the dispatcher was not told of the edit")
	}
	e, err := st.NextEdit(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != herald.EditPost || e.Delivery.MessageID != "m1" || e.Delivery.Article.Headline != "Story 1: minister resigns" {
		t.Errorf("edit = %s of message %q with headline %q", e.Kind, e.Delivery.MessageID, e.Delivery.Article.Headline)
	}
	// The same change seen again is not a second correction.
	if res, err := w.Poll(ctx, srv.URL()); err != nil || res.Corrected != 0 {
		t.Errorf("poll after the correction = %+v, %v; want none", res, err)
	}
}

// site serves article pages; a removed page answers 410 Gone.
type site struct {
	srv     *httptest.Server
	mu      sync.Mutex
	removed map[string]bool
	lead    map[string]string
}

func newSite(t *testing.T) *site {
	s := &site{removed: map[string]bool{}, lead: map[string]string{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.removed[r.URL.Path] {
			w.WriteHeader(http.StatusGone)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><head><title>Story</title></head><body><article><h1>Story</h1><p>" +
			s.lead[r.URL.Path] + "</p></article></body></html>"))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) set(path, lead string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lead[path] = lead
}

func (s *site) remove(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removed[path] = true
}

const longLead = "Trade ministers from five countries signed a framework on Monday to extend a rail freight " +
	"corridor to two coastal ports, a move officials said would cut the overland journey for containers by about four days."

func TestCorrectedTeaserIsReadAgainFromItsPage(t *testing.T) {
	s := newSite(t)
	s.set("/1", longLead)
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	teaser := feedtest.Item{GUID: "t1", Title: "Rail deal", Link: s.srv.URL + "/1", Description: "Ministers agree…", Published: base}
	srv := feedtest.New("Example News", teaser)
	defer srv.Close()
	w, st, _ := watcher(t, 1, srv.URL())
	w.Pages = pages.New(feed.NewFetcher("test", 2*time.Second, 0), pages.Options{HostGap: time.Millisecond})
	ctx := context.Background()
	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	if d := sendHead(t, st, "m1"); d.Article.Lead != longLead {
		t.Fatalf("the teaser was not completed from its page: %q", d.Article.Lead)
	}
	// The item is unchanged: the completed lead is not taken for a change.
	if res, _ := w.Poll(ctx, srv.URL()); res.Corrected != 0 {
		t.Fatalf("an unchanged teaser counted as a correction: %+v", res)
	}

	corrected := strings.Replace(longLead, "five", "six", 1)
	s.set("/1", corrected)
	srv.Update("t1", func(it *feedtest.Item) { it.Description = "Ministers of six countries agree…" })
	res, err := w.Poll(ctx, srv.URL())
	if err != nil || res.Corrected != 1 {
		t.Fatalf("poll of a corrected teaser = %+v, %v; want 1 correction", res, err)
	}
	e, err := st.NextEdit(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if e.Delivery.Article.Lead != corrected {
		t.Errorf("the edit carries lead %q, want the page's corrected lead", e.Delivery.Article.Lead)
	}
}

func TestRetractedArticleHasItsPostsDeleted(t *testing.T) {
	s := newSite(t)
	base := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	story := func(n string, at time.Time) feedtest.Item {
		s.set("/"+n, longLead)
		return feedtest.Item{GUID: "s" + n, Title: "Story " + n, Link: s.srv.URL + "/" + n, Content: "<p>" + longLead + "</p>", Published: at}
	}
	srv := feedtest.New("Example News", story("1", base), story("2", base.Add(time.Minute)))
	defer srv.Close()
	w, st, _ := watcher(t, 2, srv.URL())
	w.Pages = pages.New(feed.NewFetcher("test", 2*time.Second, 0), pages.Options{HostGap: time.Millisecond})
	w.Retractions = true
	ctx := context.Background()
	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	sendHead(t, st, "m1")
	sendHead(t, st, "m2")

	// Story 1 leaves the feed but its page is still up: no retraction.
	srv.Remove("s1")
	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.NextEdit(ctx, target); !errors.Is(err, herald.ErrNotFound) {
		t.Fatalf("an article that only left its feed was retracted: %v", err)
	}
	// Story 2 leaves the feed and its page is gone: its post is deleted.
	s.remove("/2")
	srv.Remove("s2")
	if _, err := w.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	e, err := st.NextEdit(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	if e.Kind != herald.DeletePost || e.Delivery.MessageID != "m2" {
		t.Errorf("edit = %s of %q, want the deletion of m2", e.Kind, e.Delivery.MessageID)
	}

	// Without Retractions nothing is looked up.
	w2, st2, _ := watcher(t, 1, srv.URL())
	w2.Pages = w.Pages
	srv.Add(story("3", base.Add(2*time.Minute)))
	if _, err := w2.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	sendHead(t, st2, "m3")
	s.remove("/3")
	srv.Remove("s3")
	if _, err := w2.Poll(ctx, srv.URL()); err != nil {
		t.Fatal(err)
	}
	if _, err := st2.NextEdit(ctx, target); !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("a retraction was made with Retractions off: %v", err)
	}
}
