// The mocked app that seeing.test.mjs and graph-scale.test.mjs load the built
// frontend into: a thread of 60 posts over three hours with labelled, linked
// highlights, and the Tauri IPC answered in the page (the argument graph laid out as
// the core would, or as given in `data.graph`).

import { mockIpc } from "./ipc-mock.mjs";

export const LABELS = [
  { id: 1, name: "Claim", color: "#e0a100", shortcut: "1", position: 0 },
  { id: 2, name: "Evidence", color: "#2f9e44", shortcut: "2", position: 1 },
  { id: 3, name: "Rebuttal", color: "#e03131", shortcut: "3", position: 2 },
  { id: 4, name: "Question", color: "#1c7ed6", shortcut: "4", position: 3 },
];

// 60 posts over three hours from 2024-11-01 10:00 UTC, a tree three deep; the last
// ten arrived since the thread was read. (`makePosts(n)`: n such posts, 3 min apart.)
export const T0 = Date.UTC(2024, 10, 1, 10) / 1000;
const AUTHORS = ["ada", "bob", "cy", "dee", "eve"];
export const makePosts = (n) => Array.from({ length: n }, (_, i) => ({
  id: i + 1,
  sourceId: String(i + 1),
  parent: i % 3 === 0 ? null : String(i - (i % 3) + 1),
  position: i,
  depth: i % 3 === 0 ? 0 : 1,
  author: AUTHORS[i % 5 === 4 ? 0 : i % 5],
  createdAt: T0 + i * 180,
  html: `<p>Post ${i + 1} says something about local-first storage, number ${i + 1}.</p>`,
  deleted: false,
  missingReplies: 0,
  change: null,
}));
export const POSTS = makePosts(60);
export const NEWS = POSTS.map((_, i) => (i >= 50 ? 1 : 0));
export const QUOTES = POSTS.map((_, i) => (i % 7 === 0 ? 1 : 0));

export const hl = (id, post, label) => ({
  id, uuid: `uuid-${id}`, post: String(post), exact: `Post ${post} says`, prefix: "", suffix: "", start: 0, end: 11 + String(post).length - 1,
  label, note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1,
});
// A claim (1) with support (2, 3) and a rebuttal (4) that a question (5) answers;
// one highlight (6) not linked.
export const HIGHLIGHTS = [hl(1, 1, "Claim"), hl(2, 5, "Evidence"), hl(3, 9, "Evidence"), hl(4, 14, "Rebuttal"), hl(5, 40, "Question"), hl(6, 55, "Claim")];
export const LINKS = [
  { id: 11, uuid: "link-11", from: 2, to: 1, kind: "supports", createdAt: 1 },
  { id: 12, uuid: "link-12", from: 3, to: 1, kind: "supports", createdAt: 1 },
  { id: 13, uuid: "link-13", from: 4, to: 1, kind: "rebuts", createdAt: 1 },
  { id: 14, uuid: "link-14", from: 5, to: 4, kind: "answers", createdAt: 1 },
];

export function setup(data, ipc) {
  const thread = { id: 7, title: "Local-first storage, argued", source: "hn", url: "https://news.ycombinator.com/item?id=1", posts: data.posts.length, highlights: data.highlights.length, importedAt: 1_730_000_000, lastOpenedAt: null };
  // A layered layout as the core gives it: what is answered above what answers it.
  function graph() {
    const W = 210, H = 72;
    const byId = new Map(data.highlights.map((h) => [h.id, h]));
    const linked = new Set(data.links.flatMap((l) => [l.from, l.to]));
    const layer = new Map();
    const depth = (id) => {
      if (layer.has(id)) return layer.get(id);
      const ups = data.links.filter((l) => l.from === id).map((l) => depth(l.to) + 1);
      const d = Math.max(0, ...ups);
      layer.set(id, d);
      return d;
    };
    const rows = [];
    for (const h of data.highlights.filter((h) => linked.has(h.id))) (rows[depth(h.id)] ??= []).push(h);
    const node = (h, x, y, section) => ({ highlight: h.uuid, post: h.post, label: h.label, color: data.labels.find((l) => l.name === h.label)?.color ?? null, words: h.exact, author: "ada", section, layer: layer.get(h.id) ?? 0, x, y });
    const nodes = [];
    rows.forEach((row, r) => row.forEach((h, i) => nodes.push(node(h, 24 + i * 246, 24 + r * 156, "graph"))));
    const bottom = 24 + rows.length * 156;
    const rest = data.highlights.filter((h) => !linked.has(h.id));
    rest.forEach((h, i) => nodes.push(node(h, 24 + i * 246, bottom + 34, "unlinked")));
    const at = new Map(nodes.map((n) => [n.highlight, n]));
    const edges = data.links.map((l) => {
      const a = at.get(byId.get(l.from).uuid);
      const b = at.get(byId.get(l.to).uuid);
      const points = [[a.x + W / 2, a.y], [b.x + W / 2, b.y + H]];
      return { link: l.uuid, from: a.highlight, to: b.highlight, kind: l.kind, points, label: [(points[0][0] + points[1][0]) / 2, (points[0][1] + points[1][1]) / 2 + 4] };
    });
    return { width: 24 * 2 + 3 * 246, height: bottom + 34 + H + 24, nodeWidth: W, nodeHeight: H, nodes, edges, unlinkedTop: rest.length ? bottom : null, orphanedTop: null };
  }
  function answer(cmd, args) {
    switch (cmd) {
      case "list_threads":
        return [thread];
      case "library_info":
        return { path: "/tmp/library.sqlite3" };
      case "open_thread":
        return { thread, outline: data.posts.map(({ sourceId, parent, depth, author, deleted }) => ({ sourceId, parent, depth, author, deleted })) };
      case "thread_posts":
        return data.posts.slice(args.offset, args.offset + args.limit);
      case "thread_quotes":
      case "quoted_by":
        return [];
      case "labels":
        return data.labels;
      case "thread_highlights":
        return { highlights: data.highlights, links: data.links };
      case "argument_graph":
        return data.graph ?? graph();
      case "thread_overview":
        return { createdAt: data.posts.map((p) => p.createdAt), news: data.news, quotes: data.quotes };
      case "filter_thread": {
        // after:/before: in unix seconds and author:"NAME", as the core reads them.
        const after = /after:(\d+)/.exec(args.query);
        const beforeT = /before:(\d+)/.exec(args.query);
        const author = /author:"?([^"\s]+)"?/.exec(args.query);
        return data.posts
          .filter((p) => (!after || p.createdAt >= Number(after[1])) && (!beforeT || p.createdAt < Number(beforeT[1])) && (!author || p.author === author[1]))
          .map((p) => p.sourceId);
      }
      case "take_links":
      case "follow_state":
      case "news":
      case "changed_highlights":
        return [];
      default:
        return null;
    }
  }
  return answer;
}

/** A page of `browser` showing thread 7 of the mocked app served at `baseUrl`. */
export async function openThread(browser, baseUrl, { colorScheme = "light", width = 1280, height = 800, deviceScaleFactor = 1, data = {} } = {}) {
  // Hours as the reader's clock shows them: UTC here.
  const context = await browser.newContext({ colorScheme, viewport: { width, height }, deviceScaleFactor, timezoneId: "UTC" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await mockIpc(page, setup, { labels: LABELS, posts: POSTS, highlights: HIGHLIGHTS, links: LINKS, news: NEWS, quotes: QUOTES, ...data });
  await page.goto(`${baseUrl}#/thread/7`);
  await page.locator('.post[data-post-id="1"] .post-body').waitFor();
  return { page, problems, close: () => context.close() };
}

