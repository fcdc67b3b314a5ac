// The thread as a tree over the posts in thread order (parents before children):
// each post's parent index, its number of descendants, its place among its siblings
// (posts with the same parent; top-level posts are siblings), the original poster, and
// which posts a set of collapsed posts hides. Pure functions; the view renders.

export interface TreePost {
  sourceId: string;
  parent: string | null;
  depth: number;
  author: string | null;
}

export interface Tree {
  /** Index of each post's parent, -1 for a top-level post (or an unknown parent). */
  parent: Int32Array;
  /** Number of descendants of each post (replies, replies to them, …). */
  descendants: Int32Array;
  /** Each post's place among its siblings, from 1 (aria-posinset). */
  position: Int32Array;
  /** How many siblings each post has, itself included (aria-setsize). */
  siblings: Int32Array;
  /** Index by source id. */
  index: Map<string, number>;
  /** The author of the root post, when the thread has one with an author. */
  op: string | null;
}

export function buildTree(posts: readonly TreePost[]): Tree {
  const n = posts.length;
  const index = new Map<string, number>();
  const parent = new Int32Array(n).fill(-1);
  posts.forEach((post, i) => {
    const p = post.parent === null ? undefined : index.get(post.parent);
    if (p !== undefined) parent[i] = p;
    index.set(post.sourceId, i);
  });
  const descendants = new Int32Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const p = parent[i] ?? -1;
    if (p >= 0) descendants[p] = (descendants[p] ?? 0) + (descendants[i] ?? 0) + 1;
  }
  // Children counted per parent (slot n holds the top level), in thread order.
  const children = new Int32Array(n + 1);
  const position = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const slot = (parent[i] ?? -1) < 0 ? n : (parent[i] ?? n);
    children[slot] = (children[slot] ?? 0) + 1;
    position[i] = children[slot] ?? 1;
  }
  const siblings = new Int32Array(n);
  for (let i = 0; i < n; i++) siblings[i] = children[(parent[i] ?? -1) < 0 ? n : (parent[i] ?? n)] ?? 1;
  const root = posts[0];
  const op = root && root.parent === null && root.author ? root.author : null;
  return { parent, descendants, position, siblings, index, op };
}

/** For each post, whether a collapsed ancestor hides it. */
export function hiddenPosts(tree: Tree, collapsed: ReadonlySet<number>): Uint8Array {
  const n = tree.parent.length;
  const hidden = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = tree.parent[i] ?? -1;
    if (p >= 0 && (hidden[p] === 1 || collapsed.has(p))) hidden[i] = 1;
  }
  return hidden;
}

/** The chain of ancestors of post `i`, the root first. */
export function ancestors(tree: Tree, i: number): number[] {
  const chain: number[] = [];
  for (let p = tree.parent[i] ?? -1; p >= 0; p = tree.parent[p] ?? -1) chain.push(p);
  return chain.reverse();
}
