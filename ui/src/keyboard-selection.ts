// Highlighting without a mouse: a selection mode inside the focused post (key v).
// The mode selects the post's first word; ←/→ select the previous/next word, ↑/↓ the
// previous/next sentence, and with Shift they shrink or extend the selection's end
// by a word or a sentence. The selection is the document's own, so the highlighting
// toolbar shows as for a mouse selection and a label key (1–9 or the label's key)
// makes the highlight. Escape (or v) leaves the mode; so does anything that takes
// the selection away. What is selected is announced politely.
//
// Words and sentences are found in the body's textContent (the anchor space; see
// ARCHITECTURE.md), as UTF-16 offsets, and put back into the DOM through its text
// nodes; this module never changes a post.

import { announce } from "./announce";

/** A stretch of the body's text, in UTF-16 offsets of its textContent. */
export interface Span {
  start: number;
  end: number;
}

/** The words of `text`: letters, digits and marks, with inner apostrophes and hyphens. */
export function wordSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}]+(?:['’_-][\p{L}\p{N}\p{M}]+)*/gu)) {
    spans.push({ start: m.index, end: m.index + m[0].length });
  }
  return spans;
}

/** The sentences of `text`: from a non-space up to . ! ? (with closing quotes or
 *  brackets) or the end of the line. */
export function sentenceSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(/\S[^.!?\n]*(?:[.!?]+["'”’)\]]*)?/gu)) {
    const end = m.index + m[0].trimEnd().length;
    spans.push({ start: m.index, end });
  }
  return spans;
}

type Unit = "word" | "sentence";

interface State {
  body: HTMLElement;
  text: string;
  units: Record<Unit, Span[]>;
  selected: Span;
}

/** Keys for selection mode in the thread; `postOf` gives the focused post's element. */
export function keyboardSelection(postOf: () => HTMLElement | null): { onKey(event: KeyboardEvent): boolean; leave(): void } {
  let state: State | null = null;

  function stop(clear: boolean): void {
    if (clear && state && ownsSelection(state)) window.getSelection()?.removeAllRanges();
    state = null;
  }

  function ownsSelection(s: State): boolean {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed || !s.body.isConnected) return false;
    const range = sel.getRangeAt(0);
    return s.body.contains(range.startContainer) && s.body.contains(range.endContainer);
  }

  function start(): boolean {
    const item = postOf();
    const body = item?.querySelector<HTMLElement>(".post-body:not(.post-body--pending)");
    if (!item || !body) return false;
    const text = body.textContent ?? "";
    const words = wordSpans(text);
    const first = words[0];
    if (!first) {
      announce("This post has no text to select.");
      return true;
    }
    state = { body, text, units: { word: words, sentence: sentenceSpans(text) }, selected: first };
    show(state);
    const author = item.querySelector(".post-author")?.textContent ?? "this";
    announce(
      `Selection mode in ${author}'s post. Arrows left and right select a word, up and down a sentence; with Shift they extend. A label key highlights; Escape leaves. Selected: ${quoted(state)}`,
    );
    return true;
  }

  function quoted(s: State): string {
    const t = s.text.slice(s.selected.start, s.selected.end);
    return t.length > 120 ? `${t.slice(0, 117)}…` : t;
  }

  /** Selects the unit after (or before) the current selection. */
  function move(s: State, unit: Unit, forward: boolean): void {
    const spans = s.units[unit];
    const next = forward
      ? spans.find((u) => u.start >= s.selected.end) ?? spans.find((u) => u.end > s.selected.end)
      : [...spans].reverse().find((u) => u.end <= s.selected.start) ?? [...spans].reverse().find((u) => u.start < s.selected.start);
    if (next) s.selected = { ...next };
  }

  /** Moves the selection's end by one unit (never before the end of its first word). */
  function extend(s: State, unit: Unit, forward: boolean): void {
    const spans = s.units[unit];
    if (forward) {
      const next = spans.find((u) => u.end > s.selected.end);
      if (next) s.selected = { start: s.selected.start, end: next.end };
      return;
    }
    const floor = s.units.word.find((u) => u.end > s.selected.start)?.end ?? s.selected.end;
    const back = [...spans].reverse().find((u) => u.end < s.selected.end && u.end >= floor);
    s.selected = { start: s.selected.start, end: back ? back.end : floor };
  }

  function show(s: State): void {
    const range = rangeOf(s.body, s.selected);
    if (!range) return;
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    // Keep the selection on screen, clear of the top and status bars.
    const rect = range.getBoundingClientRect();
    if (rect.top < 72) window.scrollBy(0, rect.top - 72);
    else if (rect.bottom > window.innerHeight - 56) window.scrollBy(0, rect.bottom - window.innerHeight + 56);
  }

  return {
    onKey(event) {
      if (state && !ownsSelection(state)) stop(false);
      if (!state) return event.key === "v" && !event.shiftKey ? start() : false;
      const s = state;
      switch (event.key) {
        case "Escape":
        case "v":
          stop(true);
          announce("Selection mode left.");
          return true;
        case "ArrowRight":
        case "ArrowLeft":
        case "ArrowDown":
        case "ArrowUp": {
          const unit: Unit = event.key === "ArrowRight" || event.key === "ArrowLeft" ? "word" : "sentence";
          const forward = event.key === "ArrowRight" || event.key === "ArrowDown";
          if (event.shiftKey) extend(s, unit, forward);
          else move(s, unit, forward);
          show(s);
          announce(quoted(s));
          return true;
        }
        default:
          return false;
      }
    },
    leave() {
      stop(true);
    },
  };
}

/** A DOM range over `span` (UTF-16 offsets of `body`'s textContent). */
function rangeOf(body: HTMLElement, span: Span): Range | null {
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let at = 0;
  let started = false;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const length = node.nodeValue?.length ?? 0;
    if (!started && span.start <= at + length) {
      range.setStart(node, span.start - at);
      started = true;
    }
    if (started && span.end <= at + length) {
      range.setEnd(node, span.end - at);
      return range;
    }
    at += length;
  }
  return null;
}
