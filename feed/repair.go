package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// maxRepairs bounds how many unterminated CDATA sections repair closes
// before it falls back to cutting the document short.
const maxRepairs = 16

// repair mends the mistakes of ill-formed XML feeds that a careful reader
// can still read: junk before the prolog, C0 control characters, bare
// ampersands, CDATA sections left open and a document cut off before its
// end. It works on UTF-8. A document cut off inside an item loses that item,
// since its link or text may be truncated; the items before it are kept. It
// returns the input unchanged when there is nothing it knows to mend.
func repair(data []byte) []byte {
	data = stripLeadingJunk(data)
	data = dropControlChars(data)
	data = escapeBareAmpersands(data)
	for range maxRepairs {
		fixed, again := closeDocument(data)
		data = fixed
		if !again {
			break
		}
	}
	return data
}

// stripLeadingJunk drops what comes before the XML declaration, or before the
// first markup when there is none: server warnings, stray text, blank lines.
func stripLeadingJunk(data []byte) []byte {
	head := data[:min(len(data), 4096)]
	if i := bytes.Index(head, []byte("<?xml")); i > 0 {
		return data[i:]
	}
	if i := bytes.IndexByte(data, '<'); i > 0 {
		return data[i:]
	}
	return data
}

// dropControlChars removes the C0 control characters XML forbids.
func dropControlChars(data []byte) []byte {
	if bytes.IndexFunc(data, isForbiddenControl) < 0 {
		return data
	}
	return bytes.Map(func(r rune) rune {
		if isForbiddenControl(r) {
			return -1
		}
		return r
	}, data)
}

func isForbiddenControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r'
}

// escapeBareAmpersands escapes every '&' that does not start an entity or
// character reference, outside comments, CDATA sections and processing
// instructions.
func escapeBareAmpersands(data []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '<':
			if end := skipVerbatim(data, i); end > i {
				i = end - 1
			}
		case '&':
			if isReference(data[i+1:]) {
				continue
			}
			if out == nil {
				out = make([]byte, 0, len(data)+64)
			}
			out = append(out, data[last:i+1]...)
			out = append(out, "amp;"...)
			last = i + 1
		}
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}

// skipVerbatim returns the end of the comment, CDATA section or processing
// instruction starting at i, or i when none starts there. An unterminated one
// runs to the end.
func skipVerbatim(data []byte, i int) int {
	rest := data[i:]
	var closer string
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		closer = "-->"
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		closer = "]]>"
	case bytes.HasPrefix(rest, []byte("<?")):
		closer = "?>"
	default:
		return i
	}
	n := bytes.Index(rest[2:], []byte(closer))
	if n < 0 {
		return len(data)
	}
	return i + 2 + n + len(closer)
}

// isReference reports whether b, the text after an '&', starts with a
// character reference or an entity name and its ';'.
func isReference(b []byte) bool {
	n := 0
	switch {
	case len(b) > 1 && b[0] == '#' && (b[1] == 'x' || b[1] == 'X'):
		n = 2
		for n < len(b) && isHex(b[n]) {
			n++
		}
		if n == 2 {
			return false
		}
	case len(b) > 0 && b[0] == '#':
		n = 1
		for n < len(b) && b[n] >= '0' && b[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
	default:
		for n < len(b) && n < 64 && (isNameByte(b[n]) || n > 0 && (b[n] >= '0' && b[n] <= '9' || b[n] == '-' || b[n] == '.')) {
			n++
		}
		if n == 0 {
			return false
		}
	}
	return n < len(b) && b[n] == ';'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

// openElement is an element whose end tag has not been read yet.
type openElement struct {
	name  string
	start int64
}

// closeDocument reads data as XML, the way the feed parser does, up to its
// first error. An unterminated CDATA section is closed before the end tag of
// its element when there is one, and again reports that data should be read
// once more. Otherwise the document is cut where reading failed, or before
// the item it failed in, and the elements still open are closed.
func closeDocument(data []byte) (fixed []byte, again bool) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	var stack []openElement
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) && len(stack) == 0 {
			return data, false
		}
		if err != nil {
			return cutAndClose(data, before, stack)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, openElement{name: qualified(data, before, t.Name), start: before})
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
}

// qualified returns the element name as written at offset, prefix and all,
// so that it can be closed by name.
func qualified(data []byte, offset int64, name xml.Name) string {
	rest := data[offset:]
	if len(rest) > 1 && rest[0] == '<' {
		end := bytes.IndexAny(rest[1:], " \t\r\n/>")
		if end > 0 {
			return string(rest[1 : 1+end])
		}
	}
	return name.Local
}

// cutAndClose mends the document where reading failed, at offset, with the
// given elements open.
func cutAndClose(data []byte, offset int64, stack []openElement) ([]byte, bool) {
	rest := data[offset:]
	if i := bytes.Index(rest, []byte("<![CDATA[")); i >= 0 && !bytes.Contains(rest[i:], []byte("]]>")) && len(stack) > 0 {
		at := int(offset) + i
		closer := []byte("</" + stack[len(stack)-1].name + ">")
		if j := bytes.Index(data[at:], closer); j >= 0 {
			out := make([]byte, 0, len(data)+3)
			out = append(out, data[:at+j]...)
			out = append(out, "]]>"...)
			return append(out, data[at+j:]...), true
		}
	}
	cut := offset
	for i := len(stack) - 1; i >= 0; i-- {
		if isItem(stack[i].name) {
			cut = stack[i].start
			stack = stack[:i]
			break
		}
	}
	out := make([]byte, 0, int(cut)+64)
	out = append(out, bytes.TrimRight(data[:cut], " \t\r\n")...)
	for i := len(stack) - 1; i >= 0; i-- {
		out = append(out, "</"+stack[i].name+">"...)
	}
	return out, false
}

// isItem reports whether an element is a feed entry.
func isItem(name string) bool {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return name == "item" || name == "entry"
}
