// Seeing the argument in the real window, on the seed and the nested Hacker News
// thread of the library scripts/e2e.sh prepared (THREADMARK_DB): each gets a dozen
// highlights (the CLI's `highlight add`) linked into an argument (a JSON backup with
// links, merged with `restore`). The test then drives the app by keyboard: the
// Argument map's graph (arrows along the links, Enter to the highlight), the thread
// map (a click moves the thread), the timeline (a bar filters the thread), with
// screenshots in both themes ($E2E_SCREENSHOT -graph-*.png). The SVG export of each
// thread is opened in WebKit (the app's own webview: parsed, and drawn on a canvas as
// the Export dialog's PNG is) and in Chromium (playwright-core), and must hold every
// highlight and link. At the end the highlights made here are removed from the
// library again (SQLite, as the app's delete would), so later test files start as
// before.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { remote } from "webdriverio";
import { appSession } from "../session.mjs";

const application = process.env.E2E_APP;
const db = process.env.THREADMARK_DB;
const threads = { seed: process.env.E2E_THREAD_ID, hn: process.env.E2E_NESTED_ID };
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const cli = path.join(path.dirname(application ?? ""), "threadmark");
const LABELS = ["Claim", "Evidence", "Rebuttal", "Question"];
// [from, kind, to] over the dozen highlights: a claim with support and a rebuttal that
// a question answers, a chain, a link spanning layers, a cycle.
const PLAN = [
  [1, "supports", 0], [2, "rebuts", 0], [3, "answers", 2], [5, "supports", 4], [6, "rebuts", 5],
  [7, "qualifies", 6], [8, "supports", 4], [8, "answers", 7], [9, "supports", 0], [10, "rebuts", 11],
  [11, "qualifies", 10], [9, "answers", 3],
];

const tm = (...args) => execFileSync(cli, ["--db", db, ...args], { encoding: "utf8" });

let browser;
let work;
const made = { seed: [], hn: [] };
const linked = { seed: [], hn: [] };

/** Twelve highlights (first five words of posts spread over the thread), returns their uuids. */
function highlightThread(id) {
  const posts = JSON.parse(tm("show", id, "--json")).posts.filter((p) => !p.deleted && p.text.split(/\s+/).filter(Boolean).length >= 8);
  const uuids = [];
  // Posts spread over the thread first, then the others in order.
  const step = Math.max(1, Math.floor(posts.length / 14));
  const spread = posts.map((_, i) => i).filter((i) => i % step === 0);
  const order = [...spread, ...posts.map((_, i) => i).filter((i) => i % step !== 0)];
  for (const i of order) {
    if (uuids.length === 12) break;
    const words = posts[i].text.split(/\s+/).filter(Boolean).slice(0, 5).join(" ");
    if (!posts[i].text.includes(words)) continue;
    try {
      tm("highlight", "add", id, posts[i].id, "--exact", words, "--label", LABELS[uuids.length % 4]);
    } catch {
      continue; // the words twice in the post: the next post
    }
    const mine = JSON.parse(tm("highlight", "list", id, "--json"));
    uuids.push(mine[mine.length - 1].id);
  }
  assert.equal(uuids.length, 12, `twelve highlights in thread ${id}`);
  return uuids;
}

before(async () => {
  for (const [name, value] of Object.entries({ E2E_APP: application, THREADMARK_DB: db, E2E_THREAD_ID: threads.seed, E2E_NESTED_ID: threads.hn })) {
    if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  }
  work = mkdtempSync(path.join(tmpdir(), "threadmark-graph-"));
  const before = new Map(JSON.parse(tm("export", "--all", "--format", "json")).threads.map((t) => [String(t.id), new Set(t.highlights.map((h) => h.id))]));
  for (const which of ["seed", "hn"]) {
    const uuids = highlightThread(threads[which]);
    made[which] = uuids.filter((u) => !before.get(threads[which])?.has(u));
  }
  // The links, through a backup of the library with them added, merged back.
  const backup = JSON.parse(tm("export", "--all", "--format", "json"));
  for (const which of ["seed", "hn"]) {
    const t = backup.threads.find((x) => String(x.id) === threads[which]);
    for (const [f, kind, to] of PLAN) {
      const link = { id: randomUUID(), from: made[which][f], kind, to: made[which][to], created: "2026-12-07T12:00:00Z" };
      t.links.push(link);
      linked[which].push(link.id);
    }
  }
  writeFileSync(path.join(work, "links.json"), JSON.stringify(backup));
  tm("restore", path.join(work, "links.json"));
  browser = await appSession(application);
});

after(async () => {
  await browser?.deleteSession();
  // The highlights made here leave the library (their links with them).
  const uuids = [...made.seed, ...made.hn];
  if (uuids.length) {
    execFileSync("python3", ["-c", "import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute('PRAGMA foreign_keys=ON')\nc.executemany('DELETE FROM highlights WHERE uuid=?',[(u,) for u in sys.argv[2:]])\nc.commit()", db, ...uuids]);
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

async function shot(step) {
  if (!process.env.DISPLAY) return;
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await browser.pause(300);
  execFileSync("import", ["-window", "root", screenshot.replace(/(\.png)?$/, `-graph-${step}.png`)]);
}

const focused = () => browser.execute(() => document.activeElement?.getAttribute("data-highlight") ?? document.activeElement?.closest?.(".post")?.dataset.postId ?? document.activeElement?.tagName ?? null);
const key = (k) => browser.keys([k]);
const setTheme = (theme) => browser.execute((t) => document.documentElement.setAttribute("data-theme", t), theme);

async function openThread(id) {
  await browser.execute((id) => {
    location.hash = `#/thread/${id}`;
  }, id);
  await browser.$("li.post .post-body").waitForExist({ timeout: 20_000 });
}

for (const which of ["seed", "hn"]) {
  test(`the argument graph of the ${which} thread, by keyboard, in both themes`, async () => {
    await openThread(threads[which]);
    await setTheme("light");
    await key("m");
    await browser.$("#hl-tab-map[aria-selected=true]").waitForExist({ timeout: 10_000 });
    // The map as a graph (g), focus on its first claim.
    const isGraph = await browser.execute(() => document.querySelector('[data-map-view="graph"]')?.getAttribute("aria-pressed") === "true");
    await key("g");
    if (isGraph) await key("g"); // it opened as the graph: g went to the list, back to the graph
    await browser.waitUntil(() => browser.execute(() => document.activeElement?.classList.contains("graph-node")), { timeout: 10_000, timeoutMsg: "no graph node focused" });
    const nodes = await browser.execute(() => [...document.querySelectorAll(".graph-node")].map((n) => n.getAttribute("data-highlight")));
    for (const u of made[which]) assert.ok(nodes.includes(u), `node ${u}`);
    const edges = await browser.execute(() => [...document.querySelectorAll(".graph-edge")].map((n) => n.getAttribute("data-link")).length);
    assert.ok(edges >= PLAN.length, `${edges} edges`);
    // Keyboard alone: from the claim down to what answers it, and back up the link.
    const claim = await focused();
    await key("ArrowDown");
    const below = await focused();
    assert.notEqual(below, claim);
    // Down went along a link: the node below answers the claim.
    const along = await browser.execute(
      (a, b) => [...document.querySelectorAll(".graph-edge")].some((e) => e.getAttribute("data-from") === b && e.getAttribute("data-to") === a),
      claim,
      below,
    );
    assert.ok(along, `a link from ${below} to ${claim}`);
    await key("ArrowUp");
    assert.equal(await focused(), claim);
    await shot(`${which}-light`);
    await setTheme("dark");
    await shot(`${which}-dark`);
    // Enter: the thread shows the highlight's post, focused.
    await key("Enter");
    await browser.waitUntil(() => browser.execute(() => Boolean(document.activeElement?.closest?.(".post"))), {
      timeout: 10_000,
      timeoutMsg: "Enter did not go to the highlight's post",
    });
  });
}

test("the thread map and the timeline of the HN thread, in both themes", async () => {
  await openThread(threads.hn);
  await browser.execute(() => {
    if (document.body.classList.contains("hl-panel-open")) document.querySelector(".hl-panel header button[aria-label^='Close']")?.click();
  });
  for (const theme of ["light", "dark"]) {
    await setTheme(theme);
    const box = await browser.execute(() => {
      const r = document.querySelector("canvas.thread-map")?.getBoundingClientRect();
      return r ? { x: r.x, y: r.y, w: r.width, h: r.height } : null;
    });
    assert.ok(box && box.w > 20 && box.h > 200, `thread map drawn: ${JSON.stringify(box)}`);
    // (A script's click: after the graph test the sticky top bar may cover the button.)
    await browser.execute(() => {
      window.scrollTo(0, 0);
      const toggle = document.querySelector("button.timeline-toggle");
      if (toggle?.getAttribute("aria-expanded") !== "true") toggle?.click();
    });
    await browser.$(".timeline-bar").waitForExist({ timeout: 10_000 });
    await shot(`timeline-${theme}`);
  }
  // A click three quarters down the map: the thread goes there and that post has focus.
  const index = await browser.execute(() => {
    const c = document.querySelector("canvas.thread-map");
    const r = c.getBoundingClientRect();
    c.dispatchEvent(new PointerEvent("pointerdown", { bubbles: true, button: 0, clientX: r.x + r.width / 2, clientY: r.y + r.height * 0.75, pointerId: 1 }));
    c.dispatchEvent(new PointerEvent("pointerup", { bubbles: true, button: 0, clientX: r.x + r.width / 2, clientY: r.y + r.height * 0.75, pointerId: 1 }));
    return Number(c.getAttribute("aria-valuemax"));
  });
  await browser.waitUntil(() => browser.execute(() => Number(document.activeElement?.closest?.(".post")?.dataset.index ?? -1)).then((i) => i >= Math.floor(index * 0.6)), {
    timeout: 10_000,
    timeoutMsg: "the map click did not move the thread",
  });
  await shot("map-click");
  // A bar of the timeline filters the thread to its posts.
  await browser.execute(() => document.querySelector(".timeline-bar:not([disabled])")?.click());
  await browser.waitUntil(() => browser.execute(() => document.querySelector("#thread-filter")?.value.startsWith("after:")), { timeout: 10_000, timeoutMsg: "the bar did not filter" });
  await browser.waitUntil(() => browser.execute(() => document.querySelectorAll("li.post").length > 0), { timeout: 10_000 });
  await shot("timeline-filtered");
});

test("the SVG export holds every highlight and link in WebKit and in Chromium", async () => {
  for (const which of ["seed", "hn"]) {
    const file = path.join(work, `${which}.svg`);
    tm("export", threads[which], "--format", "svg", "-o", file);
    const svg = readFileSync(file, "utf8");
    // WebKit: the app's webview parses it and draws it as an image (what the PNG does).
    const webkit = await browser.executeAsync((svg, done) => {
      const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
      const parsed = {
        error: doc.querySelector("parsererror")?.textContent ?? null,
        nodes: [...doc.querySelectorAll("[data-highlight]")].map((n) => n.getAttribute("data-highlight")),
        edges: [...doc.querySelectorAll("[data-link]")].map((n) => n.getAttribute("data-link")),
        scripts: doc.querySelectorAll("script").length,
      };
      const img = new Image();
      img.src = `data:image/svg+xml;base64,${btoa(String.fromCharCode(...new TextEncoder().encode(svg)))}`;
      img.decode().then(
        () => {
          const c = document.createElement("canvas");
          c.width = img.naturalWidth;
          c.height = img.naturalHeight;
          const ctx = c.getContext("2d");
          ctx.drawImage(img, 0, 0);
          // The colour stripe of the first node.
          const g = doc.querySelector("[data-highlight]");
          const [, x, y] = /translate\(([\d.]+) ([\d.]+)\)/.exec(g.getAttribute("transform"));
          const stripe = g.querySelector("rect[fill^='#']")?.getAttribute("fill") ?? null;
          const px = [...ctx.getImageData(Math.round(Number(x) + 2), Math.round(Number(y) + 36), 1, 1).data].slice(0, 3);
          done({ ...parsed, width: img.naturalWidth, stripe, px });
        },
        (e) => done({ ...parsed, width: 0, decodeError: String(e) }),
      );
    }, svg);
    assert.equal(webkit.error, null);
    assert.equal(webkit.scripts, 0);
    for (const u of made[which]) assert.ok(webkit.nodes.includes(u), `WebKit: node ${u}`);
    for (const l of linked[which]) assert.ok(webkit.edges.includes(l), `WebKit: edge ${l}`);
    assert.ok(webkit.width > 200, `WebKit drew the SVG: ${JSON.stringify(webkit.decodeError ?? webkit.width)}`);
    const hex = (px) => `#${px.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
    assert.equal(hex(webkit.px), webkit.stripe.toLowerCase(), "WebKit drew the first node's label colour");
    // Chromium opens the file itself.
    const chrome = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });
    try {
      const page = await chrome.newPage({ viewport: { width: 1600, height: 1600 } });
      const requests = [];
      page.on("request", (r) => {
        if (r.url() !== pathToFileURL(file).href) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);
      const seen = await page.evaluate(() => ({
        nodes: [...document.querySelectorAll("[data-highlight]")].map((n) => n.getAttribute("data-highlight")),
        edges: [...document.querySelectorAll("[data-link]")].map((n) => n.getAttribute("data-link")),
        drawn: [...document.querySelectorAll("[data-highlight]")].every((n) => n.getBoundingClientRect().width > 100),
      }));
      for (const u of made[which]) assert.ok(seen.nodes.includes(u), `Chromium: node ${u}`);
      for (const l of linked[which]) assert.ok(seen.edges.includes(l), `Chromium: edge ${l}`);
      assert.ok(seen.drawn, "Chromium drew every node");
      assert.deepEqual(requests, []);
      // (A full-page shot of an SVG document never finishes in this Chromium: the viewport.)
      await page.screenshot({ path: screenshot.replace(/(\.png)?$/, `-graph-svg-${which}-chromium.png`) });
    } finally {
      await chrome.close();
    }
    // WebKitGTK's own browser (MiniBrowser, as a user's WebKit would) opens the file too.
    const mini = await remote({
      hostname: "127.0.0.1",
      port: Number(process.env.E2E_WEBKIT_PORT || 4446),
      logLevel: "warn",
      connectionRetryCount: 3,
      capabilities: {
        "wdio:enforceWebDriverClassic": true,
        "webkitgtk:browserOptions": {
          binary: process.env.E2E_MINIBROWSER || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
          args: ["--automation"],
        },
      },
    });
    try {
      await mini.url(pathToFileURL(file).href);
      const seen = await mini.execute(() => ({
        nodes: [...document.querySelectorAll("[data-highlight]")].map((n) => n.getAttribute("data-highlight")),
        edges: [...document.querySelectorAll("[data-link]")].map((n) => n.getAttribute("data-link")),
        drawn: [...document.querySelectorAll("[data-highlight]")].every((n) => n.getBoundingClientRect().width > 100),
        scripts: document.querySelectorAll("script").length,
      }));
      for (const u of made[which]) assert.ok(seen.nodes.includes(u), `MiniBrowser: node ${u}`);
      for (const l of linked[which]) assert.ok(seen.edges.includes(l), `MiniBrowser: edge ${l}`);
      assert.ok(seen.drawn, "MiniBrowser drew every node");
      assert.equal(seen.scripts, 0);
      await mini.saveScreenshot(screenshot.replace(/(\.png)?$/, `-graph-svg-${which}-minibrowser.png`));
    } finally {
      await mini.deleteSession().catch(() => {});
    }
  }
});
