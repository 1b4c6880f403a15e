package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/mmcdole/gofeed"
)

// FromItem builds an Article from one parsed feed item. feed supplies the
// source name and the base for relative links; it may be nil. The Feed
// field is left for the caller to set.
func FromItem(feed *gofeed.Feed, item *gofeed.Item) herald.Article {
	if item == nil {
		return herald.Article{}
	}
	if feed == nil {
		feed = &gofeed.Feed{}
	}
	var a herald.Article

	base := feed.Link
	if !isAbsolute(base) {
		base = feed.FeedLink
	}
	link := strings.TrimSpace(item.Link)
	if link == "" && len(item.Links) > 0 {
		link = strings.TrimSpace(item.Links[0])
	}
	if link != "" && !isAbsolute(link) {
		link = resolve(base, link)
	}
	a.URL = CanonicalURL(link)

	a.Published = itemTime(item)
	a.Headline = Text(item.Title)

	leadText := itemLead(item, a.Headline)
	a.Dateline, a.Lead = SplitDateline(leadText, a.Published)
	if a.Headline == "" {
		a.Headline = firstWords(a.Lead, 12)
	}

	switch {
	case strings.TrimSpace(item.GUID) != "":
		a.Key = "guid:" + strings.TrimSpace(item.GUID)
	case a.URL != "":
		a.Key = "url:" + a.URL
	default:
		sum := sha256.Sum256([]byte(item.Title + "\x00" + item.Description))
		a.Key = "hash:" + hex.EncodeToString(sum[:8])
	}

	a.Body = Body(item.Content, item.Description)
	a.Topics = Topics(item.Categories...)
	a.Image = itemImage(item, firstNonEmpty(a.URL, base))
	a.Source = Text(feed.Title)
	if a.Source == "" {
		a.Source = firstNonEmpty(hostOf(feed.Link), hostOf(feed.FeedLink))
	}
	return a
}

// itemTime returns when the item was published, or last updated, in UTC.
func itemTime(item *gofeed.Item) time.Time {
	switch {
	case item.PublishedParsed != nil && !item.PublishedParsed.IsZero():
		return item.PublishedParsed.UTC()
	case item.UpdatedParsed != nil && !item.UpdatedParsed.IsZero():
		return item.UpdatedParsed.UTC()
	}
	return time.Time{}
}

// itemLead picks the lead from the item's full content, then its
// description, then its summary: the first that holds a real paragraph,
// else the best short one of them.
func itemLead(item *gofeed.Item, headline string) string {
	sources := []string{item.Content, item.Description}
	if item.ITunesExt != nil {
		sources = append(sources, item.ITunesExt.Summary)
	}
	if item.DublinCoreExt != nil {
		sources = append(sources, item.DublinCoreExt.Description...)
	}
	fallback := ""
	for _, s := range sources {
		if strings.TrimSpace(s) == "" {
			continue
		}
		l, real := lead(s, headline)
		if real {
			return l
		}
		if fallback == "" {
			fallback = l
		}
	}
	return fallback
}

// firstWords returns up to n words of s, with an ellipsis when it cut.
func firstWords(s string, n int) string {
	words := strings.Fields(s)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	out := strings.Join(words[:n], " ")
	if r, _ := utf8.DecodeLastRuneInString(out); r == ',' || r == ';' || r == ':' {
		out = out[:len(out)-1]
	}
	return out + "…"
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
