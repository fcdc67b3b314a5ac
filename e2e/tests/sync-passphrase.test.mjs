// An encrypted sync folder's passphrase typed in the real window: library B synced
// with the folder while it was still empty and plain; then device A (the CLI)
// encrypted it (the encrypted fixture's key-check file, its known passphrase) and
// synced the seed thread into it. B's window cannot sync (its footer says the folder
// needs its passphrase); its Sync
// dialog puts the focus on the passphrase field; a wrong passphrase's error shows in
// the dialog; the right one syncs and the seed thread arrives.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { appSession } from "../session.mjs";

const application = process.env.E2E_APP;
const seed = process.env.E2E_SEED;
const screenshot = process.env.E2E_SCREENSHOT ?? "/tmp/threadmark-e2e.png";
const cli = path.join(path.dirname(application ?? ""), "threadmark");
const KEY_FILE = path.resolve(import.meta.dirname, "../../crates/threadmark-core/tests/fixtures/sync-encrypted/folder/threadmark/encryption.json");
const PASSPHRASE = "threadmark fixture passphrase";

let work;
let b;

before(async () => {
  for (const [name, value] of Object.entries({ E2E_APP: application, E2E_SEED: seed })) {
    if (!value) throw new Error(`${name} is not set; run scripts/e2e.sh`);
  }
  work = mkdtempSync(path.join(tmpdir(), "threadmark-e2e-pass-"));
  const folder = path.join(work, "Sync");
  mkdirSync(folder);
  const dbA = path.join(work, "a.sqlite3");
  const dbB = path.join(work, "b.sqlite3");
  execFileSync(cli, ["--db", dbB, "sync", "--folder", folder]);
  copyFileSync(KEY_FILE, path.join(folder, "threadmark", "encryption.json"));
  const passFile = path.join(work, "passphrase.txt");
  writeFileSync(passFile, `${PASSPHRASE}\n`);
  execFileSync(cli, ["--db", dbA, "import", seed]);
  execFileSync(cli, ["--db", dbA, "sync", "--folder", folder, "--passphrase-file", passFile]);
  b = await appSession(application, { args: ["--db", dbB] });
});

after(async () => {
  await b?.deleteSession();
  if (work) rmSync(work, { recursive: true, force: true });
});

const footer = () => b.execute(() => document.querySelector(".statusbar .sync-status")?.textContent ?? "");

test("the Sync dialog takes an encrypted folder's passphrase; a wrong one is refused there", async () => {
  await b.waitUntil(async () => (await footer()) === "Sync paused: the folder needs its passphrase (S)", {
    timeout: 30_000,
    timeoutMsg: "the footer does not say the folder needs its passphrase",
  });
  for (let i = 0; i < 3 && !(await b.$(".library, .thread-row, .empty").isExisting()); i++) {
    await b.keys("Escape");
    await b.pause(300);
  }
  await b.keys("S");
  const dialog = await b.$("dialog.dialog--sync");
  await dialog.waitForDisplayed({ timeout: 5_000 });
  await b.waitUntil(async () => (await b.execute(() => document.activeElement?.id)) === "sync-passphrase", { timeout: 5_000, timeoutMsg: "the passphrase field has no focus" });
  assert.match(await dialog.$(".sync-facts").getText(), /Encryption\s*On: enter the folder's passphrase below/);

  await dialog.$("#sync-passphrase").setValue("not the passphrase");
  await b.keys(["Enter"]);
  const error = await dialog.$(".dialog-error");
  await b.waitUntil(async () => /^Sync failed: wrong passphrase for sync folder /.test(await error.getText()), { timeout: 30_000, timeoutMsg: "no wrong-passphrase error in the dialog" });
  try {
    await b.saveScreenshot(screenshot.replace(/\.png$/, "-sync-passphrase.png"));
  } catch {
    // A missing screenshot is not a failure of the app.
  }

  // (setValue: WebKitWebDriver's key actions merge a doubled letter.)
  await dialog.$("#sync-passphrase").setValue(PASSPHRASE);
  assert.equal(await b.execute(() => document.activeElement?.id), "sync-passphrase");
  await b.keys(["Enter"]);
  let seen = "";
  await b
    .waitUntil(
      async () => {
        seen = `${await dialog.$(".sync-result").getText()} | ${await error.getText()}`;
        return /updated 1 thread/.test(seen);
      },
      { timeout: 30_000 },
    )
    .catch(() => assert.fail(`the right passphrase did not bring the thread: ${seen}`));
  assert.equal(await error.isDisplayed(), false, "no error left");
  assert.equal(await dialog.$("#sync-passphrase").getValue(), "", "the passphrase is not kept in the field");
  assert.match(await dialog.$(".sync-facts").getText(), /Encryption\s*On: the folder holds no readable notes/);
  await b.keys("Escape");
  await b.waitUntil(async () => (await footer()) === "Synced just now", { timeout: 10_000 });
});
