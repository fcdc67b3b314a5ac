// The built frontend (ui/dist) in headless Chromium, with the Tauri IPC mocked.
// Served with the app's own CSP, so an inline script or style would show up here.
//
// Run: npm run build && npm run test:ui   (scripts/ui-test.sh does both)

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import * as fixture from "./fixture.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, "../dist");
const tauriConf = path.resolve(here, "../../src-tauri/tauri.conf.json");
const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** The production CSP from tauri.conf.json, as the header Tauri would send. */
async function appCsp() {
  const conf = JSON.parse(await readFile(tauriConf, "utf8"));
  return Object.entries(conf.app.security.csp)
    .map(([directive, sources]) => `${directive} ${sources}`)
    .join("; ");
}

/** A static server for ui/dist on a free loopback port. */
async function serveDist(csp) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const file = path.join(dist, url.pathname === "/" ? "index.html" : path.normalize(url.pathname));
    if (!file.startsWith(dist)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "content-security-policy": csp,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** Runs in the page before its scripts: a stand-in for Tauri's IPC bridge. */
function mockTauri(data) {
  const calls = [];
  window.__threadmarkCalls = calls;
  let nextCallback = 1;
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback(callback, once) {
      const id = nextCallback++;
      window[`_${id}`] = (result) => {
        if (once) delete window[`_${id}`];
        return callback?.(result);
      };
      return id;
    },
    convertFileSrc: (file) => file,
    async invoke(cmd, args) {
      calls.push({ cmd, args });
      switch (cmd) {
        case "list_threads":
          return data.threads;
        case "library_info":
          return data.library;
        case "open_thread": {
          const thread = data.threads.find((t) => t.id === args.id);
          if (!thread) throw { kind: "not_found", message: `library: thread ${args.id}: no such thread` };
          return { thread, posts: data.posts[args.id] };
        }
        default:
          throw { kind: "internal", message: `unmocked command ${cmd}` };
      }
    },
  };
}

let server;
let browser;
let baseUrl;

before(async () => {
  server = await serveDist(await appCsp());
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** A fresh page on the app, with the IPC mocked and problems collected. */
async function openApp({ colorScheme = "light", hash = "" } = {}) {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1100, height: 780 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  await page.addInitScript(mockTauri, {
    threads: fixture.threads,
    posts: fixture.posts,
    library: fixture.library,
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
      assert.equal(await rows.count(), 2);
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

  test("links in posts do not navigate the window", async () => {
    const { page, close } = await openApp({ hash: "#/thread/7" });
    try {
      await page.locator(".post-body a").click();
      assert.equal(new URL(page.url()).hash, "#/thread/7");
      assert.equal(await page.locator(".post").count(), 4);
    } finally {
      await close();
    }
  });

  test("the back button returns to the library", async () => {
    const { page, close } = await openApp({ hash: "#/thread/8" });
    try {
      await page.locator("button.back").click();
      await page.locator(".thread-row").first().waitFor();
      assert.equal(await page.locator(".thread-row").count(), 2);
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
