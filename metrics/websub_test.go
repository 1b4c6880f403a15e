package metrics

import (
	"sync/atomic"
	"testing"

	"github.com/heraldhq/herald/websub"
)

func TestWebSubCountsAreReadAtScrape(t *testing.T) {
	r := New(Options{})
	var stats atomic.Pointer[websub.Stats]
	stats.Store(&websub.Stats{})
	r.WebSub(func() websub.Stats { return *stats.Load() })
	want(t, scrape(t, r), map[string]float64{
		`herald_websub_pushes_total{outcome="delivered"}`:       0,
		`herald_websub_pushes_total{outcome="dropped"}`:         0,
		`herald_websub_verifications_total{outcome="verified"}`: 0,
		`herald_websub_verifications_total{outcome="refused"}`:  0,
	})
	stats.Store(&websub.Stats{Delivered: 7, Dropped: 2, Verified: 3, Refused: 1})
	want(t, scrape(t, r), map[string]float64{
		`herald_websub_pushes_total{outcome="delivered"}`:       7,
		`herald_websub_pushes_total{outcome="dropped"}`:         2,
		`herald_websub_verifications_total{outcome="verified"}`: 3,
		`herald_websub_verifications_total{outcome="refused"}`:  1,
	})
}
