package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/heraldhq/herald"
)

// What the index keeps of an article: a row in search with the words of
// its headline, lead and body, and those of its headline and of its lead
// apart; a row in about with the words of its headline and lead as
// herald.Article.Words has them; and a row in article_topics, and a count
// in topics, for each distinct key of its Topics.
//
// Each is written with insertRows, a few statements for a whole Ingest.
const (
	insertSearch       = `INSERT INTO search (rowid, words, headline, lead, published) VALUES`
	searchRow          = `(?, ?, ?, ?, ?)`
	insertAbout        = `INSERT INTO about (rowid, words, published) VALUES`
	aboutRow           = `(?, ?, ?)`
	upsertTopic        = `INSERT INTO topics (key, name, articles) VALUES`
	topicRow           = `(?, ?, ?)`
	topicConflict      = `ON CONFLICT (key) DO UPDATE SET articles = articles + excluded.articles`
	insertArticleTopic = `INSERT INTO article_topics (key, published, article_id) VALUES`
	articleTopicRow    = `(?, ?, ?)`
)

// indexArticles indexes articles just recorded.
func indexArticles(ctx context.Context, tx *sql.Tx, articles []recorded) error {
	if len(articles) == 0 {
		return nil
	}
	search, about := textRows(articles)
	var (
		tagged []any
		// The topics of the articles, in the order first seen, and the
		// name first seen and the count of articles of each.
		keys   []string
		topics = make(map[string]*herald.TopicCount)
		seen   []string // the keys of one article
	)
	for _, r := range articles {
		a := r.article
		seen = seen[:0]
		for _, name := range a.Topics {
			key := herald.TopicKey(name)
			if key == "" || slices.Contains(seen, key) {
				continue
			}
			seen = append(seen, key)
			tagged = append(tagged, key, r.published, r.id)
			if tc, ok := topics[key]; ok {
				tc.Articles++
				continue
			}
			keys = append(keys, key)
			topics[key] = &herald.TopicCount{Name: name, Articles: 1}
		}
	}
	counts := make([]any, 0, 3*len(keys))
	for _, key := range keys {
		counts = append(counts, key, topics[key].Name, topics[key].Articles)
	}
	for _, ins := range []struct {
		insert, row, suffix string
		args                []any
	}{
		{insertSearch, searchRow, "", search},
		{insertAbout, aboutRow, "", about},
		{upsertTopic, topicRow, topicConflict, counts},
		{insertArticleTopic, articleTopicRow, "", tagged},
	} {
		if _, err := insertRows(ctx, tx, ins.insert, ins.row, ins.suffix, ins.args); err != nil {
			return fmt.Errorf("index: %w", err)
		}
	}
	return nil
}

// textRows returns the values of the rows of search and of about that
// index the words of articles.
func textRows(articles []recorded) (search, about []any) {
	search = make([]any, 0, 5*len(articles))
	about = make([]any, 0, 3*len(articles))
	for _, r := range articles {
		w := articleWords(*r.article)
		search = append(search, r.id, w.all, w.headline, w.lead, r.published)
		about = append(about, r.id, w.about, r.published)
	}
	return search, about
}

// reindexText indexes the words of articles recorded before, whose text
// changed, in place of those they were indexed with. The text indexes do
// not keep what they index, so the old words go whatever they were, and
// the new ones are taken from the articles as given, body included. Their
// topics do not change.
func reindexText(ctx context.Context, tx *sql.Tx, articles []recorded) error {
	if len(articles) == 0 {
		return nil
	}
	ids := make([]int64, len(articles))
	for i, r := range articles {
		ids[i] = r.id
	}
	for _, table := range []string{"search", "about"} {
		err := inChunks(ids, func(args []any, params string) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE rowid IN (`+params+`)`, args...)
			return err
		})
		if err != nil {
			return fmt.Errorf("reindex: %w", err)
		}
	}
	search, about := textRows(articles)
	if _, err := insertRows(ctx, tx, insertSearch, searchRow, "", search); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	if _, err := insertRows(ctx, tx, insertAbout, aboutRow, "", about); err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	return nil
}

// words are the words of an article's parts, as herald.TopicKey has them.
type words struct {
	headline, lead string
	// about is the headline's and the lead's words: the words of
	// herald.Article.Words, without the spaces around them.
	about string
	// all adds the body's words to about's.
	all string
}

// articleWords returns the words of a's parts. The body counts up to
// herald.MaxBody characters.
func articleWords(a herald.Article) words {
	w := words{headline: herald.TopicKey(a.Headline), lead: herald.TopicKey(a.Lead)}
	// TopicKey makes "\n" a space and trims, and "\n" ends a normalisation
	// segment: the key of headline and lead joined is their keys joined.
	w.about = joinWords(w.headline, w.lead)
	w.all = joinWords(w.about, herald.TopicKey(capRunes(a.Body, herald.MaxBody)))
	return w
}

// joinWords joins two runs of words with a space.
func joinWords(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// capRunes returns s cut to at most n characters.
func capRunes(s string, n int) string {
	if len(s) <= n {
		return s // no more bytes, so no more characters
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// indexBatch is how many queued articles indexQueued indexes in one
// transaction.
const indexBatch = 1000

// indexQueued indexes the articles listed in index_queue, which a migration
// fills when the index must be built for articles already recorded, and
// empties the queue. Each batch commits with its removal from the queue,
// so an interrupted run resumes where it stopped.
func indexQueued(ctx context.Context, db *sql.DB) error {
	for {
		done, err := indexQueuedBatch(ctx, db)
		if err != nil {
			return fmt.Errorf("index recorded articles: %w", err)
		}
		if done {
			return nil
		}
	}
}

// indexQueuedBatch indexes the first articles of index_queue and reports
// whether the queue was empty.
func indexQueuedBatch(ctx context.Context, db *sql.DB) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT q.article_id, a.id IS NOT NULL,
		coalesce(a.key, ''), coalesce(a.headline, ''), coalesce(a.lead, ''),
		coalesce(a.topics, 'null'), coalesce(a.published, 0)
		FROM index_queue q LEFT JOIN articles a ON a.id = q.article_id
		ORDER BY q.article_id LIMIT ?`, indexBatch)
	if err != nil {
		return false, err
	}
	var (
		batch []recorded
		last  int64 = -1
	)
	for rows.Next() {
		var (
			r      recorded
			exists bool
			topics string
			a      herald.Article
		)
		if err := rows.Scan(&r.id, &exists, &a.Key, &a.Headline, &a.Lead, &topics, &r.published); err != nil {
			rows.Close()
			return false, err
		}
		last = r.id
		if !exists {
			continue // deleted since it was queued
		}
		if a.Topics, err = decodeTopics(topics); err != nil {
			rows.Close()
			return false, fmt.Errorf("article %d: %w", r.id, err)
		}
		r.article = &a
		batch = append(batch, r)
	}
	if err := rows.Close(); err != nil {
		return false, err
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	if last < 0 {
		return true, nil
	}
	if err := indexArticles(ctx, tx, batch); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM index_queue WHERE article_id <= ?`, last); err != nil {
		return false, err
	}
	return false, tx.Commit()
}
