package discord

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/formatter"
	"github.com/heraldhq/herald/internal/pace"
)

// messageEdit is the body of an edit of a post: its embed and follow
// button as the article reads now. It leaves the content, and so a role
// mention, as it was, and allows no mentions, so an edit never pings.
// Components are always sent, empty to remove a button the article no
// longer offers.
type messageEdit struct {
	Embeds          []*discordgo.MessageEmbed         `json:"embeds"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
}

// Edit carries out a correction of a sent post: EditPost rewrites the
// post of e.Delivery (its Target and MessageID) with its Article as it
// reads now, rendered as Send renders it; DeletePost deletes the post.
// Edits are paced as sends are, and their errors sorted the same way: a
// post that no longer exists (code 10008 Unknown Message) or cannot be
// edited is a *herald.PermanentError that leaves the target reachable.
//
// A delivery sent in a digest is refused with a *herald.PermanentError:
// its message holds other articles too.
func (b *Bot) Edit(ctx context.Context, e herald.Edit) error {
	d := e.Delivery
	if err := editable(d); err != nil {
		return err
	}
	var (
		method string
		body   any
	)
	switch e.Kind {
	case herald.EditPost:
		m := formatter.Discord(d.Article)
		method = http.MethodPatch
		body = messageEdit{
			Embeds:          m.Embeds,
			Components:      append([]discordgo.MessageComponent{}, m.Components...),
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		}
	case herald.DeletePost:
		method = http.MethodDelete
	default:
		return &herald.PermanentError{Reason: fmt.Sprintf("discord: unknown kind of edit %q", e.Kind)}
	}
	channelID, sent, err := b.ready(ctx, d.Target.Chat)
	if err != nil {
		return err
	}
	defer sent()
	// discordgo would key edits and deletions of a channel's messages to
	// one bucket; Discord limits them apart, so each has its own here.
	bucket := method + " " + discordgo.EndpointChannelMessage(channelID, "")
	_, err = b.s.RequestWithBucketID(method, discordgo.EndpointChannelMessage(channelID, d.MessageID), body, bucket,
		discordgo.WithContext(pace.OnAnswer(ctx, sent)), discordgo.WithRetryOnRatelimit(false), discordgo.WithRestRetries(0))
	if err != nil {
		return classify(err)
	}
	return nil
}

// editable reports why a delivery's post cannot be edited, if it cannot.
func editable(d herald.Delivery) error {
	switch {
	case d.Digest:
		return &herald.PermanentError{Reason: "discord: the post is a digest of several articles; it is not corrected for one"}
	case d.MessageID == "" || strings.Trim(d.MessageID, "0123456789") != "":
		return &herald.PermanentError{Reason: fmt.Sprintf("discord: no message to edit (message ID %q)", d.MessageID)}
	}
	return nil
}
