-- Schema version 13: the conflict history keeps three more kinds of lost work
-- (issue 16, docs/SYNC-FORMAT.md): a highlight made or edited on a thread another
-- device deleted ('thread'), a highlight given a label another device deleted
-- ('label'), and a tag or link removal that lost to a concurrent add ('remove').

CREATE TABLE sync_conflicts_13 (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    entity       TEXT NOT NULL,
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,
    stamp        TEXT NOT NULL,
    winner       TEXT NOT NULL,
    winner_value TEXT,
    reason       TEXT NOT NULL CHECK (reason IN ('edit', 'delete', 'thread', 'label', 'remove')),
    noticed_at   INTEGER NOT NULL,
    restored_at  INTEGER,
    UNIQUE (kind, entity, field, stamp, value)
);
INSERT INTO sync_conflicts_13 SELECT id, kind, entity, field, value, stamp, winner, winner_value,
    reason, noticed_at, restored_at FROM sync_conflicts;
DROP TABLE sync_conflicts;
ALTER TABLE sync_conflicts_13 RENAME TO sync_conflicts;

-- For an add of a set element: the removes of that element its device had seen
-- (JSON array of stamps; NULL: none said, as older change files write). A remove
-- the add had not seen, that had not seen the add either, lost to it.
ALTER TABLE sync_set ADD COLUMN saw TEXT;
