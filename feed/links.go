package feed

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
)

// permalinkGUIDs gives an RSS item with no link its guid as link when the
// guid is a permalink (isPermaLink is not "false") and an absolute web
// address, as RSS 2.0 means it. The attribute is read again from the
// document only when the document carries it.
func permalinkGUIDs(f *gofeed.Feed, data []byte) {
	if f.FeedType != "rss" {
		return
	}
	var missing []int
	for i, it := range f.Items {
		if strings.TrimSpace(it.Link) == "" && isWebAddress(it.GUID) {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return
	}
	notPermalink := map[int]bool{}
	if bytes.Contains(bytes.ToLower(data), []byte("ispermalink")) {
		orig, err := (&rss.Parser{}).Parse(bytes.NewReader(data))
		if err != nil || len(orig.Items) != len(f.Items) {
			return
		}
		for _, i := range missing {
			if g := orig.Items[i].GUID; g == nil || strings.EqualFold(strings.TrimSpace(g.IsPermalink), "false") {
				notPermalink[i] = true
			}
		}
	}
	for _, i := range missing {
		if !notPermalink[i] {
			it := f.Items[i]
			it.Link = strings.TrimSpace(it.GUID)
			if len(it.Links) == 0 {
				it.Links = []string{it.Link}
			}
		}
	}
}

func isWebAddress(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) && !strings.ContainsAny(s, " \t\n")
}

// resolveLinks makes the relative addresses of a feed absolute against
// base, the address the document was served from: the feed's and items'
// links, enclosures and images. An address that starts with "www." is left
// alone: it lacks its scheme rather than being relative.
func resolveLinks(f *gofeed.Feed, base *url.URL) {
	if base == nil || !base.IsAbs() {
		return
	}
	abs := func(s *string) {
		v := strings.TrimSpace(*s)
		if v == "" || strings.HasPrefix(strings.ToLower(v), "www.") {
			return
		}
		u, err := url.Parse(v)
		if err != nil || u.IsAbs() {
			return
		}
		*s = base.ResolveReference(u).String()
	}
	abs(&f.Link)
	for i := range f.Links {
		abs(&f.Links[i])
	}
	if f.Image != nil {
		abs(&f.Image.URL)
	}
	for _, it := range f.Items {
		abs(&it.Link)
		for i := range it.Links {
			abs(&it.Links[i])
		}
		for _, e := range it.Enclosures {
			abs(&e.URL)
		}
		if it.Image != nil {
			abs(&it.Image.URL)
		}
	}
}

// documentBase returns the address relative links in a response are
// relative to: its Content-Location, resolved against the address it was
// fetched from after redirects, else that address.
func documentBase(resp *http.Response) *url.URL {
	if resp == nil || resp.Request == nil || resp.Request.URL == nil {
		return nil
	}
	base := resp.Request.URL
	if cl := resp.Header.Get("Content-Location"); cl != "" {
		if u, err := url.Parse(cl); err == nil {
			return base.ResolveReference(u)
		}
	}
	return base
}
