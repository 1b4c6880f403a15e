// Package websub is a WebSub subscriber: it discovers the hub a feed
// advertises, subscribes to the feed there, answers the hub's verification
// of intent, checks the signature of the content the hub pushes and hands
// it on, and renews each subscription before its lease runs out.
//
// A Subscriber serves its callbacks as an http.Handler under a public base
// URL the hubs can reach; each subscription gets its own unguessable
// callback URL and its own secret. Subscriptions are kept in a Store; a
// MemoryStore forgets them at exit, so a daemon that wants them to outlive
// a restart gives the Subscriber a persistent Store.
package websub

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldhq/herald"
)

// Defaults for Options.
const (
	DefaultPath          = "/websub/"
	DefaultLease         = 10 * 24 * time.Hour
	DefaultVerifyTimeout = 15 * time.Minute
	DefaultRetry         = time.Hour
	DefaultMaxBody       = 10 << 20
	DefaultTimeout       = 30 * time.Second
	// MaxRedirects is how many redirects of a hub a request follows.
	MaxRedirects = 5
)

// renewPercent is how much of a lease passes before the subscription is
// renewed.
const renewPercent = 85

// ErrTooManyRedirects: the hub redirected more than MaxRedirects times.
var ErrTooManyRedirects = errors.New("too many redirects")

// HubError is a hub's refusal of a subscription request: an answer other
// than 202 Accepted or 204 No Content.
type HubError struct {
	Hub  string
	Code int
	// Body is the start of the hub's answer, which may say why.
	Body string
}

func (e *HubError) Error() string {
	msg := fmt.Sprintf("hub %s: HTTP %d %s", e.Hub, e.Code, http.StatusText(e.Code))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Options configure a Subscriber.
type Options struct {
	// PublicURL is the base URL at which the hubs reach the Subscriber's
	// handler, such as "https://herald.example.org". Required.
	PublicURL string
	// Path is the path under PublicURL the callbacks are served at;
	// DefaultPath when empty. Callback URLs are PublicURL + Path + ID.
	Path string
	// Client makes the requests to hubs; one with DefaultTimeout when nil.
	// Its redirect policy is replaced: the Subscriber follows redirects
	// itself, so that a 301 or 302 keeps the POST.
	Client *http.Client
	// UserAgent is sent with requests to hubs.
	UserAgent string
	// Lease is the lease asked of hubs; DefaultLease when zero. Hubs may
	// grant another.
	Lease time.Duration
	// VerifyTimeout is how long a hub has to verify a request before it
	// counts as failed; DefaultVerifyTimeout when zero.
	VerifyTimeout time.Duration
	// Retry is how long after a failure a subscription is requested
	// again; DefaultRetry when zero.
	Retry time.Duration
	// MaxBody caps the size of a delivery; DefaultMaxBody when zero.
	MaxBody int64
	// Clock tells the time and waits; herald.SystemClock when nil.
	Clock herald.Clock
	// OnContent receives the content of each delivery whose signature
	// holds: the subscription's topic, the Content-Type and the raw body,
	// which is the callee's to keep. It runs in the hub's request, with
	// its context, and should return quickly; it may be called
	// concurrently.
	OnContent func(ctx context.Context, topic, contentType string, body []byte)
	// OnChange is told when a subscription is verified (State Active, at
	// each renewal too), denied (Denied), fails (Failed: the hub refused,
	// could not be reached or did not verify) or is deleted after an
	// unsubscription (Unsubscribing). A caller polls a feed slowly while
	// its subscription is Active and as usual otherwise. It may be called
	// concurrently.
	OnChange func(sub Subscription)
}

// Stats counts what a Subscriber's handler has done since it started.
type Stats struct {
	// Delivered counts deliveries handed to OnContent.
	Delivered int64
	// Dropped counts deliveries refused for a missing or wrong signature
	// or a body over MaxBody.
	Dropped int64
	// Verified counts verifications of intent answered.
	Verified int64
	// Refused counts verifications refused: unknown callback, wrong topic
	// or mode.
	Refused int64
}

// Subscriber subscribes to topics at hubs and serves their callbacks.
type Subscriber struct {
	store  Store
	log    *slog.Logger
	opts   Options
	base   string
	client *http.Client
	clock  herald.Clock
	wake   chan struct{}

	// mu serialises the read-modify-write of subscriptions in the store.
	mu sync.Mutex

	delivered, dropped, verified, refused atomic.Int64
}

// New returns a Subscriber that keeps its subscriptions in store and logs
// to log, which may be nil.
func New(store Store, log *slog.Logger, opts Options) (*Subscriber, error) {
	u, err := url.Parse(opts.PublicURL)
	if err != nil || !isHTTP(u) {
		return nil, fmt.Errorf("websub: public URL %q: want an absolute http or https URL", opts.PublicURL)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Path == "" {
		opts.Path = DefaultPath
	}
	if !strings.HasPrefix(opts.Path, "/") || !strings.HasSuffix(opts.Path, "/") {
		return nil, fmt.Errorf("websub: path %q: want a path that starts and ends with /", opts.Path)
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.VerifyTimeout <= 0 {
		opts.VerifyTimeout = DefaultVerifyTimeout
	}
	if opts.Retry <= 0 {
		opts.Retry = DefaultRetry
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Clock == nil {
		opts.Clock = herald.SystemClock{}
	}
	client := &http.Client{Timeout: DefaultTimeout}
	if opts.Client != nil {
		c := *opts.Client
		client = &c
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Subscriber{
		store:  store,
		log:    log,
		opts:   opts,
		base:   strings.TrimSuffix(opts.PublicURL, "/") + opts.Path,
		client: client,
		clock:  opts.Clock,
		wake:   make(chan struct{}, 1),
	}, nil
}

// Stats returns the handler's counts.
func (s *Subscriber) Stats() Stats {
	return Stats{
		Delivered: s.delivered.Load(),
		Dropped:   s.dropped.Load(),
		Verified:  s.verified.Load(),
		Refused:   s.refused.Load(),
	}
}

// Subscribe asks hub for a subscription to topic. The subscription is
// Pending until the hub verifies it through the handler. A topic already
// subscribed to is requested again with its callback and secret, at the
// hub given. An error means the hub could not be reached or refused; the
// subscription is then Failed and is tried again by Run.
func (s *Subscriber) Subscribe(ctx context.Context, hub, topic string) (Subscription, error) {
	s.mu.Lock()
	sub, found, err := s.byTopic(ctx, topic)
	if err != nil {
		s.mu.Unlock()
		return Subscription{}, err
	}
	if !found {
		sub = Subscription{ID: randomHex(16), Topic: topic, Secret: randomHex(32)}
		sub.Callback = s.base + sub.ID
	}
	if !found || sub.State != Active {
		sub.State = Pending
	}
	sub.Hub = hub
	sub.Requested = s.clock.Now()
	sub.Reason = ""
	err = s.store.Put(ctx, sub)
	s.mu.Unlock()
	if err != nil {
		return Subscription{}, fmt.Errorf("websub: store subscription: %w", err)
	}
	return s.request(ctx, sub.ID, "subscribe")
}

// Unsubscribe asks the hub to end the subscription to topic. The
// subscription is deleted once the hub verifies the unsubscription, or
// once VerifyTimeout has passed. It returns herald.ErrNotFound when topic
// is not subscribed to.
func (s *Subscriber) Unsubscribe(ctx context.Context, topic string) error {
	s.mu.Lock()
	sub, found, err := s.byTopic(ctx, topic)
	if err == nil && !found {
		err = fmt.Errorf("websub: topic %s: %w", topic, herald.ErrNotFound)
	}
	if err == nil {
		sub.State = Unsubscribing
		sub.Requested = s.clock.Now()
		err = s.store.Put(ctx, sub)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	_, err = s.request(ctx, sub.ID, "unsubscribe")
	return err
}

// Subscriptions returns every subscription the Subscriber keeps.
func (s *Subscriber) Subscriptions(ctx context.Context) ([]Subscription, error) {
	return s.store.List(ctx)
}

func (s *Subscriber) byTopic(ctx context.Context, topic string) (Subscription, bool, error) {
	subs, err := s.store.List(ctx)
	if err != nil {
		return Subscription{}, false, fmt.Errorf("websub: list subscriptions: %w", err)
	}
	for _, sub := range subs {
		if sub.Topic == topic {
			return sub, true, nil
		}
	}
	return Subscription{}, false, nil
}

// request sends the subscription's request of the given mode to its hub
// and records the outcome: a permanent redirect moves the hub, a failure
// makes the subscription Failed.
func (s *Subscriber) request(ctx context.Context, id, mode string) (Subscription, error) {
	s.mu.Lock()
	sub, err := s.store.Get(ctx, id)
	s.mu.Unlock()
	if err != nil {
		return Subscription{}, fmt.Errorf("websub: %w", err)
	}
	moved, err := s.post(ctx, sub, mode)
	s.wakeRun()

	s.mu.Lock()
	defer s.mu.Unlock()
	// The hub may have verified while the request was in flight.
	cur, gerr := s.store.Get(ctx, id)
	if gerr != nil {
		if errors.Is(gerr, herald.ErrNotFound) && err == nil {
			return sub, nil // unsubscribed and verified already
		}
		return sub, errors.Join(err, fmt.Errorf("websub: %w", gerr))
	}
	if moved != "" && moved != cur.Hub {
		s.log.Info("websub: hub moved", "topic", cur.Topic, "from", cur.Hub, "to", moved)
		cur.Hub = moved
	}
	if err != nil {
		s.log.Warn("websub: hub request failed", "mode", mode, "topic", cur.Topic, "hub", cur.Hub, "err", err)
		if mode == "unsubscribe" {
			// The subscription stays Unsubscribing and is forgotten
			// after VerifyTimeout; later deliveries are answered 410.
			return cur, errors.Join(err, s.store.Put(ctx, cur))
		}
		cur.State = Failed
		cur.Reason = err.Error()
	}
	if perr := s.store.Put(ctx, cur); perr != nil {
		return cur, errors.Join(err, fmt.Errorf("websub: store subscription: %w", perr))
	}
	if err != nil {
		s.changed(cur)
		return cur, err
	}
	return cur, nil
}

// post sends one request to the hub, following its redirects with the same
// POST. It returns the hub's new URL when every redirect was permanent.
func (s *Subscriber) post(ctx context.Context, sub Subscription, mode string) (moved string, err error) {
	form := url.Values{
		"hub.mode":     {mode},
		"hub.topic":    {sub.Topic},
		"hub.callback": {sub.Callback},
	}
	if mode == "subscribe" {
		form.Set("hub.secret", sub.Secret)
		form.Set("hub.lease_seconds", strconv.FormatInt(int64(s.opts.Lease/time.Second), 10))
	}
	body := form.Encode()
	target, permanent := sub.Hub, true
	for redirects := 0; ; redirects++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
		if err != nil {
			return "", fmt.Errorf("hub %s: %w", target, err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if s.opts.UserAgent != "" {
			req.Header.Set("User-Agent", s.opts.UserAgent)
		}
		resp, err := s.client.Do(req)
		if err != nil {
			return "", fmt.Errorf("hub %s: %w", target, err)
		}
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusAccepted, http.StatusNoContent:
			if permanent && target != sub.Hub {
				return target, nil
			}
			return "", nil
		case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			if redirects == MaxRedirects {
				return "", fmt.Errorf("hub %s: %w: stopped after %d", sub.Hub, ErrTooManyRedirects, MaxRedirects)
			}
			loc, err := resp.Location()
			if err != nil {
				return "", fmt.Errorf("hub %s: redirect: %w", target, err)
			}
			permanent = permanent && (resp.StatusCode == http.StatusMovedPermanently || resp.StatusCode == http.StatusPermanentRedirect)
			target = loc.String()
			continue
		}
		return "", &HubError{Hub: target, Code: resp.StatusCode, Body: strings.TrimSpace(string(msg))}
	}
}

// ServeHTTP serves the callbacks: the hubs' verifications of intent (GET)
// and their content deliveries (POST). The subscription is named by the
// last segment of the path, so the handler may be mounted at Path or under
// http.StripPrefix.
func (s *Subscriber) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	switch r.Method {
	case http.MethodGet:
		s.verify(w, r, id)
	case http.MethodPost:
		s.deliver(w, r, id)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// verify answers a hub's verification of intent, or records its denial.
func (s *Subscriber) verify(w http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	mode, topic, challenge := q.Get("hub.mode"), q.Get("hub.topic"), q.Get("hub.challenge")
	ctx := r.Context()
	log := s.log.With("callback", id, "mode", mode, "topic", topic)

	s.mu.Lock()
	sub, err := s.store.Get(ctx, id)
	refuse := func(why string) {
		s.mu.Unlock()
		s.refused.Add(1)
		log.Warn("websub: verification refused", "why", why)
		http.NotFound(w, r)
	}
	switch {
	case errors.Is(err, herald.ErrNotFound):
		refuse("unknown callback")
		return
	case err != nil:
		s.mu.Unlock()
		log.Error("websub: load subscription", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case topic != sub.Topic:
		refuse("topic is not the subscription's")
		return
	}

	switch mode {
	case "denied":
		sub.State, sub.Reason = Denied, q.Get("hub.reason")
		err = s.store.Put(ctx, sub)
		log.Warn("websub: subscription denied", "reason", sub.Reason)
	case "subscribe":
		if sub.State == Unsubscribing || challenge == "" {
			refuse("no pending subscription or no challenge")
			return
		}
		lease, perr := strconv.Atoi(q.Get("hub.lease_seconds"))
		if perr != nil || lease <= 0 {
			lease = int(s.opts.Lease / time.Second)
		}
		sub.State, sub.Reason, sub.LeaseSeconds = Active, "", lease
		sub.Expires = s.clock.Now().Add(time.Duration(lease) * time.Second)
		err = s.store.Put(ctx, sub)
		log.Info("websub: subscription verified", "lease", lease)
	case "unsubscribe":
		if sub.State != Unsubscribing || challenge == "" {
			refuse("no pending unsubscription or no challenge")
			return
		}
		err = s.store.Delete(ctx, id)
		log.Info("websub: unsubscription verified")
	default:
		refuse("unknown mode")
		return
	}
	s.mu.Unlock()
	if err != nil {
		log.Error("websub: store subscription", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.changed(sub)
	s.wakeRun()
	if mode == "denied" {
		w.WriteHeader(http.StatusOK)
		return
	}
	s.verified.Add(1)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, challenge)
}

// deliver checks a content delivery's signature and hands the content to
// OnContent. A missing or wrong signature is acknowledged, as WebSub asks,
// and the content dropped.
func (s *Subscriber) deliver(w http.ResponseWriter, r *http.Request, id string) {
	ctx := r.Context()
	sub, err := s.store.Get(ctx, id)
	switch {
	case errors.Is(err, herald.ErrNotFound):
		// 410 Gone tells the hub to end the subscription.
		http.Error(w, "no such subscription", http.StatusGone)
		return
	case err != nil:
		s.log.Error("websub: load subscription", "callback", id, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.dropped.Add(1)
			s.log.Warn("websub: delivery too large", "topic", sub.Topic, "limit", s.opts.MaxBody)
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	if err := checkSignature(r.Header.Get("X-Hub-Signature"), sub.Secret, body); err != nil {
		s.dropped.Add(1)
		s.log.Warn("websub: delivery dropped", "topic", sub.Topic, "err", err)
		w.WriteHeader(http.StatusAccepted)
		return
	}
	s.delivered.Add(1)
	if s.opts.OnContent != nil {
		s.opts.OnContent(ctx, sub.Topic, r.Header.Get("Content-Type"), body)
	}
	w.WriteHeader(http.StatusAccepted)
}

// checkSignature checks an X-Hub-Signature header, "method=hex", against
// the HMAC of body with secret.
func checkSignature(header, secret string, body []byte) error {
	if header == "" {
		return errors.New("no signature")
	}
	method, sig, _ := strings.Cut(header, "=")
	var h func() hash.Hash
	switch strings.ToLower(strings.TrimSpace(method)) {
	case "sha1":
		h = sha1.New
	case "sha256":
		h = sha256.New
	case "sha384":
		h = sha512.New384
	case "sha512":
		h = sha512.New
	default:
		return fmt.Errorf("signature method %q unknown", method)
	}
	want, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write(body)
	if !hmac.Equal(mac.Sum(nil), want) {
		return errors.New("signature does not match")
	}
	return nil
}

// Run renews subscriptions before their leases run out, marks as Failed
// those a hub did not verify within VerifyTimeout, and requests Failed ones
// again after Retry, until ctx is done. It returns nil then.
func (s *Subscriber) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		next := s.tick(ctx)
		timer := s.clock.After(next.Sub(s.clock.Now()))
		if !s.clock.Now().Before(next) {
			// The clock passed next while the wait was set up.
			continue
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-timer:
		}
	}
	return nil
}

// idle is the longest Run sleeps when nothing is due.
const idle = 24 * time.Hour

// tick does what is due and returns when the next thing is.
func (s *Subscriber) tick(ctx context.Context) time.Time {
	// The first pass takes the steps that are due, the second finds when
	// the next ones are. A step still due in the second pass could not be
	// taken; it is tried again shortly rather than at once.
	for pass := 0; ; pass++ {
		subs, err := s.store.List(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("websub: list subscriptions", "err", err)
			}
			return s.clock.Now().Add(s.opts.Retry)
		}
		now := s.clock.Now()
		next, acted := now.Add(idle), false
		for _, sub := range subs {
			due, step := s.plan(sub)
			switch {
			case step == nil:
				continue
			case due.After(now):
			case pass > 0:
				due = now.Add(time.Second)
			case ctx.Err() != nil:
				return now
			default:
				step(ctx, sub)
				acted = true
				continue
			}
			if due.Before(next) {
				next = due
			}
		}
		if !acted {
			return next
		}
	}
}

// plan returns when the next step of sub is due and the step, or nil when
// nothing is to be done.
func (s *Subscriber) plan(sub Subscription) (time.Time, func(context.Context, Subscription)) {
	switch sub.State {
	case Pending:
		return sub.Requested.Add(s.opts.VerifyTimeout), s.unverified
	case Active:
		lease := time.Duration(sub.LeaseSeconds) * time.Second
		renew := sub.Expires.Add(-lease * (100 - renewPercent) / 100)
		if sub.Requested.Before(renew) {
			return renew, s.renew
		}
		// Renewal requested: the hub must verify it in time, and before
		// the lease runs out.
		due := sub.Requested.Add(s.opts.VerifyTimeout)
		if sub.Expires.Before(due) {
			due = sub.Expires
		}
		return due, s.unverified
	case Failed:
		return sub.Requested.Add(s.opts.Retry), s.renew
	case Unsubscribing:
		return sub.Requested.Add(s.opts.VerifyTimeout), s.forget
	}
	return time.Time{}, nil
}

func (s *Subscriber) renew(ctx context.Context, sub Subscription) {
	s.log.Info("websub: renewing subscription", "topic", sub.Topic, "hub", sub.Hub)
	// A failure is logged, recorded and reported by Subscribe.
	s.Subscribe(ctx, sub.Hub, sub.Topic)
}

// unverified marks as Failed a subscription whose hub accepted the request
// and did not verify it in time.
func (s *Subscriber) unverified(ctx context.Context, sub Subscription) {
	s.mu.Lock()
	cur, err := s.store.Get(ctx, sub.ID)
	if err != nil || cur.Requested != sub.Requested || cur.State != sub.State {
		s.mu.Unlock()
		return // changed meanwhile
	}
	cur.State = Failed
	cur.Reason = fmt.Sprintf("hub did not verify within %s", s.opts.VerifyTimeout)
	err = s.store.Put(ctx, cur)
	s.mu.Unlock()
	if err != nil {
		s.log.Error("websub: store subscription", "topic", sub.Topic, "err", err)
		return
	}
	s.log.Warn("websub: subscription not verified", "topic", cur.Topic, "hub", cur.Hub)
	s.changed(cur)
}

// forget deletes a subscription whose unsubscription the hub did not
// verify in time.
func (s *Subscriber) forget(ctx context.Context, sub Subscription) {
	s.mu.Lock()
	err := s.store.Delete(ctx, sub.ID)
	s.mu.Unlock()
	if err != nil {
		s.log.Error("websub: delete subscription", "topic", sub.Topic, "err", err)
		return
	}
	s.changed(sub)
}

func (s *Subscriber) changed(sub Subscription) {
	if s.opts.OnChange != nil {
		s.opts.OnChange(sub)
	}
}

// wakeRun makes Run look at the subscriptions again.
func (s *Subscriber) wakeRun() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
