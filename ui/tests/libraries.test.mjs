// Two app windows on two libraries share the webview's localStorage (one origin):
// each keeps its own reading position (keyed by its library's file), and a window
// that finds a remembered thread its library does not hold opens the library,
// never "Not found". Built frontend (ui/dist), headless Chromium, IPC mocked.
//
// Run: npm run build && node --test tests/libraries.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { posts, threads } from "./fixture.mjs";
import { startApp, stopApp } from "./serve.mjs";
import { mockIpc } from "./ipc-mock.mjs";

/** The page's stand-in for the app on the library `data.path` holding `data.threads`. */
function setup(data, ipc) {
  return async (cmd, args) => {
    const missing = () => ({ kind: "not_found", message: `library: thread ${args.id}: no such thread` });
    switch (cmd) {
      case "list_threads":
        return data.threads;
      case "library_info":
        return { path: data.path, readOnly: false };
      case "open_thread": {
        const thread = data.threads.find((t) => t.id === args.id);
        if (!thread) throw missing();
        return { thread, outline: data.posts[args.id].map(({ sourceId, parent, depth, author, deleted }) => ({ sourceId, parent, depth, author, deleted })) };
      }
      case "thread_posts":
        if (!data.threads.some((t) => t.id === args.id)) throw missing();
        return data.posts[args.id].slice(args.offset, args.offset + args.limit);
      case "labels":
        return [];
      case "thread_highlights":
        return { highlights: [], links: [] };
      case "sync_status":
        return { device: "", folder: null, lastSyncMs: null, outgoing: 0, pending: 0, conflictsOpen: 0, conflicts: 0 };
      case "follow_state":
      case "news":
      case "thread_quotes":
      case "quoted_by":
      case "changed_highlights":
      case "take_links":
        return [];
      case "mark_read":
        return 0;
      default:
        throw { kind: "internal", message: `unmocked command ${cmd}` };
    }
  };
}

const A = { path: "/home/reader/laptop.sqlite3", threads, posts };
// The other library holds threads 7 and 8 only: its thread 9 does not exist.
const B = { path: "/media/usb/desktop.sqlite3", threads: threads.filter((t) => t.id !== 9), posts };

let server;
let browser;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

/** A window on `library` in `context` (windows of one context share localStorage). */
async function openWindow(context, library, hash = "") {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await mockIpc(page, setup, library);
  await page.goto(baseUrl + hash);
  return { page, problems };
}

const stored = (page) => page.evaluate(() => Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith("threadmark.reading")).map((k) => [k, JSON.parse(localStorage.getItem(k))])));

describe("two libraries, one webview storage", () => {
  test("each window keeps its own library's reading position; a thread the library lacks opens the library", async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    try {
      // Window A reads thread 9 of its library.
      const a = await openWindow(context, A, "#/thread/9?post=3");
      await a.page.waitForSelector('.post[data-post-id="3"] .post-body');
      await a.page.waitForFunction((key) => localStorage.getItem(key) !== null, `threadmark.reading:${A.path}`);
      // Window B starts on its own library: not A's thread 9 (which B lacks).
      const b = await openWindow(context, B);
      await b.page.waitForSelector(".thread-row");
      assert.equal(await b.page.locator(".error").count(), 0, "no error screen");
      assert.equal(new URL(b.page.url()).hash, "");
      const keys = await stored(b.page);
      assert.deepEqual(Object.keys(keys), [`threadmark.reading:${A.path}`], "only A's position is kept, under A's library");
      assert.equal(keys[`threadmark.reading:${A.path}`].thread, 9);
      // B reads its thread 8; A's position stays A's.
      await b.page.goto(`${baseUrl}#/thread/8`);
      await b.page.waitForSelector("#post-1 .post-body");
      await b.page.waitForFunction((key) => JSON.parse(localStorage.getItem(key) ?? "null")?.thread === 8, `threadmark.reading:${B.path}`);
      // Both start again: each back in its own thread.
      await a.page.goto(baseUrl);
      await a.page.waitForSelector("#post-1 .post-body");
      assert.match(new URL(a.page.url()).hash, /^#\/thread\/9(\?|$)/);
      await b.page.goto(baseUrl);
      await b.page.waitForSelector("#post-1 .post-body");
      assert.match(new URL(b.page.url()).hash, /^#\/thread\/8(\?|$)/);
      assert.deepEqual([...a.problems, ...b.problems], []);
    } finally {
      await context.close();
    }
  });

  test("a remembered thread that is gone (kept before positions were per library) opens the library, not 'Not found'", async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    try {
      // What an older version kept, for one library of two: thread 9 open.
      await context.addInitScript(() => {
        if (!sessionStorage.getItem("seeded")) {
          localStorage.setItem("threadmark.reading", JSON.stringify({ thread: 9, post: "2", offset: 0, open: true }));
          sessionStorage.setItem("seeded", "1");
        }
      });
      const b = await openWindow(context, B);
      await b.page.waitForSelector(".thread-row");
      assert.equal(await b.page.locator(".error").count(), 0, "no error screen");
      assert.equal(await b.page.textContent("body").then((t) => t.includes("Not found")), false);
      assert.equal(new URL(b.page.url()).hash, "#/");
      // The stale position is dropped: the next start is the library at once.
      assert.deepEqual(await stored(b.page), {});
      await b.page.goto(baseUrl);
      await b.page.waitForSelector(".thread-row");
      assert.equal(await b.page.locator(".error").count(), 0);
      assert.deepEqual(b.problems, []);
    } finally {
      await context.close();
    }
  });
});
