package metrics

import (
	"context"
	"strings"
	"sync"

	"github.com/heraldhq/herald"
)

// FetchOutcome names the outcome of a feed fetch from the LastError it
// left in the feed's state: none is FetchOK, one that starts with "gone"
// (the feed answered 410 Gone) FetchGone, any other FetchError.
func FetchOutcome(lastError string) string {
	switch {
	case lastError == "":
		return FetchOK
	case strings.HasPrefix(strings.ToLower(lastError), "gone"):
		return FetchGone
	}
	return FetchError
}

// Store returns st counting what the feed watcher records through it: the
// new articles of each Ingest in herald_articles_discovered_total, and the
// outcome of each fetch in herald_feed_fetches_total.
//
// The watcher has no hook for fetch outcomes, so they are read from its
// writes: a fetch that brought articles is ingested, then its state saved;
// a fetch that failed saves a state with LastError; a fetch answered 304
// Not Modified saves a clean state without an ingest before it. The
// watcher must therefore save each feed's state through this store after
// every fetch, and ingest through it too.
func (r *Registry) Store(st herald.Store) herald.Store {
	return &store{Store: st, r: r, ingested: make(map[string]bool)}
}

type store struct {
	herald.Store
	r *Registry

	mu sync.Mutex
	// ingested holds the feeds ingested since their state was last saved.
	ingested map[string]bool
}

func (s *store) Ingest(ctx context.Context, feed string, articles []herald.Article,
	route func(herald.Article) []herald.Target, backlog int) (herald.IngestResult, error) {
	res, err := s.Store.Ingest(ctx, feed, articles, route, backlog)
	// The fetch succeeded whatever the store made of it.
	s.r.fetches.WithLabelValues(FetchOK).Inc()
	if err != nil {
		return res, err
	}
	s.r.discovered.Add(float64(res.New))
	s.mu.Lock()
	s.ingested[feed] = true
	s.mu.Unlock()
	return res, nil
}

func (s *store) SaveFeedState(ctx context.Context, state herald.FeedState) error {
	err := s.Store.SaveFeedState(ctx, state)
	s.mu.Lock()
	ingested := s.ingested[state.URL]
	delete(s.ingested, state.URL)
	s.mu.Unlock()
	switch outcome := FetchOutcome(state.LastError); {
	case outcome != FetchOK:
		s.r.fetches.WithLabelValues(outcome).Inc()
	case !ingested:
		s.r.fetches.WithLabelValues(FetchNotModified).Inc()
	}
	return err
}
