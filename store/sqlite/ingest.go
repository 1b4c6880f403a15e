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
	lead, topics, image, published, source, feed, content_hash, item_hash, first_seen
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING`

// Deliveries are written with insertRows: insertDelivery, then a
// deliveryRow for each, then deliveryConflict.
const (
	insertDelivery = `INSERT INTO deliveries (
	article_id, target, article_published, state, next_attempt, created
) VALUES`
	deliveryRow      = `(?, ?, ?, 'pending', ?, ?)`
	deliveryConflict = `ON CONFLICT (article_id, target) DO NOTHING`
)

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
//
// route is called once for each new article that gets deliveries, in the
// order they are recorded, with the article as recorded (its Feed filled
// in), inside the transaction: it must be quick and must not use the
// store. A target that herald.ParseTarget could not read back fails the
// Ingest, which then records nothing; so does a panic of route, which is
// not recovered.
//
// Every new article is indexed in the same transaction: its topics are
// counted and its headline, lead and body made searchable. The body is not
// kept otherwise, and is indexed up to herald.MaxBody characters.
//
// A known article is looked at for a correction (see correct) only when
// feed is the feed it was recorded from: a story listed by several feeds,
// which may each give it a little differently, would otherwise change back
// and forth at every fetch.
//
// The articles listed replace the feed's listing of the last Ingest, and
// those of that listing no longer listed, with posts sent on their own,
// are Dropped: candidates for a retraction, which the caller checks (a
// feed listing nothing drops all).
func (s *Store) Ingest(ctx context.Context, feed string, articles []herald.Article, route func(herald.Article) []herald.Target, backlog int) (res herald.IngestResult, err error) {
	if feed == "" {
		return res, errors.New("sqlite: ingest: empty feed URL")
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
	// Rolled back on an error and on a panic of route alike; after a
	// commit, Rollback does nothing.
	defer tx.Rollback()
	defer func() {
		if err != nil {
			res = herald.IngestResult{}
			err = fmt.Errorf("sqlite: ingest %s: %w", feed, err)
		}
	}()

	if res.FirstSight, err = firstSight(ctx, tx, feed); err != nil {
		return res, err
	}

	known, err := knownArticles(ctx, tx, batch)
	if err != nil {
		return res, err
	}
	fresh, err := insertArticles(ctx, tx, batch, known, now)
	if err != nil {
		return res, err
	}
	res.New = len(fresh)
	if err = indexArticles(ctx, tx, fresh); err != nil {
		return res, err
	}

	if res.Corrected, res.Edits, err = correct(ctx, tx, feed, batch, known, now); err != nil {
		return res, err
	}

	deliver := fresh
	if res.FirstSight {
		// fresh is in ascending order of publication: the newest are last.
		deliver = fresh[len(fresh)-min(max(backlog, 0), len(fresh)):]
	}
	if route != nil {
		res.Deliveries, err = insertDeliveries(ctx, tx, deliver, route, now)
		if err != nil {
			return res, err
		}
	}

	listed := make([]int64, 0, len(batch))
	for _, k := range known {
		listed = append(listed, k.id)
	}
	for _, r := range fresh {
		listed = append(listed, r.id)
	}
	if res.Dropped, err = relist(ctx, tx, feed, listed); err != nil {
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
	article   *herald.Article
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

// insertArticles records the rows whose Key is not among known and returns
// them in the order given.
func insertArticles(ctx context.Context, tx *sql.Tx, rows []articleRow, known map[string]knownArticle, now int64) ([]recorded, error) {
	if len(rows) == len(known) {
		return nil, nil
	}
	stmt, err := tx.PrepareContext(ctx, insertArticle)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	var fresh []recorded
	for i := range rows {
		r := &rows[i]
		a := &r.Article
		if _, ok := known[a.Key]; ok {
			continue
		}
		res, err := stmt.ExecContext(ctx,
			a.Key, a.URL, a.Headline, a.Dateline.Text, a.Dateline.Place, a.Dateline.Date, a.Dateline.Agency,
			a.Lead, r.topics, a.Image, r.published, a.Source, a.Feed, a.ContentHash(), itemHash(*a), now)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.Key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.Key, err)
		}
		if n == 0 {
			continue // not reached: known, read in this transaction, has every key recorded
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.Key, err)
		}
		fresh = append(fresh, recorded{id: id, published: r.published, article: a})
	}
	return fresh, nil
}

// itemHash returns the item hash of a as the store keeps it: its ItemHash,
// or its ContentHash when it has none.
func itemHash(a herald.Article) string {
	if a.ItemHash != "" {
		return a.ItemHash
	}
	return a.ContentHash()
}

// insertDeliveries creates a pending delivery of each article to each
// target route returns for it, due now, and returns how many it created.
func insertDeliveries(ctx context.Context, tx *sql.Tx, articles []recorded, route func(herald.Article) []herald.Target, now int64) (int, error) {
	var (
		args    []any
		targets []string
		err     error
	)
	for _, a := range articles {
		targets, err = targetStrings(targets[:0], route(*a.article))
		if err != nil {
			return 0, fmt.Errorf("article %s: %w", a.article.Key, err)
		}
		for _, t := range targets {
			args = append(args, a.id, t, a.published, now, now)
		}
	}
	created, err := insertRows(ctx, tx, insertDelivery, deliveryRow, deliveryConflict, args)
	if err != nil {
		return 0, fmt.Errorf("deliveries: %w", err)
	}
	return created, nil
}

// targetStrings appends to out the targets as stored, each once, in order.
// A target that herald.ParseTarget could not read back is refused.
func targetStrings(out []string, targets []herald.Target) ([]string, error) {
	for _, t := range targets {
		s, err := targetString(t)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// targetString returns the target as stored, or an error for a target
// that herald.ParseTarget could not read back.
func targetString(t herald.Target) (string, error) {
	s := t.String()
	if back, err := herald.ParseTarget(s); err != nil || back != t {
		return "", fmt.Errorf("invalid target %q", s)
	}
	return s, nil
}
