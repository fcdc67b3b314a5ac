#!/usr/bin/env python3
"""The naive baseline of DESIGN §5: parse a Hacker News Algolia item with `json`
and insert every post into SQLite with an FTS5 index, the straightforward way
(one transaction, executemany, no sanitizing, no quotes, no rendering).

    naive_import.py THREAD.json LIBRARY.sqlite3
"""
import json
import sqlite3
import sys


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        item = json.load(f)
    db = sqlite3.connect(dst)
    db.executescript(
        """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS posts (
            id INTEGER PRIMARY KEY, thread TEXT, source_id TEXT, parent TEXT,
            position INTEGER, author TEXT, created_at INTEGER, text TEXT);
        CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5(text, content='posts', content_rowid='id');
        """
    )
    rows = []
    stack = [item]
    while stack:
        node = stack.pop()
        rows.append((str(item["id"]), str(node["id"]), node.get("parent_id") and str(node["parent_id"]),
                     len(rows), node.get("author"), node.get("created_at_i"),
                     node.get("text") or node.get("title") or ""))
        stack.extend(reversed(node.get("children") or []))
    with db:
        db.executemany(
            "INSERT INTO posts (thread, source_id, parent, position, author, created_at, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.execute("INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')")
    db.close()
    print(len(rows))


if __name__ == "__main__":
    main()
