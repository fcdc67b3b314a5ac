// One thread: its posts in thread order, indented by depth. Post bodies are the core's
// sanitised HTML, inserted as they are (their textContent is the anchor space).
// j/k move the focus between posts; Escape or the back button returns to the library.

import { el, moveFocus } from "../dom";
import { count, formatDate, formatDateTime, isoDate, sourceName } from "../format";
import type { OpenedThread } from "../ipc";
import type { Post } from "../bindings/Post";
import type { View } from "./view";

/** Indentation stops growing past this depth; deeper replies keep the last step. */
const MAX_INDENT = 12;

export function threadView(opened: OpenedThread, onBack: () => void): View {
  const { thread, posts } = opened;
  const items = posts.map(postItem);

  const back = el("button", { type: "button", class: "back", title: "Back to the library (Esc)" }, "← Library");
  back.addEventListener("click", onBack);

  const list = el("ol", { class: "posts", "aria-label": "Posts" }, ...items);
  list.addEventListener("click", keepLinksOutOfTheWindow);

  const heading = el("h1", { class: "thread-heading", tabindex: -1 }, thread.title || "Untitled thread");
  const root = el(
    "div",
    { class: "screen screen--thread" },
    el("header", { class: "topbar" }, back, el("span", { class: "topbar-title" }, thread.title)),
    el(
      "main",
      { class: "thread", id: "main" },
      el(
        "header",
        { class: "thread-header" },
        heading,
        el(
          "p",
          { class: "thread-meta" },
          el("span", { class: `source source--${thread.source}` }, sourceName(thread.source)),
          el("span", {}, count(thread.posts, "post")),
          el("span", {}, "saved ", el("time", { datetime: isoDate(thread.importedAt) }, formatDate(thread.importedAt))),
          thread.url ? el("span", { class: "thread-url", title: thread.url }, thread.url) : null,
        ),
      ),
      posts.length > 0 ? list : el("p", { class: "empty" }, "This thread has no posts."),
    ),
    el(
      "footer",
      { class: "statusbar" },
      el("span", { class: "statusbar-keys" }, hint("j"), hint("k"), " move ", hint("Esc"), " back"),
    ),
  );

  return {
    root,
    onKey(event) {
      if (event.key === "Escape" || event.key === "Backspace") {
        onBack();
        return true;
      }
      if (event.key === "j") return moveFocus(items, 1) >= 0;
      if (event.key === "k") return moveFocus(items, -1) >= 0;
      return false;
    },
    focus() {
      window.scrollTo(0, 0);
      heading.focus({ preventScroll: true });
    },
  };
}

function postItem(post: Post): HTMLLIElement {
  const depth = Math.max(0, Math.min(post.depth, MAX_INDENT));
  const author = post.author
    ? el("span", { class: "post-author" }, post.author)
    : el("span", { class: "post-author post-author--anonymous" }, "anonymous");
  const body = el("div", { class: "post-body" });
  // Sanitised by the core (allow-list) before it was stored.
  body.innerHTML = post.html;

  return el(
    "li",
    {
      class: post.deleted ? "post post--deleted" : "post",
      tabindex: -1,
      id: `post-${post.sourceId}`,
      "data-depth": depth,
      "data-post-id": post.sourceId,
    },
    el(
      "header",
      { class: "post-head" },
      author,
      post.createdAt !== null
        ? el("time", { class: "post-time", datetime: isoDate(post.createdAt) }, formatDateTime(post.createdAt))
        : null,
      post.deleted ? el("span", { class: "post-flag" }, "deleted") : null,
      el("span", { class: "post-id" }, `#${post.sourceId}`),
    ),
    body,
  );
}

/** Links in posts must never navigate the app window (opening them in the system
 *  browser needs the opener plugin); the click is swallowed and the post focused. */
function keepLinksOutOfTheWindow(event: MouseEvent): void {
  const link = (event.target as Element | null)?.closest("a[href]");
  if (link) event.preventDefault();
  const post = (event.target as Element | null)?.closest<HTMLElement>(".post");
  if (post && !window.getSelection()?.toString()) post.focus({ preventScroll: true });
}

function hint(key: string): HTMLElement {
  return el("kbd", {}, key);
}
