-- WebSub subscriptions, kept across restarts.

-- websub_subscriptions holds one row per websub.Subscription, keyed by the
-- ID its callback URL names. expires and requested are NULL for the zero
-- time: a subscription not yet verified or not yet requested. state is not
-- checked here: the subscriber owns the set of states.
CREATE TABLE websub_subscriptions (
    id            TEXT PRIMARY KEY,
    topic         TEXT NOT NULL,
    hub           TEXT NOT NULL,
    secret        TEXT NOT NULL,
    callback      TEXT NOT NULL,
    state         TEXT NOT NULL,
    lease_seconds INTEGER NOT NULL,
    expires       INTEGER,
    requested     INTEGER,
    reason        TEXT NOT NULL
) STRICT, WITHOUT ROWID;
