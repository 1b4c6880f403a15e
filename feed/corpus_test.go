package feed

import (
	"bufio"
	"fmt"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// Floors for TestCorpusConformance, set from what the corpus reaches (see
// the score table with -v). Parsing and mojibake have no slack.
const (
	floorCount    = 1.0
	floorTitles   = 1.0
	floorLinks    = 0.99
	floorDates    = 1.0
	floorEncoding = 1.0
)

// Kinds of check.
const (
	kindCount = iota
	kindTitle
	kindLink
	kindDate
	kindEncoding
	kindOther
	kinds
)

var kindNames = [kinds]string{"items", "titles", "links", "dates", "encoding", "other"}

type tally struct{ checked, matched int }

// conformance gathers the checks of one run over the corpus.
type conformance struct {
	files, parsed, items, mojibake int
	sources                        map[string]*[kinds]tally
	misses                         []string
	unread                         []string
}

func (c *conformance) check(source string, kind int, ok bool, file, format string, args ...any) {
	if c.sources[source] == nil {
		c.sources[source] = &[kinds]tally{}
	}
	t := &c.sources[source][kind]
	t.checked++
	if ok {
		t.matched++
		return
	}
	c.misses = append(c.misses, fmt.Sprintf("%s: %s %s: %s", file, source, kindNames[kind], fmt.Sprintf(format, args...)))
}

func (c *conformance) total(kind int) tally {
	var sum tally
	for _, s := range c.sources {
		sum.checked += s[kind].checked
		sum.matched += s[kind].matched
	}
	return sum
}

// TestCorpusConformance parses every feed of the shared corpus and compares
// what it reads with what independent readers read: rss-parser's and
// gofeed's expected outputs, the Expect lines of feedparser's tests, the
// item counts and encodings of FEATURES.tsv, and a reading of each real feed
// with encoding/xml or encoding/json. Titles are compared after decoding
// HTML entities and collapsing white space, dates as instants.
func TestCorpusConformance(t *testing.T) {
	dir := sharedDir(t, "corpus/feeds")
	features := readFeatures(t, filepath.Join(dir, "FEATURES.tsv"))
	c := &conformance{sources: map[string]*[kinds]tally{}}
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.Contains(e.Name(), "-expected.") ||
			strings.HasSuffix(path, ".tsv") || strings.HasSuffix(path, ".md") {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		c.files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		parsed, dec, err := parseDocument(data, "")
		if err != nil {
			c.misses = append(c.misses, fmt.Sprintf("%s: not parsed: %v", rel, err))
			return nil
		}
		c.parsed++
		c.items += len(parsed.Items)
		if m := contentLocation.FindSubmatch(data[:min(len(data), 1024)]); m != nil {
			// As Fetch does with the header the test states.
			base, err := url.Parse(string(m[1]))
			if err != nil {
				t.Fatalf("%s: %v", rel, err)
			}
			resolveLinks(parsed, base)
		}
		for _, text := range feedTexts(parsed) {
			if why := mojibake(text); why != "" {
				c.mojibake++
				c.misses = append(c.misses, fmt.Sprintf("%s: mojibake %s in %.80q", rel, why, text))
			}
		}
		if row, ok := features["feeds/"+rel]; ok {
			c.checkReal(rel, data, parsed, dec, row)
		}
		if ref, ok, err := rssParserReference(rssParserExpected(path)); err != nil {
			t.Errorf("%s: rss-parser expectation: %v", rel, err)
		} else if ok {
			c.compare(rel, ref, parsed)
		}
		if g := strings.TrimSuffix(path, ".xml") + ".gofeed-expected.json"; strings.Contains(rel, "edge-cases/gofeed/") {
			ref, err := gofeedReference(g)
			if err != nil {
				t.Errorf("%s: gofeed expectation: %v", rel, err)
			} else {
				c.compare(rel, ref, parsed)
			}
		}
		for _, x := range feedparserExpectations(data) {
			c.checkFeedparser(rel, x, parsed, dec)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c.report(t)
}

// checkReal checks a real feed against FEATURES.tsv and an independent
// reading.
func (c *conformance) checkReal(rel string, data []byte, parsed *gofeed.Feed, dec decoded, row featureRow) {
	if n, err := strconv.Atoi(row.items); err == nil {
		c.check("FEATURES.tsv", kindCount, n == len(parsed.Items), rel, "read %d items, FEATURES.tsv counts %d", len(parsed.Items), n)
	}
	label := documentedCharset(row.declared, row.format, rel)
	want := "utf-8"
	if label != "" {
		want = canonicalCharset(label)
	}
	c.check("FEATURES.tsv", kindEncoding, dec.charset == want, rel, "decoded as %s (%s), documented %s", dec.charset, dec.source, want)
	ref, err := independentReference(data, label)
	if err != nil {
		c.misses = append(c.misses, fmt.Sprintf("%s: independent reading failed: %v", rel, err))
		return
	}
	c.compare(rel, ref, parsed)
}

// compare checks the items of a feed against a reference, item by item.
func (c *conformance) compare(rel string, ref reference, parsed *gofeed.Feed) {
	if ref.count >= 0 {
		c.check(ref.source, kindCount, ref.count == len(parsed.Items), rel, "read %d items, reference %d", len(parsed.Items), ref.count)
	}
	for i, want := range ref.items {
		if i >= len(parsed.Items) {
			break
		}
		got := parsed.Items[i]
		if want.title != nil {
			c.check(ref.source, kindTitle, sameText(got.Title, *want.title, ref.wildcard), rel, "item %d title %q, reference %q", i, got.Title, *want.title)
		}
		if want.link != nil {
			c.check(ref.source, kindLink, strings.TrimSpace(got.Link) == strings.TrimSpace(*want.link), rel, "item %d link %q, reference %q", i, got.Link, *want.link)
		}
		if want.date != nil {
			c.check(ref.source, kindDate, sameInstant(got, *want.date), rel, "item %d date %v/%v, reference %v", i, got.PublishedParsed, got.UpdatedParsed, *want.date)
		} else if want.rawDate != "" {
			c.unread = append(c.unread, fmt.Sprintf("%s: %s item %d date %q", rel, ref.source, i, want.rawDate))
		}
	}
}

var (
	tupleNumbers = regexp.MustCompile(`\d+`)
	dictEntry    = regexp.MustCompile(`'(\w+)':\s*'([^']*)'`)
	xhtmlDiv     = regexp.MustCompile(`^<div>(.*)</div>$`)
	// contentLocation is the response header a feedparser test is served
	// with.
	contentLocation = regexp.MustCompile(`(?m)^\s*Header:\s*Content-Location:\s*(\S+)`)
)

// checkFeedparser checks one assertion of a feedparser test.
func (c *conformance) checkFeedparser(rel string, x feedparserExpect, parsed *gofeed.Feed, dec decoded) {
	const src = "feedparser"
	var item *gofeed.Item
	field := x.field
	if m := regexp.MustCompile(`^entries\[(\d+)\]\.?`).FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[1])
		if n >= len(parsed.Items) {
			c.check(src, kindCount, false, rel, "%s: only %d items", field, len(parsed.Items))
			return
		}
		item, field = parsed.Items[n], "entry."+field[len(m[0]):]
	}
	switch field {
	case "encoding":
		c.check(src, kindEncoding, dec.charset == canonicalCharset(x.want), rel, "decoded as %s (%s), expected %s", dec.charset, dec.source, x.want)
	case "feed.title", "feed.title_detail.value":
		// feedparser keeps the <div> that holds XHTML text, which is no
		// part of the text (RFC 4287, 3.1.1.3).
		want := xhtmlDiv.ReplaceAllString(x.want, "$1")
		c.check(src, kindTitle, sameText(parsed.Title, want, false), rel, "feed title %q, expected %q", parsed.Title, x.want)
	case "entry.title":
		c.check(src, kindTitle, sameText(item.Title, x.want, false), rel, "title %q, expected %q", item.Title, x.want)
	case "entry.link", "entry.links[0].href":
		c.check(src, kindLink, item.Link == x.want, rel, "link %q, expected %q", item.Link, x.want)
	case "entry.id":
		c.check(src, kindOther, item.GUID == x.want, rel, "id %q, expected %q", item.GUID, x.want)
	case "entry.description":
		c.check(src, kindOther, item.Description == x.want, rel, "description %q, expected %q", item.Description, x.want)
	case "entry.published_parsed":
		n := tupleNumbers.FindAllString(x.want, -1)
		v := make([]int, len(n))
		for i := range n {
			v[i], _ = strconv.Atoi(n[i])
		}
		ok := len(v) >= 6 && item.PublishedParsed != nil &&
			item.PublishedParsed.Equal(time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], 0, time.UTC))
		c.check(src, kindDate, ok, rel, "published %v, expected %s", item.PublishedParsed, x.want)
	default:
		if m := regexp.MustCompile(`^entry\.enclosures\[(\d+)\]$`).FindStringSubmatch(field); m != nil {
			k, _ := strconv.Atoi(m[1])
			want := map[string]string{}
			for _, e := range dictEntry.FindAllStringSubmatch(x.want, -1) {
				want[e[1]] = e[2]
			}
			ok := k < len(item.Enclosures) && item.Enclosures[k].URL == want["href"] &&
				item.Enclosures[k].Length == want["length"] && item.Enclosures[k].Type == want["type"]
			c.check(src, kindOther, ok, rel, "enclosure %d of %d, expected %s", k, len(item.Enclosures), x.want)
			return
		}
		c.check(src, kindOther, false, rel, "%s == %s: no counterpart in the parsed feed", x.field, x.want)
	}
}

// report logs the score table and the misses, and fails below the floors.
func (c *conformance) report(t *testing.T) {
	t.Logf("files %d, parsed %d (%.1f%%), items %d, mojibake found %d", c.files, c.parsed, pct(c.parsed, c.files), c.items, c.mojibake)
	t.Logf("%-14s %-12s %-12s %-12s %-12s %-12s %-12s", "reference", "items", "titles", "links", "dates", "encoding", "other")
	names := make([]string, 0, len(c.sources))
	for name := range c.sources {
		names = append(names, name)
	}
	sort.Strings(names)
	row := func(name string, ts [kinds]tally) {
		cells := make([]any, 0, kinds+1)
		cells = append(cells, name)
		for _, tl := range ts {
			cells = append(cells, fmt.Sprintf("%d/%d", tl.matched, tl.checked))
		}
		t.Logf("%-14s %-12s %-12s %-12s %-12s %-12s %-12s", cells...)
	}
	var all [kinds]tally
	for _, name := range names {
		row(name, *c.sources[name])
	}
	for k := range all {
		all[k] = c.total(k)
	}
	row("total", all)
	for _, m := range c.misses {
		t.Logf("miss: %s", m)
	}
	for _, u := range c.unread {
		t.Logf("not compared (date the test reader does not read): %s", u)
	}
	if c.parsed != c.files {
		t.Errorf("parsed %d of %d files", c.parsed, c.files)
	}
	if c.mojibake > 0 {
		t.Errorf("%d texts with mojibake", c.mojibake)
	}
	for _, f := range []struct {
		kind  int
		floor float64
	}{{kindCount, floorCount}, {kindTitle, floorTitles}, {kindLink, floorLinks}, {kindDate, floorDates}, {kindEncoding, floorEncoding}} {
		tl := all[f.kind]
		if tl.checked == 0 {
			t.Errorf("no %s checked", kindNames[f.kind])
			continue
		}
		if got := float64(tl.matched) / float64(tl.checked); got < f.floor {
			t.Errorf("%s matched %d/%d = %.3f, floor %.3f", kindNames[f.kind], tl.matched, tl.checked, got, f.floor)
		}
	}
}

func pct(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}

// rssParserExpected names rss-parser's expected output for a feed:
// "x.atom.rss-parser-expected.json", or "x.rss-parser-expected.json" for
// "x.rss".
func rssParserExpected(path string) string {
	if p := path + ".rss-parser-expected.json"; fileExists(p) {
		return p
	}
	return strings.TrimSuffix(path, ".rss") + ".rss-parser-expected.json"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// featureRow is a line of FEATURES.tsv.
type featureRow struct {
	format, declared, items string
}

func readFeatures(t *testing.T, path string) map[string]featureRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]featureRow{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 5 || cols[0] == "file" {
			continue
		}
		rows[cols[0]] = featureRow{format: cols[2], declared: cols[3], items: cols[4]}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatal("FEATURES.tsv lists no feed")
	}
	return rows
}

// feedTexts returns the texts of a feed a reader sees.
func feedTexts(f *gofeed.Feed) []string {
	texts := []string{f.Title, f.Description}
	for _, it := range f.Items {
		texts = append(texts, it.Title, it.Description, it.Content)
	}
	return texts
}

// sameText compares titles after decoding entities and collapsing white
// space. With wildcard, U+FFFD in want stands for one non-ASCII character.
func sameText(got, want string, wildcard bool) bool {
	got, want = normText(got), normText(want)
	if !wildcard || !strings.ContainsRune(want, '\uFFFD') {
		return got == want
	}
	parts := strings.Split(want, "\uFFFD")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	// A character the reference could not decode may be a no-break space,
	// which collapsing turned into a space.
	re, err := regexp.Compile(`^` + strings.Join(parts, `(?:[^\x00-\x7F]| )`) + `$`)
	return err == nil && re.MatchString(got)
}

func normText(s string) string {
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// sameInstant reports whether an item's published or updated time is when.
func sameInstant(it *gofeed.Item, when time.Time) bool {
	return it.PublishedParsed != nil && it.PublishedParsed.Equal(when) ||
		it.UpdatedParsed != nil && it.UpdatedParsed.Equal(when)
}

// mojibakeAfter are the characters that follow a lead-byte character when
// UTF-8 is read as Latin-1 or windows-1252: continuation bytes 0x80-0xBF.
const mojibakeAfter = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"

// mojibake says why a text looks wrongly decoded, or "" when it does not:
// U+FFFD, a C1 control character, or a UTF-8 lead byte read as Latin-1
// ("Ã©", "Ã¨", "Â ", "â€™").
func mojibake(s string) string {
	prev := rune(0)
	for _, r := range s {
		switch {
		case r == '\uFFFD':
			return "U+FFFD"
		case r >= 0x80 && r <= 0x9F:
			return fmt.Sprintf("C1 control U+%04X", r)
		case prev >= 0xC2 && prev <= 0xDF && (r >= 0xA0 && r <= 0xBF || strings.ContainsRune(mojibakeAfter, r)):
			return fmt.Sprintf("%q", string([]rune{prev, r}))
		case prev == 'â' && (r == '€' || r == '\u0080'):
			return `"â€"`
		}
		prev = r
	}
	return ""
}
