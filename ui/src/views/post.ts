// One post of the thread view as a list item: depth rails for its ancestors, a head
// (collapse control, author with the OP marked, relative time with the absolute one
// in the tooltip, deleted flag, folded count, id) and the body, the core's sanitised
// HTML inserted as it is (its textContent is the anchor space). The virtualized
// list in thread.ts calls renderPost for a post whose body has arrived and
// renderPending for one still being fetched; both give the same shell, so a post
// keeps its place and rails while its body loads.
//
// For assistive technology a post is a treeitem of the thread's tree (aria-level,
// aria-posinset/setsize among its siblings, aria-expanded when it has replies), named
// like "bob, reply 1 of 2 to ada, edited, 1 highlight" and described by its body. The
// name is made again (updatePostName) whenever what it says changes: a decorator that
// adds a state worth hearing gives its element `data-announce="word"`.
//
// Other features add to a post through decorators (addPostDecorator): each runs on
// every post rendered, after the body is in place and the search words are marked.
// A post leaves the DOM when it scrolls out of view and is rendered again when it
// comes back, so a decorator must do all its work from its arguments each time.

import { el } from "../dom";
import { count, formatDateTime, isoDate, relativeTime } from "../format";
import type { Post } from "../bindings/Post";
import type { PostOutline } from "../bindings/PostOutline";
import { markMatches } from "../marks";

/** Rails stop growing past this depth; deeper replies keep the last indentation. */
const MAX_RAILS = 12;

/** Where a post sits in its thread and how the view shows it. */
export interface PostContext {
  /** The thread's id (database row id). */
  threadId: number;
  /** The post's index in thread order (its offset in the outline). */
  index: number;
  /** How many posts the thread has. */
  total: number;
  /** Its place among its siblings (from 1) and how many there are. */
  position: number;
  siblings: number;
  /** The author its parent post, for a reply ("" when unknown); null for a top-level post. */
  parentAuthor: string | null;
  /** Indices of its ancestors, the root first. */
  ancestors: readonly number[];
  /** How many posts reply to it, directly or not. */
  replies: number;
  /** Whether the original poster wrote it. */
  isOp: boolean;
  /** Whether its replies (and its body) are folded away. */
  collapsed: boolean;
  /** The search words to mark in its body, when it is the result being opened. */
  mark: RegExp | null;
  /** With a filter applied: a matching post, or an ancestor of one shown dimmed for
   *  context (its head only); null without a filter. */
  filter?: "match" | "context" | null;
}

/** Something added to every rendered post (quote links, highlight marks, …). */
export type PostDecorator = (item: HTMLLIElement, body: HTMLElement, post: Post, ctx: PostContext) => void;

const decorators: PostDecorator[] = [];

/** Runs `decorator` on every post rendered from now on; returns a function that removes it. */
export function addPostDecorator(decorator: PostDecorator): () => void {
  decorators.push(decorator);
  return () => {
    const at = decorators.indexOf(decorator);
    if (at >= 0) decorators.splice(at, 1);
  };
}

/** A post whose body has arrived. */
export function renderPost(post: Post, ctx: PostContext): HTMLLIElement {
  const body = el("div", { class: "post-body" });
  // Sanitised by the core (allow-list) before it was stored.
  body.innerHTML = post.html;
  for (const link of body.querySelectorAll<HTMLAnchorElement>("a[href]")) {
    link.title = link.href;
    link.rel = "noreferrer noopener";
  }
  const item = shell(post, ctx, post.createdAt, body);
  if (ctx.mark) {
    item.classList.add("post--hit");
    markMatches(body, ctx.mark);
  }
  if (post.deleted && body.textContent?.trim() === "") {
    body.after(el("p", { class: "post-placeholder" }, "This post was deleted."));
  }
  if (post.missingReplies > 0) {
    const missing = `${count(post.missingReplies, "reply", "replies")} not saved`;
    body.after(el("p", { class: "post-missing", title: "The source left these replies out of the saved thread" }, missing));
  }
  if (typeof post.points === "number") {
    const points = el("span", { class: "post-points", title: "Points at the source when it was saved" }, count(post.points, "point", "points"));
    item.querySelector(".post-id")?.before(points);
  }
  if (post.change) {
    const titles = { new: "New since the previous import", edited: "Edited since the previous import", removed: "Gone from the source since the previous import; kept here" };
    const flag = el("span", { class: `post-change post-change--${post.change}`, title: titles[post.change], "data-announce": post.change }, post.change);
    item.querySelector(".post-id")?.before(flag);
  }
  for (const decorate of decorators) decorate(item, body, post, ctx);
  updatePostName(item);
  return item;
}

/** A post whose body is still being fetched (or could not be: `failed`). */
export function renderPending(outline: PostOutline, ctx: PostContext, failed = false): HTMLLIElement {
  const body = el(
    "div",
    { class: `post-body post-body--pending${failed ? " post-body--failed" : ""}`, "aria-busy": failed ? undefined : "true" },
    failed ? "This post could not be loaded." : "Loading…",
  );
  const item = shell(outline, ctx, null, body);
  item.classList.add("post--pending");
  updatePostName(item);
  return item;
}

function shell(post: PostOutline, ctx: PostContext, createdAt: number | null, body: HTMLElement): HTMLLIElement {
  const { index, replies } = ctx;
  const depth = ctx.ancestors.length;
  const author = post.author
    ? el("span", { class: "post-author" }, post.author)
    : el("span", { class: "post-author post-author--anonymous" }, "anonymous");
  const toggle = el("button", { type: "button", class: "collapse-toggle", "data-toggle": index }, "−");
  const rails = ctx.ancestors
    .slice(0, MAX_RAILS)
    .map((ancestor) => el("span", { class: "rail", "data-toggle": ancestor, title: "Collapse this branch", "aria-hidden": "true" }));

  const who = post.author ?? "anonymous";
  const where =
    ctx.parentAuthor === null
      ? `post ${ctx.position} of ${ctx.siblings}`
      : `reply ${ctx.position} of ${ctx.siblings}${ctx.parentAuthor ? ` to ${ctx.parentAuthor}` : ""}`;
  const item = el(
    "li",
    {
      class: `post${post.deleted ? " post--deleted" : ""}${ctx.isOp ? " post--op" : ""}`,
      role: "treeitem",
      tabindex: -1,
      id: `post-${post.sourceId}`,
      "data-index": index,
      "data-depth": depth,
      "data-post-id": post.sourceId,
      "data-replies": replies,
      "data-name": `${who}${ctx.isOp ? ", original poster" : ""}, ${where}${post.deleted ? ", deleted" : ""}`,
      "aria-level": depth + 1,
      "aria-posinset": ctx.position,
      "aria-setsize": ctx.siblings,
      "aria-describedby": `post-body-${post.sourceId}`,
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
        ctx.isOp ? el("span", { class: "op-badge", title: "Original poster: wrote the first post" }, "OP") : null,
        createdAt !== null
          ? el("time", { class: "post-time", datetime: isoDate(createdAt), title: formatDateTime(createdAt) }, relativeTime(createdAt))
          : null,
        post.deleted ? el("span", { class: "post-flag" }, "deleted") : null,
        el("span", { class: "post-folded", "data-toggle": index, hidden: true }),
        el("span", { class: "post-id" }, `#${post.sourceId}`),
      ),
      body,
    ),
  );
  body.id = `post-body-${post.sourceId}`;
  if (ctx.filter === "context") {
    item.classList.add("post--context");
    item.querySelector(".post-id")?.before(el("span", { class: "post-context-flag", "data-announce": "context of a match" }, "context"));
  } else if (ctx.filter === "match") item.classList.add("post--match");
  showCollapsed(item, ctx.collapsed, replies);
  return item;
}

/** Names the post `item` for assistive technology from its place (data-name), the
 *  states its decorators flag (data-announce), its highlights and, when folded, what
 *  is hidden: "bob, reply 1 of 2 to ada, edited, 1 highlight". */
export function updatePostName(item: HTMLElement): void {
  const parts = [item.dataset.name ?? ""];
  for (const flag of item.querySelectorAll<HTMLElement>("[data-announce]")) {
    if (flag.dataset.announce) parts.push(flag.dataset.announce);
  }
  const highlights = new Set<string>();
  for (const mark of item.querySelectorAll<HTMLElement>(".post-body mark.hl[data-hl]")) highlights.add(mark.dataset.hl ?? "");
  if (highlights.size > 0) parts.push(count(highlights.size, "highlight"));
  const replies = Number(item.dataset.replies ?? 0);
  if (item.classList.contains("post--collapsed") && replies > 0) parts.push(`${count(replies, "reply", "replies")} hidden`);
  item.setAttribute("aria-label", parts.join(", "));
}

/** Shows `item` folded (its body hidden, the count of hidden replies in its head) or open. */
export function showCollapsed(item: HTMLElement, fold: boolean, replies: number): void {
  item.classList.toggle("post--collapsed", fold);
  // A post without replies has nothing to expand: no aria-expanded (a leaf of the tree).
  if (replies > 0) item.setAttribute("aria-expanded", String(!fold));
  if (item.hasAttribute("aria-label")) updatePostName(item);
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
    toggle.setAttribute("aria-label", fold ? "Expand" : "Collapse");
  }
  if (folded) {
    folded.hidden = !fold;
    folded.textContent = replies > 0 ? `${count(replies, "reply", "replies")} hidden` : "collapsed";
  }
}
