package pages

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/heraldhq/herald"
)

// cache remembers page results by URL, the most recently used first, each
// until it expires. A lookup of a URL already being fetched waits for
// that fetch instead of starting another.
type cache struct {
	size int
	now  func() time.Time

	mu    sync.Mutex
	order *list.List // of *entry, most recently used first
	byURL map[string]*list.Element
}

// entry is one page result. done is closed once the other fields are set.
type entry struct {
	url     string
	done    chan struct{}
	page    herald.Article
	err     error
	expires time.Time
	// abandoned is set when the fetch was given up by its caller, not
	// failed by the page: whoever waited for it tries again.
	abandoned bool
}

func newCache(size int, now func() time.Time) *cache {
	return &cache{size: size, now: now, order: list.New(), byURL: map[string]*list.Element{}}
}

// get returns the remembered result for url, or runs fetch to get it.
// fetch says how long its result is remembered; 0 means not at all.
func (c *cache) get(ctx context.Context, url string,
	fetch func(context.Context) (herald.Article, time.Duration, error)) (herald.Article, error) {
	for {
		e, mine := c.claim(url)
		if mine {
			c.fill(ctx, e, fetch)
		}
		select {
		case <-e.done:
		case <-ctx.Done():
			return herald.Article{}, ctx.Err()
		}
		if !e.abandoned {
			return e.page, e.err
		}
		if err := ctx.Err(); err != nil {
			return herald.Article{}, err
		}
	}
}

// claim returns the live entry for url, or a new one that the caller is
// to fill (mine).
func (c *cache) claim(url string) (e *entry, mine bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byURL[url]; ok {
		e := el.Value.(*entry)
		if !c.expired(e) {
			c.order.MoveToFront(el)
			return e, false
		}
		c.remove(el)
	}
	e = &entry{url: url, done: make(chan struct{})}
	c.byURL[url] = c.order.PushFront(e)
	for c.order.Len() > c.size {
		c.remove(c.order.Back())
	}
	return e, true
}

// fill runs fetch for e and publishes its result.
// A panic of fetch, such as the extractor's on a hostile page, is the
// page's failure: it must not take the daemon down.
func (c *cache) fill(ctx context.Context, e *entry, fetch func(context.Context) (herald.Article, time.Duration, error)) {
	page, ttl, err := safely(ctx, e.url, fetch)
	c.mu.Lock()
	defer c.mu.Unlock()
	e.page, e.err = page, err
	switch {
	case ctx.Err() != nil && err != nil:
		e.abandoned = true
		c.forget(e)
	case ttl <= 0:
		c.forget(e)
	default:
		e.expires = c.now().Add(ttl)
	}
	close(e.done)
}

func safely(ctx context.Context, url string, fetch func(context.Context) (herald.Article, time.Duration, error)) (
	page herald.Article, ttl time.Duration, err error) {
	defer func() {
		if r := recover(); r != nil {
			page, ttl, err = herald.Article{}, 0, fmt.Errorf("pages: reading %s panicked: %v", url, r)
		}
	}()
	return fetch(ctx)
}

// expired reports whether a filled entry is past its time. c.mu is held.
func (c *cache) expired(e *entry) bool {
	select {
	case <-e.done:
		return !c.now().Before(e.expires)
	default:
		return false
	}
}

// forget removes e if it is still the entry for its URL. c.mu is held.
func (c *cache) forget(e *entry) {
	if el, ok := c.byURL[e.url]; ok && el.Value.(*entry) == e {
		c.remove(el)
	}
}

// remove drops an element. c.mu is held.
func (c *cache) remove(el *list.Element) {
	c.order.Remove(el)
	delete(c.byURL, el.Value.(*entry).url)
}

// drop forgets the result for url, unless it is still being fetched.
func (c *cache) drop(url string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byURL[url]; ok {
		select {
		case <-el.Value.(*entry).done:
			c.remove(el)
		default:
		}
	}
}
