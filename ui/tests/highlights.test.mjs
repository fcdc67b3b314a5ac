// Highlighting in the built frontend (ui/dist), headless Chromium, Tauri IPC mocked
// with a small in-page library of highlights, labels and links that behaves like the
// core (code-point offsets, undo of a delete, orphans, re-attach).
//
// Run: npm run build && npm run test:ui   (scripts/ui-test.sh does both)

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startApp, stopApp } from "./serve.mjs";
import { assertAccessible } from "./axe.mjs";
import { callsOf, mockIpc } from "./ipc-mock.mjs";

const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";

const LABELS = [
  { id: 1, name: "Claim", color: "#e0a100", shortcut: "1", position: 0 },
  { id: 2, name: "Evidence", color: "#2f9e44", shortcut: "2", position: 1 },
  { id: 3, name: "Rebuttal", color: "#e03131", shortcut: "3", position: 2 },
  { id: 4, name: "Question", color: "#1c7ed6", shortcut: "4", position: 3 },
  { id: 5, name: "Concession", color: "#9c36b5", shortcut: "5", position: 4 },
];

// Post 2 holds an emoji before the text to highlight: UTF-16 and code points differ.
const POSTS = [
  { id: 1, sourceId: "1", parent: null, position: 0, depth: 0, author: "ada", createdAt: 1_730_000_000, html: "<p>Local-first apps keep one file per library.</p>\n\n<p>Backups are a copy of that file.</p>", deleted: false },
  { id: 2, sourceId: "2", parent: "1", position: 1, depth: 1, author: "bob", createdAt: 1_730_000_100, html: "<p>🎉 Copies taken while writing can be torn, so use the backup API.</p>", deleted: false },
  { id: 3, sourceId: "3", parent: null, position: 2, depth: 0, author: "cy", createdAt: 1_730_000_200, html: "<p>WAL mode lets readers and a writer work at once.</p>", deleted: false },
];

const ORPHAN = {
  id: 50, uuid: "u-50", post: "9", exact: "a sentence that was edited away", prefix: "", suffix: "", start: 0, end: 31,
  label: "Question", note: "Was this ever answered?", noteHtml: "<p>Was this ever answered?</p>", tags: ["open"], state: "orphaned", createdAt: 1, updatedAt: 1,
};

function setup(data, ipc) {
  let next = 100;
  const textOf = (post) => new DOMParser().parseFromString(post.html, "text/html").body.textContent ?? "";
  const cps = (s) => [...s];
  const state = { labels: data.labels, highlights: data.highlights, links: [] };
  const stored = (h) => ({ ...h, noteHtml: h.note ? `<p>${h.note.replace(/[<>&]/g, "")}</p>` : "" });
  async function answer(cmd, args) {
    {
      const find = (id) => {
        const h = state.highlights.find((x) => x.id === id);
        if (!h) throw { kind: "not_found", message: `no highlight ${id}` };
        return h;
      };
      switch (cmd) {
        case "list_threads":
          return [{ id: 7, title: "Backups of a local-first library", source: "text", url: null, posts: 3, highlights: 1, importedAt: 1_730_000_000, lastOpenedAt: null }];
        case "library_info":
          return { path: "/tmp/library.sqlite3" };
        case "open_thread":
          return {
            thread: { id: 7, title: "Backups of a local-first library", source: "text", url: null, posts: 3, highlights: 1, importedAt: 1_730_000_000, lastOpenedAt: null },
            outline: data.posts.map(({ sourceId, parent, depth, author, deleted }) => ({ sourceId, parent, depth, author, deleted })),
          };
        case "thread_posts":
          return data.posts.slice(args.offset, args.offset + args.limit);
        case "thread_quotes":
        case "quoted_by":
          return [];
        case "labels":
          return state.labels;
        case "thread_highlights":
          return { highlights: state.highlights, links: state.links };
        case "add_highlight": {
          const post = data.posts.find((p) => p.sourceId === args.post);
          const chars = cps(textOf(post));
          if (args.start >= args.end || args.end > chars.length) throw { kind: "bad_input", message: "the selection is outside the post" };
          const h = stored({
            id: next++, uuid: `u-${next}`, post: args.post, exact: chars.slice(args.start, args.end).join(""), prefix: "", suffix: "",
            start: args.start, end: args.end, label: args.label, note: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1,
          });
          state.highlights.push(h);
          return h;
        }
        case "set_highlight_label": {
          const h = find(args.id);
          h.label = args.label;
          return h;
        }
        case "set_highlight_note": {
          const h = find(args.id);
          Object.assign(h, stored({ ...h, note: args.note, tags: args.tags }));
          return h;
        }
        case "delete_highlight": {
          const h = find(args.id);
          state.highlights = state.highlights.filter((x) => x !== h);
          const links = state.links.filter((l) => l.from === h.id || l.to === h.id);
          state.links = state.links.filter((l) => !links.includes(l));
          return { threadId: 7, highlight: h, links };
        }
        case "undelete_highlight":
          state.highlights.push(args.deleted.highlight);
          state.links.push(...args.deleted.links);
          return args.deleted.highlight;
        case "reattach_highlight": {
          const h = find(args.id);
          const post = data.posts.find((p) => p.sourceId === args.post);
          Object.assign(h, { post: args.post, start: args.start, end: args.end, exact: cps(textOf(post)).slice(args.start, args.end).join(""), state: "anchored" });
          return h;
        }
        case "add_link": {
          const link = { id: next++, uuid: `l-${next}`, from: args.from, to: args.to, kind: args.kind, createdAt: 1 };
          state.links.push(link);
          return link;
        }
        case "delete_link":
          state.links = state.links.filter((l) => l.id !== args.id);
          return null;
        case "update_label": {
          const l = state.labels.find((x) => x.id === args.id);
          for (const h of state.highlights.filter((x) => x.label === l.name)) h.label = args.label.name;
          Object.assign(l, { name: args.label.name, color: args.label.color.toLowerCase(), shortcut: args.label.shortcut });
          return l;
        }
        case "add_label": {
          const l = { id: next++, name: args.label.name, color: args.label.color, shortcut: args.label.shortcut, position: state.labels.length };
          state.labels.push(l);
          return l;
        }
        case "label_usage":
          return state.highlights.filter((h) => h.label === state.labels.find((l) => l.id === args.id)?.name).length;
        case "delete_label": {
          const gone = state.labels.find((l) => l.id === args.id);
          const to = state.labels.find((l) => l.id === args.moveTo);
          for (const h of state.highlights.filter((x) => x.label === gone.name)) h.label = args.then === "move" ? to.name : null;
          state.labels = state.labels.filter((l) => l !== gone);
          return 0;
        }
        case "take_links":
          return (data.links ?? []).splice(0);
        case "reorder_labels":
          state.labels = args.ids.map((id, i) => ({ ...state.labels.find((l) => l.id === id), position: i }));
          return state.labels;
        default:
          return null;
      }
    }
  }
  return answer;
}

let server;
let browser;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

/** `zoom` 2 is the app at 200%: half the CSS pixels, each drawn twice as large. */
async function openThread({ colorScheme = "light", highlights = [], links = [], zoom = 1, reducedMotion = "no-preference" } = {}) {
  const viewport = { width: Math.round(1200 / zoom), height: Math.round(800 / zoom) };
  const context = await browser.newContext({ colorScheme, viewport, deviceScaleFactor: zoom, reducedMotion });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await mockIpc(page, setup, { labels: structuredClone(LABELS), posts: POSTS, highlights: structuredClone(highlights), links });
  await page.goto(`${baseUrl}#/thread/7`);
  await page.locator('.post[data-post-id="2"] .post-body').waitFor();
  return { page, problems, close: () => context.close() };
}

/** Selects `text` inside post `post` (as a user's drag would). */
async function select(page, post, text, endPost = null, endText = null) {
  await page.evaluate(
    ([post, text, endPost, endText]) => {
      const locate = (id, needle) => {
        const body = document.querySelector(`.post[data-post-id="${id}"] .post-body`);
        const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const at = n.data.indexOf(needle);
          if (at >= 0) return [n, at];
        }
        throw new Error(`${needle} not in post ${id}`);
      };
      const [a, at] = locate(post, text);
      const range = document.createRange();
      range.setStart(a, at);
      if (endPost) {
        const [b, bt] = locate(endPost, endText);
        range.setEnd(b, bt + endText.length);
      } else range.setEnd(a, at + text.length);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    },
    [post, text, endPost, endText],
  );
}

const calls = callsOf;

describe("highlighting", () => {
  test("a selection shows the toolbar; a label key marks it at once, in code points", async () => {
    const { page, problems, close } = await openThread();
    await select(page, "2", "torn, so use the backup API");
    const bar = page.locator(".hl-toolbar");
    await bar.waitFor();
    assert.deepEqual(await bar.locator(".hl-tool[data-label]").allTextContents(), ["Claim1", "Evidence2", "Rebuttal3", "Question4", "Concession5"]);
    await page.screenshot({ path: path.join(screenshots, "threadmark-hl-toolbar-light.png") });
    await page.keyboard.press("2");
    const mark = page.locator('.post[data-post-id="2"] mark.hl');
    await mark.waitFor();
    assert.equal(await mark.textContent(), "torn, so use the backup API");
    const [args] = await calls(page, "add_highlight");
    // "🎉 Copies taken while writing can be " is 36 code points (37 UTF-16 units).
    assert.deepEqual(args, { thread: 7, post: "2", start: 36, end: 63, label: "Evidence" });
    assert.equal(await mark.evaluate((m) => m.style.getPropertyValue("--hl")), "#2f9e44");
    // The post's text is unchanged by the mark.
    assert.equal(
      await page.locator('.post[data-post-id="2"] .post-body').textContent(),
      "🎉 Copies taken while writing can be torn, so use the backup API.",
    );
    assert.deepEqual(problems, []);
    await close();
  });

  test("a selection across two posts is refused with a message", async () => {
    const { page, close } = await openThread();
    await select(page, "1", "Backups are", "2", "Copies taken");
    const bar = page.locator(".hl-toolbar--refused");
    await bar.waitFor();
    assert.match(await bar.textContent(), /within one post/);
    await page.keyboard.press("1");
    assert.deepEqual(await calls(page, "add_highlight"), []);
    assert.equal(await page.locator("mark.hl").count(), 0);
    await close();
  });

  test("clicking a label in the toolbar, then the mark's menu: relabel, note, delete and undo", async () => {
    const { page, problems, close } = await openThread();
    await select(page, "3", "readers and a writer");
    await page.locator('.hl-toolbar .hl-tool[data-label="Claim"]').click();
    const mark = page.locator('.post[data-post-id="3"] mark.hl');
    await mark.waitFor();
    await mark.click();
    const menu = page.locator(".hl-menu");
    await menu.waitFor();
    await menu.locator(".hl-tool", { hasText: "Question" }).click();
    await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "set_highlight_label"));
    assert.equal(await mark.evaluate((m) => m.style.getPropertyValue("--hl")), "#1c7ed6");
    // Note and tags.
    await mark.click();
    await page.locator(".hl-menu .hl-tool", { hasText: "note" }).click();
    await page.locator("dialog textarea[name=note]").fill("Is **that** true for WAL2?");
    await page.locator("dialog input[name=tags]").fill("wal, sqlite");
    await page.locator("dialog button", { hasText: "Save" }).click();
    await page.locator("dialog").waitFor({ state: "detached" });
    const [note] = await calls(page, "set_highlight_note");
    assert.deepEqual(note.tags, ["wal", "sqlite"]);
    // Delete, then Undo from the toast.
    await mark.click();
    await page.locator(".hl-menu .hl-tool", { hasText: "Delete" }).click();
    await page.locator(".toast", { hasText: "Highlight deleted." }).waitFor();
    assert.equal(await page.locator("mark.hl").count(), 0);
    await page.locator(".toast .toast-action", { hasText: "Undo" }).click();
    await page.locator('.post[data-post-id="3"] mark.hl').waitFor();
    assert.equal((await calls(page, "undelete_highlight")).length, 1);
    assert.deepEqual(problems, []);
    await close();
  });

  test("the panel lists highlights in thread order, filters by label, jumps, and handles orphans", async () => {
    const highlights = [
      { id: 11, uuid: "a", post: "3", exact: "readers", prefix: "", suffix: "", start: 14, end: 21, label: "Claim", note: "", noteHtml: "", tags: ["wal"], state: "anchored", createdAt: 1, updatedAt: 1 },
      { id: 10, uuid: "b", post: "1", exact: "one file", prefix: "", suffix: "", start: 22, end: 30, label: "Evidence", note: "", noteHtml: "", tags: [], state: "moved", createdAt: 1, updatedAt: 1 },
      ORPHAN,
    ];
    for (const scheme of ["light", "dark"]) {
      const { page, problems, close } = await openThread({ colorScheme: scheme, highlights });
      await page.locator("mark.hl").first().waitFor();
      await page.keyboard.press("h");
      const panel = page.locator(".hl-panel");
      await panel.waitFor();
      // Thread order is the core's order (it sends them sorted); orphans apart.
      assert.deepEqual(await panel.locator(".hl-list:not(.hl-orphans) > .hl-item .hl-item-label").allTextContents(), ["Claim", "Evidence"]);
      assert.match(await panel.locator(".hl-orphans").textContent(), /edited away.*Was this ever answered\?/s);
      await page.screenshot({ path: path.join(screenshots, `threadmark-hl-panel-${scheme}.png`) });
      // The footer's key hints stay beside the panel, not under it.
      const [keysRight, panelLeft] = await page.evaluate(() => [
        document.querySelector(".statusbar-keys").getBoundingClientRect().right,
        document.querySelector(".hl-panel").getBoundingClientRect().left,
      ]);
      assert.ok(keysRight <= panelLeft + 1, `key hints end at ${keysRight}, the panel starts at ${panelLeft}`);
      await panel.locator(".hl-chip", { hasText: "Evidence" }).click();
      assert.deepEqual(await panel.locator(".hl-list:not(.hl-orphans) > .hl-item .hl-item-label").allTextContents(), ["Evidence"]);
      await panel.locator(".hl-item-quote", { hasText: "one file" }).click();
      await page.waitForFunction(() => document.activeElement?.matches?.('mark.hl[data-hl="10"]'));
      await panel.locator(".hl-chip", { hasText: "Evidence" }).click();
      // Re-attach the orphan to a new selection.
      await panel.locator(".hl-orphans .hl-tool", { hasText: "Re-attach" }).click();
      await select(page, "1", "Backups are a copy");
      await page.locator(".hl-toolbar .hl-tool", { hasText: "Re-attach here" }).click();
      await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "reattach_highlight"));
      const [re] = await calls(page, "reattach_highlight");
      assert.deepEqual(re, { id: 50, post: "1", start: 45, end: 63 });
      await page.locator('mark.hl[data-hl="50"]').waitFor();
      assert.equal(await panel.locator(".hl-orphans").count(), 0);
      assert.deepEqual(problems, []);
      await close();
    }
  });

  test("links show at both ends and group the argument map by claim", async () => {
    const highlights = [
      { id: 11, uuid: "a", post: "3", exact: "readers", prefix: "", suffix: "", start: 14, end: 21, label: "Claim", note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1 },
      { id: 12, uuid: "c", post: "2", exact: "torn", prefix: "", suffix: "", start: 36, end: 40, label: "Evidence", note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1 },
    ];
    for (const scheme of ["light", "dark"]) {
      const { page, problems, close } = await openThread({ colorScheme: scheme, highlights });
      // A highlighted post with the selection toolbar over it, for the screenshots.
      await page.locator('mark.hl[data-hl="12"]').waitFor();
      await select(page, "2", "use the backup API");
      await page.locator(".hl-toolbar").waitFor();
      await page.screenshot({ path: path.join(screenshots, `threadmark-hl-toolbar-marked-${scheme}.png`) });
      await page.keyboard.press("Escape");
      await page.evaluate(() => window.getSelection()?.removeAllRanges());
      await page.locator('mark.hl[data-hl="12"]').click();
      await page.locator(".hl-menu .hl-tool", { hasText: "Link to" }).click();
      await page.locator("dialog select[name=kind]").selectOption("supports");
      await page.locator("dialog select[name=target]").selectOption("11");
      await page.locator("dialog button", { hasText: "Link" }).click();
      await page.locator("dialog").waitFor({ state: "detached" });
      await page.locator('mark.hl[data-hl="11"]').click();
      assert.match(await page.locator(".hl-menu .hl-links").textContent(), /supported by “torn”/);
      await page.keyboard.press("Escape");
      await page.keyboard.press("m");
      const map = page.locator(".hl-panel .map-claim");
      await map.waitFor();
      assert.match(await map.textContent(), /readers.*Supported by.*torn/s);
      await page.screenshot({ path: path.join(screenshots, `threadmark-hl-map-${scheme}.png`) });
      assert.deepEqual(problems, []);
      await close();
    }
  });

  test("the labels editor renames, refuses a taken key, and asks what becomes of a deleted label's highlights", async () => {
    const highlights = [{ id: 11, uuid: "a", post: "3", exact: "readers", prefix: "", suffix: "", start: 14, end: 21, label: "Claim", note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1 }];
    for (const scheme of ["light", "dark"]) {
      const { page, close } = await openThread({ colorScheme: scheme, highlights });
      await page.locator("mark.hl").first().waitFor();
      await page.keyboard.press("l");
      const dialog = page.locator("dialog.dialog--labels");
      await dialog.locator(".labels-row").first().waitFor();
      await page.screenshot({ path: path.join(screenshots, `threadmark-hl-labels-${scheme}.png`) });
      if (scheme === "dark") {
        await close();
        continue;
      }
      const name = dialog.locator('.labels-row[data-label-id="1"] input[name=name]');
      await name.fill("Thesis");
      await name.press("Enter");
      await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "update_label"));
      const key = dialog.locator('.labels-row[data-label-id="2"] input[name=key]');
      await key.fill("j");
      await key.press("Enter");
      assert.match(await dialog.locator(".dialog-error").textContent(), /already a Threadmark key/);
      await dialog.locator('.labels-row[data-label-id="1"] button[name=delete]').click();
      const ask = page.locator("dialog", { hasText: "What becomes of it?" });
      await ask.waitFor();
      await ask.locator("select[name=moveTo]").selectOption("4");
      await ask.locator("button", { hasText: "Delete label" }).click();
      await page.waitForFunction(() => window.__calls.some((c) => c.cmd === "delete_label"));
      const [del] = await calls(page, "delete_label");
      assert.deepEqual(del, { id: 1, then: "move", moveTo: 4 });
      await close();
    }
  });
});

describe("accessibility", () => {
  const marked = [
    { id: 11, uuid: "a", post: "3", exact: "readers", prefix: "", suffix: "", start: 14, end: 21, label: "Claim", note: "", noteHtml: "", tags: ["wal"], state: "anchored", createdAt: 1, updatedAt: 1 },
    { id: 12, uuid: "c", post: "2", exact: "torn", prefix: "", suffix: "", start: 36, end: 40, label: "Evidence", note: "A **torn** copy", noteHtml: "<p>A <strong>torn</strong> copy</p>", tags: [], state: "anchored", createdAt: 1, updatedAt: 1 },
    ORPHAN,
  ];
  const focused = (page) => page.evaluate(() => {
    const a = document.activeElement;
    return a === document.body ? "body" : (a?.id || a?.className || a?.tagName);
  });

  for (const scheme of ["light", "dark"]) {
    test(`axe finds no WCAG A/AA violation with highlights, the toolbar, the menu, the dialogs and the panel, in ${scheme}`, async () => {
      const { page, problems, close } = await openThread({ colorScheme: scheme, highlights: marked });
      try {
        await page.locator('mark.hl[data-hl="12"]').waitFor();
        await assertAccessible(page, `a thread with highlights (${scheme})`);
        await select(page, "1", "Backups are a copy");
        await page.locator(".hl-toolbar").waitFor();
        await assertAccessible(page, `the selection toolbar (${scheme})`);
        await page.keyboard.press("Escape");
        await page.locator('mark.hl[data-hl="12"]').click();
        await page.locator(".hl-menu").waitFor();
        await assertAccessible(page, `the highlight's menu (${scheme})`);
        await page.locator(".hl-menu .hl-tool", { hasText: "note" }).click();
        await page.locator("dialog[open] textarea[name=note]").waitFor();
        await assertAccessible(page, `the note dialog (${scheme})`);
        await page.keyboard.press("Escape");
        await page.locator("dialog").waitFor({ state: "detached" });
        await page.keyboard.press("h");
        await page.locator(".hl-panel .hl-orphans").waitFor();
        await assertAccessible(page, `the highlights panel (${scheme})`);
        await page.keyboard.press("m");
        await page.locator(".hl-panel .map-claim").waitFor();
        await assertAccessible(page, `the argument map (${scheme})`);
        await page.keyboard.press("Escape");
        await page.keyboard.press("l");
        await page.locator("dialog.dialog--labels .labels-row").first().waitFor();
        await assertAccessible(page, `the labels editor (${scheme})`);
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }

  test("the thread is a tree: levels, places among siblings, expanded state and names", async () => {
    const { page, close } = await openThread({ highlights: marked });
    try {
      await page.locator('mark.hl[data-hl="11"]').waitFor();
      assert.equal(await page.locator("ol.posts").getAttribute("role"), "tree");
      const items = await page.locator(".post").evaluateAll((els) =>
        els.map((e) => [e.getAttribute("role"), e.getAttribute("aria-level"), e.getAttribute("aria-posinset"), e.getAttribute("aria-setsize"), e.getAttribute("aria-expanded"), e.getAttribute("aria-label")]),
      );
      assert.deepEqual(items, [
        ["treeitem", "1", "1", "2", "true", "ada, original poster, post 1 of 2"],
        ["treeitem", "2", "1", "1", null, "bob, reply 1 of 1 to ada, 1 highlight"],
        ["treeitem", "1", "2", "2", null, "cy, post 2 of 2, 1 highlight"],
      ]);
      // Described by its body; one post in the tab order.
      assert.equal(await page.locator('.post[data-post-id="2"]').getAttribute("aria-describedby"), "post-body-2");
      assert.equal(await page.locator('.post[tabindex="0"]').count(), 1);
      // ← on a post with replies folds it (said in the live region), → opens it again.
      await page.keyboard.press("j");
      await page.keyboard.press("ArrowLeft");
      assert.equal(await page.locator('.post[data-post-id="1"]').getAttribute("aria-expanded"), "false");
      assert.equal(await page.locator('.post[data-post-id="1"]').getAttribute("aria-label"), "ada, original poster, post 1 of 2, 1 reply hidden");
      await page.waitForFunction(() => document.getElementById("announcer")?.textContent === "Collapsed: 1 reply hidden");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.postId), "2", "→ on an open post goes to its first reply");
      await page.keyboard.press("ArrowLeft");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.postId), "1", "← on a leaf goes to its parent");
    } finally {
      await close();
    }
  });

  test("a highlight made and labelled with the keyboard alone (selection mode)", async () => {
    const { page, problems, close } = await openThread();
    try {
      await page.keyboard.press("j");
      await page.keyboard.press("j");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.postId), "2");
      await page.keyboard.press("v");
      const selected = () => page.evaluate(() => window.getSelection()?.toString());
      assert.equal(await selected(), "Copies", "the first word (the emoji is no word)");
      await page.keyboard.press("ArrowRight");
      assert.equal(await selected(), "taken");
      await page.keyboard.press("Shift+ArrowRight");
      assert.equal(await selected(), "taken while");
      await page.keyboard.press("Shift+ArrowDown");
      assert.equal(await selected(), "taken while writing can be torn, so use the backup API.");
      await page.keyboard.press("Shift+ArrowLeft");
      assert.equal(await selected(), "taken while writing can be torn, so use the backup API", "shrinks by a word");
      await page.keyboard.press("ArrowLeft");
      assert.equal(await selected(), "Copies");
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("Shift+ArrowRight");
      await page.locator(".hl-toolbar").waitFor();
      await page.keyboard.press("2");
      await page.locator('.post[data-post-id="2"] mark.hl').waitFor();
      const [args] = await calls(page, "add_highlight");
      // "🎉 Copies " is 9 code points.
      assert.deepEqual(args, { thread: 7, post: "2", start: 9, end: 20, label: "Evidence" });
      assert.equal(await page.locator('.post[data-post-id="2"]').getAttribute("aria-label"), "bob, reply 1 of 1 to ada, 1 highlight");
      await page.waitForFunction(() => /Highlight added, labelled Evidence/.test(document.getElementById("announcer")?.textContent ?? ""));
      // The mode ended with the selection: arrows move between posts again.
      await page.keyboard.press("ArrowUp");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.postId), "1");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });

  test("the panel's focus: tabs with arrows, Escape closes it and focus goes back; the menu closes when Tab leaves it", async () => {
    const { page, problems, close } = await openThread({ highlights: marked });
    try {
      await page.locator('mark.hl[data-hl="11"]').waitFor();
      await page.keyboard.press("j");
      await page.keyboard.press("h");
      assert.equal(await focused(page), "hl-tab-list");
      assert.equal(await page.locator(".hl-panel-body").getAttribute("role"), "tabpanel");
      await page.keyboard.press("ArrowRight");
      assert.equal(await focused(page), "hl-tab-map", "the map's tab keeps the focus as the panel redraws");
      assert.equal(await page.locator("#hl-tab-map").getAttribute("aria-selected"), "true");
      assert.equal(await page.locator(".hl-panel-body").getAttribute("aria-labelledby"), "hl-tab-map");
      await page.keyboard.press("Home");
      assert.equal(await focused(page), "hl-tab-list");
      await page.keyboard.press("Escape");
      assert.equal(await page.locator(".hl-panel").isHidden(), true, "Escape closes the panel");
      assert.match(new URL(page.url()).hash, /^#\/thread\/7/, "and stays in the thread");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.postId), "1", "focus is back on the post");
      // The close button too.
      await page.keyboard.press("h");
      await page.locator(".hl-panel button[aria-label^=Close]").click();
      assert.notEqual(await focused(page), "body");
      // The menu: Tab past its last button closes it.
      await page.locator('mark.hl[data-hl="12"]').focus();
      await page.keyboard.press("Enter");
      await page.locator(".hl-menu").waitFor();
      const buttons = await page.locator(".hl-menu button").count();
      for (let i = 0; i < buttons; i++) await page.keyboard.press("Tab");
      await page.locator(".hl-menu").waitFor({ state: "detached" });
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("200% zoom", () => {
  for (const scheme of ["light", "dark"]) {
    test(`the panel reflows to a sheet below the thread, its close button on screen, in ${scheme}`, async () => {
      const highlights = [
        { id: 11, uuid: "a", post: "3", exact: "readers", prefix: "", suffix: "", start: 14, end: 21, label: "Claim", note: "", noteHtml: "", tags: ["wal"], state: "anchored", createdAt: 1, updatedAt: 1 },
        ORPHAN,
      ];
      const { page, problems, close } = await openThread({ colorScheme: scheme, highlights, zoom: 2 });
      try {
        await page.locator("mark.hl").first().waitFor();
        await page.screenshot({ path: path.join(screenshots, `threadmark-200-thread-${scheme}.png`) });
        await page.keyboard.press("h");
        await page.locator(".hl-panel .hl-orphans").waitFor();
        await page.screenshot({ path: path.join(screenshots, `threadmark-200-panel-${scheme}.png`) });
        const box = await page.evaluate(() => {
          const r = (sel) => document.querySelector(sel).getBoundingClientRect().toJSON();
          return { close: r(".hl-panel button[aria-label^=Close]"), panel: r(".hl-panel"), main: r("main"), width: innerWidth, height: innerHeight, scrollWidth: document.documentElement.scrollWidth, padding: parseFloat(getComputedStyle(document.querySelector("main")).paddingBottom) };
        });
        assert.ok(box.close.right <= box.width && box.close.left >= 0 && box.close.bottom <= box.height, `close button at ${JSON.stringify(box.close)}`);
        assert.ok(box.scrollWidth <= box.width, `no sideways scrolling (${box.scrollWidth} > ${box.width})`);
        // Narrow: the panel is a sheet along the bottom, the full width, and the thread
        // has room at its end to scroll every post clear of it (not hidden under it).
        assert.equal(box.panel.width, box.width);
        assert.equal(box.panel.bottom, box.height);
        assert.ok(box.padding >= box.panel.height, `the thread's end room ${box.padding} < the panel's ${box.panel.height}`);
        await assertAccessible(page, `the panel at 200% (${scheme})`);
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  }
});

describe("focus and the sticky bars", () => {
  test("a mark reached by Tab scrolls clear of the status bar", async () => {
    const highlights = [
      { id: 12, uuid: "c", post: "2", exact: "torn", prefix: "", suffix: "", start: 36, end: 40, label: "Evidence", note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1 },
    ];
    const { page, close } = await openThread({ highlights, zoom: 2 });
    try {
      const mark = page.locator('mark.hl[data-hl="12"]');
      await mark.waitFor();
      // The mark just under the status bar (room around the short thread to scroll it
      // there), then Tab onto it from the element before it.
      await page.evaluate(() => {
        document.querySelector("main").style.padding = "1000px 0";
        const m = document.querySelector('mark.hl[data-hl="12"]');
        window.scrollBy(0, m.getBoundingClientRect().top - (innerHeight - 20));
      });
      await page.locator('.post[data-post-id="2"] .collapse-toggle').focus({ preventScroll: true });
      await page.evaluate(() => {
        const m = document.querySelector('mark.hl[data-hl="12"]');
        window.scrollBy(0, m.getBoundingClientRect().top - (innerHeight - 20));
      });
      const [before, bar] = await page.evaluate(() => [
        document.querySelector('mark.hl[data-hl="12"]').getBoundingClientRect().top,
        document.querySelector(".statusbar").getBoundingClientRect().top,
      ]);
      assert.ok(before > bar, `the mark starts under the status bar (${before} > ${bar})`);
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.hl), "12");
      const [markBottom, barTop] = await page.evaluate(() => [
        document.querySelector('mark.hl[data-hl="12"]').getBoundingClientRect().bottom,
        document.querySelector(".statusbar").getBoundingClientRect().top,
      ]);
      assert.ok(markBottom <= barTop, `the mark ends at ${markBottom}, under the status bar at ${barTop}`);
    } finally {
      await close();
    }
  });
});

describe("fold what I have read (z)", () => {
  test("folds the branches read on screen and unhighlighted, keeps highlighted ones open, and the folds outlive a restart", async () => {
    const highlighted = [{ id: 12, uuid: "c", post: "2", exact: "torn", prefix: "", suffix: "", start: 36, end: 40, label: "Evidence", note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1 }];
    {
      const { page, close } = await openThread({ highlights: highlighted });
      try {
        await page.locator('mark.hl[data-hl="12"]').waitFor();
        await page.keyboard.press("z");
        assert.equal(await page.locator(".post--collapsed").count(), 0, "a branch with a highlight stays open");
        await page.waitForFunction(() => /^Nothing to fold/.test(document.getElementById("announcer")?.textContent ?? ""));
      } finally {
        await close();
      }
    }
    const { page, problems, close } = await openThread();
    try {
      await page.keyboard.press("z");
      // Every post was on screen: ada's branch (ada, bob's reply) folds; cy's post has no replies.
      assert.deepEqual(await page.locator(".post--collapsed").evaluateAll((els) => els.map((e) => e.dataset.postId)), ["1"]);
      assert.equal(await page.locator('.post[data-post-id="2"]').count(), 0);
      await page.waitForFunction(() => document.getElementById("announcer")?.textContent === "Folded 1 read branch: 1 reply hidden.");
      await page.reload();
      await page.locator('.post[data-post-id="1"]').waitFor();
      assert.deepEqual(await page.locator(".post--collapsed").evaluateAll((els) => els.map((e) => e.dataset.postId)), ["1"], "folded again after a restart");
      assert.equal(await page.locator('.post[data-post-id="1"]').getAttribute("aria-expanded"), "false");
      await page.keyboard.press("j");
      await page.keyboard.press(" ");
      await page.reload();
      await page.locator('.post[data-post-id="2"]').waitFor();
      assert.equal(await page.locator(".post--collapsed").count(), 0, "opened again, it stays open");
      assert.deepEqual(problems, []);
    } finally {
      await close();
    }
  });
});

describe("reduced motion", () => {
  test("the flash that shows a highlight jumped to runs only without prefers-reduced-motion", async () => {
    const highlights = [{ id: 11, uuid: "a", post: "3", exact: "readers", prefix: "", suffix: "", start: 14, end: 21, label: "Claim", note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1 }];
    for (const [reducedMotion, animation] of [["no-preference", "hl-flash"], ["reduce", "none"]]) {
      const { page, close } = await openThread({ highlights, reducedMotion });
      try {
        await page.locator("mark.hl").waitFor();
        await page.keyboard.press("h");
        await page.locator(".hl-item-quote", { hasText: "readers" }).click();
        await page.locator("mark.hl.hl--flash").waitFor();
        assert.equal(await page.locator("mark.hl").evaluate((m) => getComputedStyle(m).animationName), animation, reducedMotion);
      } finally {
        await close();
      }
    }
  });
});

// threadmark:// links (ui/src/links.ts): the app hands over links received at start
// (take_links); each shows its thread at the post and focuses the highlight.
const LIVE = {
  id: 51, uuid: "u-51", post: "3", exact: "readers and a writer", prefix: "", suffix: "", start: 14, end: 34,
  label: "Claim", note: "", noteHtml: "", tags: [], state: "anchored", createdAt: 1, updatedAt: 1,
};
const opened = (over) => ({ link: "threadmark://highlight/u", thread: 7, post: null, highlight: null, orphaned: false, error: null, ...over });

describe("threadmark:// links", () => {
  test("a highlight's link scrolls to its post and focuses its mark", async () => {
    const { page, problems, close } = await openThread({ highlights: [LIVE, ORPHAN], links: [opened({ post: "3", highlight: "u-51" })] });
    await page.waitForFunction(() => document.activeElement?.matches('mark.hl[data-hl="51"]'), null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => location.hash), "#/thread/7?post=3");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "readers and a writer");
    assert.deepEqual(problems, []);
    await close();
  });

  test("an orphan's link opens the panel at its Orphans entry", async () => {
    const { page, problems, close } = await openThread({ highlights: [LIVE, ORPHAN], links: [opened({ post: "9", highlight: "u-50", orphaned: true })] });
    await page.waitForFunction(() => document.activeElement?.matches('.hl-orphans [data-hl="50"]'), null, { timeout: 10_000 });
    assert.equal(await page.locator(".hl-panel").isVisible(), true);
    await page.screenshot({ path: path.join(screenshots, "threadmark-link-orphan.png") });
    assert.deepEqual(problems, []);
    await close();
  });

  test("a link to what the library does not hold is said, and the screen stays", async () => {
    const error = "threadmark://highlight/1b4e28ba-2fa1-11d2-883f-0016d3cca427: the highlight is not in this library";
    const { page, close } = await openThread({ highlights: [LIVE], links: [opened({ thread: null, error })] });
    const alert = page.locator(".toast--error");
    await alert.waitFor();
    assert.equal(await alert.locator(".toast-text").textContent(), error);
    assert.equal(await page.evaluate(() => location.hash), "#/thread/7");
    await close();
  });
});
