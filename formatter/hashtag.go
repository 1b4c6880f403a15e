package formatter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Hashtags turns topics into hashtags: "Middle East" becomes "#MiddleEast".
// Only letters (of any script), combining marks, digits and underscores
// are kept, the characters Telegram links in a hashtag, and a tag needs a
// letter: Telegram does not link "#2024". Empty tags and repeats (compared case-insensitively) are
// skipped; each tag keeps at most 64 runes and at most MaxTopics tags are
// returned.
func Hashtags(topics []string) []string {
	var tags []string
	seen := make(map[string]bool)
	for _, t := range topics {
		tag := hashtag(t)
		k := strings.ToLower(tag)
		if tag == "" || seen[k] {
			continue
		}
		seen[k] = true
		tags = append(tags, "#"+tag)
		if len(tags) == MaxTopics {
			break
		}
	}
	return tags
}

// hashtag returns the body of the hashtag for topic, without the '#'.
func hashtag(topic string) string {
	var b strings.Builder
	n, word := 0, false
	for _, r := range strings.ToValidUTF8(topic, "") {
		switch {
		case unicode.IsLetter(r):
			word = true
		case unicode.IsDigit(r), r == '_':
		case unicode.In(r, unicode.Mn, unicode.Mc) && n > 0:
		default:
			continue
		}
		b.WriteRune(r)
		n++
	}
	if !word {
		return ""
	}
	tag := b.String()
	if n <= maxTopic {
		return tag
	}
	end := 0
	for i := 0; i < maxTopic; i++ {
		_, size := utf8.DecodeRuneInString(tag[end:])
		end += size
	}
	return tag[:graphemeStart(tag, end)]
}
