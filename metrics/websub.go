package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald/websub"
)

// WebSub exports what a WebSub subscriber's callback handler has done,
// read from stats at each scrape: pushed content delivered or dropped (a
// missing or wrong signature, a body too large), and verifications of
// intent answered or refused. Call it once, when the subscriber runs.
func (r *Registry) WebSub(stats func() websub.Stats) {
	counter := func(name, help, outcome string, value func(websub.Stats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: name, Help: help, ConstLabels: prometheus.Labels{"outcome": outcome},
		}, func() float64 { return float64(value(stats())) })
	}
	const (
		pushes       = "herald_websub_pushes_total"
		pushesHelp   = "Content pushed by WebSub hubs, by outcome: delivered (to the feed's dedupe and outbox) or dropped (a missing or wrong signature, or a body too large)."
		verifies     = "herald_websub_verifications_total"
		verifiesHelp = "Verifications of intent from WebSub hubs, by outcome: verified (the challenge echoed) or refused (an unknown callback, a wrong topic or mode)."
	)
	r.reg.MustRegister(
		counter(pushes, pushesHelp, "delivered", func(s websub.Stats) int64 { return s.Delivered }),
		counter(pushes, pushesHelp, "dropped", func(s websub.Stats) int64 { return s.Dropped }),
		counter(verifies, verifiesHelp, "verified", func(s websub.Stats) int64 { return s.Verified }),
		counter(verifies, verifiesHelp, "refused", func(s websub.Stats) int64 { return s.Refused }),
	)
}
