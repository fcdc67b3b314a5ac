-- Schema version 4: per post, the replies its source left out, and what the last
-- re-import changed.
-- missing_replies: replies the source counted but did not include (Reddit "more").
-- change: 'new' (not in the previous import), 'edited' (its text changed),
-- 'removed' (gone from the source, kept here); NULL when unchanged or on a first import.
ALTER TABLE posts ADD COLUMN missing_replies INTEGER NOT NULL DEFAULT 0 CHECK (missing_replies >= 0);
ALTER TABLE posts ADD COLUMN change TEXT CHECK (change IN ('new', 'edited', 'removed'));
