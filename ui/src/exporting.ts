// Export and backup from the window: one dialog with the format, the scope (the
// thread being read, or the whole library) and the destination, chosen with the
// system's save dialog (or a folder, for a library exported one file per thread);
// below it, a backup of the whole library and a restore from one. The argument map
// as a picture: SVG from the core, PNG drawn by the webview from that SVG on a canvas.

import { button, openModal } from "./dialogs";
import { el } from "./dom";
import {
  argumentSvg,
  asCommandError,
  type ExportFormatName,
  exportThreads,
  listThreads,
  pickBackup,
  pickFolder,
  pickSavePath,
  type RestoreSummary,
  restoreBackup,
  savePng,
  type ThreadSummary,
} from "./ipc";
import { parseRoute } from "./route";
import { toast } from "./toast";

interface FormatChoice {
  /** png is drawn here, not by the core. */
  name: ExportFormatName | "png";
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
  { name: "svg", label: "Argument map picture (SVG)", hint: "The argument graph: claims on top, what answers them below.", extension: "svg", perThread: true },
  { name: "png", label: "Argument map picture (PNG)", hint: "The same graph as an image, for one thread.", extension: "png", perThread: false },
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
      if (format.name === "png") {
        if (library || !current) {
          modal.setError("A PNG picture is one thread's argument map: open the thread and choose This thread.");
          return false;
        }
        const path = await pickSavePath("Export", fileName(current, "png"), { name: format.label, extensions: ["png"] });
        if (path === null) return false;
        try {
          await savePng(path, await svgToPng(await argumentSvg(current.id)));
          toast(`Exported to ${path}.`);
          return true;
        } catch (error) {
          modal.setError(error instanceof Error ? error.message : asCommandError(error).message);
          return false;
        }
      }
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
        const written = await exportThreads(ids, format.name as ExportFormatName, path, folder);
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

/** Draws an SVG document on a canvas (twice its size, for sharp text) and returns
 *  the PNG's bytes. The SVG is self-contained, so the canvas stays readable. */
export async function svgToPng(svg: string, scale = 2): Promise<Uint8Array> {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const image = new Image();
  image.src = `data:image/svg+xml;base64,${btoa(binary)}`;
  await image.decode();
  // At most 8192 pixels a side (canvases have limits).
  scale = Math.min(scale, 8192 / Math.max(1, image.naturalWidth, image.naturalHeight));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("The picture could not be drawn: no canvas.");
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("The picture could not be drawn as a PNG.");
  return new Uint8Array(await blob.arrayBuffer());
}
