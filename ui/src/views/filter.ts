// The thread filter's bar (key f): a small query (author:ada, op, label:claim, new,
// edited, has:highlight, quotes:@bob, words, "a phrase", -term) that the core answers
// (filter_thread, the same query as `threadmark show ID --filter`). The thread view
// keeps the matching posts, their ancestors dimmed for context, and folds the rest
// away; n / N step through the matches. Escape in the bar, or an empty query, clears
// the filter. This module owns the bar only; thread.ts lays the posts out.

import "./filter.css";
import { announce } from "../announce";
import { el } from "../dom";
import { count } from "../format";
import { asCommandError, filterThread } from "../ipc";

export interface FilterBar {
  readonly root: HTMLElement;
  /** Shows the bar and puts the cursor in it. */
  open(): void;
  /** Whether a filter is applied. */
  active(): boolean;
  /** Shows the bar with `query` in it and applies it. */
  set(query: string): void;
  leave(): void;
}

/** `apply` receives the matching source ids, or null when the filter is cleared;
 *  `done` is called when the bar hands the keys back to the thread. */
export function filterBar(threadId: number, apply: (matches: string[] | null, query: string) => void, done: () => void): FilterBar {
  const input = el("input", {
    type: "search",
    class: "field filter-input",
    id: "thread-filter",
    name: "filter",
    placeholder: "author:ada  label:claim  has:highlight  new  quotes:@bob  words",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "thread-filter-help",
  });
  const status = el("span", { class: "filter-count", id: "thread-filter-count" });
  const clear = el("button", { type: "button", class: "button filter-clear" }, "Clear");
  const root = el(
    "form",
    { class: "filter-bar", role: "search", "aria-label": "Filter this thread", hidden: true },
    el("label", { class: "filter-label", for: "thread-filter" }, "Filter"),
    input,
    status,
    clear,
    el("p", { class: "filter-help", id: "thread-filter-help" }, "Enter filters; n / N step through the matches; Esc clears."),
  );
  let applied = false;
  let generation = 0;

  /** Applies the query; true when posts are now filtered by it. */
  async function run(): Promise<boolean> {
    const query = input.value.trim();
    const mine = ++generation;
    if (!query) {
      reset();
      return false;
    }
    try {
      const matches = await filterThread(threadId, query);
      if (mine !== generation) return false;
      applied = true;
      status.textContent = matches.length === 0 ? "No posts match" : count(matches.length, "match", "matches");
      root.classList.remove("filter-bar--error");
      apply(matches, query);
      announce(`${status.textContent}.${matches.length > 0 ? " n goes to the next, N to the previous." : ""}`);
      return true;
    } catch (error) {
      if (mine !== generation) return false;
      status.textContent = asCommandError(error).message;
      root.classList.add("filter-bar--error");
      announce(status.textContent);
      return false;
    }
  }

  function reset(): void {
    generation++;
    const was = applied;
    applied = false;
    status.textContent = "";
    root.classList.remove("filter-bar--error");
    if (was) {
      apply(null, "");
      announce("Filter cleared: every post is shown.");
    }
  }

  root.addEventListener("submit", (event) => {
    event.preventDefault();
    // Back to the posts once filtered; a refused query keeps the cursor in the bar.
    void run().then((filtered) => {
      if (filtered) done();
    });
  });
  clear.addEventListener("click", () => {
    input.value = "";
    reset();
    root.hidden = true;
    done();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    input.value = "";
    reset();
    root.hidden = true;
    done();
  });

  return {
    root,
    open() {
      root.hidden = false;
      input.focus();
      input.select();
    },
    active: () => applied,
    set(query) {
      root.hidden = false;
      input.value = query;
      void run().then((filtered) => {
        if (filtered) done();
      });
    },
    leave() {
      generation++;
    },
  };
}
