// Search results over the whole library (or one thread): hits grouped by thread in
// the order of their best match, each with a snippet whose matched words are marked.
// Snippets are plain text from the core, built into text nodes and <mark> elements,
// never parsed as HTML. Choosing a result opens the thread at that post.

import { el, moveFocus } from "../dom";
import { count } from "../format";
import type { CommandError, SearchHit, ThreadSummary } from "../ipc";
import { searchHref, threadHref } from "../route";
import { topbar } from "../topbar";
import type { View } from "./view";

export function searchView(
  q: string,
  filter: number | null,
  result: { hits: SearchHit[] } | { error: CommandError },
  threads: ThreadSummary[],
  back: { label: string; go: () => void },
  focusPost: string | null,
): View {
  const backButton = el("button", { type: "button", class: "back", title: `${back.label} (Esc)` }, `← ${back.label}`);
  backButton.addEventListener("click", back.go);

  const select = el("select", { class: "search-filter", "aria-label": "Search in" }, el("option", { value: "" }, "All threads"));
  for (const thread of threads) {
    const option = el("option", { value: String(thread.id) }, thread.title || "Untitled thread");
    if (thread.id === filter) option.selected = true;
    select.append(option);
  }
  select.addEventListener("change", () => {
    location.hash = searchHref(q, select.value ? Number(select.value) : null);
  });

  const links: HTMLAnchorElement[] = [];
  let content: HTMLElement;
  let summary: string;
  if ("error" in result) {
    summary = "The search could not run";
    content = el(
      "div",
      { class: "search-error error", role: "alert", "data-kind": result.error.kind },
      el("p", { class: "error-message" }, result.error.message),
    );
  } else if (result.hits.length === 0) {
    summary = `No posts match “${q}”`;
    content = el("p", { class: "empty" }, "Nothing found. Try fewer words, a prefix like ", el("code", {}, "argu*"), ", or all threads.");
  } else {
    const groups = new Map<number, SearchHit[]>();
    for (const hit of result.hits) {
      const group = groups.get(hit.threadId);
      if (group) group.push(hit);
      else groups.set(hit.threadId, [hit]);
    }
    summary = `${count(result.hits.length, "post")} in ${count(groups.size, "thread")}`;
    content = el(
      "div",
      { class: "results" },
      ...[...groups.values()].map((hits) => {
        const first = hits[0] as SearchHit;
        return el(
          "section",
          { class: "result-group", "data-thread-id": first.threadId },
          el(
            "h2",
            { class: "result-thread" },
            el("span", {}, first.threadTitle || "Untitled thread"),
            el("span", { class: "result-count" }, count(hits.length, "match", "matches")),
          ),
          el(
            "ol",
            { class: "result-list" },
            ...hits.map((hit) => {
              const link = resultLink(hit, q);
              links.push(link);
              return el("li", {}, link);
            }),
          ),
        );
      }),
    );
  }

  const root = el(
    "div",
    { class: "screen screen--search" },
    topbar([backButton], q, filter),
    el(
      "main",
      { class: "search", id: "main" },
      el(
        "header",
        { class: "search-header" },
        el("h1", { class: "search-title", tabindex: -1 }, "Search: ", el("q", {}, q)),
        el("p", { class: "search-summary" }, summary),
        el("label", { class: "field field--inline" }, el("span", {}, "In"), select),
        el("p", { class: "search-help" }, "Words, “a phrase” in double quotes, prefix*, AND / OR / NOT."),
      ),
      content,
    ),
    el(
      "footer",
      { class: "statusbar" },
      el("span", { class: "statusbar-keys" }, keyHint(["j", "k"], "move"), keyHint(["Enter"], "open"), keyHint(["Esc"], "back")),
    ),
  );

  return {
    root,
    onKey(event) {
      if (event.key === "Escape") {
        back.go();
        return true;
      }
      if (event.key === "j") return moveFocus(links, 1) >= 0;
      if (event.key === "k") return moveFocus(links, -1) >= 0;
      return false;
    },
    focus() {
      const previous = focusPost === null ? undefined : links.find((link) => link.dataset.key === focusPost);
      const target = previous ?? links[0];
      if (target) target.focus();
      else if ("error" in result) (document.getElementById("search") as HTMLInputElement | null)?.focus();
      else (root.querySelector(".search-title") as HTMLElement).focus();
    },
  };
}

function resultLink(hit: SearchHit, q: string): HTMLAnchorElement {
  const snippet = el("span", { class: "result-snippet" });
  for (const part of hit.snippet) {
    // Text nodes only: the snippet is the post's text, never HTML.
    snippet.append(part.hit ? el("mark", {}, part.text) : document.createTextNode(part.text));
  }
  return el(
    "a",
    {
      class: "result",
      href: threadHref(hit.threadId, hit.post, q),
      "data-thread-id": hit.threadId,
      "data-post-id": hit.post,
      "data-key": `${hit.threadId}/${hit.post}`,
    },
    el(
      "span",
      { class: "result-head" },
      el("span", { class: hit.author ? "post-author" : "post-author post-author--anonymous" }, hit.author ?? "anonymous"),
      el("span", { class: "post-id" }, `#${hit.post}`),
    ),
    snippet,
  );
}

function keyHint(keys: string[], what: string): HTMLElement {
  return el("span", { class: "key-hint" }, ...keys.map((key) => el("kbd", {}, key)), ` ${what}`);
}
