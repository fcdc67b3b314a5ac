-- Schema version 8: search inside runs of Chinese, Japanese and Korean text.
-- posts_fts reads a run of CJK characters as one word, so a word inside a longer
-- run is never found. posts_cjk indexes only the posts holding CJK characters,
-- with each CJK character as a word of its own (threadmark_cjk(text), a function
-- the library registers on every connection; NULL for a post without CJK); a CJK
-- query becomes a phrase of its characters. Contentless: snippets are cut from
-- posts.text, and a row is removed with FTS5's 'delete' command and the same
-- tokens, so threadmark_cjk must never change without rebuilding posts_cjk.
-- Kept in step by triggers (a post without CJK costs one function call).
CREATE VIRTUAL TABLE posts_cjk USING fts5(
    text,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO posts_cjk(rowid, text)
    SELECT id, threadmark_cjk(text) FROM posts WHERE threadmark_cjk(text) IS NOT NULL;
CREATE TRIGGER posts_cjk_insert AFTER INSERT ON posts
    WHEN threadmark_cjk(new.text) IS NOT NULL BEGIN
    INSERT INTO posts_cjk(rowid, text) VALUES (new.id, threadmark_cjk(new.text));
END;
CREATE TRIGGER posts_cjk_delete AFTER DELETE ON posts
    WHEN threadmark_cjk(old.text) IS NOT NULL BEGIN
    INSERT INTO posts_cjk(posts_cjk, rowid, text) VALUES ('delete', old.id, threadmark_cjk(old.text));
END;
CREATE TRIGGER posts_cjk_update AFTER UPDATE OF text ON posts
    WHEN old.text IS NOT new.text BEGIN
    INSERT INTO posts_cjk(posts_cjk, rowid, text)
        SELECT 'delete', old.id, threadmark_cjk(old.text) WHERE threadmark_cjk(old.text) IS NOT NULL;
    INSERT INTO posts_cjk(rowid, text)
        SELECT new.id, threadmark_cjk(new.text) WHERE threadmark_cjk(new.text) IS NOT NULL;
END;
