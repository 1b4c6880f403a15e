package websub_test

import (
	"testing"

	"github.com/heraldhq/herald/websub"
	"github.com/heraldhq/herald/websub/websubstoretest"
)

func TestMemoryStoreConformance(t *testing.T) {
	websubstoretest.Run(t, func(*testing.T) websub.Store { return websub.NewMemoryStore() })
}
