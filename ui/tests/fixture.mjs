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
};

export const library = { path: "/home/reader/.local/share/app.threadmark.desktop/library.sqlite3" };
