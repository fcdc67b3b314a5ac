// The argument map as a graph (the side panel's Argument map, "Graph"): the layout
// the core computes (the SVG export draws the same one) drawn as SVG, each highlight a
// node in its label's colour, each link an edge labelled with its kind; claims on top,
// what answers them below; highlights in no link and orphans in grids apart.
//
// Pan by dragging or scrolling, zoom with Ctrl+wheel or + / − / 0 (fit: the whole graph
// when its text stays readable, else the part around the focused node; the view follows
// the focus as it moves). One node is in
// the tab order; the arrow keys move focus along the links (Up: to what this one
// answers, Down: to what answers it, Left/Right: the node beside it), Enter goes to the
// highlight in the thread.

import { announce } from "../announce";
import { el } from "../dom";
import type { Session } from "../highlighting";
import { argumentGraph, asCommandError, type GraphEdge, type GraphLayout, type GraphNode } from "../ipc";
import "./graph.css";

const SVG = "http://www.w3.org/2000/svg";
const KIND_CLASS = ["supports", "rebuts", "answers", "qualifies"];
/** The smallest scale Fit and the first view use: a node's words (12 px) at 11 px on
 *  screen. Only the zoom keys and Ctrl+wheel go below it. */
export const MIN_READABLE = 0.92;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

/** Words in at most `lines` lines of about `width` characters (as the SVG export does). */
export function wrap(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = "";
  let cut = false;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = "";
      if (out.length === lines) {
        cut = true;
        break;
      }
    }
    line = line ? `${line} ${word}` : word;
  }
  if (!cut && line) out.push(line);
  const fit = (l: string) => (l.length > width ? `${l.slice(0, width - 1)}…` : l);
  const result = out.map(fit);
  if (cut && result.length) {
    const last = result[result.length - 1]!;
    if (!last.endsWith("…")) result[result.length - 1] = `${last.slice(0, width - 1)}…`;
  }
  return result;
}

export interface GraphView {
  readonly root: HTMLElement;
  /** Focuses the node in the tab order (the first claim at first). */
  focus(): void;
  leave(): void;
}

export function argumentGraphView(session: Session): GraphView {
  let layout: GraphLayout | null = null;
  let focused: string | null = null;
  const view = { x: 0, y: 0, scale: 1 };
  let fitted = false;
  /** Focus asked for before the layout arrived: given once it is drawn. */
  let wantFocus = false;
  const status = el("p", { class: "graph-status" });
  const zoomIn = el("button", { type: "button", class: "hl-tool hl-tool--small", "aria-label": "Zoom in (+)" }, "+");
  const zoomOut = el("button", { type: "button", class: "hl-tool hl-tool--small", "aria-label": "Zoom out (−)" }, "−");
  const fit = el("button", { type: "button", class: "hl-tool hl-tool--small", title: "Show the whole graph, or as much as stays readable (0)" }, "Fit");
  const world = svg("g", { class: "graph-world" });
  const canvas = svg("svg", { class: "graph-canvas", role: "group", "aria-roledescription": "argument graph" }, world);
  const help = el("p", { class: "graph-help", id: "graph-help" }, "Arrow keys follow the links, Enter goes to the highlight, + and − zoom, drag to move.");
  canvas.setAttribute("aria-describedby", "graph-help");
  const root = el("div", { class: "graph-view" }, el("div", { class: "graph-tools" }, status, zoomIn, zoomOut, fit), canvas, help);

  const nodeEls = new Map<string, SVGGElement>();
  const byId = new Map<string, GraphNode>();

  function apply(): void {
    world.setAttribute("transform", `translate(${view.x.toFixed(1)} ${view.y.toFixed(1)}) scale(${view.scale.toFixed(3)})`);
  }
  function size(): { w: number; h: number } {
    const r = canvas.getBoundingClientRect();
    return { w: r.width || 320, h: r.height || 400 };
  }
  function zoomAt(factor: number, cx?: number, cy?: number): void {
    const { w, h } = size();
    const px = cx ?? w / 2;
    const py = cy ?? h / 2;
    const next = Math.min(2.5, Math.max(0.08, view.scale * factor));
    view.x = px - ((px - view.x) * next) / view.scale;
    view.y = py - ((py - view.y) * next) / view.scale;
    view.scale = next;
    apply();
  }
  /** The scale to show the whole graph at, but never below {@link MIN_READABLE}. */
  function fitScale(g: GraphLayout): number {
    const { w, h } = size();
    return Math.max(MIN_READABLE, Math.min(1, w / g.width, h / g.height));
  }
  /** Keeps the graph on screen: a side that fits is centred, one that does not
   *  never leaves empty space beyond the graph's edge. */
  function clampView(g: GraphLayout): void {
    const { w, h } = size();
    const gw = g.width * view.scale;
    const gh = g.height * view.scale;
    view.x = gw <= w ? (w - gw) / 2 : Math.min(0, Math.max(w - gw, view.x));
    view.y = gh <= h ? 0 : Math.min(0, Math.max(h - gh, view.y));
  }
  /** Fit: the whole graph when it can be shown with its text readable; otherwise
   *  as much as can (the width, or the area) around the focused node. */
  function fitAll(): void {
    if (!layout) return;
    const { w, h } = size();
    view.scale = fitScale(layout);
    const n = focused ? byId.get(focused) : undefined;
    if (n) {
      view.x = w / 2 - (n.x + layout.nodeWidth / 2) * view.scale;
      view.y = h / 2 - (n.y + layout.nodeHeight / 2) * view.scale;
    }
    clampView(layout);
    apply();
  }
  /** The first view: readable, the top of the graph at the top and the focused
   *  node (the first claim) in the middle of the width. */
  function firstView(): void {
    if (!layout) return;
    const { w } = size();
    view.scale = Math.max(MIN_READABLE, Math.min(1, w / layout.width));
    const n = focused ? byId.get(focused) : undefined;
    view.x = w / 2 - (n ? n.x + layout.nodeWidth / 2 : layout.width / 2) * view.scale;
    view.y = 0;
    clampView(layout);
    apply();
  }
  /** Moves the view so that node `n` is inside it. */
  function reveal(n: GraphNode): void {
    if (!layout) return;
    const { w, h } = size();
    const pad = 16;
    const left = n.x * view.scale + view.x;
    const right = (n.x + layout.nodeWidth) * view.scale + view.x;
    const top = n.y * view.scale + view.y;
    const bottom = (n.y + layout.nodeHeight) * view.scale + view.y;
    if (left < pad) view.x += pad - left;
    else if (right > w - pad) view.x -= right - (w - pad);
    if (top < pad) view.y += pad - top;
    else if (bottom > h - pad) view.y -= bottom - (h - pad);
    apply();
  }

  const highlightOf = (n: GraphNode) => session.highlights.find((h) => h.uuid === n.highlight);

  /** The node's links and place, said after its name (its visible text). */
  function describe(n: GraphNode, g: GraphLayout): string {
    const words = (u: string) => byId.get(u)?.words ?? "?";
    const out = g.edges.filter((e) => e.from === n.highlight).map((e) => `${e.kind} “${words(e.to)}”`);
    const inc = g.edges.filter((e) => e.to === n.highlight).map((e) => `${e.kind} by “${words(e.from)}”`);
    const parts = [...out, ...inc];
    if (n.section === "orphaned") parts.push("its words are no longer in the thread");
    if (n.section === "unlinked") parts.push("not linked");
    return parts.join("; ");
  }

  function drawEdge(e: GraphEdge, g: GraphLayout): SVGGElement {
    const d = e.points.map(([x, y], i) => `${i ? "L" : "M"}${x} ${y}`).join(" ");
    const kind = KIND_CLASS.includes(e.kind) ? e.kind : "qualifies";
    const group = svg("g", { class: `graph-edge graph-edge--${kind}`, "data-link": e.link, "data-from": e.from, "data-to": e.to, "aria-hidden": "true" }, svg("path", { d, "marker-end": `url(#graph-arrow-${kind})` }));
    if (e.points.length >= 2) {
      group.append(svg("text", { x: e.label[0], y: e.label[1], "text-anchor": "middle" }, e.kind));
    }
    void g;
    return group;
  }

  function drawNode(n: GraphNode, g: GraphLayout): SVGGElement {
    const lines = wrap(n.words, 28, 2);
    const author = wrap(n.author, 28, 1)[0] ?? "";
    const label = n.label ?? "No label";
    // Named by its text (label, flag, words, author); its links are its description.
    const group = svg("g", {
      class: `graph-node graph-node--${n.section}`,
      "data-highlight": n.highlight,
      transform: `translate(${n.x} ${n.y})`,
      role: "button",
      tabindex: -1,
    });
    const about = describe(n, g);
    if (about) group.append(svg("desc", {}, about));
    group.append(svg("rect", { class: "graph-card", width: g.nodeWidth, height: g.nodeHeight, rx: 6 }));
    if (n.color) {
      group.append(
        svg("rect", { class: "graph-tint", width: g.nodeWidth, height: g.nodeHeight, rx: 6, fill: n.color }),
        svg("rect", { width: 6, height: g.nodeHeight, rx: 3, fill: n.color }),
      );
    }
    group.append(svg("text", { class: "graph-label", x: 14, y: 16 }, label));
    if (n.section === "orphaned") group.append(svg("text", { class: "graph-flag", x: g.nodeWidth - 8, y: 16, "text-anchor": "end" }, "orphaned"));
    lines.forEach((line, i) => group.append(svg("text", { class: "graph-words", x: 14, y: 33 + 14 * i }, line)));
    group.append(svg("text", { class: "graph-author", x: 14, y: g.nodeHeight - 8 }, author));
    group.append(svg("rect", { class: "graph-ring", x: -3, y: -3, width: g.nodeWidth + 6, height: g.nodeHeight + 6, rx: 8 }));
    group.addEventListener("click", () => {
      setFocus(n.highlight);
      go(n);
    });
    group.addEventListener("focus", () => {
      focused = n.highlight;
      for (const [u, e] of nodeEls) e.tabIndex = u === n.highlight ? 0 : -1;
      reveal(n);
    });
    return group;
  }

  function draw(g: GraphLayout): void {
    layout = g;
    nodeEls.clear();
    byId.clear();
    for (const n of g.nodes) byId.set(n.highlight, n);
    const defs = svg(
      "defs",
      {},
      ...KIND_CLASS.map((k) =>
        svg(
          "marker",
          { id: `graph-arrow-${k}`, class: `graph-arrow graph-edge--${k}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
          svg("path", { d: "M0 0 L10 5 L0 10 z" }),
        ),
      ),
    );
    const headings: SVGTextElement[] = [];
    if (g.unlinkedTop !== null) headings.push(svg("text", { class: "graph-heading", x: 24, y: g.unlinkedTop + 20, "aria-hidden": "true" }, "Not linked"));
    if (g.orphanedTop !== null) headings.push(svg("text", { class: "graph-heading", x: 24, y: g.orphanedTop + 20, "aria-hidden": "true" }, "Orphaned: their words are no longer in the thread"));
    const edges = svg("g", { class: "graph-edges" }, ...g.edges.map((e) => drawEdge(e, g)));
    const nodes = svg("g", { class: "graph-nodes" });
    for (const n of g.nodes) {
      const node = drawNode(n, g);
      nodeEls.set(n.highlight, node);
      nodes.append(node);
    }
    world.replaceChildren(defs, ...headings, edges, nodes);
    canvas.setAttribute("aria-label", `Argument graph: ${g.nodes.length} highlight${g.nodes.length === 1 ? "" : "s"}, ${g.edges.length} link${g.edges.length === 1 ? "" : "s"}`);
    status.textContent = `${g.nodes.length} highlights, ${g.edges.length} links`;
    if (!focused || !byId.has(focused)) focused = (g.nodes.find((n) => n.section === "graph" && n.layer === 0) ?? g.nodes[0])?.highlight ?? null;
    for (const [u, e] of nodeEls) e.tabIndex = u === focused ? 0 : -1;
    if (!fitted) {
      fitted = true;
      requestAnimationFrame(firstView);
    }
  }

  function setFocus(uuid: string | null, how = ""): void {
    if (!uuid) return;
    const node = nodeEls.get(uuid);
    const n = byId.get(uuid);
    if (!node || !n) return;
    focused = uuid;
    for (const [u, e] of nodeEls) e.tabIndex = u === uuid ? 0 : -1;
    node.focus({ preventScroll: true });
    reveal(n);
    // The node is now inside the canvas; the canvas may be scrolled out of its panel
    // (a short bottom sheet at 200%): bring the node into view there too.
    node.scrollIntoView({ block: "nearest", inline: "nearest" });
    if (how) announce(how);
  }

  function go(n: GraphNode): void {
    const h = highlightOf(n);
    if (!h) return;
    if (h.state === "orphaned") {
      announce("Orphaned: its words are no longer in the thread.");
      return;
    }
    session.goToHighlight(h);
  }

  /** The node to move to from `n` by `key`, and what to say about the move. */
  function step(n: GraphNode, key: string, g: GraphLayout): { to: string; say: string } | null {
    const nearest = (cands: GraphNode[]) => cands.sort((a, b) => Math.abs(a.x - n.x) - Math.abs(b.x - n.x) || a.x - b.x)[0];
    if (key === "ArrowUp" || key === "ArrowDown") {
      const up = key === "ArrowUp";
      const along = g.edges.filter((e) => (up ? e.from : e.to) === n.highlight);
      const targets = along.map((e) => byId.get(up ? e.to : e.from)).filter((x): x is GraphNode => !!x);
      const t = nearest(targets);
      if (t) {
        const e = along.find((x) => (up ? x.to : x.from) === t.highlight)!;
        return { to: t.highlight, say: up ? `${e.kind}: ${t.label ?? "No label"} “${t.words}”` : `${t.label ?? "No label"} “${t.words}” ${e.kind} it` };
      }
      // No link that way: the nearest node in the next row.
      const rows = g.nodes.filter((m) => (up ? m.y < n.y : m.y > n.y));
      const rowY = up ? Math.max(...rows.map((m) => m.y)) : Math.min(...rows.map((m) => m.y));
      const next = nearest(rows.filter((m) => m.y === rowY));
      return next ? { to: next.highlight, say: `No link ${up ? "up" : "down"}; ${next.label ?? "No label"} “${next.words}”` } : null;
    }
    const row = g.nodes.filter((m) => m.y === n.y).sort((a, b) => a.x - b.x);
    const at = row.findIndex((m) => m.highlight === n.highlight);
    const next = row[key === "ArrowLeft" ? at - 1 : at + 1];
    return next ? { to: next.highlight, say: "" } : null;
  }

  canvas.addEventListener("keydown", (event) => {
    if (!layout) return;
    const n = focused ? byId.get(focused) : undefined;
    let handled = true;
    switch (event.key) {
      case "ArrowUp":
      case "ArrowDown":
      case "ArrowLeft":
      case "ArrowRight": {
        const s = n ? step(n, event.key, layout) : null;
        if (s) setFocus(s.to, s.say);
        break;
      }
      case "Home":
        setFocus(layout.nodes[0]?.highlight ?? null);
        break;
      case "Enter":
      case " ":
        if (n) go(n);
        break;
      case "+":
      case "=":
        zoomAt(1.25);
        break;
      case "-":
        zoomAt(0.8);
        break;
      case "0":
        fitAll();
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  });
  zoomIn.addEventListener("click", () => zoomAt(1.25));
  zoomOut.addEventListener("click", () => zoomAt(0.8));
  fit.addEventListener("click", fitAll);
  canvas.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) {
        const r = canvas.getBoundingClientRect();
        zoomAt(event.deltaY < 0 ? 1.1 : 1 / 1.1, event.clientX - r.left, event.clientY - r.top);
      } else {
        view.x -= event.deltaX;
        view.y -= event.deltaY;
        apply();
      }
    },
    { passive: false },
  );
  let drag: { x: number; y: number; vx: number; vy: number; moved: boolean } | null = null;
  canvas.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    drag = { x: event.clientX, y: event.clientY, vx: view.x, vy: view.y, moved: false };
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) return;
    if (!drag.moved) canvas.setPointerCapture(event.pointerId);
    drag.moved = true;
    canvas.classList.add("graph-canvas--dragging");
    view.x = drag.vx + dx;
    view.y = drag.vy + dy;
    apply();
  });
  const end = (event: PointerEvent) => {
    if (drag?.moved) {
      // A drag is not a click on the node it ended on.
      const stop = (e: Event) => {
        e.stopPropagation();
        window.removeEventListener("click", stop, true);
      };
      window.addEventListener("click", stop, true);
      window.setTimeout(() => window.removeEventListener("click", stop, true), 0);
      if (canvas.hasPointerCapture(event.pointerId)) canvas.releasePointerCapture(event.pointerId);
    }
    drag = null;
    canvas.classList.remove("graph-canvas--dragging");
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  let generation = 0;
  async function load(): Promise<void> {
    const mine = ++generation;
    try {
      const g = await argumentGraph(session.threadId);
      if (mine !== generation || !root.isConnected) return;
      const hadFocus = wantFocus || root.contains(document.activeElement);
      wantFocus = false;
      draw(g);
      if (hadFocus) setFocus(focused);
    } catch (error) {
      if (mine === generation) status.textContent = asCommandError(error).message;
    }
  }
  const stop = session.onChange(() => void load());
  void load();
  return {
    root,
    focus() {
      if (layout && focused) setFocus(focused);
      else wantFocus = true;
    },
    leave() {
      generation++;
      stop();
    },
  };
}
