package poll

import (
	"context"
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// enrich completes from their pages the articles of one fetch of the feed
// at url that are new to the Watcher, as Poll describes, and the known
// ones whose item changed (changed indexes them: their pages are read
// again), and returns how many it completed. articles are as their items
// give them: those without a date have none yet.
func (w *Watcher) enrich(ctx context.Context, url string, articles []herald.Article, changed []int, firstSight bool, lastFetch, now time.Time) int {
	fresh := slices.Clone(changed)
	for _, i := range changed {
		w.Pages.Forget(articles[i].URL)
	}
	switch {
	case w.seen.started(url):
		for i, a := range articles {
			if !w.seen.has(a.Key) {
				fresh = append(fresh, i)
			}
		}
	case firstSight:
		fresh = newest(articles, w.Backlog, now)
	case !lastFetch.IsZero():
		for i, a := range articles {
			if a.Published.After(lastFetch) {
				fresh = append(fresh, i)
			}
		}
	}
	slices.Sort(fresh)
	fresh = slices.Compact(fresh)
	if len(fresh) == 0 {
		return 0
	}
	batch := make([]herald.Article, len(fresh))
	for j, i := range fresh {
		batch[j] = articles[i]
	}
	rep := w.Pages.Enrich(ctx, batch)
	for j, i := range fresh {
		articles[i] = batch[j]
	}
	if rep.Pages > 0 {
		w.Log.Debug("article pages read", "feed", url, "new", len(fresh), "teasers", rep.Teasers,
			"pages", rep.Pages, "enriched", rep.Enriched, "failed", rep.Failed)
	}
	return rep.Enriched
}

// newest returns the indexes of the n newest articles, as the store picks
// a first sight's backlog: by publish date, an undated article taking the
// fetch time less a millisecond per place in the feed, and the higher in
// the feed first among equals.
func newest(articles []herald.Article, n int, now time.Time) []int {
	if n <= 0 {
		return nil
	}
	when := func(i int) time.Time {
		if t := articles[i].Published; !t.IsZero() {
			return t
		}
		return now.Add(-time.Duration(i) * time.Millisecond)
	}
	idx := make([]int, len(articles))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int { return when(j).Compare(when(i)) })
	return idx[:min(n, len(idx))]
}

// forgetAfter is how long a key no feed lists any more is remembered.
const forgetAfter = 24 * time.Hour

// known remembers the article keys the feeds listed since start, and which
// feeds were read since. A key is forgotten a day after the last feed
// stopped listing it, so the set stays as large as a day of the feeds.
// Keys are kept as 64-bit hashes with the Unix second they were last
// listed: 5,000 feeds of 20 items take 2 MB, not 10. Two keys of one hash
// (about one chance in 10^10 for a day of such feeds) would only spare one
// teaser its page lookup.
type known struct {
	mu    sync.Mutex
	seed  maphash.Seed
	keys  map[uint64]int64 // key hash: when last listed
	feeds map[string]bool
	swept time.Time
}

// started reports whether the feed's articles were recorded since start.
func (k *known) started(feed string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.feeds[feed]
}

// has reports whether a feed listed key since start.
func (k *known) has(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		return false
	}
	_, ok := k.keys[maphash.String(k.seed, key)]
	return ok
}

// add records the keys a fetch of feed listed at now.
func (k *known) add(feed string, articles []herald.Article, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.keys == nil {
		k.seed, k.keys, k.feeds, k.swept = maphash.MakeSeed(), map[uint64]int64{}, map[string]bool{}, now
	}
	k.feeds[feed] = true
	for _, a := range articles {
		k.keys[maphash.String(k.seed, a.Key)] = now.Unix()
	}
	if now.Sub(k.swept) < time.Hour {
		return
	}
	k.swept = now
	for key, seen := range k.keys {
		if now.Sub(time.Unix(seen, 0)) > forgetAfter {
			delete(k.keys, key)
		}
	}
}
