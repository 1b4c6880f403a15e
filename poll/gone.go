package poll

import (
	"errors"
	"strings"
	"time"

	"github.com/heraldhq/herald"
)

// A feed whose server answers 410 Gone was removed by its publisher. The
// Watcher stops fetching it for the rest of the process, logs one error
// line asking to remove it from HERALD_FEEDS, and saves its FeedState with
// a LastError starting with GonePrefix; LastFetch is when the 410 came.
//
// On a later start, a feed whose saved state says gone is skipped, with one
// log line, until GoneRetry has passed since that 410. The first start after
// that tries it once more: a feed its publisher brought back is polled as
// usual again, one still gone is skipped for another GoneRetry. So the way
// back for a restored feed needs no tool: restart Herald a day or more after
// the 410. A feed removed from HERALD_FEEDS is never fetched at all.
const (
	GonePrefix = "gone: 410"
	GoneRetry  = 24 * time.Hour
)

// ErrGone is returned by Poll when the feed's server answered 410 Gone.
var ErrGone = errors.New("feed gone")

// goneRecently reports whether the feed at url, whose saved state is
// state, is skipped at start because its server answered 410 Gone less
// than GoneRetry ago, and logs why.
func (w *Watcher) goneRecently(url string, state herald.FeedState) bool {
	if !strings.HasPrefix(state.LastError, GonePrefix) {
		return false
	}
	retry := state.LastFetch.Add(GoneRetry)
	if w.now().Before(retry) {
		w.Log.Warn("feed skipped: its publisher removed it (HTTP 410); remove it from HERALD_FEEDS",
			"feed", url, "gone_since", state.LastFetch, "tried_again_at_start_after", retry)
		return true
	}
	w.Log.Info("feed was gone (HTTP 410) a day or more ago; trying it once more", "feed", url, "gone_since", state.LastFetch)
	return false
}
