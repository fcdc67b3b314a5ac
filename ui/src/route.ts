// The two screens are addressed by the URL hash, so the webview's history works:
// "#/" is the library, "#/thread/ID" a thread.

export type Route = { view: "library" } | { view: "thread"; id: number };

export function parseRoute(hash: string): Route {
  const match = /^#\/thread\/(\d+)$/.exec(hash);
  if (match?.[1]) return { view: "thread", id: Number(match[1]) };
  return { view: "library" };
}

export function threadHref(id: number): string {
  return `#/thread/${id}`;
}

export const LIBRARY_HREF = "#/";
