package telegram

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/heraldhq/herald"
)

func TestClassify(t *testing.T) {
	// The kinds of failure the outbox tells apart.
	const (
		transient = "transient"
		rateLimit = "rate limit"
		moved     = "moved"
		target    = "target" // permanent, and the chat is unreachable
		message   = "message"
	)
	tgErr := func(code int, msg string, params tgbotapi.ResponseParameters) error {
		return &tgbotapi.Error{Code: code, Message: msg, ResponseParameters: params}
	}
	tests := []struct {
		name   string
		err    error
		want   string
		detail string // the wait, the new chat, or a word of the reason
	}{
		{"429 with retry_after", tgErr(429, "Too Many Requests: retry after 7", tgbotapi.ResponseParameters{RetryAfter: 7}), rateLimit, "7s"},
		{"429 without", tgErr(429, "Too Many Requests", tgbotapi.ResponseParameters{}), rateLimit, "1s"},
		{"migrated group", tgErr(400, "Bad Request: group chat was upgraded to a supergroup chat",
			tgbotapi.ResponseParameters{MigrateToChatID: -1001234567890}), moved, "-1001234567890"},
		{"blocked", tgErr(403, "Forbidden: bot was blocked by the user", tgbotapi.ResponseParameters{}), target, "403"},
		{"kicked", tgErr(403, "Forbidden: bot was kicked from the group chat", tgbotapi.ResponseParameters{}), target, "kicked"},
		{"never started", tgErr(403, "Forbidden: bot can't initiate conversation with a user", tgbotapi.ResponseParameters{}), target, "initiate"},
		{"chat not found", tgErr(400, "Bad Request: chat not found", tgbotapi.ResponseParameters{}), target, "chat not found"},
		{"deactivated", tgErr(400, "Bad Request: group chat was deactivated", tgbotapi.ResponseParameters{}), target, "deactivated"},
		{"no rights", tgErr(400, "Bad Request: not enough rights to send text messages to the chat", tgbotapi.ResponseParameters{}), target, "rights"},
		{"not admin of channel", tgErr(400, "Bad Request: need administrator rights in the channel chat", tgbotapi.ResponseParameters{}), target, "administrator"},
		{"too long", tgErr(400, "Bad Request: message is too long", tgbotapi.ResponseParameters{}), message, "too long"},
		{"bad entities", tgErr(400, "Bad Request: can't parse entities: unexpected end tag", tgbotapi.ResponseParameters{}), message, "entities"},
		{"server error", tgErr(500, "Internal Server Error", tgbotapi.ResponseParameters{}), transient, "500"},
		{"bad gateway", tgErr(502, "Bad Gateway", tgbotapi.ResponseParameters{}), transient, "502"},
		{"conflict", tgErr(409, "Conflict: terminated by other getUpdates request", tgbotapi.ResponseParameters{}), transient, "409"},
		{"transport", fmt.Errorf("Post: %w", errors.New("connection reset by peer")), transient, "connection reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify(tt.err)
			var (
				rl   *herald.RateLimitError
				mv   *herald.MovedError
				perm *herald.PermanentError
				got  string
			)
			switch {
			case errors.As(err, &rl):
				got = rateLimit
				if w := rl.RetryAfter.String(); w != tt.detail {
					t.Errorf("wait %s, want %s", w, tt.detail)
				}
			case errors.As(err, &mv):
				got = moved
				if want := (herald.Target{Platform: herald.Telegram, Chat: tt.detail}); mv.To != want {
					t.Errorf("moved to %v, want %v", mv.To, want)
				}
				// Callers that know nothing of moves give the message up.
				if !errors.As(err, &perm) || errors.Is(err, herald.ErrUnreachable) {
					t.Errorf("a move is not a permanent failure of the message alone: %v", err)
				}
			case errors.As(err, &perm) && errors.Is(err, herald.ErrUnreachable):
				got = target
			case errors.As(err, &perm):
				got = message
			default:
				got = transient
			}
			if got != tt.want {
				t.Fatalf("classify(%v) = %v, a %s failure; want %s", tt.err, err, got, tt.want)
			}
			if perm != nil && !containsFold(perm.Reason, tt.detail) {
				t.Errorf("reason %q does not say %q", perm.Reason, tt.detail)
			}
			if got == transient && !containsFold(err.Error(), tt.detail) {
				t.Errorf("error %q does not say %q", err, tt.detail)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("classify(%v) = %v does not wrap the error", tt.err, err)
			}
		})
	}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
