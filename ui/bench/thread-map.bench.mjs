// Benchmark (not a test): the thread map of a 10,000-post thread in headless Chromium.
// The built frontend (ui/dist) with the IPC mocked: a synthetic outline (depths of a
// plausible tree), its overview (1 in 12 posts new, 1 in 9 quoting) and 300
// highlights. Measured in the page through the marks thread-map.ts writes: the
// drawing of the whole map once the overview has arrived ("thread-map-draw" after
// "thread-map-data"), and the work of each frame while the window scrolls
// ("thread-map-frame": the drawn map copied, the viewport box drawn), 7 runs.
//
// Run: cd ui && npm run build && node bench/thread-map.bench.mjs

import { chromium } from "playwright-core";
import { CHROMIUM, appCsp, serveDist } from "../tests/serve.mjs";

const N = Number(process.env.POSTS ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 7);

function mock(n) {
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const outline = [];
  const stack = [];
  for (let i = 0; i < n; i++) {
    let depth = stack.length === 0 ? 0 : Math.min(stack.length, Math.floor(rand() * (stack.length + 1.4)));
    stack.length = depth;
    outline.push({ sourceId: String(i + 1), parent: depth ? stack[depth - 1] : null, depth, author: `user${i % 97}`, deleted: i % 211 === 0 });
    stack.push(String(i + 1));
  }
  const highlights = Array.from({ length: 300 }, (_, k) => ({
    id: k + 1, uuid: `u${k}`, post: String(1 + Math.floor((k * n) / 300)), exact: "x", prefix: "", suffix: "", start: 0, end: 1,
    label: ["Claim", "Evidence", "Rebuttal"][k % 3], note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1,
  }));
  const overview = { createdAt: outline.map((_, i) => 1_700_000_000 + i * 30), news: outline.map((_, i) => (i % 12 === 0 ? 1 : 0)), quotes: outline.map((_, i) => (i % 9 === 0 ? 1 : 0)) };
  return { outline, highlights, overview };
}

function install(data) {
  const thread = { id: 1, title: "Ten thousand posts", source: "hn", url: null, posts: data.outline.length, highlights: 300, importedAt: 1_700_000_000, lastOpenedAt: null };
  const labels = [
    { id: 1, name: "Claim", color: "#e0a100", shortcut: "1", position: 0 },
    { id: 2, name: "Evidence", color: "#2f9e44", shortcut: "2", position: 1 },
    { id: 3, name: "Rebuttal", color: "#e03131", shortcut: "3", position: 2 },
  ];
  let next = 1;
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener() {} };
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback(cb) {
      const id = next++;
      window[`_${id}`] = cb;
      return id;
    },
    unregisterCallback(id) {
      delete window[`_${id}`];
    },
    async invoke(cmd, args) {
      switch (cmd) {
        case "open_thread":
          return { thread, outline: data.outline };
        case "thread_posts":
          return data.outline.slice(args.offset, args.offset + args.limit).map((p, i) => ({
            id: args.offset + i + 1, sourceId: p.sourceId, parent: p.parent, position: args.offset + i, depth: p.depth, author: p.author,
            createdAt: data.overview.createdAt[args.offset + i], html: `<p>Post ${p.sourceId}.</p>`, deleted: p.deleted, missingReplies: 0, change: null,
          }));
        case "thread_overview":
          return structuredClone(data.overview);
        case "thread_highlights":
          return { highlights: data.highlights, links: [] };
        case "labels":
          return labels;
        case "list_threads":
          return [thread];
        default:
          return cmd.endsWith("s") || cmd === "news" ? [] : null;
      }
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = await serveDist(await appCsp());
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--no-first-run"] });
const data = mock(N);
const draws = [];
const arrivals = [];
const frames = [];
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(install, data);
  await page.goto(`${base}#/thread/1`);
  await page.waitForFunction(() => {
    const data = performance.getEntriesByName("thread-map-data")[0];
    return data && performance.getEntriesByName("thread-map-draw").some((m) => m.startTime >= data.startTime);
  });
  const [draw, arrival] = await page.evaluate(() => {
    const data = performance.getEntriesByName("thread-map-data")[0];
    const m = performance.getEntriesByName("thread-map-draw").find((m) => m.startTime >= data.startTime);
    return [m.duration, m.startTime + m.duration - data.startTime];
  });
  draws.push(draw);
  arrivals.push(arrival);
  await page.evaluate(() => performance.clearMeasures("thread-map-frame"));
  for (let i = 0; i < 60; i++) {
    await page.mouse.wheel(0, 900);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
  frames.push(...(await page.evaluate(() => performance.getEntriesByName("thread-map-frame").map((m) => m.duration))));
  await context.close();
}
await browser.close();
server.close();
const fmt = (x) => `${x.toFixed(1)} ms`;
console.log(`posts: ${N}, runs: ${RUNS}`);
console.log(`whole map drawn after the overview arrived: median ${fmt(median(draws))}, range ${fmt(Math.min(...draws))}–${fmt(Math.max(...draws))}`);
console.log(`from the overview's arrival to the map drawn (the wait for a frame included): median ${fmt(median(arrivals))}, range ${fmt(Math.min(...arrivals))}–${fmt(Math.max(...arrivals))}`);
console.log(`frame while scrolling (${frames.length} frames): median ${fmt(median(frames))}, max ${fmt(Math.max(...frames))}`);
