package extract

import (
	"testing"
	"time"
)

func TestIssueDatelineForms(t *testing.T) {
	pub := time.Date(2024, 4, 8, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct{ in, text, place, date, agency, lead string }{
		{"SALVADOR, Feb 26 - Brazil's coffee", "SALVADOR, Feb 26", "SALVADOR", "2024-02-26", "", "Brazil's coffee"},
		{"LOS ANGELES (Reuters) - Stocks rose", "LOS ANGELES (Reuters)", "LOS ANGELES", "", "Reuters", "Stocks rose"},
		{"SAN FRANCISCO (AP) -- Apple said", "SAN FRANCISCO (AP)", "SAN FRANCISCO", "", "AP", "Apple said"},
		{"Canadian Press - VANCOUVER (CP) - The premier", "Canadian Press - VANCOUVER (CP)", "VANCOUVER", "", "CP", "The premier"},
		{"ATHENS, Greece - Games open", "ATHENS, Greece", "ATHENS, Greece", "", "", "Games open"},
		{"AP - Officials said", "AP", "", "", "AP", "Officials said"},
		{"Beijing, 8 April 2024 (TDI): Russian Foreign Minister", "Beijing, 8 April 2024 (TDI)", "Beijing", "2024-04-08", "TDI", "Russian Foreign Minister"},
		{"WASHINGTON (AP) — The Senate", "WASHINGTON (AP)", "WASHINGTON", "", "AP", "The Senate"},
		{"LONDON, April 8 (Reuters) - Britain", "LONDON, April 8 (Reuters)", "LONDON", "2024-04-08", "Reuters", "Britain"},
		{"NEW DELHI: India's", "NEW DELHI", "NEW DELHI", "", "", "India's"},
		{"SEOUL, South Korea — North Korea", "SEOUL, South Korea", "SEOUL, South Korea", "", "", "North Korea"},
		{"Feb. 23, 2015 -- Doctors", "Feb. 23, 2015", "", "2015-02-23", "", "Doctors"},
		{"PARIS – Talks resumed", "PARIS", "PARIS", "", "", "Talks resumed"},
		{"SÃO PAULO (Reuters) - Brazil", "SÃO PAULO (Reuters)", "SÃO PAULO", "", "Reuters", "Brazil"},
		{"ST. PETERSBURG, Russia (AP) — Putin", "ST. PETERSBURG, Russia (AP)", "ST. PETERSBURG, Russia", "", "AP", "Putin"},
		{"LONDON, April 8 -- Markets", "LONDON, April 8", "LONDON", "2024-04-08", "", "Markets"},
		// Not datelines.
		{"The minister, who spoke on Monday - as expected - said", "", "", "", "", "The minister, who spoke on Monday - as expected - said"},
		{"Officials (including the mayor) said: no comment", "", "", "", "", "Officials (including the mayor) said: no comment"},
		{"Note: the figures are provisional.", "", "", "", "", "Note: the figures are provisional."},
		{"In 2023, sales fell - sharply.", "", "", "", "", "In 2023, sales fell - sharply."},
	} {
		d, lead := SplitDateline(tt.in, pub)
		if d.Text != tt.text || d.Place != tt.place || d.Date != tt.date || d.Agency != tt.agency || lead != tt.lead {
			t.Errorf("SplitDateline(%q)\n got %+v %q\nwant {%s %s %s %s} %q", tt.in, d, lead, tt.text, tt.place, tt.date, tt.agency, tt.lead)
		}
	}
}
