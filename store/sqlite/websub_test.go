package sqlite

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/heraldhq/herald/websub"
	"github.com/heraldhq/herald/websub/websubstoretest"
)

func TestSubscriptionsConformance(t *testing.T) {
	websubstoretest.Run(t, func(t *testing.T) websub.Store {
		s := openTemp(t)
		t.Cleanup(func() { s.Close() })
		return s.Subscriptions()
	})
}

// TestSubscriptionsSurviveReopen: subscriptions are kept across a reopen,
// their times in UTC truncated to the microsecond, and List orders them by
// ID in byte order.
func TestSubscriptionsSurviveReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "herald.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	full := websubstoretest.FullSubscription("kept")
	local := websubstoretest.FullSubscription("b2")
	local.Expires = time.Date(2026, 12, 7, 12, 30, 15, 123456789, time.FixedZone("CEST", 2*3600))
	wantLocal := local
	wantLocal.Expires = time.Date(2026, 12, 7, 10, 30, 15, 123456000, time.UTC)
	upper := websubstoretest.FullSubscription("B2")
	for _, sub := range []websub.Subscription{full, local, upper} {
		if err := s.Subscriptions().Put(ctx, sub); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.Subscriptions().Get(ctx, "kept")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, full) {
		t.Errorf("after reopen Get = %+v\nwant %+v", got, full)
	}
	list, err := s.Subscriptions().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []websub.Subscription{upper, wantLocal, full}; !reflect.DeepEqual(list, want) {
		t.Errorf("after reopen List = %+v\nwant %+v", list, want)
	}
}
