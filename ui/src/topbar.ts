// The bar at the top of every screen: what the screen puts on the left, the one
// search box (all threads), the theme switch and the help button.

import { el } from "./dom";
import { openExport } from "./exporting";
import { openHelp } from "./help";
import { searchHref } from "./route";
import { cycleTheme, themeChoice, themeLabel } from "./theme";

export function topbar(left: (Node | null)[], query = "", thread: number | null = null): HTMLElement {
  const input = el("input", {
    type: "search",
    id: "search",
    class: "search-input",
    name: "q",
    placeholder: "Search all threads",
    "aria-label": "Search all threads",
    "aria-keyshortcuts": "/",
    autocomplete: "off",
    spellcheck: "false",
  });
  input.value = query;
  const form = el("form", { class: "search-form", role: "search" }, input, el("kbd", { class: "search-key", "aria-hidden": "true" }, "/"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    const href = searchHref(q, thread);
    if (location.hash === href) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = href;
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      if (input.value && input.value !== query) input.value = query;
      else input.blur();
    }
  });

  const theme = el("button", { type: "button", class: "icon-button theme-toggle", "aria-keyshortcuts": "t" });
  showTheme(theme);
  theme.addEventListener("click", () => void cycleTheme());

  const help = el("button", { type: "button", class: "icon-button help-button", title: "Keyboard shortcuts (?)", "aria-label": "Keyboard shortcuts", "aria-keyshortcuts": "?" }, "?");
  help.addEventListener("click", openHelp);

  const exporting = el("button", { type: "button", class: "icon-button export-button", title: "Export and backup (x)", "aria-label": "Export and backup", "aria-keyshortcuts": "x" }, "⇪");
  exporting.addEventListener("click", () => void openExport(() => window.dispatchEvent(new HashChangeEvent("hashchange"))));

  return el("header", { class: "topbar" }, ...left, form, el("div", { class: "topbar-tools" }, exporting, theme, help));
}

/** Puts the keyboard in the search box (the `/` key). */
export function focusSearch(): boolean {
  const input = document.getElementById("search") as HTMLInputElement | null;
  if (!input) return false;
  input.focus();
  input.select();
  return true;
}

/** Shows the current theme on a theme button (every one in the document by default). */
export function showTheme(...buttons: HTMLElement[]): void {
  const targets = buttons.length > 0 ? buttons : [...document.querySelectorAll<HTMLElement>(".theme-toggle")];
  const choice = themeChoice();
  for (const theme of targets) {
    theme.textContent = choice === "dark" ? "☾" : choice === "light" ? "☀" : "◐";
    theme.title = `${themeLabel()} (t to switch)`;
    theme.setAttribute("aria-label", `${themeLabel()}: switch theme`);
    theme.dataset.theme = choice;
  }
}
