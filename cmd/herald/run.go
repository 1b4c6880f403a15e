package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/bots"
	"github.com/heraldhq/herald/bots/console"
	"github.com/heraldhq/herald/bots/discord"
	"github.com/heraldhq/herald/bots/telegram"
	"github.com/heraldhq/herald/config"
	"github.com/heraldhq/herald/dispatch"
	"github.com/heraldhq/herald/feed"
	"github.com/heraldhq/herald/metrics"
	"github.com/heraldhq/herald/pages"
	"github.com/heraldhq/herald/poll"
	"github.com/heraldhq/herald/route"
	"github.com/heraldhq/herald/schedule"
	"github.com/heraldhq/herald/websub"
)

// run watches the feeds and delivers new articles until ctx is cancelled.
// Posts are timed by clock.
func run(ctx context.Context, cfg config.Config, clock herald.Clock, stdout io.Writer, log *slog.Logger) error {
	st, rs, running, stop, err := runDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stop()
	parent := ctx
	ctx = running

	// The bots' requests outlive the signal by the dispatcher's grace
	// period, so a send in flight at SIGTERM can finish and be recorded.
	botCtx, cancelBots := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelBots()
	rules := cfg.Rules()
	byTarget := make(map[herald.Target]route.Rule, len(rules))
	for _, r := range rules {
		byTarget[r.Target] = r
	}
	var handler *bots.Handler
	if cfg.Commands {
		handler = bots.NewHandler(st, log, bots.Options{MaxFollows: cfg.MaxFollows, Why: whyReplier(cfg, st),
			Configured: func(t herald.Target) (string, bool) {
				r, ok := byTarget[t]
				return r.Describe(), ok
			}})
	}
	started := time.Now()
	au := newAuth(log, time.Now)
	ps, err := platforms(botCtx, cfg, st, handler, au, stdout, log)
	if err != nil {
		return err
	}
	defer ps.close()
	senders := ps.senders
	var configured []herald.Platform
	for p := range senders {
		configured = append(configured, p)
	}
	reg := metrics.New(metrics.Options{Outbox: st, Platforms: configured, Log: log})
	for p, s := range senders {
		senders[p] = au.sender(p, reg.Sender(p, s))
	}
	feeds := newFeedHealth(cfg.Feeds, started, cfg.PollEvery()+cfg.FeedTimeout, rs.Owns)

	targets := cfg.Targets()
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.String()
	}
	log.Info("herald started", "version", version(), "feeds", len(cfg.Feeds), "targets", names,
		"database", config.Redacted(cfg.Database), "poll", cfg.PollSummary(), "backlog", cfg.Backlog)
	if paused, err := st.PausedTargets(ctx); err == nil {
		for _, t := range targets {
			if reason, ok := paused[t]; ok {
				log.Warn("a configured target is paused and gets no posts; fix the cause, then run `herald resume "+t.String()+"`",
					"target", t.String(), "reason", reason)
			}
		}
	}
	for _, r := range rules {
		if r.Entry > 0 {
			log.Info("route", "entry", r.Entry, "route", r.Describe())
		}
	}
	if follows, err := st.ActiveFollows(ctx); err == nil {
		for t, n := range route.Overridden(rules, follows) {
			log.Warn("the environment configures this target, and wins over the follows made in its chat: they are ignored",
				"target", t.String(), "follows", n)
		}
	}
	if len(senders) == 1 && senders[herald.Console] != nil {
		log.Info("no bot token configured: posts are printed to standard output (set HERALD_DISCORD_TOKEN or HERALD_TELEGRAM_TOKEN to post)")
	}

	interval, policy := cfg.Polling()
	busy := map[herald.Platform]int{}
	if cfg.TelegramPaidBroadcast {
		// A thousand messages a second, each a round trip of up to a
		// second: that many lanes at work keep the paid ceiling busy.
		busy[herald.Telegram] = 1000
	}
	// Each platform's sends, and the commands it receives, are a role:
	// replicas sharing a database send through one bot token from one
	// process at a time, so its rate limits hold for all, and each chat's
	// posts keep their order.
	sending := make(dispatchers, len(senders))
	for p := range senders {
		sending[p] = new(atomic.Pointer[dispatch.Dispatcher])
	}
	notify := sending.Notify
	configuredPlatform := func(p herald.Platform) bool { _, ok := senders[p]; return ok }
	w := &poll.Watcher{
		Feeds:       cfg.Feeds,
		Interval:    interval,
		Policy:      policy,
		Backlog:     cfg.Backlog,
		Rules:       rules,
		Retractions: cfg.DeleteRetracted,
		Store:       feeds.store(reg.Store(st)),
		Fetcher:     feed.NewFetcher(userAgent(), cfg.FeedTimeout, 0),
		Log:         log,
		Notify:      notify,
		Owns:        rs.Owns,
		Pages:       pages.New(feed.NewFetcher(userAgent(), cfg.FeedTimeout, 5<<20), pages.Options{Log: log}),
	}

	var wg sync.WaitGroup
	var hub *websub.Subscriber
	if cfg.PublicURL != "" {
		hub, err = websub.New(st.Subscriptions(), log, websub.Options{PublicURL: cfg.PublicURL, UserAgent: userAgent(),
			OnContent: w.Push, OnChange: w.HubChanged})
		if err != nil {
			return err
		}
		w.Hub = hub
		reg.WebSub(hub.Stats)
		wg.Go(func() { holdRole(ctx, rs, "websub", log, func(ctx context.Context) { hub.Run(ctx) }) })
		log.Info("websub: feeds with a hub are pushed", "callbacks", strings.TrimSuffix(cfg.PublicURL, "/")+websub.DefaultPath)
	}
	for _, group := range roleGroups(rs, senders) {
		wg.Go(func() {
			holdRole(ctx, rs, group.role, log, func(ctx context.Context) {
				if _, alone := rs.(sole); !alone {
					// Another replica may have sent through the tokens
					// until a moment ago.
					for p := range group.senders {
						if takeOver := ps.takeOver[p]; takeOver != nil {
							takeOver(time.Now())
						}
					}
				}
				d := dispatch.New(st, group.senders, log, dispatch.Options{
					Clock:         clock,
					Plan:          planner(ctx, st, byTarget, cfg.Location(), log),
					EditWindow:    cfg.EditWindow,
					Busy:          busy,
					SentElsewhere: configuredPlatform,
				})
				for p := range group.senders {
					sending[p].Store(d)
				}
				var roleWG sync.WaitGroup
				for p := range group.senders {
					if in := ps.intake[p]; in != nil {
						roleWG.Go(func() { in(ctx) })
					}
				}
				d.Run(ctx)
				roleWG.Wait()
			})
		})
	}
	if listener, ok := st.(interface {
		Listen(context.Context, *slog.Logger, func()) error
	}); ok {
		// Deliveries recorded by another replica wake this one's lanes.
		wg.Go(func() { listener.Listen(ctx, log, notify) })
	}
	wg.Go(func() { w.Run(ctx) })
	if cfg.HTTPAddr != "" {
		ready := &readiness{store: st, auth: au, feeds: feeds, now: time.Now}
		wg.Go(func() { au.run(ctx, min(cfg.PollEvery(), time.Minute)) })
		routes := ps.routes
		if hub != nil {
			routes[websub.DefaultPath] = hub
		}
		wg.Go(func() { serveHTTP(ctx, cfg.HTTPAddr, log, ready, reg.Handler(), routes) })
	}
	wg.Wait()
	if parent.Err() == nil && ctx.Err() != nil {
		return fmt.Errorf("stopped: %w", context.Cause(ctx))
	}
	log.Info("herald stopped cleanly")
	return nil
}

// roleGroup is a role and the platforms whose sends and intake it runs.
type roleGroup struct {
	role    string
	senders map[herald.Platform]dispatch.Sender
}

// roleGroups groups the platforms into roles: one role per platform for
// replicas, so that each platform's token has one sender and the roles
// spread; one role for them all in a process that runs alone, whose one
// dispatcher then starts each fan-out's lanes in one order.
func roleGroups(rs roles, senders map[herald.Platform]dispatch.Sender) []roleGroup {
	if _, alone := rs.(sole); alone {
		return []roleGroup{{role: "platforms", senders: senders}}
	}
	var groups []roleGroup
	for p, s := range senders {
		groups = append(groups, roleGroup{role: string(p), senders: map[herald.Platform]dispatch.Sender{p: s}})
	}
	return groups
}

// dispatchers holds the dispatcher that sends for each platform while it
// runs: one for every platform in a process that runs alone, one per
// platform among replicas.
type dispatchers map[herald.Platform]*atomic.Pointer[dispatch.Dispatcher]

// Notify wakes each running dispatcher once, however many platforms it
// sends for: a second wake would have it list the whole outbox again
// while a fan-out starts.
func (ds dispatchers) Notify() {
	var woken []*dispatch.Dispatcher
	for _, p := range ds {
		if d := p.Load(); d != nil && !slices.Contains(woken, d) {
			woken = append(woken, d)
			d.Notify()
		}
	}
}

// platformSet is what platforms builds.
type platformSet struct {
	// senders post to each configured platform.
	senders map[herald.Platform]dispatch.Sender
	// intake receives a platform's events while this process holds the
	// platform's role, until its context ends: the Discord gateway,
	// getUpdates, the registration of webhooks and commands.
	intake map[herald.Platform]func(context.Context)
	// routes are the HTTP endpoints at which the platforms push events to
	// any replica, by path.
	routes map[string]http.Handler
	// takeOver paces a platform's bot as if another process had used its
	// token's limits until the time given (see telegram.Bot.TakeOver).
	takeOver map[herald.Platform]func(time.Time)
	// close closes the bots.
	close func()
}

// platforms builds a sender per configured platform, or the console outlet
// when none is configured, and what receives each platform's events. It
// tells au what each platform's identity check said, and how to check it
// again. On error nothing is left open.
func platforms(ctx context.Context, cfg config.Config, st herald.Store, handler *bots.Handler,
	au *auth, stdout io.Writer, log *slog.Logger) (_ *platformSet, err error) {
	senders := map[herald.Platform]dispatch.Sender{}
	intake := map[herald.Platform]func(context.Context){}
	routes := map[string]http.Handler{}
	takeOver := map[herald.Platform]func(time.Time){}
	var closers []func()
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	if cfg.DiscordToken != "" {
		bot, err := discord.New(discord.Options{Token: cfg.DiscordToken, APIURL: cfg.DiscordAPIUrl, Log: log})
		if err != nil {
			return nil, err
		}
		me, err := bot.Me(ctx)
		switch {
		case discord.IsUnauthorized(err):
			return nil, err
		case err != nil:
			log.Warn("discord unreachable at start; posts wait and are retried", "err", err)
		default:
			log.Info("discord bot ready", "username", me.Username)
		}
		au.add(herald.Discord, func(ctx context.Context) error { _, err := bot.Me(ctx); return err }, err)
		senders[herald.Discord] = bot
		takeOver[herald.Discord] = bot.TakeOver
		var register func(context.Context)
		switch {
		case handler != nil && cfg.DiscordPublicKey != "":
			key, err := discord.ParsePublicKey(cfg.DiscordPublicKey)
			if err != nil {
				return nil, fmt.Errorf("HERALD_DISCORD_PUBLIC_KEY: %w", err)
			}
			routes[discord.InteractionsPath] = bot.InteractionsHandler(handler, key)
			register = func(ctx context.Context) {
				retry(ctx, log, "discord: register the slash commands", func(ctx context.Context) error {
					return bot.RegisterCommands(ctx, cfg.DiscordGuildID)
				})
			}
		case handler != nil:
			bot.EnableCommands(handler, cfg.DiscordGuildID)
		}
		// The gateway is not needed to post; it runs beside the sends so a
		// slow gateway never delays the first post.
		intake[herald.Discord] = func(ctx context.Context) {
			if register != nil {
				go register(ctx)
			}
			if bot.Connect(ctx) == nil {
				<-ctx.Done()
				bot.Close()
			}
		}
	}
	if cfg.TelegramToken != "" {
		bot := telegram.New(ctx, telegram.Options{Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIUrl, Log: log,
			PaidBroadcast: cfg.TelegramPaidBroadcast})
		if cfg.TelegramPaidBroadcast {
			log.Warn("HERALD_TELEGRAM_PAID_BROADCAST is on: every Telegram post is a paid broadcast and costs Telegram Stars")
		}
		me, err := bot.Me(ctx)
		switch {
		case telegram.IsUnauthorized(err):
			return nil, err
		case err != nil:
			log.Warn("telegram unreachable at start; posts wait and are retried", "err", err)
		default:
			log.Info("telegram bot ready", "username", me.UserName)
		}
		// The bot keeps the identity it read first: a fresh client asks
		// Telegram again.
		opts := telegram.Options{Token: cfg.TelegramToken, APIURL: cfg.TelegramAPIUrl, Log: log}
		au.add(herald.Telegram, func(ctx context.Context) error { _, err := telegram.New(ctx, opts).Me(ctx); return err }, err)
		senders[herald.Telegram] = bot
		takeOver[herald.Telegram] = bot.TakeOver
		switch {
		case handler != nil && cfg.TelegramWebhookURL != "":
			secret := telegram.WebhookSecret(cfg.TelegramToken)
			wh := bot.Webhook(handler, secret)
			routes[telegram.WebhookPath] = wh
			closers = append(closers, wh.Wait)
			intake[herald.Telegram] = func(ctx context.Context) {
				retry(ctx, log, "telegram: set the webhook", func(ctx context.Context) error {
					return bot.SetWebhook(ctx, cfg.TelegramWebhookURL, secret)
				})
				<-ctx.Done()
			}
		case handler != nil:
			intake[herald.Telegram] = func(ctx context.Context) {
				if err := bot.Listen(ctx, handler, st); err != nil && ctx.Err() == nil {
					log.Error("telegram commands stopped", "err", err)
				}
			}
		}
	}
	if len(senders) == 0 {
		senders[herald.Console] = console.New(stdout)
	}
	return &platformSet{senders: senders, intake: intake, routes: routes, takeOver: takeOver, close: closeAll}, nil
}

// retryWait bounds the wait between two tries of retry.
const retryWait = time.Minute

// retry calls fn until it succeeds or ctx ends, waiting longer after each
// failure; what names it in the logs.
func retry(ctx context.Context, log *slog.Logger, what string, fn func(context.Context) error) {
	wait := time.Second
	for {
		err := fn(ctx)
		if err == nil || ctx.Err() != nil {
			return
		}
		log.Warn(what+" failed; trying again", "retry_in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, retryWait)
	}
}

// serveHTTP serves /healthz (the process is alive), /readyz (ready),
// /metrics and the routes (the endpoints WebSub hubs, Telegram and Discord
// push to) until ctx is cancelled. A port already in use is logged, not
// fatal: posting matters more than the health endpoint.
func serveHTTP(ctx context.Context, addr string, log *slog.Logger, ready, metricsHandler http.Handler, routes map[string]http.Handler) {
	mux := http.NewServeMux()
	for path, h := range routes {
		mux.Handle(path, h)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"status":"ok"}`)
	})
	mux.Handle("GET /readyz", ready)
	mux.Handle("GET /metrics", metricsHandler)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Error("health endpoint not started (set HERALD_HTTP_ADDR to another address, or empty to turn it off)", "addr", addr, "err", err)
		return
	}
	base := "http://" + ln.Addr().String()
	log.Info("health endpoint listening", "url", base+"/healthz")
	log.Info("readiness and metrics endpoints listening", "readyz", base+"/readyz", "metrics", base+"/metrics")
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("health endpoint stopped", "err", err)
	}
}

func userAgent() string {
	return "Herald/" + version() + " (+https://github.com/heraldhq/herald)"
}

// planner returns the plan of each target: its route's, or for a chat that
// moved, the route's of the chat it moved from; a target without a route
// (a follower) posts at once, in the configured time zone.
func planner(ctx context.Context, st herald.Store, rules map[herald.Target]route.Rule, loc *time.Location,
	log *slog.Logger) func(herald.Target) schedule.Plan {
	return func(t herald.Target) schedule.Plan {
		if r, ok := rules[t]; ok {
			return r.Plan
		}
		moves, err := st.Moves(ctx)
		if err != nil {
			log.Error("read moved chats", "err", err)
		}
		for from, to := range moves {
			if r, ok := rules[from]; ok && to == t {
				return r.Plan
			}
		}
		return schedule.Plan{Location: loc}
	}
}
