package poll

import (
	"context"
	"net/url"
	"strings"
	"sync"
)

// DefaultPerHost is how many fetches may run at once against one host when
// Watcher.PerHost is zero.
const DefaultPerHost = 2

// DefaultWorkers is how many polls may run at once when Watcher.Workers is
// zero: far more than feeds need, whose fetches take milliseconds, and
// few enough that ten thousand feeds due at once (at start) do not all
// read, fetch and parse at the same time.
const DefaultWorkers = 64

// workerGate bounds the polls running at once over all hosts. The zero
// value is ready.
type workerGate struct {
	once  sync.Once
	slots chan struct{}
}

// acquire waits for one of the gate's n slots (n fixed at the first
// call), or until ctx is done.
func (g *workerGate) acquire(ctx context.Context, n int) (release func(), err error) {
	g.once.Do(func() {
		if n <= 0 {
			n = DefaultWorkers
		}
		g.slots = make(chan struct{}, n)
	})
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	default:
	}
	select {
	case g.slots <- struct{}{}:
		return func() { <-g.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// hostGate bounds the fetches running at once against each host, so that
// many feeds of one publisher do not hammer it. Each feed polls on its own,
// so a slow host holds up only its own feeds. The zero value is ready.
type hostGate struct {
	mu    sync.Mutex
	slots map[string]chan struct{}
}

// acquire waits for one of the n slots of host, or until ctx is done. The
// caller calls release once its fetch is over.
func (g *hostGate) acquire(ctx context.Context, host string, n int) (release func(), err error) {
	g.mu.Lock()
	if g.slots == nil {
		g.slots = map[string]chan struct{}{}
	}
	sem, ok := g.slots[host]
	if !ok {
		sem = make(chan struct{}, n)
		g.slots[host] = sem
	}
	g.mu.Unlock()
	release = func() { <-sem }
	// A free slot is taken even when ctx is done: the fetch will see it.
	select {
	case sem <- struct{}{}:
		return release, nil
	default:
	}
	select {
	case sem <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// hostKey names the server a feed URL is fetched from: its host and
// port, lower case, without the scheme's default port. A URL that does not
// parse is its own host.
func hostKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	host := strings.ToLower(u.Host)
	switch {
	case u.Scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	case u.Scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	}
	return host
}
