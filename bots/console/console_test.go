package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots/console"
	"github.com/heraldhq/herald/formatter"
)

func TestSendPrintsThePost(t *testing.T) {
	var out strings.Builder
	o := console.New(&out)
	a := herald.Article{URL: "https://news.example/1", Headline: "Ferry plan approved", Lead: "The council voted on Monday to fund a terminal."}
	if _, err := o.Send(context.Background(), herald.Delivery{Target: herald.Target{Platform: herald.Console, Chat: "stdout"}, Article: a}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), formatter.Console(a)) {
		t.Fatalf("printed %q, want the console rendering %q", out.String(), formatter.Console(a))
	}
}
