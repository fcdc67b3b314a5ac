// A long import in a dialog: what it is doing (preparing or saving posts, how many
// of how many), a progress bar, and Cancel. The dialog appears only when an import
// takes long enough to notice; Cancel (or Escape) asks the core to stop, and the
// import then fails with kind "cancelled" having saved nothing.

import { el } from "./dom";
import { type ImportProgress, asCommandError, cancelImport, onImportProgress } from "./ipc";

/** An import shorter than this shows no dialog at all. */
export const SHOW_AFTER_MS = 250;

const NUMBER = new Intl.NumberFormat();

/** What the dialog says: its title and its first line (before any progress). */
export interface TrackText {
  title: string;
  waiting: string;
}

/** Runs `run` (an importFile, importText or refreshThread call), showing its progress while it lasts. */
export async function trackImport<T>(run: () => Promise<T>, text: TrackText = { title: "Importing", waiting: "Reading the file…" }): Promise<T> {
  let latest: ImportProgress | null = null;
  let panel: Panel | null = null;
  const unlisten = await onImportProgress((progress) => {
    // Posts are saved while later ones are still being read: once saving has
    // begun, the dialog shows that, not the reading running ahead of it.
    if (progress.stage === "preparing" && latest?.stage === "storing") return;
    latest = progress;
    panel?.update(progress);
  });
  const timer = window.setTimeout(() => {
    panel = openPanel(text);
    if (latest) panel.update(latest);
  }, SHOW_AFTER_MS);
  try {
    return await run();
  } finally {
    window.clearTimeout(timer);
    unlisten();
    (panel as Panel | null)?.close();
  }
}

/** True for the rejection of an import the user cancelled. */
export function wasCancelled(error: unknown): boolean {
  return asCommandError(error).kind === "cancelled";
}

export const CANCELLED_MESSAGE = "Import cancelled: nothing was saved.";
export const CANCELLED_REFRESH = "Refresh cancelled: the thread is as it was.";

interface Panel {
  update(progress: ImportProgress): void;
  close(): void;
}

function openPanel(text: TrackText): Panel {
  const bar = el("progress", { class: "import-bar", "aria-label": "Import progress" });
  const label = el("p", { class: "import-label", "aria-live": "polite" }, text.waiting);
  const cancel = el("button", { type: "button", class: "button button--plain", value: "cancel" }, "Cancel");
  const dialog = el(
    "dialog",
    { class: "dialog dialog--progress", "aria-labelledby": "import-title" },
    el("h2", { class: "dialog-title", id: "import-title" }, text.title),
    bar,
    label,
    el("div", { class: "dialog-actions" }, cancel),
  );
  const stop = (): void => {
    if (cancel.disabled) return;
    cancel.disabled = true;
    cancel.textContent = "Cancelling…";
    label.textContent = "Cancelling: nothing will be saved…";
    void cancelImport().catch(() => {
      cancel.disabled = false;
      cancel.textContent = "Cancel";
    });
  };
  cancel.addEventListener("click", stop);
  // Escape cancels the import; the dialog closes when the import has stopped.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stop();
  });
  const previous = document.activeElement as HTMLElement | null;
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
  return {
    update(progress) {
      if (cancel.disabled) return;
      bar.max = Math.max(1, progress.total);
      bar.value = progress.done;
      const what = progress.stage === "preparing" ? "Reading posts" : "Saving posts";
      const threads = progress.threads > 1 ? ` in ${NUMBER.format(progress.threads)} threads` : "";
      label.textContent = `${what}: ${NUMBER.format(progress.done)} of ${NUMBER.format(progress.total)}${threads}`;
    },
    close() {
      if (dialog.open) dialog.close();
      dialog.remove();
      if (previous?.isConnected) previous.focus({ preventScroll: true });
    },
  };
}
