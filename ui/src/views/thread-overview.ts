// The pictures beside a thread: the thread map (views/thread-map.ts) and the
// timeline with the busiest participants (views/timeline.ts). Both are drawn from
// the outline and the thread's overview (thread_overview: times, news, quotes; no
// bodies), fetched once the thread is on screen; the map's highlights follow the
// highlighting session.

import "./seeing.css";
import { currentSession } from "../highlighting";
import { type PostOutline, threadOverview } from "../ipc";
import { type MapHost, threadMap } from "./thread-map";
import { timeline } from "./timeline";

export interface ThreadPictures {
  readonly map: HTMLElement;
  readonly timeline: HTMLElement;
  leave(): void;
}

export function threadPictures(threadId: number, outline: readonly PostOutline[], host: Omit<MapHost, "outline">, filter: (query: string) => void): ThreadPictures {
  const map = threadMap({ outline, ...host });
  const chart = timeline(outline, filter);
  const colours = () => {
    const session = currentSession();
    const byPost = new Map<string, string>();
    for (const h of session?.highlights ?? []) {
      if (h.state !== "orphaned" && !byPost.has(h.post)) byPost.set(h.post, session?.labelColor(h.label) ?? "");
    }
    map.setHighlights(byPost);
  };
  colours();
  const stop = currentSession()?.onChange(colours);
  let live = true;
  const load = async () => {
    try {
      const overview = await threadOverview(threadId);
      if (!live) return;
      performance.mark("thread-map-data");
      map.setOverview(overview);
      chart.setOverview(overview);
    } catch {
      // Without the overview the map still shows the tree and the highlights, and
      // the timeline says the posts carry no times.
      if (live) chart.setOverview(null);
    }
  };
  void load();
  return {
    map: map.root,
    timeline: chart.root,
    leave() {
      live = false;
      stop?.();
      map.leave();
      chart.leave();
    },
  };
}
