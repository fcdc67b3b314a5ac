// Seeing a thread in the built frontend (ui/dist), headless Chromium, Tauri IPC
// mocked: the argument graph in the side panel (keyboard alone: arrows along the
// links, Enter to the highlight), the thread map (a click moves the thread), the
// timeline (a bar filters the thread to its hour, a name to its author); axe on each,
// in both themes.
//
// Run: npm run build && node --test tests/seeing.test.mjs

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startApp, stopApp } from "./serve.mjs";
import { assertAccessible } from "./axe.mjs";

const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";

const LABELS = [
  { id: 1, name: "Claim", color: "#e0a100", shortcut: "1", position: 0 },
  { id: 2, name: "Evidence", color: "#2f9e44", shortcut: "2", position: 1 },
  { id: 3, name: "Rebuttal", color: "#e03131", shortcut: "3", position: 2 },
  { id: 4, name: "Question", color: "#1c7ed6", shortcut: "4", position: 3 },
];

// 60 posts over three hours from 2024-11-01 10:00 UTC, a tree three deep; the last
// ten arrived since the thread was read.
const T0 = Date.UTC(2024, 10, 1, 10) / 1000;
const AUTHORS = ["ada", "bob", "cy", "dee", "eve"];
const POSTS = Array.from({ length: 60 }, (_, i) => ({
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
const NEWS = POSTS.map((_, i) => (i >= 50 ? 1 : 0));
const QUOTES = POSTS.map((_, i) => (i % 7 === 0 ? 1 : 0));

const hl = (id, post, label) => ({
  id, uuid: `uuid-${id}`, post: String(post), exact: `Post ${post} says`, prefix: "", suffix: "", start: 0, end: 11 + String(post).length - 1,
  label, note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1,
});
// A claim (1) with support (2, 3) and a rebuttal (4) that a question (5) answers;
// one highlight (6) not linked.
const HIGHLIGHTS = [hl(1, 1, "Claim"), hl(2, 5, "Evidence"), hl(3, 9, "Evidence"), hl(4, 14, "Rebuttal"), hl(5, 40, "Question"), hl(6, 55, "Claim")];
const LINKS = [
  { id: 11, uuid: "link-11", from: 2, to: 1, kind: "supports", createdAt: 1 },
  { id: 12, uuid: "link-12", from: 3, to: 1, kind: "supports", createdAt: 1 },
  { id: 13, uuid: "link-13", from: 4, to: 1, kind: "rebuts", createdAt: 1 },
  { id: 14, uuid: "link-14", from: 5, to: 4, kind: "answers", createdAt: 1 },
];

function mockTauri(data) {
  const calls = [];
  window.__calls = calls;
  let next = 100;
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener() {} };
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback(callback) {
      const id = next++;
      window[`_${id}`] = callback;
      return id;
    },
    unregisterCallback(id) {
      delete window[`_${id}`];
    },
    convertFileSrc: (f) => f,
    async invoke(cmd, args) {
      calls.push({ cmd, args: structuredClone(args) });
      return structuredClone(answer(cmd, structuredClone(args)));
    },
  };
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
        return graph();
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
}

let server;
let browser;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

async function openThread({ colorScheme = "light", width = 1280 } = {}) {
  // Hours as the reader's clock shows them: UTC here.
  const context = await browser.newContext({ colorScheme, viewport: { width, height: 800 }, timezoneId: "UTC" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(mockTauri, { labels: LABELS, posts: POSTS, highlights: HIGHLIGHTS, links: LINKS, news: NEWS, quotes: QUOTES });
  await page.goto(`${baseUrl}#/thread/7`);
  await page.locator('.post[data-post-id="1"] .post-body').waitFor();
  return { page, problems, close: () => context.close() };
}

const focusedNode = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-highlight") ?? document.activeElement?.className ?? null);
const calls = (page, cmd) => page.evaluate((cmd) => window.__calls.filter((c) => c.cmd === cmd).map((c) => c.args), cmd);

describe("argument graph", () => {
  for (const scheme of ["light", "dark"]) {
    test(`the keyboard moves along the links and Enter goes to the highlight (${scheme})`, async () => {
      const { page, problems, close } = await openThread({ colorScheme: scheme });
      await page.keyboard.press("m");
      await page.locator("#hl-tab-map[aria-selected=true]").waitFor();
      // g switches the map to the graph and focuses its first claim.
      await page.keyboard.press("g");
      await page.locator(".graph-node").first().waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute("data-highlight") === "uuid-1");
      assert.equal(await page.locator(".graph-node").count(), 6);
      assert.equal(await page.locator(".graph-edge").count(), 4);
      // Named by its visible text, described by its links.
      const claim = page.locator('.graph-node[data-highlight="uuid-1"]');
      assert.deepEqual(await claim.locator("text").allTextContents(), ["Claim", "Post 1 says", "ada"]);
      await page.getByRole("button", { name: /Claim\s*Post 1 says\s*ada/ }).waitFor();
      assert.equal(await claim.locator("desc").textContent(), "supports by “Post 5 says”; supports by “Post 9 says”; rebuts by “Post 14 says”");
      // Down: to what answers the claim (the nearest of its three).
      await page.keyboard.press("ArrowDown");
      const below = await focusedNode(page);
      assert.ok(["uuid-2", "uuid-3", "uuid-4"].includes(below), below);
      // Right and left along that row, then down from the rebuttal to the question.
      let guard = 0;
      while ((await focusedNode(page)) !== "uuid-4" && guard++ < 4) await page.keyboard.press("ArrowRight");
      assert.equal(await focusedNode(page), "uuid-4");
      await page.keyboard.press("ArrowDown");
      assert.equal(await focusedNode(page), "uuid-5");
      // Up twice along the links: the rebuttal, then the claim.
      await page.keyboard.press("ArrowUp");
      assert.equal(await focusedNode(page), "uuid-4");
      await page.keyboard.press("ArrowUp");
      assert.equal(await focusedNode(page), "uuid-1");
      // The tab order holds one node: the focused one.
      assert.deepEqual(await page.locator('.graph-node[tabindex="0"]').evaluateAll((ns) => ns.map((n) => n.getAttribute("data-highlight"))), ["uuid-1"]);
      await page.screenshot({ path: path.join(screenshots, `threadmark-graph-${scheme}.png`) });
      await assertAccessible(page, `the argument graph (${scheme})`);
      // Enter on the rebuttal: the thread shows its post, focused, with the mark.
      await page.keyboard.press("ArrowDown");
      while ((await focusedNode(page)) !== "uuid-4" && guard++ < 8) await page.keyboard.press("ArrowRight");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement?.closest?.(".post")?.getAttribute("data-post-id") === "14");
      // Zoom keys change the scale; 0 fits the whole graph.
      // (The graph may be drawn again after Enter: focus the node that is there, wait
      // until it holds the focus, and give the zoom its frame.)
      await page.locator('.graph-node[data-highlight="uuid-4"]').focus();
      await page.waitForFunction(() => document.activeElement?.getAttribute?.("data-highlight") === "uuid-4");
      const before = await page.locator(".graph-world").getAttribute("transform");
      await page.keyboard.press("+");
      await page.waitForFunction((was) => document.querySelector(".graph-world")?.getAttribute("transform") !== was, before, { timeout: 5_000 });
      assert.notEqual(await page.locator(".graph-world").getAttribute("transform"), before);
      assert.deepEqual(problems, []);
      await close();
    });
  }
});

describe("thread map", () => {
  test("a click on the map moves the thread to that post and focuses it; the viewport follows", async () => {
    const { page, problems, close } = await openThread();
    const map = page.locator("canvas.thread-map");
    await map.waitFor();
    await page.waitForFunction(() => performance.getEntriesByName("thread-map-draw").length > 0 && performance.getEntriesByName("thread-map-data").length > 0);
    assert.equal(await map.getAttribute("aria-valuenow"), "1");
    const box = await map.boundingBox();
    // Three quarters down: post 46 of 60 (index 45).
    await page.mouse.click(box.x + box.width / 2, box.y + box.height * (45.5 / 60));
    await page.waitForFunction(() => document.activeElement?.closest?.(".post")?.getAttribute("data-post-id") === "46");
    await page.waitForFunction(() => Number(document.querySelector("canvas.thread-map").getAttribute("aria-valuenow")) >= 40);
    // The map shows highlights in their label colours: the row of post 40 (Question).
    const colour = await map.evaluate((c) => {
      const ctx = c.getContext("2d");
      const y = Math.floor((39 / 60) * c.height) + 1;
      const [r, g, b] = ctx.getImageData(Math.floor(c.width / 2), y, 1, 1).data;
      return [r, g, b];
    });
    assert.deepEqual(colour, [0x1c, 0x7e, 0xd6]);
    await page.screenshot({ path: path.join(screenshots, "threadmark-thread-map-light.png") });
    // As a slider: Home goes back to the first post.
    await map.focus();
    await page.keyboard.press("Home");
    await page.waitForFunction(() => document.querySelector("canvas.thread-map").getAttribute("aria-valuenow") === "1");
    await assertAccessible(page, "the thread with its map");
    assert.deepEqual(problems, []);
    await close();
  });
});

describe("timeline", () => {
  for (const scheme of ["light", "dark"]) {
    test(`a bar filters the thread to its hour; a name to its author (${scheme})`, async () => {
      const { page, problems, close } = await openThread({ colorScheme: scheme });
      await page.getByRole("button", { name: "Timeline" }).click();
      const bars = page.locator(".timeline-bar");
      await bars.first().waitFor();
      // Three hours of posts: one bar an hour; the last holds the ten new posts.
      assert.equal(await bars.count(), 3);
      assert.equal(await bars.nth(0).getAttribute("aria-label"), "Nov 1, 2024, 10:00 AM: 20 posts");
      assert.equal(await bars.nth(2).getAttribute("aria-label"), "Nov 1, 2024, 12:00 PM: 20 posts, 10 new");
      await page.screenshot({ path: path.join(screenshots, `threadmark-timeline-${scheme}.png`) });
      await assertAccessible(page, `the timeline (${scheme})`);
      await bars.nth(1).click();
      const [query] = await calls(page, "filter_thread");
      assert.equal(query.query, `after:${T0 + 3600} before:${T0 + 7200}`);
      assert.equal(await page.locator("#thread-filter").inputValue(), query.query);
      // Posts 21–40 match (the others shown are their parents, dimmed).
      await page.locator('.post[data-post-id="21"]').waitFor();
      const matches = await page.locator(".post").evaluateAll((ps) => ps.filter((p) => !p.className.includes("context")).map((p) => Number(p.dataset.postId)));
      assert.ok(matches.length > 0 && matches.every((n) => n >= 21 && n <= 40), String(matches));
      // The busiest participant first, with posts and highlights.
      const first = page.locator(".timeline-people .participant").first();
      assert.equal(await first.textContent(), "ada24 posts, 4 highlights");
      await page.locator('.timeline-people .participant[data-author="bob"]').click();
      await page.waitForFunction(() => document.querySelector("#thread-filter").value === 'author:"bob"');
      assert.deepEqual(problems, []);
      await close();
    });
  }
});
