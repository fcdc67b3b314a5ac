// Sync in the built frontend (ui/dist), headless Chromium, Tauri IPC mocked by an
// in-page stand-in that keeps a sync status, a conflict history and the calls made:
// the footer status (off, synced, failed, N conflicts), the top bar's Sync button
// opening the Sync dialog (choose a
// folder, Sync now, device, last sync, outgoing), the conflicts view and Restore,
// sync at start, a debounced sync after an edit, and the screen shown again after a
// sync that received changes, the passphrase of an encrypted folder (a wrong one's
// error in the dialog, the right one accepted and cleared), a move to a new folder
// said ("Wrote everything to a new folder: …"). axe finds nothing in
// either theme.
//
// Run: npm run build && npm run test:ui   (scripts/ui-test.sh does both)

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { assertAccessible } from "./axe.mjs";
import { posts, threads } from "./fixture.mjs";
import { startApp, stopApp } from "./serve.mjs";
import { callsOf, mockIpc } from "./ipc-mock.mjs";

const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";
const HOUR = 3_600_000;

/** The page's stand-in for the app: `sync` is the status; `conflicts` the history;
 *  `received` what the next sync brings; `failing` an error the next syncs throw. */
function setup(data, ipc) {
  window.__data = data;
  const open = () => data.conflicts.filter((c) => !c.restored).length;
  const status = () => ({ ...data.sync, conflictsOpen: open(), conflicts: data.conflicts.length });
  async function answer(cmd, args) {
    switch (cmd) {
      case "list_threads":
        return data.threads;
      case "library_info":
        return { path: "/home/reader/.local/share/app.threadmark.desktop/library.sqlite3" };
      case "follow_state":
      case "news":
      case "thread_quotes":
      case "quoted_by":
      case "changed_highlights":
        return [];
      case "open_thread": {
        const t = data.threads.find((x) => x.id === args.id);
        if (!t) throw { kind: "not_found", message: `library: thread ${args.id}: no such thread` };
        return { thread: t, outline: data.posts[args.id].map(({ sourceId, parent, depth, author, deleted }) => ({ sourceId, parent, depth, author, deleted })) };
      }
      case "thread_posts":
        return data.posts[args.id].slice(args.offset, args.offset + args.limit);
      case "labels":
        return [{ id: 1, name: "Claim", color: "#e0a100", shortcut: "1", position: 0 }];
      case "thread_highlights":
        return { highlights: data.highlights, links: [] };
      case "mark_read":
        return 0;
      case "rename_thread": {
        const t = data.threads.find((x) => x.id === args.id);
        t.title = args.title;
        return t;
      }
      case "sync_status":
        return status();
      case "sync_poll_ms":
        return 30_000;
      case "sync_now": {
        if (data.failing) throw { kind: "io", message: data.failing };
        if (data.passphrase) {
          if (args.passphrase && args.passphrase !== data.passphrase) throw { kind: "bad_input", message: `wrong passphrase for sync folder ${data.sync.folder}` };
          if (!args.passphrase && data.sync.needsPassphrase) throw { kind: "bad_input", message: `sync folder ${data.sync.folder} is encrypted: give its passphrase (--passphrase-file, THREADMARK_SYNC_PASSPHRASE or the Sync dialog)` };
          data.sync.needsPassphrase = false;
        }
        if (args.folder) data.sync.folder = args.folder;
        if (!data.sync.folder) throw { kind: "bad_input", message: "no sync folder is set" };
        data.sync.device ||= "3f2a9c01d4e5b6a7";
        data.sync.lastSyncMs = Date.now();
        // A sync with a new folder writes everything there (fullCopy).
        const full = args.folder ? (data.fullCopy ?? null) : null;
        const sent = full ? full.records : data.sync.outgoing;
        data.sync.outgoing = 0;
        const got = data.received ?? {};
        data.received = null;
        if (got.highlight) data.highlights.push(got.highlight);
        if (got.deleteThread) data.threads = data.threads.filter((t) => t.id !== got.deleteThread);
        return { folder: data.sync.folder, sent, received: got.highlight ? 3 : got.deleteThread ? 1 : 0, threads: got.deleteThread ? 1 : 0, highlights: got.highlight ? 1 : 0, labels: 0, reads: 0, pending: 0, newConflicts: 0, incomplete: 0, encrypted: Boolean(data.passphrase), tampered: data.tampered ?? 0, fullCopy: full };
      }
      case "sync_conflicts":
        return data.conflicts;
      case "restore_conflict": {
        const c = data.conflicts.find((x) => x.id === args.id);
        c.restored = true;
        data.sync.outgoing += 1;
        return c;
      }
      case "take_links":
        return [];
      case "plugin:dialog|open":
        return data.pick;
      default:
        throw { kind: "internal", message: `unmocked command ${cmd}` };
    }
  }
  return answer;
}

function state({ folder = null } = {}) {
  const now = Date.now();
  return {
    threads: structuredClone(threads),
    posts,
    highlights: [],
    pick: "/home/reader/Sync/notes",
    sync: { device: folder ? "3f2a9c01d4e5b6a7" : "", folder, lastSyncMs: folder ? now - 2 * HOUR : null, outgoing: 4, pending: 1 },
    conflicts: folder
      ? [
          { id: 2, kind: "highlight", entity: "0b4e6f1c-aaaa-4bbb-8ccc-123456789abc", field: "note", value: "\"Check the WAL numbers\"", lostTo: "\"WAL is fine\"", reason: "edit", device: "77aa00ccddeeff11", winnerDevice: "3f2a9c01d4e5b6a7", writtenMs: now - 3 * HOUR, restored: false, summary: "highlight 0b4e6f1c note: \"Check the WAL numbers\" lost to \"WAL is fine\" (device 3f2a9c01d4e5b6a7)", quote: "One file, easy to back up.", threadTitle: "Why SQLite is enough for a local-first app" },
          { id: 1, kind: "highlight", entity: "9c9d1e2f-aaaa-4bbb-8ccc-123456789abc", field: "tags", value: "\"todo\"", lostTo: null, reason: "delete", device: "3f2a9c01d4e5b6a7", winnerDevice: "77aa00ccddeeff11", writtenMs: now - 26 * HOUR, restored: false, summary: "highlight 9c9d1e2f tags: \"todo\" was changed on device 3f2a9c01 while device 77aa00cc deleted the highlight", quote: "Until two processes write at once", threadTitle: "Why SQLite is enough for a local-first app" },
        ]
      : [],
    received: null,
    failing: null,
  };
}

let server;
let browser;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

async function openApp(data, { colorScheme = "light", hash = "", viewport = { width: 1000, height: 700 }, deviceScaleFactor = 1 } = {}) {
  const context = await browser.newContext({ colorScheme, viewport, deviceScaleFactor });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await mockIpc(page, setup, data);
  await page.goto(baseUrl + hash);
  return { page, problems, close: () => context.close() };
}

const calls = callsOf;
const footerText = (page) => page.textContent(".statusbar .sync-status");

describe("sync setting", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`footer says off; the dialog chooses a folder and syncs with it; in ${colorScheme}`, async () => {
      const { page, problems, close } = await openApp(state(), { colorScheme });
      try {
        await page.waitForSelector(".thread-row");
        await page.waitForFunction(() => document.querySelector(".statusbar .sync-status")?.textContent === "Sync off");
        // Nothing synced at start without a folder.
        assert.deepEqual(await calls(page, "sync_now"), []);
        assert.equal(await page.getAttribute(".topbar .sync-button", "aria-label"), "Sync: Sync off");
        await page.focus(".topbar .sync-button");
        await page.keyboard.press("Enter");
        await page.waitForSelector("dialog.dialog--sync[open]");
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Choose folder…");
        assert.equal(await page.isDisabled("dialog.dialog--sync button.button--primary"), true, "Sync now waits for a folder");
        await assertAccessible(page, `sync dialog, no folder (${colorScheme})`);
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => /^Sent 4 changes; received 0 changes\.$/.test(document.querySelector(".sync-result")?.textContent ?? ""));
        assert.deepEqual(await calls(page, "sync_now"), [{ folder: "/home/reader/Sync/notes" }]);
        const facts = await page.$$eval(".sync-facts dt, .sync-facts dd", (e) => e.map((x) => x.textContent));
        assert.deepEqual(facts.slice(0, 10), [
          "Folder", "/home/reader/Sync/notes",
          "This device", "3f2a9c01d4e5b6a7",
          "Last sync", "just now",
          "Waiting to go out", "0 changes",
          "Waiting for a thread", "1 change",
        ]);
        assert.equal(await footerText(page), "Synced just now");
        await assertAccessible(page, `sync dialog after a sync (${colorScheme})`);
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-sync-dialog-${colorScheme}.png`) });
        await page.keyboard.press("Escape");
        await page.waitForSelector("dialog.dialog--sync", { state: "detached" });
        assert.equal(await page.evaluate(() => document.activeElement?.classList.contains("sync-button")), true, "focus back on the Sync button");
        assert.equal(await page.getAttribute(".topbar .sync-button", "aria-label"), "Sync: Synced just now");
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }

  test("a failing sync shows its error in one line in the footer and in the dialog", async () => {
    const data = { ...state({ folder: "/media/usb/threadmark-sync" }), failing: "/media/usb/threadmark-sync: not found (is the drive plugged in?)" };
    const { page, problems, close } = await openApp(data);
    try {
      await page.waitForFunction(() => document.querySelector(".statusbar .sync-status")?.dataset.state === "error");
      assert.equal(await footerText(page), "Sync failed: /media/usb/threadmark-sync: not found (is the drive plugged in?)");
      const height = await page.$eval(".statusbar .sync-status", (b) => b.getBoundingClientRect().height);
      const line = await page.$eval(".statusbar", (b) => parseFloat(getComputedStyle(b).fontSize) * 2);
      assert.ok(height < line, `one line (${height}px)`);
      await page.click(".topbar .sync-button");
      await page.waitForSelector("dialog.dialog--sync[open] .dialog-error:not([hidden])");
      assert.match(await page.textContent(".dialog--sync .dialog-error"), /^Sync failed: .*not found/);
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("moving to a new folder", () => {
  test("the dialog says that everything was written to the new folder", async () => {
    const data = { ...state({ folder: "/home/reader/Sync/notes" }), pick: "/home/reader/Sync2", fullCopy: { records: 412, threads: 9, newFolder: true } };
    const { page, problems, close } = await openApp(data);
    try {
      await page.waitForSelector(".thread-row");
      await page.click(".topbar .sync-button");
      await page.waitForSelector("dialog.dialog--sync[open]");
      await page.click("dialog.dialog--sync >> text=Change folder…");
      await page.waitForFunction(() => /^Wrote everything to a new folder: 412 records, 9 threads; sent 412 changes; received 0 changes\.$/.test(document.querySelector(".sync-result")?.textContent ?? ""));
      await page.screenshot({ path: path.join(screenshots, "sync-full-copy.png") });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("encrypted folder", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`the dialog takes the folder's passphrase; a wrong one's error shows there; in ${colorScheme}`, async () => {
      const data = state({ folder: "/home/reader/Sync/notes" });
      Object.assign(data.sync, { encrypted: true, needsPassphrase: true });
      data.passphrase = "correct horse battery";
      const { page, problems, close } = await openApp(data, { colorScheme });
      try {
        await page.waitForSelector(".thread-row");
        // No sync at start (it could not open the folder): the footer says what is needed.
        await page.waitForFunction(() => document.querySelector(".statusbar .sync-status")?.textContent === "Sync paused: the folder needs its passphrase (S)");
        assert.deepEqual(await calls(page, "sync_now"), []);
        await page.keyboard.press("Shift+S");
        await page.waitForSelector("dialog.dialog--sync[open]");
        // The field has the focus, a label and a password's type.
        assert.equal(await page.evaluate(() => document.activeElement?.id), "sync-passphrase");
        const field = page.getByLabel("Passphrase (optional)");
        assert.equal(await field.getAttribute("type"), "password");
        const facts = await page.$$eval(".sync-facts dt, .sync-facts dd", (e) => e.map((x) => x.textContent));
        assert.deepEqual(facts.slice(-2), ["Encryption", "On: enter the folder's passphrase below"]);
        await page.keyboard.type("correct horse");
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => document.querySelector(".dialog--sync .dialog-error:not([hidden])")?.textContent === "Sync failed: wrong passphrase for sync folder /home/reader/Sync/notes");
        assert.equal(await page.evaluate(() => document.activeElement?.id), "sync-passphrase", "back in the field to type again");
        await assertAccessible(page, `sync dialog, wrong passphrase (${colorScheme})`);
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-sync-passphrase-${colorScheme}.png`) });
        await field.fill("correct horse battery");
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => /^Sent 4 changes; received 0 changes\.$/.test(document.querySelector(".sync-result")?.textContent ?? ""));
        assert.equal(await field.inputValue(), "", "the passphrase is not kept in the dialog");
        assert.equal(await page.isHidden(".dialog--sync .dialog-error"), true);
        const sent = (await calls(page, "sync_now")).map((a) => a.passphrase ?? null);
        assert.deepEqual(sent, ["correct horse", "correct horse battery"]);
        await page.waitForFunction(() => [...document.querySelectorAll(".sync-facts dd")].at(-1)?.textContent === "On: the folder holds no readable notes");
        assert.equal(await footerText(page), "Synced just now");
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }

  test("altered encrypted files are named in the footer", async () => {
    const data = state({ folder: "/home/reader/Sync/notes" });
    data.tampered = 2;
    const { page, problems, close } = await openApp(data);
    try {
      await page.waitForFunction(() => document.querySelector(".statusbar .sync-status")?.textContent === "Synced just now; 2 altered files not applied");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("syncing", () => {
  test("at start when a folder is set, and a few seconds after an edit, not at once", async () => {
    const { page, problems, close } = await openApp(state({ folder: "/home/reader/Sync/notes" }));
    try {
      await page.waitForSelector(".thread-row");
      await page.waitForFunction(() => document.querySelector(".statusbar .sync-status")?.textContent === "Synced just now");
      assert.deepEqual(await calls(page, "sync_now"), [{ folder: null }]);
      // Rename a thread (r, a new title, Enter): a local edit.
      await page.focus(".thread-row");
      await page.keyboard.press("r");
      await page.keyboard.press("Control+a");
      await page.keyboard.type("Renamed on this laptop");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "rename_thread"));
      assert.equal((await calls(page, "sync_now")).length, 1, "no sync at once: a burst of edits makes one sync");
      await page.waitForFunction(() => window.__calls.filter((c) => c.cmd === "sync_now").length === 2, null, { timeout: 10_000 });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("a sync that received a highlight shows it in the open thread", async () => {
    const data = state({ folder: "/home/reader/Sync/notes" });
    const { page, problems, close } = await openApp(data, { hash: "#/thread/7" });
    try {
      await page.waitForSelector("#post-1 .post-body");
      await page.waitForFunction(() => document.querySelector(".statusbar .sync-status")?.textContent === "Synced just now");
      assert.equal(await page.$$eval("mark.hl", (m) => m.length), 0);
      await page.evaluate(() => {
        window.__data.received = {
          highlight: { id: 31, uuid: "u-31", post: "1", exact: "SQLite", prefix: "", suffix: "", start: 0, end: 6, label: "Claim", note: "", noteHtml: "", tags: [], state: "exact", createdAt: 1, updatedAt: 1 },
        };
      });
      // Over a thread the Sync dialog opens with S (the button is in the library's bar).
      assert.equal(await page.locator(".sync-button").count(), 0);
      await page.keyboard.press("Shift+S");
      await page.click("dialog.dialog--sync button.button--primary");
      await page.waitForFunction(() => /received 3 changes; updated 1 highlight\.$/.test(document.querySelector(".sync-result")?.textContent ?? ""));
      await page.waitForSelector("#post-1 mark.hl[data-hl='31']");
      assert.equal(await page.textContent("#post-1 mark.hl"), "SQLite");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("a thread deleted on another device", () => {
  test("while open: a sync that brings the delete shows the library, not 'Not found'", async () => {
    const data = state({ folder: "/home/reader/Sync/notes" });
    const { page, problems, close } = await openApp(data, { hash: "#/thread/7" });
    try {
      await page.waitForSelector("#post-1 .post-body");
      await page.waitForFunction(() => document.querySelector(".statusbar .sync-status")?.textContent === "Synced just now");
      await page.evaluate(() => {
        window.__data.received = { deleteThread: 7 };
      });
      await page.keyboard.press("Shift+S");
      await page.click("dialog.dialog--sync button.button--primary");
      await page.waitForFunction(() => /received 1 change; updated 1 thread\.$/.test(document.querySelector(".sync-result")?.textContent ?? ""));
      await page.keyboard.press("Escape");
      await page.waitForSelector(".thread-row");
      assert.deepEqual(await page.$$eval(".thread-row", (rows) => rows.map((r) => r.getAttribute("data-thread-id"))).then((ids) => ids.includes("7")), false);
      assert.equal(await page.locator(".error").count(), 0, "no error screen");
      assert.equal(new URL(page.url()).hash, "#/");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("conflicts", () => {
  for (const colorScheme of ["light", "dark"]) {
    test(`the footer's N conflicts opens the list; Restore restores one; in ${colorScheme}`, async () => {
      const { page, problems, close } = await openApp(state({ folder: "/home/reader/Sync/notes" }), { colorScheme, hash: "#/thread/7" });
      try {
        await page.waitForSelector("#post-1 .post-body");
        await page.waitForFunction(() => document.querySelector(".statusbar .sync-conflicts:not([hidden])")?.textContent === "2 conflicts");
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-sync-footer-${colorScheme}.png`), clip: { x: 0, y: 620, width: 1000, height: 80 } });
        await page.focus(".statusbar .sync-conflicts");
        await page.keyboard.press("Enter");
        await page.waitForSelector("dialog.dialog--conflicts[open] .sync-conflict");
        const items = await page.$$eval(".sync-conflict", (li) =>
          li.map((x) => [x.querySelector(".sync-conflict-what")?.textContent, x.querySelector(".sync-conflict-values")?.textContent, x.querySelector(".sync-conflict-when")?.textContent]),
        );
        assert.deepEqual(items, [
          ["Highlight “One file, easy to back up.”: note", "Lost: Check the WAL numbers kept: WAL is fine", "Written 3 hours ago on device 77aa00cc; overwritten by this device."],
          ["Highlight “Until two processes write at once”: tags", "Lost: todo (the highlight was deleted)", "Written yesterday on this device; deleted by device 77aa00cc."],
        ]);
        // The first Restore has the focus.
        assert.equal(await page.evaluate(() => document.activeElement?.closest(".sync-conflict")?.dataset.conflict), "2");
        await assertAccessible(page, `conflicts view (${colorScheme})`);
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-sync-conflicts-${colorScheme}.png`) });
        await page.keyboard.press("Enter");
        await page.waitForFunction(() => document.querySelector("[data-conflict='2'] .sync-restore")?.textContent === "Restored");
        assert.deepEqual(await calls(page, "restore_conflict"), [{ id: 2 }]);
        assert.equal(await page.isDisabled("[data-conflict='2'] .sync-restore"), true);
        assert.match(await page.textContent(".dialog--conflicts .sync-result"), /^Restored note “Check the WAL numbers”; it goes to your other devices at the next sync\.$/);
        await page.waitForFunction(() => document.querySelector(".statusbar .sync-conflicts")?.textContent === "1 conflict");
        await assertAccessible(page, `conflicts view after a restore (${colorScheme})`);
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }

  for (const colorScheme of ["light", "dark"]) {
    test(`a highlight lost with its thread, a label deleted while given, an untag and an unlink that lost: said in words; Re-apply; in ${colorScheme}`, async () => {
      const data = state({ folder: "/home/reader/Sync/notes" });
      const now = Date.now();
      const me = "3f2a9c01d4e5b6a7";
      const other = "77aa00ccddeeff11";
      const h = "5564f8a5-aaaa-4bbb-8ccc-123456789abc";
      data.conflicts = [
        { id: 14, kind: "highlight", entity: h, field: "thread", value: "\"3f7ac402-49f0-4fb4-8a47-c93662ecce3a\"", lostTo: null, reason: "thread", device: me, winnerDevice: other, writtenMs: now - 2 * HOUR, restored: false, summary: `highlight 5564f8a5 "Electronics and Information": made or edited on device ${me} while device ${other} deleted its thread "DeepSeek founder"`, quote: "Electronics and Information", threadTitle: "DeepSeek founder" },
        { id: 13, kind: "highlight", entity: h, field: "label", value: "\"Question\"", lostTo: null, reason: "label", device: other, winnerDevice: me, writtenMs: now - 3 * HOUR, restored: false, summary: `highlight 5564f8a5 label: "Question" was given on device ${other} while device ${me} deleted the label`, quote: "Electronics and Information", threadTitle: "DeepSeek founder" },
        { id: 12, kind: "highlight", entity: h, field: "tags", value: "\"evidence\"", lostTo: "\"evidence\"", reason: "remove", device: me, winnerDevice: other, writtenMs: now - 4 * HOUR, restored: false, summary: `highlight 5564f8a5 tags: removing "evidence" on device ${me} lost to a concurrent add on device ${other}`, quote: "Electronics and Information", threadTitle: "DeepSeek founder" },
        { id: 11, kind: "highlight", entity: h, field: "links", value: "\"supports 9c9d1e2f-aaaa-4bbb-8ccc-123456789abc\"", lostTo: "\"supports 9c9d1e2f-aaaa-4bbb-8ccc-123456789abc\"", reason: "remove", device: other, winnerDevice: me, writtenMs: now - 5 * HOUR, restored: false, summary: `highlight 5564f8a5 links: removing "supports 9c9d1e2f" on device ${other} lost to a concurrent add on device ${me}`, quote: "Electronics and Information", threadTitle: "DeepSeek founder" },
      ];
      const { page, problems, close } = await openApp(data, { colorScheme });
      try {
        await page.waitForSelector(".thread-row");
        await page.waitForFunction(() => document.querySelector(".statusbar .sync-conflicts:not([hidden])")?.textContent === "4 conflicts");
        await page.click(".statusbar .sync-conflicts");
        await page.waitForSelector("dialog.dialog--conflicts[open] .sync-conflict");
        const items = await page.$$eval(".sync-conflict", (li) =>
          li.map((x) => [x.querySelector(".sync-conflict-what")?.textContent, x.querySelector(".sync-conflict-values")?.textContent, x.querySelector(".sync-conflict-when")?.textContent, x.querySelector(".sync-restore")?.textContent]),
        );
        assert.deepEqual(items, [
          [
            "Highlight “Electronics and Information”: lost with its thread",
            "Your highlight on “DeepSeek founder”, a thread deleted on device 77aa00cc meanwhile.",
            "Made or edited 2 hours ago on this device; the thread deleted by device 77aa00cc.",
            "Restore",
          ],
          [
            "Highlight “Electronics and Information”: label",
            "Device 77aa00cc’s label “Question” lost: the label was deleted on this device meanwhile.",
            "Given 3 hours ago on device 77aa00cc; the label deleted by this device.",
            "Restore",
          ],
          [
            "Highlight “Electronics and Information”: untag “evidence”",
            "Your untag of “evidence” lost to a concurrent tag on device 77aa00cc: it is still there.",
            "Untagged 4 hours ago on this device; tagged again by device 77aa00cc before it heard.",
            "Re-apply",
          ],
          [
            "Highlight “Electronics and Information”: unlink “supports” link to 9c9d1e2f",
            "Device 77aa00cc’s unlink of the “supports” link to 9c9d1e2f lost to a concurrent link on this device: it is still there.",
            "Unlinked 5 hours ago on device 77aa00cc; linked again by this device before it heard.",
            "Re-apply",
          ],
        ]);
        assert.equal(await page.getAttribute("[data-conflict='14'] .sync-restore", "aria-label"), "Restore the highlight “Electronics and Information” and its thread");
        assert.equal(await page.getAttribute("[data-conflict='12'] .sync-restore", "aria-label"), "Re-apply the untag of “evidence” on Highlight “Electronics and Information”");
        await assertAccessible(page, `conflicts view, new kinds (${colorScheme})`);
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-sync-conflict-kinds-${colorScheme}.png`) });
        // Re-apply the untag.
        await page.click("[data-conflict='12'] .sync-restore");
        await page.waitForFunction(() => document.querySelector("[data-conflict='12'] .sync-restore")?.textContent === "Re-applied");
        assert.deepEqual(await calls(page, "restore_conflict"), [{ id: 12 }]);
        assert.equal(await page.textContent(".dialog--conflicts .sync-result"), "Re-applied the untag of “evidence”; it goes to your other devices at the next sync.");
        // Restore the highlight lost with its thread.
        await page.click("[data-conflict='14'] .sync-restore");
        await page.waitForFunction(() => document.querySelector("[data-conflict='14'] .sync-restore")?.textContent === "Restored");
        assert.equal(await page.textContent(".dialog--conflicts .sync-result"), "Restored the highlight and its thread; they go to your other devices at the next sync.");
        await page.waitForFunction(() => document.querySelector(".statusbar .sync-conflicts")?.textContent === "2 conflicts");
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }
});

describe("at 200% zoom", () => {
  // A 1280×800 window at 200%: 640×400 CSS pixels. Both dialogs keep to the width
  // (nothing to scroll sideways) and every control can be reached and seen.
  for (const colorScheme of ["light", "dark"]) {
    test(`the Sync dialog and the conflicts view reflow; in ${colorScheme}`, async () => {
      const data = state({ folder: "/home/reader/Sync/notes" });
      Object.assign(data.sync, { encrypted: true, needsPassphrase: true });
      const { page, problems, close } = await openApp(data, { colorScheme, viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 });
      try {
        await page.waitForSelector(".thread-row");
        const fits = (selector) =>
          page.evaluate((sel) => {
            const box = document.querySelector(sel).getBoundingClientRect();
            return { inside: box.left >= 0 && box.right <= innerWidth, sideways: document.documentElement.scrollWidth > innerWidth };
          }, selector);
        const reach = async (name) => {
          const control = page.getByRole("button", { name, exact: true });
          await control.scrollIntoViewIfNeeded();
          const box = await control.boundingBox();
          assert.ok(box && box.y >= 0 && box.y + box.height <= 400 && box.x >= 0 && box.x + box.width <= 640, `${name}: ${JSON.stringify(box)}`);
        };
        await page.keyboard.press("Shift+S");
        await page.waitForSelector("dialog.dialog--sync[open]");
        assert.deepEqual(await fits("dialog.dialog--sync"), { inside: true, sideways: false });
        await page.getByLabel("Passphrase (optional)").scrollIntoViewIfNeeded();
        await reach("Change folder…");
        await reach("Sync now");
        await reach("Close");
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-sync-dialog-200-${colorScheme}.png`) });
        await assertAccessible(page, `sync dialog at 200% (${colorScheme})`);
        await page.keyboard.press("Escape");
        await page.click(".statusbar .sync-conflicts");
        await page.waitForSelector("dialog.dialog--conflicts[open] .sync-conflict");
        assert.deepEqual(await fits("dialog.dialog--conflicts"), { inside: true, sideways: false });
        await reach("Close");
        for (const restore of await page.locator(".sync-restore").all()) {
          await restore.scrollIntoViewIfNeeded();
          assert.ok(await restore.isVisible());
        }
        await page.screenshot({ path: path.join(screenshots, `threadmark-ui-sync-conflicts-200-${colorScheme}.png`) });
        await assertAccessible(page, `conflicts view at 200% (${colorScheme})`);
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }
});
