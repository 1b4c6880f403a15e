package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
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
	st, led, stop, err := runDatabase(ctx, cfg, log)
	if err != nil {
		if ctx.Err() != nil {
			// Stopped while waiting to lead.
			return nil
		}
		return err
	}
	defer stop()
	parent := ctx
	ctx = led

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
	senders, closeBots, err := platforms(botCtx, ctx, cfg, st, handler, au, stdout, log)
	if err != nil {
		return err
	}
	defer closeBots()
	var configured []herald.Platform
	for p := range senders {
		configured = append(configured, p)
	}
	reg := metrics.New(metrics.Options{Outbox: st, Platforms: configured, Log: log})
	for p, s := range senders {
		senders[p] = au.sender(p, reg.Sender(p, s))
	}
	feeds := newFeedHealth(cfg.Feeds, started, cfg.PollEvery()+cfg.FeedTimeout)

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
	d := dispatch.New(st, senders, log, dispatch.Options{
		Clock:      clock,
		Plan:       planner(ctx, st, byTarget, cfg.Location(), log),
		EditWindow: cfg.EditWindow,
		Busy:       busy,
	})
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
		Notify:      d.Notify,
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
		wg.Add(1)
		go func() { defer wg.Done(); hub.Run(ctx) }()
		log.Info("websub: feeds with a hub are pushed", "callbacks", strings.TrimSuffix(cfg.PublicURL, "/")+websub.DefaultPath)
	}
	wg.Add(2)
	go func() { defer wg.Done(); d.Run(ctx) }()
	go func() { defer wg.Done(); w.Run(ctx) }()
	if cfg.HTTPAddr != "" {
		ready := &readiness{store: st, auth: au, feeds: feeds, now: time.Now}
		wg.Add(2)
		go func() { defer wg.Done(); au.run(ctx, min(cfg.PollEvery(), time.Minute)) }()
		go func() { defer wg.Done(); serveHTTP(ctx, cfg.HTTPAddr, log, ready, reg.Handler(), hub) }()
	}
	wg.Wait()
	if parent.Err() == nil && ctx.Err() != nil {
		return fmt.Errorf("stopped: %w", context.Cause(ctx))
	}
	log.Info("herald stopped cleanly")
	return nil
}

// platforms builds a sender per configured platform, or the console outlet
// when none is configured, and with a handler answers readers' commands
// until listenCtx ends. It tells au what each platform's identity check
// said, and how to check it again. The caller calls the returned function
// to close them; on error nothing is left open.
func platforms(ctx, listenCtx context.Context, cfg config.Config, st herald.Store, handler *bots.Handler,
	au *auth, stdout io.Writer, log *slog.Logger) (_ map[herald.Platform]dispatch.Sender, _ func(), err error) {
	senders := map[herald.Platform]dispatch.Sender{}
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
			return nil, nil, err
		}
		me, err := bot.Me(ctx)
		switch {
		case discord.IsUnauthorized(err):
			return nil, nil, err
		case err != nil:
			log.Warn("discord unreachable at start; posts wait and are retried", "err", err)
		default:
			log.Info("discord bot ready", "username", me.Username)
		}
		au.add(herald.Discord, func(ctx context.Context) error { _, err := bot.Me(ctx); return err }, err)
		senders[herald.Discord] = bot
		if handler != nil {
			bot.EnableCommands(handler, cfg.DiscordGuildID)
		}
		// The gateway is not needed to post; open it in the background so
		// a slow gateway never delays the first post.
		gatewayCtx, stopGateway := context.WithCancel(ctx)
		opened := make(chan struct{})
		go func() {
			defer close(opened)
			bot.Connect(gatewayCtx)
		}()
		closers = append(closers, func() { stopGateway(); <-opened; bot.Close() })
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
			return nil, nil, err
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
		if handler != nil {
			listening := make(chan struct{})
			go func() {
				defer close(listening)
				if err := bot.Listen(listenCtx, handler, st); err != nil && listenCtx.Err() == nil {
					log.Error("telegram commands stopped", "err", err)
				}
			}()
			closers = append(closers, func() { <-listening })
		}
	}
	if len(senders) == 0 {
		senders[herald.Console] = console.New(stdout)
	}
	return senders, closeAll, nil
}

// serveHTTP serves /healthz (the process is alive), /readyz (ready) and
// /metrics until ctx is cancelled. A port already in use is logged, not
// fatal: posting matters more than the health endpoint.
func serveHTTP(ctx context.Context, addr string, log *slog.Logger, ready, metricsHandler http.Handler, hub *websub.Subscriber) {
	mux := http.NewServeMux()
	if hub != nil {
		mux.Handle(websub.DefaultPath, hub)
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
