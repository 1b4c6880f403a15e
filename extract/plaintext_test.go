package extract

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFromText(t *testing.T) {
	tests := []struct {
		name, text, url                  string
		headline, lead, dateline, topics string
	}{
		{
			name:     "breadcrumb glued to a repeated headline",
			text:     "HomeSportSailingHarbour regatta returns after three years\n\nHarbour regatta returns after three years\n\n\nFALMOUTH, June 2 (Reuters) - The harbour regatta returned on Sunday after three years away, drawing more than two hundred boats.\n\nAlso Read: Tide tables for the summer\n\nFollow us",
			url:      "https://harbour.example/regatta?utm_campaign=x",
			headline: "Harbour regatta returns after three years",
			lead:     "The harbour regatta returned on Sunday after three years away, drawing more than two hundred boats.",
			dateline: "FALMOUTH, June 2 (Reuters)", topics: "Sport,Sailing",
		},
		{
			name:     "a plain headline line",
			text:     "Ferry fares to rise in May\r\n\r\nThe ferry operator said on Tuesday that fares on the island route would rise by four percent from the first of May.",
			headline: "Ferry fares to rise in May",
			lead:     "The ferry operator said on Tuesday that fares on the island route would rise by four percent from the first of May.",
		},
		{
			name:     "no headline line",
			text:     "The ferry operator said on Tuesday that fares on the island route would rise by four percent from the first of May.",
			headline: "The ferry operator said on Tuesday that fares on the island route…",
			lead:     "The ferry operator said on Tuesday that fares on the island route would rise by four percent from the first of May.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := FromText(tt.text, tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if a.Headline != tt.headline || a.Lead != tt.lead || a.Dateline.Text != tt.dateline || strings.Join(a.Topics, ",") != tt.topics {
				t.Errorf("got headline %q lead %q dateline %q topics %q", a.Headline, a.Lead, a.Dateline.Text, a.Topics)
			}
			if a.Key == "" {
				t.Error("no key")
			}
			if tt.url != "" && a.URL != "https://harbour.example/regatta" {
				t.Errorf("URL %q", a.URL)
			}
		})
	}
	if _, err := FromText(" \n\n ", ""); err == nil {
		t.Error("empty text gave no error")
	}
}

func TestFromTextSeed(t *testing.T) {
	data, err := os.ReadFile(sharedFile(t, "seed/000_409110388c7394ba.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if IsHTML(string(data)) {
		t.Fatal("the seed is plain text")
	}
	a, err := FromText(string(data), "")
	if err != nil {
		t.Fatal(err)
	}
	d := a.Dateline
	if a.Headline != seedHeadline || d.Text != "Beijing, 8 April 2024 (TDI)" || d.Place != "Beijing" || d.Date != "2024-04-08" || d.Agency != "TDI" {
		t.Errorf("headline %q dateline %+v", a.Headline, d)
	}
	if !strings.HasPrefix(a.Lead, "Russian Foreign Minister Sergey Lavrov’s official visit") || strings.Contains(a.Lead, "Also Read") {
		t.Errorf("lead %q", a.Lead)
	}
	if strings.Join(a.Topics, ",") != "World,Asia" {
		t.Errorf("topics %q, want the breadcrumb's World, Asia", a.Topics)
	}
}

func FuzzFromText(f *testing.F) {
	f.Add("HomeWorldAsiaHeadline here\n\nHeadline here\n\nLONDON (Reuters) - A lead paragraph that is long enough to count as one.", "https://x.example/a")
	f.Add("\r\n\xff\xfe", "")
	f.Fuzz(func(t *testing.T, text, u string) {
		a, err := FromText(text, u)
		if err != nil {
			return
		}
		for _, s := range []string{a.Headline, a.Lead, a.Dateline.Text} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 out: %q", s)
			}
		}
	})
}
