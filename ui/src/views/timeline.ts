// The timeline (button in the thread's header): posts over time in bars of an hour,
// a day or a week, as the thread's span needs, the part of each bar new since last
// read shaded; and the busiest participants with their post and highlight counts.
// Choosing a bar filters the thread to its posts (the filter's after:/before:),
// choosing a name to that author's (author:NAME), through the thread's filter bar.

import { el } from "../dom";
import { count } from "../format";
import { currentSession } from "../highlighting";
import type { PostOutline, ThreadOverview } from "../ipc";

const HOUR = 3600;
const DAY = 24 * HOUR;
/** How many participants the timeline lists. */
const BUSIEST = 6;

export interface Bucket {
  /** Unix seconds, start inclusive, end exclusive. */
  start: number;
  end: number;
  posts: number;
  fresh: number;
}

/** Local-time buckets over the posts' times: hours up to two days, days up to 90, else weeks. */
export function buckets(times: readonly (number | null)[], news: readonly number[]): { size: "hour" | "day" | "week"; bars: Bucket[] } {
  let min = Infinity;
  let max = -Infinity;
  for (const t of times) {
    if (t === null) continue;
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (!Number.isFinite(min)) return { size: "hour", bars: [] };
  const span = max - min;
  const size = span <= 2 * DAY ? "hour" : span <= 90 * DAY ? "day" : "week";
  const floor = (t: number): number => {
    const d = new Date(t * 1000);
    if (size === "hour") d.setMinutes(0, 0, 0);
    else {
      d.setHours(0, 0, 0, 0);
      if (size === "week") d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
    }
    return Math.floor(d.getTime() / 1000);
  };
  const next = (t: number): number => {
    const d = new Date(t * 1000);
    if (size === "hour") d.setHours(d.getHours() + 1);
    else d.setDate(d.getDate() + (size === "week" ? 7 : 1));
    return Math.floor(d.getTime() / 1000);
  };
  const bars: Bucket[] = [];
  for (let s = floor(min); s <= max; s = next(s)) bars.push({ start: s, end: next(s), posts: 0, fresh: 0 });
  let b = 0;
  const order = times.map((t, i) => [t, i] as const).filter((x): x is readonly [number, number] => x[0] !== null).sort((x, y) => x[0] - y[0]);
  for (const [t, i] of order) {
    while (b < bars.length - 1 && t >= (bars[b]?.end ?? Infinity)) b++;
    const bar = bars[b];
    if (!bar) continue;
    bar.posts++;
    if (news[i] === 1) bar.fresh++;
  }
  return { size, bars };
}

function label(bar: Bucket, size: "hour" | "day" | "week"): string {
  const d = new Date(bar.start * 1000);
  const day = d.toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" });
  if (size === "hour") return `${day}, ${d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`;
  return size === "week" ? `week of ${day}` : day;
}

export interface Timeline {
  readonly root: HTMLElement;
  setOverview(overview: ThreadOverview | null): void;
  leave(): void;
}

/** `filter` applies a query to the thread (the filter bar's `set`). */
export function timeline(outline: readonly PostOutline[], filter: (query: string) => void): Timeline {
  const open = localStorage.getItem("threadmark.timeline") === "open";
  const toggle = el("button", { type: "button", class: "button timeline-toggle", "aria-expanded": String(open), "aria-controls": "timeline-panel" }, "Timeline");
  const panel = el("section", { class: "timeline", id: "timeline-panel", "aria-label": "Timeline and participants", hidden: !open });
  const root = el("div", { class: "timeline-box" }, toggle, panel);
  let overview: ThreadOverview | null = null;

  function draw(): void {
    if (panel.hidden) return;
    const times = overview?.createdAt ?? [];
    const { size, bars } = buckets(times, overview?.news ?? []);
    const most = Math.max(1, ...bars.map((b) => b.posts));
    const chart = el("div", { class: "timeline-bars", role: "group", "aria-label": `Posts per ${size}` });
    for (const bar of bars) {
      const name = `${label(bar, size)}: ${count(bar.posts, "post")}${bar.fresh ? `, ${bar.fresh} new` : ""}`;
      const button = el("button", { type: "button", class: "timeline-bar", title: name, "aria-label": name, "data-start": bar.start });
      const fill = el("span", { class: "timeline-fill" });
      fill.style.height = `${(bar.posts / most) * 100}%`;
      const fresh = el("span", { class: "timeline-fresh" });
      fresh.style.height = `${bar.posts ? (bar.fresh / bar.posts) * 100 : 0}%`;
      fill.append(fresh);
      button.append(fill);
      button.disabled = bar.posts === 0;
      button.addEventListener("click", () => filter(`after:${bar.start} before:${bar.end}`));
      chart.append(button);
    }
    const first = bars[0];
    const last = bars[bars.length - 1];
    const axis = first && last ? el("p", { class: "timeline-axis" }, el("span", {}, label(first, size)), el("span", {}, label(last, size))) : null;
    const legend = el("p", { class: "timeline-legend" }, el("span", { class: "timeline-key timeline-key--posts" }), `posts per ${size} `, el("span", { class: "timeline-key timeline-key--fresh" }), "new since last read");

    // The busiest participants: posts and highlights in their posts.
    const posts = new Map<string, number>();
    const authorOf = new Map<string, string>();
    for (const p of outline) {
      if (!p.author) continue;
      posts.set(p.author, (posts.get(p.author) ?? 0) + 1);
      authorOf.set(p.sourceId, p.author);
    }
    const highlights = new Map<string, number>();
    for (const h of currentSession()?.highlights ?? []) {
      const a = authorOf.get(h.post);
      if (a && h.state !== "orphaned") highlights.set(a, (highlights.get(a) ?? 0) + 1);
    }
    const busiest = [...posts].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).slice(0, BUSIEST);
    const people = el(
      "ol",
      { class: "timeline-people", "aria-label": "Busiest participants" },
      ...busiest.map(([name, n]) => {
        const b = el(
          "button",
          { type: "button", class: "participant", "data-author": name },
          el("span", { class: "participant-name" }, name),
          el("span", { class: "participant-counts" }, `${count(n, "post")}, ${count(highlights.get(name) ?? 0, "highlight")}`),
        );
        b.addEventListener("click", () => filter(`author:"${name.replaceAll('"', "")}"`));
        return el("li", {}, b);
      }),
    );
    // The bars and their axis share one width, so that the last date sits under the
    // last bar: 2rem a bar, at least room for the dates, at most the panel.
    const plot = el("div", { class: "timeline-plot" }, chart, axis ?? "");
    plot.style.setProperty("--bars", String(bars.length));
    panel.replaceChildren(
      el("h2", { class: "timeline-title" }, "Posts over time"),
      bars.length ? plot : el("p", { class: "hl-empty" }, "The posts of this thread carry no times."),
      ...(bars.length ? [legend] : []),
      el("h2", { class: "timeline-title" }, "Busiest participants"),
      people,
    );
  }

  toggle.addEventListener("click", () => {
    const opening = panel.hidden;
    panel.hidden = !opening;
    toggle.setAttribute("aria-expanded", String(opening));
    localStorage.setItem("threadmark.timeline", opening ? "open" : "closed");
    draw();
  });
  const stop = currentSession()?.onChange(() => draw());
  return {
    root,
    setOverview(o) {
      overview = o;
      draw();
    },
    leave() {
      stop?.();
    },
  };
}
