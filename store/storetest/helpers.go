package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/heraldhq/herald"
)

// The targets most tests deliver to.
var (
	discord  = herald.Target{Platform: herald.Discord, Chat: "1234567890"}
	telegram = herald.Target{Platform: herald.Telegram, Chat: "@herald_news"}
	console  = herald.Target{Platform: herald.Console, Chat: "stdout"}
)

// bothTargets returns the targets most tests deliver to.
func bothTargets() []herald.Target { return []herald.Target{discord, telegram} }

const (
	feedA = "https://news.example.com/world/rss.xml"
	feedB = "https://news.example.com/asia/atom.xml"
)

// at returns a publish time minutes after a fixed morning, with microseconds
// so that a store dropping them is caught.
func at(minutes int) time.Time {
	return time.Date(2024, time.April, 8, 9, 0, 0, 123456000, time.UTC).Add(time.Duration(minutes) * time.Minute)
}

// article returns an article with key, published minutes after at(0).
func article(key string, minutes int) herald.Article {
	return herald.Article{
		Key:       key,
		URL:       "https://news.example.com/story/" + key,
		Headline:  "Headline of " + key,
		Lead:      "The lead of story " + key + ".",
		Topics:    []string{"World"},
		Published: at(minutes),
		Source:    "Example News",
		Feed:      feedA,
	}
}

// all returns a route that sends every article to targets.
func all(targets ...herald.Target) func(herald.Article) []herald.Target {
	return func(herald.Article) []herald.Target { return targets }
}

// ingest runs s.Ingest with a route to every target, or with a nil route
// when targets is nil, and fails the test on an error.
func ingest(t *testing.T, s herald.Store, feed string, articles []herald.Article, targets []herald.Target, backlog int) herald.IngestResult {
	t.Helper()
	var route func(herald.Article) []herald.Target
	if targets != nil {
		route = all(targets...)
	}
	return ingestRoute(t, s, feed, articles, route, backlog)
}

// ingestRoute runs s.Ingest and fails the test on an error.
func ingestRoute(t *testing.T, s herald.Store, feed string, articles []herald.Article, route func(herald.Article) []herald.Target, backlog int) herald.IngestResult {
	t.Helper()
	res, err := s.Ingest(t.Context(), feed, articles, route, backlog)
	if err != nil {
		t.Fatalf("Ingest(%s, %d articles, backlog %d): %v", feed, len(articles), backlog, err)
	}
	return res
}

// wantResult fails the test when got is not want.
func wantResult(t *testing.T, what string, got, want herald.IngestResult) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: Ingest = %+v, want %+v", what, got, want)
	}
}

// deliveries returns every delivery of target in queue order.
func deliveries(t *testing.T, s herald.Store, target herald.Target) []herald.Delivery {
	t.Helper()
	ds, err := s.Deliveries(t.Context(), target, 0)
	if err != nil {
		t.Fatalf("Deliveries(%s): %v", target, err)
	}
	return ds
}

// keys returns the article keys of ds, in order.
func keys(ds []herald.Delivery) []string {
	ks := make([]string, len(ds))
	for i, d := range ds {
		ks[i] = d.Article.Key
	}
	return ks
}

// queue returns the keys of target's pending deliveries in queue order.
func queue(t *testing.T, s herald.Store, target herald.Target) []string {
	t.Helper()
	var ks []string
	for _, d := range deliveries(t, s, target) {
		if d.State == herald.Pending {
			ks = append(ks, d.Article.Key)
		}
	}
	return ks
}

// wantQueue fails the test when target's queue is not want, in order.
func wantQueue(t *testing.T, s herald.Store, target herald.Target, want ...string) {
	t.Helper()
	if got := queue(t, s, target); !slices.Equal(got, want) {
		t.Errorf("queue of %s = %q, want %q", target, got, want)
	}
}

// next returns the head of target's queue and fails the test when there is
// none.
func next(t *testing.T, s herald.Store, target herald.Target) herald.Delivery {
	t.Helper()
	d, err := s.NextDelivery(t.Context(), target)
	if err != nil {
		t.Fatalf("NextDelivery(%s): %v", target, err)
	}
	return d
}

// wantEmpty fails the test when target's queue has a head.
func wantEmpty(t *testing.T, s herald.Store, target herald.Target) {
	t.Helper()
	d, err := s.NextDelivery(t.Context(), target)
	if !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("NextDelivery(%s) = %s, %v; want ErrNotFound", target, describe(d), err)
	}
}

// find returns the delivery id among target's deliveries.
func find(t *testing.T, s herald.Store, target herald.Target, id int64) herald.Delivery {
	t.Helper()
	for _, d := range deliveries(t, s, target) {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("delivery %d not among the deliveries of %s", id, target)
	return herald.Delivery{}
}

// describe returns a short description of d for failure messages.
func describe(d herald.Delivery) string {
	return fmt.Sprintf("{id %d, %s, %s, attempts %d}", d.ID, d.Article.Key, d.State, d.Attempts)
}
