package config

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
)

// ReadFeedsFile reads the feed URLs of HERALD_FEEDS_FILE: either an OPML
// document, as feed readers export their subscriptions (every outline's
// xmlUrl, nested outlines included), or plain text with one URL per line,
// where blank lines and lines starting with # are skipped. The URLs are
// not checked here: Validate checks them with those of HERALD_FEEDS.
func ReadFeedsFile(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read feeds file: %w", err)
	}
	if text := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))); bytes.HasPrefix(text, []byte("<")) {
		urls, err := parseOPML(text)
		if err != nil {
			return nil, fmt.Errorf("read feeds file %s as OPML: %w", path, err)
		}
		return urls, nil
	}
	var urls []string
	for line := range strings.Lines(string(data)) {
		line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff"))
		if line != "" && !strings.HasPrefix(line, "#") {
			urls = append(urls, line)
		}
	}
	return urls, nil
}

// outline is an OPML outline: a feed when it has an xmlUrl, a folder when
// it holds outlines.
type outline struct {
	XMLURL   string    `xml:"xmlUrl,attr"`
	Outlines []outline `xml:"outline"`
}

func parseOPML(data []byte) ([]string, error) {
	var doc struct {
		XMLName xml.Name
		Body    struct {
			Outlines []outline `xml:"outline"`
		} `xml:"body"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.XMLName.Local != "opml" {
		return nil, fmt.Errorf("the document is <%s>, not <opml>", doc.XMLName.Local)
	}
	var urls []string
	var walk func([]outline)
	walk = func(os []outline) {
		for _, o := range os {
			if u := strings.TrimSpace(o.XMLURL); u != "" {
				urls = append(urls, u)
			}
			walk(o.Outlines)
		}
	}
	walk(doc.Body.Outlines)
	return urls, nil
}
