// The installed package's app (run by scripts/package-test.sh, not scripts/e2e.sh):
// /usr/bin/threadmark-app started by tauri-driver on the user's default library,
// then threadmark:// links opened the way a click in a note opens them, with
// xdg-open (the desktop entry's x-scheme-handler): a second threadmark-app hands the
// link to this window (single instance) and exits. A highlight's link shows its
// thread with that highlight focused; an orphaned one's focuses its Orphans entry in
// the highlights panel; a link to a highlight the library does not hold is said in
// the window and the window stays where it was. `threadmark open` does the same from
// the command line.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { appSession } from "../session.mjs";

const application = process.env.E2E_APP;
const threadId = process.env.PKG_THREAD_ID;
const highlight = { uuid: process.env.PKG_HIGHLIGHT_UUID, exact: process.env.PKG_HIGHLIGHT_EXACT };
const orphan = { uuid: process.env.PKG_ORPHAN_UUID, exact: process.env.PKG_ORPHAN_EXACT };
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-package.png";

let browser;

before(async () => {
  for (const [name, value] of Object.entries({ E2E_APP: application, PKG_THREAD_ID: threadId, PKG_HIGHLIGHT_UUID: highlight.uuid, PKG_ORPHAN_UUID: orphan.uuid })) {
    if (!value) throw new Error(`${name} is not set; run scripts/package-test.sh`);
  }
  browser = await appSession(application);
  await browser.waitUntil(async () => (await browser.$$(".thread-row, .post")).length > 0, { timeout: 30_000, timeoutMsg: "the window showed no library" });
});

after(async () => {
  await browser?.deleteSession();
});

function shot(step) {
  try {
    execFileSync("import", ["-window", "root", screenshot.replace(/\.png$/, `-${step}.png`)]);
  } catch {
    // A missing screenshot is not a failure of the app.
  }
}

/** Opens `link` as a click in another program would (xdg-open returns at once). */
function xdgOpen(link) {
  execFileSync("xdg-open", [link], { stdio: "inherit", timeout: 30_000 });
}

/** The focused highlight: where it is (a mark in the text, an Orphans entry) and its text. */
const focused = () =>
  browser.execute(() => {
    const at = document.activeElement;
    if (!at?.hasAttribute("data-hl")) return null;
    if (at.matches("mark.hl")) return { where: "text", text: at.textContent };
    if (at.closest(".hl-orphans")) return { where: "orphans", text: at.querySelector(".hl-item-quote")?.textContent ?? "" };
    return { where: "elsewhere", text: at.textContent };
  });

test("a highlight's link opens its thread with the highlight focused", async () => {
  xdgOpen(`threadmark://highlight/${highlight.uuid}`);
  await browser.waitUntil(async () => (await focused())?.where === "text", {
    timeout: 30_000,
    timeoutMsg: `highlight ${highlight.uuid} was not focused`,
  });
  assert.match(await browser.execute(() => location.hash), new RegExp(`^#/thread/${threadId}\\b`));
  assert.deepEqual(await focused(), { where: "text", text: highlight.exact });
  shot("highlight");
});

test("an orphaned highlight's link opens the panel at its Orphans entry", async () => {
  xdgOpen(`threadmark://highlight/${orphan.uuid}`);
  await browser.waitUntil(async () => (await focused())?.where === "orphans", {
    timeout: 30_000,
    timeoutMsg: `the orphan ${orphan.uuid} was not focused`,
  });
  assert.deepEqual(await focused(), { where: "orphans", text: `“${orphan.exact}”` });
  shot("orphan");
});

test("threadmark open shows a post's link from the command line", async () => {
  const link = `threadmark://thread/${process.env.PKG_THREAD_UUID}/post/7`;
  execFileSync("/usr/bin/threadmark", ["open", link], { stdio: "inherit", timeout: 30_000 });
  await browser.waitUntil(async () => (await browser.execute(() => location.hash)) === `#/thread/${threadId}?post=7`, {
    timeout: 30_000,
    timeoutMsg: "the post's link did not show the thread at post 7",
  });
  await browser.$('.post[data-post-id="7"]').waitForDisplayed({ timeout: 10_000 });
});

test("a link to a highlight not in the library says so and changes nothing else", async () => {
  const hash = await browser.execute(() => location.hash);
  const missing = randomUUID();
  xdgOpen(`threadmark://highlight/${missing}`);
  const alert = await browser.$(".toast--error");
  await alert.waitForDisplayed({ timeout: 30_000 });
  assert.match(await alert.getText(), new RegExp(`${missing}.*not in this library`));
  assert.equal(await browser.execute(() => location.hash), hash);
  shot("missing");
});
