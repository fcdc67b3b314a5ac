#!/usr/bin/env python3
"""Rebuild crates/threadmark-core/tests/fixtures/schema-vN.sqlite.

A fixture is a library as schema version N left it. Its schema is not written by
hand: the script takes the migrations as they were in the commit that added
migration N (from git history, into a temporary folder), applies the first N, and
sets user_version = N as rusqlite_migration does. It then stores, with plain SQL,
a thread of the first 12 lines of the seed (one post a line), a resolved quote,
three highlights with labels, notes and tags (and from schema 3 a link between two), so that the migration test can check
every kind of row survives.

    scripts/make-schema-fixtures.py [N ...]     (default: every committed version)
"""
import html
import io
import pathlib
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/threadmark-core/tests/fixtures"
SEED = ROOT / "../shared/corpus/seed/000_e97962a6dbc2b620.txt"
T0 = 1764300000  # fixed times: the fixtures are reproducible byte for byte in content


def git(*args):
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True,
                          capture_output=True).stdout


def adding_commits():
    """{N: commit that added migrations/NN-*}, from history."""
    out = {}
    log = git("log", "--reverse", "-m", "--first-parent", "--no-renames", "--diff-filter=A", "--name-only", "--format=@%H", "--", "migrations")
    commit = None
    for line in log.decode().splitlines():
        if line.startswith("@"):
            commit = line[1:]
        m = re.match(r"migrations/(\d+)-[^/]+/up\.sql$", line)
        if m:
            out.setdefault(int(m.group(1)), commit)
    return out


def old_migrations(commit, n):
    data = git("archive", "--format=tar", commit, "migrations")
    tmp = tempfile.mkdtemp(prefix="threadmark-migrations-")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tmp, filter="data")
    dirs = sorted(p for p in pathlib.Path(tmp, "migrations").iterdir() if p.is_dir())
    return [(d / "up.sql").read_text() for d in dirs[:n]]


HIGHLIGHTS = [
    # (line, exact, label id, note, tags, state)
    (1, "the global innovation wave", 1, "The founding claim.", ["thesis"], "anchored"),
    (4, "bans on shipments of advanced chips are the problem", 2, "Evidence: *chips*, not money.", ["chips", "policy"], "anchored"),
    (5, "moats created by closed source are temporary", None, "", [], "anchored"),
]


CJK_RANGES = [(0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
              (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x1100, 0x11FF), (0x3130, 0x318F),
              (0xAC00, 0xD7AF), (0x20000, 0x3FFFF)]


def is_cjk(c):
    n = ord(c)
    return any(lo <= n <= hi for lo, hi in CJK_RANGES)


def cjk_spaced(text):
    """store/cjk.rs `spaced`: every CJK character between spaces; None without any."""
    if text is None or not any(is_cjk(c) for c in text):
        return None
    return "".join(f" {c} " if is_cjk(c) else c for c in text)


def cjk_grams(text):
    """store/cjk.rs `grams`: each run of CJK letters as its overlapping trigrams
    (fewer characters at the run's end); None without any CJK letter."""
    if text is None:
        return None
    letter = [is_cjk(c) and c.isalnum() for c in text]
    if not any(letter):
        return None
    out, i = [], 0
    while i < len(text):
        if not letter[i]:
            out.append(text[i])
            i += 1
            continue
        start = i
        while i < len(text) and letter[i]:
            i += 1
        out.append(" ")
        for k in range(start, i):
            out.append(text[k:min(k + 3, i)] + " ")
    return "".join(out)


def build(n, commit):
    sqls = old_migrations(commit, n)
    path = OUT / f"schema-v{n}.sqlite"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    # Schema 8's triggers call the library's threadmark_cjk, the CJK trigram
    # index's threadmark_cjk_grams (store/cjk.rs).
    db.create_function("threadmark_cjk", 1, cjk_spaced, deterministic=True)
    db.create_function("threadmark_cjk_grams", 1, cjk_grams, deterministic=True)
    for sql in sqls:
        db.executescript(sql)
    db.execute(f"PRAGMA user_version = {n}")
    cols = {r[1] for r in db.execute("PRAGMA table_info(threads)")}
    lines = [l.rstrip("\n") for l in SEED.read_text(encoding="utf-8").splitlines()[:12]]
    thread = {"title": f"Schema v{n} fixture: the seed's first 12 lines", "source": "text",
              "source_key": None, "url": None, "imported_at": T0, "created_at": T0,
              "last_opened_at": T0 + 60}
    if "uuid" in cols:
        thread["uuid"] = f"00000000-0000-4000-8000-{n:012d}"
    db.execute(f"INSERT INTO threads ({', '.join(thread)}) VALUES ({', '.join('?' * len(thread))})",
               list(thread.values()))
    tid = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    ids = []
    # From schema 6 on, posts may hold their HTML as markup (html ''): every other one does.
    markup = "markup" in {r[1] for r in db.execute("PRAGMA table_info(posts)")}
    for i, text in enumerate(lines):
        if markup:
            stored = ("", f"<p>{len(text)}</p>") if i % 2 else ("<p>" + html.escape(text, quote=False) + "</p>", None)
            db.execute("INSERT INTO posts (thread_id, source_id, parent_id, position, depth, author, created_at, html, markup, text)"
                       " VALUES (?, ?, NULL, ?, 0, NULL, NULL, ?, ?, ?)", (tid, str(i + 1), i, *stored, text))
        else:
            db.execute("INSERT INTO posts (thread_id, source_id, parent_id, position, depth, author, created_at, html, text)"
                       " VALUES (?, ?, NULL, ?, 0, NULL, NULL, ?, ?)",
                       (tid, str(i + 1), i, "<p>" + html.escape(text, quote=False) + "</p>", text))
        ids.append(db.execute("SELECT last_insert_rowid()").fetchone()[0])
    # From schema 5 on, the code that inserts posts indexes them (no insert trigger).
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'posts_fts_insert'").fetchone():
        db.execute("INSERT INTO posts_fts(rowid, text) SELECT id, text FROM posts ORDER BY id")
    # Post 2 "quotes" the start of post 1, resolved.
    q = lines[0][:40]
    db.execute("INSERT INTO quotes (thread_id, post_id, start, \"end\", depth, text, source_post, source_start, source_end, score)"
               " VALUES (?, ?, 0, 40, 1, ?, ?, 0, 40, 1.0)", (tid, ids[1], q, ids[0]))
    for k, (line, exact, label, note, tags, state) in enumerate(HIGHLIGHTS):
        text = lines[line - 1]
        start = text.index(exact)
        end = start + len(exact)
        db.execute("INSERT INTO highlights (uuid, thread_id, post_source, label_id, exact, prefix, suffix, start, \"end\", note, state, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (f"10000000-0000-4000-8000-00000000000{k}", tid, str(line), label, exact,
                    text[max(0, start - 32):start], text[end:end + 32], start, end, note, state,
                    T0 + k, T0 + k))
        hid = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        for tag in tags:
            db.execute("INSERT INTO highlight_tags (highlight_id, tag) VALUES (?, ?)", (hid, tag))
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "highlight_links" in tables:
        # Schema 3 on: the evidence (second highlight) supports the claim (first).
        h = [r[0] for r in db.execute("SELECT id FROM highlights ORDER BY id")]
        db.execute("INSERT INTO highlight_links (uuid, thread_id, from_id, to_id, kind, created_at)"
                   " VALUES ('20000000-0000-4000-8000-000000000000', ?, ?, ?, 'supports', ?)",
                   (tid, h[1], h[0], T0 + 10))
    db.commit()
    db.execute("VACUUM")
    db.close()
    print(f"{path.relative_to(ROOT)}: schema {n} from {commit[:12]}")


def main():
    commits = adding_commits()
    wanted = [int(a) for a in sys.argv[1:]] or sorted(commits)
    OUT.mkdir(parents=True, exist_ok=True)
    for n in wanted:
        if n not in commits:
            sys.exit(f"no commit adds migration {n:02}")
        build(n, commits[n])


if __name__ == "__main__":
    main()
