// The export dialog (format, scope, save dialog, backup, restore) in the built
// frontend with the Tauri IPC mocked; and the standalone HTML export itself (the
// core's committed snapshot) rendered in Chromium: its structure, its marks in
// label colours, light and dark, and no script or remote load.
//
// Run: npm run build && npm run test:ui   (scripts/ui-test.sh does both)

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startApp, stopApp } from "./serve.mjs";
import * as fixture from "./fixture.mjs";
import { mockIpc } from "./ipc-mock.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const snapshots = path.resolve(here, "../../crates/threadmark-core/tests/snapshots");
const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";

let browser;
let server;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

/** Tauri's IPC bridge, mocked: the library commands the screens need, the export
 *  and restore commands, and the dialog plugin answering with `picks`. */
function setup(data, ipc) {
  return async (cmd, args) => {
    switch (cmd) {
      case "list_threads":
        return data.threads;
      case "library_info":
        return data.library;
      case "open_thread": {
        const thread = data.threads.find((t) => t.id === args.id);
        const outline = data.posts[args.id].map(({ sourceId, parent, depth, author, deleted }) => ({ sourceId, parent, depth, author, deleted }));
        return { thread, outline };
      }
      case "thread_posts":
        return data.posts[args.id].slice(args.offset, args.offset + args.limit);
      case "plugin:dialog|save":
      case "plugin:dialog|open":
        return data.picks.shift() ?? null;
      case "export_threads":
        if (args.path.includes("readonly")) throw { kind: "io", message: `${args.path}: permission denied` };
        return args.folder ? data.threads.map((t) => `${args.path}/${t.id}.${args.format}`) : [args.path];
      case "restore_backup":
        return { threadsCreated: 1, threadsMerged: 2, postsAdded: 10, highlightsAdded: 4, highlightsUpdated: 1, labelsAdded: 0, linksAdded: 2 };
      default:
        return [];
    }
  };
}

async function openApp({ hash = "", picks = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 780 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await mockIpc(page, setup, { threads: fixture.threads, posts: fixture.posts, library: fixture.library, picks });
  await page.goto(baseUrl + hash);
  await page.locator(".topbar").first().waitFor();
  const calls = (cmd) => page.evaluate((c) => window.__calls.filter((x) => x.cmd === c), cmd);
  return { page, problems, calls, close: () => context.close() };
}

describe("export dialog", () => {
  test("exports the thread being read through the save dialog", async () => {
    const { page, problems, calls, close } = await openApp({ hash: "#/thread/7", picks: ["/home/reader/notes/why.html"] });
    try {
      await page.keyboard.press("x");
      const dialog = page.locator("dialog.dialog--export");
      await dialog.waitFor();
      assert.equal(await page.locator("#export-scope-thread").isChecked(), true, "the scope starts on the open thread");
      assert.match((await dialog.textContent()) ?? "", /This thread: “Why SQLite is enough/);
      assert.match((await dialog.textContent()) ?? "", /The whole library \(3 threads\)/);
      await page.locator("label[for=export-format-html]").click();
      assert.match((await page.locator(".export-where").textContent()) ?? "", /one \.html file/);
      await page.screenshot({ path: path.join(screenshots, "threadmark-export-dialog.png") });
      await dialog.getByRole("button", { name: "Export…" }).click();
      await dialog.waitFor({ state: "detached" });
      const saves = await calls("plugin:dialog|save");
      assert.equal(saves.length, 1);
      assert.equal(saves[0].args.options.defaultPath, "7-why-sqlite-is-enough-for-a-local-first-app.html");
      assert.deepEqual(saves[0].args.options.filters, [{ name: "Web page", extensions: ["html"] }]);
      const exports = await calls("export_threads");
      assert.deepEqual(exports.map((c) => c.args), [{ threads: [7], format: "html", path: "/home/reader/notes/why.html", folder: false }]);
      assert.match((await page.locator(".toast").last().textContent()) ?? "", /Exported to \/home\/reader\/notes\/why\.html/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("a library in Markdown goes to a folder; a cancelled picker keeps the dialog; errors show inside it", async () => {
    const { page, problems, calls, close } = await openApp({ picks: [null, "/readonly/out", "/home/reader/vault"] });
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.locator(".export-button").click();
      const dialog = page.locator("dialog.dialog--export");
      await dialog.waitFor();
      assert.equal(await page.locator("#export-scope-thread").isDisabled(), true, "no thread is open");
      assert.equal(await page.locator("#export-scope-library").isChecked(), true);
      assert.match((await page.locator(".export-where").textContent()) ?? "", /choose a folder; each thread becomes one \.md file/);
      const go = dialog.getByRole("button", { name: "Export…" });
      await go.click(); // picker cancelled
      await page.waitForFunction(() => window.__calls.filter((c) => c.cmd === "plugin:dialog|open").length === 1);
      assert.equal(await dialog.isVisible(), true);
      assert.equal((await calls("export_threads")).length, 0);
      await go.click(); // a folder the export cannot write
      await page.locator(".dialog-error").waitFor();
      assert.match((await page.locator(".dialog-error").textContent()) ?? "", /permission denied/);
      await go.click();
      await dialog.waitFor({ state: "detached" });
      const opens = await calls("plugin:dialog|open");
      assert.equal(opens.length, 3);
      assert.equal(opens[0].args.options.directory, true);
      const exports = (await calls("export_threads")).map((c) => c.args);
      assert.deepEqual(exports[1], { threads: [], format: "md", path: "/home/reader/vault", folder: true });
      assert.match((await page.locator(".toast").last().textContent()) ?? "", /Exported 3 files to \/home\/reader\/vault/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("CSV of the library is one file; backup and restore", async () => {
    const { page, problems, calls, close } = await openApp({ picks: ["/tmp/all.csv", "/tmp/backup.json", "/tmp/backup.json"] });
    try {
      await page.locator(".thread-row").first().waitFor();
      await page.keyboard.press("x");
      const dialog = page.locator("dialog.dialog--export");
      await page.locator("label[for=export-format-csv]").click();
      assert.match((await page.locator(".export-where").textContent()) ?? "", /one \.csv file/);
      await dialog.getByRole("button", { name: "Export…" }).click();
      await dialog.waitFor({ state: "detached" });
      assert.deepEqual((await calls("export_threads"))[0].args, { threads: [], format: "csv", path: "/tmp/all.csv", folder: false });

      await page.keyboard.press("x");
      await dialog.getByRole("button", { name: "Back up the library…" }).click();
      await dialog.waitFor({ state: "detached" });
      const saves = await calls("plugin:dialog|save");
      assert.match(saves[1].args.options.defaultPath, /^threadmark-backup-\d{4}-\d\d-\d\d\.json$/);
      assert.deepEqual((await calls("export_threads"))[1].args, { threads: [], format: "json", path: "/tmp/backup.json", folder: false });

      await page.keyboard.press("x");
      await dialog.getByRole("button", { name: "Restore from a backup…" }).click();
      await dialog.waitFor({ state: "detached" });
      const opens = await calls("plugin:dialog|open");
      assert.deepEqual(opens[0].args.options.filters, [{ name: "Threadmark backup or annotations (W3C, Hypothesis)", extensions: ["json", "jsonld"] }]);
      assert.deepEqual((await calls("restore_backup")).map((c) => c.args), [{ path: "/tmp/backup.json" }]);
      assert.match((await page.locator(".toast").last().textContent()) ?? "", /^Restored: 1 new thread, 2 merged, 4 highlights added, 1 updated, 2 links added\./);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("standalone HTML export", () => {
  for (const [name, posts, marks] of [
    ["hn-neonmodem.html", 20, 6],
    ["seed.html", 150, 4],
  ]) {
    test(`${name} renders offline with its tree and marks, light and dark, and runs nothing`, async () => {
      const html = await readFile(path.join(snapshots, name), "utf8");
      assert.doesNotMatch(html, /<script/i);
      for (const scheme of ["light", "dark"]) {
        const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 900, height: 1200 }, javaScriptEnabled: true });
        const page = await context.newPage();
        const requests = [];
        page.on("request", (r) => {
          if (!r.url().startsWith("data:") && r.url() !== "about:blank") requests.push(r.url());
        });
        try {
          await page.setContent(html, { waitUntil: "load" });
          assert.deepEqual(requests, [], "no request leaves the page");
          assert.equal(await page.locator("script, iframe, object, embed, img, link, form").count(), 0);
          // No event handler attribute, no style attribute, no link but http(s) or in-page.
          const bad = await page.evaluate(() =>
            [...document.querySelectorAll("*")].flatMap((e) =>
              [...e.attributes]
                .filter((a) => /^on/i.test(a.name) || a.name === "style" || (/^(href|src|action)$/i.test(a.name) && !/^(https?:|mailto:|#|threadmark:\/\/highlight\/(\[highlight \d+\]|[0-9a-f-]{36})$)/i.test(a.value)))
                .map((a) => `<${e.localName} ${a.name}="${a.value}">`),
            ),
          );
          assert.deepEqual(bad, []);
          assert.equal(await page.locator("li.post").count(), posts);
          assert.equal(await page.locator("li.post mark[id^=h-]").count(), marks);
          // Every mark's id is the target of the highlight index.
          const targets = await page.locator(".index a:not(.applink)").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
          for (const t of targets) assert.equal(await page.locator(`[id="${t.slice(1)}"]`).count(), 1, t);
          // Replies sit inside their parent and are indented from it.
          const nested = await page.evaluate(() => {
            const reply = document.querySelector("li.post > ol.replies > li.post");
            if (!reply) return null;
            const parent = reply.parentElement.closest("li.post");
            return reply.getBoundingClientRect().left - parent.getBoundingClientRect().left;
          });
          if (name.startsWith("hn")) assert.ok(nested > 10, `replies indented (${nested}px)`);
          // Marks carry their label's colour: Claim is #e0a100.
          const claim = await page.evaluate(() => {
            const m = [...document.querySelectorAll("li.post mark")].find((x) => x.title === "Claim");
            return m ? getComputedStyle(m).backgroundColor : null;
          });
          assert.equal(claim, "rgba(224, 161, 0, 0.32)");
          const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
          assert.equal(bg, scheme === "dark" ? "rgb(23, 24, 26)" : "rgb(253, 252, 249)");
          await page.screenshot({ path: path.join(screenshots, `threadmark-export-${name.replace(".html", "")}-${scheme}.png`) });
        } finally {
          await context.close();
        }
      }
    });
  }
});
