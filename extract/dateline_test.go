package extract

import (
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

func TestSplitDateline(t *testing.T) {
	pub1987 := time.Date(1987, 4, 7, 15, 0, 0, 0, time.UTC)
	pub2024 := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		in        string
		published time.Time
		want      herald.Dateline
		rest      string
	}{
		{"place date year agency colon", "Beijing, 8 April 2024 (TDI): Russia's foreign minister arrived.", time.Time{},
			herald.Dateline{Text: "Beijing, 8 April 2024 (TDI)", Place: "Beijing", Date: "2024-04-08", Agency: "TDI"}, "Russia's foreign minister arrived."},
		{"AP em dash", "WASHINGTON (AP) — The Senate voted.", pub2024,
			herald.Dateline{Text: "WASHINGTON (AP)", Place: "WASHINGTON", Agency: "AP"}, "The Senate voted."},
		{"Reuters month day", "LONDON, April 8 (Reuters) - Shares rose.", pub2024,
			herald.Dateline{Text: "LONDON, April 8 (Reuters)", Place: "LONDON", Date: "2024-04-08", Agency: "Reuters"}, "Shares rose."},
		{"no year and no published", "LONDON, April 8 (Reuters) - Shares rose.", time.Time{},
			herald.Dateline{Text: "LONDON, April 8 (Reuters)", Place: "LONDON", Agency: "Reuters"}, "Shares rose."},
		{"explicit year wins", "LONDON, April 8, 2023 (Reuters) - Shares rose.", pub2024,
			herald.Dateline{Text: "LONDON, April 8, 2023 (Reuters)", Place: "LONDON", Date: "2023-04-08", Agency: "Reuters"}, "Shares rose."},
		{"place only em dash", "CAIRO — Gunmen opened fire.", pub2024,
			herald.Dateline{Text: "CAIRO", Place: "CAIRO"}, "Gunmen opened fire."},
		{"glued em dash", "CAIRO—Gunmen opened fire.", pub2024,
			herald.Dateline{Text: "CAIRO", Place: "CAIRO"}, "Gunmen opened fire."},
		{"Reuters 1987", "SALVADOR, Feb 26 - Showers continued.", pub1987,
			herald.Dateline{Text: "SALVADOR, Feb 26", Place: "SALVADOR", Date: "1987-02-26"}, "Showers continued."},
		{"mixed case month", "FARMINGTON, Conn., FEb 26 - Qtly div 35 cts.", pub1987,
			herald.Dateline{Text: "FARMINGTON, Conn., FEb 26", Place: "FARMINGTON, Conn.", Date: "1987-02-26"}, "Qtly div 35 cts."},
		{"MArch", "SAN JOSE, Calif., MArch 19 - Shr 22 cts.", pub1987,
			herald.Dateline{Text: "SAN JOSE, Calif., MArch 19", Place: "SAN JOSE, Calif.", Date: "1987-03-19"}, "Shr 22 cts."},
		{"Sept", "ST. LOUIS, Sept 3 - Net rose.", time.Date(1987, 9, 3, 0, 0, 0, 0, time.UTC),
			herald.Dateline{Text: "ST. LOUIS, Sept 3", Place: "ST. LOUIS", Date: "1987-09-03"}, "Net rose."},
		{"abbreviated month with dot", "TOKYO, Apr. 8 (Kyodo) - Stocks fell.", pub2024,
			herald.Dateline{Text: "TOKYO, Apr. 8 (Kyodo)", Place: "TOKYO", Date: "2024-04-08", Agency: "Kyodo"}, "Stocks fell."},
		{"day month no year", "PARIS, 8 April - Trains ran late.", pub2024,
			herald.Dateline{Text: "PARIS, 8 April", Place: "PARIS", Date: "2024-04-08"}, "Trains ran late."},
		{"year rolls back", "TOKYO, Dec 31 (Reuters) - Bells rang.", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC),
			herald.Dateline{Text: "TOKYO, Dec 31 (Reuters)", Place: "TOKYO", Date: "2024-12-31", Agency: "Reuters"}, "Bells rang."},
		{"two-word place", "LOS ANGELES (Reuters) - Film sales rose.", pub2024,
			herald.Dateline{Text: "LOS ANGELES (Reuters)", Place: "LOS ANGELES", Agency: "Reuters"}, "Film sales rose."},
		{"double hyphen", "SAN FRANCISCO (AP) -- Google said.", pub2024,
			herald.Dateline{Text: "SAN FRANCISCO (AP)", Place: "SAN FRANCISCO", Agency: "AP"}, "Google said."},
		{"agency prefix", "Canadian Press - VANCOUVER (CP) - Police said.", pub2024,
			herald.Dateline{Text: "Canadian Press - VANCOUVER (CP)", Place: "VANCOUVER", Agency: "CP"}, "Police said."},
		{"place and country", "ATHENS, Greece - Swimmers qualified.", pub2024,
			herald.Dateline{Text: "ATHENS, Greece", Place: "ATHENS, Greece"}, "Swimmers qualified."},
		{"AP alone", "AP - Rescuers freed a whale.", pub2024,
			herald.Dateline{Text: "AP", Agency: "AP"}, "Rescuers freed a whale."},
		{"Reuters alone", "Reuters - Stocks ended higher.", pub2024,
			herald.Dateline{Text: "Reuters", Agency: "Reuters"}, "Stocks ended higher."},
		{"domain agency", "SPACE.com - A comet was seen.", pub2024,
			herald.Dateline{Text: "SPACE.com", Agency: "SPACE.com"}, "A comet was seen."},
		{"colon", "NEW DELHI: The monsoon arrived early.", pub2024,
			herald.Dateline{Text: "NEW DELHI", Place: "NEW DELHI"}, "The monsoon arrived early."},
		{"country em dash", "SEOUL, South Korea — Lawmakers walked out.", pub2024,
			herald.Dateline{Text: "SEOUL, South Korea", Place: "SEOUL, South Korea"}, "Lawmakers walked out."},
		{"date only", "Feb. 23, 2015 -- Allergies are rising.", pub2024,
			herald.Dateline{Text: "Feb. 23, 2015", Date: "2015-02-23"}, "Allergies are rising."},
		{"St. with country", "ST. PETERSBURG, Russia — Bridges opened.", pub2024,
			herald.Dateline{Text: "ST. PETERSBURG, Russia", Place: "ST. PETERSBURG, Russia"}, "Bridges opened."},
		{"accented place", "SÃO PAULO (Reuters) - The real firmed.", pub2024,
			herald.Dateline{Text: "SÃO PAULO (Reuters)", Place: "SÃO PAULO", Agency: "Reuters"}, "The real firmed."},
		{"country and agency", "CARACAS, Venezuela (Reuters) - Voters queued.", pub2024,
			herald.Dateline{Text: "CARACAS, Venezuela (Reuters)", Place: "CARACAS, Venezuela", Agency: "Reuters"}, "Voters queued."},
		{"missing comma", "RICHMOND, Va. Feb 26 - Qtly div eight cts.", pub1987,
			herald.Dateline{Text: "RICHMOND, Va. Feb 26", Place: "RICHMOND, Va.", Date: "1987-02-26"}, "Qtly div eight cts."},
		{"lower case", "sioux falls, april 7 - Shr 12 cts.", pub1987,
			herald.Dateline{Text: "sioux falls, april 7", Place: "sioux falls", Date: "1987-04-07"}, "Shr 12 cts."},
		{"hyphen glued to day", "MONTREAL, Feb 26- Shr 1.11 dlrs.", pub1987,
			herald.Dateline{Text: "MONTREAL, Feb 26", Place: "MONTREAL", Date: "1987-02-26"}, "Shr 1.11 dlrs."},
		{"en dash", "BERLIN – Trains stopped.", pub2024,
			herald.Dateline{Text: "BERLIN", Place: "BERLIN"}, "Trains stopped."},
		{"title case strong separator", "Gaza City — Schools reopened.", pub2024,
			herald.Dateline{Text: "Gaza City", Place: "Gaza City"}, "Schools reopened."},
		{"title case unknown agency", "Islamabad (TDI): Talks resumed.", pub2024,
			herald.Dateline{Text: "Islamabad (TDI)", Place: "Islamabad", Agency: "TDI"}, "Talks resumed."},
		{"title case with agency", "New Delhi, April 8 (PTI): Rains lashed the city.", pub2024,
			herald.Dateline{Text: "New Delhi, April 8 (PTI)", Place: "New Delhi", Date: "2024-04-08", Agency: "PTI"}, "Rains lashed the city."},
		{"lower-case agency", "Berlin (dpa) - The coalition agreed.", pub2024,
			herald.Dateline{Text: "Berlin (dpa)", Place: "Berlin", Agency: "dpa"}, "The coalition agreed."},
		{"particle in place", "Rio de Janeiro, March 3 - Carnival began.", pub2024,
			herald.Dateline{Text: "Rio de Janeiro, March 3", Place: "Rio de Janeiro", Date: "2024-03-03"}, "Carnival began."},
		{"byline before dateline", "By JANE ROE    DALLAS (AP) -- Dell said.", pub2024,
			herald.Dateline{Text: "DALLAS (AP)", Place: "DALLAS", Agency: "AP"}, "Dell said."},
		{"byline collapsed", "By JANE ROE SAN JOSE, Calif. (AP) -- eBay said.", pub2024,
			herald.Dateline{Text: "SAN JOSE, Calif. (AP)", Place: "SAN JOSE, Calif.", Agency: "AP"}, "eBay said."},
		{"byline with initial", "By JOHN Q. ROE NEW YORK (AP) -- Stocks fell.", pub2024,
			herald.Dateline{Text: "NEW YORK (AP)", Place: "NEW YORK", Agency: "AP"}, "Stocks fell."},
		{"byline without place", "By JOHN ROE (AP) -- Stocks fell.", pub2024,
			herald.Dateline{Text: "(AP)", Agency: "AP"}, "Stocks fell."},
		{"hyphenated place", "AL-FASHER, Sudan (AP) - Troops arrived.", pub2024,
			herald.Dateline{Text: "AL-FASHER, Sudan (AP)", Place: "AL-FASHER, Sudan", Agency: "AP"}, "Troops arrived."},
		{"leading space", "  MIAMI - Insurers waited.", pub2024,
			herald.Dateline{Text: "MIAMI", Place: "MIAMI"}, "Insurers waited."},
		{"ordinal day", "DUBLIN, March 3rd - Pubs opened.", pub2024,
			herald.Dateline{Text: "DUBLIN, March 3rd", Place: "DUBLIN", Date: "2024-03-03"}, "Pubs opened."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rest := SplitDateline(tt.in, tt.published)
			if got != tt.want {
				t.Errorf("SplitDateline(%q) dateline = %+v, want %+v", tt.in, got, tt.want)
			}
			if rest != tt.rest {
				t.Errorf("SplitDateline(%q) rest = %q, want %q", tt.in, rest, tt.rest)
			}
		})
	}
}

func TestSplitDatelineNone(t *testing.T) {
	pub := time.Date(2024, 4, 8, 9, 0, 0, 0, time.UTC)
	for _, in := range []string{
		"",
		"   ",
		"The minister, who spoke on Monday - and again later - said no.",
		"However, the report (published Tuesday): prices rose.",
		`He said: "no" to the plan.`,
		"In 2023 - a record year - sales rose.",
		"Apple (AAPL) - the company said it would buy back shares.",
		"In Tuesday's vote: the measure passed easily.",
		"Prices rose sharply, analysts said.",
		"The company (which is based in Ohio) said on Monday it would expand.",
		"Note: this article was updated.",
		"BREAKING: Earthquake hits the coast.",
		`"We will fight," she said - defiantly.`,
		"Updated: The report was revised.",
		"It was cold — very cold — in the city.",
		"Shares of Acme Corp - the largest maker - fell.",
		"10:30 a.m.: Officials said the road was closed.",
		"Smith and Jones - the two candidates - debated.",
		"Exclusive: The inside story of the deal.",
		"Meanwhile — the market fell.",
		"Photos: Scenes from the parade.",
		"What happened next: A timeline.",
		"Monday: Talks resume in Geneva.",
		"NASA - the agency said the launch slipped.",
		"Q: What happened? A: Nobody knows.",
		"Paris (France) - the city of light.",
		"Berlin: a city that keeps changing.",
		"March 2024: The year the river froze.",
		"WASHINGTON —",
		"A - B testing showed gains.",
		"The Fed (FOMC) - the committee - met.",
		"Mr Smith: I disagree with that.",
		"Feb 30 - Nothing happened.",
		"Aliases — Goosefoot, fat hen and wild spinach.",
		"Consider: The phone could simply lock everyone out.",
		"Elena: I think the builders misread the plan.",
		"Fact Check: The claim about the bridge is false.",
		// A lone Title Case word is not taken for a place: too many labels
		// and speakers look the same. Capitals ("KABUL —") are.
		"Kabul — Schools reopened.",
		"Gaza City - the war goes on.",
	} {
		d, rest := SplitDateline(in, pub)
		if !d.IsZero() || rest != in {
			t.Errorf("SplitDateline(%q) = %+v, %q; want no dateline", in, d, rest)
		}
	}
}
