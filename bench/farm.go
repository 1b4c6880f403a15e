package main

import (
	"bytes"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldhq/herald/internal/feedtest"
)

// farm serves many RSS feeds from one local server, at /f/0, /f/1 ...,
// the way a newsroom's CMS does: with an ETag and a Last-Modified date,
// answering a conditional request for a feed that did not change with 304
// Not Modified. It counts what each feed serves.
type farm struct {
	srv *http.Server
	url string

	mu    sync.Mutex
	feeds []farmFeed
	// onFetch, when set, is called at each request.
	onFetch func()
}

// farmFeed is one feed of the farm and what it served.
type farmFeed struct {
	items    []feedtest.Item // oldest first
	version  int
	modified time.Time
	body     []byte

	// served is the version the latest fetch saw, -1 before any.
	served int
	// fetches counts every request; unchanged those for a version the
	// previous fetch saw already, and unchanged304 those of them answered
	// 304. bytes counts the bodies sent.
	fetches, unchanged, unchanged304 int
	bytes                            int64
}

// farmStats adds up what the feeds of a farm served.
type farmStats struct {
	fetches, unchanged, unchanged304 int
	bytes                            int64
}

// maxFarmItems is how many of its newest items a feed lists.
const maxFarmItems = 20

// newFarm starts n feeds with one item each, published at old.
func newFarm(n int, old time.Time) (*farm, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("farm: %w", err)
	}
	f := &farm{url: "http://" + ln.Addr().String(), feeds: make([]farmFeed, n)}
	for i := range f.feeds {
		f.feeds[i] = farmFeed{served: -1}
		f.add(i, item(-1-i, old))
	}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second}
	go f.srv.Serve(ln)
	return f, nil
}

// URL returns the address of feed i.
func (f *farm) URL(i int) string { return f.url + "/f/" + strconv.Itoa(i) }

// URLs lists the addresses of every feed.
func (f *farm) URLs() []string {
	urls := make([]string, len(f.feeds))
	for i := range urls {
		urls[i] = f.URL(i)
	}
	return urls
}

// OnFetch has fn called at each request, before it is answered.
func (f *farm) OnFetch(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onFetch = fn
}

// Close stops the server.
func (f *farm) Close() { f.srv.Close() }

// Add publishes it on feed i.
func (f *farm) Add(i int, it feedtest.Item) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.add(i, it)
}

func (f *farm) add(i int, it feedtest.Item) {
	fd := &f.feeds[i]
	fd.items = append(fd.items, it)
	if len(fd.items) > maxFarmItems {
		fd.items = fd.items[len(fd.items)-maxFarmItems:]
	}
	fd.version++
	// Last-Modified has whole seconds; the ETag tells two versions of one
	// second apart.
	fd.modified = time.Now().UTC().Truncate(time.Second)
	fd.body = renderRSS(fmt.Sprintf("Farm feed %d", i), f.URL(i), fd.items)
}

// Stats adds up what the feeds served since the last Reset.
func (f *farm) Stats() farmStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	var s farmStats
	for _, fd := range f.feeds {
		s.fetches += fd.fetches
		s.unchanged += fd.unchanged
		s.unchanged304 += fd.unchanged304
		s.bytes += fd.bytes
	}
	return s
}

// Fetched reports how many feeds were fetched at least once since the
// last Reset.
func (f *farm) Fetched() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, fd := range f.feeds {
		if fd.fetches > 0 {
			n++
		}
	}
	return n
}

// Reset zeroes the counters, and keeps what each feed's latest fetch saw.
func (f *farm) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.feeds {
		fd := &f.feeds[i]
		fd.fetches, fd.unchanged, fd.unchanged304, fd.bytes = 0, 0, 0, 0
	}
}

func (f *farm) serve(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/f/"))
	if err != nil || i < 0 || i >= len(f.feeds) {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	onFetch := f.onFetch
	f.mu.Unlock()
	if onFetch != nil {
		onFetch()
	}
	f.mu.Lock()
	fd := &f.feeds[i]
	etag := `"v` + strconv.Itoa(fd.version) + `"`
	notModified := r.Header.Get("If-None-Match") == etag
	if r.Header.Get("If-None-Match") == "" {
		since, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
		notModified = err == nil && !fd.modified.After(since)
	}
	fd.fetches++
	if fd.served == fd.version {
		fd.unchanged++
		if notModified {
			fd.unchanged304++
		}
	}
	fd.served = fd.version
	body, modified := fd.body, fd.modified
	if !notModified {
		fd.bytes += int64(len(body))
	}
	f.mu.Unlock()

	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
	if notModified {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(body)
}

// renderRSS writes an RSS 2.0 feed of items, newest first.
func renderRSS(title, link string, items []feedtest.Item) []byte {
	var b bytes.Buffer
	esc := html.EscapeString
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>%s</title><link>%s</link>`+"\n",
		esc(title), esc(link))
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate>",
			esc(it.Title), esc(it.Link), esc(it.GUID), it.Published.UTC().Format(time.RFC1123Z))
		for _, c := range it.Categories {
			fmt.Fprintf(&b, "<category>%s</category>", esc(c))
		}
		fmt.Fprintf(&b, "<content:encoded>%s</content:encoded></item>\n", esc(it.Content))
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}
