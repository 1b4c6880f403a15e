package extract

import (
	"os"
	"strings"
	"testing"
)

// realLead is a paragraph any reader would take for a lead.
const realLead = "The harbour authority said on Friday that the new ferry terminal will open in May, two months later than planned, because of a shortage of steel."

func TestLeadSkipsBoilerplate(t *testing.T) {
	for _, tt := range []struct {
		name, before string
	}{
		{"also read colon", "Also Read: Ferry fares to rise in spring"},
		{"also read", "Also read how the terminal was designed"},
		{"read more", "Read more"},
		{"read more colon", "Read More: The history of the old harbour"},
		{"related", "Related: Harbour dredging begins"},
		{"related upper", "RELATED: Harbour dredging begins"},
		{"follow us", "Follow us"},
		{"follow us on", "Follow us on Facebook, X and Instagram for updates"},
		{"follow author", "Follow Jane on X and Threads"},
		{"sign up", "Sign up for our morning newsletter and never miss a story from the harbour"},
		{"subscribe", "Subscribe to read every story"},
		{"most popular", "Most Popular"},
		{"advertisement", "Advertisement"},
		{"click here", "Click here to see the full timetable of the ferries this spring"},
		{"share this", "Share this"},
		{"wordpress footer", "The post Ferry terminal delayed appeared first on Harbour News."},
		{"credit slashes", "JIM WATSON/AFP/Getty Images"},
		{"photo paren", "(Photo: Reuters)"},
		{"photo by", "Photo by Jane Doe"},
		{"image colon", "Image: The terminal under construction in a photo taken last week by a drone"},
		{"credit colon", "Credit: Harbour Authority"},
		{"caption with credit", "Cranes stand idle at the unfinished terminal on Thursday. (Photo: Harbour News)"},
		{"caption with agency slash", "Cranes stand idle at the unfinished terminal on Thursday. REUTERS/Jane Doe"},
		{"time ET", "1:39 PM ET"},
		{"updated time", "Updated 10:32 a.m."},
		{"date", "April 8, 2024"},
		{"byline", "By Jane Doe"},
		{"byline with agency", "By Jane Doe and John Roe, Reuters"},
		{"byline bio", "By Jane Doe, a senior reporter who covers ports and shipping. She lived in the harbour district for ten years."},
		{"breadcrumb", "Home > World > Asia"},
		{"breadcrumb glued", "HomeWorldAsia"},
		{"breadcrumb slashes", "News / Local / Harbour"},
		{"headline repeated", "Ferry terminal opening delayed to May"},
		{"headline with crumbs", "HomeNewsFerry terminal opening delayed to May"},
		{"headline different case", "FERRY TERMINAL  opening delayed to may"},
		{"bracketed note", "[Want the harbour news every morning? Sign up here.]"},
		{"video notice", "Unfortunately, this video is not available in your region."},
		{"short fragment", "Harbour news"},
		{"copyright", "© 2025 Harbour News"},
		{"login promo", "ログイン今なら5,000ポイントもらえるチャンス！ YJFX!"},
		{"log in promo", "Log in to keep reading this story and every other story from the harbour"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			html := "<p>" + tt.before + "</p><p>" + realLead + "</p>"
			if got := Lead(html, "Ferry terminal opening delayed to May"); got != realLead {
				t.Errorf("html: Lead = %q, want the real lead", got)
			}
			text := tt.before + "\n\n" + realLead
			if got := Lead(text, "Ferry terminal opening delayed to May"); got != realLead {
				t.Errorf("text: Lead = %q, want the real lead", got)
			}
		})
	}
}

func TestLead(t *testing.T) {
	for _, tt := range []struct {
		name, content, headline, want string
	}{
		{"empty", "", "", ""},
		{"only tags", "<p> </p><div><br></div>", "", ""},
		{"only boilerplate", "<p>Read more</p><p>Advertisement</p>", "", ""},
		{"plain paragraph", realLead, "", realLead},
		{"entities", "<p>Fish &amp; chips &#8212; the harbour&#8217;s favourite dish, sold from twelve stalls along the quay this summer.</p>", "",
			"Fish & chips — the harbour’s favourite dish, sold from twelve stalls along the quay this summer."},
		{"double-escaped entities", "<p>The harbour&amp;#8217;s new terminal will open in May, two months late, the authority said.</p>", "",
			"The harbour’s new terminal will open in May, two months late, the authority said."},
		{"inline tags kept in words", "<p>The <b>harbour</b> authority said the <a href=\"/t\">terminal</a> will open in May, two months late.</p>", "",
			"The harbour authority said the terminal will open in May, two months late."},
		{"short only", "<p>Ferries run late.</p>", "", "Ferries run late."},
		{"best short", "<p>Late.</p><p>Ferries run late today.</p>", "", "Ferries run late today."},
		{"divs without p", "<div>By Jane Doe</div><div>" + realLead + "</div>", "", realLead},
		{"list items when nothing else", "<ul><li>Read more</li><li>" + realLead + "</li></ul>", "", realLead},
		{"paragraph before list", "<ul><li>" + realLead + "</li></ul><p>The new terminal will have room for four ferries and a waiting hall for six hundred people.</p>", "",
			"The new terminal will have room for four ferries and a waiting hall for six hundred people."},
		{"br separated", "Photo by Jane Doe<br>" + realLead, "", realLead},
		{"figure and caption skipped", "<figure><img src=x.jpg><figcaption>" + realLead + "</figcaption></figure><p>Only this paragraph is the story, and it is long enough to count as a lead.</p>", "",
			"Only this paragraph is the story, and it is long enough to count as a lead."},
		{"script skipped", "<script>var x = 'This is not the lead at all, it is code in the page';</script><p>" + realLead + "</p>", "", realLead},
		{"hidden class skipped", `<div class="share-tools">` + realLead + `</div><p>The story itself starts here and goes on for long enough to be a real lead.</p>`, "",
			"The story itself starts here and goes on for long enough to be a real lead."},
		{"continue reading trimmed", "<p>" + realLead + " Continue reading…</p>", "", realLead},
		{"cut text before read more", "<p>The harbour authority said on Friday that the new terminal will open in May … Read more »</p>", "",
			"The harbour authority said on Friday that the new terminal will open in May…"},
		{"wordpress ellipsis", "<p>The harbour authority said on Friday that the terminal will open in May, two months late [&#8230;]</p>", "",
			"The harbour authority said on Friday that the terminal will open in May, two months late…"},
		{"plain text single newlines", "Harbour News\nBy Jane Doe\n" + realLead + "\nMore text follows here.", "", realLead},
		{"plain text wrapped lines", "By Jane Doe\n\nThe harbour authority said on Friday\nthat the new ferry terminal will open in May.\n\nMore.", "",
			"The harbour authority said on Friday that the new ferry terminal will open in May."},
		{"title-like line skipped", "Ferry terminal opening delayed to May as steel runs short\n\n" + realLead, "", realLead},
		{"escaped markup", "&lt;p&gt;Photo by Jane Doe&lt;/p&gt;&lt;p&gt;" + realLead + "&lt;/p&gt;", "", realLead},
		{"ideographs", "<p>图为港口的新码头。</p><p>港务局星期五表示，新的渡轮码头将于五月启用，比原计划晚两个月，原因是钢材短缺。</p>", "",
			"港务局星期五表示，新的渡轮码头将于五月启用，比原计划晚两个月，原因是钢材短缺。"},
		{"link-only teaser skipped", `<p><a href="/a">The harbour authority is said to be planning a new ferry terminal for the town, sources say.</a></p><p>` + realLead + "</p>", "", realLead},
		{"link-only promo skipped", `<p><a href="/login">Log</a><span><a href="/p">Points for everyone who joins today, only this month!</a></span></p><p>` + realLead + "</p>", "", realLead},
		{"linked sentence with colon kept", `<p><a href="/a">Jane Doe tested the new harbour ferries for five days, and likes them a lot</a>:</p><blockquote><p>` + realLead + "</p></blockquote>", "",
			"Jane Doe tested the new harbour ferries for five days, and likes them a lot:"},
		{"heading over prose skipped", "<p>The ferry terminal will open in May after all the delays</p><p>" + realLead + "</p><p>" + realLead + "</p>", "", realLead},
		{"lines set alike are prose", "<p>一波波接續性低溫寒流報到 已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣</p><p>玉峰道路一路上雲氣山嵐滯留山頭 順路下切蜿蜒道路後不久即抵達來到玉峰國小</p><p>美樹美如其名偌大楓香樹早已呈現金黃 泛紅色彩也是愛攝人仕所喜愛造訪之地</p>", "",
			"一波波接續性低溫寒流報到 已將新竹尖石鄉後山一帶層層山巒披上嫣紅的彩衣"},
		{"title block skipped", `<div class="post__title__meta">The terminal is late, and the town is paying for every month of the delay, its treasurer says.</div><p>` + realLead + "</p>", "", realLead},
		{"invalid utf-8", "The harbour \xff authority said on Friday that the ferry terminal will open in May, later than planned.", "",
			"The harbour \uFFFD authority said on Friday that the ferry terminal will open in May, later than planned."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Lead(tt.content, tt.headline); got != tt.want {
				t.Errorf("Lead(%q) = %q, want %q", tt.content, got, tt.want)
			}
		})
	}
}

func TestLeadSeedText(t *testing.T) {
	data, err := os.ReadFile(sharedFile(t, "seed/000_409110388c7394ba.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, headline := range []string{"", seedHeadline} {
		got := Lead(string(data), headline)
		if !strings.HasPrefix(got, "Beijing, 8 April 2024 (TDI): Russian Foreign Minister Sergey Lavrov’s official visit") {
			t.Errorf("Lead(seed, %q) = %q", headline, got)
		}
		if strings.Contains(got, "Also Read") || strings.Contains(got, "Home") {
			t.Errorf("Lead(seed, %q) kept boilerplate: %q", headline, got)
		}
	}
}
