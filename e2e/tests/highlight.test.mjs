// Highlighting in the real window: select text in the seed thread, label it with a
// key, add a note, then re-import an edited copy of the seed with the CLI (made in a
// temp dir now: words inserted before the highlighted passage) and find the
// highlight re-anchored, with its note. Runs after app.test.mjs, on the library
// scripts/e2e.sh prepared (THREADMARK_DB).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { appSession } from "../session.mjs";

const application = process.env.E2E_APP;
const threadId = process.env.E2E_THREAD_ID;
const db = process.env.THREADMARK_DB;
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const cli = path.join(path.dirname(application ?? ""), "threadmark");
const here = path.dirname(fileURLToPath(import.meta.url));
const seedPath = path.resolve(here, "../../../shared/corpus/seed/000_e97962a6dbc2b620.txt");
const EXACT = "solid background";
const BEFORE = "Liang Wenfeng has a solid background";
const AFTER = "Liang Wenfeng, as everyone here knows, has a solid background";

let browser;
let work;

before(async () => {
  for (const [name, value] of Object.entries({ E2E_APP: application, E2E_THREAD_ID: threadId, THREADMARK_DB: db })) {
    if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  }
  work = mkdtempSync(path.join(tmpdir(), "threadmark-e2e-hl-"));
  browser = await appSession(application);
});

after(async () => {
  await browser?.deleteSession();
  if (work) rmSync(work, { recursive: true, force: true });
});

function shot(step) {
  try {
    execFileSync("import", ["-window", "root", screenshot.replace(/\.png$/, `-${step}.png`)]);
  } catch {
    // A missing screenshot is not a failure of the app.
  }
}

/** Back to the library (the app reopens the thread last read, so a new session may
 *  start in a thread). */
async function toLibrary() {
  await browser.waitUntil(async () => (await browser.$$(".thread-row, .post")).length > 0, { timeout: 20_000 });
  for (let i = 0; i < 3 && !(await browser.$(".thread-row").isDisplayed()); i++) {
    await browser.keys("Escape");
    await browser.pause(300);
  }
}

/** Opens the seed thread and scrolls the post holding `text` into view. */
async function openAt(text) {
  await toLibrary();
  await browser.$(`.thread-row[data-thread-id="${threadId}"]`).waitForDisplayed({ timeout: 20_000 });
  await browser.$(`.thread-row[data-thread-id="${threadId}"]`).click();
  await browser.$(".post").waitForDisplayed({ timeout: 20_000 });
  const post = await browser.$(`//li[contains(@class, "post")][contains(., "${text}")]`);
  await post.waitForExist({ timeout: 10_000 });
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), post);
  return post;
}

test("select, label with a key, note; re-import an edited copy; the highlight is re-anchored", async () => {
  const post = await openAt(BEFORE);
  const postId = await post.getAttribute("data-post-id");
  // Select the passage as a drag would.
  await browser.execute(
    (el, exact) => {
      const body = el.querySelector(".post-body");
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.data.indexOf(exact);
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, at + exact.length);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        return;
      }
      throw new Error("passage not found");
    },
    post,
    EXACT,
  );
  await browser.$(".hl-toolbar").waitForDisplayed({ timeout: 5_000 });
  shot("highlight-toolbar");
  await browser.keys("1");
  const mark = await browser.$(`.post[data-post-id="${postId}"] mark.hl`);
  await mark.waitForExist({ timeout: 10_000 });
  assert.equal(await mark.getText(), EXACT);
  await browser.waitUntil(async () => (await mark.getAttribute("data-hl")) > 0, { timeout: 10_000, timeoutMsg: "the highlight was not stored" });

  // A note from the highlight's menu.
  await mark.click();
  const noteButton = await browser.$("//div[contains(@class,'hl-menu')]//button[contains(., 'note')]");
  await noteButton.waitForDisplayed({ timeout: 5_000 });
  await noteButton.click();
  const note = await browser.$("dialog textarea[name=note]");
  await note.waitForDisplayed({ timeout: 5_000 });
  await note.setValue("Hardware *and* software: why it matters");
  await browser.$("//dialog//button[contains(., 'Save')]").click();
  await browser.$("dialog").waitForExist({ reverse: true, timeout: 5_000 });

  const listed = JSON.parse(execFileSync(cli, ["--db", db, "highlight", "list", threadId, "--json"], { encoding: "utf8" }));
  const mine = listed.find((h) => h.exact === EXACT);
  assert.ok(mine, "the CLI sees the highlight the window made");
  assert.equal(mine.label, "Claim");
  assert.equal(mine.note, "Hardware *and* software: why it matters");
  assert.equal(mine.state, "anchored");

  // An edited copy of the seed: words inserted before the passage.
  const seed = readFileSync(seedPath, "utf8");
  assert.ok(seed.includes(BEFORE));
  const copy = path.join(work, "seed-v2.txt");
  writeFileSync(copy, seed.replace(BEFORE, AFTER));
  execFileSync(cli, ["--db", db, "import", copy, "--into", threadId], { encoding: "utf8" });
  const after = JSON.parse(execFileSync(cli, ["--db", db, "highlight", "list", threadId, "--json"], { encoding: "utf8" }));
  const moved = after.find((h) => h.id === mine.id);
  assert.equal(moved.state, "moved");
  assert.equal(moved.exact, EXACT);
  assert.ok(moved.start > mine.start, `${moved.start} > ${mine.start}`);
  assert.equal(moved.note, mine.note);

  // The window shows it at its new place after opening the thread again.
  const again = await openAt(AFTER);
  const remark = await again.$("mark.hl");
  await remark.waitForExist({ timeout: 10_000 });
  assert.equal(await remark.getText(), EXACT);
  assert.match(await remark.getAttribute("class"), /hl--moved/);
  // The panel lists it with its note.
  await browser.keys("h");
  const item = await browser.$(`//aside[contains(@class,'hl-panel')]//li[contains(@class,'hl-item')][contains(., '${EXACT}')]`);
  await item.waitForDisplayed({ timeout: 5_000 });
  assert.match(await item.getText(), /Hardware and software: why it matters/);
  shot("highlight-panel");
  await browser.keys("h");
  // Leave the window at the library for the tests that follow.
  await browser.keys("Escape");
  await browser.$(".thread-row").waitForDisplayed({ timeout: 10_000 });
});
