// Sync through a folder, from the window's side: when to sync (at start when a folder
// is set, a few seconds after a local edit, when the app sees other devices' files
// arrive in the folder (sync_watch.rs), every 30 seconds as a fallback, and on
// "Sync now"), the status in every screen's
// footer, and refreshing the screen after a sync that brought changes. The Sync
// dialog and the conflicts view are in views/sync.ts. The sync itself runs in the
// app's worker thread (commands_sync.rs): the window never waits on the folder.

import { announce } from "./announce";
import { el } from "./dom";
import { count, relativeTime } from "./format";
import { currentSession } from "./highlighting";
import { LOCAL_CHANGE_EVENT, type SyncReport, type SyncStatus, asCommandError, listThreads, onSyncFolderChanged, syncNow, syncPollMs, syncStatus } from "./ipc";
import { parseRoute } from "./route";

/** A local edit is sent this long after the last one of a burst. */
export const DEBOUNCE_MS = 3000;
/** The folder is looked at this often for other devices' changes (a fallback for
 *  the app's watch of the folder; the app's `--sync-poll-ms` changes it). */
export const POLL_MS = 30_000;

/** What started a sync. The footer status's `data-brought-by` names what started
 *  the last sync that brought changes (for tests, and a look with the inspector). */
export type SyncTrigger = "start" | "edit" | "folder" | "poll" | "manual";

interface SyncState {
  status: SyncStatus | null;
  syncing: boolean;
  /** The last sync's one-line error; null after a sync that worked. */
  error: string | null;
  last: SyncReport | null;
  /** What started the last sync that brought changes. */
  broughtBy: SyncTrigger | null;
}

const state: SyncState = { status: null, syncing: false, error: null, last: null, broughtBy: null };
const listeners = new Set<() => void>();
let running: Promise<SyncReport | null> | null = null;
let again: SyncTrigger | null = null;
let debounce = 0;
let staleView = false;

export function syncState(): Readonly<SyncState> {
  return state;
}

/** Calls `listener` after every change of the sync state; returns a function to stop. */
export function onSyncChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed(): void {
  for (const listener of listeners) listener();
}

/** Reads the status again (after a restore, say). */
export async function refreshStatus(): Promise<void> {
  try {
    state.status = await syncStatus();
  } catch (error) {
    state.error = asCommandError(error).message;
  }
  changed();
}

/** Syncs now: with `folder` (which becomes the sync folder) or the one set, with
 *  the folder's `passphrase` if given. A sync asked for while one runs runs once
 *  more after it. Resolves to the report, or null if it failed (the error is in the
 *  state and the footer). */
export function runSync(folder: string | null = null, passphrase: string | null = null, trigger: SyncTrigger = "manual"): Promise<SyncReport | null> {
  // An encrypted folder whose key this library lacks: syncing on its own would only
  // fail again (and hide a wrong passphrase's error); the footer says what is needed.
  if (trigger !== "manual" && folder === null && !passphrase && state.status?.needsPassphrase) {
    changed();
    return Promise.resolve(null);
  }
  if (running && folder === null && !passphrase) {
    again = trigger;
    return running;
  }
  const previous = running ?? Promise.resolve(null);
  running = previous.then(() => doSync(folder, passphrase, trigger)).finally(() => {
    running = null;
    if (again) {
      const next = again;
      again = null;
      void runSync(null, null, next);
    }
  });
  return running;
}

async function doSync(folder: string | null, passphrase: string | null, trigger: SyncTrigger): Promise<SyncReport | null> {
  window.clearTimeout(debounce);
  state.syncing = true;
  changed();
  let report: SyncReport | null = null;
  try {
    report = await syncNow(folder, passphrase);
    state.error = null;
    state.last = report;
    if (brought(report) > 0) state.broughtBy = trigger;
  } catch (error) {
    state.error = asCommandError(error).message;
    announce(`Sync failed: ${state.error}`);
  }
  state.syncing = false;
  await refreshStatus();
  if (report && brought(report) > 0) {
    threadsChanged ||= report.threads > 0;
    announce(`Sync: ${count(brought(report), "change")} received.`);
    refreshView();
  }
  return report;
}

/** What a sync changed in this library. */
export function brought(r: SyncReport): number {
  return r.threads + r.highlights + r.labels + r.reads;
}

/** A sync brought threads (new, changed or deleted): the open one may be gone. */
let threadsChanged = false;

/** Shows what a sync brought: the thread's highlights again, or the screen again
 *  (the library, when another device deleted the open thread). Not while the reader
 *  types or a dialog other than Sync is open: then later. */
function refreshView(): void {
  const busy = document.querySelector("dialog[open]:not(.dialog--sync):not(.dialog--conflicts)") || document.activeElement?.matches("input, textarea, [contenteditable]");
  if (busy) {
    staleView = true;
    return;
  }
  staleView = false;
  const route = parseRoute(location.hash);
  const session = currentSession();
  if (route.view === "thread" && session?.threadId === route.id) {
    const gone = threadsChanged ? listThreads().then((ts) => !ts.some((t) => t.id === route.id), () => false) : Promise.resolve(false);
    threadsChanged = false;
    void gone.then((g) => {
      if (g) window.dispatchEvent(new CustomEvent("threadmark:reload"));
      else return session.reload();
    });
  } else if (route.view !== "search") window.dispatchEvent(new CustomEvent("threadmark:reload"));
}

/** A sync a few seconds from now (a burst of edits makes one sync). */
export function syncSoon(delay = DEBOUNCE_MS): void {
  if (!state.status?.folder) return;
  window.clearTimeout(debounce);
  debounce = window.setTimeout(() => void runSync(null, null, "edit"), delay);
}

/** Starts syncing: at once if a folder is set, after local edits, when other
 *  devices' files arrive in the folder, and every POLL_MS (a sync that finds
 *  nothing new reads no file and is cheap). */
export async function startSync(): Promise<void> {
  await refreshStatus();
  window.addEventListener(LOCAL_CHANGE_EVENT, () => syncSoon());
  void onSyncFolderChanged(() => {
    if (state.status?.folder) void runSync(null, null, "folder");
  });
  if (state.status?.folder) void runSync(null, null, "start");
  const poll = await syncPollMs().catch(() => POLL_MS);
  window.setInterval(() => {
    if (staleView) refreshView();
    if (state.status?.folder && !state.syncing) void runSync(null, null, "poll");
    else changed();
  }, poll);
}

/** One line for the footer. */
export function statusText(s: Readonly<SyncState>, nowMs = Date.now()): string {
  if (s.syncing) return "Syncing…";
  if (s.error) return `Sync failed: ${s.error}`;
  if (!s.status?.folder) return "Sync off";
  if (s.status.needsPassphrase) return "Sync paused: the folder needs its passphrase (S)";
  if (s.status.lastSyncMs === null) return "Not synced yet";
  const synced = `Synced ${relativeTime(s.status.lastSyncMs / 1000, nowMs)}`;
  // Encrypted files that did not authenticate: someone or something altered them.
  if (s.last?.tampered) return `${synced}; ${count(s.last.tampered, "altered file")} not applied`;
  return synced;
}

let footer: HTMLElement | null = null;
let topButton: HTMLButtonElement | null = null;

/** The sync status for a footer: one element for the whole app, moved into the
 *  footer of the screen on show. The status is text (a button there would sit over
 *  the posts scrolling under the footer); open conflicts show as a button to the
 *  conflicts view. */
export function syncFooter(openConflicts: () => void): HTMLElement {
  if (footer) return footer;
  const status = el("span", { class: "sync-status" });
  const conflicts = el("button", { type: "button", class: "sync-conflicts", hidden: true });
  conflicts.addEventListener("click", openConflicts);
  const root = el("span", { class: "statusbar-sync" }, status, conflicts);
  const draw = (): void => {
    const text = statusText(state);
    status.textContent = text;
    status.title = text;
    status.dataset.state = state.syncing ? "syncing" : state.error || state.status?.needsPassphrase ? "error" : state.status?.folder ? "on" : "off";
    if (state.broughtBy) status.dataset.broughtBy = state.broughtBy;
    const open = state.status?.conflictsOpen ?? 0;
    conflicts.hidden = open === 0;
    conflicts.textContent = count(open, "conflict");
    conflicts.title = "Show the values sync lost, and restore them";
  };
  draw();
  onSyncChange(draw);
  footer = root;
  return root;
}

/** The Sync button of the top bar (one for the app, moved like the footer's status):
 *  opens the Sync dialog; its name says where sync stands. */
export function syncButton(openDialog: () => void): HTMLButtonElement {
  if (topButton) return topButton;
  const button = el("button", { type: "button", class: "icon-button sync-button", "aria-keyshortcuts": "S" }, "⇅");
  button.addEventListener("click", openDialog);
  const draw = (): void => {
    const text = statusText(state);
    button.title = `Sync: ${text} (S)`;
    button.setAttribute("aria-label", `Sync: ${text}`);
    button.dataset.state = state.syncing ? "syncing" : state.error ? "error" : state.status?.folder ? "on" : "off";
  };
  draw();
  onSyncChange(draw);
  topButton = button;
  return button;
}
