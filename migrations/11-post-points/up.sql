-- A post's points (score, votes, likes) as its source gives them, when it gives them:
-- Reddit's and Lobsters' comment scores, Discourse's likes, a Hacker News story's
-- points. NULL when the source says nothing (Hacker News comments, mail, text dumps).
-- Read by the thread filter's `points>=N`; a change of points alone is not an edit.
ALTER TABLE posts ADD COLUMN points INTEGER;
