-- Schema version 6: a post's HTML may be stored as its markup alone.
-- markup: the post's sanitized HTML with every run of text replaced by its length
-- in code points; the text itself is the post's canonical text (`text`), of which
-- the HTML's text is an escaped copy. When markup is set, html is '' and the HTML
-- is rebuilt on reading (body::html_from_markup); rows without markup (written by
-- earlier versions, or restored from a backup) keep their HTML in html.
-- Storing the text once instead of twice makes a library about a third smaller,
-- and imports write (and sync) that much less.
ALTER TABLE posts ADD COLUMN markup TEXT;
