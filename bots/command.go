package bots

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/formatter"
)

// The commands readers can give.
const (
	Follow    = "follow"
	Unfollow  = "unfollow"
	Following = "following"
	Topics    = "topics"
	Search    = "search"
	Latest    = "latest"
	Help      = "help"
	// Why is for admins only, and not in the readers' menus.
	Why = "why"
)

// Command describes one command for the platforms' command menus.
type Command struct {
	Name        string
	Description string
	// Argument names what the command takes, or "" for nothing.
	Argument string
	// Required is true when the command needs its argument.
	Required bool
}

// Commands lists the commands in the order menus show them.
var Commands = []Command{
	{Follow, "Get new articles about a topic", "topic", true},
	{Unfollow, "Stop getting articles about a topic", "topic", true},
	{Following, "List the topics you follow", "", false},
	{Topics, "The topics articles are filed under", "", false},
	{Search, "Search the articles", "query", true},
	{Latest, "The newest articles, optionally about a topic", "topic", false},
	{Help, "What this bot does and how to use it", "", false},
}

// Request is one command as a platform received it.
type Request struct {
	// Command is one of the command names; anything else is answered with
	// help.
	Command string
	// Args is the text after the command: a topic or a query.
	Args string
	// User identifies the caller on the platform ("discord:123",
	// "telegram:456"). Rate limits count per User.
	User string
	// Personal is where the caller's own follows deliver: their private
	// chat or direct messages. Its paused follows are resumed, with a
	// notice, when the caller gives any command.
	Personal herald.Target
	// Subscriber is whose follows follow, unfollow and following change
	// or list: Personal, a group, or a channel.
	Subscriber herald.Target
	// Where says where Subscriber's posts arrive, for the replies: "in
	// your direct messages", "in this group", "in #news".
	Where string
	// Denied, when not empty, refuses follow and unfollow with this
	// explanation: the caller may not change Subscriber's follows.
	Denied string
	// Admin says the caller administers where they asked, checked by
	// the platform on this call: only admins may ask why.
	Admin bool
}

// Options tune a Handler. Zero values take the defaults.
type Options struct {
	// MaxFollows is the most follows one subscriber may have (default
	// 50).
	MaxFollows int
	// Rate is how many commands a user may give per minute, after a
	// burst of Burst (defaults 20 and 5).
	Rate  float64
	Burst int
	// Results is how many articles search and latest show (default 5).
	Results int
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// Why tells what happened to the article ref names on each target:
	// its headline and one line per target, or an error wrapping
	// herald.ErrNotFound. Nil turns the why command off.
	Why func(ctx context.Context, ref string) (headline string, lines []string, err error)
	// Configured says what the environment (HERALD_ROUTES, or the
	// channels and chats that get everything) sends to a target, and
	// whether it configures the target at all. The environment wins over
	// follows made in the chat: follow and unfollow there are refused
	// with this explanation. Nil configures nothing.
	Configured func(herald.Target) (route string, ok bool)
}

// Defaults for Options.
const (
	DefaultMaxFollows = 50
	DefaultRate       = 20
	DefaultBurst      = 5
	DefaultResults    = 5
)

// Handler answers readers' commands from every platform.
type Handler struct {
	store   herald.Store
	log     *slog.Logger
	opts    Options
	limiter *limiter
}

// NewHandler returns a Handler that keeps follows in store.
func NewHandler(store herald.Store, log *slog.Logger, opts Options) *Handler {
	if opts.MaxFollows <= 0 {
		opts.MaxFollows = DefaultMaxFollows
	}
	if opts.Rate <= 0 {
		opts.Rate = DefaultRate
	}
	if opts.Burst <= 0 {
		opts.Burst = DefaultBurst
	}
	if opts.Results <= 0 {
		opts.Results = DefaultResults
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Handler{store: store, log: log, opts: opts, limiter: newLimiter(opts.Rate/60, opts.Burst, opts.Now)}
}

// Handle answers one command. It never fails: a store error is logged and
// answered with an apology.
func (h *Handler) Handle(ctx context.Context, r Request) formatter.Reply {
	if !h.limiter.allow(r.User) {
		return formatter.Reply{Text: "You are sending commands faster than I can answer. Please wait a few seconds and try again."}
	}
	notice := h.resume(ctx, r.Personal)
	reply, err := h.answer(ctx, r)
	if err != nil {
		h.log.Error("command failed", "command", r.Command, "user", r.User, "err", err)
		reply = formatter.Reply{Text: "Sorry, something went wrong on my side. Please try again in a minute."}
	}
	reply.Notice = notice
	return reply
}

// resume lets the caller's paused follows deliver again and returns the
// notice that tells them so, or "" when they were not paused.
func (h *Handler) resume(ctx context.Context, personal herald.Target) string {
	if personal.Chat == "" {
		return ""
	}
	reason, err := h.store.Paused(ctx, personal)
	if err != nil || reason == "" {
		return ""
	}
	if err := h.store.Resume(ctx, personal); err != nil {
		h.log.Error("resume follows", "target", personal.String(), "err", err)
		return ""
	}
	return "Your follows were paused because I could not send you a message (" + reason +
		"). They are on again; if messages still cannot reach you, check that you accept direct messages from me."
}

func (h *Handler) answer(ctx context.Context, r Request) (formatter.Reply, error) {
	switch r.Command {
	case Follow:
		return h.follow(ctx, r)
	case Unfollow:
		return h.unfollow(ctx, r)
	case Following:
		return h.following(ctx, r)
	case Topics:
		return h.topics(ctx)
	case Search:
		return h.search(ctx, r)
	case Latest:
		return h.latest(ctx, r)
	case Help:
		return formatter.Reply{Text: helpText}, nil
	case Why:
		if h.opts.Why != nil {
			return h.why(ctx, r)
		}
	}
	return formatter.Reply{Text: "I do not know that command.\n\n" + helpText}, nil
}

const helpText = "I post new articles here and can send you the ones you care about.\n" +
	"/follow <topic> — get new articles about a topic: a section such as World, or any word or phrase\n" +
	"/unfollow <topic> — stop getting them\n" +
	"/following — the topics you follow\n" +
	"/topics — the topics articles are filed under\n" +
	"/search <words> — find articles\n" +
	"/latest [topic] — the newest articles\n" +
	"Every post also has a button to follow its topic."

func (h *Handler) follow(ctx context.Context, r Request) (formatter.Reply, error) {
	topic, problem := topicArg(r, "follow")
	if problem != "" {
		return formatter.Reply{Text: problem}, nil
	}
	if r.Denied != "" {
		return formatter.Reply{Text: r.Denied}, nil
	}
	if text, ok := h.configured(r); ok {
		return formatter.Reply{Text: text}, nil
	}
	added, err := h.store.AddFollow(ctx, herald.Follow{
		Target: r.Subscriber, Topic: topic, By: r.User, Created: h.opts.Now(),
	}, h.opts.MaxFollows)
	switch {
	case errors.Is(err, herald.ErrTooManyFollows):
		return formatter.Reply{Text: fmt.Sprintf("That would be more than %d follows, the most allowed. /unfollow one first.", h.opts.MaxFollows)}, nil
	case err != nil:
		return formatter.Reply{}, fmt.Errorf("add follow: %w", err)
	case !added:
		return formatter.Reply{Text: fmt.Sprintf("Already following “%s”: new articles about it arrive %s.", topic, r.Where)}, nil
	}
	text := fmt.Sprintf("Following “%s”: new articles about it will arrive %s.", topic, r.Where)
	if seen, err := h.store.Latest(ctx, topic, 1); err == nil && len(seen) == 0 {
		text += " No article has been about it yet; I will watch for it."
	}
	return formatter.Reply{Text: text}, nil
}

func (h *Handler) unfollow(ctx context.Context, r Request) (formatter.Reply, error) {
	topic, problem := topicArg(r, "unfollow")
	if problem != "" {
		return formatter.Reply{Text: problem}, nil
	}
	if r.Denied != "" {
		return formatter.Reply{Text: r.Denied}, nil
	}
	if text, ok := h.configured(r); ok {
		return formatter.Reply{Text: text}, nil
	}
	removed, err := h.store.RemoveFollow(ctx, r.Subscriber, topic)
	if err != nil {
		return formatter.Reply{}, fmt.Errorf("remove follow: %w", err)
	}
	if !removed {
		return formatter.Reply{Text: fmt.Sprintf("“%s” is not followed here. /following lists what is.", topic)}, nil
	}
	return formatter.Reply{Text: fmt.Sprintf("Stopped following “%s”.", topic)}, nil
}

// configured returns the reply that refuses to change the follows of a
// target the environment configures, and whether it does.
func (h *Handler) configured(r Request) (string, bool) {
	if h.opts.Configured == nil {
		return "", false
	}
	route, ok := h.opts.Configured(r.Subscriber)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("What arrives %s is set by the bot's configuration, which wins over follows made here: %s. Ask the bot's operator to change it.", r.Where, route), true
}

// topicArg returns the command's topic, cleaned, or the reply that says
// what is wrong with it.
func topicArg(r Request, command string) (topic, problem string) {
	topic = herald.CleanTopic(r.Args)
	switch {
	case topic == "":
		return "", fmt.Sprintf("Which topic? For example: /%s world — /topics lists the known topics.", command)
	case herald.TopicKey(topic) == "":
		return "", "A topic needs letters or digits."
	}
	return topic, ""
}

func (h *Handler) following(ctx context.Context, r Request) (formatter.Reply, error) {
	follows, err := h.store.Follows(ctx, r.Subscriber)
	if err != nil {
		return formatter.Reply{}, fmt.Errorf("list follows: %w", err)
	}
	if text, ok := h.configured(r); ok {
		return formatter.Reply{Text: text}, nil
	}
	if len(follows) == 0 {
		return formatter.Reply{Text: "Nothing is followed here yet. Try /follow world, or /topics to see what there is."}, nil
	}
	list := make([]string, len(follows))
	for i, f := range follows {
		list[i] = f.Topic
	}
	return formatter.Reply{Text: fmt.Sprintf("Followed here (%d of at most %d), delivered %s:", len(follows), h.opts.MaxFollows, r.Where), List: list}, nil
}

func (h *Handler) topics(ctx context.Context) (formatter.Reply, error) {
	topics, err := h.store.Topics(ctx, "", formatter.ReplyListMax)
	if err != nil {
		return formatter.Reply{}, fmt.Errorf("list topics: %w", err)
	}
	if len(topics) == 0 {
		return formatter.Reply{Text: "No topics yet: no article has arrived. You can still /follow any word."}, nil
	}
	return formatter.Reply{Text: "Topics, the most articles first (you can also /follow any word or phrase):", Topics: topics}, nil
}

// maxQuery bounds the query a search passes on; the store caps it further.
const maxQuery = 1000

func (h *Handler) search(ctx context.Context, r Request) (formatter.Reply, error) {
	query := strings.Join(strings.Fields(r.Args), " ")
	if query == "" {
		return formatter.Reply{Text: "What should I look for? For example: /search climate summit"}, nil
	}
	if len(query) > maxQuery {
		query = strings.ToValidUTF8(query[:maxQuery], "")
	}
	found, err := h.store.Search(ctx, query, h.opts.Results)
	if err != nil {
		return formatter.Reply{}, fmt.Errorf("search: %w", err)
	}
	shown := formatter.Truncate(query, 100)
	if len(found) == 0 {
		return formatter.Reply{Text: fmt.Sprintf("Nothing found for “%s”.", shown)}, nil
	}
	return formatter.Reply{Text: fmt.Sprintf("Best matches for “%s”:", shown), Articles: found}, nil
}

func (h *Handler) latest(ctx context.Context, r Request) (formatter.Reply, error) {
	topic := herald.CleanTopic(r.Args)
	if topic != "" && herald.TopicKey(topic) == "" {
		return formatter.Reply{Text: "A topic needs letters or digits."}, nil
	}
	found, err := h.store.Latest(ctx, topic, h.opts.Results)
	if err != nil {
		return formatter.Reply{}, fmt.Errorf("latest: %w", err)
	}
	switch {
	case len(found) == 0 && topic == "":
		return formatter.Reply{Text: "No articles yet."}, nil
	case len(found) == 0:
		return formatter.Reply{Text: fmt.Sprintf("No articles about “%s” yet.", topic)}, nil
	case topic == "":
		return formatter.Reply{Text: "The newest articles:", Articles: found}, nil
	}
	return formatter.Reply{Text: fmt.Sprintf("The newest articles about “%s”:", topic), Articles: found}, nil
}

func (h *Handler) why(ctx context.Context, r Request) (formatter.Reply, error) {
	if !r.Admin {
		return formatter.Reply{Text: "Only admins can ask why: server moderators (Manage Channels) on Discord, a group's or channel's admins on Telegram, where they administer."}, nil
	}
	ref := strings.TrimSpace(r.Args)
	if ref == "" {
		return formatter.Reply{Text: "Which article? /why followed by its link."}, nil
	}
	if len(ref) > maxQuery {
		ref = strings.ToValidUTF8(ref[:maxQuery], "")
	}
	headline, lines, err := h.opts.Why(ctx, ref)
	switch {
	case errors.Is(err, herald.ErrNotFound):
		return formatter.Reply{Text: "No article with that link has been seen."}, nil
	case err != nil:
		return formatter.Reply{}, fmt.Errorf("why: %w", err)
	case len(lines) == 0:
		return formatter.Reply{Text: fmt.Sprintf("“%s” went nowhere: no target is configured, and no follow matched it.", headline)}, nil
	}
	return formatter.Reply{Text: fmt.Sprintf("What happened to “%s”:", headline), List: lines}, nil
}

// MaxChoices is the most suggestions Complete returns, Discord's limit.
const MaxChoices = 25

// Complete suggests topics for the command's topic argument from what
// the caller typed so far: the known topics for follow and latest, the
// subscriber's follows for unfollow. It is not rate limited, because
// platforms ask on every key press.
func (h *Handler) Complete(ctx context.Context, r Request) []string {
	prefix := herald.TopicKey(r.Args)
	var out []string
	switch r.Command {
	case Follow, Latest:
		topics, err := h.store.Topics(ctx, prefix, MaxChoices)
		if err != nil {
			h.log.Warn("complete topics", "err", err)
			return nil
		}
		for _, t := range topics {
			out = append(out, t.Name)
		}
	case Unfollow:
		follows, err := h.store.Follows(ctx, r.Subscriber)
		if err != nil {
			h.log.Warn("complete follows", "err", err)
			return nil
		}
		for _, f := range follows {
			if strings.HasPrefix(herald.TopicKey(f.Topic), prefix) && len(out) < MaxChoices {
				out = append(out, f.Topic)
			}
		}
	}
	return out
}
