package route

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/schedule"
)

// Rule is one entry of HERALD_ROUTES: which articles go to a target, and
// how they are posted there.
type Rule struct {
	Target herald.Target
	Filter Filter
	Plan   schedule.Plan
	// Entry is the rule's place in HERALD_ROUTES, from 1; 0 for a target
	// of HERALD_DISCORD_CHANNELS or HERALD_TELEGRAM_CHATS.
	Entry int
}

// ParseError is an entry of HERALD_ROUTES that does not parse.
type ParseError struct {
	// Entry is the entry's place, from 1; blank entries do not count.
	Entry int
	// Text is the entry as written, without the white space around it.
	Text string
	// Col is the column in Text, from 1 and in characters, where the
	// problem is: the start of the target, option or list item.
	Col int
	// Expected says what is wrong and what is wanted.
	Expected string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("HERALD_ROUTES entry %d %q, column %d: %s", e.Entry, e.Text, e.Col, e.Expected)
}

// The options of an entry, in the order Rule.String writes them.
const (
	optTopics      = "topics"
	optKeywords    = "keywords"
	optRegex       = "regex"
	optNotTopics   = "not-topics"
	optNotKeywords = "not-keywords"
	optNotRegex    = "not-regex"
	optFeeds       = "feeds"
	optDigest      = "digest"
	optQuiet       = "quiet"
	optTrickle     = "trickle"
	optMention     = "mention"
	optSilent      = "silent"
)

// listOptions take comma-separated lists; the others one value.
var listOptions = map[string]bool{
	optTopics: true, optKeywords: true, optNotTopics: true, optNotKeywords: true, optFeeds: true,
}

var valueOptions = map[string]bool{
	optRegex: true, optNotRegex: true, optDigest: true, optQuiet: true, optTrickle: true, optMention: true,
}

const knownOptions = "topics=, keywords=, regex=, not-topics=, not-keywords=, not-regex=, feeds=, digest=, quiet=, trickle=, mention= or silent"

const targetSyntax = "want discord:<channel id> or telegram:<chat id or @name>"

var (
	discordID    = regexp.MustCompile(`^[0-9]{1,20}$`)
	telegramChat = regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z0-9_]{5,32})$`)
)

// Parse reads HERALD_ROUTES (see the package documentation) into rules, in
// entry order. Digests and quiet hours are read in loc. The error, if any,
// is a *ParseError for the first entry that is wrong.
func Parse(s string, loc *time.Location) ([]Rule, error) {
	p := &parser{s: s}
	var rules []Rule
	routed := make(map[herald.Target]int)
	for {
		p.skipSpace()
		if p.pos == len(s) {
			return rules, nil
		}
		if s[p.pos] == ';' {
			p.pos++
			continue
		}
		p.entry++
		raw, err := p.lexEntry()
		if err != nil {
			return nil, err
		}
		r, err := p.rule(raw, loc)
		if err != nil {
			return nil, err
		}
		if first, ok := routed[r.Target]; ok {
			return nil, p.fail(raw.start, fmt.Sprintf("%s is already routed by entry %d: give a target one entry", r.Target, first))
		}
		routed[r.Target] = p.entry
		rules = append(rules, r)
	}
}

// parser reads HERALD_ROUTES one entry at a time.
type parser struct {
	s     string
	pos   int
	entry int
	// text and start are the current entry's text and its offset in s.
	text  string
	start int
}

// rawEntry is an entry split into its target and options, unchecked.
type rawEntry struct {
	start   int
	target  string
	options []rawOption
}

type rawOption struct {
	key      string
	pos      int
	hasValue bool
	items    []rawItem
}

type rawItem struct {
	text string
	pos  int
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		r, n := utf8.DecodeRuneInString(p.s[p.pos:])
		if !isSpace(r) {
			return
		}
		p.pos += n
	}
}

// atBreak reports whether the entry's current token ends at pos: at white
// space, a ';' or the end of the input.
func (p *parser) atBreak() bool {
	if p.pos == len(p.s) || p.s[p.pos] == ';' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
	return isSpace(r)
}

// bare reads up to white space, ';', the end, or one of stop.
func (p *parser) bare(stop string) string {
	start := p.pos
	for !p.atBreak() && !strings.ContainsRune(stop, rune(p.s[p.pos])) {
		_, n := utf8.DecodeRuneInString(p.s[p.pos:])
		p.pos += n
	}
	return p.s[start:p.pos]
}

// quoted reads a Go string literal, "…" with escapes or `…` raw, starting
// at pos.
func (p *parser) quoted() (string, error) {
	start := p.pos
	q := p.s[p.pos]
	i := p.pos + 1
	for ; i < len(p.s); i++ {
		if p.s[i] == q {
			break
		}
		if q == '"' && p.s[i] == '\\' {
			i++
		}
	}
	if i >= len(p.s) {
		p.pos = len(p.s)
		return "", errUnterminated
	}
	p.pos = i + 1
	v, err := strconv.Unquote(p.s[start:p.pos])
	if err != nil {
		return "", fmt.Errorf("%s is not a valid Go string literal", p.s[start:p.pos])
	}
	return v, nil
}

var errUnterminated = errors.New("unterminated quote: close it with the same quote")

func isQuote(c byte) bool { return c == '"' || c == '`' }

// lexEntry splits the entry that starts at pos into its target and
// options and leaves pos after it, at its ';' or the end.
func (p *parser) lexEntry() (rawEntry, error) {
	raw := rawEntry{start: p.pos}
	p.start = p.pos
	var first error
	firstPos := 0
	failAt := func(pos int, err error) {
		if first == nil {
			first, firstPos = err, pos
		}
	}
	raw.target = p.bare("")
	for {
		p.skipSpace()
		if p.pos == len(p.s) || p.s[p.pos] == ';' {
			break
		}
		o := rawOption{pos: p.pos}
		o.key = p.bare("=")
		if o.key == "" {
			// A quote or '=' where an option should start.
			failAt(p.pos, fmt.Errorf("want an option: %s", knownOptions))
			p.bareOrQuoted()
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == '=' {
			p.pos++
			o.hasValue = true
			if listOptions[o.key] {
				p.lexList(&o, failAt)
			} else {
				p.lexValue(&o, failAt)
			}
		}
		raw.options = append(raw.options, o)
	}
	end := p.pos
	p.text = strings.TrimRightFunc(p.s[p.start:end], isSpace)
	if p.pos < len(p.s) {
		p.pos++ // the ';'
	}
	if first != nil {
		return raw, p.fail(firstPos, first.Error())
	}
	return raw, nil
}

// bareOrQuoted skips one token after an error, so that the entry's end is
// found.
func (p *parser) bareOrQuoted() {
	for !p.atBreak() {
		if isQuote(p.s[p.pos]) {
			p.quoted()
			continue
		}
		p.bare("\"`")
	}
}

// lexValue reads the value of an option that takes one: bare up to white
// space or ';', or quoted.
func (p *parser) lexValue(o *rawOption, failAt func(int, error)) {
	pos := p.pos
	if p.atBreak() {
		return
	}
	if !isQuote(p.s[p.pos]) {
		o.items = append(o.items, rawItem{text: p.bare(""), pos: pos})
		return
	}
	v, err := p.quoted()
	if err != nil {
		failAt(pos, fmt.Errorf("%s: %w", o.key, err))
		return
	}
	if !p.atBreak() {
		failAt(p.pos, fmt.Errorf("%s: want white space or ';' after the closing quote", o.key))
		p.bareOrQuoted()
		return
	}
	if v != "" {
		// An empty quoted value is a missing one.
		o.items = append(o.items, rawItem{text: v, pos: pos})
	}
}

// lexList reads a comma-separated list of bare or quoted items.
func (p *parser) lexList(o *rawOption, failAt func(int, error)) {
	if p.atBreak() {
		return
	}
	for {
		pos := p.pos
		var item string
		switch {
		case p.atBreak() || p.s[p.pos] == ',':
			failAt(pos, fmt.Errorf("%s: empty list item (no spaces after commas; quote an item that holds spaces or commas)", o.key))
		case isQuote(p.s[p.pos]):
			v, err := p.quoted()
			if err != nil {
				failAt(pos, fmt.Errorf("%s: %w", o.key, err))
				return
			}
			item = v
			if !p.atBreak() && p.s[p.pos] != ',' {
				failAt(p.pos, fmt.Errorf("%s: want ',', white space or ';' after the closing quote", o.key))
				p.bareOrQuoted()
				return
			}
		default:
			item = p.bare(",")
		}
		o.items = append(o.items, rawItem{text: item, pos: pos})
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		return
	}
}

// fail returns the ParseError for the current entry at offset pos of the
// input.
func (p *parser) fail(pos int, expected string) *ParseError {
	col := 1
	if pos > p.start {
		col = utf8.RuneCountInString(p.s[p.start:pos]) + 1
	}
	return &ParseError{Entry: p.entry, Text: p.text, Col: col, Expected: expected}
}

// rule checks the lexed entry and makes it a Rule.
func (p *parser) rule(raw rawEntry, loc *time.Location) (Rule, error) {
	r := Rule{Entry: p.entry, Plan: schedule.Plan{Location: loc}}
	t, problem := parseTarget(raw.target)
	if problem != "" {
		return r, p.fail(raw.start, problem)
	}
	r.Target = t
	given := make(map[string]bool)
	for _, o := range raw.options {
		if !listOptions[o.key] && !valueOptions[o.key] && o.key != optSilent {
			return r, p.fail(o.pos, fmt.Sprintf("unknown option %q: want %s", o.key, knownOptions))
		}
		if o.key == optSilent {
			if o.hasValue {
				return r, p.fail(o.pos, "silent takes no value: write silent alone")
			}
			r.Plan.Silent = true
			continue
		}
		if len(o.items) == 0 {
			return r, p.fail(o.pos, fmt.Sprintf("%s: missing value: write %s=VALUE with no space after '='", o.key, o.key))
		}
		if valueOptions[o.key] && o.key != optRegex && o.key != optNotRegex {
			if given[o.key] {
				return r, p.fail(o.pos, o.key+": given twice: give it once")
			}
			given[o.key] = true
		}
		if err := p.option(&r, o); err != nil {
			return r, err
		}
	}
	return r, nil
}

// option adds one checked option to r.
func (p *parser) option(r *Rule, o rawOption) error {
	f := &r.Filter
	v := o.items[0].text
	switch o.key {
	case optTopics, optKeywords, optNotTopics, optNotKeywords:
		for _, it := range o.items {
			if herald.TopicKey(it.text) == "" {
				return p.fail(it.pos, fmt.Sprintf("%s: %q has no letters or digits", o.key, it.text))
			}
		}
		list := map[string]*[]string{
			optTopics: &f.Topics, optKeywords: &f.Keywords, optNotTopics: &f.NotTopics, optNotKeywords: &f.NotKeywords,
		}[o.key]
		for _, it := range o.items {
			*list = append(*list, it.text)
		}
	case optFeeds:
		for _, it := range o.items {
			if !isHTTPURL(it.text) {
				return p.fail(it.pos, fmt.Sprintf("feeds: %q is not an http(s) URL", it.text))
			}
			f.Feeds = append(f.Feeds, it.text)
		}
	case optRegex, optNotRegex:
		re, err := regexp.Compile(v)
		if err != nil {
			return p.fail(o.pos, o.key+": "+err.Error())
		}
		if o.key == optRegex {
			f.Regexps = append(f.Regexps, re)
		} else {
			f.NotRegexps = append(f.NotRegexps, re)
		}
	case optDigest:
		c, err := schedule.ParseCron(v)
		if err != nil {
			return p.fail(o.pos, o.key+": "+problem(err))
		}
		r.Plan.Digest = c
	case optQuiet:
		q, err := schedule.ParseQuiet(v)
		if err != nil {
			return p.fail(o.pos, o.key+": "+problem(err))
		}
		r.Plan.Quiet = q
	case optTrickle:
		t, err := schedule.ParseTrickle(v)
		if err != nil {
			return p.fail(o.pos, o.key+": "+problem(err))
		}
		r.Plan.Trickle = t
	case optMention:
		if r.Target.Platform != herald.Discord {
			return p.fail(o.pos, "mention: only Discord has roles to mention; drop it for a Telegram target")
		}
		if !discordID.MatchString(v) {
			return p.fail(o.pos, fmt.Sprintf("mention: %q is not a Discord role ID (digits only; Server Settings, Roles, right-click the role, Copy Role ID)", v))
		}
		r.Plan.MentionRole = v
	}
	return nil
}

// problem is what a schedule parser says is wrong, without the value.
func problem(err error) string {
	var se *schedule.SyntaxError
	if errors.As(err, &se) {
		return se.Problem
	}
	return err.Error()
}

// parseTarget reads the target of an entry; problem says what is wrong.
func parseTarget(s string) (t herald.Target, problem string) {
	platform, chat, ok := strings.Cut(s, ":")
	if !ok {
		return t, fmt.Sprintf("target %q: %s", s, targetSyntax)
	}
	switch herald.Platform(platform) {
	case herald.Discord:
		if chat == "" {
			return t, "discord: empty channel ID: " + targetSyntax
		}
		if !discordID.MatchString(chat) {
			return t, fmt.Sprintf("discord channel %q is not a channel ID: digits only (enable Developer Mode, right-click the channel, Copy Channel ID)", chat)
		}
	case herald.Telegram:
		if chat == "" {
			return t, "telegram: empty chat: " + targetSyntax
		}
		if !telegramChat.MatchString(chat) {
			return t, fmt.Sprintf("telegram chat %q is neither a numeric chat ID (-1001234567890) nor an @name of 5 to 32 letters, digits or _", chat)
		}
	default:
		return t, fmt.Sprintf("unknown platform %q: %s", platform, targetSyntax)
	}
	return herald.Target{Platform: herald.Platform(platform), Chat: chat}, ""
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// String returns the rule as one entry of HERALD_ROUTES, in a canonical
// form: options in a fixed order (topics, keywords, regex, not-topics,
// not-keywords, not-regex, feeds, digest, quiet, trickle, mention, silent),
// lists joined, values quoted only where they must be. Parse reads the
// String of a Discord or Telegram rule back to an equal rule.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(r.Target.String())
	list := func(key string, items []string) {
		if len(items) == 0 {
			return
		}
		b.WriteString(" " + key + "=")
		for i, it := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quote(it, true))
		}
	}
	value := func(key, v string) {
		b.WriteString(" " + key + "=" + quote(v, false))
	}
	f := r.Filter
	list(optTopics, f.Topics)
	list(optKeywords, f.Keywords)
	for _, re := range f.Regexps {
		value(optRegex, re.String())
	}
	list(optNotTopics, f.NotTopics)
	list(optNotKeywords, f.NotKeywords)
	for _, re := range f.NotRegexps {
		value(optNotRegex, re.String())
	}
	list(optFeeds, f.Feeds)
	pl := r.Plan
	if pl.Digest != nil {
		value(optDigest, pl.Digest.String())
	}
	if pl.Quiet != nil {
		value(optQuiet, pl.Quiet.String())
	}
	if pl.Trickle != nil {
		value(optTrickle, pl.Trickle.String())
	}
	if pl.MentionRole != "" {
		value(optMention, pl.MentionRole)
	}
	if pl.Silent {
		b.WriteString(" " + optSilent)
	}
	return b.String()
}

// quote writes v so that the lexer reads it back: bare when it can be,
// else as a Go string literal, interpreted when that needs no escapes,
// raw when that can hold it, interpreted with escapes otherwise.
func quote(v string, inList bool) string {
	bare := v != "" && !isQuote(v[0]) && !strings.ContainsFunc(v, func(r rune) bool {
		return isSpace(r) || r == ';' || (inList && r == ',')
	})
	if bare {
		return v
	}
	if q := strconv.Quote(v); q[1:len(q)-1] == v {
		return q
	}
	if utf8.ValidString(v) && !strings.ContainsRune(v, '`') && !strings.ContainsFunc(v, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return "`" + v + "`"
	}
	return strconv.Quote(v)
}

// Describe says in one line what the rule does, for people:
//
//	discord:123 ← articles about China or Russia, or mentioning "climate change"; not matching /sport/i; digest 0 8 * * * (Europe/Berlin); mention role 42
func (r Rule) Describe() string {
	f := r.Filter
	var b strings.Builder
	b.WriteString(r.Target.String() + " ← ")
	var include []string
	if len(f.Topics) > 0 {
		include = append(include, "about "+strings.Join(f.Topics, " or "))
	}
	if len(f.Keywords) > 0 {
		include = append(include, "mentioning "+joinQuoted(f.Keywords))
	}
	if len(f.Regexps) > 0 {
		include = append(include, "matching "+joinRegexps(f.Regexps))
	}
	if len(include) == 0 {
		b.WriteString("every article")
	} else {
		b.WriteString("articles " + strings.Join(include, ", or "))
	}
	var parts []string
	var exclude []string
	if len(f.NotTopics) > 0 {
		exclude = append(exclude, "not about "+strings.Join(f.NotTopics, " or "))
	}
	if len(f.NotKeywords) > 0 {
		exclude = append(exclude, "not mentioning "+joinQuoted(f.NotKeywords))
	}
	if len(f.NotRegexps) > 0 {
		exclude = append(exclude, "not matching "+joinRegexps(f.NotRegexps))
	}
	if len(exclude) > 0 {
		parts = append(parts, strings.Join(exclude, ", "))
	}
	if len(f.Feeds) > 0 {
		parts = append(parts, "only from "+strings.Join(f.Feeds, " or "))
	}
	pl := r.Plan
	zone := ""
	if pl.Location != nil {
		zone = " (" + pl.Location.String() + ")"
	} else {
		zone = " (UTC)"
	}
	if pl.Digest != nil {
		parts = append(parts, "digest "+pl.Digest.String()+zone)
	}
	if pl.Quiet != nil {
		mode := "silent"
		if pl.Quiet.Hold {
			mode = "held"
		}
		q := pl.Quiet.String()
		q, _, _ = strings.Cut(q, ",")
		parts = append(parts, "quiet "+q+" "+mode+zone)
	}
	if pl.Trickle != nil {
		parts = append(parts, fmt.Sprintf("at most %d per %s", pl.Trickle.N, schedule.FormatDuration(pl.Trickle.Per)))
	}
	if pl.Silent {
		parts = append(parts, "silent")
	}
	if pl.MentionRole != "" {
		parts = append(parts, "mention role "+pl.MentionRole)
	}
	for _, p := range parts {
		b.WriteString("; " + p)
	}
	return b.String()
}

func joinQuoted(items []string) string {
	q := make([]string, len(items))
	for i, it := range items {
		q[i] = strconv.Quote(it)
	}
	return strings.Join(q, " or ")
}

// joinRegexps writes regular expressions as /re/, and /re/i for those
// that start with (?i).
func joinRegexps(res []*regexp.Regexp) string {
	q := make([]string, len(res))
	for i, re := range res {
		s := re.String()
		if rest, ok := strings.CutPrefix(s, "(?i)"); ok {
			q[i] = "/" + rest + "/i"
		} else {
			q[i] = "/" + s + "/"
		}
	}
	return strings.Join(q, " or ")
}
