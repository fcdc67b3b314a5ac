// One thread as a tree: posts in thread order, each with depth rails for its
// ancestors, author (OP marked), relative time (absolute in the tooltip), and a
// collapse control that folds the post and its replies, showing how many are hidden.
// Post bodies are the core's sanitised HTML, inserted as they are (their textContent
// is the anchor space). Keys: j/k post, n/p top-level post, u parent, space collapse.

import { el } from "../dom";
import { count, formatDate, formatDateTime, isoDate, relativeTime, sourceName } from "../format";
import type { OpenedThread } from "../ipc";
import { markMatches, queryPattern } from "../marks";
import type { Post } from "../bindings/Post";
import { topbar } from "../topbar";
import { type Tree, ancestors, buildTree, hiddenPosts } from "../tree";
import type { View } from "./view";

/** Rails stop growing past this depth; deeper replies keep the last indentation. */
const MAX_RAILS = 12;
/** Roughly the sticky top bar: the post under this line is the one being read. */
const READING_LINE_PX = 72;

export interface ThreadTarget {
  /** A post to open the thread at (source id). */
  post: string | null;
  /** A search whose words are marked in that post. */
  q: string | null;
}

export function threadView(
  opened: OpenedThread,
  target: ThreadTarget,
  back: { label: string; go: () => void },
  onPosition: (post: string | null) => void,
): View {
  const { thread, posts } = opened;
  const tree = buildTree(posts);
  const collapsed = new Set<number>();
  let hidden: Uint8Array = new Uint8Array(posts.length);
  const items = posts.map((post, i) => postItem(post, i, tree));

  const backButton = el("button", { type: "button", class: "back", title: `${back.label} (Esc)` }, `← ${back.label}`);
  backButton.addEventListener("click", back.go);

  const list = el("ol", { class: "posts", "aria-label": "Posts" }, ...items);
  list.addEventListener("click", (event) => {
    const target = event.target as Element | null;
    const toggle = target?.closest<HTMLElement>("[data-toggle]");
    if (toggle) {
      event.preventDefault();
      const index = Number(toggle.dataset.toggle);
      setCollapsed(index, !collapsed.has(index));
      focusPost(index);
      return;
    }
    if (target?.closest("a[href], button")) return;
    const post = target?.closest<HTMLElement>(".post");
    if (post && !window.getSelection()?.toString()) post.focus({ preventScroll: true });
  });

  const heading = el("h1", { class: "thread-heading", tabindex: -1 }, thread.title || "Untitled thread");
  const root = el(
    "div",
    { class: "screen screen--thread" },
    topbar([backButton, el("span", { class: "topbar-title" }, thread.title)]),
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
          thread.url ? el("a", { class: "thread-url", href: thread.url, title: `${thread.url} (opens in your browser)` }, thread.url) : null,
        ),
      ),
      posts.length > 0 ? list : el("p", { class: "empty" }, "This thread has no posts."),
    ),
    el(
      "footer",
      { class: "statusbar" },
      el("span", { class: "statusbar-note", "aria-live": "polite" }),
      el(
        "span",
        { class: "statusbar-keys" },
        hint(["j", "k"], "post"),
        hint(["n", "p"], "top level"),
        hint(["u"], "parent"),
        hint(["Space"], "collapse"),
        hint(["?"], "help"),
      ),
    ),
  );
  const status = root.querySelector(".statusbar-note") as HTMLElement;

  function setCollapsed(index: number, fold: boolean): void {
    if (fold) collapsed.add(index);
    else collapsed.delete(index);
    const item = items[index];
    if (item) showCollapsed(item, fold, tree.descendants[index] ?? 0);
    const next = hiddenPosts(tree, collapsed);
    for (let i = 0; i < items.length; i++) {
      if (next[i] !== hidden[i]) (items[i] as HTMLElement).hidden = next[i] === 1;
    }
    hidden = next;
    const replies = tree.descendants[index] ?? 0;
    status.textContent = fold
      ? replies > 0
        ? `Collapsed: ${count(replies, "reply", "replies")} hidden`
        : "Collapsed"
      : "Expanded";
  }

  function indexOf(element: Element | null): number {
    const post = element?.closest<HTMLElement>(".post");
    return post && list.contains(post) ? Number(post.dataset.index) : -1;
  }

  /** The post being read: the focused one, else the one at the top of the screen. */
  function currentIndex(): number {
    const focused = indexOf(document.activeElement);
    return focused >= 0 ? focused : -1;
  }

  /** The first shown post whose lower edge is below the top bar. */
  function postOnScreen(): number {
    const rect = list.getBoundingClientRect();
    const x = Math.min(window.innerWidth - 1, Math.max(0, rect.left + rect.width / 2));
    const under = indexOf(document.elementFromPoint(x, READING_LINE_PX));
    if (under >= 0) return under;
    return firstVisible(0, 1, (i) => (items[i] as HTMLElement).getBoundingClientRect().bottom > READING_LINE_PX);
  }

  function firstVisible(from: number, step: 1 | -1, accept: (i: number) => boolean = () => true): number {
    for (let i = from; i >= 0 && i < items.length; i += step) {
      if (hidden[i] !== 1 && accept(i)) return i;
    }
    return -1;
  }

  function focusPost(index: number, block: ScrollLogicalPosition = "nearest"): boolean {
    const item = items[index];
    if (!item) return false;
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block });
    return true;
  }

  /** j/k/n/p: from the focused post, or from the one on screen when none is. */
  function step(direction: 1 | -1, accept?: (i: number) => boolean): boolean {
    const current = currentIndex();
    if (current < 0) {
      const start = postOnScreen();
      const found = accept && !accept(start) ? firstVisible(start, direction, accept) : start;
      return found >= 0 && focusPost(found);
    }
    const next = firstVisible(current + direction, direction, accept);
    return next >= 0 ? focusPost(next) : true;
  }

  const topLevel = (i: number): boolean => (tree.parent[i] ?? -1) < 0;

  let positionTimer = 0;
  const remember = (): void => {
    window.clearTimeout(positionTimer);
    positionTimer = window.setTimeout(() => {
      if (!root.isConnected) return;
      const index = postOnScreen();
      onPosition(index >= 0 ? (posts[index]?.sourceId ?? null) : null);
    }, 250);
  };
  window.addEventListener("scroll", remember, { passive: true });

  return {
    root,
    onKey(event) {
      switch (event.key) {
        case "Escape":
        case "Backspace":
          back.go();
          return true;
        case "j":
          return step(1);
        case "k":
          return step(-1);
        case "n":
          return step(1, topLevel);
        case "p":
          return step(-1, topLevel);
        case "u": {
          const current = currentIndex();
          const parent = current >= 0 ? (tree.parent[current] ?? -1) : -1;
          return parent >= 0 ? focusPost(parent) : current >= 0;
        }
        case " ": {
          const current = currentIndex();
          if (current < 0) return false;
          setCollapsed(current, !collapsed.has(current));
          return focusPost(current);
        }
        default:
          return false;
      }
    },
    focus() {
      const index = target.post === null ? undefined : tree.index.get(target.post);
      if (index === undefined) {
        window.scrollTo(0, 0);
        heading.focus({ preventScroll: true });
        return;
      }
      const item = items[index];
      if (!item) return;
      const pattern = target.q ? queryPattern(target.q) : null;
      if (target.q) {
        item.classList.add("post--hit");
        const body = item.querySelector<HTMLElement>(".post-body");
        if (body && pattern) markMatches(body, pattern);
      }
      const block: ScrollLogicalPosition = target.q ? "center" : "start";
      focusPost(index, block);
      // Posts above are laid out lazily (content-visibility): settle, then align again.
      requestAnimationFrame(() => requestAnimationFrame(() => item.isConnected && item.scrollIntoView({ block })));
    },
    leave() {
      window.removeEventListener("scroll", remember);
      window.clearTimeout(positionTimer);
    },
  };
}

function postItem(post: Post, index: number, tree: Tree): HTMLLIElement {
  const chain = ancestors(tree, index);
  const replies = tree.descendants[index] ?? 0;
  const isOp = tree.op !== null && post.author === tree.op;

  const author = post.author
    ? el("span", { class: "post-author" }, post.author)
    : el("span", { class: "post-author post-author--anonymous" }, "anonymous");
  const body = el("div", { class: "post-body" });
  // Sanitised by the core (allow-list) before it was stored.
  body.innerHTML = post.html;
  for (const link of body.querySelectorAll<HTMLAnchorElement>("a[href]")) {
    link.title = link.href;
    link.rel = "noreferrer noopener";
  }

  const toggle = el(
    "button",
    {
      type: "button",
      class: "collapse-toggle",
      "data-toggle": index,
      "aria-expanded": "true",
      title: replies > 0 ? `Collapse this post and its ${count(replies, "reply", "replies")} (Space)` : "Collapse this post (Space)",
    },
    "−",
  );
  const rails = chain.slice(0, MAX_RAILS).map((ancestor) =>
    el("span", { class: "rail", "data-toggle": ancestor, title: "Collapse this branch", "aria-hidden": "true" }),
  );

  const item = el(
    "li",
    {
      class: `post${post.deleted ? " post--deleted" : ""}${isOp ? " post--op" : ""}`,
      tabindex: -1,
      id: `post-${post.sourceId}`,
      "data-index": index,
      "data-depth": chain.length,
      "data-post-id": post.sourceId,
      "data-replies": replies,
      "aria-level": chain.length + 1,
    },
    el("div", { class: "post-rails" }, ...rails),
    el(
      "article",
      { class: "post-main" },
      el(
        "header",
        { class: "post-head" },
        toggle,
        author,
        isOp ? el("span", { class: "op-badge", title: "Original poster: wrote the first post" }, "OP") : null,
        post.createdAt !== null
          ? el(
              "time",
              { class: "post-time", datetime: isoDate(post.createdAt), title: formatDateTime(post.createdAt) },
              relativeTime(post.createdAt),
            )
          : null,
        post.deleted ? el("span", { class: "post-flag" }, "deleted") : null,
        el("span", { class: "post-folded", "data-toggle": index, hidden: true }),
        el("span", { class: "post-id" }, `#${post.sourceId}`),
      ),
      body,
      post.deleted && body.textContent?.trim() === "" ? el("p", { class: "post-placeholder" }, "This post was deleted.") : null,
    ),
  );
  return item;
}

function showCollapsed(item: HTMLElement, fold: boolean, replies: number): void {
  item.classList.toggle("post--collapsed", fold);
  const toggle = item.querySelector<HTMLElement>(".collapse-toggle");
  const folded = item.querySelector<HTMLElement>(".post-folded");
  if (toggle) {
    toggle.textContent = fold ? "+" : "−";
    toggle.setAttribute("aria-expanded", String(!fold));
    toggle.title = fold
      ? "Expand (Space)"
      : replies > 0
        ? `Collapse this post and its ${count(replies, "reply", "replies")} (Space)`
        : "Collapse this post (Space)";
  }
  if (folded) {
    folded.hidden = !fold;
    folded.textContent = replies > 0 ? `${count(replies, "reply", "replies")} hidden` : "collapsed";
  }
}

function hint(keys: string[], what: string): HTMLElement {
  return el("span", { class: "key-hint" }, ...keys.map((key) => el("kbd", {}, key)), ` ${what}`);
}
