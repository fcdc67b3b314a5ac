// Export and backup from the window: one dialog with the format, the scope (the
// thread being read, or the whole library) and the destination, chosen with the
// system's save dialog (or a folder, for a library exported one file per thread);
// below it, a backup of the whole library and a restore from one.

import { button, openModal } from "./dialogs";
import { el } from "./dom";
import {
  asCommandError,
  type ExportFormatName,
  exportThreads,
  listThreads,
  pickBackup,
  pickFolder,
  pickSavePath,
  type RestoreSummary,
  restoreBackup,
  type ThreadSummary,
} from "./ipc";
import { parseRoute } from "./route";
import { toast } from "./toast";

interface FormatChoice {
  name: ExportFormatName;
  label: string;
  hint: string;
  extension: string;
  /** A library export is a folder of one file per thread. */
  perThread: boolean;
}

export const FORMATS: FormatChoice[] = [
  { name: "md", label: "Markdown", hint: "For Obsidian and notes: highlights, then the thread.", extension: "md", perThread: true },
  { name: "html", label: "Web page", hint: "One offline page: the thread with its highlights and notes.", extension: "html", perThread: true },
  { name: "argdown", label: "Argument map (Argdown)", hint: "Claims with the evidence and rebuttals linked to them.", extension: "argdown", perThread: true },
  { name: "csv", label: "Spreadsheet (CSV)", hint: "One row per highlight.", extension: "csv", perThread: false },
  { name: "w3c", label: "Web Annotation (W3C)", hint: "JSON-LD for annotation tools.", extension: "jsonld", perThread: false },
  { name: "json", label: "Backup (JSON)", hint: "Everything, to restore later.", extension: "json", perThread: false },
];

/** A file name like the core's: `ID-title-words.ext`. */
export function fileName(thread: Pick<ThreadSummary, "id" | "title">, extension: string): string {
  const words = thread.title.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  let slug = "";
  for (const word of words) {
    if (slug.length + word.length + 1 > 60) break;
    slug = slug ? `${slug}-${word}` : word;
  }
  return slug ? `${thread.id}-${slug}.${extension}` : `${thread.id}.${extension}`;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function restoreMessage(r: RestoreSummary): string {
  const parts = [
    `${r.threadsCreated} new thread${r.threadsCreated === 1 ? "" : "s"}`,
    `${r.threadsMerged} merged`,
    `${r.highlightsAdded} highlight${r.highlightsAdded === 1 ? "" : "s"} added`,
    `${r.highlightsUpdated} updated`,
  ];
  if (r.linksAdded > 0) parts.push(`${r.linksAdded} link${r.linksAdded === 1 ? "" : "s"} added`);
  if (r.highlightsOrphaned > 0) parts.push(`${r.highlightsOrphaned} orphaned (words not found)`);
  if (r.annotationsSkipped > 0) {
    parts.push(`${r.annotationsSkipped} annotation${r.annotationsSkipped === 1 ? "" : "s"} on no saved thread`);
  }
  return `Restored: ${parts.join(", ")}.`;
}

/** Opens the export dialog; the scope starts on the thread being read, if any. */
export async function openExport(onRestored?: () => void): Promise<void> {
  let threads: ThreadSummary[];
  try {
    threads = await listThreads();
  } catch (error) {
    toast(asCommandError(error).message, "error");
    return;
  }
  const route = parseRoute(location.hash);
  const current = route.view === "thread" ? threads.find((t) => t.id === route.id) ?? null : null;

  const formatList = el("div", { class: "export-formats", role: "radiogroup", "aria-label": "Format" });
  FORMATS.forEach((f, i) => {
    const input = el("input", { type: "radio", name: "export-format", value: f.name, id: `export-format-${f.name}` });
    input.checked = i === 0;
    formatList.append(
      el(
        "label",
        { class: "export-choice", for: `export-format-${f.name}` },
        input,
        el("span", { class: "export-choice-name" }, f.label),
        el("span", { class: "export-choice-hint" }, f.hint),
      ),
    );
  });

  const scopeThread = el("input", { type: "radio", name: "export-scope", value: "thread", id: "export-scope-thread" });
  const scopeLibrary = el("input", { type: "radio", name: "export-scope", value: "library", id: "export-scope-library" });
  scopeThread.disabled = current === null;
  scopeThread.checked = current !== null;
  scopeLibrary.checked = current === null;
  const scope = el(
    "fieldset",
    { class: "export-scope" },
    el("legend", {}, "What"),
    el(
      "label",
      { for: "export-scope-thread", class: "export-choice" },
      scopeThread,
      el("span", { class: "export-choice-name" }, current ? `This thread: “${current.title}”` : "This thread (open a thread first)"),
    ),
    el(
      "label",
      { for: "export-scope-library", class: "export-choice" },
      scopeLibrary,
      el("span", { class: "export-choice-name" }, `The whole library (${threads.length} thread${threads.length === 1 ? "" : "s"})`),
    ),
  );
  const where = el("p", { class: "export-where", "aria-live": "polite" });

  const chosen = (): { format: FormatChoice; library: boolean } => {
    const name = formatList.querySelector<HTMLInputElement>("input:checked")?.value;
    const format = FORMATS.find((f) => f.name === name) ?? FORMATS[0]!;
    return { format, library: scopeLibrary.checked };
  };
  const describe = () => {
    const { format, library } = chosen();
    where.textContent =
      library && format.perThread
        ? `You choose a folder; each thread becomes one .${format.extension} file in it.`
        : `You choose where to save one .${format.extension} file.`;
  };
  formatList.addEventListener("change", describe);
  scope.addEventListener("change", describe);
  describe();

  const backupButton = button("Back up the library…", { submit: false });
  const restoreButton = button("Restore from a backup…", { submit: false });
  const backup = el(
    "section",
    { class: "export-backup" },
    el("h3", {}, "Backup"),
    el("p", { class: "export-choice-hint" }, "A JSON file with every thread, highlight, label and link. Restoring merges it in without duplicates; the newer edit of a highlight wins."),
    el("div", { class: "export-backup-actions" }, backupButton, restoreButton),
  );

  const cancel = button("Cancel", { value: "cancel" });
  const go = button("Export…", { kind: "primary" });
  const modal = openModal({
    title: "Export",
    body: [formatList, scope, where, backup],
    actions: [cancel, go],
    className: "dialog--export",
    onSubmit: async () => {
      const { format, library } = chosen();
      const ids = library || !current ? [] : [current.id];
      const folder = library && format.perThread;
      const path = folder
        ? await pickFolder("Export the library into a folder")
        : await pickSavePath(
            "Export",
            library || !current ? `threadmark-library.${format.extension}` : fileName(current, format.extension),
            { name: format.label, extensions: [format.extension] },
          );
      if (path === null) return false;
      try {
        const written = await exportThreads(ids, format.name, path, folder);
        toast(folder ? `Exported ${written.length} file${written.length === 1 ? "" : "s"} to ${path}.` : `Exported to ${written[0] ?? path}.`);
        return true;
      } catch (error) {
        modal.setError(asCommandError(error).message);
        return false;
      }
    },
  });

  backupButton.addEventListener("click", () => {
    void (async () => {
      modal.setError(null);
      try {
        const path = await pickSavePath("Back up the library", `threadmark-backup-${today()}.json`, { name: "Threadmark backup", extensions: ["json"] });
        if (path === null) return;
        await exportThreads([], "json", path, false);
        toast(`Backed up ${threads.length} thread${threads.length === 1 ? "" : "s"} to ${path}.`);
        modal.close();
      } catch (error) {
        modal.setError(asCommandError(error).message);
      }
    })();
  });
  restoreButton.addEventListener("click", () => {
    void (async () => {
      modal.setError(null);
      try {
        const path = await pickBackup();
        if (path === null) return;
        const summary = await restoreBackup(path);
        toast(restoreMessage(summary));
        modal.close();
        onRestored?.();
      } catch (error) {
        modal.setError(asCommandError(error).message);
      }
    })();
  });
  (formatList.querySelector<HTMLInputElement>("input:checked") ?? go).focus();
}
