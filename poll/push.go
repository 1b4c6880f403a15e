package poll

import (
	"context"
	"sync"
	"time"

	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/websub"
)

// Hub subscribes to the WebSub hubs feeds advertise; *websub.Subscriber
// is one. Subscribing again to a topic renews the subscription.
type Hub interface {
	Subscribe(ctx context.Context, hub, topic string) (websub.Subscription, error)
}

// SafetyNet is the least time between two fetches of a feed whose hub
// pushes its content: polling goes on, slowly, in case a push is lost.
const SafetyNet = time.Hour

// pushes remembers, since start, the hub topics of the feeds and which
// feeds a hub pushes.
type pushes struct {
	mu     sync.Mutex
	topics map[string]string // feed URL by topic
	asked  map[string]bool   // feeds whose hub was asked this run
	active map[string]bool   // feeds whose subscription is verified
}

// ask records the topic of a feed and reports whether its hub is still to
// be asked this run.
func (p *pushes) ask(feedURL, topic string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.topics == nil {
		p.topics, p.asked, p.active = map[string]string{}, map[string]bool{}, map[string]bool{}
	}
	p.topics[topic] = feedURL
	if p.asked[feedURL] {
		return false
	}
	p.asked[feedURL] = true
	return true
}

// feed returns the feed of a topic.
func (p *pushes) feed(topic string) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, ok := p.topics[topic]
	return f, ok
}

// set records whether a topic's hub pushes.
func (p *pushes) set(topic string, active bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f, ok := p.topics[topic]; ok {
		p.active[f] = active
	}
}

// pushed reports whether a hub pushes the feed.
func (p *pushes) pushed(feedURL string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.active[feedURL]
}

// subscribe asks the feed's hub, once a run, to push its content.
func (w *Watcher) subscribe(ctx context.Context, feedURL, hub, topic string) {
	if w.Hub == nil || !w.pushes.ask(feedURL, topic) {
		return
	}
	if _, err := w.Hub.Subscribe(ctx, hub, topic); err != nil {
		w.Log.Warn("websub: the feed's hub refused a subscription; the feed is polled as usual", "feed", feedURL, "hub", hub, "err", err)
		return
	}
	w.Log.Info("websub: subscribed to the feed's hub", "feed", feedURL, "hub", hub, "topic", topic)
}

// HubChanged is told of each change of a subscription's state: while a
// hub pushes a feed, the feed is only fetched every SafetyNet.
func (w *Watcher) HubChanged(sub websub.Subscription) {
	w.pushes.set(sub.Topic, sub.State == websub.Active)
}

// Push records the content a hub pushed for topic, as a poll of the feed
// would: the same dedupe, routing and outbox. It returns at once; the
// content is read and recorded in the background, within a minute.
func (w *Watcher) Push(ctx context.Context, topic, contentType string, body []byte) {
	feedURL, ok := w.pushes.feed(topic)
	if !ok {
		w.Log.Warn("websub: content pushed for a topic no watched feed has", "topic", topic)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	go func() {
		defer cancel()
		parsed, err := feed.ParseContentType(body, contentType)
		if err != nil {
			w.Log.Warn("websub: pushed content is not a feed", "feed", feedURL, "err", err)
			return
		}
		now := w.now()
		state, err := w.Store.FeedState(ctx, feedURL)
		if err != nil {
			// Never fetched: a push does not count as the first sight,
			// which only the first fetch of the whole feed can be.
			w.Log.Debug("websub: content pushed before the feed was first read; the next poll reads it", "feed", feedURL)
			return
		}
		if _, _, err := w.record(ctx, feedURL, parsed, false, state.LastFetch, now, true); err != nil {
			w.Log.Error("websub: record pushed content", "feed", feedURL, "err", err)
		}
	}()
}
