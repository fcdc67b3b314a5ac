// The built frontend (ui/dist) in headless Chromium, with the Tauri IPC mocked.
// Served with the app's own CSP, so an inline script or style would show up here.
//
// Run: npm run build && npm run test:ui   (scripts/ui-test.sh does both)

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "./axe.mjs";
import * as fixture from "./fixture.mjs";
import { startApp, stopApp } from "./serve.mjs";
import { callsOf, mockIpc } from "./ipc-mock.mjs";

const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";
/** Runs in the page before its scripts: a stand-in for Tauri's IPC bridge (the
 *  app's commands, the dialog and opener plugins, and event listeners). The data is
 *  the page's own copy, so rename, delete and import change it. */
function setup(data, ipc) {
  let nextThread = 100;
  const text = (html) => new DOMParser().parseFromString(html, "text/html").body.textContent ?? "";
  return async (cmd, args) => {
    const addThread = (title, bodies) => {
      const id = nextThread++;
      data.threads.unshift({ id, title, source: "text", url: null, posts: bodies.length, highlights: 0, importedAt: 1_733_000_000, lastOpenedAt: null });
      data.posts[id] = bodies.map((body, i) => ({ id: 1000 + i, sourceId: String(i + 1), parent: null, position: i, depth: 0, author: null, createdAt: null, html: `<p>${body}</p>`, deleted: false }));
      return [id];
    };
    switch (cmd) {
      case "list_threads":
        return data.threads;
      case "library_info":
        return data.library;
      case "open_thread": {
        const thread = data.threads.find((t) => t.id === args.id);
        if (!thread) throw { kind: "not_found", message: `library: thread ${args.id}: no such thread` };
        const outline = data.posts[args.id].map(({ sourceId, parent, depth, author, deleted }) => ({ sourceId, parent, depth, author, deleted }));
        return { thread, outline };
      }
      case "thread_posts": {
        if (!data.threads.some((t) => t.id === args.id)) throw { kind: "not_found", message: `library: thread ${args.id}: no such thread` };
        if (args.offset < 0 || args.limit < 1 || args.limit > 1000) throw { kind: "bad_input", message: "thread_posts: bad page" };
        return data.posts[args.id].slice(args.offset, args.offset + args.limit);
      }
      // A stand-in for the core's thread filter (tested in the CLI's tests): author:NAME
      // only; anything else is refused as the core refuses a term it cannot answer.
      case "filter_thread": {
        const author = /^author:@?"?([^"\s]+)"?$/.exec(args.query.trim());
        if (!author) throw { kind: "bad_input", message: `filter term \`${args.query}\`: not understood by the test's stand-in` };
        return data.posts[args.id].filter((p) => p.author === author[1]).map((p) => p.sourceId);
      }
      case "search": {
        if ((args.query.match(/"/g) ?? []).length % 2 === 1) {
          throw { kind: "bad_input", message: `cannot understand the search ${JSON.stringify(args.query)} (unterminated string): use words, "a phrase" in double quotes, prefix* or AND/OR/NOT` };
        }
        const term = args.query.replace(/["*]/g, "").trim().toLowerCase();
        const hits = [];
        for (const thread of data.threads) {
          if (args.thread !== null && args.thread !== thread.id) continue;
          for (const post of data.posts[thread.id] ?? []) {
            const body = text(post.html);
            const at = body.toLowerCase().indexOf(term);
            if (at < 0) continue;
            hits.push({
              threadId: thread.id,
              threadTitle: thread.title,
              post: post.sourceId,
              author: post.author,
              snippet: [
                { text: body.slice(0, at), hit: false },
                { text: body.slice(at, at + term.length), hit: true },
                { text: body.slice(at + term.length), hit: false },
              ].filter((part) => part.text),
            });
          }
        }
        return hits;
      }
      case "rename_thread": {
        const thread = data.threads.find((t) => t.id === args.id);
        if (!args.title.trim()) throw { kind: "bad_input", message: "a thread needs a title" };
        thread.title = args.title.trim();
        return thread;
      }
      case "delete_thread":
        data.threads = data.threads.filter((t) => t.id !== args.id);
        return null;
      case "import_text":
        if (/^https?:\/\/\S+$/.test(args.text.trim())) {
          throw { kind: "unsupported", message: "pasted text: fetching a thread from a web address is not available yet: save the page (or its JSON) and open the file, or paste the thread's text" };
        }
        return addThread(args.title ?? args.text.trim().split("\n")[0].slice(0, 80), args.text.trim().split(/\n\s*\n/));
      case "fetch_url":
        // A download takes a moment; item 404 is missing, other sites are not known.
        await new Promise((resolve) => setTimeout(resolve, 400));
        if (args.url.endsWith("item?id=404")) {
          throw { kind: "not_found", message: "https://hn.algolia.com/api/v1/items/404: HTTP 404 Not Found: no such thread (deleted, private, or a wrong address)" };
        }
        if (!/^https:\/\/news\.ycombinator\.com\/item\?id=\d+$/.test(args.url)) {
          throw { kind: "unsupported", message: `${args.url}: not a thread address Threadmark can fetch` };
        }
        return addThread(args.title ?? "Fetched from Hacker News", ["The story.", "A comment."]);
      case "import_file":
        if (args.path.endsWith(".slow")) {
          // A long import: 20 progress reports 40 ms apart, stopped by cancel_import.
          const emit = (payload) => {
            ipc.emit("import-progress", payload);
          };
          data.cancel = false;
          const total = 5_000;
          for (let step = 1; step <= 20; step++) {
            await new Promise((resolve) => setTimeout(resolve, 40));
            if (data.cancel) throw { kind: "cancelled", message: `${args.path}: import cancelled: nothing was saved` };
            // As the core reports: each chunk of posts is prepared, then stored
            // while the next one is prepared.
            const stage = step % 2 ? "preparing" : "storing";
            emit({ stage, done: (total * Math.ceil(step / 2)) / 10, total, threads: 12 });
          }
          // archive.slow stays at its last report until cancelled (up to 20 s), so a
          // loaded machine cannot let it finish before the test presses Cancel.
          for (let waited = 0; args.path.endsWith("archive.slow") && waited < 20_000; waited += 40) {
            await new Promise((resolve) => setTimeout(resolve, 40));
            if (data.cancel) throw { kind: "cancelled", message: `${args.path}: import cancelled: nothing was saved` };
          }
          return addThread(args.path.split("/").pop(), ["From a long file."]);
        }
        if (args.path.endsWith(".bad")) throw { kind: "bad_input", message: `${args.path}: line 1, column 1: invalid JSON: expected value` };
        return addThread(args.path.split("/").pop(), ["From a file."]);
      case "cancel_import":
        data.cancel = true;
        return null;
      case "thread_quotes":
      case "quoted_by": {
        // Offsets of each named passage in the posts' text, as the core stores them.
        const byId = (id) => (data.posts[args.id] ?? []).find((p) => p.sourceId === id);
        const links = (data.quotes?.[args.id] ?? []).map((q) => {
          const start = text(byId(q.post).html).indexOf(q.text);
          const from = q.source ? text(byId(q.source).html).indexOf(q.text) : null;
          return {
            post: q.post,
            start,
            end: start + q.text.length,
            text: q.text,
            source: q.source,
            sourceStart: from,
            sourceEnd: from === null ? null : from + q.text.length,
            score: q.source ? 1 : null,
          };
        });
        if (cmd === "thread_quotes") return links;
        if (!byId(args.post)) throw { kind: "not_found", message: `no post ${args.post}` };
        return links.filter((q) => q.source === args.post);
      }
      case "plugin:dialog|open":
        return data.pick ?? null;
      case "plugin:opener|open_url":
        return null;
      case "take_links":
        return (data.links ?? []).splice(0);
      case "about":
        return { version: "0.1.0", commit: "0123abcdef" };
      default:
        throw { kind: "internal", message: `unmocked command ${cmd}` };
    }
  };
}

let server;
let browser;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

/** A fresh page on the app, with the IPC mocked and problems collected. */
async function openApp({ colorScheme = "light", hash = "", pick = null, big = false, quoting = false, zoom = 1, readOnly = false } = {}) {
  // zoom 2: the app at 200% (half the CSS pixels, each drawn twice as large).
  const viewport = { width: Math.round(1100 / zoom), height: Math.round(780 / zoom) };
  const context = await browser.newContext({ colorScheme, viewport, deviceScaleFactor: zoom });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  // big: a 10,000-post thread (id 42) for the virtualized list.
  const large = big ? fixture.bigThread() : quoting ? fixture.quoteThread() : null;
  await mockIpc(page, setup, {
    threads: large ? [...fixture.threads, large.thread] : fixture.threads,
    posts: large ? { ...fixture.posts, [large.thread.id]: large.posts } : fixture.posts,
    quotes: large?.quotes ? { [large.thread.id]: large.quotes } : {},
    library: readOnly ? { ...fixture.library, readOnly: true } : fixture.library,
    pick,
  });
  await page.goto(baseUrl + hash);
  return { page, problems, close: () => context.close() };
}

describe("library", () => {
  test("lists each thread with its source and counts", async () => {
    const { page, problems, close } = await openApp();
    try {
      const rows = page.locator(".thread-row");
      await rows.first().waitFor();
      assert.equal(await rows.count(), fixture.threads.length);
      const first = rows.first();
      assert.equal(await first.locator(".thread-title").textContent(), fixture.threads[0].title);
      assert.equal(await first.locator(".source").textContent(), "Hacker News");
      assert.equal(await first.locator(".thread-posts").textContent(), "4 posts");
      assert.equal(await first.locator(".thread-highlights").textContent(), "1 highlight");
      assert.match((await page.locator(".statusbar-path").textContent()) ?? "", /library\.sqlite3$/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("Enter opens the focused thread and Escape comes back to it", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      const focusedRow = () => page.evaluate(() => document.activeElement?.getAttribute("data-thread-id"));
      assert.equal(await focusedRow(), "7", "the first thread has the focus at start");
      await page.keyboard.press("j");
      assert.equal(await focusedRow(), "8");
      await page.keyboard.press("k");
      await page.keyboard.press("Enter");
      await page.locator(".post").first().waitFor();
      assert.equal(new URL(page.url()).hash, "#/thread/7");
      assert.equal(await page.locator(".thread-heading").textContent(), fixture.threads[0].title);

      await page.keyboard.press("Escape");
      await page.locator(".thread-row").first().waitFor();
      assert.equal(await focusedRow(), "7", "focus returns to the thread that was open");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("a click opens a thread", async () => {
    const { page, close } = await openApp();
    try {
      await page.locator(".thread-row", { hasText: "Notes from the mailing list" }).click();
      await page.locator(".post").first().waitFor();
      assert.equal(await page.locator(".post").count(), 1);
    } finally {
      await close();
    }
  });
});

describe("thread", () => {
  test("renders every post in order with author, quote and depth", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/7" });
    try {
      const posts = page.locator(".post");
      await posts.first().waitFor();
      assert.equal(await posts.count(), 4);
      assert.deepEqual(await posts.evaluateAll((els) => els.map((el) => el.dataset.postId)), ["1", "2", "3", "4"]);
      assert.deepEqual(await page.locator(".post-author").allTextContents(), ["ada", "grace", "anonymous", "someone"]);
      assert.equal(await posts.nth(1).locator(".post-body blockquote").count(), 1);
      assert.equal(await posts.nth(2).getAttribute("data-depth"), "2");
      assert.equal(await posts.nth(3).locator(".post-flag").textContent(), "deleted");
      const body = await posts.nth(1).locator(".post-body").textContent();
      assert.equal(body, "One file, easy to back up.Until two processes write at once — then you want a busy timeout.");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("j and k move the focus between posts", async () => {
    const { page, close } = await openApp({ hash: "#/thread/7" });
    try {
      await page.locator(".post").first().waitFor();
      const focusedPost = () => page.evaluate(() => document.activeElement?.getAttribute("data-post-id"));
      await page.keyboard.press("j");
      assert.equal(await focusedPost(), "1");
      await page.keyboard.press("j");
      await page.keyboard.press("j");
      assert.equal(await focusedPost(), "3");
      await page.keyboard.press("k");
      assert.equal(await focusedPost(), "2");
    } finally {
      await close();
    }
  });

  test("links in posts open in the system browser, never in the window", async () => {
    const { page, close } = await openApp({ hash: "#/thread/7" });
    try {
      await page.locator(".post-body a").click();
      assert.equal(new URL(page.url()).hash, "#/thread/7");
      assert.equal(await page.locator(".post").count(), 4);
      const opened = await page.evaluate(() => window.__calls.filter((c) => c.cmd === "plugin:opener|open_url"));
      assert.deepEqual(opened.map((c) => c.args.url), ["https://example.invalid/"]);
    } finally {
      await close();
    }
  });

  test("the back button returns to the library", async () => {
    const { page, close } = await openApp({ hash: "#/thread/8" });
    try {
      await page.locator("button.back").click();
      await page.locator(".thread-row").first().waitFor();
      assert.equal(await page.locator(".thread-row").count(), fixture.threads.length);
    } finally {
      await close();
    }
  });

  test("a missing thread shows the command's not_found error", async () => {
    const { page, close } = await openApp({ hash: "#/thread/999" });
    try {
      const alert = page.getByRole("alert");
      await alert.waitFor();
      assert.equal(await alert.getAttribute("data-kind"), "not_found");
      assert.match((await alert.textContent()) ?? "", /no such thread/);
      await page.keyboard.press("Escape");
      await page.locator(".thread-row").first().waitFor();
    } finally {
      await close();
    }
  });
});

describe("screenshots", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`library and thread in ${colorScheme}`, async () => {
      const { page, problems, close } = await openApp({ colorScheme });
      try {
        await page.locator(".thread-row").first().waitFor();
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-library-${colorScheme}.png`) });
        await page.keyboard.press("Enter");
        await page.locator(".post").first().waitFor();
        await page.keyboard.press("j");
        await page.keyboard.press("j");
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-thread-${colorScheme}.png`) });
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }
});

/** The source id of the focused post. */
const focusedPost = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-post-id"));
const calls = callsOf;

describe("thread tree", () => {
  test("rails, OP, times, code, deleted posts", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/9" });
    try {
      const posts = page.locator(".post");
      await posts.first().waitFor();
      assert.equal(await posts.count(), 7);
      const rails = await posts.evaluateAll((els) => els.map((el) => el.querySelectorAll(".rail").length));
      assert.deepEqual(rails, [0, 1, 2, 2, 1, 0, 1]);
      const op = await posts.evaluateAll((els) => els.filter((el) => el.querySelector(".op-badge")).map((el) => el.dataset.postId));
      assert.deepEqual(op, ["1", "3", "7"], "every post by the root post's author is marked OP");
      const time = posts.first().locator("time.post-time");
      assert.match((await time.textContent()) ?? "", /ago|just now|yesterday|last/);
      assert.match((await time.getAttribute("title")) ?? "", /20\d\d/);
      assert.equal(await posts.first().locator(".post-body pre code").count(), 1);
      assert.equal(await posts.nth(4).locator(".post-flag").textContent(), "deleted");
      assert.ok(await posts.nth(4).evaluate((el) => el.classList.contains("post--deleted")));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("replies not saved and what a re-import changed are shown on the post", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/9" });
    try {
      await page.locator(".post").first().waitFor();
      const missing = await page.locator(".post").evaluateAll((els) => els.map((el) => el.querySelector(".post-missing")?.textContent ?? null));
      assert.deepEqual(missing, [null, "3 replies not saved", null, null, "1 reply not saved", null, null]);
      const changes = await page.locator(".post").evaluateAll((els) => els.map((el) => el.querySelector(".post-head .post-change")?.textContent ?? null));
      assert.deepEqual(changes, [null, "edited", null, null, "removed", "new", null]);
      assert.match((await page.locator('.post[data-post-id="6"] .post-change').getAttribute("title")) ?? "", /New since the previous import/);
      await page.locator('.post[data-post-id="2"]').screenshot({ path: path.join(screenshots, "threadmark-ui-post-changes.png") });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("collapse hides a subtree, shows how many posts it hides, and j skips them", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/9" });
    try {
      await page.locator(".post").first().waitFor();
      const visible = () => page.locator(".post:not([hidden])").evaluateAll((els) => els.map((el) => el.dataset.postId));

      // A click on post 2's toggle folds 3 and 4 under it.
      await page.locator('.post[data-post-id="2"] .collapse-toggle').click();
      assert.deepEqual(await visible(), ["1", "2", "5", "6", "7"]);
      assert.equal(await page.locator('.post[data-post-id="2"] .post-folded').textContent(), "2 replies hidden");
      assert.equal(await page.locator('.post[data-post-id="2"] .collapse-toggle').getAttribute("aria-expanded"), "false");

      // Space on the root folds all four of its replies; j goes past them.
      assert.equal(await focusedPost(page), "2", "the toggled post has the focus");
      await page.keyboard.press("k");
      assert.equal(await focusedPost(page), "1");
      await page.keyboard.press(" ");
      assert.deepEqual(await visible(), ["1", "6", "7"]);
      assert.equal(await page.locator('.post[data-post-id="1"] .post-folded').textContent(), "4 replies hidden");
      assert.equal(await page.locator('.post[data-post-id="1"] .post-body').isVisible(), false);
      await page.keyboard.press("j");
      assert.equal(await focusedPost(page), "6");

      // Expanding the root brings back 2 still folded (and 5).
      await page.keyboard.press("k");
      await page.keyboard.press(" ");
      assert.deepEqual(await visible(), ["1", "2", "5", "6", "7"]);
      await page.locator('.post[data-post-id="2"] .post-folded').click();
      assert.deepEqual(await visible(), ["1", "2", "3", "4", "5", "6", "7"]);

      // A click on a rail folds the branch it stands for.
      await page.locator('.post[data-post-id="4"] .rail').nth(1).click();
      assert.deepEqual(await visible(), ["1", "2", "5", "6", "7"]);
      assert.equal(await focusedPost(page), "2");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("j/k posts, n/p top-level posts, u parent; the focused post is outlined and on screen", async () => {
    const { page, close } = await openApp({ hash: "#/thread/9" });
    try {
      await page.locator(".post").first().waitFor();
      const keys = async (...list) => {
        for (const key of list) await page.keyboard.press(key);
        return focusedPost(page);
      };
      assert.equal(await keys("j"), "1");
      assert.equal(await keys("j", "j"), "3");
      assert.equal(await keys("u"), "2");
      assert.equal(await keys("u"), "1");
      assert.equal(await keys("u"), "1", "a top-level post has no parent");
      assert.equal(await keys("n"), "6");
      assert.equal(await keys("n"), "6", "the last top-level post stays");
      assert.equal(await keys("p"), "1");
      assert.equal(await keys("j", "j", "j", "j", "j", "j", "j"), "7", "j stops at the end");
      assert.equal(await keys("k"), "6");

      const outline = await page.evaluate(() => getComputedStyle(document.activeElement.querySelector(".post-main")).outlineStyle);
      assert.equal(outline, "solid");
      const onScreen = await page.evaluate(() => {
        const r = document.activeElement.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
      });
      assert.ok(onScreen);
    } finally {
      await close();
    }
  });
});

describe("help and theme", () => {
  test("? opens the help overlay listing every shortcut; Escape and ? close it", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/9" });
    try {
      await page.locator(".post").first().waitFor();
      await page.keyboard.press("?");
      const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
      await dialog.waitFor();
      const text = (await dialog.textContent()) ?? "";
      for (const what of ["Search all threads", "Next / previous post", "Next / previous top-level post", "Parent post", "Collapse / expand", "Switch theme", "Filter the thread", "next / previous match", "Select text in the focused post by keyboard", "Rename the thread", "Delete the thread", "Paste a thread"]) {
        assert.ok(text.includes(what), `help lists ${what}`);
      }
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-help.png") });
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      assert.equal(new URL(page.url()).hash, "#/thread/9", "Escape closed the overlay, not the thread");
      await page.keyboard.press("?");
      await dialog.waitFor();
      await page.keyboard.press("?");
      await dialog.waitFor({ state: "detached" });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("the theme toggle cycles system, light, dark and is remembered", async () => {
    const { page, close } = await openApp({ colorScheme: "light" });
    try {
      await page.locator(".thread-row").first().waitFor();
      const theme = () => page.evaluate(() => document.documentElement.dataset.theme ?? "system");
      const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      assert.equal(await theme(), "system");
      const light = await background();
      await page.locator(".theme-toggle").click();
      assert.equal(await theme(), "light");
      await page.keyboard.press("t");
      assert.equal(await theme(), "dark");
      assert.notEqual(await background(), light);
      await page.reload();
      await page.locator(".thread-row").first().waitFor();
      assert.equal(await theme(), "dark", "kept across starts");
      assert.equal(await page.locator(".theme-toggle").getAttribute("data-theme"), "dark");
      await page.keyboard.press("t");
      assert.equal(await theme(), "system");
      assert.equal(await background(), light);
    } finally {
      await close();
    }
  });
});

describe("search", () => {
  test("/ searches the library; results are grouped by thread with marked snippets; a result opens at its post", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.keyboard.press("/");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "search");
      await page.keyboard.type("backup");
      await page.keyboard.press("Enter");
      await page.locator(".result").first().waitFor();
      assert.match(new URL(page.url()).hash, /^#\/search\?q=backup$/);
      assert.deepEqual(await page.locator(".result-group").evaluateAll((els) => els.map((el) => el.dataset.threadId)), ["9"]);
      assert.equal(await page.locator(".result-group .result-count").textContent(), "3 matches");
      assert.deepEqual(await page.locator(".result-snippet mark").allTextContents(), ["backup", "backup", "backup"]);
      const focusedResult = () => page.evaluate(() => document.activeElement?.dataset.key);
      assert.equal(await focusedResult(), "9/1", "the first result has the focus");
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-search.png") });

      await page.keyboard.press("j");
      await page.keyboard.press("j");
      assert.equal(await focusedResult(), "9/7");
      await page.keyboard.press("k");
      await page.keyboard.press("k");
      assert.equal(await focusedResult(), "9/1");
      await page.keyboard.press("Enter");
      await page.locator('.post[data-post-id="1"]').waitFor();
      assert.equal(new URL(page.url()).hash, "#/thread/9?post=1&q=backup");
      assert.equal(await focusedPost(page), "1");
      assert.ok(await page.locator('.post[data-post-id="1"]').evaluate((el) => el.classList.contains("post--hit")));
      assert.deepEqual(await page.locator('.post[data-post-id="1"] .search-mark').allTextContents(), ["backup", "backup"]);
      const text = await page.locator('.post[data-post-id="1"] .post-body').textContent();
      assert.ok(text.includes("sqlite3 lib.db"), "marks keep the post's text");
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-search-jump.png") });

      await page.keyboard.press("Escape");
      await page.locator(".result").first().waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), "9/1", "back to the result that was opened");
      await page.keyboard.press("Escape");
      await page.locator(".thread-row").first().waitFor();
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("the thread filter narrows the search; prefix and phrase queries pass through", async () => {
    const { page, close } = await openApp({ hash: "#/search?q=backup*" });
    try {
      await page.locator(".result").first().waitFor();
      await page.locator(".search-filter").selectOption("9");
      await page.waitForFunction(() => location.hash === "#/search?q=backup*&thread=9");
      await page.locator('.result-group[data-thread-id="9"]').waitFor();
      assert.equal(await page.locator(".result-group").count(), 1);
      await page.locator("#search").fill('"VACUUM INTO"');
      await page.locator("#search").press("Enter");
      await page.waitForFunction(() => document.querySelectorAll(".result").length === 2);
      const searches = await calls(page, "search");
      assert.deepEqual(searches.map((a) => [a.query, a.thread]), [["backup*", null], ["backup*", 9], ['"VACUUM INTO"', 9]]);
    } finally {
      await close();
    }
  });

  test("bad search syntax shows the friendly message", async () => {
    const { page, close } = await openApp({ hash: '#/search?q=%22unclosed' });
    try {
      const alert = page.locator(".search-error");
      await alert.waitFor();
      assert.equal(await alert.getAttribute("data-kind"), "bad_input");
      assert.match((await alert.textContent()) ?? "", /"a phrase" in double quotes/);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "search", "the query is ready to fix");
    } finally {
      await close();
    }
  });

  test("snippets are text, never HTML", async () => {
    const { page, close } = await openApp({ hash: "#/search?q=tags" });
    try {
      const snippet = page.locator(".result-snippet").first();
      await snippet.waitFor();
      assert.ok(((await snippet.textContent()) ?? "").includes("<b>tags</b>"));
      assert.equal(await snippet.locator("b").count(), 0);
      assert.deepEqual(await snippet.locator("mark").allTextContents(), ["tags"]);
    } finally {
      await close();
    }
  });
});

describe("library management", () => {
  test("r renames the focused thread", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.keyboard.press("r");
      const dialog = page.getByRole("dialog", { name: "Rename thread" });
      await dialog.waitFor();
      const input = dialog.locator("input");
      assert.equal(await input.inputValue(), fixture.threads[0].title);
      await input.fill("   ");
      await input.press("Enter");
      await dialog.locator(".dialog-error").waitFor();
      assert.equal(await dialog.locator(".dialog-error").textContent(), "a thread needs a title");
      await input.fill("SQLite for local apps");
      await input.press("Enter");
      await dialog.waitFor({ state: "detached" });
      assert.equal(await page.locator(".thread-row").first().locator(".thread-title").textContent(), "SQLite for local apps");
      assert.deepEqual((await calls(page, "rename_thread")).at(-1), { id: 7, title: "SQLite for local apps" });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-thread-id")), "7");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("Delete asks first, says the highlights go too, and Cancel keeps the thread", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.keyboard.press("Delete");
      const dialog = page.getByRole("dialog", { name: "Delete this thread?" });
      await dialog.waitFor();
      const text = (await dialog.textContent()) ?? "";
      assert.match(text, /4 posts and its 1 highlight with their notes will be deleted too/);
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Cancel", "Cancel has the focus");
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-delete.png") });
      await page.keyboard.press("Enter");
      await dialog.waitFor({ state: "detached" });
      assert.equal(await page.locator(".thread-row").count(), fixture.threads.length);
      assert.deepEqual(await calls(page, "delete_thread"), []);

      await page.locator('.thread-item:has([data-thread-id="8"]) .row-action--danger').click();
      await dialog.waitFor();
      await dialog.getByRole("button", { name: "Delete" }).click();
      await dialog.waitFor({ state: "detached" });
      // The library is drawn again once the delete has answered.
      await page.locator('[data-thread-id="8"]').waitFor({ state: "detached", timeout: 5000 });
      assert.equal(await page.locator(".thread-row").count(), fixture.threads.length - 1);
      assert.deepEqual(await calls(page, "delete_thread"), [{ id: 8 }]);
      assert.equal(await page.locator('[data-thread-id="8"]').count(), 0);
      assert.match((await page.locator(".toast").textContent()) ?? "", /Deleted/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("import", () => {
  test("Paste a thread imports text and shows it in the library", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.getByRole("button", { name: "Paste a thread" }).click();
      const dialog = page.getByRole("dialog", { name: "Paste a thread" });
      await dialog.waitFor();
      await dialog.locator("textarea").fill("Is a pasted thread readable?\n\nYes, it is.");
      await dialog.locator(".paste-title").fill("Pasted");
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-paste.png") });
      await dialog.getByRole("button", { name: "Import" }).click();
      await dialog.waitFor({ state: "detached" });
      await page.locator('.thread-row[data-thread-id="100"]').waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-thread-id")), "100");
      assert.match((await page.locator(".toast").textContent()) ?? "", /Imported “Pasted”/);
      assert.deepEqual(await calls(page, "import_text"), [{ text: "Is a pasted thread readable?\n\nYes, it is.", title: "Pasted" }]);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("a pasted web address is fetched, with a visible state and a clear error", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      // A paste anywhere outside a text field opens the dialog with the text in it.
      await page.evaluate(() => {
        const data = new DataTransfer();
        data.setData("text/plain", "https://news.ycombinator.com/item?id=404");
        document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
      });
      const dialog = page.getByRole("dialog", { name: "Paste a thread" });
      await dialog.waitFor();
      assert.equal(await dialog.locator("textarea").inputValue(), "https://news.ycombinator.com/item?id=404");
      // An address is fetched, not imported as text.
      await dialog.getByRole("button", { name: "Fetch" }).click();
      const status = dialog.getByRole("status");
      await status.waitFor();
      assert.equal(await status.textContent(), "Fetching https://news.ycombinator.com/item?id=404…");
      assert.equal(await dialog.getByRole("button", { name: "Fetch" }).isDisabled(), true);
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-fetching.png") });
      const error = dialog.locator(".dialog-error");
      await error.waitFor();
      assert.match((await error.textContent()) ?? "", /HTTP 404 Not Found: no such thread/);
      assert.equal(await status.isHidden(), true);
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-fetch-error.png") });
      // Text that is not an address is imported as before: the button says so.
      await dialog.locator("textarea").fill("Some words");
      assert.equal(await dialog.getByRole("button", { name: "Import" }).count(), 1);
      // A good address: fetched and shown in the library.
      await dialog.locator("textarea").fill("  https://news.ycombinator.com/item?id=8863 ");
      await dialog.getByRole("button", { name: "Fetch" }).click();
      await dialog.waitFor({ state: "detached" });
      await page.locator('.thread-row[data-thread-id="100"]').waitFor();
      assert.match((await page.locator('.thread-row[data-thread-id="100"]').textContent()) ?? "", /Fetched from Hacker News/);
      assert.deepEqual(await calls(page, "fetch_url"), [
        { url: "https://news.ycombinator.com/item?id=404", title: null },
        { url: "https://news.ycombinator.com/item?id=8863", title: null },
      ]);
      assert.deepEqual(await calls(page, "import_text"), []);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("Open file uses the dialog; a dropped file is imported; errors are one line", async () => {
    const { page, problems, close } = await openApp({ pick: "/home/reader/thread.txt" });
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.keyboard.press("o");
      await page.locator('.thread-row[data-thread-id="100"]').waitFor();
      assert.deepEqual(await calls(page, "import_file"), [{ path: "/home/reader/thread.txt" }]);

      const drop = (paths) =>
        page.evaluate((paths) => {
          for (const id of window.__listeners["tauri://drag-drop"] ?? []) {
            window[`_${id}`]({ event: "tauri://drag-drop", id: 1, payload: { paths, position: { x: 10, y: 10 } } });
          }
        }, paths);
      await drop(["/home/reader/dropped.txt"]);
      await page.locator('.thread-row[data-thread-id="101"]').waitFor();
      await drop(["/home/reader/broken.bad"]);
      const toast = page.locator(".toast--error");
      await toast.waitFor();
      assert.equal(await toast.locator(".toast-text").textContent(), "/home/reader/broken.bad: line 1, column 1: invalid JSON: expected value");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

/** Where the reading position of the fixture's library is kept (prefs.ts). */
const READING = `threadmark.reading:${fixture.library.path}`;

describe("reading position", () => {
  test("the thread open at the last start comes back at the same post", async () => {
    const { page, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.evaluate((key) => localStorage.setItem(key, JSON.stringify({ thread: 9, post: "6", open: true })), READING);
      await page.goto(baseUrl);
      await page.locator(".post").first().waitFor();
      assert.equal(new URL(page.url()).hash, "#/thread/9?post=6");
      assert.equal(await focusedPost(page), "6");
      // Back in the library, the next start stays there, on that thread's row.
      await page.keyboard.press("Escape");
      await page.locator(".thread-row").first().waitFor();
      await page.goto(baseUrl);
      await page.locator(".thread-row").first().waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-thread-id")), "9");
    } finally {
      await close();
    }
  });
});

describe("reading position within a post", () => {
  /** Where post `id`'s top is in the window (px; negative: above its top edge). */
  const topOf = (page, id) => page.evaluate((id) => document.querySelector(`.post[data-post-id="${id}"]`)?.getBoundingClientRect().top ?? null, id);
  const saved = (page) => page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? "null"), READING);

  test("the window comes back at the same pixel within the post, deep in a 10,000-post thread", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/42?post=5000", big: true });
    try {
      await page.locator('.post[data-post-id="5000"] .post-body:not(.post-body--pending)').waitFor();
      // Scroll so that the window starts partway into post 5000.
      await page.evaluate(() => {
        const post = document.querySelector('.post[data-post-id="5000"]');
        window.scrollBy(0, post.getBoundingClientRect().top + 23);
      });
      await page.waitForFunction((key) => JSON.parse(localStorage.getItem(key) ?? "null")?.offset === 23, READING);
      assert.deepEqual(await saved(page), { thread: 42, post: "5000", offset: 23, open: true });

      // A new start: the same post, its top 23 px above the window's.
      await page.goto(baseUrl);
      await page.locator('.post[data-post-id="5000"] .post-body:not(.post-body--pending)').waitFor();
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(done)))));
      assert.equal(new URL(page.url()).hash, "#/thread/42?post=5000");
      assert.ok(Math.abs((await topOf(page, "5000")) + 23) <= 1, `post 5000 at ${await topOf(page, "5000")}px, not -23px`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("a 10,000-post thread", () => {
  /** The thread_posts calls so far, as [offset, limit]. */
  const pageCalls = (page) =>
    page.evaluate(() => window.__calls.filter((c) => c.cmd === "thread_posts").map((c) => [c.args.offset, c.args.limit]));
  const rendered = (page) => page.evaluate(() => [...document.querySelectorAll(".post")].map((p) => Number(p.dataset.index)));
  const focusedIndex = (page) => page.evaluate(() => Number(document.activeElement?.dataset?.index ?? -1));
  const onScreen = (page) =>
    page.evaluate(() => {
      const r = document.activeElement.getBoundingClientRect();
      const bar = document.querySelector(".topbar").getBoundingClientRect().bottom;
      const status = document.querySelector(".statusbar").getBoundingClientRect().top;
      return r.top >= bar - 1 && r.top < status;
    });

  test("opens with a window of posts in the DOM and bodies fetched a page at a time", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/42", big: true });
    try {
      await page.locator('.post[data-post-id="1"] .post-body:not(.post-body--pending)').waitFor();
      const first = await rendered(page);
      assert.ok(first.length > 3 && first.length < 60, `a window of posts, not 10,000: ${first.length}`);
      assert.deepEqual(first, [...first].sort((a, b) => a - b), "in thread order");
      assert.deepEqual(await pageCalls(page), [[0, 100]], "one page for the first screen");
      const height = await page.evaluate(() => document.querySelector(".posts").getBoundingClientRect().height);
      assert.ok(height > 10_000 * 50, `the list is as tall as every post: ${height}px`);

      // Scrolling far down renders posts from there, fetched on demand.
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
      await page.waitForFunction(() => [...document.querySelectorAll(".post")].some((p) => Number(p.dataset.index) > 3000 && !p.classList.contains("post--pending")));
      const middle = await rendered(page);
      assert.ok(middle.length < 60, `still a window: ${middle.length}`);
      assert.ok(!middle.includes(0), "the first post left the DOM");
      const calls = await pageCalls(page);
      assert.ok(calls.length >= 2 && calls.length <= 5, `a few pages, not all of them: ${JSON.stringify(calls)}`);
      assert.ok(calls.every(([offset, limit]) => limit === 100 && offset % 100 === 0));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("End goes to the last post and k, j, Home move from there, the focused post always on screen", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/42", big: true });
    try {
      await page.locator('.post[data-post-id="1"]').waitFor();
      await page.keyboard.press("j");
      assert.equal(await focusedIndex(page), 0);
      await page.keyboard.press("End");
      await page.waitForFunction(() => document.activeElement?.dataset?.postId === "10000");
      await page.locator('.post[data-post-id="10000"] .post-body:not(.post-body--pending)').waitFor();
      assert.ok(await onScreen(page), "the last post is on screen");
      await page.keyboard.press("k");
      assert.equal(await focusedIndex(page), 9_998);
      await page.keyboard.press("p");
      assert.equal(await focusedIndex(page), 9_990, "previous top-level post");
      await page.keyboard.press("u");
      assert.equal(await focusedIndex(page), 9_990, "a top-level post has no parent");
      for (let i = 0; i < 12; i++) await page.keyboard.press("j");
      assert.equal(await focusedIndex(page), 9_999, "j stops at the last post");
      assert.ok(await onScreen(page));
      await page.keyboard.press("u");
      assert.equal(await focusedIndex(page), 9_990, "the parent of the last post");
      assert.ok(await onScreen(page));
      const window_ = await rendered(page);
      assert.ok(window_.length < 60 && window_.includes(9_990), `a window around the focus: ${window_.length}`);
      await page.keyboard.press("Home");
      assert.equal(await focusedIndex(page), 0);
      assert.ok(await onScreen(page));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("a search hit far down opens scrolled to its post with the match marked", async () => {
    const { page, problems, close } = await openApp({ big: true });
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.keyboard.press("/");
      await page.keyboard.type("zanzibar");
      await page.keyboard.press("Enter");
      const result = page.locator(".result").first();
      await result.waitFor();
      await result.click();
      const hit = page.locator(".post.post--hit");
      await hit.waitFor();
      assert.equal(await hit.getAttribute("data-post-id"), "9877");
      assert.deepEqual(await hit.locator(".search-mark").allTextContents(), ["zanzibar"]);
      assert.equal(await focusedIndex(page), 9_876);
      assert.ok(await onScreen(page), "the hit is on screen");
      const calls = await pageCalls(page);
      assert.deepEqual(calls[0], [9_800, 100], "the hit's page first");
      assert.ok(calls.length <= 3, JSON.stringify(calls));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("collapsing a post hides its replies and counts them; the next row is the next sibling", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/42", big: true });
    try {
      await page.locator('.post[data-post-id="1"]').waitFor();
      await page.keyboard.press("j");
      await page.keyboard.press(" ");
      const folded = page.locator('.post[data-post-id="1"] .post-folded');
      assert.equal(await folded.textContent(), "9 replies hidden");
      assert.match((await page.locator(".statusbar-note").textContent()) ?? "", /9 replies hidden/);
      await page.keyboard.press("j");
      assert.equal(await focusedIndex(page), 10, "j skips the hidden replies");
      assert.ok(!(await rendered(page)).some((i) => i > 0 && i < 10), "the replies left the DOM");
      // A reply with replies of its own: its chain of three.
      await page.keyboard.press("j");
      await page.keyboard.press(" ");
      assert.equal(await page.locator('.post[data-post-id="12"] .post-folded').textContent(), "3 replies hidden");
      await page.keyboard.press("j");
      assert.equal(await focusedIndex(page), 15);
      // Expanding brings them back, in place.
      await page.keyboard.press("k");
      await page.keyboard.press(" ");
      await page.keyboard.press("j");
      assert.equal(await focusedIndex(page), 12);
      // Posts must not overlap once measured (the virtualizer measures a frame or two
      // after the expansion): each starts where the one before ends.
      await page
        .waitForFunction(() => {
          const posts = [...document.querySelectorAll(".post")].map((p) => p.getBoundingClientRect());
          return posts.slice(1).every((r, i) => Math.round(r.top - posts[i].bottom) === 0);
        }, null, { timeout: 3000 })
        .catch(() => {});
      const gaps = await page.evaluate(() => {
        const posts = [...document.querySelectorAll(".post")].map((p) => p.getBoundingClientRect());
        return posts.slice(1).map((r, i) => Math.round(r.top - posts[i].bottom));
      });
      assert.ok(gaps.every((g) => g === 0), `rows touch: ${gaps}`);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("a long import", () => {
  const drop = (page, paths) =>
    page.evaluate((paths) => {
      for (const id of window.__listeners["tauri://drag-drop"] ?? []) {
        window[`_${id}`]?.({ event: "tauri://drag-drop", id: 1, payload: { paths, position: { x: 10, y: 10 } } });
      }
    }, paths);

  test("shows its progress and Cancel stops it with nothing imported", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      const rows = await page.locator(".thread-row").count();
      await drop(page, ["/home/reader/archive.slow"]);
      const dialog = page.getByRole("dialog", { name: "Importing" });
      await dialog.waitFor();
      await page.evaluate(() => {
        const label = document.querySelector(".import-label");
        window.__importLabels = [label.textContent];
        new MutationObserver(() => window.__importLabels.push(label.textContent)).observe(label, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      await page.waitForFunction(() => /Saving posts: [\d,]+ of 5,000 in 12 threads/.test(document.querySelector(".import-label")?.textContent ?? ""));
      // Reading reports still come between saving ones: the label stays on saving
      // to the last report.
      await page.waitForFunction(() => /Saving posts: 5,000 of 5,000/.test(document.querySelector(".import-label")?.textContent ?? ""));
      const labels = await page.evaluate(() => window.__importLabels);
      const firstSaving = labels.findIndex((l) => l.startsWith("Saving posts"));
      assert.ok(firstSaving >= 0 && labels.length - firstSaving >= 3, `labels: ${labels}`);
      assert.ok(labels.slice(firstSaving).every((l) => l.startsWith("Saving posts")), `labels: ${labels}`);
      const bar = await page.evaluate(() => {
        const bar = document.querySelector(".import-bar");
        return [bar.value, bar.max];
      });
      assert.ok(bar[0] > 0 && bar[1] === 5_000, `the bar moves: ${bar}`);
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-import-progress.png") });
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });
      assert.equal(await page.locator(".toast-text").textContent(), "Import cancelled: nothing was saved.");
      assert.equal(await page.locator(".toast--error").count(), 0, "a cancel is not an error");
      assert.equal(await page.locator(".thread-row").count(), rows, "nothing was added");
      const cmds = await page.evaluate(() => window.__calls.map((c) => c.cmd));
      assert.ok(cmds.includes("cancel_import"));
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("Escape cancels too; an import left to finish closes the dialog and opens the library on it", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      await drop(page, ["/home/reader/first.slow"]);
      const dialog = page.getByRole("dialog", { name: "Importing" });
      await dialog.waitFor();
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      assert.equal(await page.locator(".toast-text").textContent(), "Import cancelled: nothing was saved.");

      await drop(page, ["/home/reader/second.slow"]);
      await dialog.waitFor();
      await dialog.waitFor({ state: "detached", timeout: 10_000 });
      const row = page.locator('.thread-row[data-thread-id="100"]');
      await row.waitFor();
      assert.equal(await row.locator(".thread-title").textContent(), "second.slow");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("a short import shows no progress dialog", async () => {
    const { page, problems, close } = await openApp();
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.evaluate(() => {
        window.__dialogs = 0;
        new MutationObserver((records) => {
          for (const r of records) for (const n of r.addedNodes) if (n.classList?.contains("dialog--progress")) window.__dialogs++;
        }).observe(document.body, { childList: true });
      });
      await drop(page, ["/home/reader/quick.txt"]);
      await page.locator('.thread-row[data-thread-id="100"]').waitFor();
      await page.waitForTimeout(400);
      assert.equal(await page.evaluate(() => window.__dialogs), 0);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("screenshots of a 10,000-post thread", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`far down, a search hit marked, a collapsed post, in ${colorScheme}`, async () => {
      const { page, problems, close } = await openApp({ colorScheme, hash: "#/thread/42?post=9877&q=zanzibar", big: true });
      try {
        await page.locator(".post.post--hit .search-mark").waitFor();
        // Collapse the top-level post above the hit (9,871): its replies fold away.
        await page.keyboard.press("p");
        await page.keyboard.press(" ");
        await page.locator('.post[data-post-id="9871"] .post-folded').waitFor();
        const top = () => page.evaluate(() => Math.round(document.activeElement.getBoundingClientRect().top));
        assert.equal(await top(), 72, "p brings the top-level post to the top, under the bar");
        await page.evaluate(() => window.scrollBy(0, -240));
        await page.waitForTimeout(100);
        assert.equal(await top(), 72 + 240, "scrolled, the collapsed post stays in place");
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-thread-10k-${colorScheme}.png`) });
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }
});

describe("quotes", () => {
  const open = async (options = {}) => {
    const app = await openApp({ hash: "#/thread/11", quoting: true, ...options });
    await app.page.locator("#post-2 .quote-link").first().waitFor();
    return app;
  };

  test("a quote block links to its source, an external one says so, a quoted post shows quoted by N", async () => {
    const { page, problems, close } = await open();
    try {
      const links = page.locator("#post-2 .quote-link");
      assert.equal(await links.count(), 2);
      assert.equal(await links.nth(0).getAttribute("data-label"), "quoting @ada");
      assert.equal(await links.nth(1).getAttribute("data-label"), "external quote");
      assert.equal(await page.locator("#post-3 .quote-link").getAttribute("data-label"), "quoting @bob");
      // The labels are drawn by CSS: the body's text is still the post's text.
      const body = await page.locator("#post-2 .post-body").textContent();
      assert.equal(body, "Sync is a feature, not the foundation.Until you have two laptops.Software should outlive its vendor.Agreed with that manifesto line, though.");
      assert.equal(await page.locator("#post-1 .quoted-by").getAttribute("data-label"), "quoted by 1");
      assert.equal(await page.locator("#post-2 .quoted-by").getAttribute("data-label"), "quoted by 1");
      assert.equal(await page.locator("#post-3 .quoted-by").count(), 0, "nobody quotes carol");
      await page.locator("#post-1 .quoted-by").click();
      const reply = page.locator("#post-1 .quoted-by-reply");
      await reply.waitFor();
      assert.equal(await reply.count(), 1);
      assert.match((await reply.textContent()) ?? "", /^@bob #2: “Sync is a feature, not the foundation\.”$/);
      const calls = await page.evaluate(() => window.__calls.filter((c) => c.cmd === "quoted_by").map((c) => c.args));
      assert.deepEqual(calls, [{ id: 11, post: "1", start: null, end: null }]);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("Tab and Enter on a link open the quote beside its source; arrows step; Escape returns to the same place", async () => {
    const { page, problems, close } = await open();
    try {
      await page.locator("#post-2").focus();
      const scrollBefore = await page.evaluate(() => window.scrollY);
      // Tab from the post reaches its first quote link.
      let label = null;
      for (let i = 0; i < 6 && label !== "quoting @ada"; i++) {
        await page.keyboard.press("Tab");
        label = await page.evaluate(() => document.activeElement?.getAttribute("data-label"));
      }
      assert.equal(label, "quoting @ada");
      await page.keyboard.press("Enter");
      const view = page.locator("dialog.quote-view[open]");
      await view.waitFor();
      await view.locator(".quote-view-source mark.quote-span").waitFor();
      // The view may still be drawing the quote it opens at: wait for that quote's title.
      await view.locator(".quote-view-title", { hasText: "@bob quoting @ada" }).waitFor({ timeout: 5000 });
      assert.equal(await view.locator(".quote-view-title").textContent(), "@bob quoting @ada");
      assert.equal(await view.locator(".quote-view-position").textContent(), "Quote 1 of 2");
      assert.equal(await view.locator(".quote-view-source mark.quote-span").textContent(), "Sync is a feature, not the foundation.");
      assert.match((await view.locator(".quote-view-source .quote-view-label").textContent()) ?? "", /@ada #1/);
      assert.equal(await view.locator(".quote-view-reply mark.quote-span").textContent(), "Sync is a feature, not the foundation.");

      await page.keyboard.press("ArrowRight");
      await view.locator(".quote-view-external").waitFor();
      assert.equal(await view.locator(".quote-view-position").textContent(), "Quote 2 of 2");
      assert.equal(await view.locator(".quote-view-title").textContent(), "@bob: external quote");
      assert.equal(await view.locator(".quote-view-quoted").textContent(), "Software should outlive its vendor.");
      assert.equal(await view.locator(".quote-view-reply mark.quote-span").textContent(), "Software should outlive its vendor.");
      await page.keyboard.press("ArrowRight");
      assert.equal(await view.locator(".quote-view-position").textContent(), "Quote 2 of 2", "stops at the last quote");
      await page.keyboard.press("k");
      await view.locator(".quote-view-source mark.quote-span").waitFor();
      assert.equal(await view.locator(".quote-view-position").textContent(), "Quote 1 of 2");

      await page.keyboard.press("Escape");
      await view.waitFor({ state: "detached" });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-label")), "quoting @ada", "focus is back on the link");
      assert.equal(await page.evaluate(() => window.scrollY), scrollBefore);
      assert.equal(new URL(page.url()).hash.startsWith("#/thread/11"), true, "still in the thread");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("q on a focused post opens its quotes, or the first reply quoting it; Escape goes back to the post", async () => {
    const { page, problems, close } = await open();
    try {
      await page.locator("#post-3").focus();
      await page.keyboard.press("q");
      const view = page.locator("dialog.quote-view[open]");
      await view.locator(".quote-view-source mark.quote-span").waitFor();
      assert.equal(await view.locator(".quote-view-title").textContent(), "@carol quoting @bob");
      assert.equal(await view.locator(".quote-view-source mark.quote-span").textContent(), "Until you have two laptops.");
      await page.keyboard.press("Escape");
      await view.waitFor({ state: "detached" });
      assert.equal(await page.evaluate(() => document.activeElement?.id), "post-3");

      // Post 1 quotes nobody: q shows bob's reply, at the quote of post 1.
      await page.locator("#post-1").focus();
      await page.keyboard.press("q");
      await view.locator(".quote-view-source mark.quote-span").waitFor();
      // The view may still be drawing the quote it opens at: wait for that quote's title.
      await view.locator(".quote-view-title", { hasText: "@bob quoting @ada" }).waitFor({ timeout: 5000 });
      assert.equal(await view.locator(".quote-view-title").textContent(), "@bob quoting @ada");
      assert.equal(await view.locator(".quote-view-position").textContent(), "Quote 1 of 2");
      await page.keyboard.press("Escape");
      await view.waitFor({ state: "detached" });
      assert.equal(await page.evaluate(() => document.activeElement?.id), "post-1");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  for (const colorScheme of ["light", "dark"]) {
    test(`the quote view reads in the ${colorScheme} theme`, async () => {
      const { page, problems, close } = await open({ colorScheme });
      try {
        await page.locator("#post-2 .quote-link").first().click();
        const view = page.locator("dialog.quote-view[open]");
        await view.locator(".quote-view-source mark.quote-span").waitFor();
        const colors = await view.evaluate((dialog) => {
          const mark = dialog.querySelector(".quote-view-source mark.quote-span");
          return { bg: getComputedStyle(dialog).backgroundColor, mark: getComputedStyle(mark).backgroundColor, text: getComputedStyle(mark).color };
        });
        assert.notEqual(colors.mark, colors.bg, "the quoted span stands out");
        assert.notEqual(colors.text, colors.mark);
        await page.screenshot({ path: `${screenshots}/quote-view-mock-${colorScheme}.png` });
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }
});

describe("accessibility (axe-core, WCAG 2.2 A and AA)", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`every screen and dialog in ${colorScheme}`, async () => {
      const { page, problems, close } = await openApp({ colorScheme });
      try {
        await page.locator(".thread-row").first().waitFor();
        await assertAccessible(page, `the library (${colorScheme})`);

        await page.keyboard.press("?");
        await page.locator("dialog[open]").waitFor();
        await assertAccessible(page, `the help overlay (${colorScheme})`);
        await page.keyboard.press("Escape");
        await page.locator("dialog[open]").waitFor({ state: "detached" });

        await page.keyboard.press("x");
        await page.locator("dialog[open]").waitFor();
        await assertAccessible(page, `the export dialog (${colorScheme})`);
        await page.keyboard.press("Escape");
        await page.locator("dialog[open]").waitFor({ state: "detached" });

        await page.keyboard.press("r");
        await page.locator("dialog[open]").waitFor();
        await assertAccessible(page, `the rename dialog (${colorScheme})`);
        await page.keyboard.press("Escape");
        await page.locator("dialog[open]").waitFor({ state: "detached" });

        await page.locator(".thread-row").first().focus();
        await page.keyboard.press("Delete");
        await page.locator("dialog[open]").waitFor();
        await assertAccessible(page, `the delete dialog (${colorScheme})`);
        await page.keyboard.press("Escape");
        await page.locator("dialog[open]").waitFor({ state: "detached" });

        await page.locator("button", { hasText: "Paste a thread" }).first().click();
        await page.locator("dialog[open]").waitFor();
        await assertAccessible(page, `the paste dialog (${colorScheme})`);
        await page.keyboard.press("Escape");
        await page.locator("dialog[open]").waitFor({ state: "detached" });

        await page.locator(".thread-row").first().click();
        await page.locator(".post").first().waitFor();
        await page.keyboard.press("j");
        await assertAccessible(page, `a thread (${colorScheme})`);
        await page.keyboard.press(" ");
        await assertAccessible(page, `a thread with a collapsed post (${colorScheme})`);

        // New, edited and removed posts, replies not saved.
        await page.goto(`${baseUrl}#/thread/9`);
        await page.locator('.post[data-post-id="6"] .post-change').waitFor();
        await page.keyboard.press("j");
        await assertAccessible(page, `a re-imported thread (${colorScheme})`);

        await page.goto(`${baseUrl}#/search?q=backup`);
        await page.locator(".result").first().waitFor();
        await assertAccessible(page, `search results (${colorScheme})`);

        await page.goto(`${baseUrl}#/thread/999`);
        await page.locator(".error").waitFor();
        await assertAccessible(page, `the error screen (${colorScheme})`);
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });

    test(`a 10,000-post thread far down, and the quote view, in ${colorScheme}`, async () => {
      const big = await openApp({ colorScheme, hash: "#/thread/42?post=9877&q=zanzibar", big: true });
      try {
        await big.page.locator('.post[data-post-id="9877"] mark').first().waitFor();
        await assertAccessible(big.page, `the 10,000-post thread (${colorScheme})`);
      } finally {
        await big.close();
      }
      const quoting = await openApp({ colorScheme, hash: "#/thread/11", quoting: true });
      try {
        const { page } = quoting;
        await page.locator("#post-2 .quote-link").first().waitFor();
        await assertAccessible(page, `a thread with quotes (${colorScheme})`);
        await page.locator(".quote-link").first().click();
        await page.locator("dialog.quote-view[open] .quote-view-source mark.quote-span").waitFor();
        await assertAccessible(page, `the quote view (${colorScheme})`);
      } finally {
        await quoting.close();
      }
    });
  }
});

describe("thread filter (f)", () => {
  test("matches stay, their ancestors dimmed for context, the rest folded; n / N step; Escape clears", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/9" });
    try {
      await page.locator(".post").first().waitFor();
      const shown = () => page.locator(".post").evaluateAll((els) => els.map((e) => `${e.dataset.postId}:${e.classList.contains("post--match") ? "match" : e.classList.contains("post--context") ? "context" : "plain"}`));
      assert.equal((await shown()).length, 7);
      await page.keyboard.press("f");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "thread-filter");
      await page.keyboard.type("author:ada");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.querySelectorAll(".post").length === 5);
      assert.deepEqual(await shown(), ["1:match", "2:context", "3:match", "6:context", "7:match"]);
      assert.equal(await page.locator("#thread-filter-count").textContent(), "3 matches");
      assert.equal(await focusedPost(page), "1", "the first match has the focus");
      assert.equal(await page.locator('.post[data-post-id="2"]').getAttribute("aria-label"), "bob, reply 1 of 2 to ada, context of a match, edited");
      assert.equal(await page.locator('.post[data-post-id="2"] .post-body').isHidden(), true, "a context post shows its head only");
      await page.waitForFunction(() => /^3 matches\./.test(document.getElementById("announcer")?.textContent ?? ""));
      await page.keyboard.press("n");
      assert.equal(await focusedPost(page), "3");
      await page.keyboard.press("n");
      assert.equal(await focusedPost(page), "7");
      await page.keyboard.press("n");
      assert.equal(await focusedPost(page), "1", "n wraps round to the first match");
      await page.keyboard.press("Shift+N");
      assert.equal(await focusedPost(page), "7");
      await page.keyboard.press("j");
      await assertAccessible(page, "a filtered thread");
      await page.screenshot({ path: path.join(screenshots, "threadmark-ui-filter.png") });

      // A query the core refuses: its one-line message in the bar, the filter kept.
      await page.keyboard.press("f");
      await page.keyboard.press("Control+A");
      await page.keyboard.type("points>=5");
      await page.keyboard.press("Enter");
      await page.locator(".filter-bar--error").waitFor();
      assert.match((await page.locator("#thread-filter-count").textContent()) ?? "", /not understood/);
      assert.equal((await shown()).length, 5);
      await page.keyboard.press("Escape");
      await page.waitForFunction(() => document.querySelectorAll(".post").length === 7);
      assert.deepEqual((await shown()).filter((s) => !s.endsWith("plain")), []);
      assert.equal(await page.locator("form.filter-bar").isHidden(), true);
      assert.match(new URL(page.url()).hash, /^#\/thread\/9/, "Escape in the bar clears the filter, it does not leave the thread");

      // Participants: authors by posts, each filtering to them.
      await page.locator(".participants-toggle").click();
      const people = await page.locator(".participant").evaluateAll((els) => els.map((e) => e.textContent));
      assert.deepEqual(people, ["ada3 posts, 0 highlights", "bob1 post, 0 highlights", "carol1 post, 0 highlights", "dave1 post, 0 highlights", "erin1 post, 0 highlights"]);
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.author), "ada");
      await assertAccessible(page, "the participants list");
      await page.locator('.participant[data-author="bob"]').click();
      await page.waitForFunction(() => document.querySelectorAll(".post").length === 2);
      assert.deepEqual(await shown(), ["1:context", "2:match"]);
      assert.equal(await page.locator("#thread-filter").inputValue(), 'author:"bob"');
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("200% zoom", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`library, thread, filter, search and help reflow without sideways scrolling, in ${colorScheme}`, async () => {
      const { page, problems, close } = await openApp({ colorScheme, zoom: 2 });
      const noSideways = async (where) => {
        const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
        assert.ok(scroll <= width, `${where}: ${scroll} px wide in a ${width} px window`);
      };
      try {
        await page.locator(".thread-row").first().waitFor();
        await noSideways("library");
        await assertAccessible(page, `the library at 200% (${colorScheme})`);
        await page.screenshot({ path: path.join(screenshots, `threadmark-200-library-${colorScheme}.png`) });
        await page.goto(`${baseUrl}#/thread/9`);
        await page.locator(".post").first().waitFor();
        await page.keyboard.press("j");
        await noSideways("thread");
        await assertAccessible(page, `a thread at 200% (${colorScheme})`);
        await page.screenshot({ path: path.join(screenshots, `threadmark-200-thread9-${colorScheme}.png`) });
        await page.keyboard.press("f");
        await page.keyboard.type("author:ada");
        await page.keyboard.press("Enter");
        await page.locator(".post--match").first().waitFor();
        await noSideways("filtered thread");
        await assertAccessible(page, `a filtered thread at 200% (${colorScheme})`);
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: path.join(screenshots, `threadmark-200-filter-${colorScheme}.png`) });
        await page.goto(`${baseUrl}#/search?q=backup`);
        await page.locator(".result").first().waitFor();
        await noSideways("search");
        await assertAccessible(page, `search results at 200% (${colorScheme})`);
        await page.screenshot({ path: path.join(screenshots, `threadmark-200-search-${colorScheme}.png`) });
        await page.keyboard.press("?");
        await page.locator("dialog[open]").waitFor();
        await assertAccessible(page, `the help at 200% (${colorScheme})`);
        await page.screenshot({ path: path.join(screenshots, `threadmark-200-help-${colorScheme}.png`) });
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }
});

describe("find in thread (Ctrl+F)", () => {
  test("finds words in posts not yet drawn, steps to them with Enter, marks them; Escape unmarks", async () => {
    const { page, problems, close } = await openApp({ hash: "#/thread/42", big: true });
    try {
      await page.locator(".post").first().waitFor();
      assert.equal(await page.locator('.post[data-post-id="9877"]').count(), 0, "the post is not drawn yet");
      await page.keyboard.press("Control+f");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "thread-find");
      await page.keyboard.type("zanz");
      await page.waitForFunction(() => document.querySelector(".find-count")?.textContent === "1 post");
      const [args] = (await calls(page, "search")).slice(-1);
      assert.deepEqual(args, { query: "zanz*", thread: 42 });
      await page.keyboard.press("Enter");
      const mark = page.locator('.post[data-post-id="9877"] mark');
      await mark.first().waitFor();
      assert.match((await mark.first().textContent()) ?? "", /^zanz/i);
      assert.equal(await page.locator(".find-count").textContent(), "1 of 1: user9's post");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "thread-find", "the cursor stays in the bar for the next Enter");
      await page.keyboard.press("Escape");
      await page.waitForFunction(() => !document.querySelector('.post[data-post-id="9877"] mark'));
      assert.equal(await page.locator(".find-bar").isHidden(), true);
      assert.equal(await focusedPost(page), "9877", "Escape leaves the reader at the post found");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("read-only library", () => {
  test("a banner says the library is read-only, above every screen; none otherwise", async () => {
    const { page, problems, close } = await openApp({ readOnly: true });
    try {
      const banner = page.locator(".readonly-banner");
      await banner.waitFor();
      assert.equal(await banner.getAttribute("role"), "status");
      const text = await banner.textContent();
      assert.match(text, /^Read-only library\. You can read, search and export, but not import, highlight or change anything/);
      assert.ok(text.includes(fixture.library.path), text);
      await page.screenshot({ path: path.join(screenshots, "readonly-banner.png") });
      await page.keyboard.press("Enter");
      await page.waitForTimeout(200);
      assert.equal(await page.locator(".readonly-banner").count(), 1);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
    const normal = await openApp();
    try {
      await normal.page.waitForTimeout(300);
      assert.equal(await normal.page.locator(".readonly-banner").count(), 0);
    } finally {
      await normal.close();
    }
  });
});
