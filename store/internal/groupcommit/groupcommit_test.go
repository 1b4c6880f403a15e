package groupcommit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// waitQueued returns once n calls wait behind the running batch.
func waitQueued[R any](c *Committer[R], n int) {
	for {
		c.mu.Lock()
		queued := len(c.queue)
		c.mu.Unlock()
		if queued == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// recorder is a run function that records its batches and can hold the
// first one until released.
type recorder struct {
	mu      sync.Mutex
	batches [][]int
	hold    chan struct{} // closed to let the first batch finish
	started chan struct{} // closed when the first batch starts
	fail    map[int]error
}

func newRecorder() *recorder {
	return &recorder{hold: make(chan struct{}), started: make(chan struct{})}
}

func (r *recorder) run(ctx context.Context, batch []int) []error {
	r.mu.Lock()
	first := len(r.batches) == 0
	r.batches = append(r.batches, append([]int(nil), batch...))
	r.mu.Unlock()
	if first {
		close(r.started)
		<-r.hold
	}
	errs := make([]error, len(batch))
	for i, v := range batch {
		errs[i] = r.fail[v]
	}
	return errs
}

func TestLoneRequestRunsAtOnce(t *testing.T) {
	r := newRecorder()
	close(r.hold)
	c := New(0, r.run)
	if err := c.Do(t.Context(), 7); err != nil {
		t.Fatal(err)
	}
	if len(r.batches) != 1 || len(r.batches[0]) != 1 || r.batches[0][0] != 7 {
		t.Errorf("batches = %v, want [[7]]", r.batches)
	}
}

// TestRequestsQueuedDuringABatchShareTheNext holds the first batch while
// more requests arrive, and checks they all go in one batch after it.
func TestRequestsQueuedDuringABatchShareTheNext(t *testing.T) {
	for _, tc := range []struct {
		max, waiting int
		want         []int // sizes of the batches after the first
	}{
		{max: 0, waiting: 20, want: []int{20}},
		{max: 8, waiting: 20, want: []int{8, 8, 4}},
	} {
		t.Run(fmt.Sprintf("max%d", tc.max), func(t *testing.T) {
			r := newRecorder()
			r.fail = map[int]error{5: errors.New("five failed")}
			c := New(tc.max, r.run)
			errs := make([]error, tc.waiting+1)
			var wg sync.WaitGroup
			wg.Go(func() { errs[0] = c.Do(t.Context(), 0) })
			<-r.started
			for i := 1; i <= tc.waiting; i++ {
				wg.Go(func() { errs[i] = c.Do(t.Context(), i) })
			}
			waitQueued(c, tc.waiting)
			close(r.hold)
			wg.Wait()

			var sizes []int
			seen := map[int]int{}
			for i, b := range r.batches {
				if i > 0 {
					sizes = append(sizes, len(b))
				}
				for _, v := range b {
					seen[v]++
				}
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tc.want) {
				t.Errorf("batch sizes after the first = %v, want %v", sizes, tc.want)
			}
			for i := 0; i <= tc.waiting; i++ {
				if seen[i] != 1 {
					t.Errorf("request %d ran %d times, want once", i, seen[i])
				}
				if (i == 5) != (errs[i] != nil) {
					t.Errorf("request %d: error %v", i, errs[i])
				}
			}
		})
	}
}

func TestCancelledCallerWaitsForTheOutcome(t *testing.T) {
	r := newRecorder()
	c := New(0, r.run)
	var wg sync.WaitGroup
	wg.Go(func() { _ = c.Do(t.Context(), 0) })
	<-r.started
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	done := make(chan error, 1)
	go func() { done <- c.Do(ctx, 1) }()
	waitQueued(c, 1)
	select {
	case err := <-done:
		t.Fatalf("Do returned %v before its batch ran", err)
	default:
	}
	close(r.hold)
	if err := <-done; err != nil {
		t.Errorf("Do with a cancelled context = %v, want the batch's outcome, nil", err)
	}
	wg.Wait()
}

func TestShortOutcomesAreErrors(t *testing.T) {
	c := New(0, func(context.Context, []int) []error { return nil })
	if err := c.Do(t.Context(), 1); !errors.Is(err, errNoOutcome) {
		t.Errorf("Do = %v, want errNoOutcome", err)
	}
}
