package console_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/console"
	"github.com/heraldhq/herald/formatter"
)

const rule = "────────────────────────────────────────────────────────────"

var stdout = herald.Target{Platform: herald.Console, Chat: "stdout"}

func TestSendPrintsThePost(t *testing.T) {
	a := herald.Article{URL: "https://news.example/1", Headline: "Ferry plan approved", Lead: "The council voted on Monday to fund a terminal."}
	tests := []struct {
		name   string
		silent bool
		role   string
		want   string
	}{
		{"plain", false, "", rule + "\n" + formatter.Console(a) + "\n\n"},
		{"silent", true, "", rule + "\n(silent)\n" + formatter.Console(a) + "\n\n"},
		{"silent with role", true, "42", rule + "\n(silent, mentions role 42)\n" + formatter.Console(a) + "\n\n"},
		{"role that is no ID", false, "@everyone", rule + "\n" + formatter.Console(a) + "\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			o := console.New(&out)
			id, err := o.Send(context.Background(), herald.Delivery{Target: stdout, Article: a, Silent: tt.silent, MentionRole: tt.role})
			if err != nil || id != "" {
				t.Fatalf("Send = %q, %v", id, err)
			}
			if out.String() != tt.want {
				t.Errorf("printed\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
}

func TestSendDigest(t *testing.T) {
	dg := herald.Digest{Target: stdout, Deliveries: []herald.Delivery{
		{ID: 1, Article: herald.Article{Headline: "One", URL: "https://news.example/1"}},
		{ID: 2, Article: herald.Article{Headline: "Two", Dateline: herald.Dateline{Text: "OSLO", Place: "OSLO"}}},
	}}
	var out strings.Builder
	n, id, err := console.New(&out).SendDigest(context.Background(), dg)
	if err != nil || n != 2 || id != "" {
		t.Fatalf("SendDigest = %d, %q, %v", n, id, err)
	}
	want := rule + "\nNews digest — 2 articles\n• One\n  https://news.example/1\n• Two — OSLO\n\n"
	if out.String() != want {
		t.Errorf("printed\n%q\nwant\n%q", out.String(), want)
	}
	var perm *herald.PermanentError
	if _, _, err := console.New(&out).SendDigest(context.Background(), herald.Digest{Target: stdout}); !errors.As(err, &perm) {
		t.Errorf("empty digest: %v, want a permanent error", err)
	}
}

func TestEdit(t *testing.T) {
	a := herald.Article{Headline: "Ferry plan \x1b[2Japproved", URL: "https://news.example/1"}
	tests := []struct {
		name string
		edit herald.Edit
		want string
	}{
		{"edit", herald.Edit{Kind: herald.EditPost, Delivery: herald.Delivery{Target: stdout, Article: a, MessageID: "17"}},
			rule + "\nedited console:stdout message 17: Ferry plan [2Japproved\n" + formatter.Console(a) + "\n\n"},
		{"delete", herald.Edit{Kind: herald.DeletePost, Delivery: herald.Delivery{Target: stdout, Article: a, MessageID: "17"}},
			rule + "\ndeleted console:stdout message 17: Ferry plan [2Japproved\n\n"},
		{"no message ID", herald.Edit{Kind: herald.DeletePost, Delivery: herald.Delivery{Target: stdout, Article: a}},
			rule + "\ndeleted console:stdout post: Ferry plan [2Japproved\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			if err := console.New(&out).Edit(context.Background(), tt.edit); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("printed\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
	var perm *herald.PermanentError
	var out strings.Builder
	if err := console.New(&out).Edit(context.Background(), herald.Edit{Kind: "rewrite"}); !errors.As(err, &perm) || out.Len() != 0 {
		t.Errorf("unknown kind: %v, printed %q", err, out.String())
	}
}
