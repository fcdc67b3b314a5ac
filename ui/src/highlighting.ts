// Highlighting in the thread view: select text in one post, press a label's key (or
// click it in the small toolbar by the selection) and the span is marked at once in
// the label's colour. Offsets cross IPC as code points of the post's canonical text,
// which is the post body's textContent (the core's invariant); the DOM's UTF-16
// offsets are converted here, at the edge.
//
// A selection that spans two posts is refused with a message: a highlight belongs to
// one post (it is re-anchored in that post's text when the thread is re-imported).
//
// The thread is virtualized (posts leave the DOM when they scroll away), so marks are
// applied by a post decorator each time a post is rendered, from the highlights held
// here; after a change, the posts on screen are re-marked in place.

import "./highlighting.css";
import { announce } from "./announce";
import { button, openModal } from "./dialogs";
import { el } from "./dom";
import {
  type DeletedHighlight,
  type Highlight,
  type Label,
  type Link,
  type LinkKind,
  addHighlight,
  addLink,
  asCommandError,
  deleteHighlight,
  deleteLink,
  labels as loadLabels,
  reattachHighlight,
  setHighlightLabel,
  setHighlightNote,
  threadHighlights,
  undeleteHighlight,
} from "./ipc";
import { toast } from "./toast";
import { addPostDecorator, updatePostName } from "./views/post";

/** Keys the app uses elsewhere: a label cannot take them as its shortcut. */
export const RESERVED_KEYS = new Set(["/", "?", "t", "j", "k", "n", "p", "u", "h", "m", "l", "q", "e", "r", "o", "x", "v", "f", "z", " ", "]", "[", "c"]);

export const LINK_KINDS: { kind: LinkKind; verb: string; inverse: string }[] = [
  { kind: "supports", verb: "supports", inverse: "supported by" },
  { kind: "rebuts", verb: "rebuts", inverse: "rebutted by" },
  { kind: "answers", verb: "answers", inverse: "answered by" },
  { kind: "qualifies", verb: "qualifies", inverse: "qualified by" },
];

// ---- Code points and the DOM ---------------------------------------------------------

/** Code points in `s`. */
export function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The UTF-16 index of code point `cp` in `s` (clamped to its length). */
export function utf16Index(s: string, cp: number): number {
  let i = 0;
  let seen = 0;
  while (i < s.length && seen < cp) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
    seen++;
  }
  return i;
}

/** The code-point offset in `body`'s text of a DOM boundary (container, offset). */
export function offsetIn(body: Node, container: Node, offset: number): number {
  const range = document.createRange();
  range.setStart(body, 0);
  range.setEnd(container, offset);
  return codePoints(range.toString());
}

function textNodes(root: Node): Text[] {
  const out: Text[] = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) out.push(n as Text);
  return out;
}

/** Wraps code points start..end of `body`'s text in elements made by `make`, one per
 *  text node the span crosses; the text itself is unchanged. */
export function wrapSpan(body: HTMLElement, start: number, end: number, make: () => HTMLElement): HTMLElement[] {
  const made: HTMLElement[] = [];
  let at = 0;
  for (const node of textNodes(body)) {
    const len = codePoints(node.data);
    const from = Math.max(start, at);
    const to = Math.min(end, at + len);
    if (from < to) {
      let target = node;
      const a = utf16Index(node.data, from - at);
      if (a > 0) target = target.splitText(a);
      const b = utf16Index(target.data, to - from);
      if (b < target.data.length) target.splitText(b);
      const wrap = make();
      target.replaceWith(wrap);
      wrap.append(target);
      made.push(wrap);
    }
    at += len;
    if (at >= end) break;
  }
  return made;
}

// ---- State ---------------------------------------------------------------------------

type Listener = () => void;

/** The highlighting of the thread on screen. */
export interface Session {
  readonly threadId: number;
  highlights: Highlight[];
  links: Link[];
  labels: Label[];
  onChange(listener: Listener): () => void;
  reload(): Promise<void>;
  goToHighlight(h: Highlight): void;
  openMenu(h: Highlight, anchor?: Element): void;
  editNote(h: Highlight): void;
  remove(h: Highlight): Promise<void>;
  startReattach(h: Highlight): void;
  labelColor(name: string | null): string;
}

let session: SessionImpl | null = null;

/** The session of the thread on screen (for the panel and the tests). */
export function currentSession(): Session | null {
  return session;
}

// Marks are applied to every post as it is rendered.
addPostDecorator((_item, body, post, ctx) => {
  if (session && ctx.threadId === session.threadId) session.markPost(body, post.sourceId);
});

class SessionImpl implements Session {
  highlights: Highlight[] = [];
  links: Link[] = [];
  labels: Label[] = [];
  private listeners = new Set<Listener>();
  private toolbar: HTMLElement | null = null;
  private menu: HTMLElement | null = null;
  private reattaching: Highlight | null = null;
  private selectionTimer = 0;
  private readonly onSelection = (): void => {
    window.clearTimeout(this.selectionTimer);
    this.selectionTimer = window.setTimeout(() => this.updateToolbar(), 120);
  };
  private readonly onDocClick = (event: MouseEvent): void => {
    const target = event.target as Element | null;
    if (this.menu && target && !this.menu.contains(target) && !target.closest("mark.hl")) this.closeMenu();
  };

  constructor(
    readonly threadId: number,
    private readonly root: HTMLElement,
    private readonly goToPost: (sourceId: string) => boolean,
  ) {
    document.addEventListener("selectionchange", this.onSelection);
    document.addEventListener("mousedown", this.onDocClick);
    root.addEventListener("click", (event) => {
      const mark = (event.target as Element | null)?.closest?.<HTMLElement>("mark.hl");
      if (!mark || !window.getSelection()?.isCollapsed) return;
      const h = this.byId(Number(mark.dataset.hl));
      if (h) this.openMenu(h, mark);
    });
    root.addEventListener("keydown", (event) => {
      const mark = (event.target as Element | null)?.closest?.<HTMLElement>("mark.hl");
      if (mark && event.key === "Enter") {
        const h = this.byId(Number(mark.dataset.hl));
        if (h) {
          event.preventDefault();
          this.openMenu(h, mark);
        }
      }
    });
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.remarkAll();
    for (const listener of this.listeners) listener();
  }

  async reload(): Promise<void> {
    const [labels, all] = await Promise.all([loadLabels(), threadHighlights(this.threadId)]);
    if (session !== this) return;
    this.labels = labels;
    this.highlights = all.highlights;
    this.links = all.links;
    this.changed();
  }

  byId(id: number): Highlight | undefined {
    return this.highlights.find((h) => h.id === id);
  }

  labelColor(name: string | null): string {
    return this.labels.find((l) => l.name === name)?.color ?? "#868e96";
  }

  private replace(h: Highlight): void {
    const at = this.highlights.findIndex((x) => x.id === h.id);
    if (at >= 0) this.highlights[at] = h;
    else this.highlights.push(h);
  }

  // ---- Marks ----

  markPost(body: HTMLElement, postId: string): void {
    for (const mark of body.querySelectorAll("mark.hl")) mark.replaceWith(...mark.childNodes);
    body.normalize();
    const own = this.highlights
      .filter((h) => h.post === postId && h.state !== "orphaned")
      .sort((a, b) => a.start - b.start || b.end - a.end);
    for (const h of own) {
      const color = this.labelColor(h.label);
      const title = `${h.label ?? "Highlight"}${h.note ? ` — ${h.note.slice(0, 80)}` : ""}${h.state === "fuzzy" ? " (text changed since it was marked)" : ""}`;
      wrapSpan(body, h.start, h.end, () => {
        const mark = el("mark", { class: `hl hl--${h.state}`, "data-hl": h.id, tabindex: 0, title });
        mark.style.setProperty("--hl", color);
        return mark;
      });
    }
    // The post's accessible name counts its highlights.
    const item = body.closest<HTMLElement>(".post");
    if (item) updatePostName(item);
  }

  private remarkAll(): void {
    for (const item of this.root.querySelectorAll<HTMLElement>(".post[data-post-id]")) {
      const body = item.querySelector<HTMLElement>(".post-body:not(.post-body--pending)");
      if (body) this.markPost(body, item.dataset.postId ?? "");
    }
  }

  goToHighlight(h: Highlight): void {
    if (!this.goToPost(h.post)) return;
    window.requestAnimationFrame(() => {
      const mark = this.root.querySelector<HTMLElement>(`mark.hl[data-hl="${h.id}"]`);
      if (!mark) return;
      mark.scrollIntoView({ block: "center" });
      mark.focus({ preventScroll: true });
      mark.classList.add("hl--flash");
      window.setTimeout(() => mark.classList.remove("hl--flash"), 1200);
    });
  }

  // ---- Selection and toolbar ----

  /** The selection as one post's span, or a reason it cannot be one. */
  selectionSpan(): { post: string; start: number; end: number; rect: DOMRect } | { error: string } | null {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const bodyOf = (node: Node): HTMLElement | null =>
      (node instanceof Element ? node : node.parentElement)?.closest<HTMLElement>(".post-body") ?? null;
    const a = bodyOf(range.startContainer);
    const b = bodyOf(range.endContainer);
    if (!a && !b) return null;
    if (!this.root.contains(a ?? b)) return null;
    if (!a || !b || a !== b) return { error: "A highlight stays within one post: select text in a single post." };
    const item = a.closest<HTMLElement>(".post[data-post-id]");
    if (!item || a.classList.contains("post-body--pending")) return null;
    let start = offsetIn(a, range.startContainer, range.startOffset);
    let end = offsetIn(a, range.endContainer, range.endOffset);
    // Leading and trailing spaces are not part of what was meant.
    const text = a.textContent ?? "";
    const chars = [...text];
    while (start < end && /\s/.test(chars[start] ?? "")) start++;
    while (end > start && /\s/.test(chars[end - 1] ?? "")) end--;
    if (start >= end) return null;
    return { post: item.dataset.postId ?? "", start, end, rect: range.getBoundingClientRect() };
  }

  private hideToolbar(): void {
    this.toolbar?.remove();
    this.toolbar = null;
  }

  updateToolbar(): void {
    if (session !== this) return;
    const span = this.selectionSpan();
    if (!span) {
      if (!this.toolbar?.contains(document.activeElement)) this.hideToolbar();
      return;
    }
    this.hideToolbar();
    const bar = el("div", { class: "hl-toolbar", role: "toolbar", "aria-label": "Highlight the selection" });
    if ("error" in span) {
      bar.classList.add("hl-toolbar--refused");
      bar.append(el("span", { class: "hl-toolbar-message", role: "status" }, span.error));
      const sel = window.getSelection();
      const rect = sel && sel.rangeCount > 0 ? sel.getRangeAt(0).getBoundingClientRect() : null;
      this.place(bar, rect);
      return;
    }
    if (this.reattaching) {
      const h = this.reattaching;
      const go = el("button", { type: "button", class: "hl-tool hl-tool--primary" }, "Re-attach here");
      go.addEventListener("click", () => void this.reattachHere(h));
      const cancel = el("button", { type: "button", class: "hl-tool" }, "Cancel");
      cancel.addEventListener("click", () => this.cancelReattach());
      bar.append(el("span", { class: "hl-toolbar-message" }, `Re-attach “${short(h.exact, 30)}”:`), go, cancel);
    } else {
      for (const label of this.labels) {
        const key = this.keyFor(label);
        const b = el(
          "button",
          { type: "button", class: "hl-tool", "data-label": label.name, title: key ? `${label.name} (${key})` : label.name },
          dot(label.color),
          label.name,
          key ? el("kbd", {}, key) : null,
        );
        b.addEventListener("mousedown", (event) => event.preventDefault());
        b.addEventListener("click", () => void this.create(label.name));
        bar.append(b);
      }
      const note = el("button", { type: "button", class: "hl-tool", title: "Highlight and write a note" }, "Note…");
      note.addEventListener("mousedown", (event) => event.preventDefault());
      note.addEventListener("click", () => void this.create(null, true));
      bar.append(note);
    }
    this.place(bar, span.rect);
  }

  private place(bar: HTMLElement, rect: DOMRect | null): void {
    document.body.append(bar);
    this.toolbar = bar;
    if (!rect) return;
    const width = bar.offsetWidth;
    const left = Math.min(Math.max(8, rect.left + rect.width / 2 - width / 2), window.innerWidth - width - 8);
    const above = rect.top - bar.offsetHeight - 8;
    bar.style.left = `${left}px`;
    bar.style.top = `${above > 56 ? above : rect.bottom + 8}px`;
  }

  /** The key that applies `label`: its shortcut, else its place (1–9). */
  keyFor(label: Label): string | null {
    if (label.shortcut) return label.shortcut;
    const i = this.labels.indexOf(label);
    const digit = String(i + 1);
    return i < 9 && !this.labels.some((l) => l.shortcut === digit) ? digit : null;
  }

  private labelForKey(key: string): Label | undefined {
    const k = key.toLowerCase();
    return this.labels.find((l) => this.keyFor(l)?.toLowerCase() === k);
  }

  async create(label: string | null, withNote = false): Promise<void> {
    const span = this.selectionSpan();
    if (!span) return;
    if ("error" in span) {
      toast(span.error, "error");
      return;
    }
    // Shown at once; replaced by the stored one (or taken back on failure).
    const temp: Highlight = {
      id: -Date.now(),
      uuid: "",
      post: span.post,
      exact: "",
      prefix: "",
      suffix: "",
      start: span.start,
      end: span.end,
      label,
      note: "",
      noteHtml: "",
      tags: [],
      state: "anchored",
      createdAt: 0,
      updatedAt: 0,
    };
    this.highlights.push(temp);
    window.getSelection()?.removeAllRanges();
    this.hideToolbar();
    this.remarkAll();
    try {
      const h = await addHighlight(this.threadId, span.post, span.start, span.end, label);
      this.highlights = this.highlights.filter((x) => x !== temp);
      this.replace(h);
      this.changed();
      announce(`Highlight added${label ? `, labelled ${label}` : ""}.`);
      if (withNote) this.editNote(h);
    } catch (error) {
      this.highlights = this.highlights.filter((x) => x !== temp);
      this.changed();
      toast(asCommandError(error).message, "error");
    }
  }

  // ---- Re-attaching an orphan ----

  startReattach(h: Highlight): void {
    this.reattaching = h;
    toast(`Select the text “${short(h.exact, 40)}” belongs to now, then choose Re-attach here (Esc cancels).`);
  }

  private cancelReattach(): void {
    this.reattaching = null;
    this.hideToolbar();
  }

  private async reattachHere(h: Highlight): Promise<void> {
    const span = this.selectionSpan();
    if (!span || "error" in span) return;
    try {
      const moved = await reattachHighlight(h.id, span.post, span.start, span.end);
      this.reattaching = null;
      window.getSelection()?.removeAllRanges();
      this.hideToolbar();
      this.replace(moved);
      this.changed();
      toast("Highlight re-attached.");
    } catch (error) {
      toast(asCommandError(error).message, "error");
    }
  }

  // ---- The highlight's menu ----

  private closeMenu(): void {
    this.menu?.remove();
    this.menu = null;
  }

  openMenu(h: Highlight, anchor?: Element): void {
    this.closeMenu();
    const menu = el("div", { class: "hl-menu", role: "dialog", "aria-label": "Highlight" });
    const labelRow = el("div", { class: "hl-menu-labels", role: "group", "aria-label": "Label" });
    for (const label of this.labels) {
      const b = el(
        "button",
        { type: "button", class: `hl-tool${label.name === h.label ? " hl-tool--on" : ""}`, "aria-pressed": String(label.name === h.label) },
        dot(label.color),
        label.name,
      );
      b.addEventListener("click", () => void this.relabel(h, label.name === h.label ? null : label.name));
      labelRow.append(b);
    }
    const links = this.linksOf(h);
    const linkList = el(
      "ul",
      { class: "hl-links" },
      ...links.map(({ link, text, other }) => {
        const go = el("button", { type: "button", class: "link-button" }, `${text} “${short(other?.exact ?? "?", 40)}”`);
        go.addEventListener("click", () => other && this.goToHighlight(other));
        const drop = el("button", { type: "button", class: "hl-tool hl-tool--small", "aria-label": "Remove this link" }, "×");
        drop.addEventListener("click", () => void this.unlink(link));
        return el("li", {}, go, drop);
      }),
    );
    const note = el("button", { type: "button", class: "hl-tool" }, h.note || h.tags.length ? "Edit note & tags…" : "Add note & tags…");
    note.addEventListener("click", () => this.editNote(h));
    const link = el("button", { type: "button", class: "hl-tool" }, "Link to…");
    link.addEventListener("click", () => this.linkDialog(h));
    const del = el("button", { type: "button", class: "hl-tool hl-tool--danger" }, "Delete");
    del.addEventListener("click", () => void this.remove(h));
    const parts: (HTMLElement | null)[] = [
      el("p", { class: "hl-menu-quote" }, `“${short(h.exact, 120)}”`),
      labelRow,
      h.noteHtml ? noteBlock(h.noteHtml) : null,
      h.tags.length ? el("p", { class: "hl-tags" }, ...h.tags.map((t) => el("span", { class: "hl-tag" }, t))) : null,
      links.length ? linkList : null,
      el("div", { class: "hl-menu-actions" }, note, link, del),
    ];
    menu.append(...parts.filter((p): p is HTMLElement => p !== null));
    menu.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        event.preventDefault();
        this.closeMenu();
        (anchor as HTMLElement | undefined)?.focus?.();
      }
    });
    // A popup, not a modal: it closes when focus leaves it (Tab past its last
    // button, or a click elsewhere), so it never stays open behind the reader.
    menu.addEventListener("focusout", (event) => {
      const next = event.relatedTarget as Node | null;
      if (next && menu.contains(next)) return;
      window.setTimeout(() => {
        if (this.menu === menu && !menu.contains(document.activeElement)) this.closeMenu();
      }, 0);
    });
    document.body.append(menu);
    this.menu = menu;
    const rect = anchor?.getBoundingClientRect();
    if (rect) {
      menu.style.left = `${Math.min(Math.max(8, rect.left), window.innerWidth - menu.offsetWidth - 8)}px`;
      const below = rect.bottom + 6;
      menu.style.top = `${below + menu.offsetHeight < window.innerHeight ? below : Math.max(8, rect.top - menu.offsetHeight - 6)}px`;
    }
    menu.querySelector<HTMLElement>("button")?.focus();
  }

  linksOf(h: Highlight): { link: Link; text: string; other: Highlight | undefined }[] {
    return this.links
      .filter((l) => l.from === h.id || l.to === h.id)
      .map((l) => {
        const kind = LINK_KINDS.find((k) => k.kind === l.kind);
        const outgoing = l.from === h.id;
        return {
          link: l,
          text: outgoing ? (kind?.verb ?? l.kind) : (kind?.inverse ?? l.kind),
          other: this.byId(outgoing ? l.to : l.from),
        };
      });
  }

  private async relabel(h: Highlight, label: string | null): Promise<void> {
    try {
      this.replace(await setHighlightLabel(h.id, label));
      this.closeMenu();
      this.changed();
    } catch (error) {
      toast(asCommandError(error).message, "error");
    }
  }

  private async unlink(link: Link): Promise<void> {
    try {
      await deleteLink(link.id);
      this.links = this.links.filter((l) => l.id !== link.id);
      this.closeMenu();
      this.changed();
    } catch (error) {
      toast(asCommandError(error).message, "error");
    }
  }

  editNote(h: Highlight): void {
    this.closeMenu();
    const note = el("textarea", { class: "field", name: "note", rows: 6, placeholder: "Markdown: **bold**, *italic*, - lists, [links](https://…)" });
    note.value = h.note;
    const tags = el("input", { class: "field", name: "tags", type: "text", placeholder: "comma, separated, tags" });
    tags.value = h.tags.join(", ");
    const modal = openModal({
      title: "Note and tags",
      body: [
        el("p", { class: "dialog-quote" }, `“${short(h.exact, 200)}”`),
        el("label", { class: "dialog-label" }, "Note (Markdown)", note),
        el("label", { class: "dialog-label" }, "Tags", tags),
      ],
      actions: [button("Cancel", { value: "cancel" }), button("Save", { kind: "primary", submit: true })],
      className: "dialog--note",
      onSubmit: async () => {
        try {
          const saved = await setHighlightNote(
            h.id,
            note.value,
            tags.value.split(",").map((t) => t.trim()).filter(Boolean),
          );
          this.replace(saved);
          this.changed();
          return true;
        } catch (error) {
          modal.setError(asCommandError(error).message);
          return false;
        }
      },
    });
    // Ctrl+Enter saves from the note.
    note.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        note.form?.requestSubmit();
      }
    });
    note.focus();
  }

  private linkDialog(h: Highlight): void {
    this.closeMenu();
    const kind = el(
      "select",
      { class: "field", name: "kind" },
      ...LINK_KINDS.map((k) => el("option", { value: k.kind }, `This ${k.verb}…`)),
    );
    const others = this.highlights.filter((x) => x.id !== h.id && x.id > 0);
    const target = el(
      "select",
      { class: "field", name: "target", size: Math.min(8, Math.max(2, others.length)) },
      ...others.map((x) => el("option", { value: x.id }, `${x.label ?? "Highlight"} · #${x.post} · “${short(x.exact, 60)}”`)),
    );
    if (others[0]) target.value = String(others[0].id);
    const modal = openModal({
      title: "Link this highlight",
      body: [
        el("p", { class: "dialog-quote" }, `“${short(h.exact, 160)}”`),
        el("label", { class: "dialog-label" }, "Relation", kind),
        others.length
          ? el("label", { class: "dialog-label" }, "To", target)
          : el("p", {}, "There is no other highlight in this thread to link to yet."),
      ],
      actions: [button("Cancel", { value: "cancel" }), button("Link", { kind: "primary", submit: true })],
      onSubmit: async () => {
        const to = Number(target.value);
        if (!to) {
          modal.setError("Choose the highlight to link to.");
          return false;
        }
        try {
          const link = await addLink(h.id, kind.value as LinkKind, to);
          if (!this.links.some((l) => l.id === link.id)) this.links.push(link);
          this.changed();
          return true;
        } catch (error) {
          modal.setError(asCommandError(error).message);
          return false;
        }
      },
    });
    kind.focus();
  }

  async remove(h: Highlight): Promise<void> {
    this.closeMenu();
    let deleted: DeletedHighlight;
    try {
      deleted = await deleteHighlight(h.id);
    } catch (error) {
      toast(asCommandError(error).message, "error");
      return;
    }
    this.highlights = this.highlights.filter((x) => x.id !== h.id);
    this.links = this.links.filter((l) => l.from !== h.id && l.to !== h.id);
    this.changed();
    const item = toast("Highlight deleted.");
    const undo = el("button", { type: "button", class: "toast-action" }, "Undo");
    undo.addEventListener("click", () => {
      item.remove();
      void undeleteHighlight(deleted).then(
        () => this.reload(),
        (error: unknown) => toast(asCommandError(error).message, "error"),
      );
    });
    item.insertBefore(undo, item.lastChild);
    undo.focus();
  }

  // ---- Keys ----

  onKey(event: KeyboardEvent): boolean {
    if (event.key === "Escape" && (this.toolbar || this.menu || this.reattaching)) {
      this.closeMenu();
      if (this.reattaching) this.cancelReattach();
      this.hideToolbar();
      window.getSelection()?.removeAllRanges();
      return true;
    }
    const span = this.selectionSpan();
    if (span && !this.reattaching) {
      const label = this.labelForKey(event.key);
      if (label) {
        void this.create(label.name);
        return true;
      }
      if ("error" in span && /^[1-9]$/.test(event.key)) {
        toast(span.error, "error");
        return true;
      }
    }
    if (span && this.reattaching && event.key === "Enter") {
      void this.reattachHere(this.reattaching);
      return true;
    }
    return false;
  }

  leave(): void {
    document.removeEventListener("selectionchange", this.onSelection);
    document.removeEventListener("mousedown", this.onDocClick);
    window.clearTimeout(this.selectionTimer);
    this.hideToolbar();
    this.closeMenu();
    this.listeners.clear();
  }
}

/** Starts highlighting for the thread view `root`; `goToPost` shows a post by source id. */
export function attachHighlighting(
  threadId: number,
  root: HTMLElement,
  goToPost: (sourceId: string) => boolean,
): { session: Session; onKey(event: KeyboardEvent): boolean; leave(): void } {
  session?.leave();
  const s = new SessionImpl(threadId, root, goToPost);
  session = s;
  s.reload().catch((error: unknown) => toast(asCommandError(error).message, "error"));
  return {
    session: s,
    onKey: (event) => s.onKey(event),
    leave: () => {
      s.leave();
      if (session === s) session = null;
    },
  };
}

export function dot(color: string): HTMLElement {
  const d = el("span", { class: "hl-dot", "aria-hidden": "true" });
  d.style.setProperty("--hl", color);
  return d;
}

export function short(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : flat;
}

/** A note's HTML (rendered and sanitized by the core). */
export function noteBlock(html: string): HTMLElement {
  const div = el("div", { class: "hl-note" });
  div.innerHTML = html;
  return div;
}

