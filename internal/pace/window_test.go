package pace

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// TestWindowNeverLetsTooManyArrive drives a Window with requests whose
// arrival at the server is random between start and answer, and counts
// arrivals in every span of Per, as a server's sliding window does.
func TestWindowNeverLetsTooManyArrive(t *testing.T) {
	for _, tc := range []struct {
		name string
		new  func(int, time.Duration) *Window
	}{
		{"spread", NewWindow},
		{"burst", NewBurst},
	} {
		t.Run(tc.name, func(t *testing.T) { testTooManyArrive(t, tc.new) })
	}
}

func testTooManyArrive(t *testing.T, newWindow func(int, time.Duration) *Window) {
	const n, per = 10, 100 * time.Millisecond
	w := newWindow(n, per)
	var (
		mu       sync.Mutex
		arrivals []time.Time
		wg       sync.WaitGroup
	)
	for range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, err := w.Wait(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			latency := time.Duration(rand.N(20)) * time.Millisecond
			time.Sleep(time.Duration(rand.N(int64(latency) + 1)))
			mu.Lock()
			arrivals = append(arrivals, time.Now())
			mu.Unlock()
			time.Sleep(latency)
			done()
		}()
	}
	wg.Wait()
	for i, a := range arrivals {
		in := 0
		for _, b := range arrivals {
			if !b.Before(a) && b.Sub(a) < per {
				in++
			}
		}
		if in > n {
			t.Fatalf("%d arrivals within %v of arrival %d, want at most %d", in, per, i, n)
		}
	}
	if len(arrivals) != 60 {
		t.Errorf("%d requests went, want 60", len(arrivals))
	}
}

func TestWindowWaitEndsWithTheContext(t *testing.T) {
	w := NewWindow(1, time.Hour)
	done, err := w.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	done()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := w.Wait(ctx); err == nil {
		t.Error("a second request within the hour was let through")
	}
}

func BenchmarkWindowBurst(b *testing.B) {
	w := NewWindow(1000, time.Millisecond)
	for b.Loop() {
		done, _ := w.Wait(context.Background())
		done()
	}
}

func TestWindowSpreadsABurst(t *testing.T) {
	const n, per = 5, 100 * time.Millisecond
	w := NewWindow(n, per)
	var starts []time.Time
	for range 4 {
		done, err := w.Wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		starts = append(starts, time.Now())
		done()
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < per/(2*n) {
			t.Errorf("start %d came %v after the one before, want at least %v", i, gap, per/(2*n))
		}
	}
}

func TestBurstStartsAWindowAtOnce(t *testing.T) {
	const n, per = 20, time.Second
	w := NewBurst(n, per)
	start := time.Now()
	var dones []func()
	for range n {
		done, err := w.Wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		dones = append(dones, done)
	}
	// A spread window would need (n-1)·per/2n = 475ms for these starts.
	if took := time.Since(start); took >= per/(4) {
		t.Errorf("%d starts of a burst took %v, want them at once", n, took)
	}
	for _, done := range dones {
		done()
	}
	// The next start still waits for the window.
	ctx, cancel := context.WithTimeout(context.Background(), per/2)
	defer cancel()
	if _, err := w.Wait(ctx); err == nil {
		t.Errorf("start %d of a burst came within %v of %d answers, want it to wait for the window", n+1, per/2, n)
	}
}

func TestSpentWindowMakesTheFirstRequestWait(t *testing.T) {
	const per = 300 * time.Millisecond
	w := NewBurst(5, per)
	spent := time.Now()
	w.Spent(spent)
	done, err := w.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	done()
	if waited := time.Since(spent); waited < per {
		t.Errorf("the first request after a spent window started %v after it, want at least %v", waited, per)
	}
}

// TestSlowAnswerDoesNotHoldUpLaterRequests: of two requests, the first is
// answered late and the second at once; the next request waits for the
// second to age out, not for the first, which came before it.
func TestSlowAnswerDoesNotHoldUpLaterRequests(t *testing.T) {
	const per, slow = time.Second, 600 * time.Millisecond
	w := NewBurst(2, per)
	first, err := w.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second, err := w.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second()
	answered := time.Now()
	time.AfterFunc(slow, first)
	done, err := w.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	started := time.Since(answered)
	done()
	if started < per {
		t.Errorf("the third request started %v after the second was answered, want at least %v", started, per)
	}
	if started >= per+slow {
		t.Errorf("the third request started %v after the second was answered: it waited for the slow first one (%v late)", started, slow)
	}
}
