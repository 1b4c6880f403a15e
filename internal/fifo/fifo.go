// Package fifo provides a first-in, first-out queue.
package fifo

// Queue is a first-in, first-out queue. Its zero value is empty and ready
// to use. It is not safe for concurrent use.
type Queue[T any] struct {
	items []T
	head  int
}

// Len returns the number of items in the queue.
func (q *Queue[T]) Len() int { return len(q.items) - q.head }

// Push adds v at the back of the queue.
func (q *Queue[T]) Push(v T) {
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

// Pop removes and returns the item at the front of the queue, which must
// not be empty.
func (q *Queue[T]) Pop() T {
	v := q.items[q.head]
	var zero T
	q.items[q.head] = zero
	q.head++
	return v
}

// Remove takes the first item that match reports out of the queue, and
// reports whether it found one.
func (q *Queue[T]) Remove(match func(T) bool) bool {
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
