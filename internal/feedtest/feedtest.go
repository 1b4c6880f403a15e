// Package feedtest serves RSS feeds on 127.0.0.1 whose items tests can add
// while the daemon watches them.
package feedtest

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Item is one feed item.
type Item struct {
	GUID        string
	Title       string
	Link        string
	Description string
	// Content becomes content:encoded.
	Content    string
	Categories []string
	Published  time.Time
}

// Server serves one RSS 2.0 feed at URL(), newest item first.
type Server struct {
	srv *httptest.Server

	mu       sync.Mutex
	title    string
	items    []Item
	requests int
	hub      string
}

// New starts a feed server with the given channel title and items.
func New(title string, items ...Item) *Server {
	s := &Server{title: title, items: items}
	// Assigned before the server starts, so handlers see it without a race.
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Start()
	return s
}

// URL is the feed's address.
func (s *Server) URL() string { return s.srv.URL + "/feed.xml" }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Add publishes items.
func (s *Server) Add(items ...Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = append(s.items, items...)
}

// Update changes the item of guid in place, as a newsroom corrects a
// story; it reports whether there was one.
func (s *Server) Update(guid string, change func(*Item)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.items {
		if s.items[i].GUID == guid {
			change(&s.items[i])
			return true
		}
	}
	return false
}

// Remove takes the item of guid out of the feed; it reports whether there
// was one.
func (s *Server) Remove(guid string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.items {
		if s.items[i].GUID == guid {
			s.items = append(s.items[:i], s.items[i+1:]...)
			return true
		}
	}
	return false
}

// Requests counts the fetches served.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	body := s.render()
	hub := s.hub
	s.mu.Unlock()
	if hub != "" {
		w.Header().Add("Link", "<"+hub+`>; rel="hub"`)
		w.Header().Add("Link", "<"+s.URL()+`>; rel="self"`)
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(body)
}

// SetHub makes the feed advertise a WebSub hub in its Link header, with
// itself as the topic.
func (s *Server) SetHub(hub string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hub = hub
}

// Body returns the feed as it is served now.
func (s *Server) Body() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.render()
}

type rss struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Content string   `xml:"xmlns:content,attr"`
	Channel channel  `xml:"channel"`
}

type channel struct {
	Title string    `xml:"title"`
	Link  string    `xml:"link"`
	Items []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        string   `xml:"guid,omitempty"`
	PubDate     string   `xml:"pubDate,omitempty"`
	Categories  []string `xml:"category"`
	Description string   `xml:"description,omitempty"`
	Encoded     string   `xml:"content:encoded,omitempty"`
}

func (s *Server) render() []byte {
	ch := channel{Title: s.title, Link: s.srv.URL + "/"}
	for i := len(s.items) - 1; i >= 0; i-- {
		it := s.items[i]
		ri := rssItem{Title: it.Title, Link: it.Link, GUID: it.GUID, Categories: it.Categories,
			Description: it.Description, Encoded: it.Content}
		if !it.Published.IsZero() {
			ri.PubDate = it.Published.UTC().Format(time.RFC1123Z)
		}
		ch.Items = append(ch.Items, ri)
	}
	out, err := xml.MarshalIndent(rss{Version: "2.0", Content: "http://purl.org/rss/1.0/modules/content/", Channel: ch}, "", "  ")
	if err != nil {
		panic(fmt.Sprintf("feedtest: %v", err))
	}
	return append([]byte(xml.Header), out...)
}
