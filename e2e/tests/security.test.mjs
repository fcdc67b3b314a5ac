// Hostile posts in the real window. A Hacker News thread is made of payloads from
// ../shared/corpus/security/xss-payload-list.txt (every 20th, 331 of them), each twice:
// once as the comment's HTML (the sanitizer's case) and once as escaped text (it must
// read as text). It is imported with the CLI into the library the app has open, then
// read from top to bottom with alert/prompt/confirm/print hooked, IPC calls recorded
// and CSP violations listened for. Nothing may fire, no command but the reader's own
// may be called, no violation may be reported (no blocked markup reached the page), and
// no post may hold a script, frame, object, embed, handler or javascript:/data: link.
// (The core test crates/threadmark-core/tests/security.rs covers all 6,613.)

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { appSession } from "../session.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const application = process.env.E2E_APP;
const db = process.env.THREADMARK_DB;
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
if (!application || !db) throw new Error("E2E_APP and THREADMARK_DB are not set; run scripts/e2e.sh");
const skip = process.env.E2E_SECURITY === "0" ? "E2E_SECURITY=0: the payload thread is skipped" : false;

const escapeHtml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const norm = (s) => s.split(/\s+/).filter(Boolean).join(" ");

const payloads = readFileSync(path.resolve(here, "../../../shared/corpus/security/xss-payload-list.txt"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .filter((_, i) => i % 20 === 0);

/** Imports the payload thread with the CLI beside the app; returns its id. */
function importPayloads() {
  const children = [];
  payloads.forEach((p, i) => {
    children.push({ id: 900000 + 2 * i, type: "comment", author: `raw${i}`, created_at_i: 1704067200 + i, text: p, children: [] });
    children.push({ id: 900001 + 2 * i, type: "comment", author: `text${i}`, created_at_i: 1704067200 + i, text: `<p>${escapeHtml(p)}</p>`, children: [] });
  });
  const thread = { id: 899999, type: "story", title: "XSS payloads", author: "op", created_at_i: 1704067200, url: "https://example.com/", children };
  const file = path.join(mkdtempSync(path.join(tmpdir(), "tm-xss-")), "payloads.json");
  writeFileSync(file, JSON.stringify(thread));
  const cli = path.join(path.dirname(application), "threadmark");
  const out = execFileSync(cli, ["--db", db, "import", file], { encoding: "utf8" }).trim().split("\n");
  const id = out[out.length - 1];
  assert.match(id, /^\d+$/);
  return id;
}

let browser;
let payloadId;

before(async () => {
  if (skip) return;
  payloadId = importPayloads();
  browser = await appSession(application);
});

after(async () => {
  await browser?.deleteSession();
});

test("a thread of XSS payloads runs nothing, calls nothing and reads as text", { skip }, async () => {
  // The app may reopen the thread read last: wait for any screen.
  await browser.$(".topbar").waitForDisplayed({ timeout: 20_000 });
  const hooked = await browser.execute(() => {
    const w = window;
    w.__fired = [];
    w.__ipc = [];
    for (const name of ["alert", "prompt", "confirm", "print"]) {
      w[name] = (...args) => {
        w.__fired.push(`${name}(${args.map(String).join(", ")})`);
      };
    }
    document.addEventListener("securitypolicyviolation", (e) => w.__fired.push(`CSP ${e.violatedDirective}: ${e.blockedURI}`));
    try {
      const internals = w.__TAURI_INTERNALS__;
      const invoke = internals.invoke.bind(internals);
      internals.invoke = (cmd, args, options) => {
        w.__ipc.push(cmd);
        return invoke(cmd, args, options);
      };
      return true;
    } catch {
      return false;
    }
  });
  await browser.execute((id) => {
    location.hash = `#/thread/${id}`;
  }, payloadId);
  await browser.$(".post").waitForDisplayed({ timeout: 20_000 });

  // Read to the end: scroll a screen at a time until the last post has been shown.
  const seen = new Map();
  for (let step = 0; step < 400; step++) {
    const batch = await browser.execute(() =>
      [...document.querySelectorAll(".post")].map((p) => [
        p.id ?? "",
        p.querySelector(".post-author, .author")?.textContent ?? "",
        p.querySelector(".post-body, .body")?.textContent ?? p.textContent ?? "",
      ]),
    );
    for (const [id, author, text] of batch) seen.set(`${id}|${author}`, { author, text });
    const atEnd = await browser.execute(() => {
      const before = window.scrollY;
      window.scrollBy(0, window.innerHeight * 0.9);
      document.querySelectorAll("*").forEach((e) => {
        if (e.scrollHeight > e.clientHeight + 4 && getComputedStyle(e).overflowY !== "visible") e.scrollTop += e.clientHeight * 0.9;
      });
      return window.scrollY === before && [...document.querySelectorAll("*")].every((e) => e.scrollTop + e.clientHeight >= e.scrollHeight - 4);
    });
    if (atEnd) break;
    await browser.pause(40);
  }
  await browser.pause(300);
  execFileSync("import", ["-window", "root", screenshot.replace(/\.png$/, "-payloads.png")]);

  const report = await browser.execute(() => {
    const posts = [...document.querySelectorAll(".post")];
    const bad = [];
    for (const p of posts) {
      for (const e of p.querySelectorAll("script, iframe, frame, object, embed, img, svg, math, form, input, link, style, base")) bad.push(`<${e.localName}>`);
      for (const e of [p, ...p.querySelectorAll("*")]) {
        for (const a of e.attributes) {
          if (/^on/i.test(a.name)) bad.push(`<${e.localName} ${a.name}>`);
          if (/^(href|src|action|formaction|xlink:href)$/i.test(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)) bad.push(`<${e.localName} ${a.name}="${a.value}">`);
        }
      }
    }
    return {
      fired: window.__fired,
      ipc: [...new Set(window.__ipc)],
      scripts: [...document.scripts].map((s) => s.src || "inline"),
      bad,
    };
  });
  assert.deepEqual(report.fired, [], "nothing ran and the CSP blocked nothing");
  assert.deepEqual(report.bad, [], "no active markup in any post");
  assert.ok(report.scripts.every((s) => s.startsWith("tauri://") || s.startsWith("http://tauri.localhost") || s.includes("/assets/")), `only the app's scripts: ${report.scripts}`);
  if (hooked) {
    const reader = new Set(["open_thread", "thread_posts", "thread_quotes", "quoted_by", "thread_highlights", "labels", "list_threads", "library_info", "plugin:event|listen", "plugin:event|unlisten"]);
    const unexpected = report.ipc.filter((c) => !reader.has(c));
    assert.deepEqual(unexpected, [], "only the reader's own commands were called");
  }
  // The escaped copies read as text: every one shown holds its payload.
  const texts = [...seen.values()].filter((p) => /^text\d+$/.test(p.author.trim()));
  assert.ok(texts.length >= payloads.length * 0.9, `read ${texts.length} of ${payloads.length} text posts`);
  for (const p of texts) {
    const i = Number(p.author.trim().slice(4));
    const want = norm(payloads[i]).replace(/^>+\s*/, "");
    assert.ok(norm(p.text).includes(want), `post text${i} shows ${JSON.stringify(norm(p.text))}, not ${JSON.stringify(want)}`);
  }
});
