// The argument graph at 200 highlights (headless Chromium, IPC mocked; a thread of 200
// posts with one highlight each): ten claims,
// sixty answers and 130 answers to those, laid out as one row per layer (what the
// core drew before wide layers wrapped: 130 nodes, about 32,000 units wide, the
// worst case for Fit). Fit keeps the text readable (a node's words at least 10 px
// high on screen) and shows the focused node; moving the focus with the arrow keys
// keeps the focused node inside the canvas. At 100% and at 200% (device scale 2,
// half the CSS viewport), light and dark, with screenshots and axe.
//
// Run: npm run build && node --test tests/graph-scale.test.mjs

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startApp, stopApp } from "./serve.mjs";
import { assertAccessible } from "./axe.mjs";
import { LABELS, hl, makePosts, openThread } from "./seeing-mock.mjs";

const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";
const W = 210;
const H = 72;

/** 200 posts with a highlight each, their links, and a layout of them. */
function bigGraph() {
  const labels = LABELS.map((l) => l.name);
  const posts = makePosts(200);
  const highlights = Array.from({ length: 200 }, (_, i) => hl(1000 + i, i + 1, labels[i % 4]));
  const links = [];
  const kinds = ["supports", "rebuts", "answers", "qualifies"];
  for (let i = 10; i < 200; i++) {
    const to = i < 70 ? (i * 7) % 10 : 10 + ((i * 13) % 60);
    links.push({ id: 5000 + i, uuid: `link-${i}`, from: 1000 + i, to: 1000 + to, kind: kinds[i % 4], createdAt: 1 });
  }
  const layerOf = (i) => (i < 10 ? 0 : i < 70 ? 1 : 2);
  const rows = [[], [], []];
  highlights.forEach((h, i) => rows[layerOf(i)].push(h));
  const nodes = [];
  const at = new Map();
  rows.forEach((row, r) =>
    row.forEach((h, i) => {
      const n = { highlight: h.uuid, post: h.post, label: h.label, color: LABELS.find((l) => l.name === h.label).color, words: `${h.exact}, the ${["claim", "answer", "reply"][r]} number ${i + 1} of its row`, author: "ada", section: "graph", layer: r, x: 24 + i * 246, y: 24 + r * 156 };
      nodes.push(n);
      at.set(h.id, n);
    }),
  );
  const edges = links.map((l) => {
    const a = at.get(l.from);
    const b = at.get(l.to);
    const points = [[a.x + W / 2, a.y], [b.x + W / 2, b.y + H]];
    return { link: l.uuid, from: a.highlight, to: b.highlight, kind: l.kind, points, label: [(points[0][0] + points[1][0]) / 2, (points[0][1] + points[1][1]) / 2 + 4] };
  });
  const layout = { width: 48 + 130 * 246 - 36, height: 24 * 2 + 2 * 156 + H, nodeWidth: W, nodeHeight: H, nodes, edges, unlinkedTop: null, orphanedTop: null };
  return { posts, news: posts.map(() => 0), quotes: posts.map(() => 0), highlights, links, graph: layout };
}

let server;
let browser;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

/** The focused node's box and the words' height on screen, and the canvas's box. */
const measure = (page) =>
  page.evaluate(() => {
    const node = document.activeElement;
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const canvas = document.querySelector(".graph-canvas");
    const visible = box(canvas);
    visible.right = Math.min(visible.right, window.innerWidth);
    visible.bottom = Math.min(visible.bottom, window.innerHeight);
    return {
      id: node?.getAttribute("data-highlight") ?? null,
      node: node?.classList.contains("graph-node") ? box(node) : null,
      words: node?.querySelector(".graph-words")?.getBoundingClientRect().height ?? 0,
      canvas: visible,
    };
  });

function assertInside(m, what) {
  assert.ok(m.node, `${what}: a node has the focus (${m.id})`);
  const { node, canvas } = m;
  assert.ok(node.left >= canvas.left - 0.5 && node.right <= canvas.right + 0.5 && node.top >= canvas.top - 0.5 && node.bottom <= canvas.bottom + 0.5, `${what}: ${m.id} at ${JSON.stringify(node)} outside ${JSON.stringify(canvas)}`);
}

describe("argument graph at 200 highlights", () => {
  const cases = [
    { scheme: "light", zoom: 1 },
    { scheme: "dark", zoom: 1 },
    { scheme: "light", zoom: 2 },
    { scheme: "dark", zoom: 2 },
  ];
  for (const { scheme, zoom } of cases) {
    test(`Fit keeps the words readable and the focus stays in view (${scheme}, ${zoom * 100}%)`, async () => {
      const { page, problems, close } = await openThread(browser, baseUrl, { colorScheme: scheme, width: 1280 / zoom, height: 800 / zoom, deviceScaleFactor: zoom, data: bigGraph() });
      await page.keyboard.press("m");
      await page.locator("#hl-tab-map[aria-selected=true]").waitFor();
      await page.keyboard.press("g");
      await page.waitForFunction(() => document.activeElement?.getAttribute("data-highlight") === "uuid-1000");
      assert.equal(await page.locator(".graph-node").count(), 200);
      // Fit (the 0 key, then the button): the graph cannot be shown whole and
      // readable, so it stays readable around the focused claim.
      await page.keyboard.press("0");
      await page.screenshot({ path: path.join(screenshots, `threadmark-graph-200-${scheme}-${zoom * 100}.png`) });
      let m = await measure(page);
      assert.ok(m.words >= 10, `words ${m.words} px high after Fit`);
      assertInside(m, "after 0");
      await page.getByRole("button", { name: "Fit" }).click();
      await page.locator('.graph-node[data-highlight="uuid-1000"]').focus();
      m = await measure(page);
      assert.ok(m.words >= 10, `words ${m.words} px high after the Fit button`);
      assertInside(m, "after Fit");
      // Down to an answer, along its row far to the right, down again: the view
      // follows each move.
      await page.keyboard.press("ArrowDown");
      assertInside(await measure(page), "after ArrowDown");
      const seen = new Set();
      for (let i = 0; i < 25; i++) {
        await page.keyboard.press("ArrowRight");
        const step = await measure(page);
        seen.add(step.id);
        assertInside(step, `after ArrowRight ${i + 1}`);
      }
      assert.ok(seen.size >= 20, `the focus moved along the row (${seen.size} nodes)`);
      await page.keyboard.press("ArrowDown");
      m = await measure(page);
      assertInside(m, "after the second ArrowDown");
      assert.ok(m.words >= 10);
      await page.keyboard.press("ArrowUp");
      await page.keyboard.press("ArrowUp");
      assertInside(await measure(page), "back up to a claim");
      await page.screenshot({ path: path.join(screenshots, `threadmark-graph-200-${scheme}-${zoom * 100}-moved.png`) });
      await assertAccessible(page, `the argument graph of 200 highlights (${scheme}, ${zoom * 100}%)`);
      assert.deepEqual(problems, []);
      await close();
    });
  }
});
