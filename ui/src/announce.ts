// One polite live region for the whole app: what a key did that the eye sees but a
// screen reader would not (a post collapsed, a highlight added, selection mode). The
// region is in the page from the start (a region added together with its text is not
// read by every screen reader), visually hidden, and holds one message at a time.

let region: HTMLElement | null = null;

function ensureRegion(): HTMLElement {
  if (region?.isConnected) return region;
  region = document.createElement("div");
  region.className = "sr-only";
  region.id = "announcer";
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.setAttribute("aria-atomic", "true");
  document.body.append(region);
  return region;
}

ensureRegion();

/** Says `message` politely (after what the screen reader is saying). The same message
 *  twice in a row is said twice. */
export function announce(message: string): void {
  const live = ensureRegion();
  live.textContent = "";
  // A new text node a frame later: screen readers hear a change even when the text is
  // the same as the last one.
  window.requestAnimationFrame(() => {
    live.textContent = message;
  });
}

