package websub

import (
	"html"
	"net/http"
	"net/url"
	"strings"
)

// Discover finds the hub and the topic (the rel="self" URL) a publisher
// advertises for a document fetched from fetchedURL, the address after
// redirects. The HTTP Link headers take precedence over the links in the
// body: <link> elements of Atom feeds and HTML pages and <atom:link>
// elements of RSS channels. Relative URLs are resolved against fetchedURL.
// When several hubs are advertised, the first one wins. Without a rel="self"
// link the topic is fetchedURL. ok is false when no hub is advertised.
func Discover(header http.Header, body []byte, fetchedURL string) (hub, topic string, ok bool) {
	base, err := url.Parse(fetchedURL)
	if err != nil || !isHTTP(base) {
		return "", "", false
	}
	headerHubs, headerSelves := parseLinkHeader(header.Values("Link"))
	bodyHubs, bodySelves := scanLinks(body)
	hub = first(base, headerHubs, bodyHubs)
	topic = first(base, headerSelves, bodySelves)
	if topic == "" {
		topic = base.String()
	}
	return hub, topic, hub != ""
}

// first returns the first of the references, in order of the lists, that
// resolves against base to an http or https URL.
func first(base *url.URL, lists ...[]string) string {
	for _, refs := range lists {
		for _, ref := range refs {
			u, err := base.Parse(strings.TrimSpace(ref))
			if err == nil && isHTTP(u) {
				u.Fragment = ""
				return u.String()
			}
		}
	}
	return ""
}

func isHTTP(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// relTokens adds target to hubs and selves by the space-separated relation
// types in rel.
func relTokens(rel, target string, hubs, selves *[]string) {
	for _, r := range strings.Fields(rel) {
		switch strings.ToLower(r) {
		case "hub":
			*hubs = append(*hubs, target)
		case "self":
			*selves = append(*selves, target)
		}
	}
}

// parseLinkHeader reads RFC 8288 Link header values: comma-separated
// "<target>; param=value" links, with quoted-string parameter values. It
// returns the targets whose first rel parameter names hub and self.
func parseLinkHeader(values []string) (hubs, selves []string) {
	for _, v := range values {
		for {
			v = strings.TrimLeft(v, " \t,")
			if v == "" {
				break
			}
			if v[0] != '<' {
				v = skipLink(v)
				continue
			}
			end := strings.IndexByte(v, '>')
			if end < 0 {
				break
			}
			target := v[1:end]
			v = v[end+1:]
			rel, found := "", false
			for {
				v = strings.TrimLeft(v, " \t")
				if v == "" || v[0] == ',' {
					break
				}
				if v[0] != ';' {
					v = skipLink(v)
					break
				}
				var name, value string
				name, value, v = linkParam(v[1:])
				if strings.EqualFold(name, "rel") && !found {
					rel, found = value, true
				}
			}
			relTokens(rel, target, &hubs, &selves)
		}
	}
	return hubs, selves
}

// linkParam reads one "name=value" or "name" parameter at the start of s
// and returns it and what follows.
func linkParam(s string) (name, value, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, "=;, \t")
	if i < 0 {
		return s, "", ""
	}
	name, s = s[:i], strings.TrimLeft(s[i:], " \t")
	if s == "" || s[0] != '=' {
		return name, "", s
	}
	s = strings.TrimLeft(s[1:], " \t")
	if s != "" && s[0] == '"' {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
			case c == '"':
				return name, b.String(), s[i+1:]
			default:
				b.WriteByte(c)
			}
		}
		return name, b.String(), ""
	}
	i = strings.IndexAny(s, ";, \t")
	if i < 0 {
		return name, s, ""
	}
	return name, s[:i], s[i:]
}

// skipLink drops s up to the next comma outside a quoted string: the rest
// of a link that cannot be read.
func skipLink(s string) string {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return s[i+1:]
			}
		}
	}
	return ""
}

// scanLinks finds the rel=hub and rel=self <link> elements of a feed or an
// HTML page, with any namespace prefix (<atom:link>). It stops at the first
// Atom entry or RSS item, whose own links describe the item, not the feed.
// Comments and CDATA sections are skipped.
func scanLinks(body []byte) (hubs, selves []string) {
	s := string(body)
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return hubs, selves
		}
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "<!--"):
			s = after(s, "-->")
			continue
		case strings.HasPrefix(s, "<![CDATA["):
			s = after(s, "]]>")
			continue
		}
		n := 1
		for n < len(s) && isNameByte(s[n]) {
			n++
		}
		name := strings.ToLower(s[1:n])
		if c := strings.LastIndexByte(name, ':'); c >= 0 {
			name = name[c+1:]
		}
		s = s[n:]
		switch name {
		case "entry", "item":
			return hubs, selves
		case "link":
			var attrs map[string]string
			attrs, s = tagAttrs(s)
			if href, ok := attrs["href"]; ok {
				relTokens(attrs["rel"], href, &hubs, &selves)
			}
		}
	}
}

func after(s, end string) string {
	i := strings.Index(s, end)
	if i < 0 {
		return ""
	}
	return s[i+len(end):]
}

func isNameByte(c byte) bool {
	return c == ':' || c == '-' || c == '_' || c == '.' ||
		'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// tagAttrs reads the attributes of a start tag up to its closing '>'; names
// are lower-cased and values unescaped. It returns what follows the tag.
func tagAttrs(s string) (map[string]string, string) {
	attrs := make(map[string]string)
	for {
		s = strings.TrimLeft(s, " \t\r\n/")
		if s == "" {
			return attrs, ""
		}
		if s[0] == '>' {
			return attrs, s[1:]
		}
		n := 0
		for n < len(s) && !strings.ContainsRune(" \t\r\n=>/", rune(s[n])) {
			n++
		}
		if n == 0 {
			// A stray '=': skip it.
			s = s[1:]
			continue
		}
		name := strings.ToLower(s[:n])
		s = strings.TrimLeft(s[n:], " \t\r\n")
		if s == "" || s[0] != '=' {
			attrs[name] = ""
			continue
		}
		s = strings.TrimLeft(s[1:], " \t\r\n")
		var value string
		if s != "" && (s[0] == '"' || s[0] == '\'') {
			end := strings.IndexByte(s[1:], s[0])
			if end < 0 {
				return attrs, ""
			}
			value, s = s[1:end+1], s[end+2:]
		} else {
			end := strings.IndexAny(s, " \t\r\n>")
			if end < 0 {
				end = len(s)
			}
			value, s = s[:end], s[end:]
		}
		if _, dup := attrs[name]; !dup {
			attrs[name] = html.UnescapeString(value)
		}
	}
}
