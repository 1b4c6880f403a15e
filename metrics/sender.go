package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/dispatch"
)

// DeliveryOutcome names what a sender's error means for the delivery: nil
// is Sent, a *herald.RateLimitError RateLimited, a *herald.PermanentError
// Failed, and any other error a Retry. A *herald.MovedError is a Retry
// too, whatever it wraps: the delivery is sent again to the chat's new ID.
func DeliveryOutcome(err error) string {
	var rl *herald.RateLimitError
	var moved *herald.MovedError
	var perm *herald.PermanentError
	switch {
	case err == nil:
		return Sent
	case errors.As(err, &rl):
		return RateLimited
	case errors.As(err, &moved):
		return Retry
	case errors.As(err, &perm):
		return Failed
	}
	return Retry
}

// Sender returns next counting each send in herald_deliveries_total by
// outcome, each 429 in herald_rate_limited_total, and observing the time
// from the article's publication to a successful send in
// herald_delivery_latency_seconds. A send cut short because ctx ended is
// not counted: the delivery stays as it was.
func (r *Registry) Sender(platform herald.Platform, next dispatch.Sender) dispatch.Sender {
	r.platform(platform)
	s := &sender{
		next:        next,
		now:         r.now,
		outcomes:    make(map[string]prometheus.Counter),
		edits:       make(map[string]prometheus.Counter),
		rateLimited: r.rateLimited.WithLabelValues(string(platform)),
		latency:     r.latency.WithLabelValues(string(platform)),
	}
	for _, o := range []string{Sent, RateLimited, Retry, Failed} {
		s.outcomes[o] = r.deliveries.WithLabelValues(string(platform), o)
		s.edits[o] = r.edits.WithLabelValues(string(platform), o)
	}
	return s
}

type sender struct {
	next        dispatch.Sender
	now         func() time.Time
	outcomes    map[string]prometheus.Counter
	edits       map[string]prometheus.Counter
	rateLimited prometheus.Counter
	latency     prometheus.Observer
}

func (s *sender) Send(ctx context.Context, d herald.Delivery) (string, error) {
	id, err := s.next.Send(ctx, d)
	if err != nil && ctx.Err() != nil {
		return id, err
	}
	outcome := DeliveryOutcome(err)
	s.outcomes[outcome].Inc()
	switch outcome {
	case Sent:
		if age := s.now().Sub(d.Article.Published); !d.Article.Published.IsZero() && age >= 0 {
			s.latency.Observe(age.Seconds())
		}
	case RateLimited:
		s.rateLimited.Inc()
	}
	return id, err
}

// SendDigest counts a digest message as the deliveries it holds when it
// is sent, and as one attempt otherwise.
func (s *sender) SendDigest(ctx context.Context, dg herald.Digest) (int, string, error) {
	n, id, err := s.next.SendDigest(ctx, dg)
	if err != nil && ctx.Err() != nil {
		return n, id, err
	}
	outcome := DeliveryOutcome(err)
	switch outcome {
	case Sent:
		s.outcomes[outcome].Add(float64(max(n, 1)))
	case RateLimited:
		s.outcomes[outcome].Inc()
		s.rateLimited.Inc()
	default:
		s.outcomes[outcome].Inc()
	}
	return n, id, err
}

// Edit counts each correction in herald_edits_total by outcome.
func (s *sender) Edit(ctx context.Context, e herald.Edit) error {
	err := s.next.Edit(ctx, e)
	if err != nil && ctx.Err() != nil {
		return err
	}
	outcome := DeliveryOutcome(err)
	s.edits[outcome].Inc()
	if outcome == RateLimited {
		s.rateLimited.Inc()
	}
	return err
}
