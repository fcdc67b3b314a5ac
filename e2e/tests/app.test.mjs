// The real desktop window: the debug build of threadmark-app under Xvfb, driven through
// tauri-driver (port 4444) and WebKitWebDriver. scripts/e2e.sh sets everything up:
//   E2E_APP        absolute path of target/debug/threadmark-app
//   E2E_THREAD_ID  id of the seed thread in the library the app opens (THREADMARK_DB)
//   E2E_SCREENSHOT where to save a screenshot of the screen (import -window root)

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { remote } from "webdriverio";

const application = required("E2E_APP");
const threadId = required("E2E_THREAD_ID");
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const PASSAGE = "Liang Wenfeng has a solid background";

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  return value;
}

let browser;

before(async () => {
  browser = await remote({
    hostname: "127.0.0.1",
    port: 4444,
    logLevel: "warn",
    connectionRetryCount: 3,
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "tauri:options": { application },
    },
  });
  await browser.setTimeout({ implicit: 0 });
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
  assert.ok((await browser.$$(".post-body blockquote")).length > 0, "the seed quotes earlier posts");

  await post.click();
  await takeScreenshot();
});

test("Escape returns to the library", async () => {
  await browser.keys("Escape");
  const row = await browser.$(`.thread-row[data-thread-id="${threadId}"]`);
  await row.waitForDisplayed({ timeout: 10_000 });
  assert.equal(await browser.execute(() => document.activeElement?.getAttribute("data-thread-id")), threadId);
});

/** The whole X screen, as a person would see it, once the webview has painted
 *  (posts off screen are painted lazily, a frame or two after a scroll). */
async function takeScreenshot() {
  if (!process.env.DISPLAY) return;
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await browser.pause(300);
  execFileSync("import", ["-window", "root", screenshot]);
}
