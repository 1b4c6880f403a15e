package sqlite

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Times are stored as microseconds since the Unix epoch: an INTEGER sorts
// correctly, and a microsecond is what PostgreSQL keeps, so every store of
// Herald agrees on what comes back. Sub-microsecond digits are dropped.

// The Unix seconds whose microseconds still fit in an int64.
const (
	maxMicroSec = math.MaxInt64/1_000_000 - 1
	minMicroSec = math.MinInt64/1_000_000 + 1
)

// toMicros returns t as microseconds since the Unix epoch, rounded down.
// Times too far from the epoch for an int64 (about 292,000 years) are
// clamped rather than wrapped around.
func toMicros(t time.Time) int64 {
	sec := t.Unix()
	switch {
	case sec > maxMicroSec:
		return math.MaxInt64
	case sec < minMicroSec:
		return math.MinInt64
	}
	return sec*1_000_000 + int64(t.Nanosecond()/1_000)
}

// fromMicros returns the UTC time of us microseconds since the Unix epoch.
// The zero time.Time comes back as the zero time.Time.
func fromMicros(us int64) time.Time {
	return time.UnixMicro(us).UTC()
}

// encodeTopics returns topics as a JSON array; nil becomes null, so that
// nil and empty topics both come back as they went in.
func encodeTopics(topics []string) (string, error) {
	b, err := json.Marshal(topics)
	if err != nil {
		return "", fmt.Errorf("topics: %w", err)
	}
	return string(b), nil
}

// decodeTopics reads what encodeTopics wrote.
func decodeTopics(s string) ([]string, error) {
	var topics []string
	if err := json.Unmarshal([]byte(s), &topics); err != nil {
		return nil, fmt.Errorf("topics %q: %w", s, err)
	}
	return topics, nil
}
