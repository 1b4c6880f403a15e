package route

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/schedule"
)

func mustParse(t testing.TB, s string) []Rule {
	t.Helper()
	rules, err := Parse(s, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func TestFilterMatch(t *testing.T) {
	const feedA, feedB = "https://a.example/rss", "https://b.example/rss"
	article := func(headline, lead string, topics ...string) herald.Article {
		return herald.Article{Headline: headline, Lead: lead, Topics: topics, Feed: feedA}
	}
	tests := []struct {
		name    string
		options string
		article herald.Article
		want    bool
	}{
		{"no filter takes everything", "", article("Markets rise", ""), true},
		{"topic", "topics=World", article("x", "", "world"), true},
		{"topic by key", "topics=côte_d'ivoire", article("x", "", "Cote d’Ivoire"), true},
		{"other topic", "topics=World", article("world", "", "Business"), false},
		{"topic of several words is one topic", "topics=climate", article("x", "", "Climate Change"), false},
		{"keyword in the headline", "keywords=ukraine", article("Ukraine talks resume", ""), true},
		{"keyword in the lead", "keywords=ukraine", article("Talks resume", "Officials in Kyiv, UKRAINE, said"), true},
		{"keyword not in the body", "keywords=ukraine", herald.Article{Headline: "Talks", Body: "ukraine"}, false},
		{"keyword is not a topic", "keywords=world", article("Markets", "", "World"), false},
		{"keyword accents: Zürich matches zurich", "keywords=Zürich", article("Floods in zurich", ""), true},
		{"keyword accents: Zürich matches ZÜRICH", "keywords=Zürich", article("ZÜRICH floods", ""), true},
		{"keyword accents: zurich matches Zürich", "keywords=zurich", article("Zürich floods", ""), true},
		{"whole words: war is not warsaw", "keywords=war", article("Warsaw summit", "Warships gather"), false},
		{"whole words: war", "keywords=war", article("Summit on the war", ""), true},
		{"whole words: punctuation around", "keywords=war", article(`"War!" says minister`, ""), true},
		{"phrase in order", `keywords="climate change"`, article("Climate change talks", ""), true},
		{"phrase across headline and lead", `keywords="climate change"`, article("Climate", "Change comes"), true},
		{"phrase out of order", `keywords="climate change"`, article("Change in climate", ""), false},
		{"one of several keywords", `keywords="climate change",ukraine`, article("Ukraine", ""), true},
		{"regex", `regex=\bwar\b`, article("The war goes on", ""), true},
		{"regex is case-sensitive", `regex=\bwar\b`, article("War goes on", ""), false},
		{"regex with (?i)", `regex=(?i)\bwar\b`, article("War goes on", ""), true},
		{"regex sees headline newline lead", `regex=talks\nofficials`, article("Peace talks", "officials said"), true},
		{"regex anchors per line with (?m)", `regex=(?m)^officials`, article("Peace talks", "officials said"), true},
		{"regex commas are part of it", `regex=a,b`, article("a,b", ""), true},
		{"regex commas are not separators", `regex=a,b`, article("a", ""), false},
		{"second regex", `regex=peace regex=war`, article("war", ""), true},
		{"OR across kinds: topic", "topics=sport keywords=ukraine regex=^Peace", article("x", "", "Sport"), true},
		{"OR across kinds: keyword", "topics=sport keywords=ukraine regex=^Peace", article("In Ukraine", ""), true},
		{"OR across kinds: regex", "topics=sport keywords=ukraine regex=^Peace", article("Peace", ""), true},
		{"OR across kinds: none", "topics=sport keywords=ukraine regex=^Peace", article("Markets", "", "Business"), false},
		{"exclusion by topic", "keywords=ukraine not-topics=sport", article("Ukraine wins", "", "Sport"), false},
		{"exclusion by keyword", "keywords=ukraine not-keywords=football", article("Ukraine football team", ""), false},
		{"exclusion by keyword accent-insensitive", "not-keywords=fútbol", article("FUTBOL results", ""), false},
		{"exclusion by keyword whole words", "not-keywords=war", article("Warsaw", ""), true},
		{"exclusion by regex", "not-regex=(?i)sport", article("Sports roundup", ""), false},
		{"exclusion alone excludes from everything", "not-topics=sport", article("x", "", "sport"), false},
		{"exclusion alone keeps the rest", "not-topics=sport", article("x", "", "world"), true},
		{"exclusion that does not match", "keywords=ukraine not-topics=sport not-keywords=football not-regex=goal", article("Ukraine", "", "World"), true},
		{"feed", "feeds=" + feedA, article("x", ""), true},
		{"other feed", "feeds=" + feedB, article("x", ""), false},
		{"one of the feeds", "feeds=" + feedB + "," + feedA, article("x", ""), true},
		{"feed and include", "keywords=ukraine feeds=" + feedA, article("markets", ""), false},
		{"feed and exclusion", "not-keywords=markets feeds=" + feedA, article("markets", ""), false},
		{"no feed", "feeds=" + feedA, herald.Article{Headline: "x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules := mustParse(t, "discord:1 "+tt.options)
			if got := rules[0].Filter.Match(tt.article); got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
			// The router agrees.
			routed := len(NewRouter(Config{Rules: rules}).Route(tt.article)) == 1
			if routed != tt.want {
				t.Errorf("Route routes it: %v, want %v", routed, tt.want)
			}
		})
	}
}

func TestRouterRules(t *testing.T) {
	d := func(chat string) herald.Target { return herald.Target{Platform: herald.Discord, Chat: chat} }
	tg := func(chat string) herald.Target { return herald.Target{Platform: herald.Telegram, Chat: chat} }
	rules := mustParse(t, `
		discord:1 topics=world;
		discord:2 keywords=ukraine not-topics=sport;
		telegram:@abcde regex=(?i)peace;
		telegram:-3;
		telegram:-4 topics=world keywords=world`)
	follows := []herald.Follow{
		{Target: d("1"), Topic: "Business"},   // has a rule: ignored
		{Target: tg("-9"), Topic: "Business"}, // ignored when it moved onto a ruled chat
		{Target: tg("5"), Topic: "Business"},
		{Target: tg("5"), Topic: "world"},
		{Target: tg("6"), Topic: "Ukraine"},
	}
	story := func(headline string, topics ...string) herald.Article {
		return herald.Article{Headline: headline, Topics: topics}
	}
	tests := []struct {
		name    string
		paused  map[herald.Target]string
		moves   map[herald.Target]herald.Target
		article herald.Article
		want    []herald.Target
	}{
		{"rules in entry order, then followers", nil, nil, story("Peace in Ukraine", "World", "Business"),
			[]herald.Target{d("1"), d("2"), tg("@abcde"), tg("-3"), tg("-4"), tg("5"), tg("-9"), tg("6")}},
		{"only the catch-all", nil, nil, story("Markets"), []herald.Target{tg("-3")}},
		{"exclusion", nil, nil, story("Ukraine wins", "Sport"), []herald.Target{tg("-3"), tg("6")}},
		{"a follow of a ruled target is ignored: the environment wins", nil, nil, story("x", "Business"),
			[]herald.Target{tg("-3"), tg("-9"), tg("5")}},
		{"paused rule target gets nothing, nor its follows", map[herald.Target]string{d("1"): "Missing Access", tg("-3"): "kicked"}, nil,
			story("x", "World", "Business"), []herald.Target{tg("-4"), tg("5"), tg("-9")}},
		{"paused follower", map[herald.Target]string{tg("5"): "blocked"}, nil, story("x", "World"),
			[]herald.Target{d("1"), tg("-3"), tg("-4")}},
		{"a rule's chat moved", nil, map[herald.Target]herald.Target{tg("-3"): tg("-1003")}, story("Markets"),
			[]herald.Target{tg("-1003")}},
		{"a follower moved onto a ruled chat is ignored", nil, map[herald.Target]herald.Target{tg("-9"): tg("-3")}, story("x", "Business"),
			[]herald.Target{tg("-3"), tg("5")}},
		{"two rules that became one chat route once", nil, map[herald.Target]herald.Target{tg("-3"): tg("-4")}, story("x", "World"),
			[]herald.Target{d("1"), tg("-4"), tg("5")}},
		{"two rules that became one chat: either matches", nil, map[herald.Target]herald.Target{tg("-4"): tg("-3")}, story("Markets"),
			[]herald.Target{tg("-3")}},
		{"moved onto a paused chat", map[herald.Target]string{tg("-1003"): "kicked"}, map[herald.Target]herald.Target{tg("-3"): tg("-1003")}, story("Markets"),
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRouter(Config{Rules: rules, Follows: follows, Paused: tt.paused, Moves: tt.moves})
			if got := r.Route(tt.article); !slices.Equal(got, tt.want) {
				t.Errorf("Route = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRouterPlan(t *testing.T) {
	rules := mustParse(t, "discord:1 silent; telegram:-3 trickle=1/1h")
	moved := herald.Target{Platform: herald.Telegram, Chat: "-1003"}
	r := NewRouter(Config{Rules: rules, Moves: map[herald.Target]herald.Target{rules[1].Target: moved}})
	if p, ok := r.Plan(rules[0].Target); !ok || !p.Silent {
		t.Errorf("Plan(%v) = %v, %v", rules[0].Target, p, ok)
	}
	if p, ok := r.Plan(moved); !ok || p.Trickle == nil || *p.Trickle != (schedule.Trickle{N: 1, Per: time.Hour}) {
		t.Errorf("Plan(%v) = %v, %v, want the moved rule's", moved, p, ok)
	}
	if _, ok := r.Plan(herald.Target{Platform: herald.Telegram, Chat: "5"}); ok {
		t.Error("Plan of a target without a rule reports one")
	}
}

func TestOverridden(t *testing.T) {
	rules := mustParse(t, "discord:1 topics=world; telegram:-3")
	follows := []herald.Follow{
		{Target: rules[0].Target, Topic: "a"},
		{Target: rules[0].Target, Topic: "b"},
		{Target: rules[1].Target, Topic: "a"},
		{Target: herald.Target{Platform: herald.Telegram, Chat: "5"}, Topic: "a"},
	}
	got := Overridden(rules, follows)
	want := map[herald.Target]int{rules[0].Target: 2, rules[1].Target: 1}
	if len(got) != len(want) || got[rules[0].Target] != 2 || got[rules[1].Target] != 1 {
		t.Errorf("Overridden = %v, want %v", got, want)
	}
	if got := Overridden(rules, nil); len(got) != 0 {
		t.Errorf("Overridden without follows = %v", got)
	}
}

// TestRouterAgreesWithMatch checks the router's indexes against Match on
// many rules and articles.
func TestRouterAgreesWithMatch(t *testing.T) {
	rules := benchRules(t, 1000)
	r := NewRouter(Config{Rules: rules})
	for i, a := range benchArticles(120) {
		var want []herald.Target
		for _, rule := range rules {
			if rule.Filter.Match(a) {
				want = append(want, rule.Target)
			}
		}
		if got := r.Route(a); !slices.Equal(got, want) {
			t.Fatalf("article %d %q: Route = %v,\nwant %v", i, a.Headline, got, want)
		}
	}
}

// The vocabulary of the benchmark's rules and articles.
var (
	benchTopics = []string{
		"World", "Europe", "Asia", "Africa", "Americas", "Middle East", "Business", "Markets", "Technology", "Science",
		"Climate", "Health", "Sport", "Football", "Tennis", "Culture", "Politics", "Elections", "Energy", "Defence",
	}
	benchWords = strings.Fields(`ukraine russia china taiwan germany france zürich brazil india japan
		election inflation tariffs climate drought floods wildfire earthquake ceasefire summit
		parliament minister president court strike protest vaccine outbreak satellite rocket
		bank rates oil gas pipeline refinery shipping port railway airline merger lawsuit
		football championship olympics tennis marathon festival museum novel film award`)
	benchPhrases = []string{"climate change", "interest rates", "central bank", "world cup", "supply chain", "prime minister", "peace talks", "artificial intelligence"}
	benchRegexps = []string{`(?i)\bwar\b`, `\b[A-Z]{2,5}\b talks`, `(?i)breaking`, `\d+ (dead|killed|injured)`, `(?i)exclusive:`, `\$\d+(\.\d+)? ?(bn|billion)`, `(?i)\bsanctions?\b`, `^Live:`, `(?i)analysis|opinion`, `(?i)\bcoup\b`}
	// benchRegexpTemplates make the regex rules' expressions from two
	// words each.
	benchRegexpTemplates = []string{`(?i)\b(%s|%s)\b`, `\b%s\b.*\b%s\b`, `(?i)^(live|breaking): .*%s|%s`, `\d+ %s|%s \d+`, `(?i)\b%ss?\b[^.]*\b%s`}
	benchFeeds           = []string{"https://news.example/world/rss", "https://news.example/business/rss", "https://news.example/sport/rss"}
)

// benchRules returns n rules: 40% topic rules, 40% keyword rules, 15%
// regex rules (each with its own expression) and 5% catch-alls; two
// thirds of them with an exclusion (topics, keywords or one of a few
// shared regular expressions) and a tenth with a feed.
func benchRules(t testing.TB, n int) []Rule {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "discord:%d", 1000+i)
		switch {
		case i%20 < 8:
			fmt.Fprintf(&b, " topics=%q,%q", pick(benchTopics), pick(benchTopics))
		case i%20 < 16:
			fmt.Fprintf(&b, " keywords=%s,%q", pick(benchWords), pick(benchPhrases))
		case i%20 < 19:
			// Each regex rule has its own expression.
			fmt.Fprintf(&b, " regex=%q", fmt.Sprintf(benchRegexpTemplates[i%len(benchRegexpTemplates)], pick(benchWords), pick(benchWords)))
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, " not-topics=%q", pick(benchTopics))
		case 1:
			if i%2 == 0 {
				fmt.Fprintf(&b, " not-keywords=%s", pick(benchWords))
			} else {
				fmt.Fprintf(&b, " not-regex=%q", pick(benchRegexps))
			}
		}
		if i%10 == 0 {
			fmt.Fprintf(&b, " feeds=%s", pick(benchFeeds))
		}
		b.WriteString(";\n")
	}
	rules, err := Parse(b.String(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// benchArticles returns n articles of news-like headlines and leads.
func benchArticles(n int) []herald.Article {
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	templates := []string{
		"%s and %s leaders meet as %s fears grow",
		"Live: %s latest as %s talks resume over %s",
		"Exclusive: %s weighs %s deal worth $%d billion",
		"%d killed as %s hits %s region",
		"Analysis: what the %s means for %s",
		"ZÜRICH floods: %s and %s in the %s",
	}
	out := make([]herald.Article, n)
	for i := range out {
		tpl := templates[i%len(templates)]
		args := []any{}
		for _, verb := range strings.Split(tpl, "%")[1:] {
			if verb[0] == 'd' {
				args = append(args, rng.IntN(500))
			} else {
				args = append(args, cases(pick(benchWords), i))
			}
		}
		out[i] = herald.Article{
			Headline: fmt.Sprintf(tpl, args...),
			Lead: fmt.Sprintf("Officials in %s said on Monday that %s would affect %s and %s, as the %s of %s continued; %s.",
				cases(pick(benchWords), i+1), pick(benchPhrases), pick(benchWords), pick(benchWords), pick(benchWords), pick(benchWords), pick(benchPhrases)),
			Topics: []string{pick(benchTopics), pick(benchTopics)},
			Feed:   pick(benchFeeds),
		}
	}
	return out
}

// cases writes w as a headline would, capitalised or not.
func cases(w string, i int) string {
	if i%2 == 0 {
		return strings.ToUpper(w[:1]) + w[1:]
	}
	return w
}

func BenchmarkRoute1000Rules(b *testing.B) {
	rules := benchRules(b, 1000)
	articles := benchArticles(64)
	r := NewRouter(Config{Rules: rules})
	routed := 0
	for _, a := range articles {
		routed += len(r.Route(a))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.Route(articles[i%len(articles)])
		i++
	}
	b.ReportMetric(float64(routed)/float64(len(articles)), "targets/article")
}
