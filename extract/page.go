package extract

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/heraldhq/herald"
	"golang.org/x/net/html"
)

// ErrNoArticle is returned by FromPage for a page with neither a headline
// nor any text.
var ErrNoArticle = errors.New("extract: page has no headline or text")

// maxPageSize bounds how much of a page FromPage reads.
const maxPageSize = 16 << 20

// FromPage builds an Article from an article page's HTML. pageURL is where
// the page was fetched from; it resolves relative links and stands in for
// a missing canonical link. Metadata comes first from the page's JSON-LD
// (NewsArticle and kin: headline, datePublished, image, articleSection,
// keywords, publisher), then from Open Graph, Dublin Core and other meta
// tags, then from the page itself (<title>, <h1>). The headline is cleaned
// of the site's name and sections around it ("Story | Site"). The lead is
// the first real paragraph of the story's container: the element that
// names itself the article body, else the element the page's paragraphs
// sit in.
func FromPage(r io.Reader, pageURL string) (herald.Article, error) {
	doc, err := goquery.NewDocumentFromReader(io.LimitReader(r, maxPageSize))
	if err != nil {
		return herald.Article{}, fmt.Errorf("extract: parse page %s: %w", pageURL, err)
	}
	ld := findLinkedData(doc)
	meta := pageMeta(doc)

	var a herald.Article
	a.Headline = pageHeadline(doc, ld, meta, pageURL)

	canonical, _ := doc.Find(`link[rel~="canonical"]`).First().Attr("href")
	link := firstNonEmpty(strings.TrimSpace(canonical), meta["og:url"], ld.url, pageURL)
	if !isAbsolute(link) {
		link = resolve(pageURL, link)
	}
	a.URL = CanonicalURL(link)
	a.Key = "url:" + a.URL
	if a.URL == "" {
		a.Key = ""
	}

	a.Published = firstTime(ld.published, meta["article:published_time"], meta["og:published_time"],
		meta["datepublished"], meta["parsely-pub-date"], meta["pubdate"], meta["dc.date.issued"],
		meta["date"], ld.modified, meta["article:modified_time"])

	img, _ := doc.Find(`link[rel="image_src"]`).First().Attr("href")
	for _, c := range []string{ld.image, meta["og:image"], meta["og:image:url"], meta["og:image:secure_url"],
		meta["twitter:image"], meta["twitter:image:src"], img} {
		if strings.Contains(c, "&amp;") {
			// An attribute escaped twice: "?w=1&amp;h=2".
			c = html.UnescapeString(c)
		}
		if l := resolve(pageURL, c); isAbsolute(l) {
			a.Image = l
			break
		}
	}

	a.Topics = pageTopics(doc, ld)
	a.Source = firstNonEmpty(Text(ld.publisher), Text(meta["og:site_name"]), hostOf(pageURL), hostOf(a.URL))

	leadText := pageLead(doc, a.Headline)
	a.Dateline, a.Lead = SplitDateline(leadText, a.Published)
	a.Body = pageBody(doc)
	if a.Headline == "" && a.Lead == "" {
		return a, ErrNoArticle
	}
	if a.Headline == "" {
		a.Headline = firstWords(a.Lead, 12)
	}
	return a, nil
}

// bodySelectors find the element holding a story's text, most specific
// first.
var bodySelectors = []string{
	`[itemprop="articleBody"]`,
	`.article-body, .article__body, .articleBody, .story-body, .story-content, .entry-content, .post-content, .article-content, #article-body, .article-text`,
	`article`,
	`[role="main"]`,
	`main`,
	`body`,
}

// pageLead finds the lead in the page's story body: the first container
// that holds a real lead, else the best short paragraph of the first that
// holds any text.
func pageLead(doc *goquery.Document, headline string) string {
	fallback := ""
	for _, sel := range bodySelectors {
		nodes := doc.Find(sel).Nodes
		if sel == "body" {
			// No element names the story: look for the element its
			// paragraphs sit in before reading the whole page.
			if n := storyContainer(doc.Nodes[0]); n != nil {
				if l, real := pickLead(nodeBlocks(n), headline); real {
					return l
				}
			}
		}
		if len(nodes) == 0 {
			continue
		}
		if sel == "article" || sel == "main" || sel == `[role="main"]` {
			// Several of these are teasers around the story: take the
			// one with the most text.
			nodes = []*html.Node{richest(nodes)}
		} else {
			nodes = outermost(nodes)
		}
		l, real := pickLead(nodeBlocks(nodes...), headline)
		if real {
			return l
		}
		if fallback == "" {
			fallback = l
		}
	}
	if fallback == "" {
		fallback, _ = pickLead(nodeBlocks(doc.Nodes...), headline)
	}
	return fallback
}

// pageBody returns the story's prose paragraphs, for search: those of the
// element that names itself the article body, else of the element the
// page's paragraphs sit in. Link-only blocks (menus, teasers) are left out.
func pageBody(doc *goquery.Document) string {
	var nodes []*html.Node
	for _, sel := range bodySelectors[:len(bodySelectors)-1] {
		if found := doc.Find(sel).Nodes; len(found) > 0 {
			nodes = []*html.Node{richest(found)}
			break
		}
	}
	if nodes == nil && len(doc.Nodes) > 0 {
		if n := storyContainer(doc.Nodes[0]); n != nil {
			nodes = []*html.Node{n}
		}
	}
	var paras []string
	for _, b := range nodeBlocks(nodes...) {
		if b.kind == kindPara && !b.links && b.text != "" {
			paras = append(paras, b.text)
		}
	}
	return Body(strings.Join(paras, "\n\n"))
}

// richest returns the node holding the most paragraph text, so that a
// teaser <article> does not win over the story's own.
func richest(nodes []*html.Node) *html.Node {
	best, bestLen := nodes[0], -1
	for _, n := range nodes {
		size := 0
		goquery.NewDocumentFromNode(n).Find("p").Each(func(_ int, p *goquery.Selection) {
			size += len(p.Text())
		})
		if size > bestLen {
			best, bestLen = n, size
		}
	}
	return best
}

// outermost returns the nodes that are not inside another of them, in
// document order; a story split over several containers is read whole.
func outermost(nodes []*html.Node) []*html.Node {
	in := make(map[*html.Node]bool, len(nodes))
	for _, n := range nodes {
		in[n] = true
	}
	var out []*html.Node
	for _, n := range nodes {
		nested := false
		for p := n.Parent; p != nil && !nested; p = p.Parent {
			nested = in[p]
		}
		if !nested {
			out = append(out, n)
		}
	}
	return out
}

// pageMeta collects the page's meta tags by lower-cased property, name or
// itemprop. A property attribute may hold several names separated by
// spaces, as RDFa allows. A property wins over a name, which wins over an
// itemprop ("og:title" is a property; some pages write it as a name too);
// among tags of one kind, the first wins. Names written with a dot
// ("DC.title") are also kept with a colon ("dc:title").
func pageMeta(doc *goquery.Document) map[string]string {
	meta := map[string]string{}
	tags := doc.Find("meta")
	for _, attr := range []string{"property", "name", "itemprop"} {
		tags.Each(func(_ int, m *goquery.Selection) {
			content, ok := m.Attr("content")
			if !ok {
				return
			}
			content = strings.TrimSpace(content)
			v, ok := m.Attr(attr)
			if !ok || content == "" {
				return
			}
			keys := []string{strings.ToLower(strings.TrimSpace(v))}
			if attr == "property" {
				keys = strings.Fields(keys[0])
			} else if dc := strings.Replace(keys[0], ".", ":", 1); dc != keys[0] && strings.HasPrefix(dc, "dc") {
				keys = append(keys, dc)
			}
			for _, k := range keys {
				if _, seen := meta[k]; !seen && k != "" {
					meta[k] = content
				}
			}
		})
	}
	return meta
}

// pageTopics returns a page's topics: its JSON-LD articleSection and
// article:section tags, then its JSON-LD keywords and article:tag tags
// (one tag holding a list is split), normalised by Topics.
func pageTopics(doc *goquery.Document, ld linkedData) []string {
	var all []string
	all = append(all, ld.sections...)
	all = append(all, metaAll(doc, "article:section")...)
	all = append(all, ld.keywords...)
	for _, tag := range metaAll(doc, "article:tag") {
		all = append(all, splitTags(tag)...)
	}
	return Topics(all...)
}

// tagListRE matches a comma with no space after it, as in a list of tags
// written into one tag ("Oceans,New Zealand,Whales"); a comma and a space
// may belong to one tag ("Mayer, Marissa").
var tagListRE = regexp.MustCompile(`,\S`)

// splitTags splits a tag that holds a list of tags.
func splitTags(tag string) []string {
	if !tagListRE.MatchString(tag) {
		return []string{tag}
	}
	return splitList(tag, ",")
}

// metaAll returns the contents of every meta tag with the given property
// (or name, as some pages write it).
func metaAll(doc *goquery.Document, property string) []string {
	var out []string
	doc.Find("meta").Each(func(_ int, m *goquery.Selection) {
		c, ok := m.Attr("content")
		if !ok || strings.TrimSpace(c) == "" {
			return
		}
		p, _ := m.Attr("property")
		n, _ := m.Attr("name")
		for _, k := range append(strings.Fields(p), strings.TrimSpace(n)) {
			if strings.EqualFold(k, property) {
				out = append(out, c)
				return
			}
		}
	})
	return out
}

// timeLayouts are the forms pages write publication times in.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	time.DateOnly,
	time.RFC1123Z,
	time.RFC1123,
	time.RFC850,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"January 2, 2006 15:04",
	"January 2, 2006",
	"Jan 2, 2006",
	"2 January 2006",
	"20060102",
}

// parseTime reads a publication time in any of timeLayouts; times without
// a zone are taken as UTC. The result is in UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// firstTime returns the first of the strings that parses as a time.
func firstTime(ss ...string) time.Time {
	for _, s := range ss {
		if t, ok := parseTime(s); ok {
			return t
		}
	}
	return time.Time{}
}
