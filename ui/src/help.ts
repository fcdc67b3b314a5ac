// The `?` overlay: every keyboard shortcut, by screen.

import { aboutLine } from "./about";
import { button, openModal } from "./dialogs";
import { el } from "./dom";

const SHORTCUTS: [string, [string[], string][]][] = [
  [
    "Everywhere",
    [
      [["/"], "Search all threads"],
      [["?"], "Show or hide this help"],
      [["t"], "Switch theme: system, light, dark"],
      [["x"], "Export, back up or restore"],
      [["S"], "Sync: the folder, Sync now, conflicts"],
      [["Esc"], "Close, or go back"],
    ],
  ],
  [
    "Library",
    [
      [["j", "k"], "Next / previous thread"],
      [["Enter"], "Open the thread"],
      [["r"], "Rename the thread"],
      [["Del"], "Delete the thread"],
      [["o"], "Open a file to import"],
      [["c"], "Catch up: every unread new or edited post"],
      [["R"], "Refresh all: download every thread saved from a web address again"],
      [["Ctrl", "V"], "Paste a thread"],
    ],
  ],
  [
    "Thread",
    [
      [["j", "k"], "Next / previous post"],
      [["n", "p"], "Next / previous top-level post"],
      [["u"], "Parent post"],
      [["Home", "End"], "First / last post"],
      [["Space"], "Collapse / expand the post and its replies"],
      [["z"], "Fold what I have read: every branch with nothing unread or highlighted"],
      [["f"], "Filter the thread: author:ada, op, label:claim, has:highlight, new, edited, quotes:@bob, words, -term"],
      [["n", "N"], "With a filter: next / previous match"],
      [["Ctrl", "F"], "Find in this thread (Enter / Shift+Enter: next / previous post found)"],
      [["←", "→"], "Collapse, or go to the parent / expand, or go to the first reply"],
      [["q"], "Show the post's quote beside its source (or the first reply quoting it)"],
      [["]", "["], "Next / previous post new or edited since you last read"],
      [["R"], "Refresh: download the thread again"],
      [["Tab", "Enter"], "Follow a \"quoting @author\" or \"quoted by\" link"],
      [["Esc"], "Back to the library (or the search results)"],
    ],
  ],
  [
    "Quote beside reply",
    [
      [["←", "→"], "Previous / next quote of the reply (also j / k)"],
      [["Esc"], "Back to the same place in the thread"],
    ],
  ],
  [
    "Highlights",
    [
      [["v"], "Select text in the focused post by keyboard: ←/→ word, ↑/↓ sentence, Shift extends"],
      [["1", "…", "5"], "Highlight the selection with that label (or the label's own key)"],
      [["h"], "Show or hide the highlights panel"],
      [["m"], "Argument map: highlights grouped by claim"],
      [["l"], "Edit the labels"],
      [["Enter"], "On a highlight: its menu (label, note, links, delete)"],
      [["Esc"], "Close the toolbar or the menu"],
    ],
  ],
  [
    "Search results",
    [
      [["j", "k"], "Next / previous result"],
      [["Enter"], "Open the thread at that post"],
    ],
  ],
];

let openHelpDialog: HTMLDialogElement | null = null;

/** Opens the help overlay, or closes it when it is open. */
export function openHelp(): void {
  if (openHelpDialog?.open) {
    openHelpDialog.close();
    return;
  }
  const sections = SHORTCUTS.map(([title, rows]) =>
    el(
      "section",
      { class: "help-section" },
      el("h3", {}, title),
      el(
        "dl",
        { class: "help-keys" },
        ...rows.flatMap(([keys, what]) => [
          el("dt", {}, ...keys.flatMap((key, i) => [i > 0 ? " " : "", el("kbd", {}, key)])),
          el("dd", {}, what),
        ]),
      ),
    ),
  );
  const close = button("Close", { value: "cancel", kind: "primary" });
  const modal = openModal({
    title: "Keyboard shortcuts",
    body: [el("div", { class: "help-grid" }, ...sections), aboutLine()],
    actions: [close],
    className: "dialog--help",
    onClose: () => {
      openHelpDialog = null;
    },
  });
  openHelpDialog = modal.dialog;
  modal.dialog.addEventListener("keydown", (event) => {
    if (event.key === "?") {
      event.preventDefault();
      modal.close();
    }
  });
  close.focus();
}
