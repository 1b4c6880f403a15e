package websubstoretest

import (
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/heraldhq/herald/websub"
)

// RunReopen checks that subscriptions outlive the store that kept them: a
// durable store's own tests call it with a function that opens the same
// database each time, returning its subscriptions and what closes it.
// After a reopen, times come back in UTC truncated to the microsecond, and
// List orders subscriptions by ID in byte order.
func RunReopen(t *testing.T, open func(t *testing.T) (websub.Store, io.Closer)) {
	ctx := t.Context()
	s, closer := open(t)
	full := FullSubscription("kept")
	local := FullSubscription("b2")
	local.Expires = time.Date(2026, 12, 7, 12, 30, 15, 123456789, time.FixedZone("CEST", 2*3600))
	wantLocal := local
	wantLocal.Expires = time.Date(2026, 12, 7, 10, 30, 15, 123456000, time.UTC)
	upper := FullSubscription("B2")
	for _, sub := range []websub.Subscription{full, local, upper} {
		if err := s.Put(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}

	s, closer = open(t)
	defer closer.Close()
	got, err := s.Get(ctx, "kept")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, full) {
		t.Errorf("after reopen Get = %+v\nwant %+v", got, full)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []websub.Subscription{upper, wantLocal, full}; !reflect.DeepEqual(list, want) {
		t.Errorf("after reopen List = %+v\nwant %+v", list, want)
	}
}
