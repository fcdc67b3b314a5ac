// The thread map: a narrow overview beside the thread, drawn on a canvas from the
// outline (depth of each post) and the overview (news, quotes; no bodies), with the
// highlights in their labels' colours and the part of the thread on screen. Posts
// are spread evenly over its height (post i of n at i/n), several to a pixel row in a
// long thread: each row shows the shallowest of its posts, and a highlight, news or
// quote among them wins over plain posts. Click or drag moves the thread there; as a
// slider (arrows, Page Up/Down, Home/End) it moves from post to post.
//
// The map is drawn once per change of data or size into an offscreen canvas; a scroll
// only copies it and draws the viewport box, in an animation frame, from a passive
// listener, so it never holds up scrolling.

import { el } from "../dom";
import type { PostOutline, ThreadOverview } from "../ipc";

/** What one post contributes to the map. */
export interface MapData {
  depth: Int32Array | number[];
  /** A label colour per post ("" for none). */
  highlight: string[];
  /** 0 none, 1 new, 2 edited (since read). */
  news: Uint8Array | number[];
  quotes: Uint32Array | number[];
  deleted: Uint8Array | number[];
}

export interface MapColours {
  post: string;
  deleted: string;
  fresh: string;
  edited: string;
  quote: string;
  background: string;
  /** The viewport box's fill and edge. */
  view: string;
  viewEdge: string;
}

/** The map's width in CSS pixels. */
export const MAP_WIDTH = 44;
const DEPTH_STEP = 3;
const MAX_INDENT = 10;

/** Draws `data` into a `width` × `height` (device pixels) context. Pure: the
 *  benchmark calls it on 10,000 posts. */
export function drawMap(ctx: CanvasRenderingContext2D, width: number, height: number, data: MapData, colours: MapColours, ratio = 1): void {
  const n = data.depth.length;
  ctx.fillStyle = colours.background;
  ctx.fillRect(0, 0, width, height);
  if (n === 0 || height === 0) return;
  // Per pixel row: the shallowest depth, then what to show there.
  const rows = Math.max(1, Math.floor(height));
  const minDepth = new Int32Array(rows).fill(1 << 30);
  const hl: (string | undefined)[] = new Array(rows);
  const news = new Uint8Array(rows);
  const quoted = new Uint8Array(rows);
  const alive = new Uint8Array(rows);
  const scale = rows / n;
  for (let i = 0; i < n; i++) {
    const y = Math.min(rows - 1, Math.floor(i * scale));
    const d = data.depth[i] ?? 0;
    if (d < (minDepth[y] ?? 0)) minDepth[y] = d;
    if (!data.deleted[i]) alive[y] = 1;
    const colour = data.highlight[i];
    if (colour && hl[y] === undefined) hl[y] = colour;
    const nw = data.news[i] ?? 0;
    if (nw && !news[y]) news[y] = nw;
    if ((data.quotes[i] ?? 0) > 0) quoted[y] = 1;
  }
  // A post is at least 2 px tall when there is room.
  const rowH = Math.max(1, Math.min(Math.floor(scale) - 1, 4 * ratio));
  const left = 6 * ratio;
  const right = width - 5 * ratio;
  const step = DEPTH_STEP * ratio;
  for (let y = 0; y < rows; y++) {
    const d = minDepth[y] ?? 0;
    if (d === 1 << 30) continue;
    const x = left + Math.min(d, MAX_INDENT) * step;
    ctx.fillStyle = alive[y] ? colours.post : colours.deleted;
    ctx.fillRect(x, y, Math.max(ratio, right - x), rowH);
  }
  for (let y = 0; y < rows; y++) {
    const colour = hl[y];
    if (colour) {
      ctx.fillStyle = colour;
      ctx.fillRect(left, y, right - left, Math.max(rowH, 2 * ratio));
    }
    const nw = news[y];
    if (nw) {
      ctx.fillStyle = nw === 1 ? colours.fresh : colours.edited;
      ctx.fillRect(0, y, 4 * ratio, Math.max(rowH, 2 * ratio));
    }
    if (quoted[y]) {
      ctx.fillStyle = colours.quote;
      ctx.fillRect(width - 3 * ratio, y, 3 * ratio, Math.max(rowH, ratio));
    }
  }
}

export interface ThreadMap {
  readonly root: HTMLElement;
  /** The overview arrived (or changed): draw again. */
  setOverview(overview: ThreadOverview | null): void;
  /** The highlights changed: per post source id, a label colour. */
  setHighlights(colours: Map<string, string>): void;
  leave(): void;
}

export interface MapHost {
  outline: readonly PostOutline[];
  /** The first and last post (outline indices) on screen. */
  onScreen(): [number, number];
  /** Shows post `index` (at the top); `focus` also focuses it (a click, not a drag). */
  moveTo(index: number, focus: boolean): void;
}

export function threadMap(host: MapHost): ThreadMap {
  const { outline } = host;
  const n = outline.length;
  const data: MapData = {
    depth: Int32Array.from(outline, (p) => p.depth),
    highlight: new Array<string>(n).fill(""),
    news: new Uint8Array(n),
    quotes: new Uint32Array(n),
    deleted: Uint8Array.from(outline, (p) => (p.deleted ? 1 : 0)),
  };
  const indexOf = new Map(outline.map((p, i) => [p.sourceId, i]));
  const canvas = el("canvas", {
    class: "thread-map",
    role: "slider",
    tabindex: 0,
    "aria-label": "Thread map",
    "aria-orientation": "vertical",
    "aria-valuemin": 1,
    "aria-valuemax": Math.max(1, n),
  });
  const root = el("div", { class: "thread-map-box" }, canvas);
  const base = document.createElement("canvas");
  let dirty = true;
  let frame = 0;
  let current = 0;

  /** The theme's colours as the canvas takes them: custom properties hold
   *  light-dark(…), which only an element's computed colour resolves. */
  const probe = el("span", { class: "thread-map-probe", "aria-hidden": "true" });
  root.append(probe);
  function resolve(name: string, fallback: string): string {
    probe.style.color = fallback;
    probe.style.color = `var(${name}, ${fallback})`;
    return getComputedStyle(probe).color || fallback;
  }
  function colours(): MapColours {
    return {
      post: resolve("--map-post", "#9aa0a6"),
      deleted: resolve("--map-deleted", "#d0d0d0"),
      fresh: resolve("--map-new", "#1f7a4a"),
      edited: resolve("--map-edited", "#b26a00"),
      quote: resolve("--map-quote", "#6a6f75"),
      background: resolve("--map-bg", "#ffffff"),
      view: resolve("--map-view", "rgb(47 93 138 / 18%)"),
      viewEdge: resolve("--map-view-edge", "#2f5d8a"),
    };
  }
  let palette: MapColours | null = null;

  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(paint);
  }

  function paint(): void {
    frame = 0;
    if (!root.isConnected) return;
    const start = performance.now();
    const ratio = window.devicePixelRatio || 1;
    const rect = canvas.getBoundingClientRect();
    const w = Math.max(1, Math.round(rect.width * ratio));
    const h = Math.max(1, Math.round(rect.height * ratio));
    if (canvas.width !== w || canvas.height !== h) {
      canvas.width = w;
      canvas.height = h;
      dirty = true;
    }
    if (dirty) {
      const t0 = performance.now();
      base.width = w;
      base.height = h;
      const ctx = base.getContext("2d");
      palette = colours();
      if (ctx) drawMap(ctx, w, h, data, palette, ratio);
      dirty = false;
      performance.measure("thread-map-draw", { start: t0, end: performance.now() });
    }
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.drawImage(base, 0, 0);
    const [first, last] = host.onScreen();
    if (n > 0 && first >= 0) {
      const top = (first / n) * h;
      const bottom = Math.max(top + 3 * ratio, ((last + 1) / n) * h);
      ctx.fillStyle = palette?.view ?? "rgb(47 93 138 / 18%)";
      ctx.fillRect(0, top, w, bottom - top);
      ctx.strokeStyle = palette?.viewEdge ?? "#2f5d8a";
      ctx.lineWidth = ratio;
      ctx.strokeRect(ratio / 2, top + ratio / 2, w - ratio, Math.max(ratio, bottom - top - ratio));
      current = first;
      canvas.setAttribute("aria-valuenow", String(first + 1));
      const who = outline[first]?.author ?? "anonymous";
      canvas.setAttribute("aria-valuetext", `Post ${first + 1} of ${n}, by ${who}`);
    }
    performance.measure("thread-map-frame", { start, end: performance.now() });
  }

  const onScroll = () => schedule();
  window.addEventListener("scroll", onScroll, { passive: true });
  const resize = new ResizeObserver(() => {
    dirty = true;
    schedule();
  });
  resize.observe(canvas);
  const scheme = window.matchMedia("(prefers-color-scheme: dark)");
  const recolour = () => {
    dirty = true;
    schedule();
  };
  scheme.addEventListener("change", recolour);
  const themeWatch = new MutationObserver(recolour);
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });

  const at = (clientY: number): number => {
    const rect = canvas.getBoundingClientRect();
    const f = (clientY - rect.top) / Math.max(1, rect.height);
    return Math.max(0, Math.min(n - 1, Math.floor(f * n)));
  };
  let dragging = false;
  let lastDragged = -1;
  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || n === 0) return;
    event.preventDefault();
    dragging = true;
    try {
      canvas.setPointerCapture(event.pointerId);
    } catch {
      // No such pointer (a synthetic event): the drag ends at the canvas's edge.
    }
    lastDragged = at(event.clientY);
    host.moveTo(lastDragged, false);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!dragging) return;
    const i = at(event.clientY);
    if (i !== lastDragged) {
      lastDragged = i;
      host.moveTo(i, false);
    }
  });
  const release = (event: PointerEvent) => {
    if (!dragging) return;
    dragging = false;
    if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    if (lastDragged >= 0) host.moveTo(lastDragged, true);
  };
  canvas.addEventListener("pointerup", release);
  canvas.addEventListener("pointercancel", release);
  canvas.addEventListener("keydown", (event) => {
    const page = Math.max(1, Math.round(n / 20));
    const to =
      event.key === "ArrowDown" || event.key === "ArrowRight" ? current + 1
      : event.key === "ArrowUp" || event.key === "ArrowLeft" ? current - 1
      : event.key === "PageDown" ? current + page
      : event.key === "PageUp" ? current - page
      : event.key === "Home" ? 0
      : event.key === "End" ? n - 1
      : event.key === "Enter" ? current
      : null;
    if (to === null) return;
    event.preventDefault();
    event.stopPropagation();
    const i = Math.max(0, Math.min(n - 1, to));
    current = i;
    host.moveTo(i, event.key === "Enter");
  });

  schedule();
  return {
    root,
    setOverview(overview) {
      data.news = overview ? Uint8Array.from(overview.news) : new Uint8Array(n);
      data.quotes = overview ? Uint32Array.from(overview.quotes) : new Uint32Array(n);
      dirty = true;
      schedule();
    },
    setHighlights(byPost) {
      data.highlight = new Array<string>(n).fill("");
      for (const [post, colour] of byPost) {
        const i = indexOf.get(post);
        if (i !== undefined) data.highlight[i] = colour;
      }
      dirty = true;
      schedule();
    },
    leave() {
      window.removeEventListener("scroll", onScroll);
      resize.disconnect();
      scheme.removeEventListener("change", recolour);
      themeWatch.disconnect();
      if (frame) cancelAnimationFrame(frame);
      root.remove();
    },
  };
}
