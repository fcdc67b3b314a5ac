// Accessibility in the real window (WebKitGTK): the nested Hacker News thread walked
// by keyboard alone, reading what a screen reader would be given for each post, and a
// highlight made and labelled without a mouse (then deleted, for the other tests).
//
// Names and roles are read through WebDriver's Get Computed Role / Get Computed Label
// (WebKit computes them from its accessibility tree) when the driver supports those
// commands; if it answers "unknown command", the test says so on stderr and reads the
// ARIA attributes the names are computed from instead. Either way it fails on a wrong
// role, level, place among siblings, expanded state or name.
//
// Needs scripts/e2e.sh (E2E_APP, E2E_NESTED_ID).

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { appSession } from "../session.mjs";

const application = required("E2E_APP");
const nestedId = required("E2E_NESTED_ID");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  return value;
}

let browser;
/** Whether the driver computes roles and labels itself (null until tried). */
let computed = null;

before(async () => {
  browser = await appSession(application);
});

after(async () => {
  await browser?.deleteSession();
});

/** The focused element as a screen reader gets it: role and name, plus the ARIA state. */
async function focusedPost() {
  const element = await browser.execute(() => document.activeElement);
  const el = await browser.$(element);
  const state = await browser.execute(
    (e) => ({
      id: e.dataset.postId ?? null,
      author: e.querySelector(".post-author")?.textContent ?? null,
      role: e.getAttribute("role"),
      label: e.getAttribute("aria-label"),
      level: Number(e.getAttribute("aria-level")),
      posinset: Number(e.getAttribute("aria-posinset")),
      setsize: Number(e.getAttribute("aria-setsize")),
      expanded: e.getAttribute("aria-expanded"),
      replies: Number(e.dataset.replies),
    }),
    el,
  );
  if (computed !== false) {
    try {
      state.computedRole = await el.getComputedRole();
      state.computedLabel = await el.getComputedLabel();
      computed = true;
    } catch (error) {
      if (computed === true) throw error;
      computed = false;
      process.stderr.write(`a11y e2e: WebKitWebDriver has no computed role/label here (${String(error).split("\n")[0]}); reading ARIA attributes instead\n`);
    }
  }
  return state;
}

test("the nested thread walked by keyboard: each post a treeitem named with its author, place and parent", async () => {
  await browser.execute((id) => {
    location.hash = `#/thread/${id}`;
  }, nestedId);
  await browser.$(".post").waitForDisplayed({ timeout: 20_000 });
  assert.equal(await browser.execute(() => document.querySelector("ol.posts")?.getAttribute("role")), "tree");

  await browser.keys("j");
  const root = await focusedPost();
  assert.equal(root.role, "treeitem");
  assert.equal(root.level, 1);
  assert.ok(root.replies > 0);
  assert.equal(root.expanded, "true");
  assert.match(root.label, new RegExp(`^${reEscape(root.author)}, original poster, post 1 of ${root.setsize}`));
  if (computed) {
    assert.equal(root.computedRole, "treeitem");
    assert.equal(root.computedLabel, root.label);
  }

  // Down the first replies: each one level deeper, a reply to the post before it.
  let parent = root;
  for (let step = 0; step < 3; step++) {
    await browser.keys("ArrowDown");
    const post = await focusedPost();
    assert.equal(post.role, "treeitem");
    assert.equal(post.level, parent.level + 1, `post ${post.id} is a reply to ${parent.id}`);
    assert.equal(post.posinset, 1, "the first reply");
    assert.match(post.label, new RegExp(`^${reEscape(post.author)}(, original poster)?, reply 1 of ${post.setsize} to ${reEscape(parent.author)}`));
    assert.equal(post.expanded, post.replies > 0 ? "true" : null);
    if (computed) {
      assert.equal(post.computedRole, "treeitem");
      assert.equal(post.computedLabel, post.label);
    }
    if (post.replies === 0) break;
    parent = post;
  }

  // ← goes up to the parent, → back down; on a post with replies ← folds it, and the
  // live region says so.
  let here = await focusedPost();
  if (here.replies === 0) {
    await browser.keys("ArrowLeft");
    here = await focusedPost();
    assert.equal(here.id, parent.id, "← on a reply without replies goes to its parent");
  }
  await browser.keys("ArrowLeft");
  const folded = await focusedPost();
  assert.equal(folded.id, here.id, "← on an open post with replies folds it");
  assert.equal(folded.expanded, "false");
  assert.match(folded.label, /(reply|replies) hidden$/);
  await browser.waitUntil(async () => /^Collapsed: \d+ repl/.test(await browser.execute(() => document.getElementById("announcer")?.textContent ?? "")), {
    timeout: 5_000,
    timeoutMsg: "the live region announces the collapse",
  });
  if (computed) assert.equal(folded.computedLabel, folded.label);
  await browser.keys("ArrowRight");
  assert.equal((await focusedPost()).expanded, "true");
  process.stderr.write(`a11y e2e: names read through ${computed ? "WebDriver's computed label and role" : "ARIA attributes"}; e.g. “${folded.label}”\n`);
});

test("a highlight made and labelled with the keyboard alone in WebKitGTK, then deleted", async () => {
  const start = await focusedPost();
  await browser.keys("v");
  const selected = () => browser.execute(() => window.getSelection()?.toString() ?? "");
  const first = await selected();
  assert.ok(first.length > 0, "v selects the post's first word");
  await browser.keys("ArrowRight");
  const second = await selected();
  await browser.keys(["Shift", "ArrowRight"]);
  await browser.keys(["Shift"]);
  const both = await selected();
  assert.ok(both.startsWith(second) && both.length > second.length, `Shift+→ extends “${second}” to “${both}”`);
  await browser.$(".hl-toolbar").waitForDisplayed({ timeout: 5_000 });
  await browser.keys("1");
  const mark = await browser.$(`.post[data-post-id="${start.id}"] mark.hl`);
  await mark.waitForExist({ timeout: 10_000 });
  assert.equal(await mark.getText(), both);
  const after = await focusedPost();
  assert.match(after.label, /, 1 highlight$/);
  if (computed) assert.equal(after.computedLabel, after.label);

  // Delete it again from its menu, by keyboard.
  await browser.execute((m) => m.focus(), mark);
  await browser.keys("Enter");
  await browser.$(".hl-menu").waitForDisplayed({ timeout: 5_000 });
  await browser.execute(() => [...document.querySelectorAll(".hl-menu button")].find((b) => b.textContent === "Delete")?.focus());
  await browser.keys("Enter");
  await browser.waitUntil(async () => (await browser.$$(`.post[data-post-id="${start.id}"] mark.hl`).length) === 0, { timeout: 10_000 });
});

function reEscape(text) {
  return (text ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
