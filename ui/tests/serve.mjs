// What every Chromium UI test file needs to load the built frontend: the browser's
// path, the app's production CSP, and a static server for ui/dist sending that CSP.

import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(here, "../dist");
const tauriConf = path.resolve(here, "../../src-tauri/tauri.conf.json");

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** The production CSP from tauri.conf.json, as the header Tauri would send. */
export async function appCsp() {
  const conf = JSON.parse(await readFile(tauriConf, "utf8"));
  return Object.entries(conf.app.security.csp)
    .map(([directive, sources]) => `${directive} ${sources}`)
    .join("; ");
}

/** A static server for ui/dist on a free loopback port, sending `csp` with each file. */
export async function serveDist(csp) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const file = path.join(dist, url.pathname === "/" ? "index.html" : path.normalize(url.pathname));
    if (!file.startsWith(dist)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "content-security-policy": csp,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** The built frontend served with the app's CSP, and a headless Chromium to load it:
 *  what each UI test file starts in `before` (and stops with {@link stopApp}). */
export async function startApp() {
  const server = await serveDist(await appCsp());
  const baseUrl = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  return { server, browser, baseUrl };
}

/** Stops what {@link startApp} started (either may be missing if it failed). */
export async function stopApp(server, browser) {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
}
