// The labels editor (key l in a thread, or Labels… in the highlights panel): name,
// colour, shortcut key and order of every label; add one; delete one, choosing what
// becomes of its highlights (move them to another label, keep them unlabelled, or
// delete them).

import { button, openModal } from "../dialogs";
import { el } from "../dom";
import { RESERVED_KEYS, dot } from "../highlighting";
import {
  type Label,
  type LabelRemoval,
  addLabel,
  asCommandError,
  deleteLabel,
  labelUsage,
  labels as loadLabels,
  reorderLabels,
  updateLabel,
} from "../ipc";

/** Why `key` cannot be a shortcut, or null. */
function keyProblem(key: string): string | null {
  if (key === "") return null;
  if ([...key].length !== 1) return "A shortcut is a single key.";
  if (RESERVED_KEYS.has(key.toLowerCase())) return `“${key}” is already a Threadmark key; choose another.`;
  return null;
}

export function openLabelsEditor(onChange: () => void): void {
  const rows = el("ol", { class: "labels-list" });
  const modal = openModal({
    title: "Labels",
    body: [
      el("p", { class: "dialog-help" }, "Each label has a colour and a key: select text in a post and press the key to highlight it."),
      rows,
    ],
    actions: [button("Add label", { value: "add" }), button("Done", { value: "cancel", kind: "primary" })],
    className: "dialog--labels",
    onClose: onChange,
  });
  const add = modal.dialog.querySelector<HTMLButtonElement>("button[value=add]");
  if (add) {
    add.type = "button";
    add.addEventListener("click", () => void addOne());
  }
  let labels: Label[] = [];

  async function refresh(focus?: { id: number; field: string }): Promise<void> {
    labels = await loadLabels();
    rows.replaceChildren(...labels.map((l, i) => row(l, i)));
    if (focus) rows.querySelector<HTMLElement>(`[data-label-id="${focus.id}"] [name=${focus.field}]`)?.focus();
  }

  async function run(work: () => Promise<unknown>, focus?: { id: number; field: string }): Promise<void> {
    modal.setError(null);
    try {
      await work();
    } catch (error) {
      modal.setError(asCommandError(error).message);
    }
    await refresh(focus);
  }

  function row(label: Label, i: number): HTMLElement {
    const name = el("input", { class: "field", name: "name", type: "text", value: label.name, "aria-label": `Name of label ${i + 1} (${label.name})`, maxlength: 40 });
    const color = el("input", { class: "field field--color", name: "color", type: "color", value: label.color, "aria-label": `Colour of ${label.name}` });
    const key = el("input", { class: "field field--key", name: "key", type: "text", value: label.shortcut ?? "", "aria-label": `Key of ${label.name}`, maxlength: 2 });
    const save = (field: string): void => {
      const problem = keyProblem(key.value.trim());
      if (problem) {
        modal.setError(problem);
        key.value = label.shortcut ?? "";
        return;
      }
      void run(() => updateLabel(label.id, { name: name.value, color: color.value, shortcut: key.value.trim() || null }), { id: label.id, field });
    };
    name.addEventListener("change", () => save("name"));
    color.addEventListener("change", () => save("color"));
    key.addEventListener("change", () => save("key"));
    for (const input of [name, key]) {
      input.addEventListener("keydown", (event) => {
        // Enter saves the field instead of submitting the dialog.
        if (event.key === "Enter") {
          event.preventDefault();
          input.blur();
        }
      });
    }
    const move = (by: number): void => {
      const ids = labels.map((l) => l.id);
      const [moved] = ids.splice(i, 1);
      if (moved === undefined) return;
      ids.splice(i + by, 0, moved);
      void run(() => reorderLabels(ids), { id: label.id, field: by < 0 ? "up" : "down" });
    };
    const up = el("button", { type: "button", class: "hl-tool hl-tool--small", name: "up", "aria-label": `Move ${label.name} up`, disabled: i === 0 }, "↑");
    const down = el("button", { type: "button", class: "hl-tool hl-tool--small", name: "down", "aria-label": `Move ${label.name} down`, disabled: i === labels.length - 1 }, "↓");
    up.addEventListener("click", () => move(-1));
    down.addEventListener("click", () => move(1));
    const del = el("button", { type: "button", class: "hl-tool hl-tool--small hl-tool--danger", name: "delete", "aria-label": `Delete ${label.name}` }, "Delete");
    del.addEventListener("click", () => void remove(label));
    const sample = el("span", { class: "label-sample" }, el("mark", { class: "hl" }, "sample text"));
    sample.querySelector<HTMLElement>("mark")?.style.setProperty("--hl", label.color);
    return el("li", { class: "labels-row", "data-label-id": label.id }, dot(label.color), name, color, key, sample, up, down, del);
  }

  async function addOne(): Promise<void> {
    const used = new Set(labels.map((l) => l.name.toLowerCase()));
    let n = labels.length + 1;
    while (used.has(`label ${n}`)) n++;
    let created: Label | null = null;
    await run(async () => {
      created = await addLabel({ name: `Label ${n}`, color: "#0b7285", shortcut: null });
    });
    const id = (created as Label | null)?.id;
    if (id !== undefined) rows.querySelector<HTMLInputElement>(`[data-label-id="${id}"] [name=name]`)?.select();
  }

  async function remove(label: Label): Promise<void> {
    const uses = await labelUsage(label.id).catch(() => 0);
    const others = labels.filter((l) => l.id !== label.id);
    const choice = await askRemoval(label, uses, others);
    if (!choice) return;
    await run(() => deleteLabel(label.id, choice));
  }

  void refresh();
}

/** Asks what becomes of a deleted label's highlights; null: keep the label. */
function askRemoval(label: Label, uses: number, others: Label[]): Promise<LabelRemoval | null> {
  return new Promise((resolve) => {
    let answer: LabelRemoval | null = null;
    const target = el("select", { class: "field", name: "moveTo", "aria-label": "Label to move them to" }, ...others.map((l) => el("option", { value: l.id }, l.name)));
    const radio = (value: string, text: (Node | string)[], checked = false): HTMLElement =>
      el("label", { class: "dialog-choice" }, el("input", { type: "radio", name: "then", value, checked }), ...text);
    const body: (Node | string)[] =
      uses === 0
        ? [el("p", {}, `No highlight carries “${label.name}”.`)]
        : [
            el("p", {}, `${uses === 1 ? "1 highlight carries" : `${uses} highlights carry`} “${label.name}”. What becomes of ${uses === 1 ? "it" : "them"}?`),
            others.length ? radio("move", ["Move to ", target], true) : null,
            radio("unlabel", ["Keep without a label"], others.length === 0),
            radio("delete", [uses === 1 ? "Delete it" : "Delete them"]),
          ].filter((x): x is HTMLElement => x !== null);
    const modal = openModal({
      title: `Delete the label “${label.name}”?`,
      body,
      actions: [button("Cancel", { value: "cancel" }), button("Delete label", { kind: "danger", submit: true })],
      onSubmit: () => {
        const then = modal.dialog.querySelector<HTMLInputElement>("input[name=then]:checked")?.value ?? "unlabel";
        answer = then === "move" ? { then: "move", moveTo: Number(target.value) } : then === "delete" ? { then: "delete" } : { then: "unlabel" };
        return true;
      },
      onClose: () => resolve(answer),
    });
  });
}
