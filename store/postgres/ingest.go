package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

const insertArticle = `INSERT INTO articles (
	key, url, headline, dateline_text, dateline_place, dateline_date, dateline_agency,
	lead, topics, image, published, source, feed, content_hash, item_hash, first_seen
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (key) DO NOTHING
RETURNING id`

// insertDeliveries writes the rows of parallel arrays, in their order.
const insertDeliveries = `INSERT INTO deliveries (
	article_id, target, article_published, state, next_attempt, created
) SELECT a, t, p, 'pending', $4, $4
FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) AS r (a, t, p)
ON CONFLICT (article_id, target) DO NOTHING`

const upsertFeed = `INSERT INTO feeds (url, first_ingest, last_ingest) VALUES ($1, $2, $2)
ON CONFLICT (url) DO UPDATE SET last_ingest = excluded.last_ingest`

// Ingest records the articles of one fetch of a feed in one transaction, as
// herald.Store describes.
//
// Ingests are serialised, among every store of the schema, by an advisory
// lock taken at the start of the transaction: what Ingest reads of the
// articles known is what it changes, and ids, which order queues, follow
// the order of the commits.
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
// store. Should the server abort the transaction for a deadlock, it is run
// again, and route called again. A target that herald.ParseTarget could
// not read back fails the Ingest, which then records nothing; so does a
// panic of route, which is not recovered.
//
// Every new article is indexed in the same transaction: its topics are
// counted and its headline, lead and body made searchable. The body is not
// kept otherwise, and is indexed up to herald.MaxBody characters.
//
// A known article is looked at for a correction (see correct) only when
// feed is the feed it was recorded from.
//
// The articles listed replace the feed's listing of the last Ingest, and
// those of that listing no longer listed, with posts sent on their own,
// are Dropped: candidates for a retraction (a feed listing nothing drops
// all).
func (s *Store) Ingest(ctx context.Context, feed string, articles []herald.Article, route func(herald.Article) []herald.Target, backlog int) (herald.IngestResult, error) {
	if feed == "" {
		return herald.IngestResult{}, errors.New("postgres: ingest: empty feed URL")
	}
	batch := ingestBatch(feed, articles)
	var res herald.IngestResult
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		res, err = s.ingest(ctx, tx, feed, batch, route, backlog)
		return err
	})
	if err != nil {
		return herald.IngestResult{}, fmt.Errorf("postgres: ingest %s: %w", feed, err)
	}
	return res, nil
}

// ingest is the transaction of Ingest.
func (s *Store) ingest(ctx context.Context, tx pgx.Tx, feed string, batch []herald.Article, route func(herald.Article) []herald.Target, backlog int) (res herald.IngestResult, err error) {
	if err := lock(ctx, tx, s.ingestLock); err != nil {
		return res, err
	}
	now := now()
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
		if res.Deliveries, err = createDeliveries(ctx, tx, deliver, route, now); err != nil {
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
	if _, err = tx.Exec(ctx, upsertFeed, feed, now); err != nil {
		return res, fmt.Errorf("feed: %w", err)
	}
	return res, nil
}

// firstSight reports whether feed was never ingested.
func firstSight(ctx context.Context, tx pgx.Tx, feed string) (bool, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM feeds WHERE url = $1`, feed).Scan(&n); err != nil {
		return false, fmt.Errorf("feed: %w", err)
	}
	return n == 0, nil
}

// recorded is an article just recorded, or known and changed.
type recorded struct {
	id        int64
	published time.Time
	article   *herald.Article
}

// ingestBatch returns the articles to record of a fetch of feed: one per
// Key (the first listed), none without a Key, each with its Feed, in the
// order Ingest documents.
func ingestBatch(feed string, articles []herald.Article) []herald.Article {
	seen := make(map[string]bool, len(articles))
	batch := make([]herald.Article, 0, len(articles))
	for _, a := range articles {
		if a.Key == "" || seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		if a.Feed == "" {
			a.Feed = feed
		}
		batch = append(batch, a)
	}
	// Reversed, then sorted stably: equal times keep reverse listing order.
	slices.Reverse(batch)
	slices.SortStableFunc(batch, func(a, b herald.Article) int { return a.Published.Compare(b.Published) })
	return batch
}

// insertArticles records the articles of batch whose Key is not among
// known and returns them in the order given, all in one round trip.
func insertArticles(ctx context.Context, tx pgx.Tx, batch []herald.Article, known map[string]knownArticle, now time.Time) ([]recorded, error) {
	var (
		b     pgx.Batch
		fresh []recorded
	)
	for i := range batch {
		a := &batch[i]
		if _, ok := known[a.Key]; ok {
			continue
		}
		b.Queue(insertArticle,
			a.Key, a.URL, a.Headline, a.Dateline.Text, a.Dateline.Place, a.Dateline.Date, a.Dateline.Agency,
			a.Lead, a.Topics, a.Image, a.Published, a.Source, a.Feed, a.ContentHash(), itemHash(*a), now)
		fresh = append(fresh, recorded{published: a.Published, article: a})
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	results := tx.SendBatch(ctx, &b)
	kept := fresh[:0]
	for _, r := range fresh {
		err := results.QueryRow().Scan(&r.id)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			continue // not reached: known, read under the ingest lock, has every key recorded
		case err != nil:
			results.Close()
			return nil, fmt.Errorf("article %s: %w", r.article.Key, err)
		}
		kept = append(kept, r)
	}
	if err := results.Close(); err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	return kept, nil
}

// itemHash returns the item hash of a as the store keeps it: its ItemHash,
// or its ContentHash when it has none.
func itemHash(a herald.Article) string {
	if a.ItemHash != "" {
		return a.ItemHash
	}
	return a.ContentHash()
}

// createDeliveries creates a pending delivery of each article to each
// target route returns for it, due now, and returns how many it created.
func createDeliveries(ctx context.Context, tx pgx.Tx, articles []recorded, route func(herald.Article) []herald.Target, now time.Time) (int, error) {
	var (
		ids       []int64
		names     []string
		published []time.Time
		targets   []string
		err       error
	)
	for _, a := range articles {
		targets, err = targetStrings(targets[:0], route(*a.article))
		if err != nil {
			return 0, fmt.Errorf("article %s: %w", a.article.Key, err)
		}
		for _, t := range targets {
			ids = append(ids, a.id)
			names = append(names, t)
			published = append(published, a.published)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	tag, err := tx.Exec(ctx, insertDeliveries, ids, names, published, now)
	if err != nil {
		return 0, fmt.Errorf("deliveries: %w", err)
	}
	return int(tag.RowsAffected()), nil
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
