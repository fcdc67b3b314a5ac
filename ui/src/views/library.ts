// The library: every saved thread, newest first as the core orders them, with its
// source, counts and dates; rename and delete (confirmed); import by the open-file
// dialog, a paste, or a file dropped on the window. A row is a link to the thread,
// so click and Enter both open it; j/k move between rows.

import { confirmDialog, button, openModal } from "../dialogs";
import { el, moveFocus } from "../dom";
import { count, formatDate, formatDateTime, isoDate, relativeTime, sourceName } from "../format";
import { type LibraryInfo, type ThreadSummary, asCommandError, deleteThread, renameThread } from "../ipc";
import { loadReading, saveReading } from "../prefs";
import { threadHref } from "../route";
import { toast } from "../toast";
import { topbar } from "../topbar";
import type { View } from "./view";

export interface LibraryActions {
  /** Opens the file dialog and imports the chosen file. */
  openFile(): void;
  /** Opens the "Paste a thread" dialog. */
  paste(text?: string): void;
}

export function libraryView(threads: ThreadSummary[], info: LibraryInfo | null, focusId: number | null, actions: LibraryActions): View {
  const rows: HTMLAnchorElement[] = [];
  const list = el("ul", { class: "thread-list", "aria-label": "Saved threads" });
  const total = el("span", { class: "topbar-note" });
  const empty = el(
    "p",
    { class: "empty" },
    "No saved threads yet. Open a file, paste a thread, or drop a file on the window. ",
    "From a terminal: ",
    el("code", {}, "threadmark import FILE"),
    ".",
  );

  const byRow = new Map<HTMLAnchorElement, ThreadSummary>();
  for (const thread of threads) {
    const item = threadItem(thread);
    list.append(item.li);
    rows.push(item.row);
    byRow.set(item.row, thread);
  }

  const showCount = (): void => {
    total.textContent = count(rows.length, "thread");
    list.hidden = rows.length === 0;
    empty.hidden = rows.length > 0;
  };
  showCount();

  const openButton = el("button", { type: "button", class: "button", "aria-keyshortcuts": "o", title: "Import a file (o)" }, "Open file…");
  openButton.addEventListener("click", () => actions.openFile());
  const pasteButton = el("button", { type: "button", class: "button", title: "Paste a thread's text (Ctrl+V)" }, "Paste a thread");
  pasteButton.addEventListener("click", () => actions.paste());

  const root = el(
    "div",
    { class: "screen screen--library" },
    topbar([el("h1", { class: "brand" }, "Threadmark"), total]),
    el(
      "main",
      { class: "library", id: "main" },
      el(
        "div",
        { class: "library-head" },
        el("h2", { class: "section-title" }, "Library"),
        el("div", { class: "import-actions" }, openButton, pasteButton),
      ),
      el("p", { class: "import-hint" }, "Import a saved thread: open a file, paste its text, or drop a file on the window."),
      list,
      empty,
    ),
    el(
      "footer",
      { class: "statusbar" },
      el("span", { class: "statusbar-path", title: info?.path ?? "" }, info ? `Library: ${info.path}` : ""),
      el(
        "span",
        { class: "statusbar-keys" },
        keyHint(["j", "k"], "move"),
        keyHint(["Enter"], "open"),
        keyHint(["r"], "rename"),
        keyHint(["Del"], "delete"),
        keyHint(["?"], "help"),
      ),
    ),
  );

  function threadItem(thread: ThreadSummary): { li: HTMLLIElement; row: HTMLAnchorElement } {
    const row = threadRow(thread);
    const rename = el("button", { type: "button", class: "row-action", title: "Rename (r)" }, "Rename");
    const remove = el("button", { type: "button", class: "row-action row-action--danger", title: "Delete (Del)" }, "Delete");
    rename.addEventListener("click", () => renameRow(row));
    remove.addEventListener("click", () => void deleteRow(row));
    const li = el("li", { class: "thread-item" }, row, el("div", { class: "row-actions", "aria-label": `Actions for ${thread.title}` }, rename, remove));
    return { li, row };
  }

  function renameRow(row: HTMLAnchorElement): void {
    const thread = byRow.get(row);
    if (!thread) return;
    const input = el("input", { type: "text", class: "rename-input", name: "title", maxlength: 500, "aria-label": "New title", required: true });
    input.value = thread.title;
    const modal = openModal({
      title: "Rename thread",
      body: [el("label", { class: "field" }, el("span", {}, "Title"), input)],
      actions: [button("Cancel", { value: "cancel" }), button("Rename", { value: "ok", kind: "primary" })],
      className: "dialog--rename",
      onSubmit: async () => {
        try {
          const renamed = await renameThread(thread.id, input.value);
          byRow.set(row, renamed);
          const title = row.querySelector(".thread-title");
          if (title) title.textContent = renamed.title || "Untitled thread";
          toast(`Renamed to “${renamed.title}”.`);
          return true;
        } catch (error) {
          modal.setError(asCommandError(error).message);
          input.focus();
          return false;
        }
      },
      onClose: () => row.focus(),
    });
    input.focus();
    input.select();
  }

  async function deleteRow(row: HTMLAnchorElement): Promise<void> {
    const thread = byRow.get(row);
    if (!thread) return;
    const highlights =
      thread.highlights > 0
        ? `its ${count(thread.highlights, "highlight")} with their notes`
        : "its highlights (it has none yet)";
    const confirmed = await confirmDialog({
      title: "Delete this thread?",
      message: [
        el("p", {}, el("strong", {}, thread.title || "Untitled thread")),
        el("p", {}, `Its ${count(thread.posts, "post")} and ${highlights} will be deleted too. This cannot be undone.`),
      ],
      confirm: "Delete",
      danger: true,
    });
    if (!confirmed) {
      row.focus();
      return;
    }
    try {
      await deleteThread(thread.id);
    } catch (error) {
      toast(asCommandError(error).message, "error");
      row.focus();
      return;
    }
    const at = rows.indexOf(row);
    rows.splice(at, 1);
    byRow.delete(row);
    row.closest("li")?.remove();
    if (loadReading()?.thread === thread.id) saveReading(null);
    showCount();
    toast(`Deleted “${thread.title}”.`);
    (rows[Math.min(at, rows.length - 1)] ?? openButton).focus();
  }

  const focusedRow = (): HTMLAnchorElement | undefined => rows.find((row) => row === document.activeElement);

  return {
    root,
    onKey(event) {
      switch (event.key) {
        case "j":
          return moveFocus(rows, 1) >= 0;
        case "k":
          return moveFocus(rows, -1) >= 0;
        case "o":
          actions.openFile();
          return true;
        case "r": {
          const row = focusedRow();
          if (row) renameRow(row);
          return row !== undefined;
        }
        case "Delete": {
          const row = focusedRow();
          if (row) void deleteRow(row);
          return row !== undefined;
        }
        default:
          return false;
      }
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
    el(
      "span",
      { class: "thread-saved" },
      "saved ",
      el("time", { datetime: isoDate(thread.importedAt), title: formatDateTime(thread.importedAt) }, formatDate(thread.importedAt)),
    ),
    el(
      "span",
      { class: "thread-opened" },
      thread.lastOpenedAt === null
        ? "not read yet"
        : el(
            "time",
            { datetime: isoDate(thread.lastOpenedAt), title: formatDateTime(thread.lastOpenedAt) },
            `read ${relativeTime(thread.lastOpenedAt)}`,
          ),
    ),
  );
  return el(
    "a",
    { class: "thread-row", href: threadHref(thread.id), "data-thread-id": thread.id },
    el("span", { class: "thread-title" }, thread.title || "Untitled thread"),
    meta,
  );
}

function keyHint(keys: string[], what: string): HTMLElement {
  return el("span", { class: "key-hint" }, ...keys.map((key) => el("kbd", {}, key)), ` ${what}`);
}
