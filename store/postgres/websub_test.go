package postgres

import (
	"errors"

	"reflect"
	"testing"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/websub"
)

// fullSubscription returns a subscription with every field set.
func fullSubscription(id string) websub.Subscription {
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

func TestSubscriptionsRoundTrip(t *testing.T) {
	ctx := t.Context()
	s := openTemp(t)
	defer s.Close()
	subs := s.Subscriptions()

	full := fullSubscription("a1")
	// A time in another zone with nanoseconds comes back in UTC, truncated
	// to the microsecond.
	local := full
	local.ID = "a2"
	local.Expires = time.Date(2026, 12, 7, 12, 30, 15, 123456789, time.FixedZone("CEST", 2*3600))
	wantLocal := local
	wantLocal.Expires = time.Date(2026, 12, 7, 10, 30, 15, 123456000, time.UTC)

	tests := []struct {
		name string
		put  websub.Subscription
		want websub.Subscription
	}{
		{name: "every field", put: full, want: full},
		{name: "zero times and empty strings", put: websub.Subscription{ID: "p1", State: websub.Pending},
			want: websub.Subscription{ID: "p1", State: websub.Pending}},
		{name: "time in another zone", put: local, want: wantLocal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := subs.Put(ctx, tt.put); err != nil {
				t.Fatal(err)
			}
			got, err := subs.Get(ctx, tt.put.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Get = %+v\nwant  %+v", got, tt.want)
			}
		})
	}
}

func TestSubscriptionsPutOverwrites(t *testing.T) {
	ctx := t.Context()
	s := openTemp(t)
	defer s.Close()
	subs := s.Subscriptions()

	if err := subs.Put(ctx, fullSubscription("a1")); err != nil {
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
	if err := subs.Put(ctx, next); err != nil {
		t.Fatal(err)
	}
	got, err := subs.Get(ctx, "a1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, next) {
		t.Errorf("after overwrite Get = %+v\nwant %+v", got, next)
	}
	list, err := subs.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 {
		t.Errorf("List after overwrite has %d subscriptions, want 1", len(list))
	}
}

func TestSubscriptionsDeleteAndUnknown(t *testing.T) {
	ctx := t.Context()
	s := openTemp(t)
	defer s.Close()
	subs := s.Subscriptions()

	if _, err := subs.Get(ctx, "nope"); !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("Get of an unknown ID: err = %v, want herald.ErrNotFound", err)
	}
	if err := subs.Delete(ctx, "nope"); err != nil {
		t.Errorf("Delete of an unknown ID: %v", err)
	}
	for _, id := range []string{"a", "b"} {
		if err := subs.Put(ctx, fullSubscription(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := subs.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := subs.Get(ctx, "a"); !errors.Is(err, herald.ErrNotFound) {
		t.Errorf("Get after Delete: err = %v, want herald.ErrNotFound", err)
	}
	if got, err := subs.Get(ctx, "b"); err != nil || got.ID != "b" {
		t.Errorf("Get of the other subscription = %+v, %v", got, err)
	}
}

func TestSubscriptionsListOrder(t *testing.T) {
	ctx := t.Context()
	s := openTemp(t)
	defer s.Close()
	subs := s.Subscriptions()

	list, err := subs.List(ctx)
	if err != nil || len(list) != 0 {
		t.Fatalf("List of an empty store = %v, %v", list, err)
	}
	for _, id := range []string{"c3", "a1", "b2", "B2"} {
		if err := subs.Put(ctx, fullSubscription(id)); err != nil {
			t.Fatal(err)
		}
	}
	list, err = subs.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sub := range list {
		ids = append(ids, sub.ID)
	}
	if want := []string{"B2", "a1", "b2", "c3"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("List IDs = %q, want %q", ids, want)
	}
	if !reflect.DeepEqual(list[1], fullSubscription("a1")) {
		t.Errorf("List[1] = %+v, want %+v", list[1], fullSubscription("a1"))
	}
}

func TestSubscriptionsSurviveReopen(t *testing.T) {
	ctx := t.Context()
	dbURL := freshSchema(t)
	s, err := Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	want := fullSubscription("kept")
	if err := s.Subscriptions().Put(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.Subscriptions().Get(ctx, "kept")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after reopen Get = %+v\nwant %+v", got, want)
	}
	list, err := s.Subscriptions().List(ctx)
	if err != nil || len(list) != 1 {
		t.Errorf("after reopen List = %+v, %v", list, err)
	}
}
