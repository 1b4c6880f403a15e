-- The schema of the Herald store.
--
-- Times are timestamptz, which keeps microseconds. Text that is sorted or
-- compared as a name (keys, URLs, targets, topic keys) uses the "C"
-- collation: byte order, whatever the locale of the database. Topic keys
-- and indexed words are herald.TopicKey forms, computed in Go: SQL never
-- normalises text itself, so what the store matches is what
-- herald.Article.About matches.

-- feeds records that Ingest ran for a feed; a feed without a row here is
-- seen for the first time.
CREATE TABLE feeds (
    url          text COLLATE "C" PRIMARY KEY,
    first_ingest timestamptz NOT NULL,
    last_ingest  timestamptz NOT NULL
);

-- feed_state remembers the validators and result of a feed's last fetch.
-- It is kept apart from feeds so that saving it never counts as an ingest.
CREATE TABLE feed_state (
    url           text COLLATE "C" PRIMARY KEY,
    etag          text NOT NULL,
    last_modified text NOT NULL,
    last_fetch    timestamptz NOT NULL,
    last_error    text NOT NULL
);

-- articles holds every article ever seen, one row per key. topics is NULL
-- for an article given none and '{}' for one given an empty list, so that
-- both come back as they went in. item_hash is the herald.Article.ItemHash
-- last recorded from the article's feed.
CREATE TABLE articles (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key             text COLLATE "C" NOT NULL UNIQUE,
    url             text COLLATE "C" NOT NULL,
    headline        text NOT NULL,
    dateline_text   text NOT NULL,
    dateline_place  text NOT NULL,
    dateline_date   text NOT NULL,
    dateline_agency text NOT NULL,
    lead            text NOT NULL,
    topics          text[],
    image           text NOT NULL,
    published       timestamptz NOT NULL,
    source          text NOT NULL,
    feed            text COLLATE "C" NOT NULL,
    content_hash    text NOT NULL,
    item_hash       text NOT NULL DEFAULT '',
    first_seen      timestamptz NOT NULL
);

-- articles_published lists every article newest first, for Latest.
CREATE INDEX articles_published ON articles (published, id);

-- articles_url finds the articles of a canonical link, for Trace.
CREATE INDEX articles_url ON articles (url, id);

-- deliveries is the outbox: one row per article and target. Ids are never
-- reused, so a stale id can never mark another delivery. digest is true
-- for a delivery sent as part of a digest post, whose message_id names
-- the digest and whose post is never edited.
CREATE TABLE deliveries (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id        bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    target            text COLLATE "C" NOT NULL,
    -- article_published copies articles.published (which never changes) so
    -- that one index yields a target's queue in order without a sort.
    article_published timestamptz NOT NULL,
    state             text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts          integer NOT NULL DEFAULT 0,
    next_attempt      timestamptz NOT NULL,
    created           timestamptz NOT NULL,
    sent_at           timestamptz,
    message_id        text NOT NULL DEFAULT '',
    last_error        text NOT NULL DEFAULT '',
    digest            boolean NOT NULL DEFAULT false,
    UNIQUE (article_id, target)
);

-- deliveries_queue holds only pending rows: the head of a queue is its first
-- entry, however long the history of sent deliveries grows.
CREATE INDEX deliveries_queue
    ON deliveries (target, article_published, article_id)
    WHERE state = 'pending';

-- deliveries_target lists a target's deliveries of every state in order.
CREATE INDEX deliveries_target ON deliveries (target, article_published, article_id);

-- deliveries_sent finds a target's latest post at the end of one range.
CREATE INDEX deliveries_sent ON deliveries (target, sent_at) WHERE sent_at IS NOT NULL;

-- follows holds one row per target and topic key.
CREATE TABLE follows (
    target    text COLLATE "C" NOT NULL,
    topic_key text COLLATE "C" NOT NULL CHECK (topic_key <> ''),
    topic     text NOT NULL,
    made_by   text NOT NULL,
    created   timestamptz NOT NULL,
    PRIMARY KEY (target, topic_key)
);

-- paused holds the targets whose follows do not deliver, with the first
-- reason given.
CREATE TABLE paused (
    target text COLLATE "C" PRIMARY KEY,
    reason text NOT NULL,
    since  timestamptz NOT NULL
);

-- topics counts the articles of each topic key; name is the first spelling
-- of the key seen.
CREATE TABLE topics (
    key      text COLLATE "C" PRIMARY KEY,
    name     text COLLATE "C" NOT NULL,
    articles integer NOT NULL
);

-- article_topics lists the articles of a topic key, newest last.
CREATE TABLE article_topics (
    key        text COLLATE "C" NOT NULL,
    published  timestamptz NOT NULL,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (key, published, article_id)
);

-- search is the full-text index of the articles. headline and lead are
-- the words of each; words is a tsvector of every word of the headline,
-- lead and body, built in Go from those words with no parser involved: a
-- word of the headline carries weight A, one of the lead weight B, one
-- only in the body neither, and no word has a meaningful position. Search
-- matches words in any part; Latest matches words of weight A or B and
-- then checks the phrase against headline and lead. The body itself is
-- not kept.
CREATE TABLE search (
    article_id bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    published  timestamptz NOT NULL,
    headline   text NOT NULL,
    lead       text NOT NULL,
    words      tsvector NOT NULL
);

CREATE INDEX search_words ON search USING gin (words);

-- cursors keeps named positions across restarts.
CREATE TABLE cursors (
    name  text COLLATE "C" PRIMARY KEY,
    value bigint NOT NULL
);

-- moves records that a chat moved to another: one row per old chat,
-- naming where it is now (chains are kept resolved).
CREATE TABLE moves (
    from_target text COLLATE "C" PRIMARY KEY,
    to_target   text COLLATE "C" NOT NULL,
    since       timestamptz NOT NULL
);

-- revisions records each change of an article's content found after it
-- was recorded: what a reader sees of it before and after.
CREATE TABLE revisions (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id             bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    found                  timestamptz NOT NULL,
    before_headline        text NOT NULL,
    before_dateline_text   text NOT NULL,
    before_dateline_place  text NOT NULL,
    before_dateline_date   text NOT NULL,
    before_dateline_agency text NOT NULL,
    before_lead            text NOT NULL,
    before_image           text NOT NULL,
    after_headline         text NOT NULL,
    after_dateline_text    text NOT NULL,
    after_dateline_place   text NOT NULL,
    after_dateline_date    text NOT NULL,
    after_dateline_agency  text NOT NULL,
    after_lead             text NOT NULL,
    after_image            text NOT NULL
);

CREATE INDEX revisions_article ON revisions (article_id, id);

-- edits is the outbox of corrections: one row per change of one sent post.
-- An 'edit' rewrites the post for a revision; a 'delete', which has no
-- revision, removes the post of a retracted article. A post is edited at
-- most once per revision and deleted at most once.
CREATE TABLE edits (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    revision_id  bigint REFERENCES revisions (id) ON DELETE CASCADE,
    delivery_id  bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('edit', 'delete')),
    state        text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts     integer NOT NULL DEFAULT 0,
    next_attempt timestamptz NOT NULL,
    created      timestamptz NOT NULL,
    done_at      timestamptz,
    last_error   text NOT NULL DEFAULT '',
    CHECK ((kind = 'edit') = (revision_id IS NOT NULL)),
    UNIQUE (delivery_id, revision_id)
);

-- edits_delete allows one deletion per post.
CREATE UNIQUE INDEX edits_delete ON edits (delivery_id) WHERE kind = 'delete';

-- edits_revision lists the edits of a revision.
CREATE INDEX edits_revision ON edits (revision_id);

-- edits_pending holds only pending edits, oldest first.
CREATE INDEX edits_pending ON edits (created, id) WHERE state = 'pending';

-- listings remembers the articles each feed listed at its last Ingest, so
-- that the next one can tell which left it.
CREATE TABLE listings (
    feed       text COLLATE "C" NOT NULL,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (feed, article_id)
);

-- websub_subscriptions holds one row per websub.Subscription, keyed by the
-- ID its callback URL names. expires and requested are NULL for the zero
-- time. state is not checked here: the subscriber owns the set of states.
CREATE TABLE websub_subscriptions (
    id            text COLLATE "C" PRIMARY KEY,
    topic         text NOT NULL,
    hub           text NOT NULL,
    secret        text NOT NULL,
    callback      text NOT NULL,
    state         text NOT NULL,
    lease_seconds integer NOT NULL,
    expires       timestamptz,
    requested     timestamptz,
    reason        text NOT NULL
);
