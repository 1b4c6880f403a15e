-- Chats that moved, and a faster lookup of articles by URL.

-- moves records that a chat moved to another (a Telegram group upgraded to
-- a supergroup): one row per old chat, naming where it is now. Chains are
-- kept resolved: when b moves to c, the row of a, which moved to b, names c
-- too, so one lookup finds the chat of today.
CREATE TABLE moves (
    from_target TEXT PRIMARY KEY,
    to_target   TEXT NOT NULL,
    since       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- articles_url finds the articles of a canonical link, for Trace.
CREATE INDEX articles_url ON articles (url);
