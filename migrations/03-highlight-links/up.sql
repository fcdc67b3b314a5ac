-- Schema version 3: links between highlights, the thread's argument map
-- ("this evidence supports that claim", "this rebuttal answers it").
-- A link reads "from <kind> to": from_id supports / rebuts / answers / qualifies to_id.
-- Both ends are highlights of the same thread; a link goes when either end goes.
-- The uuid is the link's identity in a JSON backup.
CREATE TABLE highlight_links (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT    NOT NULL UNIQUE,
    thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    from_id     INTEGER NOT NULL REFERENCES highlights(id) ON DELETE CASCADE,
    to_id       INTEGER NOT NULL REFERENCES highlights(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('supports', 'rebuts', 'answers', 'qualifies')),
    created_at  INTEGER NOT NULL,
    CHECK (from_id <> to_id),
    UNIQUE (from_id, to_id, kind)
);
CREATE INDEX highlight_links_thread ON highlight_links(thread_id);
CREATE INDEX highlight_links_to ON highlight_links(to_id);
