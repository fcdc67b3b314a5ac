-- Schema version 7: post identity across versions (issue 15).
-- title_given: 1 when the title came from the user (`import --title`, `fetch
-- --title`, renaming the thread); a re-import or refresh then keeps it instead of
-- taking the source's title.
ALTER TABLE threads ADD COLUMN title_given INTEGER NOT NULL DEFAULT 0 CHECK (title_given IN (0, 1));
-- digest: a hash of what the source said of a post (body, parent, author, time,
-- flags) and of the renderer's version; a re-import that finds the same digest
-- leaves the post's row, text, index entry and quotes as they are (NULL: unknown,
-- the post is written anew).
ALTER TABLE posts ADD COLUMN digest INTEGER;
