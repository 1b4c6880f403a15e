package feed

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// How a document's encoding was settled, in the order they are tried.
const (
	fromBOM         = "byte order mark"
	fromUTF8        = "valid UTF-8"
	fromHTTP        = "HTTP charset"
	fromDeclaration = "XML declaration"
	fromDetection   = "detection"
)

// decoded is a document turned into UTF-8.
type decoded struct {
	data []byte
	// charset is the canonical (WHATWG) name of the source encoding.
	charset string
	// source says what settled it: one of the from* constants.
	source string
}

// decode turns a feed document into UTF-8. It honours, in this order, a byte
// order mark, the charset of the HTTP Content-Type, and the encoding of the
// XML declaration. A declaration is wrong when the bytes say otherwise: text
// that is valid UTF-8 and not plain ASCII is taken as UTF-8 whatever was
// declared, and a declared encoding the bytes do not decode in is passed
// over. When nothing usable is declared the encoding is detected. The XML
// declaration of the result no longer names an encoding, so the XML parser
// reads it as the UTF-8 it now is.
func decode(data []byte, contentType string) decoded {
	if d, ok := decodeBOM(data); ok {
		d.data = dropDeclaredEncoding(d.data)
		return d
	}
	var declared []labelSource
	if label := httpCharset(contentType); label != "" {
		declared = append(declared, labelSource{label, fromHTTP})
	}
	if label := declaredEncoding(data); label != "" {
		declared = append(declared, labelSource{label, fromDeclaration})
	}
	d := decodeDeclared(data, declared)
	d.data = dropDeclaredEncoding(d.data)
	return d
}

// labelSource is a declared encoding label and where it was declared.
type labelSource struct {
	label, source string
}

func decodeDeclared(data []byte, declared []labelSource) decoded {
	ascii := isASCII(data)
	if !ascii && utf8.Valid(data) {
		return decoded{data: data, charset: "utf-8", source: fromUTF8}
	}
	for _, d := range declared {
		enc, name := lookupEncoding(d.label)
		switch {
		case enc == nil, name == "utf-16le", name == "utf-16be":
			// UTF-16 shows itself by its first bytes (decodeBOM): a
			// document that could be read this far is not UTF-16.
			continue
		case name == "utf-8":
			if ascii {
				return decoded{data: data, charset: name, source: d.source}
			}
			continue // invalid UTF-8: the declaration is wrong
		case ascii && name != "iso-2022-jp":
			return decoded{data: data, charset: name, source: d.source}
		}
		// Non-ASCII text, or the 7-bit ISO-2022-JP.
		out, bad := decodeWith(enc, data)
		if bad == 0 {
			return decoded{data: out, charset: name, source: d.source}
		}
	}
	if ascii {
		return decoded{data: data, charset: "utf-8", source: fromUTF8}
	}
	name := detectCharset(data)
	enc, _ := lookupEncoding(name)
	out, _ := decodeWith(enc, data)
	return decoded{data: out, charset: name, source: fromDetection}
}

// decodeBOM decodes a document that starts with a byte order mark, or a
// UTF-16 one whose first character shows its byte order.
func decodeBOM(data []byte) (decoded, bool) {
	var enc encoding.Encoding
	var name string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return decoded{data: data[3:], charset: "utf-8", source: fromBOM}, true
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{'<', 0, '?', 0, 'x', 0}):
		enc, name = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0, '<', 0, '?', 0, 'x'}):
		enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
	default:
		return decoded{}, false
	}
	out, _ := decodeWith(enc, data)
	return decoded{data: out, charset: name, source: fromBOM}, true
}

// lookupEncoding returns the encoding for a label and its canonical name, or
// nil for a label that names no encoding a feed could be read in.
func lookupEncoding(label string) (encoding.Encoding, string) {
	enc, err := htmlindex.Get(strings.TrimSpace(label))
	if err != nil {
		return nil, ""
	}
	name, err := htmlindex.Name(enc)
	if err != nil || name == "replacement" || name == "x-user-defined" {
		return nil, ""
	}
	switch name {
	case "utf-8":
		return encoding.Nop, name
	case "gbk":
		// GB18030 decodes everything GBK does and more.
		return simplifiedchinese.GB18030, name
	}
	return enc, name
}

// decodeWith decodes data and counts the bytes it could not decode.
func decodeWith(enc encoding.Encoding, data []byte) ([]byte, int) {
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return data, len(data)
	}
	return out, bytes.Count(out, []byte("\uFFFD")) - bytes.Count(data, []byte("\uFFFD"))
}

// httpCharset returns the charset parameter of a Content-Type header.
func httpCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// xmlDeclaration finds the XML declaration near the start of a document and
// returns its bounds, or -1s. Blank space, comments and other processing
// instructions may precede it: some feeds carry a comment first.
func xmlDeclaration(data []byte) (start, end int) {
	head := data[:min(len(data), 4096)]
	i := 0
	for i < len(head) {
		switch {
		case isSpace(head[i]):
			i++
		case bytes.HasPrefix(head[i:], []byte("<!--")):
			n := bytes.Index(head[i+4:], []byte("-->"))
			if n < 0 {
				return -1, -1
			}
			i += 4 + n + 3
		case bytes.HasPrefix(head[i:], []byte("<?")):
			n := bytes.Index(head[i:], []byte("?>"))
			if n < 0 {
				return -1, -1
			}
			if bytes.HasPrefix(head[i:], []byte("<?xml")) && i+5 < len(head) && isSpace(head[i+5]) {
				return i, i + n + 2
			}
			i += n + 2
		default:
			return -1, -1
		}
	}
	return -1, -1
}

// declaredEncoding returns the encoding named by the XML declaration.
func declaredEncoding(data []byte) string {
	start, end := xmlDeclaration(data)
	if start < 0 {
		return ""
	}
	v, _, _ := encodingAttr(data[start:end])
	return v
}

// encodingAttr finds the encoding pseudo-attribute in an XML declaration and
// returns its value and the bounds of the whole attribute.
func encodingAttr(decl []byte) (value string, start, end int) {
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 || !isSpace(decl[i-1]) {
		return "", -1, -1
	}
	j := i + len("encoding")
	for j < len(decl) && isSpace(decl[j]) {
		j++
	}
	if j >= len(decl) || decl[j] != '=' {
		return "", -1, -1
	}
	j++
	for j < len(decl) && isSpace(decl[j]) {
		j++
	}
	if j >= len(decl) || decl[j] != '"' && decl[j] != '\'' {
		return "", -1, -1
	}
	q := decl[j]
	k := bytes.IndexByte(decl[j+1:], q)
	if k < 0 {
		return "", -1, -1
	}
	return string(decl[j+1 : j+1+k]), i - 1, j + 1 + k + 1
}

// dropDeclaredEncoding removes the encoding from the XML declaration of a
// document already decoded to UTF-8, so that it is not decoded twice.
func dropDeclaredEncoding(data []byte) []byte {
	start, end := xmlDeclaration(data)
	if start < 0 {
		return data
	}
	_, as, ae := encodingAttr(data[start:end])
	if as < 0 {
		return data
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:start+as]...)
	return append(out, data[start+ae:]...)
}

func isASCII(data []byte) bool {
	for _, b := range data {
		if b >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r'
}
