package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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
	updateItemHash = `UPDATE articles SET item_hash = ? WHERE id = ?`
	updateContent  = `UPDATE articles SET headline = ?, dateline_text = ?, dateline_place = ?,
	dateline_date = ?, dateline_agency = ?, lead = ?, image = ?, content_hash = ?, item_hash = ?
	WHERE id = ?`
	selectContent = `SELECT headline, dateline_text, dateline_place, dateline_date, dateline_agency, lead, image
	FROM articles WHERE id = ?`
	insertRevision = `INSERT INTO revisions (article_id, found,
	before_headline, before_dateline_text, before_dateline_place, before_dateline_date,
	before_dateline_agency, before_lead, before_image,
	after_headline, after_dateline_text, after_dateline_place, after_dateline_date,
	after_dateline_agency, after_lead, after_image
	) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	// editable selects the deliveries of an article whose posts can be
	// edited: sent on their own (not in a digest), with a message to
	// edit, and not deleted.
	editable = `SELECT d.id FROM deliveries d
	WHERE d.article_id = ? AND d.state = 'sent' AND d.digest = 0 AND d.message_id <> ''
	AND NOT EXISTS (SELECT 1 FROM edits x WHERE x.delivery_id = d.id AND x.kind = 'delete')`
	// The edits of one revision: a pending edit of the same post for an
	// older revision is superseded, since the new one rewrites the post
	// with the article as it reads now.
	supersedeEdits = `UPDATE edits SET state = 'failed', last_error = ?
	WHERE state = 'pending' AND kind = 'edit' AND delivery_id IN (` + editable + `)`
	insertEdits = `INSERT INTO edits (revision_id, delivery_id, kind, state, next_attempt, created)
	SELECT ?, id, 'edit', 'pending', ?, ? FROM (` + editable + `)`
)

// correct looks at the rows of an Ingest of feed that were recorded before
// (known) from that same feed. An article whose item hash is the one
// recorded is left alone. One recorded without an item hash takes this one
// and nothing else. Otherwise the new item hash is kept and, if what a
// reader sees of the article (its ContentHash) changed, the change is
// recorded: the article's headline, dateline, lead and image are
// rewritten, not its key, URL, topics or publish time; the change is kept
// as a revision; the text indexes take the new words; and each sent,
// non-digest post of the article gets one pending edit (correct's edits).
// Pending deliveries of the article send the new content with nothing more
// to do.
//
// correct returns how many articles changed and how many edits it made.
func correct(ctx context.Context, tx *sql.Tx, feed string, rows []articleRow, known map[string]knownArticle, now int64) (changed, edits int, err error) {
	var changes []recorded
	for i := range rows {
		a := &rows[i].Article
		k, ok := known[a.Key]
		if !ok || k.feed != feed {
			continue
		}
		hash := itemHash(*a)
		switch {
		case hash == k.itemHash:
			continue
		case k.itemHash == "" || a.ContentHash() == k.contentHash:
			if _, err := tx.ExecContext(ctx, updateItemHash, hash, k.id); err != nil {
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
	if err := reindexText(ctx, tx, changes); err != nil {
		return 0, 0, err
	}
	return len(changes), edits, nil
}

// revise records the change of the article id to a, as correct describes,
// but for the text indexes, and returns how many edits it made.
func revise(ctx context.Context, tx *sql.Tx, id int64, a herald.Article, now int64) (int, error) {
	var before herald.Article
	err := tx.QueryRowContext(ctx, selectContent, id).Scan(&before.Headline, &before.Dateline.Text,
		&before.Dateline.Place, &before.Dateline.Date, &before.Dateline.Agency, &before.Lead, &before.Image)
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, updateContent, a.Headline, a.Dateline.Text, a.Dateline.Place,
		a.Dateline.Date, a.Dateline.Agency, a.Lead, a.Image, a.ContentHash(), itemHash(a), id)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, insertRevision, id, now,
		before.Headline, before.Dateline.Text, before.Dateline.Place, before.Dateline.Date,
		before.Dateline.Agency, before.Lead, before.Image,
		a.Headline, a.Dateline.Text, a.Dateline.Place, a.Dateline.Date,
		a.Dateline.Agency, a.Lead, a.Image)
	if err != nil {
		return 0, fmt.Errorf("revision: %w", err)
	}
	revision, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("revision: %w", err)
	}
	if _, err := tx.ExecContext(ctx, supersedeEdits, supersededByCorrection, id); err != nil {
		return 0, fmt.Errorf("edits: %w", err)
	}
	res, err = tx.ExecContext(ctx, insertEdits, revision, now, now, id)
	if err != nil {
		return 0, fmt.Errorf("edits: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("edits: %w", err)
	}
	return int(n), nil
}
