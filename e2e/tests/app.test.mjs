// The real desktop window: the debug build of threadmark-app under Xvfb, driven through
// tauri-driver (port 4444) and WebKitWebDriver. scripts/e2e.sh sets everything up:
//   E2E_APP        absolute path of target/debug/threadmark-app
//   E2E_THREAD_ID  id of the seed thread in the library the app opens (THREADMARK_DB)
//   E2E_NESTED_ID  id of a nested Hacker News thread in that library (a real tree)
//   E2E_SCREENSHOT where to save a screenshot of the screen (import -window root);
//                  later steps save more beside it (NAME-STEP.png)

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { appSession } from "../session.mjs";

const application = required("E2E_APP");
const threadId = required("E2E_THREAD_ID");
const nestedId = required("E2E_NESTED_ID");
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const PASSAGE = "Liang Wenfeng has a solid background";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  return value;
}

let browser;

before(async () => {
  browser = await appSession(application);
  // The app reopens the thread a test before this file was reading: start from the library.
  await browser.$(".topbar").waitForDisplayed({ timeout: 30_000 });
  await browser.execute(() => {
    location.hash = "#/";
  });
});

after(async () => {
  await browser?.deleteSession();
});

test("the window is titled Threadmark and lists the seed thread", async () => {
  assert.equal(await browser.getTitle(), "Threadmark");
  const row = await browser.$(`.thread-row[data-thread-id="${threadId}"]`);
  await row.waitForDisplayed({ timeout: 20_000 });
  const meta = await row.$(".thread-posts").getText();
  assert.match(meta, /^\d+ posts$/);
});

test("opening the seed thread shows its posts, quoted passage included", async () => {
  await browser.$(`.thread-row[data-thread-id="${threadId}"]`).click();
  await browser.$(".post").waitForDisplayed({ timeout: 20_000 });

  const post = await browser.$(`//li[contains(@class, "post")][contains(., "${PASSAGE}")]`);
  await post.waitForExist({ timeout: 10_000 });
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), post);
  assert.ok((await post.getText()).includes(PASSAGE));
  // Only posts near the screen are in the DOM (the list is virtualized): scroll down
  // until a post quoting an earlier one is rendered, then come back.
  const quoting = await browser.executeAsync((done) => {
    const found = () => document.querySelector(".post-body blockquote");
    let steps = 0;
    const step = () => {
      if (found() || steps++ > 60) return done(Boolean(found()));
      window.scrollBy(0, window.innerHeight / 2);
      requestAnimationFrame(() => requestAnimationFrame(step));
    };
    step();
  });
  assert.ok(quoting, "the seed quotes earlier posts");
  await browser.execute(() => window.scrollTo(0, 0));
  const again = await browser.$(`//li[contains(@class, "post")][contains(., "${PASSAGE}")]`);
  await again.waitForExist({ timeout: 10_000 });
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), again);

  await again.click();
  await takeScreenshot();
});

test("Escape returns to the library", async () => {
  await browser.keys("Escape");
  const row = await browser.$(`.thread-row[data-thread-id="${threadId}"]`);
  await row.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await browser.execute(() => document.activeElement?.getAttribute("data-thread-id")), threadId);
});

test("searching from the library opens the thread at the matching post, marked", async () => {
  await browser.keys("/");
  assert.equal(await browser.execute(() => document.activeElement?.id), "search");
  await browser.keys([..."\"solid background\"", "Enter"]);
  const result = await browser.$(".result");
  await result.waitForDisplayed({ timeout: 10_000 });
  // FTS5 marks a phrase as one match.
  const marks = await browser.execute(() => [...document.querySelectorAll(".result-snippet mark")].map((m) => m.textContent.toLowerCase()));
  assert.ok(marks.includes("solid background"), JSON.stringify(marks));
  await browser.keys("Enter");

  const hit = await browser.$(".post.post--hit");
  await hit.waitForExist({ timeout: 10_000 });
  assert.ok((await hit.getText()).includes(PASSAGE));
  assert.equal(await browser.execute(() => document.activeElement?.classList.contains("post--hit")), true);
  const marked = await browser.execute(() => [...document.querySelectorAll(".post--hit .search-mark")].map((m) => m.textContent));
  assert.ok(marked.some((m) => /^solid background$/i.test(m)), JSON.stringify(marked));
  await takeScreenshot("search-jump");

  await browser.keys("Escape");
  await browser.$(".result").waitForDisplayed({ timeout: 10_000 });
  await browser.keys("Escape");
  await browser.$(`.thread-row[data-thread-id="${threadId}"]`).waitForDisplayed({ timeout: 10_000 });
});

test("a nested thread: j/k/u move between posts, Space collapses a subtree", async () => {
  await browser.execute((id) => {
    location.hash = `#/thread/${id}`;
  }, nestedId);
  await browser.$(".post").waitForDisplayed({ timeout: 20_000 });
  const focused = () => browser.execute(() => document.activeElement?.dataset.postId ?? null);
  const ids = await browser.execute(() => [...document.querySelectorAll(".post")].map((p) => [p.dataset.postId, Number(p.dataset.depth), Number(p.dataset.replies)]));
  assert.ok(ids.some(([, depth]) => depth >= 2), "the thread is a tree");

  await browser.keys("j");
  assert.equal(await focused(), ids[0][0]);
  await browser.keys("j");
  assert.equal(await focused(), ids[1][0]);
  await browser.keys("j");
  assert.equal(await focused(), ids[2][0]);
  await browser.keys("u");
  assert.equal(await focused(), ids[1][0], "u goes to the parent");
  await browser.keys("k");
  assert.equal(await focused(), ids[0][0]);
  await browser.keys("j");

  const replies = ids[1][2];
  assert.ok(replies > 1, `post ${ids[1][0]} has replies`);
  // The list is virtualized: a hidden reply is not in the DOM at all. Count the
  // posts shown under the collapsed one (deeper, right after it).
  const shownReplies = () =>
    browser.execute((id) => {
      const posts = [...document.querySelectorAll(".post")];
      const at = posts.findIndex((p) => p.dataset.postId === id);
      const depth = Number(posts[at].dataset.depth);
      let n = 0;
      for (const p of posts.slice(at + 1)) {
        if (Number(p.dataset.depth) <= depth) break;
        n++;
      }
      return n;
    }, ids[1][0]);
  assert.ok((await shownReplies()) > 0);
  await browser.keys(" ");
  assert.equal(await shownReplies(), 0);
  assert.equal(await browser.$(`.post[data-post-id="${ids[1][0]}"] .post-folded`).getText(), `${replies} replies hidden`);
  await takeScreenshot("collapsed");
  await browser.keys(" ");
  assert.ok((await shownReplies()) > 0);
  assert.equal(await focused(), ids[1][0], "the focus stays on the toggled post");
});

test("pasting a thread into the window imports it; a pasted address is refused clearly", async () => {
  await browser.keys("Escape");
  await browser.execute(() => {
    location.hash = "#/";
  });
  await browser.$(`.thread-row[data-thread-id="${threadId}"]`).waitForDisplayed({ timeout: 10_000 });

  await browser.$('//button[normalize-space()="Paste a thread"]').click();
  const area = await browser.$("dialog[open] textarea");
  await area.waitForDisplayed({ timeout: 10_000 });
  // A web address is fetched; one of a site Threadmark does not know is refused
  // before any request (the test never goes online).
  await area.setValue("https://example.com/not-a-thread");
  await browser.$('//dialog//button[normalize-space()="Fetch"]').click();
  const error = await browser.$("dialog[open] .dialog-error");
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.match(await error.getText(), /not a thread address Threadmark can fetch/);

  // Typed newlines do not survive WebDriver's key events: put the text in as a paste would.
  await browser.execute((el, text) => {
    el.value = text;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, area, "Is a pasted thread readable in the window?\n\nYes: this is its second post.");
  await browser.$("dialog[open] .paste-title").setValue("Pasted in the e2e test");
  await takeScreenshot("paste");
  await browser.$('//dialog//button[normalize-space()="Import"]').click();
  await browser.$("dialog[open]").waitForExist({ timeout: 10_000, reverse: true });
  const toast = await browser.$(".toast");
  await toast.waitForDisplayed({ timeout: 10_000 });
  assert.match(await toast.getText(), /Imported “Pasted in the e2e test”/);

  const row = await browser.$('//a[contains(@class, "thread-row")][.//span[normalize-space()="Pasted in the e2e test"]]');
  await row.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await browser.execute(() => document.activeElement?.querySelector(".thread-title")?.textContent), "Pasted in the e2e test");
  await browser.keys("Enter");
  await browser.$(".post").waitForDisplayed({ timeout: 10_000 });
  assert.equal((await browser.$$(".post")).length, 2);
  await takeScreenshot("pasted-thread");
});

/** The whole X screen, as a person would see it, once the webview has painted
 *  (posts off screen are painted lazily, a frame or two after a scroll). The first
 *  goes to E2E_SCREENSHOT, named ones beside it. */
async function takeScreenshot(name = "") {
  if (!process.env.DISPLAY) return;
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await browser.pause(300);
  const file = name ? screenshot.replace(/(\.png)?$/, `-${name}.png`) : screenshot;
  execFileSync("import", ["-window", "root", file]);
}
