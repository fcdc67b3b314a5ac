// Entry point: a hash router between the library, a thread and search results; one
// global key handler (/ search, ? help, t theme, the rest to the current screen);
// links to the system browser; imports by paste and drag-and-drop; and the reading
// position kept across starts.

import "./style.css";
import { el, hasModifier, isTyping } from "./dom";
import { openExport } from "./exporting";
import { openHelp } from "./help";
import { startLinks } from "./links";
import { importFromDialog, importPaths, pasteDialog } from "./importing";
import { followLibrary, orderThreads } from "./library-follow";
import {
  type CommandError,
  type SearchHit,
  asCommandError,
  followState,
  news,
  libraryInfo,
  listThreads,
  onFileDrop,
  openExternal,
  openThread,
  search,
} from "./ipc";
import { type Reading, loadReading, saveReading, setLibrary } from "./prefs";
import { showReadOnlyBanner } from "./readonly";
import { LIBRARY_HREF, NEWS_HREF, type Route, parseRoute, searchHref, threadHref } from "./route";
import { cycleTheme, initTheme } from "./theme";
import { clearToasts, toast } from "./toast";
import { focusSearch, showTheme } from "./topbar";
import { catchUpView } from "./views/catchup";
import { libraryView } from "./views/library";
import { searchView } from "./views/search";
import { threadView } from "./views/thread";
import { startSync, syncButton, syncFooter } from "./sync";
import { openConflicts, openSyncDialog } from "./views/sync";
import type { View } from "./views/view";

initTheme();
void showReadOnlyBanner();

const app = document.getElementById("app") as HTMLElement;
let current: View | null = null;
let currentRoute: Route | null = null;
/** The screens behind this one, for Escape and the back button. */
const trail: Route[] = [];
/** Set while going back, so that the screen left is not pushed on the trail. */
let goingBack = false;
/** The thread last shown, so that going back focuses its row in the library. */
let lastThreadId: number | null = null;
/** The reading position found at start, until its thread is shown. */
let restoring: Reading | null = null;
/** The result last opened from the search screen, focused again on the way back. */
let lastResult: string | null = null;
/** Where the reader was in each thread this session (post source id). */
const positions = new Map<number, string>();
/** Threads just imported: the library announces and focuses them. */
let imported: number[] | null = null;
/** Ignores a slow response when the user has already moved on. */
let generation = 0;

function show(view: View, route: Route): void {
  current?.leave?.();
  current = view;
  currentRoute = route;
  app.replaceChildren(view.root);
  // The sync status in the screen's footer, before the key hints; in the library,
  // the Sync button first among the top bar's tools (not over a thread: the search
  // box would move over the thread's header as it scrolls under the bar).
  const bar = view.root.querySelector(".statusbar");
  bar?.insertBefore(syncFooter(openConflicts), bar.querySelector(".statusbar-keys"));
  const sync = syncButton(openSyncDialog);
  if (route.view === "library") view.root.querySelector(".topbar-tools")?.prepend(sync);
  else sync.remove();
  view.focus();
}

function sameScreen(a: Route, b: Route): boolean {
  if (a.view === "thread" && b.view === "thread") return a.id === b.id;
  return a.view === b.view;
}

function go(href: string): void {
  if (location.hash === href) void render();
  else location.hash = href;
}

/** Keeps the trail of screens behind `route` (the library is home: nothing is behind
 *  it) and returns where Escape leads from it. */
function enter(route: Route): { label: string; go: () => void } {
  if (route.view === "library") trail.length = 0;
  else if (currentRoute && !sameScreen(currentRoute, route)) {
    if (goingBack) trail.pop();
    else trail.push(currentRoute);
  }
  goingBack = false;
  const to = trail[trail.length - 1] ?? { view: "library" };
  const back = (href: string) => () => {
    goingBack = true;
    go(href);
  };
  switch (to.view) {
    case "search":
      return { label: "Results", go: back(searchHref(to.q, to.thread)) };
    case "thread":
      return { label: "Thread", go: back(threadHref(to.id, positions.get(to.id) ?? to.post)) };
    case "news":
      return { label: "Catch up", go: back(NEWS_HREF) };
    default:
      return { label: "Library", go: back(LIBRARY_HREF) };
  }
}

async function render(): Promise<void> {
  const mine = ++generation;
  const route = parseRoute(location.hash);
  app.setAttribute("aria-busy", "true");
  try {
    if (route.view === "thread") {
      const opened = await openThread(route.id);
      if (mine !== generation) return;
      lastThreadId = route.id;
      if (route.post !== null) positions.set(route.id, route.post);
      // At start, the window goes back to where it was in the post.
      const offset = restoring?.thread === route.id && restoring.post === route.post ? restoring.offset : null;
      restoring = null;
      saveReading({ thread: route.id, post: route.post, offset: offset ?? 0, open: true });
      document.title = `${opened.thread.title} — Threadmark`;
      if (route.q && route.post) lastResult = `${route.id}/${route.post}`;
      const onPosition = (post: string | null, offset: number): void => {
        if (post !== null) positions.set(route.id, post);
        saveReading({ thread: route.id, post, offset, open: true });
      };
      const view = await threadView(opened, { post: route.post, q: route.q, offset }, enter(route), onPosition);
      if (mine !== generation) return view.leave?.();
      show(view, route);
    } else if (route.view === "news") {
      const items = await news(null);
      if (mine !== generation) return;
      document.title = "Catch up — Threadmark";
      show(catchUpView(items, enter(route), () => void render()), route);
    } else if (route.view === "search" && route.q.trim()) {
      const [result, threads] = await Promise.all([
        search(route.q, route.thread).then(
          (hits: SearchHit[]) => ({ hits }),
          (error: unknown) => ({ error: asCommandError(error) }),
        ),
        listThreads().catch(() => []),
      ]);
      if (mine !== generation) return;
      document.title = `Search: ${route.q} — Threadmark`;
      show(searchView(route.q, route.thread, result, threads, enter(route), lastResult), route);
    } else {
      const [listed, info, follow] = await Promise.all([listThreads(), libraryInfo().catch(() => null), followState().then((f) => f ?? [], () => [])]);
      const threads = orderThreads(listed, follow);
      if (mine !== generation) return;
      document.title = "Threadmark";
      const reading = loadReading();
      if (reading?.open) saveReading({ ...reading, open: false });
      const announce = imported;
      imported = null;
      if (announce?.[0] !== undefined) lastThreadId = announce[0];
      enter(route);
      const view = libraryView(threads, info, lastThreadId, { openFile: () => void openFile(), paste: (text) => void paste(text) });
      show(followLibrary(view, threads, follow), route);
      if (announce && announce.length > 0) {
        const titles = announce.map((id) => threads.find((t) => t.id === id)?.title ?? `thread ${id}`);
        toast(announce.length === 1 ? `Imported “${titles[0]}”.` : `Imported ${announce.length} threads.`);
      }
    }
  } catch (error) {
    if (mine !== generation) return;
    const failure = asCommandError(error);
    // A remembered thread that is gone (deleted, or another library's): the
    // library instead, never "Not found".
    if (route.view === "thread" && failure.kind === "not_found" && (restoring?.thread === route.id || loadReading()?.thread === route.id)) {
      saveReading(null);
      restoring = null;
      if (lastThreadId === route.id) lastThreadId = null;
      history.replaceState(null, "", LIBRARY_HREF);
      void render();
      return;
    }
    show(errorView(failure, route.view !== "library"), route);
  } finally {
    if (mine === generation) app.removeAttribute("aria-busy");
  }
}

function errorView(error: CommandError, canGoBack: boolean): View {
  const back = el("button", { type: "button", class: "back" }, "← Library");
  back.addEventListener("click", () => go(LIBRARY_HREF));
  const root = el(
    "div",
    { class: "screen screen--error" },
    el("header", { class: "topbar" }, canGoBack ? back : el("h1", { class: "brand" }, "Threadmark")),
    el(
      "main",
      { class: "error-page", id: "main" },
      el(
        "div",
        { class: "error", role: "alert", "data-kind": error.kind },
        el("h2", {}, error.kind === "not_found" ? "Not found" : "Something went wrong"),
        el("p", { class: "error-message" }, error.message),
      ),
    ),
  );
  return {
    root,
    onKey(event) {
      if (canGoBack && event.key === "Escape") {
        go(LIBRARY_HREF);
        return true;
      }
      return false;
    },
    focus() {
      (canGoBack ? back : root).focus();
    },
  };
}

// ---- Imports ------------------------------------------------------------------------

function afterImport(ids: number[] | null): void {
  if (!ids || ids.length === 0) return;
  imported = ids;
  go(LIBRARY_HREF);
}

async function openFile(): Promise<void> {
  afterImport(await importFromDialog());
}

async function paste(text = ""): Promise<void> {
  afterImport(await pasteDialog(text));
}

document.addEventListener("paste", (event) => {
  if (isTyping(event as unknown as KeyboardEvent) || document.querySelector("dialog[open]")) return;
  const text = event.clipboardData?.getData("text/plain") ?? "";
  if (!text.trim()) return;
  event.preventDefault();
  void paste(text);
});

const dropOverlay = el("div", { class: "drop-overlay", hidden: true, "aria-hidden": "true" }, el("p", {}, "Drop a file to import it"));
document.body.append(dropOverlay);
void onFileDrop((drop) => {
  dropOverlay.hidden = drop.type !== "over";
  if (drop.type === "drop" && drop.paths.length > 0) void importPaths(drop.paths).then(afterImport);
});

// ---- Links: never inside the app window --------------------------------------------

function externalLink(event: MouseEvent): HTMLAnchorElement | null {
  const link = (event.target as Element | null)?.closest?.<HTMLAnchorElement>("a[href]");
  if (!link || (link.getAttribute("href") ?? "").startsWith("#")) return null;
  return link;
}

document.addEventListener(
  "click",
  (event) => {
    const link = externalLink(event);
    if (!link) return;
    event.preventDefault();
    if (/^https?:$/i.test(link.protocol)) {
      openExternal(link.href).catch((error: unknown) => toast(asCommandError(error).message, "error"));
    } else {
      toast(`Not opened: ${link.href} (Threadmark opens only web links, in your browser).`, "error");
    }
  },
  true,
);
document.addEventListener("auxclick", (event) => {
  if (externalLink(event)) event.preventDefault();
});

// ---- Keys ------------------------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || document.querySelector("dialog[open]")) return;
  if (isTyping(event) || hasModifier(event)) return;
  let used = true;
  if (event.key === "/") used = focusSearch();
  else if (event.key === "?") openHelp();
  else if (event.key === "x") void openExport(() => void render());
  else if (event.key === "S") openSyncDialog();
  else if (event.key === "t") {
    cycleTheme();
    showTheme();
  } else used = current?.onKey(event) ?? false;
  if (used) {
    event.preventDefault();
    if (event.key === "Escape") clearToasts();
  }
});

window.addEventListener("hashchange", () => void render());
// After a refresh: the same screen again, with what changed.
window.addEventListener("threadmark:reload", () => void render());

// At start, back where the reader was in this library if a thread was open when the
// app closed (what was remembered is the library's own: see prefs.ts).
async function start(): Promise<void> {
  const info = await libraryInfo().catch(() => null);
  if (info) setLibrary(info.path);
  const reading = loadReading();
  if ((location.hash === "" || location.hash === LIBRARY_HREF) && reading) {
    lastThreadId = reading.thread;
    if (reading.open) {
      history.replaceState(null, "", threadHref(reading.thread, reading.post));
      restoring = reading;
    }
  }
  await render();
}
void start();
void startLinks();
void startSync();
