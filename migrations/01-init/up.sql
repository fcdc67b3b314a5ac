-- Threadmark library, schema version 1.
-- Offsets (start/end) are Unicode code points of the post's canonical text.

CREATE TABLE threads (
    id             INTEGER PRIMARY KEY,
    title          TEXT    NOT NULL,
    source         TEXT    NOT NULL,            -- importer: text, hn, reddit, …
    source_key     TEXT,                        -- the source's id for the thread, when it has one
    url            TEXT,
    imported_at    INTEGER NOT NULL,            -- unix seconds of the last import
    created_at     INTEGER NOT NULL,            -- unix seconds of the first import
    last_opened_at INTEGER
);
CREATE UNIQUE INDEX threads_source_key ON threads(source, source_key) WHERE source_key IS NOT NULL;

CREATE TABLE posts (
    id          INTEGER PRIMARY KEY,
    thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    source_id   TEXT    NOT NULL,               -- the source's post id; line number for text dumps
    parent_id   TEXT,                           -- the parent's source_id
    position    INTEGER NOT NULL,               -- 0-based, thread order
    depth       INTEGER NOT NULL,
    author      TEXT,
    created_at  INTEGER,
    html        TEXT    NOT NULL,               -- sanitized; textContent == text
    text        TEXT    NOT NULL,               -- canonical text
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    UNIQUE (thread_id, source_id),
    UNIQUE (thread_id, position)
);

CREATE TABLE quotes (
    id           INTEGER PRIMARY KEY,
    thread_id    INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    post_id      INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    start        INTEGER NOT NULL,
    "end"        INTEGER NOT NULL,
    depth        INTEGER NOT NULL DEFAULT 1,
    text         TEXT    NOT NULL,
    source_post  INTEGER REFERENCES posts(id) ON DELETE SET NULL,  -- NULL: external or unresolved
    source_start INTEGER,
    source_end   INTEGER,
    score        REAL,
    CHECK (start <= "end")
);
CREATE INDEX quotes_post ON quotes(post_id);
CREATE INDEX quotes_source ON quotes(source_post);

CREATE TABLE labels (
    id        INTEGER PRIMARY KEY,
    name      TEXT    NOT NULL UNIQUE,
    color     TEXT    NOT NULL CHECK (color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    shortcut  TEXT,
    position  INTEGER NOT NULL
);
INSERT INTO labels (name, color, shortcut, position) VALUES
    ('Claim',      '#e0a100', '1', 0),
    ('Evidence',   '#2f9e44', '2', 1),
    ('Rebuttal',   '#e03131', '3', 2),
    ('Question',   '#1c7ed6', '4', 3),
    ('Concession', '#9c36b5', '5', 4);

-- A highlight belongs to a thread and a post's source id, so it survives re-import
-- (posts are rewritten; highlights are re-anchored, never deleted by an import).
CREATE TABLE highlights (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT    NOT NULL UNIQUE,
    thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    post_source TEXT    NOT NULL,
    label_id    INTEGER REFERENCES labels(id) ON DELETE SET NULL,
    exact       TEXT    NOT NULL,               -- TextQuoteSelector
    prefix      TEXT    NOT NULL DEFAULT '',
    suffix      TEXT    NOT NULL DEFAULT '',
    start       INTEGER NOT NULL,               -- TextPositionSelector
    "end"       INTEGER NOT NULL,
    note        TEXT    NOT NULL DEFAULT '',
    state       TEXT    NOT NULL DEFAULT 'anchored'
                CHECK (state IN ('anchored', 'moved', 'fuzzy', 'orphaned')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    CHECK (start <= "end")
);
CREATE INDEX highlights_thread ON highlights(thread_id, post_source);

CREATE TABLE highlight_tags (
    highlight_id INTEGER NOT NULL REFERENCES highlights(id) ON DELETE CASCADE,
    tag          TEXT    NOT NULL,
    PRIMARY KEY (highlight_id, tag)
);

-- Full-text index over post text, kept in step by triggers.
CREATE VIRTUAL TABLE posts_fts USING fts5(
    text,
    content = 'posts',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER posts_fts_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER posts_fts_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO posts_fts(rowid, text) VALUES (new.id, new.text);
END;
