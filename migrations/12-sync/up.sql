-- Schema version 12: sync through a folder the user owns (issue 16, docs/SYNC-FORMAT.md).
-- None of these tables is read by the rest of the library; they are the sync
-- module's memory of what it sent, received and last saw.

-- device_id, folder, clock (the last stamp issued or seen), seq (the last change
-- file written), last_sync (unix ms).
CREATE TABLE sync_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The winning value of every synced field: kind (label, thread, highlight, read or
-- a kind from a newer version), entity (its stable key), field. value is JSON;
-- stamp the hybrid logical clock stamp that wrote it; prev the stamp of the value
-- the writing device replaced; extra the record's keys this version does not know.
CREATE TABLE sync_fields (
    kind   TEXT NOT NULL,
    entity TEXT NOT NULL,
    field  TEXT NOT NULL,
    value  TEXT NOT NULL,
    stamp  TEXT NOT NULL,
    prev   TEXT,
    extra  TEXT,
    PRIMARY KEY (kind, entity, field)
) WITHOUT ROWID;

-- Add-wins sets (a highlight's tags and links): one row per add; removed_by is the
-- stamp of a remove that saw that add. An element is present while one of its
-- adds is not removed.
CREATE TABLE sync_set (
    kind       TEXT NOT NULL,
    entity     TEXT NOT NULL,
    field      TEXT NOT NULL,
    element    TEXT NOT NULL,
    add_stamp  TEXT NOT NULL,
    removed_by TEXT,
    PRIMARY KEY (kind, entity, field, element, add_stamp)
) WITHOUT ROWID;

-- What the library held, per entity, when the sync module last looked (JSON of
-- its fields): a difference is a local edit to send.
CREATE TABLE sync_seen (
    kind   TEXT NOT NULL,
    entity TEXT NOT NULL,
    state  TEXT NOT NULL,
    PRIMARY KEY (kind, entity)
) WITHOUT ROWID;

-- Entities whose winning values could not be written to the library yet (their
-- thread, or a thread's content file, has not arrived).
CREATE TABLE sync_pending (
    kind   TEXT NOT NULL,
    entity TEXT NOT NULL,
    PRIMARY KEY (kind, entity)
) WITHOUT ROWID;

-- Records to write into this device's next change file (JSON lines).
CREATE TABLE sync_outbox (
    seq    INTEGER PRIMARY KEY,
    record TEXT NOT NULL
);

-- Thread contents (compressed JSON) to write to the folder, and the content each
-- thread last took from or gave to the folder.
CREATE TABLE sync_blobs_out (
    hash  TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE sync_thread_content (
    thread TEXT PRIMARY KEY,
    blob   TEXT NOT NULL
) WITHOUT ROWID;

-- Change files read whole (a path read again at another size is read again).
CREATE TABLE sync_files (
    path    TEXT NOT NULL,
    size    INTEGER NOT NULL,
    records INTEGER NOT NULL,
    PRIMARY KEY (path, size)
) WITHOUT ROWID;

-- Every value that lost to a concurrent edit or delete: shown to the user and
-- restorable. reason: 'edit' (a concurrent edit of the same field won) or 'delete'
-- (the entity was deleted by a device that had not seen this edit).
CREATE TABLE sync_conflicts (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    entity       TEXT NOT NULL,
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,
    stamp        TEXT NOT NULL,
    winner       TEXT NOT NULL,
    winner_value TEXT,
    reason       TEXT NOT NULL CHECK (reason IN ('edit', 'delete')),
    noticed_at   INTEGER NOT NULL,
    restored_at  INTEGER,
    UNIQUE (kind, entity, field, stamp, value)
);
