package dispatch

import "github.com/heraldhq/herald"

// gate lets at most n of one platform's lanes read the outbox and send at
// once (Options.Busy), each in the order it asked for its turn. A lane
// that has not had its first turn is only a target in the queue, not a
// goroutine: a fan-out to 10,000 chats holds n goroutines, not 10,000,
// and starting it costs the process next to nothing, which leaves the
// other platform's lanes the processor. The Dispatcher's mu guards it.
type gate struct {
	n, busy int
	queue   queue[turn]
}

// turn is a place in a gate's queue: a lane that waits for its next turn
// (ready is closed when it comes), or a target whose lane is started when
// its first turn comes (ready is nil).
type turn struct {
	ready  chan struct{}
	target herald.Target
	poke   chan struct{}
}

// queue is a first-in, first-out queue.
type queue[T any] struct {
	items []T
	head  int
}

func (q *queue[T]) len() int { return len(q.items) - q.head }

func (q *queue[T]) push(v T) {
	if q.head > 0 && q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
	if q.head > 64 && 2*q.head > len(q.items) {
		// Half the slice is spent: move what is left to the front.
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, v)
}

func (q *queue[T]) pop() T {
	v := q.items[q.head]
	var zero T
	q.items[q.head] = zero
	q.head++
	return v
}

// remove takes the first item that match reports out of the queue, and
// reports whether it found one.
func (q *queue[T]) remove(match func(T) bool) bool {
	for i := q.head; i < len(q.items); i++ {
		if match(q.items[i]) {
			copy(q.items[i:], q.items[i+1:])
			var zero T
			q.items[len(q.items)-1] = zero
			q.items = q.items[:len(q.items)-1]
			return true
		}
	}
	return false
}
