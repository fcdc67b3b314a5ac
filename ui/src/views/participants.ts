// The thread's participants (button in the thread's header): its authors with how many
// posts each wrote and how many highlights are in them, most posts first. Choosing one
// filters the thread to that author (the filter bar's author:NAME).

import { el } from "../dom";
import { count } from "../format";
import { currentSession } from "../highlighting";

export interface Participants {
  readonly root: HTMLElement;
  leave(): void;
}

/** `authors` is each post's author in thread order (null: anonymous); `choose` filters. */
export function participants(authors: readonly (string | null)[], postIds: readonly string[], choose: (author: string) => void): Participants {
  const posts = new Map<string, number>();
  for (const a of authors) if (a) posts.set(a, (posts.get(a) ?? 0) + 1);
  const toggle = el("button", { type: "button", class: "button participants-toggle", "aria-expanded": "false", "aria-controls": "participants-list" }, `Participants (${posts.size})`);
  const list = el("ul", { class: "participants-list", id: "participants-list", hidden: true, "aria-label": "Participants" });
  const root = el("div", { class: "participants" }, toggle, list);

  function draw(): void {
    const authorOf = new Map<string, string>();
    postIds.forEach((id, i) => {
      const a = authors[i];
      if (a) authorOf.set(id, a);
    });
    const highlights = new Map<string, number>();
    for (const h of currentSession()?.highlights ?? []) {
      const a = authorOf.get(h.post);
      if (a && h.state !== "orphaned") highlights.set(a, (highlights.get(a) ?? 0) + 1);
    }
    const rows = [...posts].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]));
    list.replaceChildren(
      ...rows.map(([name, n]) => {
        const b = el(
          "button",
          { type: "button", class: "participant", "data-author": name },
          el("span", { class: "participant-name" }, name),
          el("span", { class: "participant-counts" }, `${count(n, "post")}, ${count(highlights.get(name) ?? 0, "highlight")}`),
        );
        b.addEventListener("click", () => choose(name));
        return el("li", {}, b);
      }),
    );
  }

  toggle.addEventListener("click", () => {
    const open = list.hidden;
    list.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) {
      draw();
      list.querySelector<HTMLElement>("button")?.focus();
    }
  });
  list.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    list.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    toggle.focus();
  });
  const stop = currentSession()?.onChange(() => {
    if (!list.hidden) draw();
  });
  return {
    root,
    leave() {
      stop?.();
    },
  };
}
