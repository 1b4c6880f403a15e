package pages

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/heraldhq/herald/feed"
)

// Forget drops what the Enricher remembers of the page at pageURL, so that
// the next lookup reads it again: its article was corrected.
func (e *Enricher) Forget(pageURL string) { e.cache.drop(pageURL) }

// Gone reports whether the page at pageURL was taken down: it answers 404
// Not Found or 410 Gone. Any other answer, or a failure to get one, is not
// a retraction; the error says what happened. The page is fetched at its
// host's pace and under the same guard as pages read for enrichment.
func (e *Enricher) Gone(ctx context.Context, pageURL, feedURL string) (bool, error) {
	if !fetchable(pageURL) {
		return false, errNotWeb
	}
	if err := allowed(ctx, pageURL, feedURL); err != nil {
		return false, err
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		return false, err
	}
	err = e.pace.do(ctx, strings.ToLower(u.Host), func() (time.Duration, error) {
		_, _, err := e.get.Get(ctx, pageURL)
		if err == nil || ctx.Err() != nil {
			return 0, err
		}
		wait, _ := e.backoff(err)
		return wait, err
	})
	var status *feed.StatusError
	switch {
	case err == nil:
		return false, nil
	case errors.As(err, &status) && (status.Code == http.StatusNotFound || status.Code == http.StatusGone):
		return true, nil
	}
	return false, err
}
