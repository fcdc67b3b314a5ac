// Quotes in the thread view, and the quote-versus-reply view.
//
// threadQuoting() asks for the thread's quoted passages once (threadQuotes) and adds
// to every rendered post, through a post decorator:
// - in each quote block, a link to its source: "quoting @author" (or "external
//   quote" when the words are not written earlier in the thread);
// - in the head of a post that others quote, "quoted by N", which lists the replies
//   (quotedBy) with a link to each.
// The links are buttons without text nodes (their label is drawn by CSS from
// data-label), so a post body's textContent stays its canonical text: quote and
// highlight offsets are measured in it.
//
// Choosing a link (click, or Tab then Enter) or pressing q on the focused post opens
// the quote-versus-reply view, a modal <dialog>: the source post with the quoted span
// marked, beside the reply with its quote marked. ←/→ (or j/k) step through the
// quotes of the reply; Escape closes it and focus returns to where it was, the
// thread not having moved underneath.

import "./quote.css";
import { el } from "../dom";
import { type Post, type PostOutline, type QuoteLink, asCommandError, quotedBy, threadQuotes } from "../ipc";
import { addPostDecorator } from "./post";

/** Fetches one post of the thread by source id. */
export type PostLoader = (sourceId: string) => Promise<Post>;

export interface ThreadQuoting {
  /** Handles q on the focused post; true if it used the key. */
  onKey(event: KeyboardEvent): boolean;
  leave(): void;
}

export interface QuotingOptions {
  threadId: number;
  outline: readonly PostOutline[];
  /** The thread screen: rendered posts are looked up in it once the quotes arrive. */
  root: HTMLElement;
  loadPost: PostLoader;
  /** The source id of the post being read (focused), if any. */
  current: () => string | null;
  loadQuotes?: (thread: number) => Promise<QuoteLink[]>;
  loadQuotedBy?: (thread: number, post: string) => Promise<QuoteLink[]>;
}

/** Wires quote links, "quoted by" and the q key into a thread screen. */
export function threadQuoting(options: QuotingOptions): ThreadQuoting {
  const { threadId, outline, root, loadPost, current } = options;
  const loadQuotedBy = options.loadQuotedBy ?? ((thread, post) => quotedBy(thread, post));
  const authors = new Map(outline.map((p) => [p.sourceId, p.author]));
  const byPost = new Map<string, QuoteLink[]>();
  const quotedCount = new Map<string, number>();
  const openLists = new Map<string, QuoteLink[]>();
  let loaded = false;
  let connected = true;

  const decorate = (item: HTMLElement, body: HTMLElement): void => {
    if (!loaded || item.dataset.quotes === "done") return;
    item.dataset.quotes = "done";
    const id = item.dataset.postId ?? "";
    const quotes = byPost.get(id) ?? [];
    for (const [blockquote, q, i] of matchBlocks(body, quotes)) {
      const label = q.source ? `quoting ${who(authors.get(q.source), q.source)}` : "external quote";
      const link = el("button", {
        type: "button",
        class: `quote-link${q.source ? "" : " quote-link--external"}`,
        "data-label": label,
        "data-quote-index": i,
        "aria-label": `${label}: show the quote beside the reply`,
        title: q.source ? `Show the quote beside post #${q.source} (q)` : "Not found earlier in this thread (q)",
      });
      link.addEventListener("click", () => void openQuoteView({ reply: id, index: i, quotes, authors, loadPost }));
      blockquote.append(link);
    }
    const n = quotedCount.get(id) ?? 0;
    if (n > 0) addQuotedBy(item, id, n);
  };

  function addQuotedBy(item: HTMLElement, id: string, n: number): void {
    const head = item.querySelector(".post-head");
    const main = item.querySelector(".post-main");
    if (!head || !main) return;
    const toggle = el("button", {
      type: "button",
      class: "quoted-by",
      "aria-expanded": "false",
      "data-label": `quoted by ${n}`,
      "aria-label": `quoted by ${n}: list the replies`,
      title: "List the replies that quote this post",
    });
    const list = el("ul", { class: "quoted-by-list", hidden: true, "aria-label": `Replies quoting #${id}` });
    const show = (quotes: QuoteLink[]): void => {
      openLists.set(id, quotes);
      list.replaceChildren(
        ...quotes.map((q) => {
          const reply = byPost.get(q.post) ?? [q];
          const index = Math.max(0, reply.findIndex((r) => r.start === q.start));
          const open = el("button", { type: "button", class: "quoted-by-reply" }, el("span", { class: "quoted-by-author" }, who(authors.get(q.post), q.post)), `${authors.get(q.post) ? ` #${q.post}` : ""}: “${excerpt(q.text)}”`);
          open.addEventListener("click", () => void openQuoteView({ reply: q.post, index, quotes: reply, authors, loadPost }));
          return el("li", {}, open);
        }),
      );
      list.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
    };
    toggle.addEventListener("click", () => {
      if (!list.hidden) {
        list.hidden = true;
        openLists.delete(id);
        toggle.setAttribute("aria-expanded", "false");
        return;
      }
      loadQuotedBy(threadId, id).then(show, (error: unknown) => {
        list.replaceChildren(el("li", { class: "quoted-by-error" }, `Could not list the replies: ${asCommandError(error).message}`));
        list.hidden = false;
      });
    });
    head.querySelector(".post-id")?.before(toggle);
    main.append(list);
    const open = openLists.get(id);
    if (open) show(open);
  }

  const removeDecorator = addPostDecorator((item, body) => decorate(item, body));

  void (options.loadQuotes ?? threadQuotes)(threadId).then(
    (quotes) => {
      if (!connected) return;
      for (const q of quotes) {
        const list = byPost.get(q.post) ?? [];
        list.push(q);
        byPost.set(q.post, list);
        if (q.source) quotedCount.set(q.source, (quotedCount.get(q.source) ?? 0) + 1);
      }
      loaded = true;
      for (const item of root.querySelectorAll<HTMLElement>("li.post")) {
        const body = item.querySelector<HTMLElement>(".post-body");
        if (body && !item.classList.contains("post--pending")) decorate(item, body);
      }
    },
    () => {
      // Without quotes the thread still reads; the links are simply absent.
    },
  );

  return {
    onKey(event) {
      if (event.key !== "q" || !loaded) return false;
      const id = current();
      if (!id) return false;
      const own = byPost.get(id);
      if (own?.length) {
        void openQuoteView({ reply: id, index: 0, quotes: own, authors, loadPost });
        return true;
      }
      // A post without quotes of its own: the first reply quoting it.
      for (const [reply, quotes] of byPost) {
        const index = quotes.findIndex((q) => q.source === id);
        if (index >= 0) {
          void openQuoteView({ reply, index, quotes, authors, loadPost });
          return true;
        }
      }
      return false;
    },
    leave() {
      connected = false;
      removeDecorator();
    },
  };
}

/** "@author", or "post #id" for a post without one (a plain-text dump). */
function who(author: string | null | undefined, id: string): string {
  return author ? `@${author}` : `post #${id}`;
}

function excerpt(text: string, words = 8): string {
  const all = text.split(/\s+/).filter(Boolean);
  return all.length > words ? `${all.slice(0, words).join(" ")}…` : all.join(" ");
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The outer quote blocks of a post body with the quote each one holds (by offset). */
function matchBlocks(body: HTMLElement, quotes: QuoteLink[]): [HTMLElement, QuoteLink, number][] {
  if (quotes.length === 0) return [];
  const starts = new Map<Node, number>();
  let offset = 0;
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    starts.set(node, offset);
    offset += codePoints((node as Text).data);
  }
  const out: [HTMLElement, QuoteLink, number][] = [];
  for (const block of body.querySelectorAll<HTMLElement>("blockquote")) {
    if (block.parentElement?.closest("blockquote")) continue;
    const first = document.createTreeWalker(block, NodeFilter.SHOW_TEXT).nextNode();
    if (!first) continue;
    const from = starts.get(first) ?? 0;
    const to = from + codePoints(block.textContent ?? "");
    const i = quotes.findIndex((q) => q.start < to && q.end > from);
    const q = quotes[i];
    if (q) out.push([block, q, i]);
  }
  return out;
}

/** Wraps code points `start..end` of `body`'s text in <mark class=…> elements (one
 *  per text node touched); returns the first. The text itself is unchanged. */
export function markSpan(body: HTMLElement, start: number, end: number, className: string): HTMLElement | null {
  let offset = 0;
  let first: HTMLElement | null = null;
  const nodes: Text[] = [];
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  for (const node of nodes) {
    const chars = Array.from(node.data);
    const from = Math.max(start - offset, 0);
    const to = Math.min(end - offset, chars.length);
    offset += chars.length;
    if (from >= to) continue;
    if (chars.slice(from, to).join("").trim() === "") continue;
    const before = chars.slice(0, from).join("");
    const middle = chars.slice(from, to).join("");
    const after = chars.slice(to).join("");
    const mark = el("mark", { class: className }, middle);
    const parts: Node[] = [];
    if (before) parts.push(document.createTextNode(before));
    parts.push(mark);
    if (after) parts.push(document.createTextNode(after));
    node.replaceWith(...parts);
    first ??= mark;
  }
  return first;
}

interface ViewRequest {
  reply: string;
  index: number;
  quotes: QuoteLink[];
  authors: Map<string, string | null>;
  loadPost: PostLoader;
}

let openView: HTMLDialogElement | null = null;

/** Opens the quote-versus-reply view on quote `index` of post `reply`. */
export async function openQuoteView(request: ViewRequest): Promise<void> {
  if (openView?.open) return;
  const { quotes, authors, loadPost } = request;
  const previous = document.activeElement as HTMLElement | null;
  let index = Math.min(Math.max(request.index, 0), quotes.length - 1);

  const title = el("h2", { class: "quote-view-title", id: "quote-view-title" });
  const position = el("span", { class: "quote-view-position", "aria-live": "polite" });
  const prev = el("button", { type: "button", class: "button", title: "Previous quote (←)" }, "← Previous");
  const next = el("button", { type: "button", class: "button", title: "Next quote (→)" }, "Next →");
  const back = el("button", { type: "button", class: "button button--primary", title: "Back to the thread (Esc)" }, "Back to the thread");
  const sourceCol = el("section", { class: "quote-view-col quote-view-source", "aria-label": "Quoted post" });
  const replyCol = el("section", { class: "quote-view-col quote-view-reply", "aria-label": "Reply" });
  const dialog = el(
    "dialog",
    { class: "quote-view", "aria-labelledby": "quote-view-title" },
    el("header", { class: "quote-view-head" }, title, position, el("span", { class: "quote-view-actions" }, prev, next, back)),
    el("div", { class: "quote-view-cols" }, sourceCol, replyCol),
    el("p", { class: "quote-view-hint" }, el("kbd", {}, "←"), " ", el("kbd", {}, "→"), " previous / next quote · ", el("kbd", {}, "Esc"), " back to the thread"),
  );
  openView = dialog;

  let generation = 0;
  const show = async (i: number): Promise<void> => {
    index = i;
    const mine = ++generation;
    const q = quotes[i];
    if (!q) return;
    prev.disabled = i === 0;
    next.disabled = i === quotes.length - 1;
    position.textContent = `Quote ${i + 1} of ${quotes.length}`;
    title.textContent = q.source
      ? `${who(authors.get(q.post), q.post)} quoting ${who(authors.get(q.source), q.source)}`
      : `${who(authors.get(q.post), q.post)}: external quote`;
    try {
      const [reply, source] = await Promise.all([loadPost(q.post), q.source ? loadPost(q.source) : Promise.resolve(null)]);
      if (mine !== generation) return;
      replyCol.replaceChildren(...column("Reply", reply, authors));
      const replyBody = replyCol.querySelector<HTMLElement>(".post-body");
      const replyMark = replyBody ? markSpan(replyBody, q.start, q.end, "quote-span quote-span--reply") : null;
      if (source) {
        sourceCol.replaceChildren(...column("Quoted post", source, authors));
        const body = sourceCol.querySelector<HTMLElement>(".post-body");
        const mark = body && q.sourceStart !== null && q.sourceEnd !== null ? markSpan(body, q.sourceStart, q.sourceEnd, "quote-span") : null;
        if (q.score !== null && q.score < 1) {
          sourceCol.append(el("p", { class: "quote-view-note" }, `An approximate match (score ${q.score.toFixed(2)}): the reply changed some words.`));
        }
        mark?.scrollIntoView({ block: "center" });
      } else {
        sourceCol.replaceChildren(
          el("h3", { class: "quote-view-label" }, "External quote"),
          el("p", { class: "quote-view-external" }, "These words are not written in any earlier post of this thread: they quote an article, a page or a post that is not here."),
          el("blockquote", { class: "quote-view-quoted" }, q.text),
        );
      }
      replyMark?.scrollIntoView({ block: "center" });
    } catch (error) {
      if (mine !== generation) return;
      sourceCol.replaceChildren(el("p", { class: "quote-view-error", role: "alert" }, `The posts could not be loaded: ${asCommandError(error).message}`));
    }
  };

  const step = (by: number): void => {
    const to = index + by;
    if (to >= 0 && to < quotes.length) void show(to);
  };
  prev.addEventListener("click", () => step(-1));
  next.addEventListener("click", () => step(1));
  back.addEventListener("click", () => dialog.close());
  dialog.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const by = { ArrowRight: 1, ArrowDown: 1, j: 1, n: 1, ArrowLeft: -1, ArrowUp: -1, k: -1, p: -1 }[event.key];
    if (by === undefined) return;
    // Arrows stay with a focused button only for Tab-free stepping; scrolling a column is the mouse's.
    event.preventDefault();
    step(by);
  });
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (openView === dialog) openView = null;
    previous?.focus({ preventScroll: true });
  });

  document.body.append(dialog);
  dialog.showModal();
  back.focus();
  await show(index);
}

function column(label: string, post: Post, authors: Map<string, string | null>): Node[] {
  const body = el("div", { class: "post-body" });
  // Sanitised by the core (allow-list) before it was stored.
  body.innerHTML = post.html;
  for (const link of body.querySelectorAll<HTMLAnchorElement>("a[href]")) link.rel = "noreferrer noopener";
  return [
    el("h3", { class: "quote-view-label" }, label, " · ", el("span", { class: "post-author" }, who(authors.get(post.sourceId), post.sourceId)), authors.get(post.sourceId) ? el("span", { class: "post-id" }, ` #${post.sourceId}`) : null),
    body,
  ];
}
