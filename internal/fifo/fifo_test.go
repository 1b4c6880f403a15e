package fifo

import (
	"slices"
	"testing"
)

func TestQueueKeepsOrderAcrossCompaction(t *testing.T) {
	var q Queue[int]
	var want []int
	next := 0
	// Push two, pop one, many times: the queue moves what is left to the
	// front now and then, and must keep the order.
	for range 500 {
		q.Push(next)
		want = append(want, next)
		next++
		q.Push(next)
		want = append(want, next)
		next++
		if got := q.Pop(); got != want[0] {
			t.Fatalf("Pop() = %d, want %d", got, want[0])
		}
		want = want[1:]
	}
	if q.Len() != len(want) {
		t.Fatalf("Len() = %d, want %d", q.Len(), len(want))
	}
	var got []int
	for q.Len() > 0 {
		got = append(got, q.Pop())
	}
	if !slices.Equal(got, want) {
		t.Errorf("drained %d items out of order", len(got))
	}
	q.Push(7)
	if q.Len() != 1 || q.Pop() != 7 {
		t.Error("a drained queue does not take items again")
	}
}

func TestQueueRemove(t *testing.T) {
	tests := []struct {
		name   string
		items  []int
		popped int
		remove int
		found  bool
		want   []int
	}{
		{"middle", []int{1, 2, 3}, 0, 2, true, []int{1, 3}},
		{"first of two equal", []int{2, 1, 2}, 0, 2, true, []int{1, 2}},
		{"missing", []int{1, 2}, 0, 9, false, []int{1, 2}},
		{"already popped", []int{1, 2, 3}, 1, 1, false, []int{2, 3}},
		{"empty", nil, 0, 1, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var q Queue[int]
			for _, v := range tt.items {
				q.Push(v)
			}
			for range tt.popped {
				q.Pop()
			}
			if found := q.Remove(func(v int) bool { return v == tt.remove }); found != tt.found {
				t.Errorf("Remove(%d) = %v, want %v", tt.remove, found, tt.found)
			}
			var got []int
			for q.Len() > 0 {
				got = append(got, q.Pop())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("left %v, want %v", got, tt.want)
			}
		})
	}
}
