// Short messages at the bottom of the window: what an action did, or its one-line
// error. Successes fade after a few seconds; errors stay until dismissed or replaced.

import { el } from "./dom";

let region: HTMLElement | null = null;

export function toast(message: string, kind: "ok" | "error" = "ok"): HTMLElement {
  if (!region?.isConnected) {
    region = el("div", { class: "toasts" });
    document.body.append(region);
  }
  const close = el("button", { type: "button", class: "toast-close", "aria-label": "Dismiss" }, "×");
  const item = el(
    "div",
    { class: `toast toast--${kind}`, role: kind === "error" ? "alert" : "status" },
    el("span", { class: "toast-text" }, message),
    close,
  );
  close.addEventListener("click", () => item.remove());
  // One message at a time: the newest replaces the others.
  region.replaceChildren(item);
  if (kind === "ok") window.setTimeout(() => item.remove(), 5000);
  return item;
}

export function clearToasts(): void {
  region?.replaceChildren();
}
