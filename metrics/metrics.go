// Package metrics counts what Herald does, for Prometheus: feed fetches by
// outcome, articles discovered, deliveries by platform and outcome, rate
// limits, the outbox's depth and age, and how long an article takes from
// its publication to its post.
//
// It instruments the other packages from the outside: Store decorates the
// store the feed watcher records into, Sender decorates each platform's
// sender, and the outbox is read when Prometheus scrapes. Every Registry
// has a prometheus.Registry of its own; nothing is registered globally.
package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/heraldhq/herald"
)

// The outcomes of a feed fetch, the values of herald_feed_fetches_total's
// outcome label.
const (
	FetchOK          = "ok"
	FetchNotModified = "not_modified"
	FetchError       = "error"
	FetchGone        = "gone"
)

// The outcomes of one send, the values of herald_deliveries_total's outcome
// label.
const (
	Sent        = "sent"
	RateLimited = "rate_limited"
	Retry       = "retry"
	Failed      = "failed"
)

// latencyBuckets are the upper bounds, in seconds, of the publish-to-post
// latency histogram: from half a second to an hour.
func latencyBuckets() []float64 {
	return []float64{0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600}
}

// DefaultOutboxTimeout bounds the outbox read of one scrape.
const DefaultOutboxTimeout = 2 * time.Second

// Options configure a Registry. Zero values take the defaults.
type Options struct {
	// Outbox, when set, is asked at each scrape for the outbox's depth
	// and age.
	Outbox OutboxReader
	// OutboxTimeout bounds that read; DefaultOutboxTimeout by default.
	OutboxTimeout time.Duration
	// Platforms get their series at zero from the start, so that a rate
	// or an alert has a series before the first event.
	Platforms []herald.Platform
	// Log receives the errors of a scrape; slog.Default() by default.
	Log *slog.Logger
	// Now is the clock; time.Now by default.
	Now func() time.Time
}

// OutboxReader describes the outbox; herald.Store is one.
type OutboxReader interface {
	Outbox(ctx context.Context) (herald.OutboxStats, error)
}

// Registry holds Herald's collectors.
type Registry struct {
	reg *prometheus.Registry
	log *slog.Logger
	now func() time.Time

	fetches     *prometheus.CounterVec
	discovered  prometheus.Counter
	deliveries  *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	edits       *prometheus.CounterVec
}

// New returns a Registry with Herald's collectors and the Go runtime and
// process collectors registered.
func New(opts Options) *Registry {
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OutboxTimeout <= 0 {
		opts.OutboxTimeout = DefaultOutboxTimeout
	}
	r := &Registry{
		reg: prometheus.NewRegistry(),
		log: opts.Log,
		now: opts.Now,
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_feed_fetches_total",
			Help: "Feed fetches by outcome: ok, not_modified, error or gone.",
		}, []string{"outcome"}),
		discovered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "herald_articles_discovered_total",
			Help: "Articles seen for the first time in a feed.",
		}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_deliveries_total",
			Help: "Send attempts by platform and outcome: sent, rate_limited, retry (a transient failure) or failed (refused for good).",
		}, []string{"platform", "outcome"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_rate_limited_total",
			Help: "Sends the platform refused with 429 Too Many Requests.",
		}, []string{"platform"}),
		edits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_edits_total",
			Help: "Corrections of sent posts (edits and deletions) by platform and outcome: sent, rate_limited, retry or failed.",
		}, []string{"platform", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "herald_delivery_latency_seconds",
			Help:    "Time from an article's publication to its post, by platform.",
			Buckets: latencyBuckets(),
		}, []string{"platform"}),
	}
	r.reg.MustRegister(r.fetches, r.discovered, r.deliveries, r.rateLimited, r.latency, r.edits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{FetchOK, FetchNotModified, FetchError, FetchGone} {
		r.fetches.WithLabelValues(o)
	}
	for _, p := range opts.Platforms {
		r.platform(p)
	}
	if opts.Outbox != nil {
		r.reg.MustRegister(newOutboxCollector(opts.Outbox, opts.OutboxTimeout, opts.Platforms, opts.Now))
	}
	return r
}

// platform creates the platform's series at zero.
func (r *Registry) platform(p herald.Platform) {
	for _, o := range []string{Sent, RateLimited, Retry, Failed} {
		r.deliveries.WithLabelValues(string(p), o)
		r.edits.WithLabelValues(string(p), o)
	}
	r.rateLimited.WithLabelValues(string(p))
	r.latency.WithLabelValues(string(p))
}

// Handler serves the metrics in Prometheus's exposition formats. A
// collector that fails is logged and left out; the others are served.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{
		ErrorLog:      errorLog{r.log},
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// errorLog adapts a slog.Logger to promhttp's Logger.
type errorLog struct{ log *slog.Logger }

func (l errorLog) Println(v ...any) {
	l.log.Error("metrics: " + strings.TrimSpace(fmt.Sprintln(v...)))
}
