// Light and dark: the system's choice unless the user picked one, which is kept.
// The stylesheet reads `data-theme` on <html>; without it, prefers-color-scheme wins.

import { type ThemeChoice, loadTheme, saveTheme } from "./prefs";

const ORDER: ThemeChoice[] = ["system", "light", "dark"];
const LABELS: Record<ThemeChoice, string> = { system: "System theme", light: "Light theme", dark: "Dark theme" };

let current: ThemeChoice = "system";

export function initTheme(): void {
  apply(loadTheme());
}

export function themeChoice(): ThemeChoice {
  return current;
}

export function themeLabel(choice: ThemeChoice = current): string {
  return LABELS[choice];
}

/** System → light → dark → system. */
export function cycleTheme(): ThemeChoice {
  const next = ORDER[(ORDER.indexOf(current) + 1) % ORDER.length] ?? "system";
  saveTheme(next);
  apply(next);
  return next;
}

function apply(choice: ThemeChoice): void {
  current = choice;
  const root = document.documentElement;
  if (choice === "system") root.removeAttribute("data-theme");
  else root.dataset.theme = choice;
}
