// Package route decides where an article goes: to the targets of the
// routes the administrator configured, and to the targets that follow a
// topic the article is about.
//
// # Routes
//
// HERALD_ROUTES lists routes, one entry each. Its syntax:
//
//	HERALD_ROUTES = entry { ";" entry }
//	entry  = target { option }
//	target = "discord:" channel-id | "telegram:" ( chat-id | "@" name )
//	option = key "=" value | flag
//	value  = bare | quoted
//	list   = item { "," item }
//	item   = bare-item | quoted
//
// Entries are separated by ";", and blank entries are ignored. Newlines are
// white space like spaces and tabs, so entries may be written one per line.
// Within an entry the target and the options are separated by white space;
// there is no space around "=". A bare value runs to the next white space
// or ";" and is taken literally, without escapes, so regex=\bwar\b works;
// a bare list item stops at a "," too. A quoted value or item is a Go
// string literal, "…" with backslash escapes (\" \\ \t \u00e9) or `…`
// raw; it may hold spaces, commas and ";", and is followed by white space,
// ";", the end, or in a list by ",". An empty value counts as missing.
//
// A target is discord:<channel id> (digits), telegram:<chat id> (an
// integer such as -1001234567890) or telegram:@name (5 to 32 letters,
// digits or _). A target may appear in one entry only, and not also in
// HERALD_DISCORD_CHANNELS or HERALD_TELEGRAM_CHATS.
//
// The options:
//
//	topics=a,b          the article has one of these topics, compared as
//	                    /follow compares them: case, accents and
//	                    punctuation do not matter
//	keywords=a,b        the headline or lead holds one of these as whole
//	                    words, in order; case and accents do not matter
//	                    ("Zürich" matches ZURICH and zurich), and "war"
//	                    does not match Warsaw
//	regex=RE            the headline and the lead, joined by a newline,
//	                    match the Go regular expression RE (RE2 syntax),
//	                    as written: case matters unless RE starts with (?i)
//	not-topics=a,b      exclusions: an article that matches any of them,
//	not-keywords=a,b    as topics, keywords and regex match, is left out
//	not-regex=RE
//	feeds=URL,URL       only articles from these feeds, as HERALD_FEEDS
//	                    names them
//	digest=CRON         posts are gathered into one digest at the times of
//	                    CRON: 5 fields (minute hour day-of-month month
//	                    day-of-week), quoted, as in digest="0 8 * * 1-5",
//	                    or @hourly, @daily, @weekly, @monthly, @yearly
//	quiet=HH:MM-HH:MM   quiet hours, which may run past midnight; add
//	                    ",silent" (the default: posts go without a
//	                    notification) or ",hold" (posts wait for the end)
//	trickle=N/DURATION  at most N posts per Go duration of 1s or more,
//	                    spaced evenly: 10/1h posts at most one every 6m
//	mention=ROLE        Discord only: the posts mention the role of this ID
//	silent              every post goes without a notification
//
// The lists of topics, keywords, not-topics, not-keywords and feeds are
// separated by commas, without spaces; an item that holds a space or a
// comma is quoted: keywords="climate change",ukraine. These keys may
// repeat, and their items add up. regex and not-regex may repeat too; a
// comma is part of the expression. The other options are given once.
//
// With no topics, keywords or regex, a route takes every article. With
// some, an article must match at least one of them, of any kind. Then an
// article that matches any exclusion is left out, and, when feeds are
// given, one from another feed. Digest times and quiet hours are read by
// the wall clock of HERALD_TIMEZONE.
//
// An example, in two entries:
//
//	HERALD_ROUTES='discord:123456789 topics=china,russia keywords="climate change" not-regex=(?i)sport digest="0 8 * * *" mention=42;
//	  telegram:@worldnews quiet=22:00-07:00,hold trickle=10/1h'
//
// An entry that does not parse is reported with its place (blank entries
// do not count), its text, the column (in characters, from 1) of the
// target, option, list item or quote that is wrong, and what is wanted
// there:
//
//	HERALD_ROUTES entry 2 "telegram:@worldnews quiet=25:00-07:00", column 21: quiet: want HH:MM-HH:MM (00:00-23:59), optionally ",hold" or ",silent"
package route

import (
	"math/bits"
	"regexp"
	"slices"
	"strings"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/schedule"
)

// Config is what a Router routes by.
type Config struct {
	// Rules are the configured routes, in order.
	Rules []Rule
	// Follows are the readers' and chats' follows. A follow whose
	// target has a rule is ignored: the configuration wins.
	Follows []herald.Follow
	// Paused lists the targets that get nothing, as
	// herald.Store.PausedTargets returns them.
	Paused map[herald.Target]string
	// Moves maps chats that moved to where they are now, as
	// herald.Store.Moves returns them.
	Moves map[herald.Target]herald.Target
}

// Router routes articles. Build one per batch of articles from the
// follows of the moment; it is safe for concurrent use once built.
type Router struct {
	rules []compiled
	// byTopic indexes the rules that include topics by topic key.
	byTopic map[string][]int
	// byKeyword indexes the rules that include keywords by the first
	// word of the keyword's key.
	byKeyword map[string][]keyword
	// regexRules and catchAll are the rules checked for every article:
	// those that include regular expressions, and those that include
	// everything.
	regexRules []int
	catchAll   []int
	// regexps are the rules' regular expressions, each once: rules that
	// share one share its result for an article.
	regexps []pattern
	// byWord indexes follows by the first word of their topic key.
	byWord map[string][]follow
	// keys and targets hold each topic key and target of the follows
	// once; a follow names them by index.
	keys    []string
	targets []herald.Target
	plans   map[herald.Target]schedule.Plan
}

// compiled is a rule ready to check, its target resolved.
type compiled struct {
	target herald.Target
	// shared is set when another rule has the same target (two chats
	// that became one), so the target must be checked for duplicates.
	shared      bool
	notTopics   []string
	notKeywords []string
	// regexps and notRegexps index Router.regexps.
	regexps    []int
	notRegexps []int
	feeds      []string
}

type keyword struct {
	key  string
	rule int
	// words is set for a key of more than one word.
	words bool
}

// follow is one follow in Router.byWord: indexes of Router.keys and
// Router.targets, so that a hundred thousand follows take 8 bytes each
// and their strings once.
type follow struct {
	key, target int32
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
	rules := make([]Rule, len(targets))
	for i, t := range targets {
		rules[i] = Rule{Target: t}
	}
	return NewRouter(Config{Rules: rules, Follows: follows, Paused: paused, Moves: moves})
}

// NewRouter returns a Router that sends each article to the target of
// every rule whose filter takes it, in rule order, then to the targets
// that follow a topic it is about. Targets are resolved through c.Moves;
// paused ones get nothing. A target gets an article once. Follows whose
// target has a rule are ignored.
func NewRouter(c Config) *Router {
	r := &Router{
		byTopic:   make(map[string][]int),
		byKeyword: make(map[string][]keyword),
		byWord:    make(map[string][]follow),
		plans:     make(map[herald.Target]schedule.Plan),
	}
	ruled := make(map[herald.Target]int)
	reIndex := make(map[string]int)
	regexps := func(res []*regexp.Regexp) []int {
		var ids []int
		for _, re := range res {
			id, ok := reIndex[re.String()]
			if !ok {
				id = len(r.regexps)
				reIndex[re.String()] = id
				r.regexps = append(r.regexps, newPattern(re))
			}
			ids = append(ids, id)
		}
		return ids
	}
	for _, rule := range c.Rules {
		t := resolve(rule.Target, c.Moves)
		if _, ok := c.Paused[t]; ok {
			// Paused, it gets nothing, and neither do its follows.
			ruled[t] = -1
			continue
		}
		i := len(r.rules)
		f := rule.Filter
		cr := compiled{
			target:      t,
			notTopics:   keys(f.NotTopics),
			notKeywords: keys(f.NotKeywords),
			regexps:     regexps(f.Regexps),
			notRegexps:  regexps(f.NotRegexps),
			feeds:       f.Feeds,
		}
		if first, ok := ruled[t]; ok && first >= 0 {
			cr.shared = true
			r.rules[first].shared = true
		} else {
			ruled[t] = i
			r.plans[t] = rule.Plan
		}
		r.rules = append(r.rules, cr)
		for _, k := range dedupe(keys(f.Topics)) {
			r.byTopic[k] = append(r.byTopic[k], i)
		}
		for _, k := range dedupe(keys(f.Keywords)) {
			first, _, multi := strings.Cut(k, " ")
			r.byKeyword[first] = append(r.byKeyword[first], keyword{key: k, rule: i, words: multi})
		}
		switch {
		case len(f.Regexps) > 0:
			r.regexRules = append(r.regexRules, i)
		case len(f.Topics) == 0 && len(f.Keywords) == 0:
			r.catchAll = append(r.catchAll, i)
		}
	}
	keyIDs := make(map[string]int32)
	targetIDs := make(map[herald.Target]int32)
	for _, f := range c.Follows {
		key := herald.TopicKey(f.Topic)
		t := resolve(f.Target, c.Moves)
		if _, ok := c.Paused[t]; ok || key == "" {
			continue
		}
		if _, ok := ruled[t]; ok {
			continue
		}
		k, ok := keyIDs[key]
		if !ok {
			k = int32(len(r.keys))
			keyIDs[key] = k
			r.keys = append(r.keys, key)
		}
		id, ok := targetIDs[t]
		if !ok {
			id = int32(len(r.targets))
			targetIDs[t] = id
			r.targets = append(r.targets, t)
		}
		first, _, _ := strings.Cut(key, " ")
		r.byWord[first] = append(r.byWord[first], follow{key: k, target: id})
	}
	return r
}

func dedupe(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// Overridden returns the targets that have a rule and also follows made
// in the chat, with the number of those follows. The rule wins: the
// follows are ignored while it exists, and the caller says so.
func Overridden(rules []Rule, follows []herald.Follow) map[herald.Target]int {
	ruled := make(map[herald.Target]bool, len(rules))
	for _, r := range rules {
		ruled[r.Target] = true
	}
	out := make(map[herald.Target]int)
	for _, f := range follows {
		if ruled[f.Target] {
			out[f.Target]++
		}
	}
	return out
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

// Plan returns how posts to t are scheduled: the plan of the first rule
// whose target is t (after moves), and false when no rule routes to t.
func (r *Router) Plan(t herald.Target) (schedule.Plan, bool) {
	p, ok := r.plans[t]
	return p, ok
}

// Route returns the targets of the article: those of the rules that take
// it first, in rule order, then the followers', each once.
func (r *Router) Route(a herald.Article) []herald.Target {
	v := view{a: a}
	var out []herald.Target
	if len(r.rules) > 0 {
		out = r.routeRules(&v)
	}
	if len(r.byWord) == 0 {
		return out
	}
	return r.routeFollows(&v, out)
}

// routeRules returns the targets of the rules that take the article.
func (r *Router) routeRules(v *view) []herald.Target {
	// The candidate rules, a bit each, read back in rule order.
	var buf [16]uint64
	var cand []uint64
	if n := (len(r.rules) + 63) / 64; n <= len(buf) {
		cand = buf[:n]
	} else {
		cand = make([]uint64, n)
	}
	count := 0
	mark := func(i int) {
		if cand[i/64]&(1<<(i%64)) == 0 {
			cand[i/64] |= 1 << (i % 64)
			count++
		}
	}
	for _, i := range r.catchAll {
		mark(i)
	}
	if len(r.byTopic) > 0 {
		for _, k := range v.topics() {
			for _, i := range r.byTopic[k] {
				mark(i)
			}
		}
	}
	if len(r.byKeyword) > 0 {
		words := v.wordString()
		for rest := words[1:]; rest != ""; {
			w, after, _ := strings.Cut(rest, " ")
			rest = after
			for _, k := range r.byKeyword[w] {
				if !k.words || containsWords(words, k.key) {
					mark(k.rule)
				}
			}
		}
	}
	for _, i := range r.regexRules {
		if r.anyRegexp(v, r.rules[i].regexps) {
			mark(i)
		}
	}
	if count == 0 {
		return nil
	}
	out := make([]herald.Target, 0, count)
	for w, set := range cand {
		for ; set != 0; set &= set - 1 {
			c := &r.rules[w*64+bits.TrailingZeros64(set)]
			if v.anyTopic(c.notTopics) || v.anyKeyword(c.notKeywords) || r.anyRegexp(v, c.notRegexps) {
				continue
			}
			if len(c.feeds) > 0 && !slices.Contains(c.feeds, v.a.Feed) {
				continue
			}
			if c.shared && slices.Contains(out, c.target) {
				continue
			}
			out = append(out, c.target)
		}
	}
	return out
}

// anyRegexp reports whether the article matches one of the regular
// expressions ids, matching each at most once per article.
func (r *Router) anyRegexp(v *view, ids []int) bool {
	if len(ids) > 0 && v.matched == nil {
		v.matched = make([]int8, len(r.regexps))
	}
	for _, id := range ids {
		switch v.matched[id] {
		case 0:
			if r.regexps[id].match(v.regexpText(), v.foldedText) {
				v.matched[id] = 1
				return true
			}
			v.matched[id] = -1
		case 1:
			return true
		}
	}
	return false
}

// routeFollows adds to out the targets that follow a topic of the
// article, then those that follow words of its text.
func (r *Router) routeFollows(v *view, out []herald.Target) []herald.Target {
	seen := make(map[herald.Target]bool, len(out))
	for _, t := range out {
		seen[t] = true
	}
	add := func(t herald.Target) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	// A follow matches a topic of the article when the keys are equal.
	for _, key := range v.topics() {
		first, _, _ := strings.Cut(key, " ")
		for _, f := range r.byWord[first] {
			if r.keys[f.key] == key {
				add(r.targets[f.target])
			}
		}
	}
	// A follow matches the text when its words occur, in order, as whole
	// words of the headline or lead.
	words := v.wordString()
	tried := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		if tried[w] {
			continue
		}
		tried[w] = true
		for _, f := range r.byWord[w] {
			if t := r.targets[f.target]; !seen[t] && containsWords(words, r.keys[f.key]) {
				add(t)
			}
		}
	}
	return out
}
