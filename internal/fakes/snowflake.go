package fakes

import (
	"strconv"
	"time"
)

// discordEpoch is the first millisecond of 2015, where Discord snowflakes
// count from.
const discordEpoch = 1420070400000

// snowflakes hands out increasing Discord snowflake IDs built from the
// current time, as Discord does. It is not safe for concurrent use.
type snowflakes struct {
	last uint64
}

func (s *snowflakes) next(now time.Time) string {
	id := uint64(now.UnixMilli()-discordEpoch) << 22
	if id <= s.last {
		id = s.last + 1
	}
	s.last = id
	return strconv.FormatUint(id, 10)
}
