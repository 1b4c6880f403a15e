package pages

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald"
	"github.com/heraldhq/herald/extract"
	"github.com/heraldhq/herald/feed"
)

// Errors of a page lookup that did not reach the publisher.
var (
	errNotWeb  = errors.New("pages: not an http or https URL")
	errNotHTML = errors.New("pages: not an HTML page")
)

// fetch downloads the page at pageURL at its host's pace and reads it.
func (e *Enricher) fetch(ctx context.Context, pageURL string) (herald.Article, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return herald.Article{}, fmt.Errorf("pages: %w", err)
	}
	var (
		body        []byte
		contentType string
	)
	err = e.pace.do(ctx, strings.ToLower(u.Host), func() (time.Duration, error) {
		var err error
		body, contentType, err = e.get.Get(ctx, pageURL)
		if err == nil || ctx.Err() != nil {
			return 0, err
		}
		wait, backoff := e.backoff(err)
		if backoff {
			e.log.Warn("publisher unreachable or throttling; its pages wait", "host", u.Host, "for", wait, "err", err)
		}
		return wait, err
	})
	if err != nil {
		return herald.Article{}, err
	}
	if !isHTML(contentType) {
		return herald.Article{}, fmt.Errorf("%w: %s is %s", errNotHTML, pageURL, contentType)
	}
	a, err := extract.FromPage(bytes.NewReader(body), pageURL)
	if err != nil {
		return herald.Article{}, fmt.Errorf("pages: %w", err)
	}
	return a, nil
}

// backoff decides how long a host is left alone after err: the Retry-After
// of a 429 or 503, or HostBackoff after one of them without it or when the
// host could not be reached or timed out. Other failures (404, a page too
// large, …) concern the page alone.
func (e *Enricher) backoff(err error) (time.Duration, bool) {
	var status *feed.StatusError
	if errors.As(err, &status) {
		if status.Code != http.StatusTooManyRequests && status.Code != http.StatusServiceUnavailable {
			return 0, false
		}
		if status.RetryAfter > 0 {
			return min(status.RetryAfter, 24*time.Hour), true
		}
		return e.opts.HostBackoff, true
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return e.opts.HostBackoff, true
	}
	return 0, false
}

// isHTML reports whether a Content-Type names an HTML document; a missing
// one is given the benefit of the doubt.
func isHTML(contentType string) bool {
	if strings.TrimSpace(contentType) == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}
