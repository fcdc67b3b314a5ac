// Find in this thread (Ctrl+F): incremental, over every post of the thread, drawn or
// not (the list is virtualized, so the DOM cannot be searched): the library's
// full-text search scoped to the thread answers, each word a prefix. Enter and
// Shift+Enter step through the posts found, in thread order; the thread view marks
// the words in every post found as it draws it. Escape closes the bar and unmarks.
// The search returns at most 500 posts (the app's search limit); the count says so.

import { announce } from "../announce";
import { el } from "../dom";
import { count } from "../format";
import { asCommandError, search } from "../ipc";

export interface FindBar {
  readonly root: HTMLElement;
  open(): void;
  leave(): void;
}

/** The query the search gets: each word of `typed` as a prefix (`word*`). */
export function findQuery(typed: string): string {
  return [...typed.matchAll(/[\p{L}\p{N}_]+/gu)].map((m) => `${m[0]}*`).join(" ");
}

/**
 * `found` receives the source ids found (null when the bar is closed) and the query
 * to mark; `step` goes to the next (1) or previous (-1) post found and returns its
 * place ("3 of 12"); `done` hands the keys back to the thread.
 */
export function findBar(
  threadId: number,
  found: (ids: string[] | null, query: string) => void,
  step: (direction: 1 | -1) => string,
  done: () => void,
): FindBar {
  const input = el("input", { type: "search", class: "field find-input", id: "thread-find", autocomplete: "off", spellcheck: "false" });
  const status = el("span", { class: "filter-count find-count", "aria-live": "polite" });
  const root = el(
    "div",
    { class: "filter-bar find-bar", role: "search", "aria-label": "Find in this thread", hidden: true },
    el("label", { class: "filter-label", for: "thread-find" }, "Find"),
    input,
    status,
    el("p", { class: "filter-help" }, "Enter: next post found; Shift+Enter: previous; Esc closes."),
  );
  let generation = 0;
  let timer = 0;
  let hits = 0;

  async function run(): Promise<void> {
    const query = findQuery(input.value);
    const mine = ++generation;
    if (!query) {
      hits = 0;
      status.textContent = "";
      found([], "");
      return;
    }
    try {
      const results = await search(query, threadId);
      if (mine !== generation) return;
      hits = results.length;
      status.textContent = hits === 0 ? "Not found" : `${count(hits, "post")}${hits >= 500 ? " (the first 500)" : ""}`;
      found(
        results.map((r) => r.post),
        query,
      );
    } catch (error) {
      if (mine !== generation) return;
      status.textContent = asCommandError(error).message;
    }
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void run(), 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();
      window.clearTimeout(timer);
      void run().then(() => {
        if (hits > 0) {
          status.textContent = step(event.shiftKey ? -1 : 1);
          announce(status.textContent);
          input.focus();
        }
      });
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      generation++;
      root.hidden = true;
      input.value = "";
      status.textContent = "";
      found(null, "");
      done();
    }
  });

  return {
    root,
    open() {
      root.hidden = false;
      input.focus();
      input.select();
    },
    leave() {
      generation++;
      window.clearTimeout(timer);
    },
  };
}
