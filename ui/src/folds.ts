// Folding that outlives the window: which posts of a thread are collapsed (source
// ids, in localStorage, one entry per thread), and which subtrees "fold what I have
// read" (key z) folds. Until the library keeps read state (the follow work), a post
// counts as read once its body has been on screen.

import { libraryKey } from "./prefs";
import type { Tree } from "./tree";

/** Per thread of this window's library (thread ids differ between libraries). */
const KEY = (thread: number): string => libraryKey(`threadmark.folds.${thread}`);

/** The collapsed posts of `thread` kept from last time (source ids). */
export function loadFolds(thread: number): string[] {
  try {
    const value = JSON.parse(localStorage.getItem(KEY(thread)) ?? "[]") as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export function saveFolds(thread: number, ids: string[]): void {
  try {
    if (ids.length === 0) localStorage.removeItem(KEY(thread));
    else localStorage.setItem(KEY(thread), JSON.stringify(ids));
  } catch {
    // Storage refused: the folds are not remembered.
  }
}

/**
 * The posts to fold so that every subtree with nothing unread or highlighted in it is
 * folded: the topmost posts with replies whose whole subtree (the post included) is
 * read and unhighlighted. Pure; `read` and `highlighted` are by post index.
 */
export function readSubtrees(tree: Tree, read: (i: number) => boolean, highlighted: (i: number) => boolean): number[] {
  const n = tree.parent.length;
  // Whether anything in each subtree is unread or highlighted (children come after
  // their parent in thread order: walk backwards).
  const open = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    if (!read(i) || highlighted(i)) open[i] = 1;
    const p = tree.parent[i] ?? -1;
    if (p >= 0 && open[i] === 1) open[p] = 1;
  }
  const fold: number[] = [];
  for (let i = 0; i < n; i++) {
    if (open[i] === 1 || (tree.descendants[i] ?? 0) === 0) continue;
    const p = tree.parent[i] ?? -1;
    // Under a post folded for the same reason: already hidden.
    if (p >= 0 && open[p] === 0) continue;
    fold.push(i);
  }
  return fold;
}
