// Sync in real windows: two app processes, each on its own library (--db), sync
// through one folder. Library A holds the seed thread; B got it from the folder
// (the CLI synced both once, which also set the folder). A highlight made in window
// A appears in window B after "Sync now" in A and then in B, and one made in B
// appears in A. Both windows run at once: the app is a single instance only on the
// default library. Window B goes through the second tauri-driver (E2E_DRIVER2_PORT).
// Then A deletes the thread (through the CLI, as another program may) while B marks a
// passage on it: the delete wins, B's conflicts view says its highlight was lost with
// the thread, and Restore brings both back in both windows.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { appSession } from "../session.mjs";

const application = process.env.E2E_APP;
const seed = process.env.E2E_SEED;
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const cli = path.join(path.dirname(application ?? ""), "threadmark");
/** A passage of post 13 (marked in A) and one of post 19 (marked in B). */
const FROM_A = ["13", "greater performance"];
const FROM_B = ["19", "long waits for H1B visas"];
/** A passage of post 22, marked in B while A deletes the thread. */
const LOST = ["22", "tech worker visas"];

let work;
let dbA;
let a;
let b;

before(async () => {
  for (const [name, value] of Object.entries({ E2E_APP: application, E2E_SEED: seed, E2E_DRIVER2_PORT: process.env.E2E_DRIVER2_PORT })) {
    if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  }
  work = mkdtempSync(path.join(tmpdir(), "threadmark-e2e-sync-"));
  const folder = path.join(work, "Sync");
  mkdirSync(folder);
  dbA = path.join(work, "a.sqlite3");
  const dbB = path.join(work, "b.sqlite3");
  execFileSync(cli, ["--db", dbA, "import", seed]);
  execFileSync(cli, ["--db", dbA, "sync", "--folder", folder]);
  execFileSync(cli, ["--db", dbB, "sync", "--folder", folder]);
  a = await appSession(application, { args: ["--db", dbA] });
  b = await appSession(application, { args: ["--db", dbB], second: true });
});

after(async () => {
  await a?.deleteSession();
  await b?.deleteSession();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function shot(browser, step) {
  try {
    await browser.saveScreenshot(screenshot.replace(/\.png$/, `-${step}.png`));
  } catch {
    // A missing screenshot is not a failure of the app.
  }
}

/** Opens the library's one thread at post `id` (its source id), which must hold
 *  `text`; returns the post. */
async function openAt(browser, id, text) {
  // At start the app reopens the thread last read in this library (the windows, and
  // the tests before, share the webview's storage, which keys it by library: never
  // another library's thread, never "not found").
  await browser.waitUntil(async () => (await browser.$$(".thread-row, .post, .screen--error")).length > 0, { timeout: 30_000 });
  assert.equal(await browser.$(".screen--error").isExisting(), false, "no error screen at start");
  for (let i = 0; i < 3 && !(await browser.$(".thread-row").isDisplayed()); i++) {
    await browser.keys("Escape");
    await browser.pause(300);
  }
  const rows = await browser.$$(".thread-row");
  assert.equal(rows.length, 1, "one thread in the library");
  const thread = await rows[0].getAttribute("data-thread-id");
  // The thread at that post, as a threadmark:// link or a search result opens it
  // (the list draws only the posts near the screen).
  await browser.execute((hash) => {
    location.hash = hash;
  }, `#/thread/${thread}?post=${id}`);
  const post = await browser.$(`#post-${id}`);
  await post.waitForExist({ timeout: 20_000 });
  await browser.waitUntil(async () => (await post.getText()).includes(text), { timeout: 10_000, timeoutMsg: `post ${id} does not hold "${text}"` });
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), post);
  return post;
}

/** Selects `exact` in `post` as a drag would and labels it with key 1. */
async function highlight(browser, post, exact) {
  await browser.execute(
    (el, words) => {
      const walker = document.createTreeWalker(el.querySelector(".post-body"), NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.data.indexOf(words);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + words.length);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
        return;
      }
      throw new Error(`passage not found: ${words}`);
    },
    post,
    exact,
  );
  await browser.$(".hl-toolbar").waitForDisplayed({ timeout: 5_000 });
  await browser.keys("1");
  const mark = await post.$("mark.hl");
  await mark.waitForExist({ timeout: 10_000 });
  await browser.waitUntil(async () => (await mark.getAttribute("data-hl")) > 0, { timeout: 10_000, timeoutMsg: "the highlight was not stored" });
  assert.equal(await mark.getText(), exact);
}

/** "Sync now" in the Sync dialog (opened with S, over a thread); returns its report
 *  line. */
async function syncNow(browser) {
  await browser.keys("S");
  const dialog = await browser.$("dialog.dialog--sync");
  await dialog.waitForDisplayed({ timeout: 5_000 });
  await dialog.$("button.button--primary").waitForEnabled({ timeout: 20_000 });
  await dialog.$("button.button--primary").click();
  let line = "";
  await browser.waitUntil(
    async () => {
      line = await dialog.$(".sync-result").getText();
      return /^Sent \d+ changes?; received/.test(line);
    },
    { timeout: 30_000, timeoutMsg: "no sync report" },
  );
  const error = await dialog.$(".dialog-error");
  assert.equal(await error.isDisplayed(), false, "no sync error");
  return line;
}

async function closeDialog(browser) {
  await browser.keys("Escape");
  await browser.$("dialog.dialog--sync").waitForExist({ reverse: true, timeout: 5_000 });
}

test("a highlight made in window A shows in window B after a sync, and the other way", async () => {
  // Both windows up at once, each in its own process on its own library.
  const postA = await openAt(a, ...FROM_A);
  const postB = await openAt(b, ...FROM_A);
  assert.equal(await postB.$$("mark.hl").length, 0, "B has no highlight yet");

  await highlight(a, postA, FROM_A[1]);
  await syncNow(a);
  const factsA = await a.$(".sync-facts").getText();
  assert.match(factsA, /Waiting to go out\s*0 changes/);
  await closeDialog(a);

  // (B's own sync every 30 s may have brought it already: then this one brings nothing.)
  await syncNow(b);
  const seen = await postB.$("mark.hl");
  await seen.waitForExist({ timeout: 10_000 });
  assert.equal(await seen.getText(), FROM_A[1]);
  await closeDialog(b);
  assert.equal(await b.execute(() => document.querySelector(".statusbar .sync-status")?.textContent), "Synced just now");
  await shot(b, "sync-received");

  // The other way: B marks a passage, A finds it.
  const otherB = await openAt(b, ...FROM_B);
  await highlight(b, otherB, FROM_B[1]);
  await syncNow(b);
  await closeDialog(b);
  const otherA = await openAt(a, ...FROM_B);
  await syncNow(a);
  const back = await otherA.$("mark.hl");
  await back.waitForExist({ timeout: 10_000 });
  assert.equal(await back.getText(), FROM_B[1]);
  await closeDialog(a);
  await shot(a, "sync-a");
});

test("a highlight made in B on the thread A deleted is in B's conflicts view; Restore brings both back", async () => {
  const post = await openAt(b, ...LOST);
  await highlight(b, post, LOST[1]);
  // A deletes the thread (its window is not told: its next sync finds the delete).
  execFileSync(cli, ["--db", dbA, "delete", "1"]);
  await openAt(a, ...FROM_A).catch(() => null);
  await a.keys("S");
  const dialogA = await a.$("dialog.dialog--sync");
  await dialogA.waitForDisplayed({ timeout: 5_000 });
  await dialogA.$("button.button--primary").click();
  await a.waitUntil(async () => /^Sent \d+ changes?; received/.test(await dialogA.$(".sync-result").getText()), { timeout: 30_000 });
  await closeDialog(a);
  await syncNow(b);
  await closeDialog(b);
  // B's footer counts the conflict; the view says what was lost and to what.
  const conflicts = await b.$(".statusbar .sync-conflicts");
  await conflicts.waitForDisplayed({ timeout: 10_000 });
  await conflicts.click();
  const item = await b.$("dialog.dialog--conflicts .sync-conflict[data-reason='thread']");
  await item.waitForExist({ timeout: 10_000 });
  assert.equal(await item.$(".sync-conflict-what").getText(), `Highlight “${LOST[1]}”: lost with its thread`);
  assert.match(await item.$(".sync-conflict-values").getText(), /^Your highlight on “.+”, a thread deleted on device [0-9a-f]{8} meanwhile\.$/);
  await shot(b, "sync-conflict-thread");
  await item.$(".sync-restore").click();
  await b.waitUntil(async () => (await item.$(".sync-restore").getText()) === "Restored", { timeout: 10_000 });
  await b.keys("Escape");
  await b.$("dialog.dialog--conflicts").waitForExist({ reverse: true, timeout: 5_000 });
  // Restored in B, sent, and taken by A: the thread with B's highlight in both.
  const back = await openAt(b, ...LOST);
  assert.equal(await (await back.$("mark.hl")).getText(), LOST[1]);
  await syncNow(b);
  await closeDialog(b);
  await a.execute(() => {
    location.hash = "#/";
  });
  await a.keys("S");
  await dialogA.waitForDisplayed({ timeout: 5_000 });
  await dialogA.$("button.button--primary").click();
  await a.waitUntil(async () => /^Sent \d+ changes?; received/.test(await dialogA.$(".sync-result").getText()), { timeout: 30_000 });
  await closeDialog(a);
  const inA = await openAt(a, ...LOST);
  const mark = await inA.$("mark.hl");
  await mark.waitForExist({ timeout: 10_000 });
  assert.equal(await mark.getText(), LOST[1]);
  await shot(a, "sync-restored");
});
