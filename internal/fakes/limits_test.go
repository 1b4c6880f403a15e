package fakes

import (
	"testing"
	"time"
)

var t0 = time.Date(2024, 4, 8, 10, 0, 0, 0, time.UTC)

func ms(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }

func TestSlidingWindow(t *testing.T) {
	w := slidingWindow{limit: 2, window: time.Second}
	steps := []struct {
		at   int // ms after t0
		wait time.Duration
	}{
		{0, 0}, {100, 0}, {200, 800 * time.Millisecond}, {999, time.Millisecond},
		{1000, 0}, {1050, 50 * time.Millisecond}, {1100, 0},
	}
	for _, s := range steps {
		got := w.wait(ms(s.at))
		if got != s.wait {
			t.Fatalf("at %dms: wait %v, want %v", s.at, got, s.wait)
		}
		if got == 0 {
			w.add(ms(s.at))
		}
	}
	off := slidingWindow{limit: -1, window: time.Second}
	for i := range 100 {
		if off.wait(ms(i)) != 0 {
			t.Fatal("a negative limit limited")
		}
		off.add(ms(i))
	}
}

func TestFixedWindow(t *testing.T) {
	var w fixedWindow
	steps := []struct {
		at        int
		ok        bool
		remaining int
		reset     time.Duration
	}{
		{0, true, 1, time.Second},
		{400, true, 0, 600 * time.Millisecond},
		{900, false, 0, 100 * time.Millisecond},
		{1000, true, 1, time.Second}, // a new window opens with this request
		{1500, true, 0, 500 * time.Millisecond},
	}
	for _, s := range steps {
		ok, remaining, reset := w.take(ms(s.at), 2, time.Second)
		if ok != s.ok || remaining != s.remaining || reset != s.reset {
			t.Fatalf("at %dms: %v %d %v, want %v %d %v", s.at, ok, remaining, reset, s.ok, s.remaining, s.reset)
		}
	}
}

func TestSpacing(t *testing.T) {
	tests := []struct {
		name  string
		burst int
		sends []int // ms after t0; each is sent if allowed
		waits []time.Duration
	}{
		{"one per second", 1, []int{0, 10, 999, 1000, 1500}, []time.Duration{0, 990 * time.Millisecond, time.Millisecond, 0, 500 * time.Millisecond}},
		{"burst of three", 3, []int{0, 1, 2, 3, 1000, 1001}, []time.Duration{0, 0, 0, 997 * time.Millisecond, 0, 999 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s spacing
			for i, at := range tt.sends {
				got := s.wait(ms(at), time.Second, tt.burst)
				if got != tt.waits[i] {
					t.Fatalf("send %d at %dms: wait %v, want %v", i, at, got, tt.waits[i])
				}
				if got == 0 {
					s.add(ms(at), time.Second)
				}
			}
		})
	}
}

func TestRounding(t *testing.T) {
	for _, tt := range []struct {
		d       time.Duration
		seconds int
		millis  float64
	}{
		{0, 1, 0.001},
		{time.Nanosecond, 1, 0.001},
		{999 * time.Millisecond, 1, 0.999},
		{time.Second, 1, 1},
		{1001 * time.Millisecond, 2, 1.001},
		{1500*time.Millisecond + time.Microsecond, 2, 1.501},
		{59 * time.Second, 59, 59},
	} {
		if got := ceilSeconds(tt.d); got != tt.seconds {
			t.Errorf("ceilSeconds(%v) = %d, want %d", tt.d, got, tt.seconds)
		}
		if got := ceilMillis(tt.d); got != tt.millis {
			t.Errorf("ceilMillis(%v) = %v, want %v", tt.d, got, tt.millis)
		}
	}
}
