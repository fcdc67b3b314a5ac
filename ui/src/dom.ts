// Small DOM helpers. Elements are built with properties, never with style attributes
// or inline handlers: the CSP forbids both.

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates `<tag class=…>` with attributes and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === "class") node.className = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child);
  }
  return node;
}

/** Moves focus within `items` by `step`, clamped at the ends; from outside them, to the
 *  first item on screen (so j after scrolling starts where the reader is). Returns the
 *  new index. */
export function moveFocus(items: HTMLElement[], step: number): number {
  if (items.length === 0) return -1;
  const current = items.indexOf(document.activeElement as HTMLElement);
  const next = current === -1 ? firstOnScreen(items) : Math.min(items.length - 1, Math.max(0, current + step));
  const target = items[next];
  target?.focus({ preventScroll: true });
  target?.scrollIntoView({ block: "nearest" });
  return next;
}

/** Roughly the sticky top bar: an item hidden under it does not count as on screen. */
const COVERED_TOP_PX = 64;

/** The index of the first item whose lower edge shows below the top bar. */
function firstOnScreen(items: HTMLElement[]): number {
  let low = 0;
  let high = items.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    const item = items[middle];
    if (item && item.getBoundingClientRect().bottom <= COVERED_TOP_PX) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** True when a key event comes from a text field, where letters are typing, not commands. */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** True when the event carries a modifier that makes it a shortcut of the webview itself. */
export function hasModifier(event: KeyboardEvent): boolean {
  return event.ctrlKey || event.metaKey || event.altKey;
}
