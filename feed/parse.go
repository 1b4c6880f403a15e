package feed

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/mmcdole/gofeed"
)

// ErrEmpty is returned for a document with no content at all.
var ErrEmpty = errors.New("empty document")

// Parse reads an RSS, Atom or JSON feed whose encoding is known only from
// the document itself. See ParseContentType.
func Parse(r io.Reader) (*gofeed.Feed, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	return ParseContentType(data, "")
}

// ParseContentType reads an RSS, Atom, JSON Feed or RSS-in-JSON feed served with the given
// Content-Type header ("" when unknown). The text is decoded to UTF-8 first,
// honouring a byte order mark, then the header's charset, then the XML
// declaration; UTF-8 wins over a declaration the bytes contradict, and an
// encoding nothing declares usably is detected. A feed that does not parse
// as it stands is mended where a careful reader could still read it (see
// repair) and parsed once more; if the mended feed has neither a title nor
// an item, the first error stands. Dates the parser leaves unread in other
// languages are read, and an RSS item without a link takes its permalink
// guid.
func ParseContentType(data []byte, contentType string) (*gofeed.Feed, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("parse: %w", ErrEmpty)
	}
	parsed, _, err := parseDocument(data, contentType)
	return parsed, err
}

// parseDocument decodes and parses data, repairing it if it must, and says
// how the encoding was settled.
func parseDocument(data []byte, contentType string) (*gofeed.Feed, decoded, error) {
	var dec decoded
	parsed, err := guard(func() (*gofeed.Feed, error) {
		dec = decode(data, contentType)
		if rss, ok := rssInJSON(dec.data); ok {
			dec.data = rss
		}
		return readFeed(dec.data)
	})
	if err == nil {
		return parsed, dec, nil
	}
	if !looksLikeXML(dec.data) {
		return nil, dec, fmt.Errorf("parse: %w", err)
	}
	retried, rerr := guard(func() (*gofeed.Feed, error) {
		fixed := repair(dec.data)
		if bytes.Equal(fixed, dec.data) {
			return nil, err
		}
		return readFeed(fixed)
	})
	if rerr != nil || len(retried.Items) == 0 && retried.Title == "" {
		// A mended document that yields nothing, no title and no item, is
		// the broken document it was.
		return nil, dec, fmt.Errorf("parse: %w", err)
	}
	return retried, dec, nil
}

// readFeed parses a UTF-8 document and completes what the parser leaves:
// dates in other languages and forms, links given only as permalink guids.
func readFeed(data []byte) (*gofeed.Feed, error) {
	parsed, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	fillDates(parsed)
	permalinkGUIDs(parsed, data)
	return parsed, nil
}

// guard turns a panic inside the parser into an error: a hostile feed must
// never take the daemon down.
func guard(f func() (*gofeed.Feed, error)) (parsed *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			parsed, err = nil, fmt.Errorf("parser panic: %v", r)
		}
	}()
	parsed, err = f()
	if err == nil && parsed == nil {
		err = errors.New("no feed")
	}
	return parsed, err
}

// looksLikeXML reports whether a document is markup rather than JSON.
func looksLikeXML(data []byte) bool {
	trimmed := bytes.TrimSpace(data)
	return len(trimmed) > 0 && trimmed[0] != '{' && trimmed[0] != '['
}
