// The Sync dialog (the folder, whether it is encrypted, this device, the last sync,
// what waits to go out, the folder's passphrase, "Sync now") and the conflicts view (every value that lost to a concurrent edit or
// delete, with Restore). Both are modal dialogs over the current screen; sync.ts
// decides when to sync and draws the footer.

import "../sync.css";
import { button, openModal } from "../dialogs";
import { el } from "../dom";
import { count, formatDateTime, isoDate, relativeTime } from "../format";
import { type Conflict, type SyncReport, asCommandError, pickFolder, restoreConflict, syncConflicts } from "../ipc";
import { brought, onSyncChange, refreshStatus, runSync, syncState } from "../sync";
import { conflictText, shown } from "./conflict-text";

/** One line on what a sync did. */
export function reportText(r: SyncReport): string {
  const parts = [`sent ${count(r.sent, "change")}`, `received ${count(r.received, "change")}`];
  // The folder lacked files (a new folder, or files gone): everything went out.
  if (r.fullCopy) {
    const where = r.fullCopy.newFolder ? "a new folder" : "the folder again";
    parts.unshift(`wrote everything to ${where}: ${count(r.fullCopy.records, "record")}, ${count(r.fullCopy.threads, "thread")}`);
  }
  if (brought(r) > 0) {
    const what = [
      r.threads ? count(r.threads, "thread") : "",
      r.highlights ? count(r.highlights, "highlight") : "",
      r.labels ? count(r.labels, "label") : "",
      r.reads ? count(r.reads, "read state", "read states") : "",
    ].filter(Boolean);
    parts.push(`updated ${what.join(", ")}`);
  }
  if (r.newConflicts) parts.push(count(r.newConflicts, "new conflict"));
  if (r.incomplete) parts.push(`${count(r.incomplete, "file")} still being copied (read next time)`);
  if (r.tampered) parts.push(`${count(r.tampered, "altered file")} not applied (they do not match the passphrase's key)`);
  const text = parts.join("; ");
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function row(term: string, value: Node | string): HTMLElement[] {
  return [el("dt", {}, term), el("dd", {}, value)];
}

/** The Sync setting. */
export function openSyncDialog(): void {
  const facts = el("dl", { class: "sync-facts" });
  const result = el("p", { class: "sync-result", role: "status" });
  const choose = button("Choose folder…", { submit: false });
  const close = button("Close", { value: "cancel" });
  const now = button("Sync now", { kind: "primary" });
  // The folder's passphrase: sent with the next sync, then cleared (the app keeps
  // the key derived from it, never the passphrase).
  const passphrase = el("input", {
    type: "password",
    id: "sync-passphrase",
    name: "passphrase",
    autocomplete: "off",
    spellcheck: "false",
    "aria-describedby": "sync-passphrase-hint",
  });
  const passphraseHint = el("span", { class: "sync-passphrase-hint", id: "sync-passphrase-hint" });
  const passphraseField = el("label", { class: "field sync-passphrase", for: "sync-passphrase" }, el("span", {}, "Passphrase (optional)"), passphrase, passphraseHint);
  const showConflicts = button("Show conflicts", { submit: false });
  showConflicts.addEventListener("click", () => {
    modal.close();
    openConflicts();
  });

  const draw = (): void => {
    const s = syncState();
    const status = s.status;
    const folder = status?.folder ?? null;
    const last = status?.lastSyncMs ?? null;
    facts.replaceChildren(
      ...row("Folder", folder ? el("code", { class: "sync-path" }, folder) : el("span", { class: "sync-none" }, "None: sync is off")),
      ...row("This device", status?.device ? el("code", {}, status.device) : el("span", { class: "sync-none" }, "Named at the first sync")),
      ...row(
        "Last sync",
        last === null ? "Never" : el("time", { datetime: isoDate(last / 1000), title: formatDateTime(last / 1000) }, relativeTime(last / 1000)),
      ),
      ...row("Waiting to go out", count(status?.outgoing ?? 0, "change")),
      ...row("Waiting for a thread", count(status?.pending ?? 0, "change")),
      ...row("Conflicts", el("span", {}, status?.conflicts ? `${status.conflictsOpen} open of ${status.conflicts}` : "None", " ", status?.conflicts ? showConflicts : "")),
      ...row(
        "Encryption",
        status?.encrypted === true
          ? status.needsPassphrase
            ? el("span", { class: "sync-warning" }, "On: enter the folder's passphrase below")
            : "On: the folder holds no readable notes"
          : status?.encrypted === false
            ? "Off"
            : el("span", { class: "sync-none" }, "Unknown until a folder is chosen"),
      ),
    );
    choose.textContent = folder ? "Change folder…" : "Choose folder…";
    passphraseHint.textContent =
      status?.encrypted === true
        ? status.needsPassphrase
          ? "The passphrase this folder was encrypted with on your other device."
          : "Given on this device: no need to type it again."
        : "Encrypts the files of a new, empty folder. Every device then needs it once; it cannot be recovered.";
    passphrase.disabled = s.syncing;
    now.disabled = !folder || s.syncing;
    choose.disabled = s.syncing;
    if (s.syncing) result.textContent = "Syncing…";
    else if (s.error) result.textContent = "";
    modal.setError(s.error ? `Sync failed: ${s.error}` : null);
  };

  const sync = async (folder: string | null): Promise<void> => {
    const report = await runSync(folder, passphrase.value || null);
    if (report) {
      result.textContent = reportText(report);
      passphrase.value = "";
    } else if (syncState().error && passphrase.value) {
      passphrase.focus();
      passphrase.select();
    }
  };
  choose.addEventListener("click", () => {
    void (async () => {
      let folder: string | null;
      try {
        folder = await pickFolder("Choose the folder to sync through");
      } catch (error) {
        modal.setError(asCommandError(error).message);
        return;
      }
      if (folder) await sync(folder);
    })();
  });

  const modal = openModal({
    title: "Sync",
    className: "dialog--sync",
    body: [
      el(
        "p",
        { class: "dialog-hint" },
        "Threadmark syncs through a folder you already sync to your other computers (Syncthing, Dropbox, a network share, a USB stick). It writes small change files under “threadmark” in that folder, never the library file. Sync runs at start, a few seconds after you edit, when another device's changes arrive, and every 30 seconds.",
      ),
      facts,
      passphraseField,
      el("div", { class: "sync-folder-actions" }, choose),
      result,
    ],
    actions: [close, now],
    onSubmit: async () => {
      if (!syncState().status?.folder) return false;
      await sync(null);
      return false;
    },
    onClose: () => stop(),
  });
  // The dialog's own busy state is the sync's: keep the buttons as draw() sets them.
  modal.setBusy = () => {};
  const stop = onSyncChange(draw);
  draw();
  (syncState().status?.needsPassphrase ? passphrase : syncState().status?.folder ? now : choose).focus();
}

function conflictItem(c: Conflict, restored: (c: Conflict) => void): HTMLElement {
  const when = c.writtenMs / 1000;
  const relative = relativeTime(when);
  const text = conflictText(c, syncState().status?.device ?? "", relative);
  const at = text.when.indexOf(relative);
  const restore = el("button", { type: "button", class: "button button--plain sync-restore" }, c.restored ? text.done : text.action);
  restore.disabled = c.restored;
  restore.setAttribute("aria-label", c.restored ? `${text.heading}: ${text.done.toLowerCase()}` : text.label);
  const values =
    text.sentence !== null
      ? el("p", { class: "sync-conflict-values" }, text.sentence)
      : el(
          "p",
          { class: "sync-conflict-values" },
          el("span", { class: "sync-lost" }, "Lost: ", el("code", {}, shown(c.value))),
          " ",
          el("span", { class: "sync-kept" }, c.lostTo === null ? `(the ${c.kind} was deleted)` : el("span", {}, "kept: ", el("code", {}, shown(c.lostTo)))),
        );
  const item = el(
    "li",
    { class: `sync-conflict${c.restored ? " sync-conflict--restored" : ""}`, "data-conflict": c.id, "data-reason": c.reason },
    el("h3", { class: "sync-conflict-what" }, text.heading),
    values,
    el(
      "p",
      { class: "sync-conflict-when" },
      text.when.slice(0, at),
      el("time", { datetime: isoDate(when), title: formatDateTime(when) }, relative),
      text.when.slice(at + relative.length),
    ),
    el("p", { class: "sr-only" }, c.summary),
    restore,
  );
  item.title = c.summary;
  restore.addEventListener("click", () => {
    restore.disabled = true;
    void restoreConflict(c.id).then(
      (done) => restored(done),
      (error: unknown) => {
        restore.disabled = false;
        item.append(el("p", { class: "dialog-error", role: "alert" }, asCommandError(error).message));
      },
    );
  });
  return item;
}

/** The conflicts view: every lost value, newest first, each with Restore. */
export function openConflicts(): void {
  const list = el("ul", { class: "sync-conflict-list", "aria-label": "Conflicts" });
  const note = el("p", { class: "sync-result", role: "status" });
  const close = button("Close", { value: "cancel" });
  const draw = (conflicts: Conflict[]): void => {
    list.replaceChildren(
      ...conflicts.map((c) =>
        conflictItem(c, (done) => {
          note.textContent = conflictText(done, syncState().status?.device ?? "", "").restoredNote;
          void refreshStatus();
          window.dispatchEvent(new CustomEvent("threadmark:reload"));
          void load(done.id);
        }),
      ),
    );
    if (conflicts.length === 0) list.replaceChildren(el("li", { class: "empty" }, "No conflicts: no edit was lost."));
  };
  const load = async (focus: number | null = null): Promise<void> => {
    try {
      draw(await syncConflicts());
      const target = focus === null ? list.querySelector<HTMLButtonElement>(".sync-restore:not(:disabled)") : list.querySelector<HTMLElement>(`[data-conflict="${focus}"] .sync-conflict-what`);
      if (target && focus !== null) target.tabIndex = -1;
      (target ?? close).focus();
    } catch (error) {
      modal.setError(asCommandError(error).message);
    }
  };
  const modal = openModal({
    title: "Sync conflicts",
    className: "dialog--conflicts",
    body: [
      el(
        "p",
        { class: "dialog-hint" },
        "When two devices changed the same thing before syncing, the later change is kept and the other is listed here; so is work on something another device deleted meanwhile, and an untag or unlink that another device’s tag or link undid. Restore makes a lost value the current one again (Re-apply takes the tag or link off again), on every device.",
      ),
      list,
      note,
    ],
    actions: [close],
  });
  void load();
}
