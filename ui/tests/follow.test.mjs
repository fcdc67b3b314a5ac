// Following threads in the built frontend (ui/dist), headless Chromium, Tauri IPC
// mocked by a small in-page library that keeps read state and news like the core:
// the library's "+N new", News first, Refresh all; the catch-up queue; the marks in
// a thread, ] and [, the word diff of an edit, posts on screen reported read,
// Refresh (R) with its one-line error; highlights changed by an edit in the panel.
//
// Run: npm run build && npm run test:ui   (scripts/ui-test.sh does both)

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startApp, stopApp } from "./serve.mjs";
import { callsOf, mockIpc } from "./ipc-mock.mjs";

const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";

const thread = (id, title, source, posts) => ({ id, title, source, url: null, posts, highlights: 0, importedAt: 1_733_000_000 - id, lastOpenedAt: null });

/** Thread 1 (HN, refreshable): a root with a long chain of replies (so a news post
 *  sits far down), posts 3 (edited) and 40 (new, under 39) are news. Thread 2 (text):
 *  no news. Thread 3 (Reddit, refreshable): post "b" is new. */
function library() {
  const posts1 = [];
  for (let i = 1; i <= 40; i++) {
    posts1.push({
      id: i,
      sourceId: String(i),
      parent: i === 1 ? null : i <= 5 ? "1" : String(i - 1),
      position: i - 1,
      depth: i === 1 ? 0 : i <= 5 ? 1 : i - 4,
      author: `user${i}`,
      createdAt: 1_730_000_000 + i,
      html: i === 3 ? "<p>The bridge was reopened on Tuesday after repairs.</p>" : `<p>Post number ${i} of a long argument about bridges and repairs, with enough words to take a line or two.</p>`,
      deleted: false,
      missingReplies: 0,
      change: i === 3 ? "edited" : i === 40 ? "new" : null,
    });
  }
  const posts3 = [
    { id: 101, sourceId: "a", parent: null, position: 0, depth: 0, author: "op", createdAt: 1, html: "<p>Backups of a SQLite file?</p>", deleted: false, missingReplies: 0, change: null },
    { id: 102, sourceId: "b", parent: "a", position: 1, depth: 1, author: "late", createdAt: 2, html: "<p>VACUUM INTO, since 3.27.</p>", deleted: false, missingReplies: 0, change: "new" },
  ];
  const news = [
    {
      threadId: 1, threadTitle: "Bridges", post: "3", position: 2, change: "edited", author: "user3",
      text: "The bridge was reopened on Tuesday after repairs.",
      parent: { post: "1", author: "user1", text: "Post number 1 of a long argument about bridges." },
      diff: [
        { kind: "same", text: "The bridge was " }, { kind: "removed", text: "closed" }, { kind: "added", text: "reopened" },
        { kind: "same", text: " on " }, { kind: "removed", text: "Monday for" }, { kind: "added", text: "Tuesday after" }, { kind: "same", text: " repairs." },
      ],
    },
    { threadId: 1, threadTitle: "Bridges", post: "40", position: 39, change: "new", author: "user40", text: "Post number 40 of a long argument.", parent: { post: "39", author: "user39", text: "Post number 39." }, diff: [] },
    { threadId: 3, threadTitle: "Backups", post: "b", position: 1, change: "new", author: "late", text: "VACUUM INTO, since 3.27.", parent: { post: "a", author: "op", text: "Backups of a SQLite file?" }, diff: [] },
  ];
  return {
    threads: [thread(1, "Bridges", "hn", 40), thread(2, "Notes", "text", 1), thread(3, "Backups", "reddit", 2)],
    posts: { 1: posts1, 2: [{ ...posts3[0], id: 201, sourceId: "1", html: "<p>A note.</p>", change: null }], 3: posts3 },
    news,
    refreshable: [1, 3],
    highlights: {
      1: [{ id: 7, uuid: "u-7", post: "3", exact: "reopened", prefix: "", suffix: "", start: 15, end: 23, label: "Claim", note: "", noteHtml: "", tags: [], state: "fuzzy", createdAt: 1, updatedAt: 1 }],
    },
    changed: { 1: [7] },
  };
}

function setup(data, ipc) {
  const newsOf = (id) => data.news.filter((n) => id === null || n.threadId === id);
  async function answer(cmd, args) {
    switch (cmd) {
      case "list_threads":
        return data.threads;
      case "library_info":
        return { path: "/tmp/library.sqlite3" };
      case "open_thread": {
        const t = data.threads.find((x) => x.id === args.id);
        if (!t) throw { kind: "not_found", message: `no thread ${args.id}` };
        return { thread: t, outline: data.posts[args.id].map(({ sourceId, parent, depth, author, deleted }) => ({ sourceId, parent, depth, author, deleted })) };
      }
      case "thread_posts":
        return data.posts[args.id].slice(args.offset, args.offset + args.limit);
      case "thread_quotes":
      case "quoted_by":
        return [];
      case "labels":
        return [{ id: 1, name: "Claim", color: "#e0a100", shortcut: "1", position: 0 }];
      case "thread_highlights":
        return { highlights: data.highlights[args.thread ?? args.id] ?? [], links: [] };
      case "follow_state": {
        const ids = new Set([...data.refreshable, ...data.news.map((n) => n.threadId)]);
        return [...ids].map((id) => ({ id, news: newsOf(id).length, refreshable: data.refreshable.includes(id) }));
      }
      case "news":
        return newsOf(args.id);
      case "changed_highlights":
        return data.changed[args.id] ?? [];
      case "mark_read": {
        const before = data.news.length;
        data.news = data.news.filter((n) => !(n.threadId === args.id && args.posts.includes(n.post)));
        return before - data.news.length;
      }
      case "mark_all_read": {
        const before = data.news.length;
        data.news = data.news.filter((n) => args.id !== null && n.threadId !== args.id);
        return before - data.news.length;
      }
      case "refresh_thread": {
        if (data.offline) throw { kind: "network", message: "http://127.0.0.1:9/item?id=1: cannot connect (connection refused) after 4 tries" };
        ipc.emit("import-progress", { stage: "storing", done: 1, total: 2, threads: 1 });
        return { threadId: args.id, new: 1, edited: 2, removed: 0 };
      }
      default:
        throw { kind: "internal", message: `unmocked command ${cmd}` };
    }
  }
  return answer;
}

let server;
let browser;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

async function openApp({ colorScheme = "light", hash = "", offline = false } = {}) {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await mockIpc(page, setup, { ...library(), offline });
  await page.goto(baseUrl + hash);
  return { page, problems, close: () => context.close() };
}

const calls = callsOf;

describe("library", () => {
  test("+N new per thread, News first, and c opens the catch-up queue", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.waitForSelector(".thread-row");
      const badges = await page.$$eval(".thread-row", (rows) => rows.map((r) => [r.querySelector(".thread-title")?.textContent, r.querySelector(".thread-news")?.textContent ?? null]));
      assert.deepEqual(badges, [["Bridges", "+2 new"], ["Notes", null], ["Backups", "+1 new"]]);
      assert.equal(await page.textContent(".follow-catchup"), "Catch up (3)");
      // News first: the threads with most news on top, the order remembered.
      await page.click(".follow-sort");
      await page.waitForFunction(() => document.querySelector(".follow-sort")?.getAttribute("aria-pressed") === "true");
      const order = await page.$$eval(".thread-title", (t) => t.map((x) => x.textContent));
      assert.deepEqual(order, ["Bridges", "Backups", "Notes"]);
      await page.focus(".thread-row");
      await page.keyboard.press("c");
      await page.waitForSelector(".screen--catchup");
      assert.equal(await page.evaluate(() => location.hash), "#/news");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("Refresh all refreshes every refreshable thread, one after the other", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.waitForSelector(".thread-row");
      await page.focus(".thread-row");
      await page.keyboard.press("Shift+R");
      await page.waitForFunction(() => /Refreshed 2 of 2 threads: 6 new or edited posts/.test(document.querySelector(".toast-text")?.textContent ?? ""));
      assert.deepEqual((await calls(page, "refresh_thread")).map((a) => a.id), [1, 3]);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("catch-up queue", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`grouped by thread, each post under its parent, an edit's words; in ${colorScheme}`, async () => {
      const { page, problems, close } = await openApp({ colorScheme, hash: "#/news" });
      try {
        await page.waitForSelector(".catchup-post");
        const groups = await page.$$eval(".catchup-thread", (s) => s.map((g) => [g.querySelector(".catchup-thread-link")?.textContent, [...g.querySelectorAll(".catchup-post")].map((a) => a.dataset.post)]));
        assert.deepEqual(groups, [["Bridges", ["3", "40"]], ["Backups", ["b"]]]);
        assert.equal(await page.textContent(".catchup-item:first-child .catchup-parent-label"), "In reply to user1 #1: ");
        const diff = await page.$$eval(".catchup-post--edited del, .catchup-post--edited ins", (e) => e.map((x) => `${x.tagName}:${x.textContent}`));
        assert.deepEqual(diff, ["DEL:closed", "INS:reopened", "DEL:Monday for", "INS:Tuesday after"]);
        assert.equal(await page.getAttribute(".catchup-post[data-post='40']", "href"), "#/thread/1?post=40");
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-catchup-${colorScheme}.png`), fullPage: true });
        // The first post has the focus; j moves to the next; Enter opens the thread at it.
        assert.equal(await page.evaluate(() => document.activeElement?.dataset.post), "3");
        await page.keyboard.press("j");
        assert.equal(await page.evaluate(() => document.activeElement?.dataset.post), "40");
        await page.keyboard.press("Enter");
        await page.waitForSelector("#post-40.post--news");
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }

  test("mark a thread read, then everything: the queue empties", async () => {
    const { page, problems, close } = await openApp({ hash: "#/news" });
    try {
      await page.waitForSelector(".catchup-post");
      await page.click(".catchup-thread:first-of-type button");
      await page.waitForFunction(() => document.querySelectorAll(".catchup-thread").length === 1);
      assert.deepEqual(await calls(page, "mark_all_read"), [{ id: 1 }]);
      await page.click("button:has-text('Mark everything read')");
      await page.waitForSelector(".catchup-empty");
      assert.deepEqual((await calls(page, "mark_all_read")).at(-1), { id: null });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("thread", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`news marks, ] and [ (opening collapsed ancestors), the diff on demand; in ${colorScheme}`, async () => {
      const { page, problems, close } = await openApp({ colorScheme, hash: "#/thread/1" });
      try {
        await page.waitForSelector("#post-3.post--news-edited");
        assert.equal(await page.textContent("#post-3 .news-flag"), "Edited");
        assert.match(await page.textContent(".follow-summary"), /1 new post, 1 edited since you last read/);
        // Collapse post 5 (an ancestor of 40), then ] twice: 3, then 40, opened.
        await page.focus("#post-5");
        await page.keyboard.press(" ");
        await page.waitForFunction(() => document.querySelector("#post-5")?.classList.contains("post--collapsed"));
        await page.focus("#post-1");
        await page.keyboard.press("]");
        await page.waitForFunction(() => document.activeElement?.id === "post-3");
        await page.keyboard.press("]");
        await page.waitForFunction(() => document.activeElement?.id === "post-40");
        // Shown, so its collapsed ancestor (5) was opened.
        assert.equal(await page.isVisible("#post-40"), true);
        assert.equal(await page.textContent("#post-40 .news-flag"), "New");
        await page.keyboard.press("[");
        await page.waitForFunction(() => document.activeElement?.id === "post-3");
        // The body keeps its text; the diff is beside it, on demand.
        assert.equal(await page.textContent("#post-3 .post-body"), "The bridge was reopened on Tuesday after repairs.");
        assert.equal(await page.isVisible("#post-3 .news-diff"), false);
        await page.click("#post-3 .news-diff-toggle");
        assert.deepEqual(await page.$$eval("#post-3 .news-diff del", (e) => e.map((x) => x.textContent)), ["closed", "Monday for"]);
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-news-marks-${colorScheme}.png`) });
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }

  test("posts on screen are reported read, in one debounced call", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/3" });
    try {
      await page.waitForSelector("#post-b");
      await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "mark_read"), null, { timeout: 5000 });
      const marked = await calls(page, "mark_read");
      assert.equal(marked.length, 1);
      assert.deepEqual(marked[0], { id: 3, posts: ["a", "b"] });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("R refreshes the thread with a report; an offline source gives its one-line error", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/1" });
    try {
      await page.waitForSelector(".follow-refresh:not([hidden])");
      await page.keyboard.press("Shift+R");
      await page.waitForFunction(() => /Refreshed: \+1 new, 2 edited, 0 removed\./.test(document.querySelector(".toast-text")?.textContent ?? ""));
      // A thread that cannot be refreshed has no button.
      await page.evaluate(() => (location.hash = "#/thread/2"));
      await page.waitForSelector("#post-1");
      assert.equal(await page.isHidden(".follow-refresh"), true);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
    const offline = await openApp({ hash: "#/thread/1", offline: true });
    try {
      await offline.page.waitForSelector(".follow-refresh:not([hidden])");
      await offline.page.click(".follow-refresh");
      await offline.page.waitForSelector(".toast--error");
      assert.equal(await offline.page.textContent(".toast--error .toast-text"), "http://127.0.0.1:9/item?id=1: cannot connect (connection refused) after 4 tries");
      assert.equal(await offline.page.isVisible("#post-3.post--news"), true, "the thread is shown as it was");
    } finally {
      await offline.close();
    }
  });

  test("a highlight whose words changed in an edit is flagged in the panel", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/1" });
    try {
      await page.waitForSelector("#post-3");
      await page.keyboard.press("h");
      await page.waitForSelector(".hl-item[data-hl='7'] .hl-item-edited");
      assert.equal(await page.textContent(".hl-item[data-hl='7'] .hl-item-edited"), "changed in an edit");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});
