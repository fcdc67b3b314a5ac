// Syncing when the folder changes, in a real window: the app on library B watches
// the sync folder after its first sync, and when library A (the CLI, another
// "device") writes a highlight into the folder, the open thread in B's window shows
// it without anyone pressing anything. The window's fallback poll is set to ten
// minutes (--sync-poll-ms), the window is left alone until its own edits (read
// marks) have synced, and the sync that brought the highlight must be one the
// folder's watch started (the footer status's data-brought-by). The folder is
// encrypted (the encrypted fixture's key-check file, its known passphrase, given to
// both libraries once through the CLI): the window syncs with the key its library
// remembers, and its Sync dialog says the folder is encrypted.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { appSession } from "../session.mjs";

const application = process.env.E2E_APP;
const seed = process.env.E2E_SEED;
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const cli = path.join(path.dirname(application ?? ""), "threadmark");
/** A passage of post 13, marked on device A. */
const POST = "13";
const EXACT = "greater performance";
const KEY_FILE = path.resolve(import.meta.dirname, "../../crates/threadmark-core/tests/fixtures/sync-encrypted/folder/threadmark/encryption.json");
const PASSPHRASE = "threadmark fixture passphrase";

let work;
let folder;
let dbA;
let b;

before(async () => {
  for (const [name, value] of Object.entries({ E2E_APP: application, E2E_SEED: seed })) {
    if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  }
  work = mkdtempSync(path.join(tmpdir(), "threadmark-e2e-watch-"));
  folder = path.join(work, "Sync");
  mkdirSync(path.join(folder, "threadmark"), { recursive: true });
  copyFileSync(KEY_FILE, path.join(folder, "threadmark", "encryption.json"));
  const passFile = path.join(work, "passphrase.txt");
  writeFileSync(passFile, `${PASSPHRASE}\n`);
  dbA = path.join(work, "a.sqlite3");
  const dbB = path.join(work, "b.sqlite3");
  execFileSync(cli, ["--db", dbA, "import", seed]);
  execFileSync(cli, ["--db", dbA, "sync", "--folder", folder, "--passphrase-file", passFile]);
  execFileSync(cli, ["--db", dbB, "sync", "--folder", folder, "--passphrase-file", passFile]);
  b = await appSession(application, { args: ["--db", dbB, "--sync-poll-ms", "600000"] });
});

after(async () => {
  await b?.deleteSession();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Opens the library's one thread at post `id`, which must hold `text`. */
async function openAt(browser, id, text) {
  // The app reopens the thread last read (kept in the webview's storage, shared
  // with the tests before): Escape leads back to the library.
  await browser.waitUntil(async () => (await browser.$$(".thread-row, .post, .screen--error")).length > 0, { timeout: 30_000 });
  for (let i = 0; i < 3 && !(await browser.$(".thread-row").isDisplayed()); i++) {
    await browser.keys("Escape");
    await browser.pause(300);
  }
  const rows = await browser.$$(".thread-row");
  assert.equal(rows.length, 1, "one thread in the library");
  const thread = await rows[0].getAttribute("data-thread-id");
  await browser.execute((hash) => {
    location.hash = hash;
  }, `#/thread/${thread}?post=${id}`);
  const post = await browser.$(`#post-${id}`);
  await post.waitForExist({ timeout: 20_000 });
  await browser.waitUntil(async () => (await post.getText()).includes(text), { timeout: 10_000, timeoutMsg: `post ${id} does not hold "${text}"` });
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), post);
  return post;
}

test("a highlight another device writes into the folder shows in the open window by itself", async () => {
  const post = await openAt(b, POST, EXACT);
  // The sync at start has run (and with it the watch began).
  await b.waitUntil(async () => (await b.execute(() => document.querySelector(".statusbar .sync-status")?.textContent)) === "Synced just now", {
    timeout: 20_000,
    timeoutMsg: "no sync at start",
  });
  assert.equal(await post.$$("mark.hl").length, 0, "no highlight yet");
  // Opening the thread marked posts read (local edits, synced 3 s later): wait
  // until that sync has run and nothing is left to send, so no edit-driven sync
  // can come after the other device's write.
  await b.execute(() => {
    window.__localChanges = 0;
    window.addEventListener("threadmark:local-change", () => window.__localChanges++);
  });
  await b.pause(4_000);
  await b.waitUntil(async () => (await b.execute(() => document.querySelector(".statusbar .sync-status")?.dataset.state)) === "on", { timeout: 20_000 });
  await b.execute(() => {
    window.__localChanges = 0;
  });
  // Device A marks the passage and syncs: its change file lands in the folder.
  execFileSync(cli, ["--db", dbA, "highlight", "add", "1", POST, "--exact", EXACT, "--label", "Claim", "--note", "seen by the watcher"]);
  execFileSync(cli, ["--db", dbA, "sync"]);
  const mark = await post.$("mark.hl");
  await mark.waitForExist({ timeout: 30_000, timeoutMsg: "the window did not sync when the folder changed" });
  assert.equal(await mark.getText(), EXACT);
  assert.equal(await b.execute(() => document.querySelector(".statusbar .sync-status")?.dataset.broughtBy), "folder", "brought by the folder's watch");
  assert.equal(await b.execute(() => window.__localChanges), 0, "no local edit meanwhile");
  // The Sync dialog says the folder is encrypted and the key is here.
  await b.keys("S");
  const dialog = await b.$("dialog.dialog--sync");
  await dialog.waitForDisplayed({ timeout: 5_000 });
  await b.waitUntil(async () => /Encryption\s*On: the folder holds no readable notes/.test(await dialog.$(".sync-facts").getText()), { timeout: 10_000, timeoutMsg: "the dialog does not say the folder is encrypted" });
  assert.equal(await dialog.$("#sync-passphrase").getAttribute("type"), "password");
  try {
    await b.saveScreenshot(screenshot.replace(/\.png$/, "-sync-watch.png"));
  } catch {
    // A missing screenshot is not a failure of the app.
  }
  await b.keys("Escape");
});
