package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/heraldhq/herald"
)

// What the index keeps of an article: a row in search with the words of
// its headline and of its lead, and a tsvector of its words (see the
// migration); and a row in article_topics, and a count in topics, for
// each distinct key of its Topics. Each is written with one statement
// for a whole Ingest, from arrays.
const (
	// upsertSearch indexes articles new or changed.
	upsertSearch = `INSERT INTO search (article_id, published, headline, lead, words)
	SELECT id, p, h, l, w::tsvector
	FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[]) AS r (id, p, h, l, w)
	ON CONFLICT (article_id) DO UPDATE SET
		headline = excluded.headline, lead = excluded.lead, words = excluded.words`
	upsertTopics = `INSERT INTO topics (key, name, articles)
	SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])
	ON CONFLICT (key) DO UPDATE SET articles = topics.articles + excluded.articles`
	insertArticleTopics = `INSERT INTO article_topics (key, published, article_id)
	SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::bigint[])`
)

// indexArticles indexes articles just recorded.
func indexArticles(ctx context.Context, tx pgx.Tx, articles []recorded) error {
	if len(articles) == 0 {
		return nil
	}
	if err := indexText(ctx, tx, articles); err != nil {
		return err
	}
	var (
		tagKeys  []string
		tagTimes []time.Time
		tagIDs   []int64
		// The name first seen and the count of articles of each key.
		topics = make(map[string]*herald.TopicCount)
		seen   []string // the keys of one article
	)
	for _, r := range articles {
		seen = seen[:0]
		for _, name := range r.article.Topics {
			key := herald.TopicKey(name)
			if key == "" || slices.Contains(seen, key) {
				continue
			}
			seen = append(seen, key)
			tagKeys = append(tagKeys, key)
			tagTimes = append(tagTimes, r.published)
			tagIDs = append(tagIDs, r.id)
			if tc, ok := topics[key]; ok {
				tc.Articles++
				continue
			}
			topics[key] = &herald.TopicCount{Name: name, Articles: 1}
		}
	}
	if len(topics) == 0 {
		return nil
	}
	// In the order of their keys, so that concurrent upserts lock the rows
	// of topics in the same order.
	keys := make([]string, 0, len(topics))
	for key := range topics {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	names := make([]string, len(keys))
	counts := make([]int32, len(keys))
	for i, key := range keys {
		names[i], counts[i] = topics[key].Name, int32(topics[key].Articles)
	}
	if _, err := tx.Exec(ctx, upsertTopics, keys, names, counts); err != nil {
		return fmt.Errorf("index topics: %w", err)
	}
	if _, err := tx.Exec(ctx, insertArticleTopics, tagKeys, tagTimes, tagIDs); err != nil {
		return fmt.Errorf("index topics: %w", err)
	}
	return nil
}

// indexText indexes the words of articles, new or changed, in place of
// any they were indexed with before. The words are taken from the
// articles as given, body included; their topics do not change.
func indexText(ctx context.Context, tx pgx.Tx, articles []recorded) error {
	if len(articles) == 0 {
		return nil
	}
	var (
		ids       = make([]int64, len(articles))
		published = make([]time.Time, len(articles))
		headlines = make([]string, len(articles))
		leads     = make([]string, len(articles))
		tsvectors = make([]string, len(articles))
	)
	for i, r := range articles {
		w := articleWords(*r.article)
		ids[i], published[i] = r.id, r.published
		headlines[i], leads[i], tsvectors[i] = w.headline, w.lead, w.tsvector()
	}
	if _, err := tx.Exec(ctx, upsertSearch, ids, published, headlines, leads, tsvectors); err != nil {
		return fmt.Errorf("index text: %w", err)
	}
	return nil
}

// words are the words of an article's parts, as herald.TopicKey has them.
type words struct {
	headline, lead, body string
}

// articleWords returns the words of a's parts. The body counts up to
// herald.MaxBody characters.
func articleWords(a herald.Article) words {
	return words{
		headline: herald.TopicKey(a.Headline),
		lead:     herald.TopicKey(a.Lead),
		body:     herald.TopicKey(capRunes(a.Body, herald.MaxBody)),
	}
}

// maxLexeme is the longest word, in bytes, a tsvector or tsquery holds.
// A longer word is left out of the index; a query for it finds nothing.
const maxLexeme = 2047

// tsvector returns the text of the tsvector of w: each word once, a word
// of the headline with the position 1 of weight A, one of the lead with
// the position 2 of weight B, one only in the body with no position.
func (w words) tsvector() string {
	const headline, lead = 1, 2
	marks := make(map[string]int)
	var order []string
	for _, part := range []struct {
		text string
		mark int
	}{{w.headline, headline}, {w.lead, lead}, {w.body, 0}} {
		for _, word := range strings.Fields(part.text) {
			if len(word) > maxLexeme {
				continue
			}
			m, ok := marks[word]
			if !ok {
				order = append(order, word)
			}
			marks[word] = m | part.mark
		}
	}
	var b strings.Builder
	for i, word := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(word))
		switch marks[word] {
		case headline:
			b.WriteString(":1A")
		case lead:
			b.WriteString(":2B")
		case headline | lead:
			b.WriteString(":1A,2B")
		}
	}
	return b.String()
}

// quoteLexeme returns word quoted for the text of a tsvector or tsquery,
// where it is taken as it is, never as an operator.
func quoteLexeme(word string) string {
	if strings.ContainsAny(word, `'\`) {
		word = strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(word)
	}
	return "'" + word + "'"
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
