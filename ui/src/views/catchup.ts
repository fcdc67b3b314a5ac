// The catch-up queue: every unread new or edited post of every thread, grouped by
// thread, each under its parent (for context) and opening at the post in its
// thread. An edited post shows what its edit changed, word by word. A thread, or
// everything, can be marked read. Keys: j/k move between posts, Enter opens one.

import "../following.css";
import { el, moveFocus } from "../dom";
import { count } from "../format";
import { diffView } from "../following";
import { type NewsItem, asCommandError, markAllRead } from "../ipc";
import { threadHref } from "../route";
import { toast } from "../toast";
import { topbar } from "../topbar";
import type { View } from "./view";

/** The longest excerpt of a parent shown for context. */
const PARENT_CHARS = 240;

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function catchUpView(items: NewsItem[], back: { label: string; go: () => void }, reload: () => void): View {
  const backButton = el("button", { type: "button", class: "back", title: `${back.label} (Esc)` }, `← ${back.label}`);
  backButton.addEventListener("click", back.go);
  const links: HTMLAnchorElement[] = [];
  const groups = new Map<number, NewsItem[]>();
  for (const item of items) {
    const group = groups.get(item.threadId);
    if (group) group.push(item);
    else groups.set(item.threadId, [item]);
  }

  const markRead = async (id: number | null, what: string): Promise<void> => {
    try {
      await markAllRead(id);
      toast(`${what} marked read.`);
      reload();
    } catch (error) {
      toast(asCommandError(error).message, "error");
    }
  };

  const sections = [...groups].map(([threadId, posts]) => {
    const title = posts[0]?.threadTitle || "Untitled thread";
    const readThread = el("button", { type: "button", class: "button button--plain" }, "Mark thread read");
    readThread.addEventListener("click", () => void markRead(threadId, `“${title}”`));
    const edited = posts.filter((p) => p.change === "edited").length;
    return el(
      "section",
      { class: "catchup-thread", "aria-label": title },
      el(
        "header",
        { class: "catchup-thread-head" },
        el("h2", { class: "catchup-thread-title" }, el("a", { href: threadHref(threadId), class: "catchup-thread-link" }, title)),
        el("span", { class: "catchup-thread-count" }, `${count(posts.length - edited, "new post")}, ${edited} edited`),
        readThread,
      ),
      el("ol", { class: "catchup-list" }, ...posts.map((p) => entry(p))),
    );
  });

  function entry(item: NewsItem): HTMLLIElement {
    const link = el(
      "a",
      { class: `catchup-post catchup-post--${item.change}`, href: threadHref(item.threadId, item.post), "data-post": item.post, "data-thread": item.threadId },
      el(
        "span",
        { class: "catchup-post-head" },
        el("span", { class: `news-flag news-flag--${item.change}` }, item.change === "new" ? "New" : "Edited"),
        el("span", { class: "post-author" }, item.author ?? "anonymous"),
        el("span", { class: "post-id" }, `#${item.post}`),
      ),
      item.change === "edited" && item.diff.length > 0 ? diffView(item) : el("span", { class: "catchup-post-text" }, item.text),
    );
    links.push(link);
    return el(
      "li",
      { class: "catchup-item" },
      item.parent
        ? el(
            "p",
            { class: "catchup-parent" },
            el("span", { class: "catchup-parent-label" }, `In reply to ${item.parent.author ?? "anonymous"} #${item.parent.post}: `),
            excerpt(item.parent.text, PARENT_CHARS),
          )
        : null,
      link,
    );
  }

  const readEverything = el("button", { type: "button", class: "button" }, "Mark everything read");
  readEverything.addEventListener("click", () => void markRead(null, "Everything"));
  readEverything.hidden = items.length === 0;
  const heading = el("h1", { class: "section-title", tabindex: -1 }, "Catch up");
  const root = el(
    "div",
    { class: "screen screen--catchup" },
    topbar([backButton, el("span", { class: "topbar-title" }, "Catch up")]),
    el(
      "main",
      { class: "catchup", id: "main" },
      el(
        "div",
        { class: "library-head" },
        heading,
        el("span", { class: "catchup-total" }, items.length === 0 ? "" : `${count(items.length, "post")} in ${count(groups.size, "thread")}`),
        readEverything,
      ),
      items.length === 0
        ? el("p", { class: "empty catchup-empty" }, "Nothing new or edited since you last read. Refresh threads from the library (R) to look for more.")
        : null,
      ...sections,
    ),
  );

  return {
    root,
    onKey(event) {
      switch (event.key) {
        case "Escape":
        case "Backspace":
          back.go();
          return true;
        case "j":
          return moveFocus(links, 1) >= 0;
        case "k":
          return moveFocus(links, -1) >= 0;
        default:
          return false;
      }
    },
    focus() {
      (links[0] ?? heading).focus();
    },
  };
}
