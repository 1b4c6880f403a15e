-- The first schema of the Herald store.
--
-- Every time is an INTEGER count of microseconds since the Unix epoch, UTC:
-- it sorts as a number, and it is the precision PostgreSQL keeps too.

-- feeds records that Ingest ran for a feed; a feed without a row here is
-- seen for the first time.
CREATE TABLE feeds (
    url          TEXT PRIMARY KEY,
    first_ingest INTEGER NOT NULL,
    last_ingest  INTEGER NOT NULL
) STRICT;

-- feed_state remembers the validators and result of a feed's last fetch.
-- It is kept apart from feeds so that saving it never counts as an ingest.
CREATE TABLE feed_state (
    url           TEXT PRIMARY KEY,
    etag          TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    last_fetch    INTEGER NOT NULL,
    last_error    TEXT NOT NULL
) STRICT;

-- articles holds every article ever seen, one row per Key.
CREATE TABLE articles (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             TEXT NOT NULL UNIQUE,
    url             TEXT NOT NULL,
    headline        TEXT NOT NULL,
    dateline_text   TEXT NOT NULL,
    dateline_place  TEXT NOT NULL,
    dateline_date   TEXT NOT NULL,
    dateline_agency TEXT NOT NULL,
    lead            TEXT NOT NULL,
    topics          TEXT NOT NULL, -- JSON array, or null for none
    image           TEXT NOT NULL,
    published       INTEGER NOT NULL,
    source          TEXT NOT NULL,
    feed            TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    first_seen      INTEGER NOT NULL
) STRICT;

-- deliveries is the outbox: one row per article and target. Ids are never
-- reused, so a stale id can never mark another delivery.
CREATE TABLE deliveries (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id        INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    target            TEXT NOT NULL,
    -- article_published copies articles.published (which never changes) so
    -- that one index yields a target's queue in order without a sort.
    article_published INTEGER NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt      INTEGER NOT NULL,
    created           INTEGER NOT NULL,
    sent_at           INTEGER,
    message_id        TEXT NOT NULL DEFAULT '',
    last_error        TEXT NOT NULL DEFAULT '',
    UNIQUE (article_id, target)
) STRICT;

-- deliveries_queue holds only pending rows: the head of a queue is its first
-- entry, however long the history of sent deliveries grows.
CREATE INDEX deliveries_queue
    ON deliveries (target, article_published, article_id)
    WHERE state = 'pending';

-- deliveries_target lists a target's deliveries of every state in order.
CREATE INDEX deliveries_target
    ON deliveries (target, article_published, article_id);
