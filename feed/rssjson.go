package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"sort"
	"strconv"
	"strings"
)

// rssInJSON rewrites an "RSS in JSON" document (RSS 2.0 expressed as JSON,
// {"rss": {"channel": {..., "item": [...]}}}, as Scripting News publishes
// it) as the RSS it stands for, so that the RSS parser reads it. ok is false
// for any other document, JSON Feed included.
func rssInJSON(data []byte) (rss []byte, ok bool) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' || !bytes.Contains(trimmed[:min(len(trimmed), 256)], []byte(`"rss"`)) {
		return nil, false
	}
	var doc struct {
		RSS *struct {
			Version string                     `json:"version"`
			Channel map[string]json.RawMessage `json:"channel"`
		} `json:"rss"`
	}
	if err := json.Unmarshal(trimmed, &doc); err != nil || doc.RSS == nil || doc.RSS.Channel == nil {
		return nil, false
	}
	version := doc.RSS.Version
	if version == "" {
		version = "2.0"
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><rss version="`)
	xml.EscapeText(&b, []byte(version))
	b.WriteString(`"><channel>`)
	writeJSONFields(&b, doc.RSS.Channel, "item")
	if raw, ok := doc.RSS.Channel["item"]; ok {
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			var one map[string]json.RawMessage
			if json.Unmarshal(raw, &one) == nil {
				items = append(items, one)
			}
		}
		for _, item := range items {
			b.WriteString("<item>")
			writeJSONFields(&b, item, "")
			b.WriteString("</item>")
		}
	}
	b.WriteString("</channel></rss>")
	return b.Bytes(), true
}

// writeJSONFields writes the members of a JSON object as RSS elements: text
// members as text, arrays as repeated elements, objects of plain values as
// attributes (enclosure, guid, cloud). Namespaced members and skip are left
// out.
func writeJSONFields(b *bytes.Buffer, fields map[string]json.RawMessage, skip string) {
	names := make([]string, 0, len(fields))
	for name := range fields {
		if name != skip && isPlainName(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		var list []json.RawMessage
		if json.Unmarshal(fields[name], &list) != nil {
			list = []json.RawMessage{fields[name]}
		}
		for _, v := range list {
			writeJSONElement(b, name, v)
		}
	}
}

func writeJSONElement(b *bytes.Buffer, name string, v json.RawMessage) {
	var attrs map[string]json.RawMessage
	if json.Unmarshal(v, &attrs) == nil {
		keys := make([]string, 0, len(attrs))
		for k := range attrs {
			if isPlainName(k) && k != "value" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		b.WriteString("<" + name)
		for _, k := range keys {
			if s, ok := jsonScalar(attrs[k]); ok {
				b.WriteString(" " + k + `="`)
				xml.EscapeText(b, []byte(s))
				b.WriteString(`"`)
			}
		}
		b.WriteString(">")
		if s, ok := jsonScalar(attrs["value"]); ok {
			xml.EscapeText(b, []byte(s))
		}
		b.WriteString("</" + name + ">")
		return
	}
	s, ok := jsonScalar(v)
	if !ok {
		return
	}
	b.WriteString("<" + name + ">")
	xml.EscapeText(b, []byte(s))
	b.WriteString("</" + name + ">")
}

// jsonScalar returns a JSON string, number or boolean as text.
func jsonScalar(v json.RawMessage) (string, bool) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s, true
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		return n.String(), true
	}
	var t bool
	if json.Unmarshal(v, &t) == nil {
		return strconv.FormatBool(t), true
	}
	return "", false
}

// isPlainName reports whether a member name can stand as an element name
// without a namespace.
func isPlainName(name string) bool {
	if name == "" || strings.ContainsRune(name, ':') || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
