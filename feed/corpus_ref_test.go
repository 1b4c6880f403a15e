package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
)

// refItem is one item as a reference reads it. A nil field is one the
// reference says nothing about.
type refItem struct {
	title, link *string
	date        *time.Time
	// rawDate is a date the reference gives but the test could not read.
	rawDate string
}

// reference is what one independent reader says a feed holds.
type reference struct {
	source string
	// count is the number of items, or -1 when the reference gives none.
	count int
	items []refItem
	// wildcard: U+FFFD in the reference stands for one non-ASCII character
	// it failed to decode.
	wildcard bool
}

func strp(s string) *string { return &s }

// rssParserReference reads rss-parser's expected output for a feed.
func rssParserReference(path string) (reference, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return reference{}, false, nil
	}
	if err != nil {
		return reference{}, false, err
	}
	ref := reference{source: "rss-parser"}
	if !utf8.Valid(data) {
		// The expected output of a Latin-1 feed holds its raw bytes.
		data, _ = charmap.ISO8859_1.NewDecoder().Bytes(data)
	}
	ref.wildcard = bytes.Contains(data, []byte("\uFFFD"))
	var doc struct {
		Feed struct {
			Items []struct {
				Title   *string `json:"title"`
				Link    *string `json:"link"`
				IsoDate *string `json:"isoDate"`
			} `json:"items"`
		} `json:"feed"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return reference{}, false, err
	}
	ref.count = len(doc.Feed.Items)
	for _, it := range doc.Feed.Items {
		r := refItem{title: it.Title, link: it.Link}
		if it.IsoDate != nil {
			if d, err := time.Parse(time.RFC3339, *it.IsoDate); err == nil {
				r.date = &d
			} else {
				r.rawDate = *it.IsoDate
			}
		}
		ref.items = append(ref.items, r)
	}
	return ref, true, nil
}

// gofeedReference reads gofeed's own expected output for one of its test
// inputs: parser tests list "items" or "entries", translator tests "items".
func gofeedReference(path string) (reference, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return reference{}, err
	}
	var doc struct {
		Items   []map[string]json.RawMessage `json:"items"`
		Entries []map[string]json.RawMessage `json:"entries"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return reference{}, err
	}
	items := append(doc.Items, doc.Entries...)
	ref := reference{source: "gofeed", count: len(items)}
	for _, it := range items {
		var r refItem
		var s string
		if json.Unmarshal(it["title"], &s) == nil {
			r.title = strp(s)
		}
		if json.Unmarshal(it["link"], &s) == nil {
			r.link = strp(s)
		}
		for _, k := range []string{"pubDateParsed", "publishedParsed", "updatedParsed"} {
			if json.Unmarshal(it[k], &s) == nil {
				if d, err := time.Parse(time.RFC3339, s); err == nil {
					r.date = &d
					break
				}
			}
		}
		ref.items = append(ref.items, r)
	}
	return ref, nil
}

// feedparserExpect is one assertion from the comment that opens a
// feedparser test: Expect: not bozo and entries[0]['link'] == '...'.
type feedparserExpect struct {
	field string // "entries[0].link", "feed.title", "encoding", ...
	want  string
}

var (
	expectLine  = regexp.MustCompile(`(?m)^\s*Expect:\s*(.*?)\s*$`)
	expectTerm  = regexp.MustCompile(`((?:entries\[\d+\]|feed)(?:\.\w+|\['\w+'\]|\[\d+\])*|encoding)\s*==\s*('(?:[^'\\]|\\.)*'|\([\d, ]+\)|\{[^}]*\})`)
	expectIndex = regexp.MustCompile(`\['(\w+)'\]`)
)

// feedparserExpectations reads the Expect line of a feedparser test.
func feedparserExpectations(data []byte) []feedparserExpect {
	m := expectLine.FindSubmatch(data[:min(len(data), 1024)])
	if m == nil {
		return nil
	}
	var out []feedparserExpect
	for _, t := range expectTerm.FindAllStringSubmatch(string(m[1]), -1) {
		field := expectIndex.ReplaceAllString(t[1], ".$1")
		want := t[2]
		if strings.HasPrefix(want, "'") {
			want = strings.ReplaceAll(want[1:len(want)-1], `\'`, `'`)
		}
		out = append(out, feedparserExpect{field: field, want: want})
	}
	return out
}

// independentReference reads the items of a feed with encoding/xml or
// encoding/json, without the feed parser, from bytes decoded with the
// encoding the corpus documents for the file (label; "" for UTF-8).
func independentReference(data []byte, label string) (reference, error) {
	ref := reference{source: "xml reading", count: 0}
	if label != "" && !strings.EqualFold(label, "utf-8") {
		enc, err := ianaindex.IANA.Encoding(label)
		if err != nil || enc == nil {
			enc, err = htmlindex.Get(label)
			if err != nil {
				return ref, err
			}
		}
		if data, err = enc.NewDecoder().Bytes(data); err != nil {
			return ref, err
		}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		ref.source = "json reading"
		return jsonReference(t, ref)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var (
		item      *refItem
		itemSpace string
		depth     int
		itemDepth int
		child     *xml.StartElement
		text      strings.Builder
		dates     map[string]string
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return ref, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case item == nil && (t.Name.Local == "item" || t.Name.Local == "entry"):
				item, itemSpace, itemDepth, dates = &refItem{}, t.Name.Space, depth, map[string]string{}
			case item != nil && depth == itemDepth+1:
				c := t.Copy()
				child = &c
				text.Reset()
				if c.Name.Space == itemSpace && c.Name.Local == "link" && item.link == nil {
					if href, rel := attr(c, "href"), attr(c, "rel"); href != "" && (rel == "" || rel == "alternate") {
						item.link = strp(href)
					}
				}
			}
		case xml.CharData:
			if child != nil {
				text.Write(t)
			}
		case xml.EndElement:
			if item != nil && depth == itemDepth+1 && child != nil {
				v := strings.TrimSpace(text.String())
				switch {
				case child.Name.Space == itemSpace && child.Name.Local == "title" && item.title == nil:
					item.title = strp(text.String())
				case child.Name.Space == itemSpace && child.Name.Local == "link" && item.link == nil && attr(*child, "href") == "":
					item.link = strp(v)
				case child.Name.Space == itemSpace && (child.Name.Local == "pubDate" || child.Name.Local == "published" || child.Name.Local == "updated"),
					child.Name.Space == "http://purl.org/dc/elements/1.1/" && child.Name.Local == "date":
					if _, ok := dates[child.Name.Local]; !ok {
						dates[child.Name.Local] = v
					}
				}
				child = nil
			}
			if item != nil && depth == itemDepth {
				for _, k := range []string{"pubDate", "published", "date", "updated"} {
					if v, ok := dates[k]; ok {
						if when, ok := parseRefDate(v); ok {
							item.date = &when
						} else {
							item.rawDate = v
						}
						break
					}
				}
				ref.items = append(ref.items, *item)
				item = nil
			}
			depth--
		}
	}
	ref.count = len(ref.items)
	return ref, nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// jsonReference reads a JSON Feed, or RSS expressed as JSON.
func jsonReference(data []byte, ref reference) (reference, error) {
	var doc struct {
		Items []struct {
			Title     *string `json:"title"`
			URL       *string `json:"url"`
			Published string  `json:"date_published"`
			Modified  string  `json:"date_modified"`
		} `json:"items"`
		RSS *struct {
			Channel struct {
				Item []struct {
					Title   *string `json:"title"`
					Link    *string `json:"link"`
					PubDate string  `json:"pubDate"`
				} `json:"item"`
			} `json:"channel"`
		} `json:"rss"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return ref, err
	}
	add := func(title, link *string, date string) {
		r := refItem{title: title, link: link}
		if date != "" {
			if when, ok := parseRefDate(date); ok {
				r.date = &when
			} else {
				r.rawDate = date
			}
		}
		ref.items = append(ref.items, r)
	}
	for _, it := range doc.Items {
		date := it.Published
		if date == "" {
			date = it.Modified
		}
		add(it.Title, it.URL, date)
	}
	if doc.RSS != nil {
		for _, it := range doc.RSS.Channel.Item {
			add(it.Title, it.Link, it.PubDate)
		}
	}
	ref.count = len(ref.items)
	return ref, nil
}

// refDateLayouts are the date forms the corpus feeds write.
var refDateLayouts = []string{
	time.RFC1123Z, time.RFC1123, time.RFC3339Nano,
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04 -0700", "2 Jan 2006 15:04:05 -0700",
	"2006-01-02T15:04:05-0700", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05",
	"2006-01-02", "2006/1/2 15:04:05",
}

// portugueseDate turns the Portuguese day and month abbreviations of a
// date ("Seg, 24 Set 2018") into English ones.
var portugueseDate = strings.NewReplacer(
	"Dom,", "Sun,", "Seg,", "Mon,", "Ter,", "Tue,", "Qua,", "Wed,", "Qui,", "Thu,", "Sex,", "Fri,", "Sáb,", "Sat,",
	" Fev ", " Feb ", " Abr ", " Apr ", " Mai ", " May ", " Ago ", " Aug ", " Set ", " Sep ", " Out ", " Oct ", " Dez ", " Dec ")

// parseRefDate reads a date in one of refDateLayouts. Zone abbreviations
// other than GMT and UTC are not read: their offset is unknown.
func parseRefDate(s string) (time.Time, bool) {
	s = portugueseDate.Replace(strings.Join(strings.Fields(s), " "))
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 1e9 {
		return time.Unix(n, 0), true
	}
	for _, layout := range refDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if name, off := t.Zone(); off == 0 && name != "" && name != "GMT" && name != "UTC" && name != "Z" {
				continue
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// documentedCharset returns the encoding the corpus documents for a feed:
// the declared encoding from FEATURES.tsv, else the one its format note or
// file name gives ("bytes are ISO-8859-1", "…-iso8859-1.rss"), else "".
func documentedCharset(declared, format, name string) string {
	if declared != "" && declared != "-" {
		return declared
	}
	if m := regexp.MustCompile(`bytes are ([A-Za-z0-9_-]+)`).FindStringSubmatch(format); m != nil {
		return m[1]
	}
	if m := regexp.MustCompile(`(?i)iso-?8859-(\d+)`).FindStringSubmatch(name); m != nil {
		return "ISO-8859-" + m[1]
	}
	return ""
}

// canonicalCharset names an encoding label the way decode does.
func canonicalCharset(label string) string {
	_, name := lookupEncoding(label)
	return name
}
