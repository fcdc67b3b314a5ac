// The library: every saved thread, newest first as the core orders them. A row is a
// link to the thread, so click and Enter both open it; j/k move between rows.

import { el, moveFocus } from "../dom";
import { count, formatDate, isoDate, sourceName } from "../format";
import type { LibraryInfo, ThreadSummary } from "../ipc";
import { threadHref } from "../route";
import type { View } from "./view";

export function libraryView(threads: ThreadSummary[], info: LibraryInfo | null, focusId: number | null): View {
  const rows = threads.map(threadRow);
  const list = el("ul", { class: "thread-list", "aria-label": "Saved threads" }, ...rows.map((row) => el("li", {}, row)));
  const body =
    threads.length > 0
      ? list
      : el(
          "p",
          { class: "empty" },
          "No saved threads yet. Import one with ",
          el("code", {}, "threadmark import FILE"),
          ".",
        );

  const root = el(
    "div",
    { class: "screen screen--library" },
    el(
      "header",
      { class: "topbar" },
      el("h1", { class: "brand" }, "Threadmark"),
      el("span", { class: "topbar-note" }, count(threads.length, "thread")),
    ),
    el("main", { class: "library", id: "main" }, el("h2", { class: "section-title" }, "Library"), body),
    el(
      "footer",
      { class: "statusbar" },
      el("span", { class: "statusbar-path", title: info?.path ?? "" }, info ? `Library: ${info.path}` : ""),
      el("span", { class: "statusbar-keys" }, keyHint("j", "k", "move"), " ", keyHint("Enter", null, "open")),
    ),
  );

  return {
    root,
    onKey(event) {
      if (event.key === "j") return moveFocus(rows, 1) >= 0;
      if (event.key === "k") return moveFocus(rows, -1) >= 0;
      return false;
    },
    focus() {
      const target = rows.find((row) => row.dataset.threadId === String(focusId)) ?? rows[0];
      target?.focus({ preventScroll: false });
    },
  };
}

function threadRow(thread: ThreadSummary): HTMLAnchorElement {
  const meta = el(
    "span",
    { class: "thread-meta" },
    el("span", { class: `source source--${thread.source}` }, sourceName(thread.source)),
    el("span", { class: "thread-posts" }, count(thread.posts, "post")),
    el(
      "span",
      { class: thread.highlights > 0 ? "thread-highlights has-highlights" : "thread-highlights" },
      count(thread.highlights, "highlight"),
    ),
    el("span", { class: "thread-saved" }, "saved ", el("time", { datetime: isoDate(thread.importedAt) }, formatDate(thread.importedAt))),
    el(
      "span",
      { class: "thread-opened" },
      thread.lastOpenedAt === null
        ? "not read yet"
        : el("time", { datetime: isoDate(thread.lastOpenedAt) }, `read ${formatDate(thread.lastOpenedAt)}`),
    ),
  );
  return el(
    "a",
    { class: "thread-row", href: threadHref(thread.id), "data-thread-id": thread.id },
    el("span", { class: "thread-title" }, thread.title || "Untitled thread"),
    meta,
  );
}

function keyHint(key: string, other: string | null, what: string): HTMLElement {
  return el("span", { class: "key-hint" }, el("kbd", {}, key), other ? el("kbd", {}, other) : null, ` ${what}`);
}
