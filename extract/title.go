package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// pageHeadline picks a page's headline: the JSON-LD headline, then the
// Dublin Core, Open Graph, plain, Twitter and Parse.ly title tags, then the
// <title> element, then the first <h1>. Each is cleaned of the site's name,
// sections and the like around it (see cleanTitle).
func pageHeadline(doc *goquery.Document, ld linkedData, meta map[string]string, pageURL string) string {
	var heads []string
	doc.Find("h1").Each(func(_ int, h *goquery.Selection) {
		if t := Text(h.Text()); t != "" {
			heads = append(heads, t)
		}
	})
	sites := siteNames(ld, meta, pageURL)
	for _, c := range []string{ld.headline, meta["dc:title"], meta["dcterm:title"], meta["dcterms:title"],
		meta["og:title"], meta["title"], meta["twitter:title"], meta["parsely-title"]} {
		if t := cleanTitle(Text(c), sites, heads); t != "" {
			return t
		}
	}
	if t := cleanTitle(Text(doc.Find("title").First().Text()), sites, heads); t != "" {
		return cutLastSegment(t)
	}
	if len(heads) > 0 {
		return heads[0]
	}
	return ""
}

// siteNames returns the names the page gives its site: the JSON-LD
// publisher, og:site_name and the like, and the name in
// its host ("example" in www.example.co.uk).
func siteNames(ld linkedData, meta map[string]string, pageURL string) []string {
	var names []string
	for _, n := range []string{ld.publisher, meta["og:site_name"], meta["apple-mobile-web-app-title"],
		strings.TrimPrefix(meta["twitter:site"], "@")} {
		if n = Text(n); n != "" {
			names = append(names, n)
		}
	}
	if name := hostName(hostOf(pageURL)); name != "" {
		names = append(names, name)
	}
	return names
}

// secondLevel are the labels that make a two-part public suffix under a
// country's domain: "co" in example.co.uk.
var secondLevel = map[string]bool{
	"co": true, "com": true, "org": true, "net": true, "gov": true,
	"ac": true, "edu": true, "ne": true, "or": true, "go": true,
}

// hostName returns the name in a host: "example" in news.example.co.uk,
// or "" for a host of one label.
func hostName(host string) string {
	labels := strings.Split(host, ".")
	n := len(labels)
	switch {
	case n < 2:
		return ""
	case n >= 3 && len(labels[n-1]) == 2 && secondLevel[labels[n-2]]:
		return labels[n-3]
	}
	return labels[n-2]
}

// titleSepRE matches the separators that join a title to the site's name or
// a section: "Story | Site", "Story - Site", "Story :: Site", "Story @ Blog",
// "Story » Section".
var titleSepRE = regexp.MustCompile(`\s+(?:[|\-–—·•»«/@]|::)\s+|\s*::\s*|\s*[|｜]\s*`)

// cleanTitle returns a page title without the site's name and what sits
// beside it, or "" when the title is nothing but the site's name. sites are
// the site's names; heads are the page's <h1> texts, and a title that
// starts with one of them followed by a separator or a bracket is cut to
// it ("Story（Agency） - Portal" under <h1>Story</h1>).
func cleanTitle(t string, sites, heads []string) string {
	t = strings.TrimSpace(strings.TrimRight(t, " |:-–—·•»"))
	if t == "" {
		return ""
	}
	for _, h := range heads {
		if rest, ok := cutPrefixFold(t, h); ok && headSepRE.MatchString(rest) && isTitleSized(h) {
			return h
		}
	}
	if len(strings.Fields(t)) <= 5 && anySite(t, sites) {
		return ""
	}
	// The site's name after a separator ends the title; before one, it
	// starts it.
	for _, s := range sites {
		if cut, ok := cutSiteName(t, s); ok {
			t = cut
			break
		}
	}
	seps := titleSepRE.FindAllStringIndex(t, -1)
	if len(seps) > 0 {
		last := seps[len(seps)-1]
		if tail := t[last[1]:]; anySite(tail, sites) && last[0] > 0 {
			t = strings.TrimSpace(t[:last[0]])
		} else if head := t[:seps[0][0]]; anySite(head, sites) && seps[0][1] < len(t) {
			t = strings.TrimSpace(t[seps[0][1]:])
		}
	}
	return cutPortalSuffix(t)
}

// cutPrefixFold cuts prefix from s, ignoring case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}

// headSepRE matches what may follow the headline in a longer title: a
// separator with a space after it, or a bracket ("（Agency）"). A colon is
// not one: "Story: more story" is a headline of its own.
var headSepRE = regexp.MustCompile(`^\s*(?:(?:[|\-–—·•»«/@_]|::)\s|[(（\[【〔])`)

// isTitleSized reports whether h is long enough to be a headline rather
// than a site's or section's name.
func isTitleSized(h string) bool {
	if hasIdeographs(h) {
		return utf8.RuneCountInString(h) >= 6
	}
	return len(strings.Fields(h)) >= 3
}

// isSiteName reports whether s names the site called site: the same words,
// or a run of its words ("Spiceworks" in "Spiceworks Inc").
func isSiteName(s, site string) bool {
	a, b := normalize(s), normalize(site)
	if a == "" || b == "" {
		return false
	}
	if a == b || strings.ReplaceAll(a, " ", "") == strings.ReplaceAll(b, " ", "") {
		return true
	}
	return len(a) >= 3 && len(a) < len(b) && strings.Contains(" "+b+" ", " "+a+" ")
}

// anySite reports whether s names any of sites.
func anySite(s string, sites []string) bool {
	for _, site := range sites {
		if isSiteName(s, site) {
			return true
		}
	}
	return false
}

// cutSiteName cuts the site's name, as written, from t when a separator
// stands before it: "Post @ Blog :: Network" becomes "Post".
func cutSiteName(t, site string) (string, bool) {
	lt, ls := strings.ToLower(t), strings.ToLower(site)
	if len(ls) < 3 {
		return "", false
	}
	for from := 1; from < len(lt); {
		i := strings.Index(lt[from:], ls)
		if i < 0 {
			break
		}
		i += from
		before := strings.TrimRight(t[:i], " ")
		if loc := titleSepRE.FindAllStringIndex(t[:i], -1); len(loc) > 0 && loc[len(loc)-1][1] == i {
			before = strings.TrimSpace(t[:loc[len(loc)-1][0]])
			if before != "" {
				return before, true
			}
		}
		from = i + len(ls)
	}
	return "", false
}

// portalSuffixRE matches the channel and site names that Chinese portals
// put after a title, joined with underscores: "Story_科技_腾讯网",
// "Story_教育频道_中国青年网".
var portalSuffixRE = regexp.MustCompile(`(\s*_\s*[^_]{1,12}(网|網|频道|頻道))+$`)

// channelSuffixRE matches a short channel name left after the site's
// name was cut: "Story_科技".
var channelSuffixRE = regexp.MustCompile(`\s*_\s*\p{Han}{1,4}$`)

// cutPortalSuffix removes a Chinese portal's channel and site names from
// the end of a title.
func cutPortalSuffix(t string) string {
	if !hasIdeographs(t) {
		return t
	}
	if loc := portalSuffixRE.FindStringIndex(t); loc != nil && loc[0] > 0 {
		t = strings.TrimSpace(t[:loc[0]])
		if loc := channelSuffixRE.FindStringIndex(t); loc != nil && loc[0] > 0 {
			t = strings.TrimSpace(t[:loc[0]])
		}
	}
	return t
}

// cutLastSegment cuts a last segment that reads like a name, most likely
// the site's, from a <title> that was not cut by name: "Story - The Site",
// but not "Story - what happens next".
func cutLastSegment(t string) string {
	seps := titleSepRE.FindAllStringIndex(t, -1)
	if len(seps) == 0 {
		return t
	}
	last := seps[len(seps)-1]
	head, tail := strings.TrimSpace(t[:last[0]]), t[last[1]:]
	if head == "" || !isTitleSized(head) {
		return t
	}
	if hasIdeographs(tail) && utf8.RuneCountInString(tail) <= 10 || !hasIdeographs(tail) && isNameLike(tail) {
		return head
	}
	return t
}

// isNameLike reports whether s reads like a site's name: up to three
// words, each capitalised, or a domain name.
func isNameLike(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 3 {
		return false
	}
	if len(words) == 1 && strings.Contains(s, ".") {
		return true
	}
	for _, w := range words {
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
