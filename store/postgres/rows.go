package postgres

import (
	"fmt"
	"time"

	"github.com/heraldhq/herald"
)

// articleColumns are the columns scanArticle reads, in its order.
const articleColumns = `a.key, a.url, a.headline, a.dateline_text, a.dateline_place, a.dateline_date,
	a.dateline_agency, a.lead, a.topics, a.image, a.published, a.source, a.feed`

// deliveryColumns are the columns scanDelivery reads, in its order.
const deliveryColumns = `d.id, d.target, d.state, d.attempts, d.next_attempt, d.created,
	d.sent_at, d.message_id, d.last_error, d.digest, ` + articleColumns

// editColumns are the columns scanEdit reads, in its order: the edit's,
// then its delivery's.
const editColumns = `e.id, coalesce(e.revision_id, 0), e.kind, e.state, e.attempts, e.next_attempt,
	e.created, e.done_at, e.last_error, ` + deliveryColumns

// scanArticle reads a row of articleColumns, after the columns of first.
func scanArticle(row scanner, first ...any) (herald.Article, error) {
	var a herald.Article
	dest := append(first, articleDest(&a)...)
	if err := row.Scan(dest...); err != nil {
		return herald.Article{}, err
	}
	a.Published = utc(a.Published)
	return a, nil
}

// articleDest returns where to scan the articleColumns of a.
func articleDest(a *herald.Article) []any {
	return []any{&a.Key, &a.URL, &a.Headline, &a.Dateline.Text, &a.Dateline.Place, &a.Dateline.Date,
		&a.Dateline.Agency, &a.Lead, &a.Topics, &a.Image, &a.Published, &a.Source, &a.Feed}
}

// scanDelivery reads a row of deliveryColumns, after the columns of first.
func scanDelivery(row scanner, first ...any) (herald.Delivery, error) {
	var (
		d             herald.Delivery
		target, state string
		sent          *time.Time
	)
	dest := append(first, &d.ID, &target, &state, &d.Attempts, &d.NextAttempt, &d.Created,
		&sent, &d.MessageID, &d.LastError, &d.Digest)
	dest = append(dest, articleDest(&d.Article)...)
	if err := row.Scan(dest...); err != nil {
		return herald.Delivery{}, err
	}
	var err error
	if d.Target, err = herald.ParseTarget(target); err != nil {
		return herald.Delivery{}, fmt.Errorf("delivery %d: %w", d.ID, err)
	}
	d.State = herald.DeliveryState(state)
	d.NextAttempt, d.Created = utc(d.NextAttempt), utc(d.Created)
	if sent != nil {
		d.Sent = utc(*sent)
	}
	d.Article.Published = utc(d.Article.Published)
	return d, nil
}

// scanEdit reads a row of editColumns.
func scanEdit(row scanner) (herald.Edit, error) {
	var (
		e           herald.Edit
		kind, state string
		done        *time.Time
	)
	d, err := scanDelivery(row, &e.ID, &e.Revision, &kind, &state, &e.Attempts, &e.NextAttempt,
		&e.Created, &done, &e.LastError)
	if err != nil {
		return herald.Edit{}, err
	}
	e.Delivery = d
	e.Kind = herald.EditKind(kind)
	e.State = herald.DeliveryState(state)
	e.NextAttempt, e.Created = utc(e.NextAttempt), utc(e.Created)
	if done != nil {
		e.Done = utc(*done)
	}
	return e, nil
}
