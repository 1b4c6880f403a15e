package dispatch

import (
	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/internal/fifo"
)

// gate lets at most n of one platform's lanes read the outbox and send at
// once (Options.Busy), each in the order it asked for its turn. A lane
// that has not had its first turn is only a target in the queue, not a
// goroutine: a fan-out to 10,000 chats holds n goroutines, not 10,000,
// and starting it costs the process next to nothing, which leaves the
// other platform's lanes the processor. The Dispatcher's mu guards it.
type gate struct {
	n, busy int
	queue   fifo.Queue[turn]
}

// turn is a place in a gate's queue: a lane that waits for its next turn
// (ready is closed when it comes), or a target whose lane is started when
// its first turn comes (ready is nil).
type turn struct {
	ready  chan struct{}
	target herald.Target
}
