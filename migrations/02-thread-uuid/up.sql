-- Schema version 2: a stable identity for every thread, so that a JSON backup
-- restores into another library (or the same one) without duplicating threads.
ALTER TABLE threads ADD COLUMN uuid TEXT;
UPDATE threads SET uuid =
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' ||
    substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
    lower(hex(randomblob(6)));
CREATE UNIQUE INDEX threads_uuid ON threads(uuid);
