// threadmark:// links opened from outside (a click in a note, `threadmark open`, the
// desktop entry): the Rust side keeps them until asked (src-tauri/src/links.rs) and
// sends "link-opened" when one arrives; this asks at start and on each event. A link
// shows its thread at the post; a highlight is then focused in the text, or, when
// orphaned, in the highlights panel's Orphans. A link to what the library does not
// hold is said in a message, and nothing else changes.

import { currentSession, type Session } from "./highlighting";
import { type OpenedLink, asCommandError, onLinkOpened, takeLinks as takeWaiting } from "./ipc";
import { threadHref } from "./route";
import { toast } from "./toast";
import { showOrphan } from "./views/highlights-panel";

/** How long to wait for the thread to show its highlights. */
const WAIT_MS = 15_000;

/** Starts listening for links and handles those received before the page was ready. */
export async function startLinks(): Promise<void> {
  try {
    await onLinkOpened(() => void takeLinks());
  } catch (error) {
    toast(asCommandError(error).message, "error");
  }
  await takeLinks();
}

async function takeLinks(): Promise<void> {
  let links: OpenedLink[];
  try {
    links = await takeWaiting();
  } catch (error) {
    toast(asCommandError(error).message, "error");
    return;
  }
  // Several at once (clicked in a row before the window was up): the last one wins.
  const last = links.at(-1);
  if (last) await openLink(last);
}

async function openLink(link: OpenedLink): Promise<void> {
  if (link.error !== null || link.thread === null) {
    toast(link.error ?? `${link.link}: not in this library`, "error");
    return;
  }
  const href = threadHref(link.thread, link.post);
  if (location.hash !== href) location.hash = href;
  if (link.highlight === null) return;
  const uuid = link.highlight;
  const thread = link.thread;
  const started = Date.now();
  // The thread view renders, then its highlights load: wait for both, then go.
  while (Date.now() - started < WAIT_MS) {
    const session = currentSession();
    const h = session?.threadId === thread ? session.highlights.find((x) => x.uuid === uuid) : undefined;
    if (session && h && focusOn(session, h.id, h.state === "orphaned" || link.orphaned)) return;
    await new Promise((resolve) => window.setTimeout(resolve, 100));
  }
  toast(`${link.link}: the highlight could not be shown`, "error");
}

/** Focuses the highlight (true once it has focus). */
function focusOn(session: Session, id: number, orphaned: boolean): boolean {
  if (orphaned) return showOrphan(id);
  const mark = document.querySelector<HTMLElement>(`mark.hl[data-hl="${id}"]`);
  if (mark && document.activeElement === mark) return true;
  const h = session.highlights.find((x) => x.id === id);
  if (h) session.goToHighlight(h);
  return false;
}
