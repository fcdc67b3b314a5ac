// What the library shows of following threads, added to the library view: "+N new"
// on each thread with unread news, "Catch up" (c) for the queue of every unread
// change, "Refresh all" (R) for every thread saved from a web address (one after the
// other, with the import progress dialog and Cancel), and "News first", which sorts
// threads with news to the top (remembered).

import "./following.css";
import { el } from "./dom";
import type { RefreshReport, ThreadFollow, ThreadSummary } from "./ipc";
import { refreshWithProgress, reloadScreen, reportText } from "./following";
import { NEWS_HREF } from "./route";
import { toast } from "./toast";
import type { View } from "./views/view";

const NEWS_FIRST_KEY = "threadmark.newsFirst";

export function newsFirst(): boolean {
  try {
    return localStorage.getItem(NEWS_FIRST_KEY) === "1";
  } catch {
    return false;
  }
}

function setNewsFirst(on: boolean): void {
  try {
    localStorage.setItem(NEWS_FIRST_KEY, on ? "1" : "0");
  } catch {
    // Not remembered; the order still changes now.
  }
}

/** The threads in the order the library shows them: as the core lists them, or with
 *  those holding news first (most news first; otherwise the core's order). */
export function orderThreads(threads: ThreadSummary[], follow: ThreadFollow[]): ThreadSummary[] {
  if (!newsFirst()) return threads;
  const news = new Map(follow.map((f) => [f.id, f.news]));
  return threads
    .map((thread, i) => ({ thread, i, n: news.get(thread.id) ?? 0 }))
    .sort((a, b) => b.n - a.n || a.i - b.i)
    .map((x) => x.thread);
}

/** Adds following to the library view `view`; returns it with its keys. */
export function followLibrary(view: View, threads: ThreadSummary[], follow: ThreadFollow[]): View {
  const byId = new Map(follow.map((f) => [f.id, f]));
  const total = follow.reduce((sum, f) => sum + f.news, 0);
  for (const row of view.root.querySelectorAll<HTMLElement>(".thread-row[data-thread-id]")) {
    const n = byId.get(Number(row.dataset.threadId))?.news ?? 0;
    if (n > 0) {
      row.querySelector(".thread-title")?.after(el("span", { class: "thread-news", title: "New or edited since you last read" }, `+${n} new`));
    }
  }
  const refreshable = threads.filter((t) => byId.get(t.id)?.refreshable);
  const catchUp = el("a", { class: "button follow-catchup", href: NEWS_HREF, "aria-keyshortcuts": "c", title: "Every unread new or edited post (c)" }, total > 0 ? `Catch up (${total})` : "Catch up");
  const refreshAll = el("button", { type: "button", class: "button", "aria-keyshortcuts": "Shift+R", title: "Download every thread saved from a web address again (R)", disabled: refreshable.length === 0 }, "Refresh all");
  refreshAll.addEventListener("click", () => void refreshEvery());
  const sort = el("button", { type: "button", class: "button button--plain follow-sort", "aria-pressed": String(newsFirst()), title: "Threads with news first" }, "News first");
  sort.addEventListener("click", () => {
    setNewsFirst(!newsFirst());
    reloadScreen();
  });
  view.root.querySelector(".import-actions")?.prepend(catchUp, refreshAll, sort);

  let running = false;
  async function refreshEvery(): Promise<void> {
    if (running || refreshable.length === 0) return;
    running = true;
    let changed = 0;
    let done = 0;
    const errors: string[] = [];
    let last: RefreshReport | null = null;
    try {
      for (const [i, thread] of refreshable.entries()) {
        const report = await refreshWithProgress(thread.id, `Refreshing ${i + 1} of ${refreshable.length}: ${thread.title}`, true);
        if (report === "cancelled") break;
        if ("error" in report) {
          errors.push(report.error);
          continue;
        }
        done++;
        last = report;
        changed += report.new + report.edited;
      }
    } finally {
      running = false;
    }
    if (errors.length > 0) {
      const others = errors.length > 1 ? ` (and ${errors.length - 1} more failed)` : "";
      toast(`Refreshed ${done} of ${refreshable.length}; left as it was: ${errors[0]}${others}`, "error");
    } else if (refreshable.length === 1 && last) {
      toast(`Refreshed: ${reportText(last)}.`);
    } else if (done > 0) {
      toast(`Refreshed ${done} of ${refreshable.length} threads: ${changed} new or edited posts.`);
    }
    reloadScreen();
  }

  return {
    ...view,
    onKey(event) {
      if (event.key === "R") {
        void refreshEvery();
        return true;
      }
      if (event.key === "c") {
        location.hash = NEWS_HREF;
        return true;
      }
      return view.onKey(event);
    },
  };
}
