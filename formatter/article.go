package formatter

import (
	"net/url"
	"strings"

	"github.com/heraldhq/herald"
)

// Caps on parts of a post that have no platform limit of their own but must
// leave room for the rest.
const (
	// MaxTopics is how many topics a post names, in the article's order.
	MaxTopics = 10
	// maxTopic bounds one topic, in runes.
	maxTopic = 64
	// maxDateline bounds the dateline, which is a few words in real news.
	maxDateline = 160
	// maxURL bounds the URLs a post links to.
	maxURL = 2048
	// untitled is the title of an article that has no headline and no URL.
	untitled = "Untitled article"
)

// title returns what a post shows as the article's title: the cleaned
// headline, or when there is none the URL, the source, or a placeholder.
func title(a herald.Article) string {
	for _, s := range []string{a.Headline, a.URL, a.Source} {
		if c := Clean(s); c != "" {
			return c
		}
	}
	return untitled
}

// webURL returns s when it is an absolute http or https URL with a host and
// nothing that needs cleaning, and "" otherwise.
func webURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxURL || Clean(s) != s || strings.ContainsAny(s, " \u00a0\u2007\u202f") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return s
	}
	return ""
}

// host returns the host of a web URL without a leading "www.", or "" when
// it does not read as text: url.Parse decodes escapes in a host, so
// "x.%aa" would give a byte that is not UTF-8.
func host(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	h := strings.TrimPrefix(u.Hostname(), "www.")
	if Clean(h) != h {
		return ""
	}
	return h
}

// topics returns the article's cleaned topics, without empty ones or
// repeats (compared case-insensitively), each cut to maxTopic runes, at
// most MaxTopics of them.
func topics(a herald.Article) []string {
	var out []string
	seen := make(map[string]bool)
	for _, t := range a.Topics {
		t = Truncate(Clean(t), maxTopic)
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
		if len(out) == MaxTopics {
			break
		}
	}
	return out
}

// datelineAndLead returns the article's cleaned dateline, cut to its cap,
// and its cleaned lead.
func datelineAndLead(a herald.Article, cut func(string, int) string) (dateline, lead string) {
	return cut(Clean(a.Dateline.Text), maxDateline), Clean(a.Lead)
}
