-- Corrections, retractions and digests: the item hash of each article, the
-- revisions of its content, the edits of its sent posts, what each feed
-- listed last, and which deliveries went out in a digest.

-- item_hash is the herald.Article.ItemHash last recorded for the article:
-- its ContentHash as its feed item gave it. Articles recorded before have
-- none ('') and take the next one silently.
ALTER TABLE articles ADD COLUMN item_hash TEXT NOT NULL DEFAULT '';

-- digest is 1 for a delivery sent as part of a digest post: its
-- message_id names the digest, whose posts are never edited.
ALTER TABLE deliveries ADD COLUMN digest INTEGER NOT NULL DEFAULT 0 CHECK (digest IN (0, 1));

-- deliveries_sent finds a target's latest post at the end of one range,
-- however long its history.
CREATE INDEX deliveries_sent ON deliveries (target, sent_at) WHERE sent_at IS NOT NULL;

-- revisions records each change of an article's content found after it
-- was recorded: what a reader sees of it (headline, dateline, lead, image)
-- before and after.
CREATE TABLE revisions (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id             INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    found                  INTEGER NOT NULL,
    before_headline        TEXT NOT NULL,
    before_dateline_text   TEXT NOT NULL,
    before_dateline_place  TEXT NOT NULL,
    before_dateline_date   TEXT NOT NULL,
    before_dateline_agency TEXT NOT NULL,
    before_lead            TEXT NOT NULL,
    before_image           TEXT NOT NULL,
    after_headline         TEXT NOT NULL,
    after_dateline_text    TEXT NOT NULL,
    after_dateline_place   TEXT NOT NULL,
    after_dateline_date    TEXT NOT NULL,
    after_dateline_agency  TEXT NOT NULL,
    after_lead             TEXT NOT NULL,
    after_image            TEXT NOT NULL
) STRICT;

-- revisions_article lists an article's revisions in order.
CREATE INDEX revisions_article ON revisions (article_id, id);

-- edits is the outbox of corrections: one row per change of one sent post.
-- An 'edit' rewrites the post for a revision; a 'delete', which has no
-- revision, removes the post of a retracted article. A post is edited at
-- most once per revision and deleted at most once.
CREATE TABLE edits (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    revision_id  INTEGER REFERENCES revisions (id) ON DELETE CASCADE,
    delivery_id  INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('edit', 'delete')),
    state        TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    created      INTEGER NOT NULL,
    done_at      INTEGER,
    last_error   TEXT NOT NULL DEFAULT '',
    CHECK ((kind = 'edit') = (revision_id IS NOT NULL)),
    UNIQUE (delivery_id, revision_id)
) STRICT;

-- edits_delete allows one deletion per post.
CREATE UNIQUE INDEX edits_delete ON edits (delivery_id) WHERE kind = 'delete';

-- edits_revision lists the edits of a revision.
CREATE INDEX edits_revision ON edits (revision_id);

-- edits_pending holds only pending edits, oldest first: the queues of
-- edits are read from it, however long the history grows.
CREATE INDEX edits_pending ON edits (created, id) WHERE state = 'pending';

-- listings remembers the articles each feed listed at its last Ingest, so
-- that the next one can tell which left it. Like article_topics, it is
-- written only with its articles, so it has no foreign key to check.
CREATE TABLE listings (
    feed       TEXT NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (feed, article_id)
) STRICT, WITHOUT ROWID;
