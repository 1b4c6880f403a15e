package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// Reasons recorded as the LastError of edits and deliveries that a later
// change made pointless.
const (
	supersededByCorrection = "superseded by a later correction"
	supersededByRetraction = "superseded by the retraction"
	articleRetracted       = "article retracted"
)

const (
	updateItemHash = `UPDATE articles SET item_hash = $1 WHERE id = $2`
	// reviseArticle rewrites an article's content and returns what it
	// read before.
	reviseArticle = `UPDATE articles a SET headline = $1, dateline_text = $2, dateline_place = $3,
	dateline_date = $4, dateline_agency = $5, lead = $6, image = $7, content_hash = $8, item_hash = $9
	FROM articles b WHERE a.id = $10 AND b.id = a.id
	RETURNING b.headline, b.dateline_text, b.dateline_place, b.dateline_date, b.dateline_agency, b.lead, b.image`
	insertRevision = `INSERT INTO revisions (article_id, found,
	before_headline, before_dateline_text, before_dateline_place, before_dateline_date,
	before_dateline_agency, before_lead, before_image,
	after_headline, after_dateline_text, after_dateline_place, after_dateline_date,
	after_dateline_agency, after_lead, after_image
	) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
	RETURNING id`

	// editable selects the deliveries of the article $1 whose posts can be
	// edited: sent on their own (not in a digest), with a message to
	// edit, and not deleted.
	editable = `SELECT d.id FROM deliveries d
	WHERE d.article_id = $1 AND d.state = 'sent' AND NOT d.digest AND d.message_id <> ''
	AND NOT EXISTS (SELECT 1 FROM edits x WHERE x.delivery_id = d.id AND x.kind = 'delete')`
	// supersedeEdits fails, with the reason $2, the pending edits of the
	// article's posts: a new edit rewrites the post with the article as
	// it reads now, and a deletion removes it.
	supersedeEdits = `UPDATE edits SET state = 'failed', last_error = $2
	WHERE state = 'pending' AND kind = 'edit' AND delivery_id IN (` + editable + `)`
	insertEdits = `INSERT INTO edits (revision_id, delivery_id, kind, state, next_attempt, created)
	SELECT $2, id, 'edit', 'pending', $3, $3 FROM (` + editable + `) e`
)

// correct looks at the articles of an Ingest of feed that were recorded
// before (known) from that same feed. An article whose item hash is the
// one recorded is left alone. One recorded without an item hash takes
// this one and nothing else. Otherwise the new item hash is kept and, if
// what a reader sees of the article (its ContentHash) changed, the change
// is recorded: the article's headline, dateline, lead and image are
// rewritten, not its key, URL, topics or publish time; the change is kept
// as a revision; the text index takes the new words; and each sent,
// non-digest post of the article gets one pending edit. Pending
// deliveries of the article send the new content with nothing more to do.
//
// correct returns how many articles changed and how many edits it made.
func correct(ctx context.Context, tx pgx.Tx, feed string, batch []herald.Article, known map[string]knownArticle, now time.Time) (changed, edits int, err error) {
	var changes []recorded
	for i := range batch {
		a := &batch[i]
		k, ok := known[a.Key]
		if !ok || k.feed != feed {
			continue
		}
		hash := itemHash(*a)
		switch {
		case hash == k.itemHash:
			continue
		case k.itemHash == "" || a.ContentHash() == k.contentHash:
			if _, err := tx.Exec(ctx, updateItemHash, hash, k.id); err != nil {
				return 0, 0, fmt.Errorf("article %s: %w", a.Key, err)
			}
			continue
		}
		n, err := revise(ctx, tx, k.id, *a, now)
		if err != nil {
			return 0, 0, fmt.Errorf("article %s: %w", a.Key, err)
		}
		edits += n
		changes = append(changes, recorded{id: k.id, published: k.published, article: a})
	}
	if err := indexText(ctx, tx, changes); err != nil {
		return 0, 0, err
	}
	return len(changes), edits, nil
}

// revise records the change of the article id to a, as correct describes,
// but for the text index, and returns how many edits it made.
func revise(ctx context.Context, tx pgx.Tx, id int64, a herald.Article, now time.Time) (int, error) {
	var before herald.Article
	err := tx.QueryRow(ctx, reviseArticle, a.Headline, a.Dateline.Text, a.Dateline.Place,
		a.Dateline.Date, a.Dateline.Agency, a.Lead, a.Image, a.ContentHash(), itemHash(a), id,
	).Scan(&before.Headline, &before.Dateline.Text, &before.Dateline.Place, &before.Dateline.Date,
		&before.Dateline.Agency, &before.Lead, &before.Image)
	if err != nil {
		return 0, err
	}
	var revision int64
	err = tx.QueryRow(ctx, insertRevision, id, now,
		before.Headline, before.Dateline.Text, before.Dateline.Place, before.Dateline.Date,
		before.Dateline.Agency, before.Lead, before.Image,
		a.Headline, a.Dateline.Text, a.Dateline.Place, a.Dateline.Date,
		a.Dateline.Agency, a.Lead, a.Image).Scan(&revision)
	if err != nil {
		return 0, fmt.Errorf("revision: %w", err)
	}
	if _, err := tx.Exec(ctx, supersedeEdits, id, supersededByCorrection); err != nil {
		return 0, fmt.Errorf("edits: %w", err)
	}
	tag, err := tx.Exec(ctx, insertEdits, id, revision, now)
	if err != nil {
		return 0, fmt.Errorf("edits: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
