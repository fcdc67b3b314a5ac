-- Schema version 8: following a thread over time.
-- threads.source_url: the web address the thread was saved from (fetch or refresh),
-- what a refresh downloads again. Threads saved from a file have none: their
-- address is worked out from the source and its id where that names one
-- (Hacker News, Reddit, Lobsters; see store/follow.rs).
ALTER TABLE threads ADD COLUMN source_url TEXT;

-- Per post, what an edit replaced, kept by the library whatever writes the post:
-- previous_text: the text before its latest change (NULL: never edited here);
-- revision: how many times its text changed (0: as first saved);
-- arrived: 1 when the post came with a later version of its thread (a refresh or
-- a re-import), 0 when it was there from the first import.
ALTER TABLE posts ADD COLUMN previous_text TEXT;
ALTER TABLE posts ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE posts ADD COLUMN arrived INTEGER NOT NULL DEFAULT 0 CHECK (arrived IN (0, 1));
UPDATE posts SET arrived = 1 WHERE change = 'new';
CREATE TRIGGER posts_keep_previous AFTER UPDATE OF text ON posts WHEN old.text IS NOT new.text BEGIN
    UPDATE posts SET previous_text = old.text, revision = old.revision + 1 WHERE id = new.id;
END;
CREATE TRIGGER posts_arrived AFTER INSERT ON posts WHEN new.change = 'new' BEGIN
    UPDATE posts SET arrived = 1 WHERE id = new.id;
END;

-- What the user has read: a post counts as read once it was on screen in the
-- reader, or marked read from the CLI. Keyed by the post's source id, like
-- highlights, so it survives re-imports; `revision` is the post's revision when it
-- was read (an edit after that is an unread change).
CREATE TABLE post_reads (
    thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    post_source TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    read_at     INTEGER NOT NULL,
    PRIMARY KEY (thread_id, post_source)
) WITHOUT ROWID;
-- A post given another source id (a plain-text dump aligned with its new version)
-- keeps what was read of it.
CREATE TRIGGER posts_reads_follow_renames AFTER UPDATE OF source_id ON posts
WHEN old.source_id IS NOT new.source_id BEGIN
    UPDATE OR REPLACE post_reads SET post_source = new.source_id
        WHERE thread_id = new.thread_id AND post_source = old.source_id;
END;

-- The posts that can be news at all: the catch-up queue and the library's counts
-- look only at these.
CREATE INDEX posts_changed ON posts(thread_id) WHERE arrived = 1 OR revision > 0;
