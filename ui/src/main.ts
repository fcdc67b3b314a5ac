// Entry point: a tiny hash router between the library and a thread, one global key
// handler that forwards to the current screen, and an error screen for failed commands.

import "./style.css";
import { el, hasModifier, isTyping } from "./dom";
import { type CommandError, asCommandError, libraryInfo, listThreads, openThread } from "./ipc";
import { LIBRARY_HREF, parseRoute } from "./route";
import { libraryView } from "./views/library";
import { threadView } from "./views/thread";
import type { View } from "./views/view";

const app = document.getElementById("app") as HTMLElement;
let current: View | null = null;
/** The thread last shown, so that going back focuses its row in the library. */
let lastThreadId: number | null = null;
/** Ignores a slow response when the user has already moved on. */
let generation = 0;

function show(view: View): void {
  current = view;
  app.replaceChildren(view.root);
  view.focus();
}

function backToLibrary(): void {
  location.hash = LIBRARY_HREF;
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
      document.title = `${opened.thread.title} — Threadmark`;
      show(threadView(opened, backToLibrary));
    } else {
      const [threads, info] = await Promise.all([listThreads(), libraryInfo().catch(() => null)]);
      if (mine !== generation) return;
      document.title = "Threadmark";
      show(libraryView(threads, info, lastThreadId));
    }
  } catch (error) {
    if (mine === generation) show(errorView(asCommandError(error), route.view === "thread"));
  } finally {
    if (mine === generation) app.removeAttribute("aria-busy");
  }
}

function errorView(error: CommandError, canGoBack: boolean): View {
  const back = el("button", { type: "button", class: "back" }, "← Library");
  back.addEventListener("click", backToLibrary);
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
        backToLibrary();
        return true;
      }
      return false;
    },
    focus() {
      (canGoBack ? back : root).focus();
    },
  };
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || isTyping(event) || hasModifier(event)) return;
  if (current?.onKey(event)) event.preventDefault();
});
window.addEventListener("hashchange", () => void render());
void render();
