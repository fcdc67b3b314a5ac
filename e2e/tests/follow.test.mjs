// Following a thread in the real window: save a Reddit thread from a server on
// 127.0.0.1 (the corpus file 57dw9a), read the start of it, serve a second version
// (made here from the corpus file: the first comment edited, a reply to it and a new
// top-level comment added), Refresh all from the library, check "+3 new" and that the
// catch-up queue lists exactly the unread changes, then walk them in the thread with ].
// Screenshots of the queue and of the marks in both themes.
//
// The app reads THREADMARK_FETCH_BASE when it fetches: it is started through a small
// wrapper that sets it to this test's server.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { appSession } from "../session.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, "../../../shared/corpus");
const application = process.env.E2E_APP;
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const shot = (name) => screenshot.replace(/\.png$/, `-follow-${name}.png`);

const URL_ = "https://www.reddit.com/r/IAmA/comments/57dw9a/ken_bone_ama/";
const EDITED = "t1_d8r4im1";
const REPLY = "t1_e2e0001";
const LATE = "t1_e2e0002";

const v1 = JSON.parse(readFileSync(path.join(corpus, "reddit/57dw9a.interaction02.comments.json"), "utf8"));
const hn = readFileSync(path.join(corpus, "hn/algolia/neonmodem-49953495-trimmed.json"));

/** The second version: an edit, a reply to the edited comment, a new top-level comment. */
function secondVersion() {
  const v2 = structuredClone(v1);
  const first = v2[1].data.children[0].data;
  assert.equal(first.name, EDITED);
  first.body = "What has been the strangest thing someone tweeted at you since the debate ended?";
  const comment = (id, parent, author, body) => ({
    kind: "t1",
    data: { ...structuredClone(first), id: id.slice(3), name: id, parent_id: parent, author, body, replies: "" },
  });
  first.replies.data.children.unshift(comment(REPLY, EDITED, "latecomer", "Someone asked him about the red sweater, surely."));
  v2[1].data.children.push(comment(LATE, "t3_57dw9a", "newbie", "Did the AMA ever get a follow-up?"));
  return v2;
}

let version = 0;
const versions = [JSON.stringify(v1), JSON.stringify(secondVersion())];
let server;
let browser;
let work;

before(async () => {
  if (!application) throw new Error("E2E_APP is not set; run scripts/e2e.sh");
  server = http.createServer((req, res) => {
    if (req.url === "/comments/57dw9a.json?limit=500") {
      res.writeHead(200, { "content-type": "application/json" }).end(versions[version]);
    } else if (req.url === "/api/v1/items/49953495") {
      // The nested thread scripts/e2e.sh imported from a file: refreshable too, unchanged.
      res.writeHead(200, { "content-type": "application/json" }).end(hn);
    } else {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  work = mkdtempSync(path.join(os.tmpdir(), "threadmark-follow-"));
  const wrapper = path.join(work, "threadmark-app");
  writeFileSync(wrapper, `#!/bin/sh\nTHREADMARK_FETCH_BASE=http://127.0.0.1:${server.address().port} exec "${application}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  browser = await appSession(wrapper);
  await browser.$(".topbar").waitForDisplayed({ timeout: 30_000 });
});

after(async () => {
  await browser?.deleteSession().catch(() => {});
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

const focusedPost = () => browser.execute(() => document.activeElement?.closest?.(".post")?.dataset.postId ?? null);
const toastText = async () => (await browser.$(".toast-text")).getText();

async function setTheme(theme) {
  for (let i = 0; i < 3 && (await browser.execute(() => document.documentElement.dataset.theme ?? "system")) !== theme; i++) {
    await browser.keys("t");
  }
  assert.equal(await browser.execute(() => document.documentElement.dataset.theme), theme);
}

let threadId = null;

test("a thread saved from the loopback server is read in part, refreshed, and its news listed exactly", async () => {
  // The app reopens what the tests before this file were reading: start from the library.
  await browser.execute(() => {
    location.hash = "#/";
  });
  // Save it by address, through Paste a thread.
  const paste = await browser.$('//button[normalize-space()="Paste a thread"]');
  await paste.waitForDisplayed({ timeout: 10_000 });
  await paste.click();
  await browser.$(".paste-text").setValue(URL_);
  await browser.$('button[value="ok"]').click();
  await browser.waitUntil(async () => (await browser.$$(".toast-text")).length > 0 && /Imported/.test(await toastText()), { timeout: 30_000, timeoutMsg: "the fetch did not finish" });
  threadId = await browser.execute(() => document.activeElement?.dataset?.threadId ?? null);
  assert.ok(threadId, "the new thread's row is focused");

  // Read the start: the story and its first comment come on screen.
  await browser.$(`.thread-row[data-thread-id="${threadId}"]`).click();
  await browser.$(`#post-${EDITED}`).waitForDisplayed({ timeout: 20_000 });
  // j moves to the next post (the first j may only focus the story).
  for (let i = 0; i < 3 && (await focusedPost()) !== EDITED; i++) {
    await browser.keys("j");
    await browser.pause(150);
  }
  assert.equal(await focusedPost(), EDITED);
  await browser.pause(1500); // the read state is saved 800 ms after a post shows
  assert.equal(await browser.$$(".post--news").length, 0, "a first save marks nothing");
  await browser.keys("Escape");
  await browser.$(`.thread-row[data-thread-id="${threadId}"]`).waitForDisplayed({ timeout: 10_000 });

  // The second version, by Refresh all (the nested thread comes back unchanged).
  version = 1;
  await browser.keys("R");
  await browser.waitUntil(async () => /Refreshed 2 of 2 threads: 3 new or edited posts/.test(await toastText().catch(() => "")), { timeout: 30_000, timeoutMsg: "Refresh all did not report" });
  const badge = await browser.$(`.thread-row[data-thread-id="${threadId}"] .thread-news`);
  await badge.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await badge.getText(), "+3 new");

  // The catch-up queue: exactly the edit of a post that was read and the two new posts.
  await browser.keys("c");
  await browser.$(".screen--catchup").waitForDisplayed({ timeout: 10_000 });
  const items = await browser.execute(() =>
    [...document.querySelectorAll(".catchup-post")].map((a) => ({
      thread: a.dataset.thread,
      post: a.dataset.post,
      change: a.classList.contains("catchup-post--edited") ? "edited" : "new",
      parent: a.closest(".catchup-item")?.querySelector(".catchup-parent-label")?.textContent ?? null,
    })),
  );
  assert.deepEqual(
    items.map(({ thread, post, change }) => [thread, post, change]),
    [
      [threadId, EDITED, "edited"],
      [threadId, REPLY, "new"],
      [threadId, LATE, "new"],
    ],
  );
  assert.match(items[1].parent ?? "", /#t1_d8r4im1/);
  assert.match(items[2].parent ?? "", /#t3_57dw9a/);
  const diff = await browser.execute(() => [...document.querySelectorAll(".catchup-post--edited ins, .catchup-post--edited del")].map((e) => `${e.tagName}:${e.textContent}`));
  assert.ok(diff.some((d) => d.startsWith("DEL:") && d.includes("wake")) && diff.some((d) => d.startsWith("INS:") && d.includes("since")), diff.join(" | "));
  await setTheme("light");
  execFileSync("import", ["-window", "root", shot("queue-light")]);
  await setTheme("dark");
  execFileSync("import", ["-window", "root", shot("queue-dark")]);
});

test("] walks the new and edited posts, opening the far one; R refreshes the thread", async () => {
  assert.ok(threadId, "the first test saved the thread");
  await browser.$(`.catchup-thread-link`).click();
  await browser.$(".post--news").waitForDisplayed({ timeout: 20_000 });
  const walked = [];
  for (let i = 0; i < 3; i++) {
    await browser.keys("]");
    await browser.waitUntil(async () => (await focusedPost()) !== walked[walked.length - 1], { timeout: 10_000 });
    walked.push(await focusedPost());
    // The post jumped to is on screen.
    const onScreen = await browser.execute(() => {
      const rect = document.activeElement.getBoundingClientRect();
      return rect.top < window.innerHeight && rect.bottom > 0;
    });
    assert.ok(onScreen, `${walked[i]} is on screen`);
  }
  assert.deepEqual(walked, [EDITED, REPLY, LATE]);
  await browser.keys("[");
  await browser.waitUntil(async () => (await focusedPost()) === REPLY, { timeout: 10_000 });
  await browser.keys("[");
  await browser.waitUntil(async () => (await focusedPost()) === EDITED, { timeout: 10_000 });
  // The edit's words, on demand.
  const toggle = await browser.$(`#post-${EDITED} .news-diff-toggle`);
  await toggle.click();
  await browser.$(`#post-${EDITED} .news-diff`).waitForDisplayed({ timeout: 5_000 });
  assert.ok((await browser.$(`#post-${EDITED} .news-diff ins`).getText()).includes("since"));
  execFileSync("import", ["-window", "root", shot("marks-dark")]);
  await setTheme("light");
  execFileSync("import", ["-window", "root", shot("marks-light")]);

  // R in the thread: the same version again, nothing changed.
  await browser.keys("R");
  await browser.waitUntil(async () => /Refreshed: \+0 new, 0 edited, 0 removed/.test(await toastText().catch(() => "")), { timeout: 30_000, timeoutMsg: "R did not report" });
});
