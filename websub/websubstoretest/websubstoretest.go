// Package websubstoretest is the conformance suite of websub.Store: every
// store of WebSub subscriptions passes the same tests.
//
// A store's own tests call Run with a function that opens a fresh, empty
// store:
//
//	func TestSubscriptions(t *testing.T) {
//		websubstoretest.Run(t, func(t *testing.T) websub.Store {
//			return websub.NewMemoryStore()
//		})
//	}
//
// The suite holds stores to this contract, on top of what websub.Store
// documents:
//
//   - Every field of a subscription comes back as it went in. Times come
//     back equal (time.Equal) to what went in at microsecond precision;
//     the suite only uses times with no finer digits.
//   - Put replaces the whole subscription with the same ID.
//   - Delete of an unknown ID is no error.
//   - IDs are compared exactly: "b2" and "B2" are two subscriptions.
package websubstoretest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/websub"
)

// Run runs the suite. open returns a fresh, empty store for each test and
// arranges for it to be closed, if it needs closing, when the test ends.
func Run(t *testing.T, open func(t *testing.T) websub.Store) {
	tests := []struct {
		name string
		run  func(*testing.T, websub.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"PutOverwrites", testPutOverwrites},
		{"DeleteAndUnknown", testDeleteAndUnknown},
		{"List", testList},
		{"Concurrent", testConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.run(t, open(t))
		})
	}
}

// FullSubscription returns a subscription with every field set, its times
// in UTC to the microsecond.
func FullSubscription(id string) websub.Subscription {
	return websub.Subscription{
		ID:           id,
		Topic:        "https://news.example.org/feed.xml",
		Hub:          "https://hub.example.com/",
		Secret:       "s3cr3t",
		Callback:     "https://herald.example.net/websub/" + id,
		State:        websub.Active,
		LeaseSeconds: 864000,
		Expires:      time.Date(2026, 12, 7, 10, 30, 15, 123456000, time.UTC),
		Requested:    time.Date(2026, 11, 27, 10, 30, 14, 999999000, time.UTC),
		Reason:       "renewed",
	}
}

// same reports whether got and want are the same subscription: their
// times equal, their other fields identical.
func same(got, want websub.Subscription) bool {
	if !got.Expires.Equal(want.Expires) || !got.Requested.Equal(want.Requested) {
		return false
	}
	got.Expires, got.Requested = want.Expires, want.Requested
	return reflect.DeepEqual(got, want)
}

func testRoundTrip(t *testing.T, s websub.Store) {
	ctx := t.Context()
	local := FullSubscription("a2")
	local.Expires = local.Expires.In(time.FixedZone("CEST", 2*3600))
	local.Requested = local.Requested.In(time.FixedZone("EST", -5*3600))

	tests := []struct {
		name string
		put  websub.Subscription
	}{
		{"every field", FullSubscription("a1")},
		{"zero times and empty strings", websub.Subscription{ID: "p1", State: websub.Pending}},
		{"times in other zones", local},
		{"unusual characters", websub.Subscription{
			ID: "ü'\"; --", Topic: "https://news.example.org/feed?a=1&b='2'", State: websub.Denied,
			Reason: "hub said: \"no\"\nbye", Requested: time.Unix(0, 0).UTC(),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Put(ctx, tt.put); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(ctx, tt.put.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !same(got, tt.put) {
				t.Errorf("Get = %+v\nwant  %+v", got, tt.put)
			}
		})
	}
}

func testPutOverwrites(t *testing.T, s websub.Store) {
	ctx := t.Context()
	if err := s.Put(ctx, FullSubscription("a1")); err != nil {
		t.Fatal(err)
	}
	next := websub.Subscription{
		ID:           "a1",
		Topic:        "https://news.example.org/other.xml",
		Hub:          "https://moved.example.com/",
		Secret:       "new",
		Callback:     "https://herald.example.net/websub/a1b",
		State:        websub.Failed,
		LeaseSeconds: 60,
		Requested:    time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
		Reason:       "hub answered 500",
	}
	if err := s.Put(ctx, next); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if !same(got, next) {
		t.Errorf("after overwrite Get = %+v\nwant %+v", got, next)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !same(list[0], next) {
		t.Errorf("List after overwrite = %+v, want only %+v", list, next)
	}
}

func testDeleteAndUnknown(t *testing.T, s websub.Store) {
	ctx := t.Context()
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("Get of an unknown ID: err = %v, want herald.ErrNotFound", err)
	}
	if err := s.Delete(ctx, "nope"); err != nil {
		t.Errorf("Delete of an unknown ID: %v", err)
	}
	for _, id := range []string{"a", "b"} {
		if err := s.Put(ctx, FullSubscription(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "a"); !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("Get after Delete: err = %v, want herald.ErrNotFound", err)
	}
	if got, err := s.Get(ctx, "b"); err != nil || !same(got, FullSubscription("b")) {
		t.Errorf("Get of the other subscription = %+v, %v", got, err)
	}
	if list, err := s.List(ctx); err != nil || len(list) != 1 || list[0].ID != "b" {
		t.Errorf("List after Delete = %+v, %v; want only b", list, err)
	}
}

func testList(t *testing.T, s websub.Store) {
	ctx := t.Context()
	list, err := s.List(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("List of an empty store = %v, %v", list, err)
	}
	for _, id := range []string{"c3", "a1", "b2", "B2"} {
		if err := s.Put(ctx, FullSubscription(id)); err != nil {
			t.Fatal(err)
		}
	}
	list, err = s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// List has no order: sort what it returns.
	slices.SortFunc(list, func(a, b websub.Subscription) int { return strings.Compare(a.ID, b.ID) })
	var ids []string
	for _, sub := range list {
		ids = append(ids, sub.ID)
	}
	if want := []string{"B2", "a1", "b2", "c3"}; !slices.Equal(ids, want) {
		t.Fatalf("List IDs = %q, want %q", ids, want)
	}
	for _, sub := range list {
		if want := FullSubscription(sub.ID); !same(sub, want) {
			t.Errorf("List has %+v, want %+v", sub, want)
		}
	}
}

// testConcurrent puts, gets and deletes from several goroutines at once.
func testConcurrent(t *testing.T, s websub.Store) {
	const workers, each = 4, 10
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := s.Put(ctx, FullSubscription(id)); err != nil {
					errs <- err
					return
				}
				if _, err := s.Get(ctx, id); err != nil {
					errs <- err
					return
				}
				if i%2 == 1 {
					if err := s.Delete(ctx, id); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := workers * each / 2; len(list) != want {
		t.Errorf("List after concurrent use has %d subscriptions, want %d", len(list), want)
	}
}
