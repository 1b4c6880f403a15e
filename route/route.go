// Package route decides where an article goes: to every configured target,
// and to the targets that follow a topic the article is about.
package route

import (
	"slices"
	"strings"

	"github.com/heraldhq/herald"
)

// Router routes articles. Build one per batch of articles from the
// follows of the moment; it is safe for concurrent use once built.
type Router struct {
	all []herald.Target
	// byWord indexes follows by the first word of their topic key.
	byWord map[string][]follow
}

type follow struct {
	key    string
	target herald.Target
}

// New returns a Router that sends every article to targets and each
// article about a followed topic to the follow's target. A target gets an
// article once, however many of its follows match.
func New(targets []herald.Target, follows []herald.Follow) *Router {
	return NewWith(targets, follows, nil, nil)
}

// NewWith returns a Router as New does, for the targets of today: a target
// that moved (a key of moves, as herald.Store.Moves lists them) is replaced
// by where it moved to, and a paused target (a key of paused, as
// herald.Store.PausedTargets lists them) gets nothing, configured or
// following. Nil maps are empty.
func NewWith(targets []herald.Target, follows []herald.Follow, paused map[herald.Target]string, moves map[herald.Target]herald.Target) *Router {
	r := &Router{byWord: make(map[string][]follow)}
	seen := make(map[herald.Target]bool, len(targets))
	for _, t := range targets {
		t = resolve(t, moves)
		if _, ok := paused[t]; ok || seen[t] {
			continue
		}
		seen[t] = true
		r.all = append(r.all, t)
	}
	for _, f := range follows {
		key := herald.TopicKey(f.Topic)
		t := resolve(f.Target, moves)
		if _, ok := paused[t]; ok || key == "" {
			continue
		}
		first, _, _ := strings.Cut(key, " ")
		r.byWord[first] = append(r.byWord[first], follow{key: key, target: t})
	}
	return r
}

// resolve returns where t is today: the end of its chain of moves. Stores
// keep chains resolved, so one step is the rule; a cycle ends where it
// would come back.
func resolve(t herald.Target, moves map[herald.Target]herald.Target) herald.Target {
	to, ok := moves[t]
	if !ok {
		return t
	}
	seen := map[herald.Target]bool{t: true}
	for !seen[to] {
		seen[to] = true
		next, ok := moves[to]
		if !ok {
			return to
		}
		to = next
	}
	return to
}

// Route returns the targets of the article: the configured ones first,
// then the followers', each once.
func (r *Router) Route(a herald.Article) []herald.Target {
	out := slices.Clone(r.all)
	seen := make(map[herald.Target]bool, len(out))
	for _, t := range out {
		seen[t] = true
	}
	if len(r.byWord) == 0 {
		return out
	}
	add := func(t herald.Target) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	// A follow matches a topic of the article when the keys are equal.
	for _, topic := range a.Topics {
		key := herald.TopicKey(topic)
		first, _, _ := strings.Cut(key, " ")
		for _, f := range r.byWord[first] {
			if f.key == key {
				add(f.target)
			}
		}
	}
	// A follow matches the text when its words occur, in order, as whole
	// words of the headline or lead.
	words := a.Words()
	tried := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		if tried[w] {
			continue
		}
		tried[w] = true
		for _, f := range r.byWord[w] {
			if !seen[f.target] && strings.Contains(words, " "+f.key+" ") {
				add(f.target)
			}
		}
	}
	return out
}
