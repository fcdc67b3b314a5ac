// Seeing a thread in the built frontend (ui/dist), headless Chromium, Tauri IPC
// mocked: the argument graph in the side panel (keyboard alone: arrows along the
// links, Enter to the highlight), the thread map (a click moves the thread), the
// timeline (a bar filters the thread to its hour, a name to its author); axe on each,
// in both themes.
//
// Run: npm run build && node --test tests/seeing.test.mjs

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { startApp, stopApp } from "./serve.mjs";
import { callsOf } from "./ipc-mock.mjs";
import { assertAccessible } from "./axe.mjs";
import { T0, hl, openThread as openPage } from "./seeing-mock.mjs";

const screenshots = process.env.THREADMARK_SCREENSHOTS ?? "/tmp";

let server;
let browser;
let baseUrl;

before(async () => {
  ({ server, browser, baseUrl } = await startApp());
});

after(() => stopApp(server, browser));

const openThread = (options) => openPage(browser, baseUrl, options);

const focusedNode = (page) => page.evaluate(() => document.activeElement?.getAttribute("data-highlight") ?? document.activeElement?.className ?? null);
const calls = callsOf;

describe("argument graph", () => {
  for (const scheme of ["light", "dark"]) {
    test(`the keyboard moves along the links and Enter goes to the highlight (${scheme})`, async () => {
      const { page, problems, close } = await openThread({ colorScheme: scheme });
      await page.keyboard.press("m");
      await page.locator("#hl-tab-map[aria-selected=true]").waitFor();
      // g switches the map to the graph and focuses its first claim.
      await page.keyboard.press("g");
      await page.locator(".graph-node").first().waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute("data-highlight") === "uuid-1");
      assert.equal(await page.locator(".graph-node").count(), 6);
      assert.equal(await page.locator(".graph-edge").count(), 4);
      // Named by its visible text, described by its links.
      const claim = page.locator('.graph-node[data-highlight="uuid-1"]');
      assert.deepEqual(await claim.locator("text").allTextContents(), ["Claim", "Post 1 says", "ada"]);
      await page.getByRole("button", { name: /Claim\s*Post 1 says\s*ada/ }).waitFor();
      assert.equal(await claim.locator("desc").textContent(), "supports by “Post 5 says”; supports by “Post 9 says”; rebuts by “Post 14 says”");
      // Down: to what answers the claim (the nearest of its three).
      await page.keyboard.press("ArrowDown");
      const below = await focusedNode(page);
      assert.ok(["uuid-2", "uuid-3", "uuid-4"].includes(below), below);
      // Right and left along that row, then down from the rebuttal to the question.
      let guard = 0;
      while ((await focusedNode(page)) !== "uuid-4" && guard++ < 4) await page.keyboard.press("ArrowRight");
      assert.equal(await focusedNode(page), "uuid-4");
      await page.keyboard.press("ArrowDown");
      assert.equal(await focusedNode(page), "uuid-5");
      // Up twice along the links: the rebuttal, then the claim.
      await page.keyboard.press("ArrowUp");
      assert.equal(await focusedNode(page), "uuid-4");
      await page.keyboard.press("ArrowUp");
      assert.equal(await focusedNode(page), "uuid-1");
      // The tab order holds one node: the focused one.
      assert.deepEqual(await page.locator('.graph-node[tabindex="0"]').evaluateAll((ns) => ns.map((n) => n.getAttribute("data-highlight"))), ["uuid-1"]);
      await page.screenshot({ path: path.join(screenshots, `threadmark-graph-${scheme}.png`) });
      await assertAccessible(page, `the argument graph (${scheme})`);
      // Enter on the rebuttal: the thread shows its post, focused, with the mark.
      await page.keyboard.press("ArrowDown");
      while ((await focusedNode(page)) !== "uuid-4" && guard++ < 8) await page.keyboard.press("ArrowRight");
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.activeElement?.closest?.(".post")?.getAttribute("data-post-id") === "14");
      // Zoom keys change the scale; 0 fits the whole graph.
      // (The graph may be drawn again after Enter: focus the node that is there, wait
      // until it holds the focus, and give the zoom its frame.)
      await page.locator('.graph-node[data-highlight="uuid-4"]').focus();
      await page.waitForFunction(() => document.activeElement?.getAttribute?.("data-highlight") === "uuid-4");
      const before = await page.locator(".graph-world").getAttribute("transform");
      await page.keyboard.press("+");
      await page.waitForFunction((was) => document.querySelector(".graph-world")?.getAttribute("transform") !== was, before, { timeout: 5_000 });
      assert.notEqual(await page.locator(".graph-world").getAttribute("transform"), before);
      assert.deepEqual(problems, []);
      await close();
    });
  }
});

describe("thread map", () => {
  test("a click on the map moves the thread to that post and focuses it; the viewport follows", async () => {
    const { page, problems, close } = await openThread();
    const map = page.locator("canvas.thread-map");
    await map.waitFor();
    await page.waitForFunction(() => performance.getEntriesByName("thread-map-draw").length > 0 && performance.getEntriesByName("thread-map-data").length > 0);
    assert.equal(await map.getAttribute("aria-valuenow"), "1");
    const box = await map.boundingBox();
    // Three quarters down: post 46 of 60 (index 45).
    await page.mouse.click(box.x + box.width / 2, box.y + box.height * (45.5 / 60));
    await page.waitForFunction(() => document.activeElement?.closest?.(".post")?.getAttribute("data-post-id") === "46");
    await page.waitForFunction(() => Number(document.querySelector("canvas.thread-map").getAttribute("aria-valuenow")) >= 40);
    // The map shows highlights in their label colours: the row of post 40 (Question).
    const colour = await map.evaluate((c) => {
      const ctx = c.getContext("2d");
      const y = Math.floor((39 / 60) * c.height) + 1;
      const [r, g, b] = ctx.getImageData(Math.floor(c.width / 2), y, 1, 1).data;
      return [r, g, b];
    });
    assert.deepEqual(colour, [0x1c, 0x7e, 0xd6]);
    await page.screenshot({ path: path.join(screenshots, "threadmark-thread-map-light.png") });
    // As a slider: Home goes back to the first post.
    await map.focus();
    await page.keyboard.press("Home");
    await page.waitForFunction(() => document.querySelector("canvas.thread-map").getAttribute("aria-valuenow") === "1");
    await assertAccessible(page, "the thread with its map");
    assert.deepEqual(problems, []);
    await close();
  });
});

describe("timeline", () => {
  for (const scheme of ["light", "dark"]) {
    test(`a bar filters the thread to its hour; a name to its author (${scheme})`, async () => {
      const { page, problems, close } = await openThread({ colorScheme: scheme });
      await page.getByRole("button", { name: "Timeline" }).click();
      const bars = page.locator(".timeline-bar");
      await bars.first().waitFor();
      // Three hours of posts: one bar an hour; the last holds the ten new posts.
      assert.equal(await bars.count(), 3);
      assert.equal(await bars.nth(0).getAttribute("aria-label"), "Nov 1, 2024, 10:00 AM: 20 posts");
      assert.equal(await bars.nth(2).getAttribute("aria-label"), "Nov 1, 2024, 12:00 PM: 20 posts, 10 new");
      await page.screenshot({ path: path.join(screenshots, `threadmark-timeline-${scheme}.png`) });
      await assertAccessible(page, `the timeline (${scheme})`);
      await bars.nth(1).click();
      const [query] = await calls(page, "filter_thread");
      assert.equal(query.query, `after:${T0 + 3600} before:${T0 + 7200}`);
      assert.equal(await page.locator("#thread-filter").inputValue(), query.query);
      // Posts 21–40 match (the others shown are their parents, dimmed).
      await page.locator('.post[data-post-id="21"]').waitFor();
      const matches = await page.locator(".post").evaluateAll((ps) => ps.filter((p) => !p.className.includes("context")).map((p) => Number(p.dataset.postId)));
      assert.ok(matches.length > 0 && matches.every((n) => n >= 21 && n <= 40), String(matches));
      // The busiest participant first, with posts and highlights.
      const first = page.locator(".timeline-people .participant").first();
      assert.equal(await first.textContent(), "ada24 posts, 4 highlights");
      await page.locator('.timeline-people .participant[data-author="bob"]').click();
      await page.waitForFunction(() => document.querySelector("#thread-filter").value === 'author:"bob"');
      assert.deepEqual(problems, []);
      await close();
    });
  }
});

describe("overlapping highlights", () => {
  // Post 2's words under up to four highlights at once (a claim, a rebuttal inside
  // it, evidence inside both, a question inside all three): every word stays
  // readable, in both themes.
  const text = "Post 2 says something about local-first storage, number 2.";
  const span = (id, label, start, end) => ({ ...hl(id, 2, label), exact: text.slice(start, end), start, end });
  const highlights = [span(21, "Claim", 0, 47), span(22, "Rebuttal", 5, 40), span(23, "Evidence", 12, 33), span(24, "Question", 18, 27)];
  for (const scheme of ["light", "dark"]) {
    test(`stacked marks keep the text's contrast (${scheme})`, async () => {
      const { page, problems, close } = await openThread({ colorScheme: scheme, data: { highlights, links: [] } });
      const marks = page.locator('.post[data-post-id="2"] mark.hl');
      await marks.first().waitFor();
      assert.ok((await marks.count()) >= 4, `${await marks.count()} marks`);
      // The innermost words are inside four marks.
      const depth = await page.evaluate(() => {
        let most = 0;
        for (const m of document.querySelectorAll('.post[data-post-id="2"] mark.hl')) {
          let d = 0;
          for (let e = m; e; e = e.parentElement?.closest("mark.hl")) d++;
          most = Math.max(most, d);
        }
        return most;
      });
      assert.equal(depth, 4);
      await page.locator('.post[data-post-id="2"]').screenshot({ path: path.join(screenshots, `threadmark-ui-stacked-marks-${scheme}.png`) });
      await assertAccessible(page, `stacked highlights (${scheme})`);
      assert.deepEqual(problems, []);
      await close();
    });
  }
});
