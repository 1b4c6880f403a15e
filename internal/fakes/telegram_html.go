package fakes

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// TelegramEntity is a formatting entity of a message, in UTF-16 code
// units as Telegram counts them.
type TelegramEntity struct {
	Type          string `json:"type"`
	Offset        int    `json:"offset"`
	Length        int    `json:"length"`
	URL           string `json:"url,omitempty"`
	Language      string `json:"language,omitempty"`
	CustomEmojiID string `json:"custom_emoji_id,omitempty"`
}

// htmlTags maps the tags Telegram's HTML parse mode accepts to the entity
// types they make.
var htmlTags = map[string]string{
	"b": "bold", "strong": "bold",
	"i": "italic", "em": "italic",
	"u": "underline", "ins": "underline",
	"s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
	"span": "spoiler", "tg-spoiler": "spoiler",
	"a":          "text_link",
	"code":       "code",
	"pre":        "pre",
	"blockquote": "blockquote",
	"tg-emoji":   "custom_emoji",
}

// parseTelegramHTML parses text in Telegram's HTML parse mode the way the
// Bot API server does (tdlib's parse_html), and returns the visible text
// and its entities. The error text is what follows "can't parse
// entities: " in Telegram's description.
//
// It is stricter than the server in one respect, following the Bot API
// documentation rather than tdlib's leniency: outside tags, every '&' must
// begin one of &lt; &gt; &amp; &quot; or a numeric reference &#N; / &#xN;
// ending in ';'. The server keeps an unrecognised '&' literally, but the
// documentation says to escape it.
func parseTelegramHTML(text string) (string, []TelegramEntity, error) {
	type open struct {
		tag, arg string
		begin    int // UTF-16 offset in the output
		ents     int // entities when the tag opened
		order    int // how many tags opened before this one
	}
	var (
		out    strings.Builder
		off    int // UTF-16 length of out
		stack  []open
		opened int
		ents   []TelegramEntity
		orders []int // the order of each entity's tag, for sorting
	)
	if !utf8.ValidString(text) {
		return "", nil, newEntityError("Strings must be encoded in UTF-8")
	}
	n := len(text)
	at := func(i int) byte {
		if i < n {
			return text[i]
		}
		return 0
	}
	for i := 0; i < n; {
		c := text[i]
		if c == '&' {
			r, next, ok := decodeHTMLEntity(text, i, true)
			if !ok {
				return "", nil, newEntityError("Character '&' at byte offset %d does not begin a supported HTML entity; escape it as \"&amp;\"", i)
			}
			out.WriteRune(r)
			off += utf16Len(r)
			i = next
			continue
		}
		if c != '<' {
			r, size := utf8.DecodeRuneInString(text[i:])
			out.WriteString(text[i : i+size])
			off += utf16Len(r)
			i += size
			continue
		}
		begin := i
		i++
		if at(i) != '/' {
			for i < n && !isHTMLSpace(text[i]) && text[i] != '>' {
				i++
			}
			if i >= n {
				return "", nil, newEntityError("Unclosed start tag at byte offset %d", begin)
			}
			tag := strings.ToLower(text[begin+1 : i])
			if _, ok := htmlTags[tag]; !ok {
				return "", nil, newEntityError("Unsupported start tag \"%s\" at byte offset %d", tag, begin)
			}
			arg := ""
			for at(i) != '>' {
				for i < n && isHTMLSpace(text[i]) {
					i++
				}
				if at(i) == '>' {
					break
				}
				attrBegin := i
				for i < n && !isHTMLSpace(text[i]) && text[i] != '=' && text[i] != '>' {
					i++
				}
				name := text[attrBegin:i]
				if name == "" {
					return "", nil, newEntityError("Empty attribute name in the tag \"%s\" at byte offset %d", tag, begin)
				}
				for i < n && isHTMLSpace(text[i]) {
					i++
				}
				if at(i) != '=' && tag == "blockquote" && name == "expandable" {
					arg = "1" // the one attribute that may go without a value
					continue
				}
				if at(i) != '=' {
					return "", nil, newEntityError("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", tag, begin)
				}
				i++
				for i < n && isHTMLSpace(text[i]) {
					i++
				}
				if i >= n {
					return "", nil, newEntityError("Unclosed start tag \"%s\" at byte offset %d", tag, begin)
				}
				var value string
				if q := text[i]; q != '\'' && q != '"' {
					tokenBegin := i
					for i < n && (isASCIIAlnum(text[i]) || text[i] == '.' || text[i] == '-') {
						i++
					}
					value = strings.ToLower(text[tokenBegin:i])
					if c := at(i); !isHTMLSpace(c) && c != '>' {
						return "", nil, newEntityError("Unexpected end of name token at byte offset %d", tokenBegin)
					}
				} else {
					i++
					var v strings.Builder
					for i < n && text[i] != q {
						if text[i] == '&' {
							if r, next, ok := decodeHTMLEntity(text, i, false); ok {
								v.WriteRune(r)
								i = next
								continue
							}
						}
						v.WriteByte(text[i])
						i++
					}
					if i >= n {
						return "", nil, newEntityError("Unclosed start tag at byte offset %d", begin)
					}
					i++
					value = v.String()
				}
				switch {
				case tag == "a" && name == "href":
					arg = value
				case tag == "code" && name == "class" && strings.HasPrefix(value, "language-"):
					arg = value[len("language-"):]
				case tag == "span" && name == "class" && strings.HasPrefix(value, "tg-"):
					arg = value[len("tg-"):]
				case tag == "tg-emoji" && name == "emoji-id":
					arg = value
				case tag == "blockquote" && name == "expandable":
					arg = "1"
				}
			}
			if tag == "span" && arg != "spoiler" {
				return "", nil, newEntityError("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
			}
			if tag == "tg-emoji" {
				if id, err := strconv.ParseInt(arg, 10, 64); err != nil || id == 0 {
					return "", nil, newEntityError("Invalid custom emoji identifier specified")
				}
			}
			stack = append(stack, open{tag: tag, arg: arg, begin: off, ents: len(ents), order: opened})
			opened++
			i++ // past '>'
			continue
		}
		// An end tag.
		if len(stack) == 0 {
			return "", nil, newEntityError("Unexpected end tag at byte offset %d", begin)
		}
		for i < n && !isHTMLSpace(text[i]) && text[i] != '>' {
			i++
		}
		endName := text[begin+2 : i]
		for i < n && isHTMLSpace(text[i]) {
			i++
		}
		if at(i) != '>' {
			return "", nil, newEntityError("Unclosed end tag at byte offset %d", begin)
		}
		i++
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if endName != "" && endName != top.tag {
			return "", nil, newEntityError("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.tag, endName)
		}
		if off <= top.begin {
			continue // empty entities are dropped
		}
		e := TelegramEntity{Type: htmlTags[top.tag], Offset: top.begin, Length: off - top.begin}
		switch top.tag {
		case "a":
			e.URL = top.arg
			if e.URL == "" {
				e.URL = string(utf16.Decode(utf16.Encode([]rune(out.String()))[top.begin:off]))
			}
		case "code":
			e.Language = top.arg
		case "pre":
			// <pre><code class="language-x">...</code></pre> is one pre
			// entity with a language.
			if k := len(ents) - 1; k >= top.ents && ents[k].Type == "code" && ents[k].Offset == e.Offset && ents[k].Length == e.Length {
				e.Language = ents[k].Language
				ents, orders = ents[:k], orders[:k]
			}
		case "blockquote":
			if top.arg != "" {
				e.Type = "expandable_blockquote"
			}
		case "tg-emoji":
			e.CustomEmojiID = top.arg
		}
		ents = append(ents, e)
		orders = append(orders, top.order)
	}
	if len(stack) > 0 {
		return "", nil, newEntityError("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].tag)
	}
	for k := range ents {
		if ents[k].Type == "code" {
			ents[k].Language = "" // only pre entities carry a language
		}
	}
	// Entities go by offset, longer first, outer first.
	idx := make([]int, len(ents))
	for k := range idx {
		idx[k] = k
	}
	sort.Slice(idx, func(a, b int) bool {
		ea, eb := ents[idx[a]], ents[idx[b]]
		if ea.Offset != eb.Offset {
			return ea.Offset < eb.Offset
		}
		if ea.Length != eb.Length {
			return ea.Length > eb.Length
		}
		return orders[idx[a]] < orders[idx[b]]
	})
	sorted := make([]TelegramEntity, len(ents))
	for k, i := range idx {
		sorted[k] = ents[i]
	}
	return out.String(), sorted, nil
}

// entityError is a reason Telegram gives for refusing a text's entities,
// in Telegram's words.
type entityError string

func (e entityError) Error() string { return string(e) }

func newEntityError(format string, args ...any) error {
	return entityError(fmt.Sprintf(format, args...))
}

// decodeHTMLEntity decodes the character reference at text[i], which is
// '&', and returns the character and the index after the reference. In
// strict mode the reference must end with ';'.
func decodeHTMLEntity(text string, i int, strict bool) (rune, int, bool) {
	n := len(text)
	j := i + 1
	var r rune
	if j < n && text[j] == '#' {
		j++
		hex := j < n && text[j] == 'x'
		if hex {
			j++
		}
		start := j
		for j < n && (hex && isHexDigit(text[j]) || !hex && text[j] >= '0' && text[j] <= '9') {
			j++
		}
		if j == start || j-i >= 10 {
			return 0, 0, false
		}
		base := 10
		if hex {
			base = 16
		}
		v, err := strconv.ParseInt(text[start:j], base, 32)
		if err != nil || v <= 0 || v >= 0x10ffff || (v >= 0xd800 && v <= 0xdfff) {
			return 0, 0, false
		}
		r = rune(v)
	} else {
		for j < n && isASCIIAlpha(text[j]) {
			j++
		}
		switch text[i+1 : j] {
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "amp":
			r = '&'
		case "quot":
			r = '"'
		default:
			return 0, 0, false
		}
	}
	if j < n && text[j] == ';' {
		return r, j + 1, true
	}
	if strict {
		return 0, 0, false
	}
	return r, j, true
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isASCIIAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isASCIIAlnum(c byte) bool { return isASCIIAlpha(c) || c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// utf16Len is how many UTF-16 code units r takes.
func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// utf16Count is how many UTF-16 code units s takes: Telegram's length.
func utf16Count(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Len(r)
	}
	return n
}
