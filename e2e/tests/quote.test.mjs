// Quotes in the real window, on the seed thread (a plain-text dump: posts have numbers,
// not authors). Post 156 quotes three passages: two of post 1 (the article's
// excerpts) and one of post 155. This test goes to post 156, checks the quote links
// and "quoted by N" on the sources, opens the quote-versus-reply view with q, steps
// through the three quotes, and comes back with Escape to the same place. It leaves
// screenshots of the view in the light and the dark theme beside E2E_SCREENSHOT
// (quote-light.png, quote-dark.png).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { after, before, test } from "node:test";
import { appSession } from "../session.mjs";

const application = process.env.E2E_APP;
const threadId = process.env.E2E_THREAD_ID;
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const REPLY = "156";
// What post 156 quotes, in order: [source post, words of the quoted span].
const QUOTES = [
  ["1", "For many years, Chinese companies are used to others doing technological innovation"],
  ["1", "this is something that has been created through the tireless efforts"],
  ["155", "If CCP is involved in a big way"],
];

let browser;

before(async () => {
  for (const [name, value] of Object.entries({ E2E_APP: application, E2E_THREAD_ID: threadId })) {
    if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  }
  browser = await appSession(application);
});

after(async () => {
  await browser?.deleteSession();
});

async function shot(step) {
  if (!process.env.DISPLAY) return;
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await browser.pause(300);
  execFileSync("import", ["-window", "root", screenshot.replace(/(\.png)?$/, `-${step}.png`)]);
}

const post = (id) => browser.$(`li.post[data-post-id="${id}"]`);
const focusedPost = () => browser.execute(() => document.activeElement?.closest?.(".post")?.dataset.postId ?? null);

/** The labels of the quote links drawn in a post (from data-label: no text nodes). */
const quoteLinks = (id) =>
  browser.execute((id) => [...document.querySelectorAll(`li.post[data-post-id="${id}"] .post-body blockquote > .quote-link`)].map((b) => b.dataset.label), id);

/** What the view shows: position, title, and the marked spans of both columns. */
const viewState = () =>
  browser.execute(() => {
    const dialog = document.querySelector("dialog.quote-view[open]");
    if (!dialog) return null;
    const text = (selector) => [...dialog.querySelectorAll(selector)].map((m) => m.textContent).join("");
    return {
      position: dialog.querySelector(".quote-view-position")?.textContent ?? "",
      title: dialog.querySelector(".quote-view-title")?.textContent ?? "",
      sourceLabel: dialog.querySelector(".quote-view-source .quote-view-label")?.textContent ?? "",
      replyLabel: dialog.querySelector(".quote-view-reply .quote-view-label")?.textContent ?? "",
      sourceMark: text(".quote-view-source mark.quote-span"),
      replyMark: text(".quote-view-reply mark.quote-span--reply"),
      // Both columns side by side, each showing its mark.
      columns: [...dialog.querySelectorAll(".quote-view-col")].map((c) => {
        const r = c.getBoundingClientRect();
        const m = c.querySelector("mark")?.getBoundingClientRect();
        return { left: r.left, width: r.width, markVisible: Boolean(m && m.top >= r.top && m.bottom <= r.bottom) };
      }),
    };
  });

async function waitForQuote(n) {
  await browser.waitUntil(async () => {
    const state = await viewState();
    const [source] = QUOTES[n - 1];
    return state?.position === `Quote ${n} of ${QUOTES.length}` && state.sourceLabel.includes(`#${source}`) && state.sourceMark.length > 0;
  }, { timeout: 10_000, timeoutMsg: `the view did not show quote ${n}` });
  return viewState();
}

function assertQuote(state, n) {
  const [source, words] = QUOTES[n - 1];
  assert.equal(state.title, `post #${REPLY} quoting post #${source}`);
  assert.match(state.sourceLabel, new RegExp(`^Quoted post · post #${source}$`));
  assert.match(state.replyLabel, new RegExp(`^Reply · post #${REPLY}$`));
  assert.ok(state.sourceMark.includes(words), `source mark ${JSON.stringify(state.sourceMark)} holds “${words}”`);
  assert.ok(state.replyMark.includes(words), `reply mark ${JSON.stringify(state.replyMark)} holds “${words}”`);
  const [left, right] = state.columns;
  assert.ok(left.left + left.width <= right.left + 1, "the source is beside the reply, left of it");
  assert.ok(left.markVisible && right.markVisible, "both marks are scrolled into their column");
}

/** Sets the theme with the app's own switch (t: system → light → dark). */
async function setTheme(wanted) {
  const theme = () => browser.execute(() => document.documentElement.dataset.theme ?? "system");
  for (let i = 0; i < 3 && (await theme()) !== wanted; i++) await browser.keys("t");
  assert.equal(await theme(), wanted);
}

test("post 156 of the seed: quote links, quoted by N, the quote-versus-reply view and back", async () => {
  await browser.$(".topbar").waitForDisplayed({ timeout: 30_000 });
  // Straight to the post, as a search result or a link would open it.
  await browser.execute((thread, reply) => {
    location.hash = `#/thread/${thread}?post=${reply}`;
  }, threadId, REPLY);
  await (await post(REPLY)).waitForDisplayed({ timeout: 20_000 });
  await browser.waitUntil(async () => (await focusedPost()) === REPLY, { timeout: 10_000, timeoutMsg: "post 156 is not focused" });

  // Each quote block links to its source; the seed has no authors, so posts go by number.
  await browser.waitUntil(async () => (await quoteLinks(REPLY)).length === 3, { timeout: 10_000, timeoutMsg: "quote links missing" });
  assert.deepEqual(await quoteLinks(REPLY), ["quoting post #1", "quoting post #1", "quoting post #155"]);
  // Post 155, just above, is quoted once.
  assert.equal(await (await post("155")).$(".quoted-by").getAttribute("data-label"), "quoted by 1");

  await setTheme("light");
  const scrollBefore = await browser.execute(() => window.scrollY);
  await browser.keys("q");
  assertQuote(await waitForQuote(1), 1);
  await shot("quote-light-1");
  await browser.keys("ArrowRight");
  assertQuote(await waitForQuote(2), 2);
  await browser.keys("ArrowRight");
  const third = await waitForQuote(3);
  assertQuote(third, 3);
  await shot("quote-light");
  // The last quote is the last: → stays, ← goes back.
  await browser.keys("ArrowRight");
  assert.equal((await viewState()).position, "Quote 3 of 3");
  await browser.keys("ArrowLeft");
  assertQuote(await waitForQuote(2), 2);

  await browser.keys("Escape");
  await browser.$("dialog.quote-view").waitForExist({ reverse: true, timeout: 5_000 });
  assert.equal(await focusedPost(), REPLY, "focus is back on the reply");
  assert.equal(await browser.execute(() => window.scrollY), scrollBefore, "the thread did not move");

  // The same view in the dark theme, on the quote of post 155.
  await setTheme("dark");
  await browser.keys("q");
  await waitForQuote(1);
  await shot("quote-dark-1");
  await browser.keys("ArrowRight");
  await browser.keys("ArrowRight");
  assertQuote(await waitForQuote(3), 3);
  await shot("quote-dark");
  await browser.keys("Escape");
  await browser.$("dialog.quote-view").waitForExist({ reverse: true, timeout: 5_000 });
  assert.equal(await focusedPost(), REPLY);
});

test("“quoted by N” on a source lists the replies; choosing one opens the view on that quote", async () => {
  const source = await post("155");
  const toggle = await source.$(".quoted-by");
  // Clear of the sticky top bar, then clicked.
  await browser.execute((el) => el.scrollIntoView({ block: "center" }), toggle);
  await toggle.click();
  const reply = await source.$(".quoted-by-list .quoted-by-reply");
  await reply.waitForDisplayed({ timeout: 10_000 });
  assert.match(await reply.getText(), /^post #156: “If CCP is involved in a big way/);
  await reply.click();
  assertQuote(await waitForQuote(3), 3);
  await browser.keys("Escape");
  await browser.$("dialog.quote-view").waitForExist({ reverse: true, timeout: 5_000 });

  // Post 1, the article, is quoted twice by 156.
  await browser.keys("Home");
  const first = await post("1");
  await first.waitForDisplayed({ timeout: 10_000 });
  await browser.waitUntil(async () => (await first.$(".quoted-by").isExisting()), { timeout: 10_000, timeoutMsg: "post 1 shows no “quoted by”" });
  assert.equal(await first.$(".quoted-by").getAttribute("data-label"), "quoted by 2");
  // Back to the system theme and the library for the tests that follow.
  await setTheme("system");
  await browser.keys("Escape");
  await browser.$(".thread-row").waitForDisplayed({ timeout: 10_000 });
});
