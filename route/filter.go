package route

import (
	"regexp"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
)

// Filter says which articles a route takes. Topics, keywords and regular
// expressions include: with none of them every article is included, with
// some an article must match at least one, of any kind. The Not lists
// exclude: an article that matches any of them is left out. A non-empty
// Feeds keeps only the articles of those feeds.
type Filter struct {
	// Topics match an article that has a topic with the same
	// herald.TopicKey, as a /follow of the topic does.
	Topics []string
	// Keywords match an article whose headline or lead holds one of
	// them as whole words, in order (herald.Article.Words): case and
	// accents do not matter.
	Keywords []string
	// Regexps match an article whose headline and lead, joined by a
	// newline, match one of them.
	Regexps []*regexp.Regexp

	NotTopics   []string
	NotKeywords []string
	NotRegexps  []*regexp.Regexp

	// Feeds are feed URLs, as in HERALD_FEEDS, compared with the
	// article's Feed.
	Feeds []string
}

// IsZero reports whether the filter takes every article.
func (f Filter) IsZero() bool {
	return len(f.Topics) == 0 && len(f.Keywords) == 0 && len(f.Regexps) == 0 &&
		len(f.NotTopics) == 0 && len(f.NotKeywords) == 0 && len(f.NotRegexps) == 0 && len(f.Feeds) == 0
}

// Match reports whether the filter takes the article.
func (f Filter) Match(a herald.Article) bool {
	v := newView(a)
	includes := len(f.Topics) > 0 || len(f.Keywords) > 0 || len(f.Regexps) > 0
	if includes && !v.anyTopic(keys(f.Topics)) && !v.anyKeyword(keys(f.Keywords)) && !v.anyRegexp(f.Regexps) {
		return false
	}
	if v.anyTopic(keys(f.NotTopics)) || v.anyKeyword(keys(f.NotKeywords)) || v.anyRegexp(f.NotRegexps) {
		return false
	}
	return len(f.Feeds) == 0 || slices.Contains(f.Feeds, a.Feed)
}

func keys(items []string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		if k := herald.TopicKey(it); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// view is an article with the forms filters compare, each computed once
// and only when asked for.
type view struct {
	a         herald.Article
	topicKeys []string
	topicsOK  bool
	words     string
	text      string
	folded    string
	// matched holds, by Router.regexps index, whether the text matched
	// (1), did not (-1), or was not tried yet (0).
	matched []int8
}

func newView(a herald.Article) *view { return &view{a: a} }

// topics returns the TopicKeys of the article's topics.
func (v *view) topics() []string {
	if !v.topicsOK {
		v.topicsOK = true
		for _, t := range v.a.Topics {
			if k := herald.TopicKey(t); k != "" {
				v.topicKeys = append(v.topicKeys, k)
			}
		}
	}
	return v.topicKeys
}

// wordString returns herald.Article.Words.
func (v *view) wordString() string {
	if v.words == "" {
		v.words = v.a.Words()
	}
	return v.words
}

// regexpText returns the text regular expressions are matched against.
func (v *view) regexpText() string {
	if v.text == "" {
		v.text = v.a.Headline + "\n" + v.a.Lead
	}
	return v.text
}

// foldedText returns the fold form of regexpText, for the literals of
// case-insensitive regular expressions.
func (v *view) foldedText() string {
	if v.folded == "" {
		v.folded = fold(v.regexpText())
	}
	return v.folded
}

func (v *view) anyTopic(keys []string) bool {
	if len(keys) == 0 {
		return false
	}
	for _, k := range v.topics() {
		if slices.Contains(keys, k) {
			return true
		}
	}
	return false
}

func (v *view) anyKeyword(keys []string) bool {
	if len(keys) == 0 {
		return false
	}
	words := v.wordString()
	for _, k := range keys {
		if containsWords(words, k) {
			return true
		}
	}
	return false
}

func (v *view) anyRegexp(res []*regexp.Regexp) bool {
	if len(res) == 0 {
		return false
	}
	text := v.regexpText()
	for _, re := range res {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

// containsWords reports whether words (as Article.Words returns them)
// holds key (a TopicKey) as whole words, without building " "+key+" ".
func containsWords(words, key string) bool {
	for i := 0; ; {
		j := strings.Index(words[i:], key)
		if j < 0 {
			return false
		}
		j += i
		if words[j-1] == ' ' && j+len(key) < len(words) && words[j+len(key)] == ' ' {
			return true
		}
		i = j + 1
	}
}
