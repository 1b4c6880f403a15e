package formatter

import (
	"strings"

	"github.com/bwmarrin/discordgo"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/heraldhq/herald"
)

// FollowPrefix starts the custom_id of a Discord button and the
// callback_data of a Telegram button that follows a topic:
// "follow:World".
const FollowPrefix = "follow:"

// Platform limits on buttons.
const (
	// discordCustomIDMax is the most characters a Discord custom_id holds.
	discordCustomIDMax = 100
	// discordLabelMax is the most characters a Discord button label holds.
	discordLabelMax = 80
	// telegramCallbackMax is the most bytes Telegram's callback_data holds.
	telegramCallbackMax = 64
)

// FollowTopic returns the topic a post's "Follow" button offers: the
// article's first topic that fits in a button's data on both platforms,
// reads back unchanged from it and has something to follow, or "" for
// none.
func FollowTopic(a herald.Article) string {
	for _, t := range topics(a) {
		if herald.TopicKey(t) != "" && len(FollowPrefix+t) <= telegramCallbackMax && herald.CleanTopic(t) == t {
			return t
		}
	}
	return ""
}

// FollowData returns the button data that follows topic.
func FollowData(topic string) string { return FollowPrefix + topic }

// ParseFollowData returns the topic of a follow button's data, and false
// when the data is not a follow button's.
func ParseFollowData(data string) (topic string, ok bool) {
	topic, ok = strings.CutPrefix(data, FollowPrefix)
	topic = herald.CleanTopic(topic)
	return topic, ok && herald.TopicKey(topic) != ""
}

// followLabel is the text of a follow button.
func followLabel(topic string) string { return "Follow " + topic }

// discordFollowRow returns the action row with the article's follow
// button, or nil when the article offers none.
func discordFollowRow(a herald.Article) []discordgo.MessageComponent {
	t := FollowTopic(a)
	if t == "" || len(FollowData(t)) > discordCustomIDMax {
		return nil
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{
			Label:    Truncate(followLabel(t), discordLabelMax),
			Style:    discordgo.SecondaryButton,
			CustomID: FollowData(t),
		},
	}}}
}

// telegramFollowKeyboard returns the inline keyboard with the article's
// follow button, or nil when the article offers none.
func telegramFollowKeyboard(a herald.Article) *tgbotapi.InlineKeyboardMarkup {
	t := FollowTopic(a)
	if t == "" {
		return nil
	}
	k := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData(followLabel(t), FollowData(t))))
	return &k
}
