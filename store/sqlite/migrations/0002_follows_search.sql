-- Follows, paused targets, the topics of articles, the search index and
-- named cursors.
--
-- Topic keys and indexed words are herald.TopicKey forms, computed in Go:
-- lower case, accents removed, words separated by one space. SQL never
-- normalises text itself, so what the store matches is what
-- herald.Article.About matches.

-- follows holds one row per target and topic key: the primary key both
-- makes a second follow of the same topic impossible and lists a target's
-- follows in order of their key. Listing every follow reads the table in
-- order, so no other index is needed.
CREATE TABLE follows (
    target    TEXT NOT NULL,
    topic_key TEXT NOT NULL CHECK (topic_key <> ''),
    topic     TEXT NOT NULL,
    made_by   TEXT NOT NULL,
    created   INTEGER NOT NULL,
    PRIMARY KEY (target, topic_key)
) STRICT, WITHOUT ROWID;

-- paused holds the targets whose follows do not deliver, with the first
-- reason given.
CREATE TABLE paused (
    target TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    since  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- topics counts the articles of each topic key; name is the first spelling
-- of the key seen.
CREATE TABLE topics (
    key      TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    articles INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- article_topics lists the articles of a topic key, newest last: the newest
-- articles of a topic are the end of one range of the primary key. Like
-- topics, search and about, it is written only with its article, in the
-- same transaction, so it has no foreign key to check on every insert.
CREATE TABLE article_topics (
    key        TEXT NOT NULL,
    published  INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (key, published, article_id)
) STRICT, WITHOUT ROWID;

-- articles_published lists every article newest first, for Latest of all
-- topics.
CREATE INDEX articles_published ON articles (published);

-- search and about are the full-text indexes of the articles; their rowid
-- is the article's id. Both are contentless: the text they index is not
-- stored. Nothing reads it back, and the body, which exists only there,
-- would double the size of the database. Rows can still be deleted
-- (contentless_delete), and the UNINDEXED columns are stored
-- (contentless_unindexed), so that ranking and ordering matches never
-- reads the wide articles rows.
--
-- The words are TopicKey forms already, so the ascii tokenizer, which
-- splits at ASCII spaces and punctuation only and keeps every other
-- character, yields exactly TopicKey's words, however new their script is
-- to SQLite's own Unicode tables.

-- search finds the articles whose headline, lead or body hold words. It
-- records only which articles hold a word (detail = none): Search matches
-- single words, and positions, most of them in bodies, would make the index
-- several times larger. headline and lead are the words of each, which
-- Search ranks by.
CREATE VIRTUAL TABLE search USING fts5 (
    words,
    headline UNINDEXED,
    lead UNINDEXED,
    published UNINDEXED,
    content = '',
    contentless_delete = 1,
    contentless_unindexed = 1,
    detail = none,
    tokenize = 'ascii'
);

-- about finds the articles whose headline and lead, as one text
-- (herald.Article.Words, which a phrase may span), hold a phrase: the
-- articles a follow of the phrase matches.
CREATE VIRTUAL TABLE about USING fts5 (
    words,
    published UNINDEXED,
    content = '',
    contentless_delete = 1,
    contentless_unindexed = 1,
    tokenize = 'ascii'
);

-- index_queue lists articles recorded but not yet indexed; Open indexes
-- them in Go, where TopicKey is. Here: every article recorded before this
-- migration.
CREATE TABLE index_queue (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE
) STRICT;
INSERT INTO index_queue (article_id) SELECT id FROM articles;

-- cursors keeps named positions across restarts.
CREATE TABLE cursors (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
