package sqlite

import (
	"math"
	"reflect"
	"testing"
	"time"
)

func TestMicros(t *testing.T) {
	tests := []struct {
		in   time.Time
		want int64
	}{
		{time.Unix(0, 0), 0},
		{time.Unix(0, 999), 0},
		{time.Unix(0, 1000), 1},
		{time.Unix(-1, 999_999_999), -1}, // rounds down, as times sort
		{time.Date(2024, 4, 8, 9, 0, 0, 123_456_789, time.FixedZone("X", 3600)), 1712563200_123456},
		{time.Time{}, -62135596800_000000},
		{time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64},
		{time.Date(-300000, 1, 1, 0, 0, 0, 0, time.UTC), math.MinInt64},
	}
	for _, tc := range tests {
		if got := toMicros(tc.in); got != tc.want {
			t.Errorf("toMicros(%v) = %d, want %d", tc.in, got, tc.want)
		}
	}
	if !fromMicros(toMicros(time.Time{})).IsZero() {
		t.Error("the zero time does not come back zero")
	}
	if loc := fromMicros(5).Location(); loc != time.UTC {
		t.Errorf("fromMicros location = %v, want UTC", loc)
	}
}

func FuzzMicros(f *testing.F) {
	f.Add(int64(0), int64(0))
	f.Add(int64(1712563200), int64(123456789))
	f.Add(int64(-62135596800), int64(0))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64))
	f.Add(int64(math.MinInt64), int64(-1))
	f.Fuzz(func(t *testing.T, sec, nsec int64) {
		in := time.Unix(sec, nsec)
		us := toMicros(in)
		out := fromMicros(us)
		if again := toMicros(out); again != us {
			t.Fatalf("%v: micros %d, read back and stored again %d", in, us, again)
		}
		if in.Unix() > maxMicroSec || in.Unix() < minMicroSec {
			return // clamped: only the absence of a panic is promised
		}
		// Rounded down, by less than a microsecond.
		if d := in.Sub(out); d < 0 || d >= time.Microsecond {
			t.Fatalf("%v -> %d -> %v", in, us, out)
		}
		// Order is kept: a microsecond later stores as one more.
		if in.Unix() < maxMicroSec {
			if later := toMicros(in.Add(time.Microsecond)); later != us+1 {
				t.Fatalf("%v: micros %d, a microsecond later %d", in, us, later)
			}
		}
	})
}

func TestTopics(t *testing.T) {
	for _, in := range [][]string{nil, {}, {"World"}, {"Économie", "🍵", `"quoted" <b>&`, ""}} {
		s, err := encodeTopics(in)
		if err != nil {
			t.Fatal(err)
		}
		out, err := decodeTopics(s)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Errorf("topics %#v -> %s -> %#v", in, s, out)
		}
	}
	if _, err := decodeTopics("{not json"); err == nil {
		t.Error("decodeTopics of bad JSON succeeded")
	}
}
