package herald

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Follow is a subscription to a topic: every new article about Topic is
// delivered to Target. A follow made by a reader in a private chat targets
// that reader; one made in a group or routed into a channel targets the
// group or channel.
type Follow struct {
	Target Target
	// Topic is the topic as the follower typed it, trimmed: "China",
	// "climate change". Two topics with the same TopicKey are the same
	// follow.
	Topic string
	// By identifies who made the follow: the platform's user ID.
	By      string
	Created time.Time
}

// TopicCount is a known topic with the number of articles about it.
type TopicCount struct {
	// Name is the topic as articles spell it: "World", "Asia".
	Name     string
	Articles int
}

// MaxTopicLen is the most characters a followed topic may have.
const MaxTopicLen = 50

// ErrTooManyFollows is returned when a target already has the most follows
// it may have.
var ErrTooManyFollows = errors.New("too many follows")

// ErrUnreachable marks a send failure that says the target cannot be
// reached any more: a reader blocked the bot or closed their direct
// messages, the bot was removed from a chat or lost the permission to post
// in a channel, the chat does not exist. The target is paused: nothing more
// is routed there until it is resumed.
var ErrUnreachable = errors.New("recipient unreachable")

// TopicKey returns the form in which topics and words are compared: lower
// case, accents removed, every run of characters that are not letters or
// digits made one space, trimmed. "  Côte d’Ivoire " and "cote d ivoire"
// have the same key. A key of "" matches nothing.
func TopicKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining mark: the accent of the letter before it.
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// CleanTopic trims what a reader typed as a topic: white space at either
// end and inside collapsed, at most MaxTopicLen characters, cut at a word
// boundary where one is near.
func CleanTopic(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= MaxTopicLen {
		return s
	}
	cut := string(r[:MaxTopicLen])
	if i := strings.LastIndexByte(cut, ' '); i > MaxTopicLen/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut)
}

// About reports whether the article is about topic, as a follow of it
// matches: one of the article's Topics has the topic's TopicKey, or its
// headline or lead holds the topic's words, in order, as whole words. Case
// and accents do not matter.
func (a Article) About(topic string) bool {
	key := TopicKey(topic)
	if key == "" {
		return false
	}
	for _, t := range a.Topics {
		if TopicKey(t) == key {
			return true
		}
	}
	return strings.Contains(a.Words(), " "+key+" ")
}

// Words returns the TopicKey of the article's headline and lead, with a
// space before and after, so that " "+TopicKey(phrase)+" " is found in it
// exactly when the phrase occurs as whole words.
func (a Article) Words() string {
	return " " + TopicKey(a.Headline+"\n"+a.Lead) + " "
}
