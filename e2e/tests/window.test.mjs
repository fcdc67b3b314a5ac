// What the window remembers across a restart of the app (the real window, under Xvfb):
// its size and position, the thread that was open and where in it the reader was.
//
// 1. Resize and move the window (as a window manager does for a drag: xdotool), open
//    the seed thread deep into it and scroll with the arrow keys until the window
//    starts partway into a post; then close the
//    window the way its close button does (a WM_DELETE_WINDOW message, which a
//    window manager sends; Xvfb has none, so tools/close-window.py sends it). The app
//    exits. Start it again: same size, same place on the screen, the same thread with
//    the same post at the same pixel.
// 2. Resize again and end the app without any close event (the WebDriver session ends:
//    the process is killed, as at a logout or a crash): the new size still comes back.
//
// Xvfb runs no window manager, so positions are the window's own: nothing moves it.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { appSession } from "../session.mjs";

const application = process.env.E2E_APP;
const threadId = process.env.E2E_THREAD_ID;
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const here = path.dirname(fileURLToPath(import.meta.url));
const closeWindowTool = path.resolve(here, "../tools/close-window.py");
// Post 65 of the seed (909 characters) is tall enough to stop the window partway into it.
const DEEP_POST = "65";

let browser = null;

after(async () => {
  await browser?.deleteSession().catch(() => {});
});

async function start() {
  for (const [name, value] of Object.entries({ E2E_APP: application, E2E_THREAD_ID: threadId })) {
    if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  }
  browser = await appSession(application);
  await browser.$(".topbar").waitForDisplayed({ timeout: 30_000 });
}

/** The app's X window (the only visible one on the display). */
function appWindow() {
  const ids = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "Threadmark"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  assert.equal(ids.length, 1, `one visible Threadmark window: ${ids.join(", ")}`);
  return ids[0];
}

/** Size and place on the screen of the window, as X sees it. */
function geometry(id = appWindow()) {
  const info = execFileSync("xwininfo", ["-id", id], { encoding: "utf8" });
  const field = (name) => Number(new RegExp(`${name}:\\s+(-?\\d+)`).exec(info)?.[1]);
  return { x: field("Absolute upper-left X"), y: field("Absolute upper-left Y"), width: field("Width"), height: field("Height") };
}

/** Resizes and moves the window as a window manager would; waits until the page has
 *  the new size. */
async function place(rect) {
  const id = appWindow();
  execFileSync("xdotool", ["windowsize", id, String(rect.width), String(rect.height)]);
  execFileSync("xdotool", ["windowmove", id, String(rect.x), String(rect.y)]);
  await browser.waitUntil(async () => (await browser.execute(() => [window.innerWidth, window.innerHeight])).join("x") === `${rect.width}x${rect.height}`, {
    timeout: 10_000,
    timeoutMsg: `the page did not take the size ${rect.width}x${rect.height}`,
  });
  assert.deepEqual(geometry(id), rect);
}

/** Waits until the window has not scrolled for `ms`. */
async function stillFor(ms) {
  let last = null;
  let since = Date.now();
  await browser.waitUntil(
    async () => {
      const y = await browser.execute(() => window.scrollY);
      if (y !== last) {
        last = y;
        since = Date.now();
      }
      return Date.now() - since >= ms;
    },
    { timeout: 15_000, interval: 100, timeoutMsg: "the window kept scrolling" },
  );
}

/** Waits longer than the app waits after a resize or move before saving them. */
const settle = () => browser.pause(1_200);

function shot(step) {
  try {
    execFileSync("import", ["-window", "root", screenshot.replace(/(\.png)?$/, `-${step}.png`)]);
  } catch {
    // A missing screenshot is not a failure of the app.
  }
}

/** The reading position the app keeps (localStorage under its library's file, see
 *  ui/src/prefs.ts). */
const reading = () =>
  browser.execute(async () => {
    const info = await window.__TAURI_INTERNALS__.invoke("library_info");
    return JSON.parse(localStorage.getItem(`threadmark.reading:${info.path}`) ?? "null");
  });

/** Where post `id` starts relative to the top of the window (px), if rendered. */
const topOf = (id) => browser.execute((id) => document.querySelector(`li.post[data-post-id="${id}"]`)?.getBoundingClientRect().top ?? null, id);

test("size, position, thread and place in the thread come back after closing the window", async () => {
  await start();
  const rect = { x: 120, y: 70, width: 900, height: 640 };
  await place(rect);

  // Deep into the seed thread: post 65, then down with the arrow keys (the reader's
  // scroll) until the window starts partway into it.
  await browser.execute((thread, post) => {
    location.hash = `#/thread/${thread}?post=${post}`;
  }, threadId, DEEP_POST);
  const deep = await browser.$(`li.post[data-post-id="${DEEP_POST}"] .post-body:not(.post-body--pending)`);
  await deep.waitForExist({ timeout: 20_000 });
  await stillFor(600);
  const height = await browser.execute((id) => document.querySelector(`li.post[data-post-id="${id}"]`).getBoundingClientRect().height, DEEP_POST);
  assert.ok(height > 250, `post ${DEEP_POST} is ${height}px tall`);
  for (let i = 0; i < 20 && (await topOf(DEEP_POST)) > -40; i++) {
    await browser.keys("ArrowDown");
    await stillFor(300);
  }
  const top = await topOf(DEEP_POST);
  assert.ok(top <= -40 && top > -(height - 120), `the window starts partway into post ${DEEP_POST}: its top at ${top}px`);
  // Scroll positions are whole pixels.
  const offset = Math.round(-top);
  const scrolled = await browser.execute(() => window.scrollY);
  assert.ok(scrolled > 5_000, `deep in the thread: scrollY ${scrolled}`);
  // The app keeps the reading position (post and offset) in the webview's storage...
  await browser.waitUntil(async () => (await reading())?.offset === offset, {
    timeout: 10_000,
    timeoutMsg: `the reading position was not kept: ${JSON.stringify(await reading())}; post ${DEEP_POST} at ${await topOf(DEEP_POST)}px`,
  });
  assert.deepEqual(await reading(), { thread: Number(threadId), post: DEEP_POST, offset, open: true });
  // ...which WebKit writes to disk within about a second (its storage sync interval).
  await browser.pause(2_500);
  shot("restart-before");

  // Close as the window's close button would: the app exits by itself.
  execFileSync("python3", [closeWindowTool, appWindow()]);
  await browser.waitUntil(
    () => {
      try {
        return execFileSync("xdotool", ["search", "--onlyvisible", "--name", "Threadmark"], { encoding: "utf8" }).trim() === "";
      } catch {
        return true; // xdotool exits 1 when nothing matches
      }
    },
    { timeout: 10_000, timeoutMsg: "the window did not close" },
  );
  await browser.deleteSession().catch(() => {});
  browser = null;

  await start();
  assert.deepEqual(geometry(), rect, "the window is back at its size and place");
  assert.deepEqual(await browser.execute(() => [window.innerWidth, window.innerHeight]), [rect.width, rect.height]);
  // The same thread, the same post, the same pixel of it at the top of the window.
  await browser.$(`li.post[data-post-id="${DEEP_POST}"] .post-body:not(.post-body--pending)`).waitForExist({ timeout: 20_000 });
  await browser.waitUntil(async () => Math.abs((await topOf(DEEP_POST)) + offset) <= 1, {
    timeout: 10_000,
    timeoutMsg: `post ${DEEP_POST} is not ${offset}px above the window's top (it is at ${await topOf(DEEP_POST)}px; kept: ${JSON.stringify(await reading())})`,
  });
  // And it stays there once the posts around it are measured.
  await stillFor(600);
  assert.ok(Math.abs((await topOf(DEEP_POST)) + offset) <= 1, `post ${DEEP_POST} moved to ${await topOf(DEEP_POST)}px`);
  assert.equal(await browser.execute(() => location.hash), `#/thread/${threadId}?post=${DEEP_POST}`);
  // A freshly started webview paints a moment after its layout is done.
  await browser.pause(1_500);
  shot("restart-after");
});

test("a new size is kept even when the app ends without a close event", async () => {
  assert.ok(browser, "the app from the test before is running");
  const rect = { x: 40, y: 30, width: 1000, height: 700 };
  await place(rect);
  await settle();
  // Ending the session kills the app: no close request, no exit event.
  await browser.deleteSession();
  browser = null;

  await start();
  assert.deepEqual(geometry(), rect);
  // Leave the app as the other tests expect it: in the library.
  await browser.execute(() => {
    location.hash = "#/";
  });
  await browser.$(".thread-row").waitForDisplayed({ timeout: 10_000 });
});
