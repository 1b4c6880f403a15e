package feed

import (
	"strings"
	"testing"
	"time"
)

func TestParseLooseDate(t *testing.T) {
	brt := time.FixedZone("", -3*3600)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"Seg, 24 Set 2018 19:42:40 -0300", time.Date(2018, 9, 24, 19, 42, 40, 0, brt), true},
		{"sáb, 03 fev 2018 08:05 -03:00", time.Date(2018, 2, 3, 8, 5, 0, 0, brt), true},
		{"Mié, 3 Ene 2018 13:47:00 GMT", time.Date(2018, 1, 3, 13, 47, 0, 0, time.UTC), true},
		{"mer., 14 févr. 2018 10:00:00 +0100", time.Date(2018, 2, 14, 9, 0, 0, 0, time.UTC), true},
		{"jeu., 5 juil. 2018 10:00:00 +0000", time.Date(2018, 7, 5, 10, 0, 0, 0, time.UTC), true},
		{"5 juin 2018 10:00:00", time.Date(2018, 6, 5, 10, 0, 0, 0, time.UTC), true},
		{"Di, 12 Mär 2019 07:30:00 +0100", time.Date(2019, 3, 12, 6, 30, 0, 0, time.UTC), true},
		{"Do, 31 Okt 2019 23:59:59 Z", time.Date(2019, 10, 31, 23, 59, 59, 0, time.UTC), true},
		{"2020/1/10 14:33:00", time.Date(2020, 1, 10, 14, 33, 0, 0, time.UTC), true},
		{"2020/12/31", time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"2020/2/30 10:00:00", time.Time{}, false},
		{"Seg, 24 Xyz 2018 19:42:40 -0300", time.Time{}, false},
		{"Seg, 24 Set 2018 19:42:40 BRT", time.Time{}, false},
		{"Seg, 24 Set 2018 25:42:40 -0300", time.Time{}, false},
		{"yesterday", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseLooseDate(tt.in)
		if ok != tt.ok || ok && !got.Equal(tt.want) {
			t.Errorf("parseLooseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseFillsDates(t *testing.T) {
	doc := `<rss version="2.0"><channel><pubDate>Seg, 24 Set 2018 19:00:00 -0300</pubDate>
<item><title>a</title><pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate></item>
<item><title>b</title><pubDate>Mon, 24 Sep 2018 19:42:40 -0300</pubDate></item>
<item><title>c</title><pubDate>not a date</pubDate></item></channel></rss>`
	f, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2018, 9, 24, 22, 42, 40, 0, time.UTC)
	for i, it := range f.Items[:2] {
		if it.PublishedParsed == nil || !it.PublishedParsed.Equal(want) {
			t.Errorf("item %d published %v, want %v", i, it.PublishedParsed, want)
		}
	}
	if f.Items[2].PublishedParsed != nil {
		t.Errorf("unreadable date read as %v", f.Items[2].PublishedParsed)
	}
	if f.PublishedParsed == nil {
		t.Error("feed date not read")
	}
}
