// The standalone HTML export renders the same in Chromium and WebKit.
//
// scripts/e2e.sh exports the seed thread with highlights of several labels and notes
// (E2E_EXPORT_HTML, and the same library as a JSON backup in E2E_EXPORT_JSON for what
// to expect), then this test opens the page in headless Chromium (playwright-core,
// /usr/bin/chromium) and in WebKitGTK's MiniBrowser driven by WebKitWebDriver
// (E2E_WEBKIT_PORT, under the script's Xvfb), and checks in both: every highlight is
// marked with its label's colour as the computed background, the notes are shown,
// there is no script and nothing loads, and the posts are laid out alike (the same
// marks in the same order at about the same places). Chromium also reports console
// messages, page errors and requests; WebKitWebDriver has no log endpoint, so in
// WebKit the page is checked for anything that could log (scripts, loads).
// Screenshots: $E2E_SCREENSHOT with -export-{chromium,webkit}[-post].png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { remote } from "webdriverio";
import { chromium } from "playwright-core";

const htmlPath = process.env.E2E_EXPORT_HTML;
const jsonPath = process.env.E2E_EXPORT_JSON;
const webkitPort = Number(process.env.E2E_WEBKIT_PORT || 4446);
const miniBrowser =
  process.env.E2E_MINIBROWSER || "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
const shots = (process.env.E2E_SCREENSHOT || "/tmp/threadmark-e2e.png").replace(/\.png$/, "");
const WIDTH = 1280;
const HEIGHT = 800;

let webkit;
let browser;
let page;
const chromiumLog = [];

before(async () => {
  assert.ok(htmlPath && jsonPath, "E2E_EXPORT_HTML and E2E_EXPORT_JSON are set by scripts/e2e.sh");
  webkit = await remote({
    hostname: "127.0.0.1",
    port: webkitPort,
    logLevel: "warn",
    connectionRetryCount: 3,
    capabilities: {
      "wdio:enforceWebDriverClassic": true,
      "webkitgtk:browserOptions": { binary: miniBrowser, args: ["--automation"] },
    },
  });
  await webkit.setWindowSize(WIDTH, HEIGHT);
  await webkit.url(pathToFileURL(htmlPath).href);
  // Chromium gets the same viewport as WebKit's window has inside.
  const [w, h] = await webkit.execute(() => [window.innerWidth, window.innerHeight]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox"],
  });
  page = await browser.newPage({ viewport: { width: w, height: h } });
  page.on("console", (m) => chromiumLog.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => chromiumLog.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (r.url() !== pathToFileURL(htmlPath).href) chromiumLog.push(`request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(htmlPath).href);
});

after(async () => {
  await webkit?.deleteSession().catch(() => {});
  await browser?.close();
});

/** What the test compares, read inside the page (self-contained: it runs in both). */
function measure() {
  const scrollY = window.scrollY;
  const bodyLeft = document.body.getBoundingClientRect().left;
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.left - bodyLeft, y: r.top + scrollY, w: r.width, h: r.height };
  };
  const shown = (el) => {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    return s.display !== "none" && s.visibility === "visible" && Number(s.opacity) > 0 && r.width > 0 && r.height > 0;
  };
  const all = [...document.querySelectorAll("*")];
  return {
    scripts: document.scripts.length,
    handlers: all.filter((e) => [...e.attributes].some((a) => a.name.startsWith("on"))).length,
    loaders: document.querySelectorAll("img, iframe, frame, object, embed, link, video, audio, source, base, form, svg, math, template").length,
    resources: performance.getEntriesByType("resource").length,
    csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? null,
    width: document.documentElement.clientWidth,
    height: document.documentElement.scrollHeight,
    marks: [...document.querySelectorAll("li.post .body mark")].map((m) => ({
      id: m.id,
      text: m.textContent,
      label: m.title,
      bg: getComputedStyle(m).backgroundColor,
      shown: shown(m),
      ...box(m),
    })),
    index: [...document.querySelectorAll(".index mark")].map((m) => ({
      text: m.textContent,
      bg: getComputedStyle(m).backgroundColor,
    })),
    notes: [...document.querySelectorAll("aside.notes p")].map((p) => ({
      text: p.textContent,
      shown: shown(p),
      ...box(p),
    })),
    posts: [...document.querySelectorAll("li.post")].map((p) => ({ id: p.id, ...box(p) })),
    bodyText: document.querySelector("main").textContent.length,
  };
}

/** The computed background a highlight of this label must have (html.rs). */
function expectedBackground(labels, name) {
  const label = labels.find((l) => l.name === name);
  if (!label) return "rgba(255, 214, 0, 0.35)";
  const hex = label.color.replace("#", "");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, 0.32)`;
}

function checkPage(m, engine, backup) {
  const thread = backup.threads[0];
  const labels = backup.labels;
  assert.equal(m.scripts, 0, `${engine}: a script element`);
  assert.equal(m.handlers, 0, `${engine}: an event handler attribute`);
  assert.equal(m.loaders, 0, `${engine}: an element that loads or embeds`);
  assert.equal(m.resources, 0, `${engine}: something was loaded`);
  assert.match(m.csp ?? "", /default-src 'none'/, `${engine}: the CSP meta`);
  assert.equal(m.posts.length, thread.posts.length, `${engine}: a list item per post`);
  assert.ok(m.bodyText > 10_000, `${engine}: the thread's text is there`);
  // Every highlight: marked once with its id, its text, its label's colour.
  const highlights = thread.highlights;
  assert.ok(new Set(highlights.map((h) => h.label)).size >= 4, "several labels in the fixture");
  for (const h of highlights) {
    const mark = m.marks.find((k) => k.id === `h-${h.id}`);
    assert.ok(mark, `${engine}: no mark for ${h.exact}`);
    assert.equal(mark.text, h.exact, `${engine}: the mark's text`);
    assert.equal(mark.label, h.label ?? "Highlight");
    assert.equal(mark.bg, expectedBackground(labels, h.label), `${engine}: colour of ${h.exact}`);
    assert.ok(mark.shown, `${engine}: ${h.exact} is not shown`);
  }
  assert.equal(m.marks.length, highlights.length, `${engine}: one mark per highlight`);
  // The index lists them all, in the same colours.
  assert.equal(m.index.length, highlights.length);
  for (const i of m.index) {
    const h = highlights.find((x) => x.exact === i.text);
    assert.equal(i.bg, expectedBackground(labels, h.label), `${engine}: index colour of ${i.text}`);
  }
  // Every note is shown beside its post.
  const noted = highlights.filter((h) => h.note);
  assert.ok(noted.length >= 2, "notes in the fixture");
  for (const h of noted) {
    const note = m.notes.find((n) => n.text.includes(h.note));
    assert.ok(note, `${engine}: note ${h.note} missing`);
    assert.ok(note.shown, `${engine}: note ${h.note} hidden`);
  }
}

test("the exported page shows every highlight, colour and note in Chromium and WebKit alike", async () => {
  const backup = JSON.parse(readFileSync(jsonPath, "utf8"));
  const c = await page.evaluate(measure);
  const w = await webkit.execute(measure);

  // Screenshots first (a failure below leaves them to look at): the top (title,
  // legend, highlight index), then the first marked post with its note.
  await page.screenshot({ path: `${shots}-export-chromium.png` });
  await webkit.saveScreenshot(`${shots}-export-webkit.png`);
  const target = c.marks.find((k) => k.id)?.id;
  const show = (id) => document.getElementById(id).scrollIntoView({ block: "center" });
  await page.evaluate(show, target);
  await webkit.execute(show, target);
  await new Promise((r) => setTimeout(r, 300));
  await page.screenshot({ path: `${shots}-export-chromium-post.png` });
  await webkit.saveScreenshot(`${shots}-export-webkit-post.png`);

  checkPage(c, "Chromium", backup);
  checkPage(w, "WebKit", backup);
  assert.deepEqual(chromiumLog, [], "Chromium logged, failed or requested something");

  // The same marks in the same order, in the same colours.
  assert.deepEqual(
    w.marks.map((k) => [k.id, k.text, k.bg]),
    c.marks.map((k) => [k.id, k.text, k.bg]),
  );
  // Print the largest drifts, for whoever tunes the tolerances below.
  const drift = (k, f) => Math.max(...c[k].map((x, i) => Math.abs(x[f] - w[k][i][f]))).toFixed(1);
  console.log(
    `export-html: Chromium ${c.width}x${c.height}, WebKit ${w.width}x${w.height}; largest differences: marks y ${drift("marks", "y")} x ${drift("marks", "x")} w ${drift("marks", "w")} h ${drift("marks", "h")}, posts y ${drift("posts", "y")} h ${drift("posts", "h")} px`,
  );
  // Laid out alike: the same column width, and each mark and post at about the same
  // place. Both engines use the same fonts (fontconfig) and the page's line heights
  // are whole pixels, so lines break alike; sub-pixel rounding and the odd line
  // broken differently add up down a 150-post page (observed on Debian 12: 0.5% of
  // the page height, marks within 2 px across and 72 px down), hence a relative
  // tolerance for vertical places.
  assert.ok(Math.abs(w.width - c.width) <= 20, `viewport widths ${w.width} vs ${c.width}`);
  const rel = (a, b) => Math.abs(a - b) / Math.max(a, b);
  assert.ok(rel(w.height, c.height) < 0.01, `page heights ${w.height} vs ${c.height}`);
  for (const [i, cm] of c.marks.entries()) {
    const wm = w.marks[i];
    assert.ok(Math.abs(wm.x - cm.x) <= 6, `${cm.text}: x ${wm.x} vs ${cm.x}`);
    assert.ok(Math.abs(wm.w - cm.w) <= Math.max(6, 0.05 * cm.w), `${cm.text}: width ${wm.w} vs ${cm.w}`);
    assert.ok(Math.abs(wm.h - cm.h) <= 2, `${cm.text}: height ${wm.h} vs ${cm.h}`);
    assert.ok(Math.abs(wm.y - cm.y) <= 0.01 * c.height, `${cm.text}: y ${wm.y} vs ${cm.y}`);
  }
  for (const [i, cp] of c.posts.entries()) {
    const wp = w.posts[i];
    assert.equal(wp.id, cp.id);
    assert.ok(Math.abs(wp.x - cp.x) <= 6, `${cp.id}: x ${wp.x} vs ${cp.x}`);
    assert.ok(Math.abs(wp.h - cp.h) <= 48, `${cp.id}: height ${wp.h} vs ${cp.h}`);
  }
});
