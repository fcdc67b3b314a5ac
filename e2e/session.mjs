// A WebDriver session on the Threadmark app window, through the tauri-driver that
// scripts/e2e.sh starts on E2E_DRIVER_PORT (4444 by default).
import { remote } from "webdriverio";

export async function appSession(application) {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: Number(process.env.E2E_DRIVER_PORT ?? 4444),
    logLevel: "warn",
    connectionRetryCount: 3,
    capabilities: { "wdio:enforceWebDriverClassic": true, "tauri:options": { application } },
  });
  await browser.setTimeout({ implicit: 0 });
  return browser;
}
