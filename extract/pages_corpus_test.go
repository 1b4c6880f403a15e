package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldhq/herald"
)

// readabilityPage is one row of the readability corpus index.
type readabilityPage struct {
	Page           string `json:"page"`
	FirstParagraph string `json:"derived_first_paragraph_of_expected_html"`
}

func TestCorpusReadabilityPages(t *testing.T) {
	dir := sharedFile(t, "corpus/articles/readability")
	data, err := os.ReadFile(filepath.Join(dir, "INDEX.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pages []readabilityPage
	if err := json.Unmarshal(data, &pages); err != nil {
		t.Fatal(err)
	}
	// The pages whose story opens with a dateline.
	datelines := map[string]herald.Dateline{
		"nytimes-1":                 {Text: "LONDON", Place: "LONDON"},
		"wapo-1":                    {Text: "CAIRO", Place: "CAIRO"},
		"schema-org-context-object": {Text: "SEOUL, South Korea", Place: "SEOUL, South Korea"},
		"webmd-1":                   {Text: "Feb. 23, 2015", Date: "2015-02-23"},
	}
	var n, withLead, withHeadline, same int
	for _, p := range pages {
		f, err := os.Open(filepath.Join(dir, p.Page, "source.html"))
		if err != nil {
			t.Errorf("%s: %v", p.Page, err)
			continue
		}
		a, err := FromPage(f, "http://fakehost/test/page.html")
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", p.Page, err)
			continue
		}
		n++
		if a.Lead != "" {
			withLead++
		}
		if a.Headline != "" {
			withHeadline++
		}
		if want, ok := datelines[p.Page]; ok && a.Dateline != want {
			t.Errorf("%s: dateline %+v, want %+v", p.Page, a.Dateline, want)
		}
		// The corpus's first paragraph is often a caption or a credit,
		// which a lead should skip: agreement is measured, not required.
		_, expected := SplitDateline(Text(p.FirstParagraph), a.Published)
		if normalize(expected) == normalize(a.Lead) {
			same++
		} else if testing.Verbose() {
			t.Logf("%s: lead %.70q; first paragraph %.70q", p.Page, a.Lead, expected)
		}
	}
	// Measured: 56.4% equal; most of the others skip a caption or credit
	// that the expected body opens with.
	t.Logf("readability pages: %d; headline %.1f%%, lead %.1f%%, lead equal to the first <p> of the expected body %.1f%%",
		n, rate(withHeadline, n), rate(withLead, n), rate(same, n))
	if withHeadline != n || withLead != n {
		t.Errorf("pages without a headline or lead: %d, %d", n-withHeadline, n-withLead)
	}
}
