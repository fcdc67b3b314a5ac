// The screens are addressed by the URL hash, so the webview's history works:
//   "#/"                              the library
//   "#/thread/ID"                     a thread
//   "#/thread/ID?post=SID&q=QUERY"    a thread scrolled to a post (q: words to mark)
//   "#/search?q=QUERY&thread=ID"      search results (thread: optional filter)
//   "#/news"                          the catch-up queue (unread new and edited posts)

export type Route =
  | { view: "library" }
  | { view: "thread"; id: number; post: string | null; q: string | null }
  | { view: "search"; q: string; thread: number | null }
  | { view: "news" };

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const thread = /^\/thread\/(\d+)$/.exec(path);
  if (thread?.[1]) {
    return { view: "thread", id: Number(thread[1]), post: params.get("post"), q: params.get("q") };
  }
  if (path === "/news") return { view: "news" };
  if (path === "/search") {
    const filter = params.get("thread");
    return {
      view: "search",
      q: params.get("q") ?? "",
      thread: filter && /^\d+$/.test(filter) ? Number(filter) : null,
    };
  }
  return { view: "library" };
}

/** A thread, optionally at one of its posts with the words of `q` marked. */
export function threadHref(id: number, post: string | null = null, q: string | null = null): string {
  const params = new URLSearchParams();
  if (post !== null) params.set("post", post);
  if (q) params.set("q", q);
  const query = params.toString();
  return `#/thread/${id}${query ? `?${query}` : ""}`;
}

export function searchHref(q: string, thread: number | null = null): string {
  const params = new URLSearchParams({ q });
  if (thread !== null) params.set("thread", String(thread));
  return `#/search?${params.toString()}`;
}

export const LIBRARY_HREF = "#/";
export const NEWS_HREF = "#/news";
