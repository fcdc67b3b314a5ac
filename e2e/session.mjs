// A WebDriver session on the Threadmark app window, through the tauri-driver that
// scripts/e2e.sh starts on E2E_DRIVER_PORT (4444 by default).
import { remote } from "webdriverio";

// A second window at once goes through the second tauri-driver (E2E_DRIVER2_PORT):
// `appSession(app, { args: ["--db", path], second: true })`.
export async function appSession(application, { args = [], second = false } = {}) {
  const port = second ? process.env.E2E_DRIVER2_PORT : (process.env.E2E_DRIVER_PORT ?? 4444);
  if (!port) throw new Error("E2E_DRIVER2_PORT is not set; run scripts/e2e.sh");
  const browser = await remote({
    hostname: "127.0.0.1",
    port: Number(port),
    logLevel: "warn",
    connectionRetryCount: 3,
    capabilities: { "wdio:enforceWebDriverClassic": true, "tauri:options": args.length > 0 ? { application, args } : { application } },
  });
  await browser.setTimeout({ implicit: 0 });
  return browser;
}
