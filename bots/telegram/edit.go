package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/formatter"
)

// Edit carries out a correction of a sent post: EditPost rewrites the
// post of e.Delivery (its Target and MessageID) with its Article as it
// reads now, with the text, parse mode, link preview and keyboard Send
// would give it; DeletePost deletes the post. Edits are paced as sends
// are, in the same turns of the chat and the bot.
//
// Errors are sorted as Send sorts them: a post that no longer exists or
// can no longer be changed ("message to edit not found", "message can't be
// edited", "message to delete not found", "message can't be deleted") is a
// *herald.PermanentError that leaves the chat reachable. An edit that
// changes nothing ("message is not modified") succeeds. A delivery sent in
// a digest is refused with a *herald.PermanentError: its message holds
// other articles too.
func (b *Bot) Edit(ctx context.Context, e herald.Edit) error {
	d := e.Delivery
	if err := editable(d); err != nil {
		return err
	}
	var (
		method string
		params tgbotapi.Params
	)
	switch e.Kind {
	case herald.EditPost:
		// Posts are always sent with sendMessage, so they have a text to
		// edit and never a caption: editMessageCaption is not needed.
		method, params = "editMessageText", formatter.Telegram(d.Article).EditParams()
	case herald.DeletePost:
		method, params = "deleteMessage", tgbotapi.Params{}
	default:
		return &herald.PermanentError{Reason: fmt.Sprintf("telegram: unknown kind of edit %q", e.Kind)}
	}
	params["chat_id"] = d.Target.Chat
	params["message_id"] = d.MessageID
	api, done, err := b.turn(ctx, d.Target.Chat, b.global)
	if err != nil {
		return err
	}
	_, err = api.MakeRequest(method, params)
	done()
	if err == nil || notModified(err) {
		return nil
	}
	return classify(err)
}

// editable reports why a delivery's post cannot be edited, if it cannot.
func editable(d herald.Delivery) error {
	if d.Digest {
		return &herald.PermanentError{Reason: "telegram: the post is a digest of several articles; it is not corrected for one"}
	}
	if id, err := strconv.Atoi(d.MessageID); err != nil || id <= 0 {
		return &herald.PermanentError{Reason: fmt.Sprintf("telegram: no message to edit (message ID %q)", d.MessageID)}
	}
	return nil
}

// notModified reports whether err is Telegram's answer to an edit that
// would leave the message as it is.
func notModified(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(te.Message), "message is not modified")
}
