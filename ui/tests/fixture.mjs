// The data the mocked IPC returns: shaped like the Rust DTOs in src/bindings/.

export const threads = [
  {
    id: 7,
    title: "Why SQLite is enough for a local-first app",
    source: "hn",
    url: "https://news.ycombinator.com/item?id=1",
    posts: 4,
    highlights: 1,
    importedAt: 1_730_000_000,
    lastOpenedAt: null,
  },
  {
    id: 8,
    title: "Notes from the mailing list",
    source: "text",
    url: null,
    posts: 1,
    highlights: 0,
    importedAt: 1_731_000_000,
    lastOpenedAt: 1_731_500_000,
  },
  {
    id: 9,
    title: "A nested discussion about backups",
    source: "reddit",
    url: "https://www.reddit.com/r/selfhosted/comments/abc/backups/",
    posts: 7,
    highlights: 3,
    importedAt: 1_732_000_000,
    lastOpenedAt: null,
  },
];

const post = (n, fields) => ({
  id: 100 + n,
  sourceId: String(n),
  parent: null,
  position: n,
  depth: 0,
  author: null,
  createdAt: 1_730_000_000 + n * 60,
  html: "",
  deleted: false,
  missingReplies: 0,
  change: null,
  ...fields,
});

export const posts = {
  7: [
    post(1, {
      author: "ada",
      html: "<p>SQLite in WAL mode handles everything a single user throws at it.</p><p>One file, easy to back up.</p>",
    }),
    post(2, {
      parent: "1",
      depth: 1,
      author: "grace",
      html: "<blockquote><p>One file, easy to back up.</p></blockquote><p>Until two processes write at once — then you want a busy timeout.</p>",
    }),
    post(3, {
      parent: "2",
      depth: 2,
      html: "<p>An anonymous reply with a <a href=\"https://example.invalid/\">link</a>.</p>",
    }),
    post(4, { html: "<p>[removed]</p>", deleted: true, author: "someone" }),
  ],
  8: [post(1, { author: "linus", html: "<p>A plain paragraph.</p>" })],
  // A tree: 1 ─┬─ 2 ─┬─ 3      6 ── 7
  //            │     └─ 4
  //            └─ 5
  // ada wrote the root post (OP) and posts 3 and 7.
  9: [
    post(1, {
      author: "ada",
      html:
        "<p>How do you back up a SQLite file while the app runs?</p><pre><code>sqlite3 lib.db \".backup copy.db\"</code></pre><p>See <a href=\"https://sqlite.org/backup.html\">the backup API</a>.</p>",
    }),
    // Re-imported: post 2 was edited and has replies Reddit left out, 6 is new.
    post(2, { parent: "1", depth: 1, author: "bob", html: "<p>VACUUM INTO works too, and it compacts the copy.</p>", missingReplies: 3, change: "edited" }),
    post(3, { parent: "2", depth: 2, author: "ada", html: "<p>Does VACUUM INTO block writers for long?</p>" }),
    post(4, { parent: "2", depth: 2, author: "carol", html: "<p>Use &lt;b&gt;tags&lt;/b&gt; in your notes, not in backups.</p>" }),
    post(5, { parent: "1", depth: 1, author: "dave", html: "<p>[deleted]</p>", deleted: true, missingReplies: 1, change: "removed" }),
    post(6, { author: "erin", html: "<p>Litestream streams the WAL to object storage.</p>", change: "new" }),
    post(7, { parent: "6", depth: 1, author: "ada", html: "<p>Thanks, Litestream looks right for backups.</p>" }),
  ],
};

export const library = { path: "/home/reader/.local/share/app.threadmark.desktop/library.sqlite3" };

/** A thread of `n` posts for the virtualized list: every tenth post is top level,
 *  followed by a chain of four replies (each to the one before) and five replies to
 *  the top-level post; bodies vary in length, so rows vary in height. Post 9,877
 *  alone holds the word "zanzibar" (a search hit far down). */
export function bigThread(id = 42, n = 10_000) {
  const words = ["thread", "reply", "argument", "evidence", "latency", "storage", "quorum", "index", "cache", "replica"];
  const posts = [];
  for (let i = 0; i < n; i++) {
    const k = i % 10;
    const top = i - k;
    const parent = k === 0 ? null : k <= 4 ? i - 1 : top;
    const depth = k === 0 ? 0 : k <= 4 ? k : 1;
    const length = 8 + ((i * 37) % 90);
    let text = Array.from({ length }, (_, w) => words[(i + w * 7) % words.length]).join(" ");
    if (i === 9_876) text += " zanzibar";
    const paragraphs = i % 7 === 0 ? `<p>${text}</p><p>${text.slice(0, 120)}</p>` : `<p>${text}</p>`;
    posts.push({
      id: 50_000 + i,
      sourceId: String(i + 1),
      parent: parent === null ? null : String(parent + 1),
      position: i,
      depth,
      author: k === 0 ? "op" : `user${i % 13}`,
      createdAt: 1_730_000_000 + i * 60,
      html: `<p><b>Post ${i + 1}.</b></p>${paragraphs}`,
      deleted: false,
    });
  }
  const thread = {
    id,
    title: "Ten thousand posts",
    source: "reddit",
    url: null,
    posts: n,
    highlights: 0,
    importedAt: 1_733_500_000,
    lastOpenedAt: null,
  };
  return { thread, posts };
}

/** A short thread full of quotes (id 11): bob quotes ada and a manifesto (external),
 *  carol quotes bob. `quotes` names each passage and its source; the mocked
 *  thread_quotes turns them into offsets of the posts' text. */
export function quoteThread(id = 11) {
  const at = (n, fields) => post(n, { id: 300 + n, ...fields });
  const posts = [
    at(1, { author: "ada", html: "<p>Local-first means the data lives on your disk.</p><p>Sync is a feature, not the foundation.</p>" }),
    at(2, {
      parent: "1",
      depth: 1,
      author: "bob",
      html:
        "<blockquote><p>Sync is a feature, not the foundation.</p></blockquote><p>Until you have two laptops.</p><blockquote><p>Software should outlive its vendor.</p></blockquote><p>Agreed with that manifesto line, though.</p>",
    }),
    at(3, { parent: "2", depth: 2, author: "carol", html: "<blockquote><p>Until you have two laptops.</p></blockquote><p>Then you copy one file.</p>" }),
  ];
  const quotes = [
    { post: "2", text: "Sync is a feature, not the foundation.", source: "1" },
    { post: "2", text: "Software should outlive its vendor.", source: null },
    { post: "3", text: "Until you have two laptops.", source: "2" },
  ];
  const thread = {
    id,
    title: "Local-first, quoted",
    source: "hn",
    url: null,
    posts: posts.length,
    highlights: 0,
    importedAt: 1_700_000_000,
    lastOpenedAt: null,
  };
  return { thread, posts, quotes };
}
