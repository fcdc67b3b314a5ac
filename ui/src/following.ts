// Following a thread in the reader: posts new or edited since the reader last read
// them are marked (a post decorator: a "New" or "Edited" flag, and for an edit a
// "Show changes" toggle with the word-level difference, outside the post's body so
// its text stays the anchor space); ] and [ walk them, opening collapsed ancestors;
// R (or the Refresh button) downloads the thread again. Posts that have been on
// screen are reported read (debounced). Highlights whose words an edit changed are
// flagged in the highlights panel.
//
// The marks are those found when the thread opened: a post read now keeps its mark
// until the thread is opened again, so ] and [ can go back to it.

import "./following.css";
import { el } from "./dom";
import { count } from "./format";
import {
  type NewsItem,
  type PostOutline,
  type RefreshReport,
  asCommandError,
  changedHighlights,
  followState,
  markAllRead,
  markRead,
  news,
  refreshThread,
} from "./ipc";
import { CANCELLED_REFRESH, trackImport, wasCancelled } from "./progress";
import { threadHref } from "./route";
import { toast } from "./toast";
import { addPostDecorator } from "./views/post";

/** How long after a post came on screen its read state is saved (batched). */
export const READ_DEBOUNCE_MS = 800;

/** Tells the router to show the current screen again (after a refresh). */
export function reloadScreen(): void {
  window.dispatchEvent(new CustomEvent("threadmark:reload"));
}

/** "+2 new, 1 edited, 0 removed" */
export function reportText(r: RefreshReport): string {
  return `+${r.new} new, ${r.edited} edited, ${r.removed} removed`;
}

/** Refreshes one thread with the import progress dialog; resolves to its report,
 *  or to the one-line error (shown unless `quiet`), or "cancelled". */
export async function refreshWithProgress(id: number, title: string, quiet = false): Promise<RefreshReport | "cancelled" | { error: string }> {
  try {
    return await trackImport(() => refreshThread(id), { title, waiting: "Downloading the thread…" });
  } catch (error) {
    if (wasCancelled(error)) {
      toast(CANCELLED_REFRESH);
      return "cancelled";
    }
    const message = asCommandError(error).message;
    if (!quiet) toast(message, "error");
    return { error: message };
  }
}

export interface FollowHost {
  threadId: number;
  outline: readonly PostOutline[];
  root: HTMLElement;
  /** Focuses post `index` (opening collapsed ancestors) in the middle of the screen. */
  focusPost(index: number): boolean;
  /** The focused post's index, or -1. */
  current(): number;
}

/** Following for the thread view: `ready` resolves once the marks are known (the
 *  view waits for it before drawing its first posts). */
export function threadFollowing(host: FollowHost): { ready: Promise<void>; onKey(event: KeyboardEvent): boolean; leave(): void } {
  const { threadId, outline, root } = host;
  const indexOf = new Map(outline.map((p, i) => [p.sourceId, i]));
  /** The news of this thread when it opened, by post source id. */
  const marks = new Map<string, NewsItem>();
  let order: number[] = [];
  let left = false;

  // ---- Header: Refresh, news count, mark all read ----------------------------------
  const refreshButton = el("button", { type: "button", class: "button follow-refresh", "aria-keyshortcuts": "Shift+R", title: "Download the thread again (R)", hidden: true }, "Refresh");
  refreshButton.addEventListener("click", () => void refresh());
  const summary = el("span", { class: "follow-summary", "aria-live": "polite" });
  const readAll = el("button", { type: "button", class: "button button--plain follow-read-all", hidden: true }, "Mark all read");
  readAll.addEventListener("click", () => {
    void markAllRead(threadId).then(
      () => {
        summary.textContent = "All read";
        readAll.hidden = true;
      },
      (error: unknown) => toast(asCommandError(error).message, "error"),
    );
  });
  const bar = el("div", { class: "follow-bar" }, summary, readAll, refreshButton);
  root.querySelector(".thread-header")?.append(bar);

  // ---- Marks on posts ----------------------------------------------------------------
  const removeDecorator = addPostDecorator((item, body, post, ctx) => {
    if (ctx.threadId !== threadId) return;
    watch(item, post.sourceId);
    const mark = marks.get(post.sourceId);
    if (!mark) return;
    item.classList.add("post--news", `post--news-${mark.change}`);
    const flag = el("span", { class: `news-flag news-flag--${mark.change}`, title: mark.change === "new" ? "New since you last read this thread" : "Edited since you read it" }, mark.change === "new" ? "New" : "Edited");
    // It says more than the last import's change mark, which it replaces.
    item.querySelector(".post-change")?.remove();
    const id = item.querySelector(".post-id");
    if (id) id.before(flag);
    else body.before(flag);
    if (mark.change === "edited" && mark.diff.length > 0) {
      const toggle = el("button", { type: "button", class: "news-diff-toggle", "aria-expanded": "false" }, "Show changes");
      const diff = diffView(mark);
      diff.hidden = true;
      toggle.addEventListener("click", () => {
        diff.hidden = !diff.hidden;
        toggle.setAttribute("aria-expanded", String(!diff.hidden));
        toggle.textContent = diff.hidden ? "Show changes" : "Hide changes";
      });
      body.after(el("div", { class: "news-diff-box" }, toggle, diff));
    }
  });

  // ---- Read state: posts on screen ---------------------------------------------------
  const seen = new Set<string>();
  const pending = new Set<string>();
  let timer = 0;
  const flush = (): void => {
    timer = 0;
    if (pending.size === 0) return;
    const posts = [...pending];
    pending.clear();
    void markRead(threadId, posts).catch(() => {
      // Not saved this time: tried again when the post is next on screen.
      for (const p of posts) seen.delete(p);
    });
  };
  const sourceOf = new WeakMap<Element, string>();
  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const post = sourceOf.get(entry.target);
        if (post === undefined || seen.has(post)) continue;
        if (!entry.target.isConnected) {
          observer.unobserve(entry.target);
          continue;
        }
        // Half of it on screen, or (a tall post) half a screen of it.
        const visible = entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= window.innerHeight / 2;
        if (!entry.isIntersecting || !visible) continue;
        seen.add(post);
        pending.add(post);
        observer.unobserve(entry.target);
        if (!timer) timer = window.setTimeout(flush, READ_DEBOUNCE_MS);
      }
    },
    { threshold: [0, 0.5, 1] },
  );
  function watch(item: HTMLElement, post: string): void {
    if (seen.has(post)) return;
    sourceOf.set(item, post);
    observer.observe(item);
  }

  // ---- Highlights changed by edits, flagged in the panel ------------------------------
  let changed = new Set<number>();
  const flagPanel = (): void => {
    for (const item of root.querySelectorAll<HTMLElement>(".hl-item[data-hl]")) {
      const id = Number(item.dataset.hl);
      const has = item.querySelector(".hl-item-edited");
      if (changed.has(id) && !has) {
        item.querySelector(".hl-item-head")?.append(el("span", { class: "hl-item-edited", title: "The words of this highlight changed in an edit of its post" }, "changed in an edit"));
      }
    }
  };
  const panelWatch = new MutationObserver(() => {
    if (changed.size > 0) flagPanel();
  });
  panelWatch.observe(root, { childList: true, subtree: true });

  // ---- Loading what is known -----------------------------------------------------------
  const ready = Promise.all([news(threadId), followState(), changedHighlights(threadId)])
    .then(([items, state, flagged]) => {
      if (left) return;
      for (const item of items ?? []) marks.set(item.post, item);
      order = [...marks.keys()].map((post) => indexOf.get(post) ?? -1).filter((i) => i >= 0).sort((a, b) => a - b);
      changed = new Set(flagged ?? []);
      flagPanel();
      refreshButton.hidden = !(state ?? []).some((t) => t.id === threadId && t.refreshable);
      if (order.length > 0) {
        const edited = [...marks.values()].filter((n) => n.change === "edited").length;
        summary.textContent = `${count(order.length - edited, "new post")}, ${edited} edited since you last read — ] next, [ previous`;
        readAll.hidden = false;
      }
    })
    .catch(() => {
      // Following is optional: a library that cannot answer shows the thread without it.
    });

  async function refresh(): Promise<void> {
    flush();
    const report = await refreshWithProgress(threadId, "Refreshing");
    if (report === "cancelled" || "error" in report) return;
    toast(`Refreshed: ${reportText(report)}.`);
    // The thread again, at the post being read.
    const href = threadHref(threadId, outline[host.current()]?.sourceId ?? null);
    if (location.hash === href) reloadScreen();
    else location.hash = href;
  }

  /** ] and [: the next or previous marked post from the focused one. */
  function walk(step: 1 | -1): boolean {
    if (order.length === 0) {
      toast("Nothing new or edited since you last read this thread.");
      return true;
    }
    const from = host.current();
    const next = step === 1 ? order.find((i) => i > from) : [...order].reverse().find((i) => i < from && from >= 0);
    if (next === undefined) {
      toast(step === 1 ? "No more new or edited posts below." : "No new or edited posts above.");
      return true;
    }
    return host.focusPost(next);
  }

  return {
    ready,
    onKey(event) {
      switch (event.key) {
        case "]":
          return walk(1);
        case "[":
          return walk(-1);
        case "R":
          if (refreshButton.hidden) return false;
          void refresh();
          return true;
        default:
          return false;
      }
    },
    leave() {
      left = true;
      window.clearTimeout(timer);
      flush();
      observer.disconnect();
      panelWatch.disconnect();
      removeDecorator();
      bar.remove();
    },
  };
}

/** The word-level difference of an edited post: removed words struck through, added
 *  ones underlined, built as text nodes. */
export function diffView(item: NewsItem): HTMLElement {
  const box = el("div", { class: "news-diff", role: "group", "aria-label": "Changes in this edit" });
  for (const part of item.diff) {
    if (part.kind === "same") box.append(part.text);
    else if (part.kind === "removed") box.append(el("del", { class: "diff-removed" }, part.text));
    else box.append(el("ins", { class: "diff-added" }, part.text));
  }
  return box;
}
