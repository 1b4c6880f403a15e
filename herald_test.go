package herald_test

import (
	"errors"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in      string
		want    herald.Target
		wantErr bool
	}{
		{in: "discord:123456789012345678", want: herald.Target{Platform: herald.Discord, Chat: "123456789012345678"}},
		{in: "telegram:-1001234567890", want: herald.Target{Platform: herald.Telegram, Chat: "-1001234567890"}},
		{in: "telegram:@newsroom", want: herald.Target{Platform: herald.Telegram, Chat: "@newsroom"}},
		{in: "console:stdout", want: herald.Target{Platform: herald.Console, Chat: "stdout"}},
		{in: "slack:general", wantErr: true},
		{in: "discord:", wantErr: true},
		{in: "discord", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := herald.ParseTarget(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestContentHashChangesWithWhatReadersSee(t *testing.T) {
	a := herald.Article{Headline: "Ferry plan approved", Lead: "The council voted.", Image: "https://news.example/a.jpg",
		Dateline: herald.Dateline{Text: "PORTSMOUTH"}, Published: time.Unix(1, 0)}
	base := a.ContentHash()
	same := a
	same.Published = time.Unix(2, 0)
	same.Topics = []string{"Local"}
	if same.ContentHash() != base {
		t.Error("the hash changed with something readers do not see")
	}
	for name, change := range map[string]func(*herald.Article){
		"headline": func(a *herald.Article) { a.Headline += "!" },
		"lead":     func(a *herald.Article) { a.Lead += "!" },
		"image":    func(a *herald.Article) { a.Image = "" },
		"dateline": func(a *herald.Article) { a.Dateline.Text = "LONDON" },
		// Fields are separated, so moving text between them changes it.
		"boundary": func(a *herald.Article) { a.Headline, a.Lead = "Ferry plan approvedThe council", " voted." },
	} {
		b := a
		change(&b)
		if b.ContentHash() == base {
			t.Errorf("changing the %s did not change the hash", name)
		}
	}
}

func TestErrorsUnwrap(t *testing.T) {
	cause := errors.New("HTTP 403")
	var perm *herald.PermanentError
	if err := error(&herald.PermanentError{Reason: "missing access", Err: cause}); !errors.As(err, &perm) || !errors.Is(err, cause) {
		t.Errorf("PermanentError does not unwrap: %v", err)
	}
	var rl *herald.RateLimitError
	if err := error(&herald.RateLimitError{RetryAfter: time.Second, Err: cause}); !errors.As(err, &rl) || !errors.Is(err, cause) || rl.Error() != "rate limited: retry after 1s" {
		t.Errorf("RateLimitError: %v", err)
	}
}
