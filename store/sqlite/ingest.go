package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/heraldhq/herald"
)

const insertArticle = `INSERT INTO articles (
	key, url, headline, dateline_text, dateline_place, dateline_date, dateline_agency,
	lead, topics, image, published, source, feed, content_hash, first_seen
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING`

const insertDelivery = `INSERT INTO deliveries (
	article_id, target, article_published, state, next_attempt, created
) VALUES (?, ?, ?, 'pending', ?, ?)
ON CONFLICT (article_id, target) DO NOTHING`

const upsertFeed = `INSERT INTO feeds (url, first_ingest, last_ingest) VALUES (?, ?, ?)
ON CONFLICT (url) DO UPDATE SET last_ingest = excluded.last_ingest`

// Ingest records the articles of one fetch of a feed in one transaction, as
// herald.Store describes.
//
// New articles are recorded in ascending order of Published, so that their
// ids, and with them the order of their deliveries, follow publication.
// Articles published at the same instant are recorded in the reverse of
// their order in articles: feeds list the newest first, so the item listed
// lower is taken as the older one. The same ordering decides which articles
// are the newest backlog on a first sight.
//
// An article whose Key appears twice in articles is recorded as first
// listed. An article without a Key cannot be recognised on the next fetch
// and is ignored. An article without a Feed is recorded with feed. A
// negative backlog counts as 0.
func (s *Store) Ingest(ctx context.Context, feed string, articles []herald.Article, targets []herald.Target, backlog int) (res herald.IngestResult, err error) {
	if feed == "" {
		return res, errors.New("sqlite: ingest: empty feed URL")
	}
	targetKeys, err := targetStrings(targets)
	if err != nil {
		return res, fmt.Errorf("sqlite: ingest %s: %w", feed, err)
	}
	batch, err := ingestBatch(feed, articles)
	if err != nil {
		return res, fmt.Errorf("sqlite: ingest %s: %w", feed, err)
	}

	now := toMicros(time.Now())
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("sqlite: ingest %s: %w", feed, err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
			res = herald.IngestResult{}
			err = fmt.Errorf("sqlite: ingest %s: %w", feed, err)
		}
	}()

	if res.FirstSight, err = firstSight(ctx, tx, feed); err != nil {
		return res, err
	}

	fresh, err := insertArticles(ctx, tx, batch, now)
	if err != nil {
		return res, err
	}
	res.New = len(fresh)

	deliver := fresh
	if res.FirstSight {
		// fresh is in ascending order of publication: the newest are last.
		deliver = fresh[len(fresh)-min(max(backlog, 0), len(fresh)):]
	}
	res.Deliveries, err = insertDeliveries(ctx, tx, deliver, targetKeys, now)
	if err != nil {
		return res, err
	}

	if _, err = tx.ExecContext(ctx, upsertFeed, feed, now, now); err != nil {
		return res, err
	}
	if err = tx.Commit(); err != nil {
		return res, err
	}
	return res, nil
}

// firstSight reports whether feed was never ingested.
func firstSight(ctx context.Context, tx *sql.Tx, feed string) (bool, error) {
	var first int64
	err := tx.QueryRowContext(ctx, `SELECT first_ingest FROM feeds WHERE url = ?`, feed).Scan(&first)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return true, nil
	case err != nil:
		return false, err
	}
	return false, nil
}

// articleRow is an article as its row in the articles table is written.
type articleRow struct {
	herald.Article
	topics    string
	published int64
}

// recorded is an article just recorded.
type recorded struct {
	id        int64
	published int64
}

// ingestBatch returns the rows to record for the articles of a fetch of
// feed: one per Key (the first listed), none without a Key, in the order
// Ingest documents.
func ingestBatch(feed string, articles []herald.Article) ([]articleRow, error) {
	seen := make(map[string]bool, len(articles))
	rows := make([]articleRow, 0, len(articles))
	for _, a := range articles {
		if a.Key == "" || seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		if a.Feed == "" {
			a.Feed = feed
		}
		topics, err := encodeTopics(a.Topics)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.Key, err)
		}
		rows = append(rows, articleRow{Article: a, topics: topics, published: toMicros(a.Published)})
	}
	// Reversed, then sorted stably: equal times keep reverse listing order.
	slices.Reverse(rows)
	slices.SortStableFunc(rows, func(a, b articleRow) int { return a.Published.Compare(b.Published) })
	return rows, nil
}

// insertArticles records the rows whose Key is new and returns them in the
// order given.
func insertArticles(ctx context.Context, tx *sql.Tx, rows []articleRow, now int64) ([]recorded, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	stmt, err := tx.PrepareContext(ctx, insertArticle)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	var fresh []recorded
	for _, r := range rows {
		a := r.Article
		res, err := stmt.ExecContext(ctx,
			a.Key, a.URL, a.Headline, a.Dateline.Text, a.Dateline.Place, a.Dateline.Date, a.Dateline.Agency,
			a.Lead, r.topics, a.Image, r.published, a.Source, a.Feed, a.ContentHash(), now)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.Key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.Key, err)
		}
		if n == 0 {
			continue // seen before
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.Key, err)
		}
		fresh = append(fresh, recorded{id: id, published: r.published})
	}
	return fresh, nil
}

// insertDeliveries creates a pending delivery of each article to each
// target, due now, and returns how many it created.
func insertDeliveries(ctx context.Context, tx *sql.Tx, articles []recorded, targets []string, now int64) (int, error) {
	if len(articles) == 0 || len(targets) == 0 {
		return 0, nil
	}
	stmt, err := tx.PrepareContext(ctx, insertDelivery)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	created := 0
	for _, a := range articles {
		for _, t := range targets {
			res, err := stmt.ExecContext(ctx, a.id, t, a.published, now, now)
			if err != nil {
				return 0, fmt.Errorf("delivery of article %d to %s: %w", a.id, t, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return 0, fmt.Errorf("delivery of article %d to %s: %w", a.id, t, err)
			}
			created += int(n)
		}
	}
	return created, nil
}

// targetStrings returns the targets as stored, each once, in order. A target
// that herald.ParseTarget could not read back is refused.
func targetStrings(targets []herald.Target) ([]string, error) {
	out := make([]string, 0, len(targets))
	for _, t := range targets {
		s := t.String()
		if back, err := herald.ParseTarget(s); err != nil || back != t {
			return nil, fmt.Errorf("invalid target %q", s)
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}
