// One thread as a tree, virtualized so that a thread of 10,000 posts opens and
// scrolls as fast as one of ten. The core gives the outline of every post up front
// (source id, parent, depth, author, deleted: enough for the tree, collapse counts
// and navigation) and the bodies page by page (threadPosts). Only the posts near the
// screen are in the DOM (@tanstack/virtual-core, window scrolling, heights measured
// as posts render), plus the focused post so that focus is never lost. One post is
// drawn by views/post.ts. Keys: j/k (or ↓/↑) post, n/p top-level post, u parent,
// Home/End first/last post, space collapse, → expand or first reply, ← collapse or
// parent (the tree pattern's keys, as a screen reader expects them).

import {
  type Range,
  Virtualizer,
  defaultRangeExtractor,
  observeWindowOffset,
  observeWindowRect,
  windowScroll,
} from "@tanstack/virtual-core";
import { announce } from "../announce";
import { el } from "../dom";
import { keyboardSelection } from "../keyboard-selection";
import { filterBar } from "./filter";
import { loadFolds, readSubtrees, saveFolds } from "../folds";
import { currentSession } from "../highlighting";
import { findBar } from "./find";
import { participants } from "./participants";
import { count, formatDate, isoDate, sourceName } from "../format";
import { type OpenedThread, type Post, asCommandError, threadPosts } from "../ipc";
import { queryPattern } from "../marks";
import { topbar } from "../topbar";
import { ancestors, buildTree, hiddenPosts } from "../tree";
import { type PostContext, renderPending, renderPost, showCollapsed } from "./post";
import { threadHighlighting } from "./highlights-panel";
import { threadQuoting } from "./quote";
import { threadFollowing } from "../following";
import { threadPictures } from "./thread-overview";
import type { View } from "./view";

/** Posts fetched per call: the first screen of a thread needs one page. */
export const PAGE_SIZE = 100;
/** Roughly the sticky top bar: the post under this line is the one being read. */
const READING_LINE_PX = 72;
/** Kept clear at the top (sticky top bar) and bottom (status bar) when showing a post. */
const SCROLL_PADDING_TOP = 64;
const SCROLL_PADDING_BOTTOM = 40;
/** Input that means the reader has taken over the scroll position. */
const READER_INPUT = ["keydown", "wheel", "pointerdown", "touchstart"] as const;
/** How long at most a post the thread opens at is held in place as posts around it
 *  are measured (unless the reader moves first). */
const START_PLACING_MS = 3_000;

export interface ThreadTarget {
  /** A post to open the thread at (source id). */
  post: string | null;
  /** A search whose words are marked in that post. */
  q: string | null;
  /** Where the window was in that post (pixels from its top to the window's top),
   *  to come back to the same place at start; null shows the post from its start. */
  offset?: number | null;
}

export type PageLoader = (thread: number, offset: number, limit: number) => Promise<Post[]>;

/** Builds the thread screen; resolves once the posts of its first screen are in. */
export async function threadView(
  opened: OpenedThread,
  target: ThreadTarget,
  back: { label: string; go: () => void },
  onPosition: (post: string | null, offset: number) => void,
  loadPage: PageLoader = threadPosts,
): Promise<View> {
  const { thread, outline } = opened;
  const tree = buildTree(outline);
  const total = outline.length;

  // ---- Bodies, page by page ------------------------------------------------------
  const pages = new Map<number, Post[]>();
  const loading = new Map<number, Promise<void>>();
  const failed = new Set<number>();
  let connected = true;

  function fetchPage(page: number): Promise<void> {
    const pending = loading.get(page);
    if (pending) return pending;
    const promise = loadPage(thread.id, page * PAGE_SIZE, PAGE_SIZE).then(
      (posts) => {
        pages.set(page, posts);
        failed.delete(page);
      },
      (error: unknown) => {
        failed.add(page);
        if (!connected) return;
        status.textContent = `Posts could not be loaded: ${asCommandError(error).message}`;
        announce(status.textContent);
      },
    );
    const settled = promise.finally(() => {
      loading.delete(page);
      if (connected && mounted) paint();
    });
    loading.set(page, settled);
    return settled;
  }

  function postAt(index: number): Post | undefined {
    return pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  // ---- What is shown: every post not inside a collapsed one ------------------------
  const collapsed = new Set<number>();
  for (const id of loadFolds(thread.id)) {
    const index = tree.index.get(id);
    if (index !== undefined && (tree.descendants[index] ?? 0) > 0) collapsed.add(index);
  }
  /** Posts whose body has been on screen: "read" until the library keeps read state. */
  const seen = new Uint8Array(total);
  function keepFolds(): void {
    saveFolds(thread.id, [...collapsed].map((i) => outline[i]?.sourceId ?? "").filter(Boolean));
  }
  let rows: number[] = [];
  let rowOf = new Int32Array(total);
  /** While a filter is applied: 1 for a match, 2 for an ancestor of one (context),
   *  0 for a post folded away. */
  let filtered: Uint8Array | null = null;
  /** The matches, in thread order (for n / N). */
  let matches: number[] = [];
  /** Find in thread (Ctrl+F): the posts found, in thread order, the words to mark in
   *  them, and the one last stepped to. */
  let findHits = new Set<number>();
  let findOrder: number[] = [];
  let findPattern: RegExp | null = null;
  let findAt = -1;
  function layoutRows(): void {
    const hidden = hiddenPosts(tree, collapsed);
    rows = [];
    rowOf = new Int32Array(total).fill(-1);
    for (let i = 0; i < total; i++) {
      if (hidden[i] === 1 || filtered?.[i] === 0) continue;
      rowOf[i] = rows.length;
      rows.push(i);
    }
  }
  layoutRows();

  const pattern = target.q ? queryPattern(target.q) : null;
  const targetIndex = target.post === null ? -1 : (tree.index.get(target.post) ?? -1);
  /** At start, where the window was in the target post (pixels from its top), until
   *  the reader moves: showing the target post puts it there, not at its start. */
  let startOffset: number | null = targetIndex >= 0 ? (target.offset ?? null) : null;
  /** The post focused with j/k/n/p/u or a click; kept in the DOM while it is. */
  let focused = -1;
  /** A post moved to whose body had not arrived: shown again once it has. */
  let revealing: { index: number; align: "auto" | "start" | "center" } | null = null;

  // ---- The screen ----------------------------------------------------------------
  const backButton = el("button", { type: "button", class: "back", title: `${back.label} (Esc)` }, `← ${back.label}`);
  backButton.addEventListener("click", back.go);

  // A tree for assistive technology (posts are treeitems with their level and place
  // among siblings, see post.ts); only the posts near the screen are in it.
  const list = el("ol", { class: "posts", role: "tree", "aria-label": `Posts of ${thread.title || "this thread"}` });
  list.addEventListener("click", (event) => {
    const clicked = event.target as Element | null;
    const toggle = clicked?.closest<HTMLElement>("[data-toggle]");
    if (toggle) {
      event.preventDefault();
      const index = Number(toggle.dataset.toggle);
      setCollapsed(index, !collapsed.has(index));
      focusPost(index);
      return;
    }
    if (clicked?.closest("a[href], button")) return;
    const post = clicked?.closest<HTMLElement>(".post");
    if (post && !window.getSelection()?.toString()) {
      focused = Number(post.dataset.index);
      post.focus({ preventScroll: true });
    }
  });
  list.addEventListener("focusin", (event) => {
    const post = (event.target as Element | null)?.closest<HTMLElement>(".post");
    if (post) focused = Number(post.dataset.index);
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
      total > 0 ? list : el("p", { class: "empty" }, "This thread has no posts."),
    ),
    el(
      "footer",
      { class: "statusbar" },
      el("span", { class: "statusbar-note" }),
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

  // ---- The virtualized list --------------------------------------------------------
  /** A first guess at a post's height, until it is rendered and measured. It must
   *  not change as bodies arrive: the virtualizer places unmeasured posts by it, and a
   *  guess that changed would move every post below without a scroll to match. */
  function estimate(index: number): number {
    return collapsed.has(index) ? 48 : 160;
  }

  const options = () => ({
    count: rows.length,
    getScrollElement: () => window,
    estimateSize: (row: number) => estimate(rows[row] ?? 0),
    getItemKey: (row: number) => rows[row] ?? row,
    overscan: 4,
    scrollMargin,
    scrollPaddingStart: SCROLL_PADDING_TOP,
    scrollPaddingEnd: SCROLL_PADDING_BOTTOM,
    indexAttribute: "data-row",
    rangeExtractor: (range: Range) => {
      const shown = defaultRangeExtractor(range);
      const row = focused >= 0 ? (rowOf[focused] ?? -1) : -1;
      if (row >= 0 && !shown.includes(row)) {
        shown.push(row);
        shown.sort((a, b) => a - b);
      }
      return shown;
    },
    observeElementRect: observeWindowRect,
    observeElementOffset: observeWindowOffset,
    scrollToFn: windowScroll,
    initialOffset: () => window.scrollY,
    onChange: () => paint(),
  });
  let scrollMargin = 0;
  const virtualizer = new Virtualizer<Window, HTMLElement>(options());
  let mounted = false;
  let unmount: (() => void) | null = null;

  /** The elements in the list, by post index, and whether each shows its body. */
  const rendered = new Map<number, { item: HTMLLIElement; loaded: boolean }>();
  let painting = false;
  let paintAgain = false;

  function context(index: number): PostContext {
    return {
      threadId: thread.id,
      index,
      total,
      position: tree.position[index] ?? 1,
      siblings: tree.siblings[index] ?? 1,
      parentAuthor: (tree.parent[index] ?? -1) < 0 ? null : (outline[tree.parent[index] ?? 0]?.author ?? ""),
      ancestors: ancestors(tree, index),
      replies: tree.descendants[index] ?? 0,
      isOp: tree.op !== null && outline[index]?.author === tree.op,
      collapsed: collapsed.has(index),
      mark: findPattern !== null && findHits.has(index) ? findPattern : index === targetIndex ? pattern : null,
      filter: filtered === null ? null : filtered[index] === 1 ? "match" : "context",
    };
  }

  function build(index: number): { item: HTMLLIElement; loaded: boolean } {
    const post = postAt(index);
    const ctx = context(index);
    if (post) return { item: renderPost(post, ctx), loaded: true };
    const entry = outline[index];
    const page = Math.floor(index / PAGE_SIZE);
    return { item: renderPending(entry as NonNullable<typeof entry>, ctx, failed.has(page) && !loading.has(page)), loaded: false };
  }

  /** Puts the posts the virtualizer asks for in the list, reusing those already there. */
  function paint(): void {
    if (!mounted) return;
    if (painting) {
      paintAgain = true;
      return;
    }
    painting = true;
    try {
      do {
        paintAgain = false;
        paintOnce();
      } while (paintAgain);
    } finally {
      painting = false;
    }
  }

  function paintOnce(): void {
    const items = virtualizer.getVirtualItems();
    list.style.height = `${virtualizer.getTotalSize()}px`;
    const wanted = new Set<number>();
    const needed = new Set<number>();
    const fresh: HTMLLIElement[] = [];
    const order: HTMLLIElement[] = [];
    for (const virtual of items) {
      const index = rows[virtual.index];
      if (index === undefined) continue;
      wanted.add(index);
      const page = Math.floor(index / PAGE_SIZE);
      if (!pages.has(page) && !failed.has(page)) needed.add(page);
      let entry = rendered.get(index);
      if (!entry || (!entry.loaded && postAt(index))) {
        const had = entry?.item;
        const focusWasHere = had !== undefined && had.contains(document.activeElement);
        entry = build(index);
        if (had) had.replaceWith(entry.item);
        if (focusWasHere) entry.item.focus({ preventScroll: true });
        rendered.set(index, entry);
        fresh.push(entry.item);
      }
      entry.item.dataset.row = String(virtual.index);
      entry.item.style.transform = `translateY(${virtual.start - virtualizer.options.scrollMargin}px)`;
      order.push(entry.item);
    }
    for (const [index, entry] of rendered) {
      if (wanted.has(index)) continue;
      entry.item.remove();
      rendered.delete(index);
    }
    // Posts stay in thread order in the DOM (for reading order and Tab); those
    // already in place are never moved, so the focused one keeps its focus.
    let cursor = list.firstElementChild;
    for (const item of order) {
      if (item === cursor) cursor = cursor.nextElementSibling;
      else if (item.parentElement !== list) list.insertBefore(item, cursor);
    }
    // One post in the tab order (the tree's roving tabindex): the focused one, else the
    // first drawn.
    const tabStop = focused >= 0 && rendered.has(focused) ? focused : (rows[items[0]?.index ?? -1] ?? -1);
    for (const [index, entry] of rendered) entry.item.tabIndex = index === tabStop ? 0 : -1;
    for (const item of fresh) virtualizer.measureElement(item);
    // Bodies on screen now count as read.
    for (const [index, entry] of rendered) {
      if (!entry.loaded || seen[index] === 1) continue;
      const { top, bottom } = entry.item.getBoundingClientRect();
      if (bottom > 0 && top < window.innerHeight) seen[index] = 1;
    }
    for (const page of needed) void fetchPage(page);
    const pending = revealing;
    const shown = pending ? rendered.get(pending.index) : undefined;
    if (pending && shown?.loaded) {
      revealing = null;
      reveal(shown.item, pending.align);
    }
    // Posts above the start post are measured as they render and move it: keep it
    // where it was until the reader does something.
    const start = startOffset !== null ? rendered.get(targetIndex) : undefined;
    if (start?.loaded) placeAtStart(start.item);
  }

  /** Scrolls so that the start post's top is `startOffset` pixels above the window's. */
  function placeAtStart(item: HTMLElement): void {
    if (startOffset === null) return;
    const { top, height } = item.getBoundingClientRect();
    const by = Math.round(top + Math.min(startOffset, Math.max(0, height - 1)));
    if (by !== 0) window.scrollBy(0, by);
  }

  function measureMargin(): void {
    const next = list.getBoundingClientRect().top + window.scrollY;
    if (Math.abs(next - scrollMargin) < 0.5) return;
    scrollMargin = next;
    update();
  }

  /** Tells the virtualizer about new rows or a new margin, and repaints. */
  function update(): void {
    virtualizer.setOptions(options());
    virtualizer._willUpdate();
    paint();
  }

  const onResize = (): void => measureMargin();
  window.addEventListener("resize", onResize);

  // ---- Collapse ------------------------------------------------------------------
  function setCollapsed(index: number, fold: boolean): void {
    if (fold) collapsed.add(index);
    else collapsed.delete(index);
    keepFolds();
    const replies = tree.descendants[index] ?? 0;
    const item = rendered.get(index)?.item;
    const top = item?.getBoundingClientRect().top;
    if (item) showCollapsed(item, fold, replies);
    layoutRows();
    update();
    // Its new height now, not at the next resize callback: moves that follow use it.
    if (item?.isConnected) virtualizer.measureElement(item);
    // The toggled post stays where it was on the screen; only what follows it moves.
    const placed = virtualizer.measurementsCache[rowOf[index] ?? -1];
    if (top !== undefined && placed) virtualizer.scrollToOffset(placed.start - top);
    const said = fold ? (replies > 0 ? `Collapsed: ${count(replies, "reply", "replies")} hidden` : "Collapsed") : "Expanded";
    status.textContent = said;
    announce(said);
  }

  // ---- Moving around ---------------------------------------------------------------
  /** The post being read: the focused one, or -1. */
  function currentIndex(): number {
    const post = (document.activeElement as Element | null)?.closest?.<HTMLElement>(".post");
    if (post && list.contains(post)) return Number(post.dataset.index);
    return -1;
  }

  /** The first shown post whose lower edge is below the top bar. */
  function postOnScreen(): number {
    const item = virtualizer.getVirtualItemForOffset(window.scrollY + READING_LINE_PX);
    return item ? (rows[item.index] ?? -1) : (rows[0] ?? -1);
  }

  /** Focuses post `index` (expanding what hides it) and scrolls it into view. */
  function focusPost(index: number, align: "auto" | "start" | "center" = "auto"): boolean {
    if (index < 0 || index >= total) return false;
    // A post the filter folded away is not shown until the filter is cleared.
    if (filtered !== null && filtered[index] === 0) return false;
    if (index !== targetIndex) startOffset = null;
    for (const ancestor of ancestors(tree, index)) if (collapsed.has(ancestor)) collapsed.delete(ancestor);
    if ((rowOf[index] ?? -1) < 0) {
      layoutRows();
      update();
    }
    const row = rowOf[index] ?? -1;
    focused = index;
    // New options: the range (memoised by the virtualizer) takes in the focused row.
    update();
    const entry = rendered.get(index);
    entry?.item.focus({ preventScroll: true });
    if (entry) reveal(entry.item, align);
    else virtualizer.scrollToIndex(row, { align });
    revealing = entry?.loaded ? null : { index, align };
    return true;
  }

  /** Scrolls the window so that `item` (in the DOM, at its measured place) shows
   *  clear of the top and status bars (their room is the post's scroll-margin). */
  function reveal(item: HTMLElement, align: "auto" | "start" | "center"): void {
    if (startOffset !== null && item.dataset.index === String(targetIndex)) {
      // Back where the window was in the post when the app last closed.
      placeAtStart(item);
      return;
    }
    const room = window.innerHeight - SCROLL_PADDING_TOP - SCROLL_PADDING_BOTTOM;
    // A post taller than the screen is shown from its start, not its end.
    const tall = item.getBoundingClientRect().height > room;
    item.scrollIntoView({ block: align === "auto" ? (tall ? "start" : "nearest") : align });
  }

  function nextRow(from: number, step: 1 | -1, accept: (i: number) => boolean = () => true): number {
    for (let row = from; row >= 0 && row < rows.length; row += step) {
      const index = rows[row] ?? -1;
      if (accept(index)) return index;
    }
    return -1;
  }

  /** j/k/n/p: from the focused post, or from the one on screen when none is. */
  function step(direction: 1 | -1, accept?: (i: number) => boolean): boolean {
    const current = currentIndex();
    if (current < 0) {
      const start = postOnScreen();
      if (start < 0) return false;
      const found = accept && !accept(start) ? nextRow(rowOf[start] ?? 0, direction, accept) : start;
      return found >= 0 && focusPost(found);
    }
    const next = nextRow((rowOf[current] ?? 0) + direction, direction, accept);
    return next >= 0 ? focusPost(next) : focusPost(current);
  }

  const topLevel = (i: number): boolean => (tree.parent[i] ?? -1) < 0;

  let positionTimer = 0;
  // At most 250 ms after a scroll, even while scrolling goes on.
  const remember = (): void => {
    if (positionTimer) return;
    positionTimer = window.setTimeout(() => {
      positionTimer = 0;
      if (!root.isConnected) return;
      const index = postOnScreen();
      const item = rendered.get(index)?.item;
      const offset = item ? Math.round(-item.getBoundingClientRect().top) : 0;
      onPosition(index >= 0 ? (outline[index]?.sourceId ?? null) : null, offset);
    }, 250);
  };
  window.addEventListener("scroll", remember, { passive: true });

  // New and edited posts since last read (marks, ] and [), read state, Refresh (R).
  const following = threadFollowing({ threadId: thread.id, outline, root, focusPost: (i) => focusPost(i, "center"), current: currentIndex });

  // The first screen's posts before the screen is shown: no placeholder flash.
  const firstPage = Math.floor(Math.max(0, targetIndex) / PAGE_SIZE);
  if (total > 0) await fetchPage(firstPage);
  await following.ready;

  // Highlights: marks (a post decorator), the selection toolbar, the side panel.
  const highlighting = threadHighlighting(
    thread.id,
    root,
    (id) => focusPost(outline.findIndex((p) => p.sourceId === id), "center"),
    () => rendered.get(focused)?.item ?? rendered.get(postOnScreen())?.item ?? heading,
  );

  // The filter (f): matches stay, their ancestors dimmed, the rest folded away.
  const filter = filterBar(
    thread.id,
    (ids) => {
      if (ids === null) {
        filtered = null;
        matches = [];
      } else {
        filtered = new Uint8Array(total);
        matches = [];
        for (const id of ids) {
          const index = tree.index.get(id);
          if (index === undefined) continue;
          filtered[index] = 1;
          matches.push(index);
          for (let p = tree.parent[index] ?? -1; p >= 0 && filtered[p] === 0; p = tree.parent[p] ?? -1) filtered[p] = 2;
        }
        matches.sort((a, b) => a - b);
      }
      // Every drawn post is drawn again (match, context or plain).
      redrawAll();
      const first = matches[0];
      if (first !== undefined) focusPost(first, "start");
      else window.scrollTo(0, 0);
    },
    () => {
      const index = focused >= 0 && (rowOf[focused] ?? -1) >= 0 ? focused : (matches[0] ?? postOnScreen());
      if (index >= 0) focusPost(index);
    },
  );
  root.querySelector(".thread-header")?.after(filter.root);
  const people = participants(
    outline.map((p) => p.author),
    outline.map((p) => p.sourceId),
    (author) => filter.set(`author:"${author.replaceAll('"', "")}"`),
  );
  filter.root.before(people.root);

  // The thread map beside the thread, the timeline beside the participants.
  const pictures = threadPictures(
    thread.id,
    outline,
    {
      onScreen: () => {
        const first = postOnScreen();
        const item = virtualizer.getVirtualItemForOffset(window.scrollY + window.innerHeight - SCROLL_PADDING_BOTTOM);
        const last = item ? (rows[item.index] ?? first) : first;
        return [first, Math.max(first, last)];
      },
      moveTo: (index, focus) => {
        // The nearest shown post at or after it (collapsed or filtered posts are not shown).
        let row = -1;
        for (let i = index; i < total && row < 0; i++) row = rowOf[i] ?? -1;
        for (let i = index; i >= 0 && row < 0; i--) row = rowOf[i] ?? -1;
        const shown = rows[row];
        if (shown === undefined) return;
        if (focus) focusPost(shown, "start");
        else virtualizer.scrollToIndex(row, { align: "start" });
      },
    },
    (query) => filter.set(query),
  );
  people.root.after(pictures.timeline);
  root.append(pictures.map);

  /** Draws every drawn post again (a filter or find changed what each shows). */
  function redrawAll(): void {
    for (const entry of rendered.values()) entry.item.remove();
    rendered.clear();
    layoutRows();
    update();
  }

  const find = findBar(
    thread.id,
    (ids, query) => {
      findHits = new Set();
      for (const id of ids ?? []) {
        const index = tree.index.get(id);
        if (index !== undefined) findHits.add(index);
      }
      findOrder = [...findHits].sort((a, b) => a - b);
      findPattern = ids && query ? queryPattern(query) : null;
      findAt = -1;
      redrawAll();
    },
    (direction) => {
      const from = findAt >= 0 ? findAt : focused >= 0 ? focused : postOnScreen() - (direction > 0 ? 1 : 0);
      const next = direction > 0 ? findOrder.find((i) => i > from) : [...findOrder].reverse().find((i) => i < from);
      const to = next ?? (direction > 0 ? findOrder[0] : findOrder[findOrder.length - 1]);
      if (to === undefined) return "Not found";
      findAt = to;
      focusPost(to, "center");
      const who = outline[to]?.author ?? "anonymous";
      return `${findOrder.indexOf(to) + 1} of ${findOrder.length}: ${who}'s post`;
    },
    () => {
      const index = findAt >= 0 ? findAt : focused;
      if (index >= 0) focusPost(index);
    },
  );
  filter.root.after(find.root);
  const onFindKey = (event: KeyboardEvent): void => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "f" && !document.querySelector("dialog[open]")) {
      event.preventDefault();
      find.open();
    }
  };
  document.addEventListener("keydown", onFindKey, true);

  /** z: folds every subtree with nothing unread or highlighted in it. */
  function foldRead(): boolean {
    const marked = new Set((currentSession()?.highlights ?? []).filter((h) => h.state !== "orphaned").map((h) => h.post));
    const fold = readSubtrees(tree, (i) => seen[i] === 1, (i) => marked.has(outline[i]?.sourceId ?? ""));
    const added = fold.filter((i) => !collapsed.has(i));
    for (const i of added) collapsed.add(i);
    keepFolds();
    const current = currentIndex();
    for (const i of added) {
      const item = rendered.get(i)?.item;
      if (item) showCollapsed(item, true, tree.descendants[i] ?? 0);
    }
    redrawAll();
    const hidden = added.reduce((sum, i) => sum + (tree.descendants[i] ?? 0), 0);
    const said = added.length === 0 ? "Nothing to fold: every branch holds unread or highlighted posts." : `Folded ${count(added.length, "read branch", "read branches")}: ${count(hidden, "reply", "replies")} hidden.`;
    status.textContent = said;
    announce(said);
    if (current >= 0) {
      // Stay on the post, or on the folded post that now holds it.
      const holder = ancestors(tree, current).find((a) => collapsed.has(a)) ?? current;
      focusPost(holder);
    }
    return true;
  }

  /** n / N with a filter applied: the next or previous match from the focused post. */
  function stepMatch(direction: 1 | -1): boolean {
    if (matches.length === 0) return true;
    const from = currentIndex() >= 0 ? currentIndex() : postOnScreen();
    const next = direction > 0 ? matches.find((m) => m > from) : [...matches].reverse().find((m) => m < from);
    const to = next ?? (direction > 0 ? matches[0] : matches[matches.length - 1]);
    if (next === undefined) announce(direction > 0 ? "Back to the first match." : "On to the last match.");
    return to !== undefined && focusPost(to);
  }

  // Highlighting by keyboard: selection mode in the focused post (v).
  const selecting = keyboardSelection(() => rendered.get(currentIndex())?.item ?? null);

  // Quotes: a link on each quote block, "quoted by N", the quote-versus-reply view (q).
  const quoting = threadQuoting({
    threadId: thread.id,
    outline,
    root,
    loadPost: async (id) => {
      const index = outline.findIndex((p) => p.sourceId === id);
      if (index >= 0) await fetchPage(Math.floor(index / PAGE_SIZE));
      const post = index >= 0 ? postAt(index) : undefined;
      if (!post) throw new Error(`Post #${id} could not be loaded.`);
      return post;
    },
    current: () => outline[currentIndex()]?.sourceId ?? null,
  });

  return {
    root,
    onKey(event) {
      startOffset = null;
      if (selecting.onKey(event)) return true;
      if (highlighting.onKey(event)) return true;
      if (quoting.onKey(event)) return true;
      if (following.onKey(event)) return true;
      switch (event.key) {
        case "Escape":
        case "Backspace":
          back.go();
          return true;
        case "f":
          filter.open();
          return true;
        case "z":
          return foldRead();
        case "N":
          return filter.active() ? stepMatch(-1) : false;
        case "j":
          return step(1);
        case "k":
          return step(-1);
        case "n":
          return filter.active() ? stepMatch(1) : step(1, topLevel);
        case "p":
          return step(-1, topLevel);
        case "Home":
          return focusPost(rows[0] ?? -1, "start");
        case "End":
          return focusPost(rows[rows.length - 1] ?? -1);
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
        // The tree's own keys, while a post has focus (otherwise arrows scroll).
        case "ArrowDown":
        case "ArrowUp":
          return currentIndex() >= 0 && step(event.key === "ArrowDown" ? 1 : -1);
        case "ArrowRight": {
          // Expands a folded post, else goes to its first reply.
          const current = currentIndex();
          if (current < 0) return false;
          if ((tree.descendants[current] ?? 0) === 0) return true;
          if (!collapsed.has(current)) return focusPost(current + 1);
          setCollapsed(current, false);
          return focusPost(current);
        }
        case "ArrowLeft": {
          // Folds an open post that has replies, else goes to its parent.
          const current = currentIndex();
          if (current < 0) return false;
          if ((tree.descendants[current] ?? 0) > 0 && !collapsed.has(current)) {
            setCollapsed(current, true);
            return focusPost(current);
          }
          const parent = tree.parent[current] ?? -1;
          return parent >= 0 ? focusPost(parent) : true;
        }
        default:
          return false;
      }
    },
    focus() {
      if (total > 0) {
        mounted = true;
        scrollMargin = list.getBoundingClientRect().top + window.scrollY;
        virtualizer.setOptions(options());
        unmount = virtualizer._didMount();
        virtualizer._willUpdate();
        paint();
      }
      if (targetIndex < 0) {
        window.scrollTo(0, 0);
        heading.focus({ preventScroll: true });
        return;
      }
      const align = target.q ? "center" : "start";
      focusPost(targetIndex, align);
      // The post is aligned again as the posts around it are measured, until the reader
      // takes over: their first key, wheel, touch or click (or after a while). A scroll
      // of theirs is never undone.
      let holding = true;
      const release = (event?: Event): void => {
        holding = false;
        startOffset = null;
        if (event) revealing = null;
        for (const type of READER_INPUT) window.removeEventListener(type, release, true);
      };
      for (const type of READER_INPUT) window.addEventListener(type, release, { capture: true, passive: true });
      window.setTimeout(() => release(), START_PLACING_MS);
      requestAnimationFrame(() =>
        requestAnimationFrame(() => {
          const item = rendered.get(targetIndex)?.item;
          if (holding && mounted && item && focused === targetIndex) reveal(item, align);
        }),
      );
    },
    leave() {
      document.removeEventListener("keydown", onFindKey, true);
      find.leave();
      people.leave();
      pictures.leave();
      filter.leave();
      selecting.leave();
      highlighting.leave();
      quoting.leave();
      following.leave();
      connected = false;
      mounted = false;
      unmount?.();
      window.removeEventListener("scroll", remember);
      window.removeEventListener("resize", onResize);
      window.clearTimeout(positionTimer);
    },
  };
}

function hint(keys: string[], what: string): HTMLElement {
  return el("span", { class: "key-hint" }, ...keys.map((key) => el("kbd", {}, key)), ` ${what}`);
}
