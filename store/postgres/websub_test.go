package postgres

import (
	"io"
	"testing"

	"github.com/heraldhq/herald/websub"
	"github.com/heraldhq/herald/websub/websubstoretest"
)

func TestSubscriptionsConformance(t *testing.T) {
	testDatabase(t)
	websubstoretest.Run(t, func(t *testing.T) websub.Store {
		s := openTemp(t)
		t.Cleanup(func() { s.Close() })
		return s.Subscriptions()
	})
}

// TestSubscriptionsSurviveReopen: see websubstoretest.RunReopen.
func TestSubscriptionsSurviveReopen(t *testing.T) {
	dbURL := freshSchema(t)
	websubstoretest.RunReopen(t, func(t *testing.T) (websub.Store, io.Closer) {
		s, err := Open(t.Context(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		return s.Subscriptions(), s
	})
}
