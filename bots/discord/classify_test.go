package discord

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldhq/herald"
)

func TestClassify(t *testing.T) {
	// The kinds of failure the outbox tells apart.
	const (
		transient = "transient"
		rateLimit = "rate limit"
		target    = "target" // permanent, and the target is unreachable
		message   = "message"
	)
	rest := func(status, code int, msg string) error {
		return &discordgo.RESTError{
			Response: &http.Response{StatusCode: status},
			Message:  &discordgo.APIErrorMessage{Code: code, Message: msg},
		}
	}
	tests := []struct {
		name   string
		err    error
		want   string
		detail string // a part of the reason or error
	}{
		{"unknown channel", rest(404, 10003, "Unknown Channel"), target, "code 10003: Unknown Channel"},
		{"unknown user", rest(404, 10013, "Unknown User"), target, "10013"},
		{"missing access", rest(403, 50001, "Missing Access"), target, "code 50001"},
		{"closed DMs", rest(403, 50007, "Cannot send messages to this user"), target, "50007"},
		{"missing permissions", rest(403, 50013, "Missing Permissions"), target, "code 50013: Missing Permissions"},
		{"invalid form body", rest(400, 50035, "Invalid Form Body"), message, "50035"},
		{"too large", rest(413, 40005, "Request entity too large"), message, "40005"},
		{"unknown message", rest(404, 10008, "Unknown Message"), message, "10008"},
		{"forbidden without a code", rest(403, 0, ""), message, "discord HTTP 403"},
		{"bad gateway", rest(502, 0, "Bad Gateway"), transient, "502"},
		{"server error", rest(500, 0, ""), transient, "500"},
		{"token refused", rest(401, 0, "401: Unauthorized"), transient, "401"},
		{"transport", fmt.Errorf("Post: %w", errors.New("connection reset by peer")), transient, "connection reset"},
		{"rate limited", &discordgo.RateLimitError{RateLimit: &discordgo.RateLimit{
			TooManyRequests: &discordgo.TooManyRequests{RetryAfter: 1500 * time.Millisecond}}}, rateLimit, "1.5s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := classify(tt.err)
			var (
				rl   *herald.RateLimitError
				perm *herald.PermanentError
				got  string
			)
			switch {
			case errors.As(err, &rl):
				got = rateLimit
				if w := rl.RetryAfter.String(); w != tt.detail {
					t.Errorf("wait %s, want %s", w, tt.detail)
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
			if perm != nil && !strings.Contains(perm.Reason, tt.detail) {
				t.Errorf("reason %q does not say %q", perm.Reason, tt.detail)
			}
			if got == transient && !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("error %q does not say %q", err, tt.detail)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("classify(%v) = %v does not wrap the error", tt.err, err)
			}
		})
	}
}
