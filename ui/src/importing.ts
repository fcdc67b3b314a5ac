// Getting threads into the library from the window: the open-file dialog, a file
// dropped on the window, or pasted text. Each resolves to the new threads' ids, or
// null when the user cancelled; failures show the core's one-line message.

import { button, openModal } from "./dialogs";
import { el } from "./dom";
import { asCommandError, fetchUrl, importFile, importText, pickFile } from "./ipc";
import { CANCELLED_MESSAGE, trackImport, wasCancelled } from "./progress";
import { toast } from "./toast";

const FORMATS = "Plain text, Hacker News, Reddit, Lobsters or Discourse JSON, a saved Hacker News page, or a mailbox.";
const FETCHABLE = "Or paste the address of a Hacker News, Reddit, Lobsters or Discourse thread to download it.";

/** Whether pasted text is one web address (fetched) rather than a thread's text. */
export function isWebAddress(text: string): boolean {
  return /^https?:\/\/\S+$/i.test(text.trim());
}

/** The open-file dialog, then the import. */
export async function importFromDialog(): Promise<number[] | null> {
  let path: string | null;
  try {
    path = await pickFile();
  } catch (error) {
    toast(asCommandError(error).message, "error");
    return null;
  }
  return path === null ? null : importPaths([path]);
}

/** Files dropped on the window, one after the other; stops at the first failure. */
export async function importPaths(paths: string[]): Promise<number[] | null> {
  const ids: number[] = [];
  for (const path of paths) {
    try {
      ids.push(...(await trackImport(() => importFile(path))));
    } catch (error) {
      if (wasCancelled(error)) toast(CANCELLED_MESSAGE);
      else toast(asCommandError(error).message, "error");
      return ids.length > 0 ? ids : null;
    }
  }
  return ids;
}

/** The "Paste a thread" dialog, with `text` already in it (from a paste). */
export function pasteDialog(text = ""): Promise<number[] | null> {
  return new Promise((resolve) => {
    let result: number[] | null = null;
    const area = el("textarea", {
      class: "paste-text",
      name: "text",
      rows: 12,
      spellcheck: "false",
      "aria-label": "The thread's text",
      placeholder: "Paste the thread here",
    });
    area.value = text;
    const status = el("p", { class: "dialog-status", role: "status", hidden: true });
    const submitLabel = () => {
      const ok = modal.dialog.querySelector<HTMLButtonElement>('button[value="ok"]');
      if (ok) ok.textContent = isWebAddress(area.value) ? "Fetch" : "Import";
    };
    const title = el("input", { class: "paste-title", name: "title", type: "text", maxlength: 500, placeholder: "Title (optional: taken from the text)", "aria-label": "Title" });
    const modal = openModal({
      title: "Paste a thread",
      body: [
        el("p", { class: "dialog-hint" }, FORMATS, " ", FETCHABLE),
        area,
        status,
        el("label", { class: "field" }, el("span", {}, "Title"), title),
      ],
      actions: [button("Cancel", { value: "cancel" }), button("Import", { value: "ok", kind: "primary" })],
      className: "dialog--paste",
      onSubmit: async () => {
        if (!area.value.trim()) {
          modal.setError("Paste a thread's text first.");
          area.focus();
          return false;
        }
        if (isWebAddress(area.value)) {
          const url = area.value.trim();
          status.textContent = `Fetching ${url}…`;
          status.hidden = false;
          modal.setError(null);
          try {
            result = await fetchUrl(url, title.value.trim() || null);
            return true;
          } catch (error) {
            modal.setError(asCommandError(error).message);
            area.focus();
            return false;
          } finally {
            status.hidden = true;
          }
        }
        try {
          result = await trackImport(() => importText(area.value, title.value.trim() || null));
          return true;
        } catch (error) {
          modal.setError(wasCancelled(error) ? CANCELLED_MESSAGE : asCommandError(error).message);
          area.focus();
          return false;
        }
      },
      onClose: () => resolve(result),
    });
    area.addEventListener("input", submitLabel);
    submitLabel();
    // Enter in the text area is a new line; Ctrl+Enter imports.
    area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        modal.dialog.querySelector<HTMLButtonElement>('button[value="ok"]')?.click();
      }
    });
    area.focus();
  });
}
