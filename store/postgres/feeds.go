package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// FeedState returns what SaveFeedState last remembered of the feed at url;
// herald.ErrNotFound when it never did, even if the feed was ingested.
func (s *Store) FeedState(ctx context.Context, url string) (herald.FeedState, error) {
	st := herald.FeedState{URL: url}
	err := s.pool.QueryRow(ctx,
		`SELECT etag, last_modified, last_fetch, last_error FROM feed_state WHERE url = $1`, url,
	).Scan(&st.ETag, &st.LastModified, &st.LastFetch, &st.LastError)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return herald.FeedState{}, fmt.Errorf("postgres: feed state %s: %w", url, herald.ErrNotFound)
	case err != nil:
		return herald.FeedState{}, fmt.Errorf("postgres: feed state %s: %w", url, err)
	}
	st.LastFetch = utc(st.LastFetch)
	return st, nil
}

// SaveFeedState remembers a feed's fetch validators and last result. It
// does not count as an ingest: the next Ingest of a feed never ingested is
// still its first sight.
func (s *Store) SaveFeedState(ctx context.Context, st herald.FeedState) error {
	if st.URL == "" {
		return errors.New("postgres: save feed state: empty feed URL")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO feed_state (url, etag, last_modified, last_fetch, last_error)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (url) DO UPDATE SET
			etag = excluded.etag,
			last_modified = excluded.last_modified,
			last_fetch = excluded.last_fetch,
			last_error = excluded.last_error`,
		st.URL, st.ETag, st.LastModified, st.LastFetch, st.LastError)
	if err != nil {
		return fmt.Errorf("postgres: save feed state %s: %w", st.URL, err)
	}
	return nil
}
