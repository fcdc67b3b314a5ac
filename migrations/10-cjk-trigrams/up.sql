-- CJK search by character trigrams (issue 20: within 50 ms over 1,000,000 posts).
-- Schema 8 indexed each CJK character as a word of its own, and a query was a
-- phrase of single characters: every post's positions of every character of the
-- query were read and compared, 170-230 ms over 100,000 CJK posts. posts_cjk now
-- holds, at each character of a CJK run, the token of that character and the two
-- after it (fewer at the run's end): threadmark_cjk_grams(text), a function the
-- library registers on every connection (store/cjk.rs `grams`; NULL for a post
-- without CJK letters). A query of three or more characters is the phrase of its
-- trigrams; one or two characters are a prefix query, answered by the prefix
-- indexes of one and two characters. Contentless, as before: a row is removed
-- with FTS5's 'delete' command and the same tokens, so threadmark_cjk_grams must
-- never change without rebuilding posts_cjk.
DROP TRIGGER posts_cjk_insert;
DROP TRIGGER posts_cjk_delete;
DROP TRIGGER posts_cjk_update;
DROP TABLE posts_cjk;
CREATE VIRTUAL TABLE posts_cjk USING fts5(
    text,
    content = '',
    prefix = '1 2',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO posts_cjk(rowid, text)
    SELECT id, grams FROM (SELECT id, threadmark_cjk_grams(text) AS grams FROM posts)
    WHERE grams IS NOT NULL;
CREATE TRIGGER posts_cjk_insert AFTER INSERT ON posts
    WHEN threadmark_cjk_grams(new.text) IS NOT NULL BEGIN
    INSERT INTO posts_cjk(rowid, text) VALUES (new.id, threadmark_cjk_grams(new.text));
END;
CREATE TRIGGER posts_cjk_delete AFTER DELETE ON posts
    WHEN threadmark_cjk_grams(old.text) IS NOT NULL BEGIN
    INSERT INTO posts_cjk(posts_cjk, rowid, text) VALUES ('delete', old.id, threadmark_cjk_grams(old.text));
END;
CREATE TRIGGER posts_cjk_update AFTER UPDATE OF text ON posts
    WHEN old.text IS NOT new.text BEGIN
    INSERT INTO posts_cjk(posts_cjk, rowid, text)
        SELECT 'delete', old.id, threadmark_cjk_grams(old.text) WHERE threadmark_cjk_grams(old.text) IS NOT NULL;
    INSERT INTO posts_cjk(rowid, text)
        SELECT new.id, threadmark_cjk_grams(new.text) WHERE threadmark_cjk_grams(new.text) IS NOT NULL;
END;
