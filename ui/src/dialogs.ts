// Modal dialogs on <dialog>: the browser keeps focus inside and closes on Escape.
// Focus returns to where it was when the dialog closes.

import { el } from "./dom";

export interface Modal {
  readonly dialog: HTMLDialogElement;
  close(): void;
  /** Shows a one-line error inside the dialog (null clears it). */
  setError(message: string | null): void;
  /** Disables the dialog's buttons while work is in flight. */
  setBusy(busy: boolean): void;
}

export function openModal(options: {
  title: string;
  body: (Node | string)[];
  actions: HTMLButtonElement[];
  className?: string;
  /** Runs on submit (Enter in a field, or a submit button); the dialog stays open
   *  until this resolves true. */
  onSubmit?: () => Promise<boolean> | boolean;
  onClose?: () => void;
}): Modal {
  const previous = document.activeElement as HTMLElement | null;
  const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
  const error = el("p", { class: "dialog-error", role: "alert", hidden: true });
  const form = el(
    "form",
    { class: "dialog-form", method: "dialog" },
    el("h2", { class: "dialog-title", id: titleId }, options.title),
    ...options.body,
    error,
    el("div", { class: "dialog-actions" }, ...options.actions),
  );
  const dialog = el("dialog", { class: `dialog ${options.className ?? ""}`.trim(), "aria-labelledby": titleId }, form);

  const modal: Modal = {
    dialog,
    close() {
      if (dialog.open) dialog.close();
    },
    setError(message) {
      error.textContent = message ?? "";
      error.hidden = message === null;
    },
    setBusy(busy) {
      for (const button of options.actions) button.disabled = busy;
      dialog.toggleAttribute("aria-busy", busy);
    },
  };

  // Cancel buttons are plain buttons, so that Enter in a field submits, not cancels.
  for (const action of options.actions) {
    if (action.value !== "cancel") continue;
    action.type = "button";
    action.addEventListener("click", () => modal.close());
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!options.onSubmit) return modal.close();
    void (async () => {
      modal.setBusy(true);
      try {
        if (await options.onSubmit?.()) modal.close();
      } finally {
        modal.setBusy(false);
      }
    })();
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    options.onClose?.();
    if (previous?.isConnected) previous.focus({ preventScroll: true });
  });
  document.body.append(dialog);
  dialog.showModal();
  return modal;
}

export function button(label: string, options: { value?: string; kind?: "primary" | "danger" | "plain"; submit?: boolean } = {}): HTMLButtonElement {
  return el(
    "button",
    {
      type: options.submit === false ? "button" : "submit",
      value: options.value ?? "",
      class: `button button--${options.kind ?? "plain"}`,
    },
    label,
  );
}

/** Asks a yes/no question; resolves true if the user confirmed. Cancel has the focus. */
export function confirmDialog(options: { title: string; message: (Node | string)[]; confirm: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    let confirmed = false;
    const cancel = button("Cancel", { value: "cancel" });
    const ok = button(options.confirm, { value: "ok", kind: options.danger ? "danger" : "primary" });
    openModal({
      title: options.title,
      body: [el("div", { class: "dialog-message" }, ...options.message)],
      actions: [cancel, ok],
      className: "dialog--confirm",
      onSubmit: () => {
        confirmed = true;
        return true;
      },
      onClose: () => resolve(confirmed),
    });
    cancel.focus();
  });
}
