package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

const (
	selectRevisions = `SELECT id, found,
	before_headline, before_dateline_text, before_dateline_place, before_dateline_date,
	before_dateline_agency, before_lead, before_image,
	after_headline, after_dateline_text, after_dateline_place, after_dateline_date,
	after_dateline_agency, after_lead, after_image
	FROM revisions WHERE article_id = $1 ORDER BY id`
	selectArticleEdits = `SELECT ` + editColumns + ` ` + editsFrom + `
	WHERE d.article_id = $1 ORDER BY d.target, e.id`
)

// Revisions lists the changes of the article whose key or canonical URL is
// ref, found as Trace finds it, oldest first, as herald.Store describes.
// Before and After are the whole article, as it reads now but for its
// headline, dateline, lead and image, which are those of before and after
// the change. Each revision's Edits are listed by target. When the
// article's posts were deleted, a last revision of ID 0 holds the
// deletions: its At is when they were made, its Before the article as it
// reads now, its After the zero Article. An article that never changed has
// none, and a nil error.
//
// Everything is read in one repeatable-read transaction, so that a
// correction made meanwhile is seen whole or not at all.
func (s *Store) Revisions(ctx context.Context, ref string) ([]herald.Revision, error) {
	var revs []herald.Revision
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		id, err := traceID(ctx, tx, ref)
		if err != nil {
			return err
		}
		article, err := articleByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if revs, err = revisions(ctx, tx, id, article); err != nil {
			return err
		}
		edits, err := articleEdits(ctx, tx, id)
		if err != nil {
			return err
		}
		byID := make(map[int64]*herald.Revision, len(revs))
		for i := range revs {
			byID[revs[i].ID] = &revs[i]
		}
		deletion := herald.Revision{Before: article}
		for _, e := range edits {
			if e.Kind == herald.DeletePost {
				if deletion.At.IsZero() || e.Created.Before(deletion.At) {
					deletion.At = e.Created
				}
				deletion.Edits = append(deletion.Edits, e)
				continue
			}
			if r, ok := byID[e.Revision]; ok {
				r.Edits = append(r.Edits, e)
			}
		}
		if len(deletion.Edits) > 0 {
			revs = append(revs, deletion)
		}
		return nil
	})
	if errors.Is(err, pgx.ErrNoRows) {
		err = herald.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: revisions of %q: %w", ref, err)
	}
	return revs, nil
}

// revisions reads the revisions of the article id, which reads as article
// now.
func revisions(ctx context.Context, q querier, id int64, article herald.Article) ([]herald.Revision, error) {
	rows, err := q.Query(ctx, selectRevisions, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	revs := []herald.Revision{}
	for rows.Next() {
		var (
			r    herald.Revision
			b, a = article, article
		)
		err := rows.Scan(&r.ID, &r.At,
			&b.Headline, &b.Dateline.Text, &b.Dateline.Place, &b.Dateline.Date,
			&b.Dateline.Agency, &b.Lead, &b.Image,
			&a.Headline, &a.Dateline.Text, &a.Dateline.Place, &a.Dateline.Date,
			&a.Dateline.Agency, &a.Lead, &a.Image)
		if err != nil {
			return nil, err
		}
		r.At, r.Before, r.After = utc(r.At), b, a
		revs = append(revs, r)
	}
	return revs, rows.Err()
}

// articleEdits reads the edits of the posts of the article id, by target.
func articleEdits(ctx context.Context, q querier, id int64) ([]herald.Edit, error) {
	rows, err := q.Query(ctx, selectArticleEdits, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []herald.Edit
	for rows.Next() {
		e, err := scanEdit(rows)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}
