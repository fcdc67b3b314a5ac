// Marking the words of a search in a rendered post, so a result opens with its match
// visible. The query is read the way FTS5 reads it (words, "phrases", prefix*,
// AND/OR/NOT); matching is on whole words, case-insensitively. Marks are <mark>
// elements around existing text: the post's textContent (its anchor space) is kept.

const WORD = "[\\p{L}\\p{N}\\p{M}]";
const OPERATORS = new Set(["AND", "OR", "NOT", "NEAR"]);

/** A pattern matching any word or phrase of `query`, or null if it has none. */
export function queryPattern(query: string): RegExp | null {
  const alternatives: string[] = [];
  for (const match of query.matchAll(/"([^"]*)"(\*?)|([^\s()"]+)/g)) {
    const phrase = match[1];
    let term = phrase ?? match[3] ?? "";
    let prefix = match[2] === "*";
    if (phrase === undefined) {
      if (OPERATORS.has(term)) continue;
      term = term.replace(/^[\w-]+:/u, "").replace(/^\^/, "");
      if (term.endsWith("*")) {
        prefix = true;
        term = term.replace(/\*+$/, "");
      }
    }
    const words = term.split(new RegExp(`(?:(?!${WORD}).)+`, "u")).filter(Boolean);
    if (words.length === 0) continue;
    const body = words.join(`(?:(?!${WORD}).)+`);
    alternatives.push(`(?<!${WORD})${body}${prefix ? `${WORD}*` : `(?!${WORD})`}`);
  }
  if (alternatives.length === 0) return null;
  return new RegExp(alternatives.join("|"), "giu");
}

/** Wraps every match of `pattern` inside `root`'s text in <mark class="search-mark">.
 *  Returns the marks in document order. */
export function markMatches(root: HTMLElement, pattern: RegExp): HTMLElement[] {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
  const marks: HTMLElement[] = [];
  for (const text of texts) {
    const value = text.data;
    pattern.lastIndex = 0;
    const found = [...value.matchAll(pattern)].filter((m) => m[0].length > 0);
    if (found.length === 0) continue;
    const pieces: Node[] = [];
    let at = 0;
    for (const m of found) {
      const start = m.index ?? 0;
      if (start > at) pieces.push(document.createTextNode(value.slice(at, start)));
      const mark = document.createElement("mark");
      mark.className = "search-mark";
      mark.textContent = m[0];
      pieces.push(mark);
      marks.push(mark);
      at = start + m[0].length;
    }
    if (at < value.length) pieces.push(document.createTextNode(value.slice(at)));
    text.replaceWith(...pieces);
  }
  return marks;
}
