package pages

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

var longLead = "Trade ministers from five countries signed a framework on Monday to extend a rail freight " +
	"corridor to two coastal ports, a move officials said would cut the overland journey for containers by about four days."

func TestTeaser(t *testing.T) {
	for _, tc := range []struct {
		name     string
		headline string
		lead     string
		want     bool
	}{
		{"empty", "Rail corridor extended", "", true},
		{"blank", "Rail corridor extended", "  ", true},
		{"headline again", "Rail corridor extended", "Rail corridor extended.", true},
		{"cut headline", "Rail corridor extended to the coast", "Rail corridor extended", true},
		{"short", "Rail corridor extended", "Ministers agreed on Monday to extend the corridor.", true},
		{"cut short", "Rail corridor extended", longLead[:205] + "…", true},
		{"cut with dots", "Rail corridor extended", longLead[:205] + "...", true},
		{"real", "Rail corridor extended", longLead, false},
		{"real without headline", "", longLead, false},
		{"ideographs short", "铁路", "贸易部长周一签署框架协议。", true},
		{"ideographs real", "铁路", strings.Repeat("贸易部长周一签署框架协议，", 7) + "。", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := herald.Article{Headline: tc.headline, Lead: tc.lead}
			if got := Teaser(a, 0); got != tc.want {
				t.Errorf("Teaser(%q, %q) = %v, want %v", tc.headline, tc.lead, got, tc.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	published := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	item := herald.Article{
		Key: "guid:rail-1", URL: "https://news.example/rail-1", Headline: "Ministers agree to extend rail corridor",
		Lead: "Ministers agreed on Monday to extend the corridor.", Topics: []string{"Business"},
		Body: "Ministers agreed on Monday to extend the corridor.", Published: published,
		Source: "Example News", Feed: "https://news.example/rss",
	}
	page := herald.Article{
		Key: "url:https://news.example/rail-1?amp", URL: "https://news.example/rail-1?amp",
		Headline: "Ministers agree to extend rail corridor to the coast | Example News",
		Dateline: herald.Dateline{Text: "LONDON, April 8 (Reuters)", Place: "LONDON", Date: "2024-04-08", Agency: "Reuters"},
		Lead:     longLead, Topics: []string{"World", "business"}, Image: "https://news.example/rail.jpg",
		Body: longLead + " " + longLead, Published: published.Add(-time.Hour), Source: "Example Site",
	}
	with := func(a herald.Article, change func(*herald.Article)) herald.Article {
		a.Topics = slices.Clone(a.Topics)
		change(&a)
		return a
	}
	for _, tc := range []struct {
		name       string
		item, page herald.Article
		want       herald.Article
	}{
		{
			name: "teaser completed", item: item, page: page,
			want: with(item, func(a *herald.Article) {
				a.Lead, a.Dateline, a.Image, a.Body = page.Lead, page.Dateline, page.Image, page.Body
				a.Topics = []string{"Business", "World"}
			}),
		},
		{
			name: "item image and date kept",
			item: with(item, func(a *herald.Article) { a.Image = "https://cdn.example/own.jpg" }),
			page: page,
			want: with(item, func(a *herald.Article) {
				a.Lead, a.Dateline, a.Image, a.Body = page.Lead, page.Dateline, "https://cdn.example/own.jpg", page.Body
				a.Topics = []string{"Business", "World"}
			}),
		},
		{
			name: "missing date and headline taken",
			item: with(item, func(a *herald.Article) { a.Headline, a.Published = "", time.Time{} }),
			page: page,
			want: with(item, func(a *herald.Article) {
				a.Headline, a.Published = page.Headline, page.Published
				a.Lead, a.Dateline, a.Image, a.Body = page.Lead, page.Dateline, page.Image, page.Body
				a.Topics = []string{"Business", "World"}
			}),
		},
		{
			name: "headline made of the lead replaced",
			item: with(item, func(a *herald.Article) {
				a.Lead = "Ministers agreed on Monday to extend the corridor after a long night of talks in the capital."
				a.Headline = "Ministers agreed on Monday to extend the corridor after a long night…"
			}),
			page: page,
			want: with(item, func(a *herald.Article) {
				a.Headline = page.Headline
				a.Lead, a.Dateline, a.Image, a.Body = page.Lead, page.Dateline, page.Image, page.Body
				a.Topics = []string{"Business", "World"}
			}),
		},
		{
			name: "real item lead kept, dateline of the same opening added",
			item: with(item, func(a *herald.Article) { a.Lead = longLead }),
			page: with(page, func(a *herald.Article) { a.Lead = longLead + " More." }),
			want: with(item, func(a *herald.Article) {
				a.Lead, a.Dateline, a.Image, a.Body = longLead, page.Dateline, page.Image, page.Body
				a.Topics = []string{"Business", "World"}
			}),
		},
		{
			name: "shorter page teaser does not replace the item's",
			item: item,
			page: with(page, func(a *herald.Article) { a.Lead, a.Dateline, a.Body = "Ministers met.", herald.Dateline{}, "" }),
			want: with(item, func(a *herald.Article) {
				a.Image = page.Image
				a.Topics = []string{"Business", "World"}
			}),
		},
		{
			name: "longer page teaser replaces a shorter one",
			item: item,
			page: with(page, func(a *herald.Article) {
				a.Lead, a.Dateline = "Ministers agreed on Monday to extend the corridor to two ports.", herald.Dateline{}
			}),
			want: with(item, func(a *herald.Article) {
				a.Lead, a.Image, a.Body = "Ministers agreed on Monday to extend the corridor to two ports.", page.Image, page.Body
				a.Topics = []string{"Business", "World"}
			}),
		},
		{
			name: "another story is ignored",
			item: item,
			page: herald.Article{Headline: "Before you continue", Lead: "We use cookies and data to deliver and maintain our services, " +
				"track outages and protect against spam, fraud and abuse, and measure audience engagement and site statistics.",
				Image: "https://consent.example/logo.png", Topics: []string{"Privacy"}},
			want: item,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Merge(tc.item, tc.page, 0)
			if !equalArticles(got, tc.want) {
				t.Errorf("Merge:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestMergeTopics(t *testing.T) {
	for _, tc := range []struct {
		a, b, want []string
	}{
		{nil, nil, nil},
		{[]string{"World"}, nil, []string{"World"}},
		{nil, []string{"World", "Asia"}, []string{"World", "Asia"}},
		{[]string{"World", "Business"}, []string{"world", "Asia", "BUSINESS", "asia"}, []string{"World", "Business", "Asia"}},
	} {
		if got := mergeTopics(tc.a, tc.b); !slices.Equal(got, tc.want) {
			t.Errorf("mergeTopics(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSameStory(t *testing.T) {
	for _, tc := range []struct {
		item, pageHeadline, pageLead string
		want                         bool
	}{
		{"United States to Lift Sudan Sanctions", "U.S. to lift Sudan sanctions - The New York Times", "", true},
		{"Attack stokes instability fears in North Africa", "Tunisia museum attack", "Gunmen opened fire on visitors; the attack stokes fears of instability in North Africa.", true},
		{"Attack stokes instability fears in North Africa", "Before you continue to Example", "We use cookies and data to deliver our services.", false},
		{"Attack stokes instability fears in North Africa", "Example News - Home", "Top stories of the day.", false},
		{"韩国总统弹劾案未获通过", "韩国总统弹劾案未获通过 - 新闻", "", true},
		{"韩国总统弹劾案未获通过", "隐私设置", "我们使用cookie。", false},
		{"新竹尖石_美樹營地賞楓 (2) @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::", "新竹尖石_美樹營地賞楓 (2)", "一波波接續性低溫寒流報到", true},
		{"", "Anything at all", "", true},
	} {
		item := herald.Article{Headline: tc.item, Lead: "Short teaser."}
		page := herald.Article{Headline: tc.pageHeadline, Lead: tc.pageLead}
		if got := sameStory(item, page); got != tc.want {
			t.Errorf("sameStory(%q, %q) = %v, want %v", tc.item, tc.pageHeadline, got, tc.want)
		}
	}
}

func equalArticles(a, b herald.Article) bool {
	return a.Key == b.Key && a.URL == b.URL && a.Source == b.Source && a.Feed == b.Feed && sameArticle(a, b)
}
