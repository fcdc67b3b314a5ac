-- Schema version 5: posts are added to the full-text index by the code that
-- inserts them, in one statement per import, instead of by a trigger per row.
-- Indexing ten thousand posts one trigger call at a time cost about as much as
-- the rest of the write. Updates and deletes keep their triggers.
-- hashsize: FTS5 keeps up to this many bytes of pending index changes in memory
-- before it writes a segment (the default, 1 MiB, wrote a 10,000-post thread as
-- many small segments that were then merged).
DROP TRIGGER posts_fts_insert;
INSERT INTO posts_fts(posts_fts, rank) VALUES ('hashsize', 16777216);
-- A post whose text did not change (most of a re-import) is not re-indexed.
DROP TRIGGER posts_fts_update;
CREATE TRIGGER posts_fts_update AFTER UPDATE OF text ON posts WHEN old.text IS NOT new.text BEGIN
    INSERT INTO posts_fts(posts_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO posts_fts(rowid, text) VALUES (new.id, new.text);
END;
