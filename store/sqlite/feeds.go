package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/heraldhq/herald"
)

// FeedState returns what SaveFeedState last remembered of the feed at url;
// herald.ErrNotFound when it never did, even if the feed was ingested.
func (s *Store) FeedState(ctx context.Context, url string) (herald.FeedState, error) {
	st := herald.FeedState{URL: url}
	var last int64
	err := s.hot.QueryRowContext(ctx,
		`SELECT etag, last_modified, last_fetch, last_error FROM feed_state WHERE url = ?`, url,
	).Scan(&st.ETag, &st.LastModified, &last, &st.LastError)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return herald.FeedState{}, fmt.Errorf("sqlite: feed state %s: %w", url, herald.ErrNotFound)
	case err != nil:
		return herald.FeedState{}, fmt.Errorf("sqlite: feed state %s: %w", url, err)
	}
	st.LastFetch = fromMicros(last)
	return st, nil
}

// SaveFeedState remembers a feed's fetch validators and last result. It
// does not count as an ingest: the next Ingest of a feed never ingested is
// still its first sight.
func (s *Store) SaveFeedState(ctx context.Context, st herald.FeedState) error {
	if st.URL == "" {
		return errors.New("sqlite: save feed state: empty feed URL")
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO feed_state (url, etag, last_modified, last_fetch, last_error)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET
			etag = excluded.etag,
			last_modified = excluded.last_modified,
			last_fetch = excluded.last_fetch,
			last_error = excluded.last_error`,
		st.URL, st.ETag, st.LastModified, toMicros(st.LastFetch), st.LastError)
	if err != nil {
		return fmt.Errorf("sqlite: save feed state %s: %w", st.URL, err)
	}
	return nil
}
