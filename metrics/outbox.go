package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald"
)

// outboxCollector reads the outbox at each scrape.
type outboxCollector struct {
	outbox    OutboxReader
	timeout   time.Duration
	platforms []herald.Platform
	now       func() time.Time
	pending   *prometheus.Desc
	oldest    *prometheus.Desc
}

func newOutboxCollector(outbox OutboxReader, timeout time.Duration, platforms []herald.Platform, now func() time.Time) *outboxCollector {
	return &outboxCollector{
		outbox:    outbox,
		timeout:   timeout,
		platforms: platforms,
		now:       now,
		pending: prometheus.NewDesc("herald_outbox_pending",
			"Deliveries waiting in the outbox, by platform.", []string{"platform"}, nil),
		oldest: prometheus.NewDesc("herald_outbox_oldest_seconds",
			"Age of the oldest pending delivery; 0 when none is pending.", nil, nil),
	}
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pending
	ch <- c.oldest
}

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	stats, err := c.outbox.Outbox(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.pending, err)
		return
	}
	pending := make(map[herald.Platform]int, len(c.platforms)+len(stats.Pending))
	for _, p := range c.platforms {
		pending[p] = 0
	}
	for p, n := range stats.Pending {
		pending[p] += n
	}
	for p, n := range pending {
		ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(n), string(p))
	}
	age := 0.0
	if !stats.Oldest.IsZero() {
		age = max(0, c.now().Sub(stats.Oldest).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
