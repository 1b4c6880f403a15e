// Package feed fetches and parses news feeds: RSS, Atom and JSON Feed.
package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/websub"
)

// Defaults for a Fetcher's limits.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBytes     = 10 << 20
	DefaultMaxRedirects = 5
	// DefaultConnectTimeout bounds the TCP connect and, apart, the TLS
	// handshake of a request; never more than the request's timeout.
	DefaultConnectTimeout = 10 * time.Second
)

// The kinds of fetch failure a caller may tell apart with errors.Is; the
// error also carries the cause.
var (
	// ErrTimeout: the server did not connect, answer or finish its body in
	// time.
	ErrTimeout = errors.New("timeout")
	// ErrTooLarge: the body, once decompressed, is larger than the cap.
	ErrTooLarge = errors.New("body too large")
	// ErrTooManyRedirects: the server redirected more than the limit.
	ErrTooManyRedirects = errors.New("too many redirects")
)

// Fetcher downloads feeds and pages over HTTP with timeouts, a size cap
// applied after decompression, a redirect limit and conditional GET.
type Fetcher struct {
	client    *http.Client
	userAgent string
	maxBytes  int64
}

// NewFetcher returns a Fetcher that identifies itself as userAgent, gives up
// on a request after timeout and refuses bodies larger than maxBytes once
// decompressed. Zero values take the defaults.
//
// The timeout bounds the whole request, body included, so a server that
// accepts and never answers, or trickles its body, fails the fetch in time.
// Within it, connecting and the TLS handshake each get at most
// DefaultConnectTimeout, and the response headers must come within the
// timeout. At most DefaultMaxRedirects redirects are followed.
func NewFetcher(userAgent string, timeout time.Duration, maxBytes int64) *Fetcher {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	connect := min(DefaultConnectTimeout, timeout)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = (&net.Dialer{Timeout: connect, KeepAlive: 30 * time.Second}).DialContext
	transport.TLSHandshakeTimeout = connect
	transport.ResponseHeaderTimeout = timeout
	client := &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			// via holds the requests made so far: the first and one per
			// redirect already followed.
			if len(via) > DefaultMaxRedirects {
				return fmt.Errorf("%w: stopped after %d redirects", ErrTooManyRedirects, DefaultMaxRedirects)
			}
			return nil
		},
	}
	return &Fetcher{client: client, userAgent: userAgent, maxBytes: maxBytes}
}

// Result is the outcome of one feed fetch.
type Result struct {
	// Feed is the parsed feed; nil when NotModified.
	Feed *gofeed.Feed
	// NotModified is true when the server answered 304 to a conditional GET.
	NotModified bool
	// ETag and LastModified are the validators to send next time.
	ETag         string
	LastModified string
	// Freshness is what the server said about how soon the feed may
	// change: its caching headers and the RSS channel's ttl.
	Freshness Freshness
	// Hub and Self are the WebSub hub the feed advertises, in its Link
	// headers or its body, and the topic to subscribe to at the hub: its
	// rel="self" URL, or the address it was served from after redirects.
	// Both are empty when no hub is advertised and when NotModified.
	Hub  string
	Self string
}

// StatusError is an HTTP answer other than success or 304.
type StatusError struct {
	Code int
	// RetryAfter is the server's Retry-After, when it sent one.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// Fetch downloads and parses the feed at url. The validators in prev make it
// a conditional GET. The body is decoded with the charset of the response's
// Content-Type (see ParseContentType), and relative links in the feed are
// made absolute against the address it was served from.
func (f *Fetcher) Fetch(ctx context.Context, url string, prev herald.FeedState) (Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Result{}, fmt.Errorf("feed %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	body, resp, err := f.do(req)
	if err != nil {
		return Result{}, fmt.Errorf("feed %s: %w", url, err)
	}
	res := Result{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
		Freshness: freshness(resp.Header, time.Now())}
	if resp.StatusCode == http.StatusNotModified {
		res.NotModified = true
		if res.ETag == "" {
			res.ETag = prev.ETag
		}
		if res.LastModified == "" {
			res.LastModified = prev.LastModified
		}
		return res, nil
	}
	res.Feed, err = ParseContentType(body, resp.Header.Get("Content-Type"))
	if err != nil {
		return Result{}, fmt.Errorf("feed %s: %w", url, err)
	}
	resolveLinks(res.Feed, documentBase(resp))
	res.Freshness.TTL = rssTTL(body)
	if hub, self, ok := websub.Discover(resp.Header, body, resp.Request.URL.String()); ok {
		res.Hub, res.Self = hub, self
	}
	return res, nil
}

// Get downloads the document at url, for pages and previews. It returns the
// body and its Content-Type.
func (f *Fetcher) Get(ctx context.Context, url string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", fmt.Errorf("get %s: %w", url, err)
	}
	body, resp, err := f.do(req)
	if err != nil {
		return nil, "", fmt.Errorf("get %s: %w", url, err)
	}
	return body, resp.Header.Get("Content-Type"), nil
}

func (f *Fetcher) do(req *http.Request) ([]byte, *http.Response, error) {
	if f.userAgent != "" {
		req.Header.Set("User-Agent", f.userAgent)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, nil, timedOut(err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil, resp, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, resp, &StatusError{Code: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	case resp.ContentLength > f.maxBytes && !resp.Uncompressed:
		return nil, resp, fmt.Errorf("%w: %d bytes announced, the cap is %d", ErrTooLarge, resp.ContentLength, f.maxBytes)
	}
	// The transport decompresses gzip itself, so the cap applies to the
	// decompressed body: a small gzip body that inflates past it is cut
	// off once the cap is passed, never read whole.
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, resp, fmt.Errorf("read body: %w", timedOut(err))
	}
	if int64(len(body)) > f.maxBytes {
		return nil, resp, fmt.Errorf("%w: body larger than %d bytes", ErrTooLarge, f.maxBytes)
	}
	return body, resp, nil
}

// timedOut marks err as ErrTimeout when it says a deadline passed: the
// Fetcher's own timeouts or the caller's context deadline.
func timedOut(err error) error {
	var ne interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	return err
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}
