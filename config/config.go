// Package config reads Herald's configuration from HERALD_* environment
// variables with envconfig, and checks it, naming each variable that is
// wrong and what it accepts.
package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/route"
	"github.com/heraldhq/herald/schedule"
)

// Prefix starts every variable's name.
const Prefix = "HERALD"

// Config is Herald's whole configuration. Field names are chosen so that
// envconfig's split_words gives the documented names (DiscordAPIUrl is
// HERALD_DISCORD_API_URL); explicit envconfig name tags are avoided because
// envconfig would then also read the unprefixed name.
type Config struct {
	Feeds        List          `desc:"Feed URLs to watch (RSS, Atom or JSON Feed), comma-separated."`
	FeedsFile    string        `split_words:"true" desc:"A file naming more feeds to watch, read at start: one URL per line (blank lines and # comments skipped), or an OPML export of a feed reader's subscriptions. Its feeds are added to HERALD_FEEDS."`
	Database     string        `default:"herald.db" desc:"Where Herald keeps articles and its outbox: a SQLite file path, or a PostgreSQL URL (postgres://user:password@host/db). On PostgreSQL several Herald processes may share the database: one leads and posts, the others wait and take over within seconds when it stops."`
	PollInterval time.Duration `split_words:"true" desc:"When set, pins how often each feed is fetched (Go duration: 90s, 2m, 1h), whatever the feed's rate or its server's cache headers. Unset, each feed is fetched as often as it publishes, between HERALD_POLL_MIN and HERALD_POLL_MAX."`
	PollMin      time.Duration `split_words:"true" default:"1m" desc:"Shortest time between two fetches of a feed, for the busiest feeds, when HERALD_POLL_INTERVAL is not set."`
	PollMax      time.Duration `split_words:"true" default:"1h" desc:"Longest time between two fetches of a feed, for quiet feeds, when HERALD_POLL_INTERVAL is not set, unless the feed's server asks for longer (Cache-Control, Expires, RSS ttl); it bounds how late a quiet feed's news can be."`
	FeedTimeout  time.Duration `split_words:"true" default:"30s" desc:"How long one feed fetch may take before it counts as failed."`
	Backlog      int           `default:"0" desc:"How many of a feed's newest items are posted when Herald first sees it; the rest count as already posted."`

	Commands   bool `default:"true" desc:"Answer readers' commands (/follow, /search ...) on every configured platform: false makes Herald post only."`
	MaxFollows int  `split_words:"true" default:"50" desc:"How many topics one reader, group or channel may follow."`

	DiscordToken    string `split_words:"true" desc:"Discord bot token. Without it Herald does not post to Discord."`
	DiscordChannels List   `split_words:"true" desc:"Discord channel IDs that receive every article, comma-separated."`
	DiscordGuildID  string `split_words:"true" desc:"Register the slash commands in this server only, where they appear at once (for testing); empty registers them globally."`
	DiscordAPIUrl   string `split_words:"true" default:"https://discord.com" desc:"Discord API base: REST at BASE/api/v9, gateway as BASE/api/v9/gateway names it."`
	// DiscordPublicKey turns on the interactions endpoint.
	DiscordPublicKey string `split_words:"true" desc:"The Discord application's public key (Developer Portal, General Information; 64 hexadecimal digits): set, Herald answers slash commands at HERALD_HTTP_ADDR's /discord/interactions, checking each request's Ed25519 signature, so that any replica behind a load balancer takes them; then set https://YOUR-HOST/discord/interactions as the portal's Interactions Endpoint URL. Empty: commands arrive on the gateway."`

	TelegramToken         string `split_words:"true" desc:"Telegram bot token from @BotFather. Without it Herald does not post to Telegram."`
	TelegramChats         List   `split_words:"true" desc:"Telegram chats that receive every article: numeric chat IDs or @channel names, comma-separated."`
	TelegramAPIUrl        string `split_words:"true" default:"https://api.telegram.org" desc:"Telegram Bot API base: requests go to BASE/bot<token>/<method> (a self-hosted Bot API server works)."`
	TelegramWebhookURL    string `split_words:"true" desc:"The https URL at which Telegram reaches HERALD_HTTP_ADDR's /telegram/webhook (https://herald.example.org/telegram/webhook; port 443, 80, 88 or 8443): set, Telegram pushes readers' commands there, each request's secret token checked, so that any replica behind a load balancer takes them; empty, one process long-polls getUpdates."`
	TelegramPaidBroadcast bool   `split_words:"true" default:"false" desc:"Send posts as Telegram paid broadcasts (allow_paid_broadcast): up to 1,000 messages a second instead of 30, and each message COSTS the bot's owner Telegram Stars. Off by default."`

	Routes   string `desc:"Routes: which articles go to which Discord channel or Telegram chat, filtered by topic, keyword, regular expression or feed, posted at once or in digests, with quiet hours and caps; entries separated by ';'. See the README section Routes."`
	Timezone string `default:"UTC" desc:"IANA time zone (Europe/Berlin, America/New_York) in which digest times and quiet hours are read."`

	EditWindow      time.Duration `split_words:"true" default:"48h" desc:"How long after posting a post is edited when its article is corrected; 0 turns edits off."`
	DeleteRetracted bool          `split_words:"true" default:"false" desc:"Delete the posts of an article that left its feed and whose page answers 404 or 410."`

	HTTPAddr  string `split_words:"true" default:"127.0.0.1:8080" desc:"Address of the HTTP server for /healthz, /readyz, /metrics and the WebSub callbacks; empty turns it off."`
	PublicURL string `split_words:"true" desc:"The base URL at which WebSub hubs reach HERALD_HTTP_ADDR (https://herald.example.org): set, Herald subscribes to the hubs feeds advertise and posts what they push within seconds; empty, feeds are only polled."`
	LogLevel  string `split_words:"true" default:"info" desc:"Log level: debug, info, warn or error."`
	LogFormat string `split_words:"true" default:"text" desc:"Log format: text or json. Logs go to standard error."`

	// loc and rules are HERALD_TIMEZONE and HERALD_ROUTES as Load read
	// them.
	loc   *time.Location
	rules []route.Rule
}

// List is a comma-separated list; spaces around entries are trimmed and
// empty entries dropped.
type List []string

// Decode implements envconfig.Decoder.
func (l *List) Decode(value string) error {
	var out List
	for _, s := range strings.Split(value, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	*l = out
	return nil
}

// unique returns list without its repeated entries, in first-seen order.
func unique(list List) List {
	seen := make(map[string]bool, len(list))
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Error is a configuration problem: the variable, and what is wrong.
type Error struct {
	Key     string
	Problem string
}

func (e *Error) Error() string { return e.Key + ": " + e.Problem }

// Errors are all the problems found in a configuration.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Load reads the configuration from the environment and checks it. The
// error, if any, is an Errors listing every problem.
func Load() (Config, error) {
	var c Config
	if err := envconfig.Process(Prefix, &c); err != nil {
		return c, Errors{parseError(err)}
	}
	if c.FeedsFile != "" {
		urls, err := ReadFeedsFile(c.FeedsFile)
		if err != nil {
			return c, Errors{{Key: Prefix + "_FEEDS_FILE", Problem: err.Error()}}
		}
		c.Feeds = unique(append(c.Feeds, urls...))
	}
	if errs := c.Validate(); len(errs) > 0 {
		return c, errs
	}
	c.loc, c.rules, _ = c.routes()
	return c, nil
}

// testPrefix starts the variables of Herald's test suite, such as
// HERALD_TEST_DATABASE_URL: they are not Herald's, and not typos.
const testPrefix = Prefix + "_TEST_"

// Unknown lists the HERALD_ variables in the environment that Herald does
// not read, most likely typos; the test suite's HERALD_TEST_ ones are
// left out.
func Unknown() []string {
	known := map[string]bool{}
	for _, k := range Keys() {
		known[k] = true
	}
	var unknown []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, Prefix+"_") && !strings.HasPrefix(k, testPrefix) && !known[k] {
			unknown = append(unknown, k)
		}
	}
	return unknown
}

// Keys lists the names of every variable.
func Keys() []string {
	var sb strings.Builder
	envconfig.Usagef(Prefix, &Config{}, &sb, "{{range .}}{{usage_key .}}\n{{end}}")
	return strings.Fields(sb.String())
}

// Usage writes envconfig's table of every variable: name, type, default,
// whether it is required, and what it does.
func Usage(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 1, 0, 4, ' ', 0)
	if err := envconfig.Usagef(Prefix, &Config{}, tw, envconfig.DefaultTableFormat); err != nil {
		return fmt.Errorf("usage: %w", err)
	}
	return tw.Flush()
}

func parseError(err error) *Error {
	var pe *envconfig.ParseError
	if !errors.As(err, &pe) {
		return &Error{Key: Prefix, Problem: err.Error()}
	}
	want := map[string]string{
		"time.Duration": "a Go duration such as 90s, 2m or 1h",
		"int":           "a whole number such as 0 or 5",
		"bool":          "true or false",
	}[pe.TypeName]
	if want == "" {
		want = "a value of type " + pe.TypeName
	}
	if pe.Value == "" {
		return &Error{Key: pe.KeyName, Problem: "is set but empty: unset it to use the default, or give " + want}
	}
	return &Error{Key: pe.KeyName, Problem: fmt.Sprintf("%q is not %s", pe.Value, want)}
}

var (
	snowflake    = regexp.MustCompile(`^[0-9]{1,20}$`)
	telegramChat = regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$`)
	publicKey    = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
)

// Validate checks the values, returning every problem found.
func (c Config) Validate() Errors {
	var errs Errors
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Key: Prefix + "_" + key, Problem: fmt.Sprintf(format, args...)})
	}
	if len(c.Feeds) == 0 {
		bad("FEEDS", "names no feed: give one or more feed URLs, comma-separated, e.g. HERALD_FEEDS=https://example.com/rss.xml, or a file of them in HERALD_FEEDS_FILE")
	}
	for _, f := range c.Feeds {
		if !isHTTPURL(f) {
			bad("FEEDS", "%q is not an http(s) URL", f)
		}
	}
	switch {
	case c.Database == "":
		bad("DATABASE", "is empty: give a SQLite file path such as herald.db")
	case IsPostgres(c.Database):
		if u, err := url.Parse(c.Database); err != nil || u.Host == "" && u.Query().Get("host") == "" {
			bad("DATABASE", "is not a PostgreSQL URL: want postgres://user:password@host:5432/database")
		}
	case strings.Contains(c.Database, "://"):
		bad("DATABASE", "%q: want a SQLite file path such as herald.db", c.Database)
	}
	if c.PollInterval != 0 && c.PollInterval < time.Second {
		bad("POLL_INTERVAL", "%s is too short: use at least 1s (2m is kind to publishers), or unset it to adapt to each feed's rate", c.PollInterval)
	}
	if c.PollMin < time.Second {
		bad("POLL_MIN", "%s is too short: use at least 1s (1m is kind to publishers)", c.PollMin)
	}
	if c.PollMax < time.Second {
		bad("POLL_MAX", "%s is too short: use at least 1s (1h fetches a quiet feed 24 times a day)", c.PollMax)
	}
	if c.PollMin >= time.Second && c.PollMax >= time.Second && c.PollMin > c.PollMax {
		bad("POLL_MIN", "%s is longer than HERALD_POLL_MAX (%s): the shortest time between fetches must not exceed the longest", c.PollMin, c.PollMax)
	}
	if c.FeedTimeout < time.Second/10 {
		bad("FEED_TIMEOUT", "%s is too short: use at least 100ms (30s suits slow publishers)", c.FeedTimeout)
	}
	if c.Backlog < 0 {
		bad("BACKLOG", "%d is negative: use 0 or more", c.Backlog)
	}
	if c.MaxFollows < 1 {
		bad("MAX_FOLLOWS", "%d is too few: use 1 or more", c.MaxFollows)
	}
	if c.DiscordGuildID != "" && !snowflake.MatchString(c.DiscordGuildID) {
		bad("DISCORD_GUILD_ID", "%q is not a Discord server ID (digits only; right-click the server, Copy Server ID)", c.DiscordGuildID)
	}
	for _, ch := range c.DiscordChannels {
		if !snowflake.MatchString(ch) {
			bad("DISCORD_CHANNELS", "%q is not a Discord channel ID (digits only; enable Developer Mode, right-click the channel, Copy Channel ID)", ch)
		}
	}
	if len(c.DiscordChannels) > 0 && c.DiscordToken == "" {
		bad("DISCORD_TOKEN", "is empty, but HERALD_DISCORD_CHANNELS names channels: give the bot token")
	}
	if c.PublicURL != "" {
		switch {
		case !isHTTPURL(c.PublicURL):
			bad("PUBLIC_URL", "%q is not an http(s) URL", c.PublicURL)
		case c.HTTPAddr == "":
			bad("PUBLIC_URL", "needs HERALD_HTTP_ADDR, where the hubs' callbacks are served")
		}
	}
	if c.DiscordPublicKey != "" {
		switch {
		case !publicKey.MatchString(c.DiscordPublicKey):
			bad("DISCORD_PUBLIC_KEY", "is not a public key: want the 64 hexadecimal digits the Developer Portal shows under General Information")
		case c.DiscordToken == "":
			bad("DISCORD_PUBLIC_KEY", "needs HERALD_DISCORD_TOKEN, the bot that answers the commands")
		case c.HTTPAddr == "":
			bad("DISCORD_PUBLIC_KEY", "needs HERALD_HTTP_ADDR, where the interactions endpoint is served")
		}
	}
	if c.TelegramWebhookURL != "" {
		u, err := url.Parse(c.TelegramWebhookURL)
		switch {
		case err != nil || u.Scheme != "https" || u.Host == "":
			bad("TELEGRAM_WEBHOOK_URL", "%q is not an https URL: Telegram delivers updates over HTTPS only", c.TelegramWebhookURL)
		case !slices.Contains([]string{"", "443", "80", "88", "8443"}, u.Port()):
			bad("TELEGRAM_WEBHOOK_URL", "port %s: Telegram delivers updates to ports 443, 80, 88 and 8443 only", u.Port())
		case c.TelegramToken == "":
			bad("TELEGRAM_WEBHOOK_URL", "needs HERALD_TELEGRAM_TOKEN, the bot whose updates arrive there")
		case c.HTTPAddr == "":
			bad("TELEGRAM_WEBHOOK_URL", "needs HERALD_HTTP_ADDR, where the webhook is served")
		}
	}
	if !isHTTPURL(c.DiscordAPIUrl) {
		bad("DISCORD_API_URL", "%q is not an http(s) URL", c.DiscordAPIUrl)
	}
	for _, ch := range c.TelegramChats {
		if !telegramChat.MatchString(ch) {
			bad("TELEGRAM_CHATS", "%q is not a Telegram chat: use a numeric chat ID (-1001234567890) or a @channelname", ch)
		}
	}
	if len(c.TelegramChats) > 0 && c.TelegramToken == "" {
		bad("TELEGRAM_TOKEN", "is empty, but HERALD_TELEGRAM_CHATS names chats: give the bot token")
	}
	if !isHTTPURL(c.TelegramAPIUrl) {
		bad("TELEGRAM_API_URL", "%q is not an http(s) URL", c.TelegramAPIUrl)
	}
	if _, ok := parseLevel(c.LogLevel); !ok {
		bad("LOG_LEVEL", "%q: want debug, info, warn or error", c.LogLevel)
	}
	switch strings.ToLower(c.LogFormat) {
	case "text", "json":
	default:
		bad("LOG_FORMAT", "%q: want text or json", c.LogFormat)
	}
	if c.EditWindow < 0 {
		bad("EDIT_WINDOW", "%s is negative: use 0 to turn edits off, or a Go duration such as 48h", c.EditWindow)
	}
	_, _, routeErrs := c.routes()
	return append(errs, routeErrs...)
}

// routes reads HERALD_TIMEZONE and HERALD_ROUTES, and checks the routes
// against the rest of the configuration.
func (c Config) routes() (*time.Location, []route.Rule, Errors) {
	var errs Errors
	bad := func(key, format string, args ...any) {
		errs = append(errs, &Error{Key: Prefix + "_" + key, Problem: fmt.Sprintf(format, args...)})
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		bad("TIMEZONE", "%q is not a time zone: want an IANA name such as Europe/Berlin, America/New_York or UTC", c.Timezone)
		loc = time.UTC
	}
	rules, err := route.Parse(c.Routes, loc)
	if err != nil {
		// A ParseError names the variable itself.
		bad("ROUTES", "%s", strings.TrimPrefix(err.Error(), Prefix+"_ROUTES "))
		return loc, nil, errs
	}
	feeds := make(map[string]bool, len(c.Feeds))
	for _, f := range c.Feeds {
		feeds[f] = true
	}
	shorthand := map[herald.Target]string{}
	for _, ch := range c.DiscordChannels {
		shorthand[herald.Target{Platform: herald.Discord, Chat: ch}] = Prefix + "_DISCORD_CHANNELS"
	}
	for _, ch := range c.TelegramChats {
		shorthand[herald.Target{Platform: herald.Telegram, Chat: ch}] = Prefix + "_TELEGRAM_CHATS"
	}
	var discord, telegram bool
	for _, r := range rules {
		for _, f := range r.Filter.Feeds {
			if !feeds[f] {
				bad("ROUTES", "entry %d (%s): feeds= names %s, which HERALD_FEEDS does not list: add it there, or write it as HERALD_FEEDS does", r.Entry, r.Target, f)
			}
		}
		if key, ok := shorthand[r.Target]; ok {
			bad("ROUTES", "entry %d routes %s, which %s also lists: list it in one place (HERALD_ROUTES, to filter or schedule its posts)", r.Entry, r.Target, key)
		}
		discord = discord || r.Target.Platform == herald.Discord
		telegram = telegram || r.Target.Platform == herald.Telegram
	}
	if discord && c.DiscordToken == "" {
		bad("DISCORD_TOKEN", "is empty, but HERALD_ROUTES routes to Discord channels: give the bot token")
	}
	if telegram && c.TelegramToken == "" {
		bad("TELEGRAM_TOKEN", "is empty, but HERALD_ROUTES routes to Telegram chats: give the bot token")
	}
	return loc, rules, errs
}

// IsPostgres reports whether database, a HERALD_DATABASE value, names a
// PostgreSQL database rather than a SQLite file.
func IsPostgres(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// Redacted returns database, a HERALD_DATABASE value, fit for a log: the
// password of a PostgreSQL URL, in its user part or its query, is
// replaced by xxxxx.
func Redacted(database string) string {
	if !IsPostgres(database) {
		return database
	}
	u, err := url.Parse(database)
	if err != nil {
		return "postgres://(not a URL)"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Polling is how often feeds are fetched. With HERALD_POLL_INTERVAL set,
// interval is it and policy is zero: every feed is fetched every interval.
// Unset, interval is zero and policy adapts each feed's period to its
// publishing rate within [HERALD_POLL_MIN, HERALD_POLL_MAX]. They are
// poll.Watcher's Interval and Policy.
func (c Config) Polling() (interval time.Duration, policy schedule.PollPolicy) {
	if c.PollInterval > 0 {
		return c.PollInterval, schedule.PollPolicy{}
	}
	return 0, schedule.PollPolicy{Min: c.PollMin, Max: c.PollMax}
}

// PollEvery is the shortest time between two fetches of a feed:
// HERALD_POLL_INTERVAL when set, HERALD_POLL_MIN otherwise.
func (c Config) PollEvery() time.Duration {
	if c.PollInterval > 0 {
		return c.PollInterval
	}
	return c.PollMin
}

// PollSummary says how often feeds are fetched, for logs and reports:
// "1m0s" when HERALD_POLL_INTERVAL pins it, "1m0s to 1h0m0s, as each feed
// publishes" otherwise.
func (c Config) PollSummary() string {
	if c.PollInterval > 0 {
		return c.PollInterval.String()
	}
	return c.PollMin.String() + " to " + c.PollMax.String() + ", as each feed publishes"
}

// Location is the time zone HERALD_TIMEZONE names, in which digest times
// and quiet hours are read; UTC when it names none.
func (c Config) Location() *time.Location {
	if c.loc != nil {
		return c.loc
	}
	if loc, err := time.LoadLocation(c.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// Rules lists every route, in order: the chats of
// HERALD_DISCORD_CHANNELS and HERALD_TELEGRAM_CHATS as rules that take
// every article (Entry 0, a plan that only sets the Location), then those
// of HERALD_ROUTES. Chats of a platform without a token are left out;
// when no platform has one, the console takes every article instead.
func (c Config) Rules() []route.Rule {
	loc := c.Location()
	rules := c.rules
	if rules == nil && c.Routes != "" {
		// A Config that Load did not make.
		rules, _ = route.Parse(c.Routes, loc)
	}
	var out []route.Rule
	every := func(p herald.Platform, chat string) {
		out = append(out, route.Rule{Target: herald.Target{Platform: p, Chat: chat}, Plan: schedule.Plan{Location: loc}})
	}
	if c.DiscordToken != "" {
		for _, ch := range c.DiscordChannels {
			every(herald.Discord, ch)
		}
	}
	if c.TelegramToken != "" {
		for _, ch := range c.TelegramChats {
			every(herald.Telegram, ch)
		}
	}
	if c.DiscordToken == "" && c.TelegramToken == "" {
		every(herald.Console, "stdout")
	}
	for _, r := range rules {
		if (r.Target.Platform == herald.Discord && c.DiscordToken != "") ||
			(r.Target.Platform == herald.Telegram && c.TelegramToken != "") {
			out = append(out, r)
		}
	}
	return out
}

// Targets lists the targets of every rule (see Rules), in order.
func (c Config) Targets() []herald.Target {
	rules := c.Rules()
	ts := make([]herald.Target, len(rules))
	for i, r := range rules {
		ts[i] = r.Target
	}
	return ts
}

// Warnings are things that work but are probably not what the admin meant.
func (c Config) Warnings() []string {
	var ws []string
	// With commands on, a bot without channels still delivers what
	// readers follow.
	routed := map[herald.Platform]bool{}
	for _, t := range c.Targets() {
		routed[t.Platform] = true
	}
	if c.DiscordToken != "" && !routed[herald.Discord] && !c.Commands {
		ws = append(ws, "HERALD_DISCORD_TOKEN is set but neither HERALD_DISCORD_CHANNELS nor HERALD_ROUTES names a channel and HERALD_COMMANDS is false: nothing will be posted to Discord")
	}
	if c.TelegramToken != "" && !routed[herald.Telegram] && !c.Commands {
		ws = append(ws, "HERALD_TELEGRAM_TOKEN is set but neither HERALD_TELEGRAM_CHATS nor HERALD_ROUTES names a chat and HERALD_COMMANDS is false: nothing will be posted to Telegram")
	}
	for _, k := range Unknown() {
		ws = append(ws, k+" is not a Herald variable (see `herald env`); it is ignored")
	}
	return ws
}

// Level is the log level HERALD_LOG_LEVEL names; info when it names none.
func (c Config) Level() slog.Level {
	lv, _ := parseLevel(c.LogLevel)
	return lv
}

func parseLevel(s string) (slog.Level, bool) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, true
	case "info":
		return slog.LevelInfo, true
	case "warn", "warning":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return slog.LevelInfo, false
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
