// The side panel of a thread (key h): its highlights in thread order, filtered by
// label and tag, each jumping to its place; the links of each; an Orphans section
// (highlights whose text is gone: quote and note, with Re-attach and Delete); and
// the argument map (key m), highlights grouped under the claims they are linked to,
// as a list or as a graph (views/argument-graph.ts; key g in the map switches).

import { el } from "../dom";
import { type Session, LINK_KINDS, attachHighlighting, dot, noteBlock, short } from "../highlighting";
import type { Highlight } from "../ipc";
import { type GraphView, argumentGraphView } from "./argument-graph";
import { openLabelsEditor } from "./labels";

type Tab = "list" | "map";

export interface Panel {
  readonly root: HTMLElement;
  toggle(tab?: Tab): void;
  isOpen(): boolean;
  leave(): void;
}

/** `onClose` gives the element to focus when the one focused before the panel opened is gone. */
export function highlightsPanel(session: Session, onClose: () => HTMLElement | null = () => null): Panel {
  const labelFilter = new Set<string>();
  let tagFilter = "";
  let tab: Tab = "list";
  /** The argument map as a list or a graph; the graph view is made once, when first shown. */
  let mapView: "list" | "graph" = localStorage.getItem("threadmark.mapView") === "graph" ? "graph" : "list";
  let graph: GraphView | null = null;
  const root = el("aside", { class: "hl-panel", "aria-label": "Highlights", hidden: true });
  const body = el("div", { class: "hl-panel-body", role: "tabpanel", id: "hl-panel-body", tabindex: 0 });
  const tabs = el("div", { class: "hl-panel-tabs", role: "tablist", "aria-label": "Highlights panel" });
  const close = el("button", { type: "button", class: "hl-tool hl-tool--small", "aria-label": "Close the panel (h)" }, "×");
  close.addEventListener("click", () => panel.toggle());
  const editLabels = el("button", { type: "button", class: "hl-tool hl-tool--small", title: "Edit the labels (l)" }, "Labels…");
  editLabels.addEventListener("click", () => openLabelsEditor(() => void session.reload()));
  root.append(el("header", { class: "hl-panel-head" }, tabs, editLabels, close), body);
  /** Where focus was when the panel opened: it goes back there when the panel closes. */
  let returnTo: HTMLElement | null = null;

  // The tabs are made once and only their state changes, so that the focused tab keeps
  // its focus as the panel redraws; arrows, Home and End move between them.
  const TABS: { which: Tab; text: string }[] = [
    { which: "list", text: "Highlights" },
    { which: "map", text: "Argument map" },
  ];
  const tabButtons = TABS.map(({ which, text }) => {
    const b = el("button", { type: "button", role: "tab", class: "hl-tab", id: `hl-tab-${which}`, "aria-controls": "hl-panel-body" }, text);
    b.addEventListener("click", () => select(which));
    return b;
  });
  tabs.append(...tabButtons);
  tabs.addEventListener("keydown", (event) => {
    const at = TABS.findIndex((t) => t.which === tab);
    const to =
      event.key === "ArrowRight" ? (at + 1) % TABS.length
      : event.key === "ArrowLeft" ? (at + TABS.length - 1) % TABS.length
      : event.key === "Home" ? 0
      : event.key === "End" ? TABS.length - 1
      : -1;
    if (to < 0) return;
    event.preventDefault();
    event.stopPropagation();
    select(TABS[to]?.which ?? "list");
    tabButtons[to]?.focus();
  });
  // Escape closes the panel (focus goes back to the thread), not the thread.
  root.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    event.preventDefault();
    event.stopPropagation();
    panel.toggle();
  });

  function select(which: Tab): void {
    tab = which;
    draw();
  }

  function draw(): void {
    if (root.hidden) return;
    TABS.forEach(({ which }, i) => {
      const b = tabButtons[i];
      if (!b) return;
      b.setAttribute("aria-selected", String(tab === which));
      b.tabIndex = tab === which ? 0 : -1;
    });
    body.setAttribute("aria-labelledby", `hl-tab-${tab}`);
    const showGraph = tab === "map" && mapView === "graph";
    root.classList.toggle("hl-panel--graph", showGraph);
    if (showGraph && root.contains(document.activeElement) && graph?.root.contains(document.activeElement)) return;
    body.replaceChildren(...(tab === "list" ? list() : [views(), ...(showGraph ? [graphView()] : map())]));
  }

  /** List or Graph, for the argument map. */
  function views(): HTMLElement {
    const make = (which: "list" | "graph", text: string) => {
      const b = el("button", { type: "button", class: `hl-chip${mapView === which ? " hl-chip--on" : ""}`, "aria-pressed": String(mapView === which), "data-map-view": which }, text);
      b.addEventListener("click", () => {
        setMapView(which);
        body.querySelector<HTMLElement>(`[data-map-view="${which}"]`)?.focus();
      });
      return b;
    };
    return el("div", { class: "map-views", role: "group", "aria-label": "Show the argument map as" }, make("list", "List"), make("graph", "Graph"));
  }

  function setMapView(which: "list" | "graph"): void {
    mapView = which;
    localStorage.setItem("threadmark.mapView", which);
    draw();
  }

  function graphView(): HTMLElement {
    graph ??= argumentGraphView(session);
    return graph.root;
  }

  function item(h: Highlight, extra: (Node | null)[] = []): HTMLElement {
    const jump = el(
      "button",
      { type: "button", class: "hl-item-quote", title: h.state === "orphaned" ? "Its text is gone from the thread" : `Go to post #${h.post}` },
      `“${short(h.exact, 160)}”`,
    );
    if (h.state !== "orphaned") jump.addEventListener("click", () => session.goToHighlight(h));
    else jump.disabled = true;
    const menu = el("button", { type: "button", class: "hl-tool hl-tool--small" }, "Edit…");
    menu.addEventListener("click", () => session.openMenu(h, menu));
    const links = session.links
      .filter((l) => l.from === h.id || l.to === h.id)
      .map((l) => {
        const k = LINK_KINDS.find((x) => x.kind === l.kind);
        const other = session.highlights.find((x) => x.id === (l.from === h.id ? l.to : l.from));
        return el("li", {}, `${l.from === h.id ? (k?.verb ?? l.kind) : (k?.inverse ?? l.kind)} “${short(other?.exact ?? "?", 50)}”`);
      });
    const li = el(
      "li",
      { class: `hl-item hl-item--${h.state}`, "data-hl": h.id },
      el(
        "div",
        { class: "hl-item-head" },
        dot(session.labelColor(h.label)),
        el("span", { class: "hl-item-label" }, h.label ?? "No label"),
        el("span", { class: "hl-item-post" }, `#${h.post}`),
        h.state === "moved" || h.state === "fuzzy" ? el("span", { class: "hl-item-state", title: h.state === "fuzzy" ? "The text changed at the last re-import; the new text is used" : "Found elsewhere at the last re-import" }, h.state) : null,
        h.state !== "orphaned" ? menu : null,
      ),
      jump,
      h.noteHtml ? noteBlock(h.noteHtml) : null,
      h.tags.length ? el("p", { class: "hl-tags" }, ...h.tags.map((t) => el("span", { class: "hl-tag" }, t))) : null,
      links.length ? el("ul", { class: "hl-item-links" }, ...links) : null,
      ...extra,
    );
    return li;
  }

  function list(): Node[] {
    const all = session.highlights;
    const shown = all.filter(
      (h) => (labelFilter.size === 0 || labelFilter.has(h.label ?? "")) && (!tagFilter || h.tags.includes(tagFilter)),
    );
    const chips = el(
      "div",
      { class: "hl-filters", role: "group", "aria-label": "Filter by label" },
      ...session.labels.map((l) => {
        const on = labelFilter.has(l.name);
        const n = all.filter((h) => h.label === l.name).length;
        const chip = el("button", { type: "button", class: `hl-chip${on ? " hl-chip--on" : ""}`, "aria-pressed": String(on) }, dot(l.color), `${l.name} ${n}`);
        chip.addEventListener("click", () => {
          if (on) labelFilter.delete(l.name);
          else labelFilter.add(l.name);
          draw();
        });
        return chip;
      }),
    );
    const tags = [...new Set(all.flatMap((h) => h.tags))].sort();
    const tagSelect = el(
      "select",
      { class: "field hl-tag-filter", "aria-label": "Filter by tag" },
      el("option", { value: "" }, "All tags"),
      ...tags.map((t) => el("option", { value: t }, t)),
    );
    tagSelect.value = tagFilter;
    tagSelect.addEventListener("change", () => {
      tagFilter = tagSelect.value;
      draw();
    });
    const live = shown.filter((h) => h.state !== "orphaned");
    const orphans = shown.filter((h) => h.state === "orphaned");
    const out: Node[] = [chips];
    if (tags.length) out.push(tagSelect);
    if (all.length === 0) {
      out.push(el("p", { class: "hl-empty" }, "No highlights yet. Select text in a post, then press a label's key (1–5) or click a label."));
      return out;
    }
    out.push(
      el("p", { class: "hl-count" }, `${live.length} of ${all.filter((h) => h.state !== "orphaned").length} highlights`),
      el("ol", { class: "hl-list" }, ...live.map((h) => item(h))),
    );
    if (orphans.length) {
      out.push(
        el("h2", { class: "hl-orphans-title" }, `Orphans (${orphans.length})`),
        el("p", { class: "hl-orphans-help" }, "Their text is no longer in the thread. Re-attach one to new text, or delete it."),
        el(
          "ol",
          { class: "hl-list hl-orphans" },
          ...orphans.map((h) => {
            const again = el("button", { type: "button", class: "hl-tool" }, "Re-attach…");
            again.addEventListener("click", () => session.startReattach(h));
            const drop = el("button", { type: "button", class: "hl-tool hl-tool--danger" }, "Delete");
            drop.addEventListener("click", () => void session.remove(h));
            return item(h, [el("div", { class: "hl-item-actions" }, again, drop)]);
          }),
        ),
      );
    }
    return out;
  }

  function map(): Node[] {
    const hs = session.highlights;
    const claimLike = (h: Highlight): boolean =>
      h.label?.toLowerCase() === "claim" || (session.links.some((l) => l.to === h.id) && !session.links.some((l) => l.from === h.id));
    const claims = hs.filter(claimLike);
    const placed = new Set<number>(claims.map((c) => c.id));
    const sections = claims.map((c) => {
      const groups = LINK_KINDS.map((k) => {
        const members = session.links
          .filter((l) => l.to === c.id && l.kind === k.kind)
          .map((l) => hs.find((h) => h.id === l.from))
          .filter((h): h is Highlight => h !== undefined);
        for (const m of members) placed.add(m.id);
        return members.length
          ? el("div", { class: "map-group" }, el("h3", {}, `${k.inverse[0]?.toUpperCase()}${k.inverse.slice(1)}`), el("ol", { class: "hl-list" }, ...members.map((m) => item(m))))
          : null;
      });
      return el("section", { class: "map-claim" }, el("ol", { class: "hl-list" }, item(c)), ...groups);
    });
    const rest = hs.filter((h) => !placed.has(h.id));
    const out: Node[] = [];
    if (claims.length === 0) out.push(el("p", { class: "hl-empty" }, "No claims yet. Label a highlight Claim, then link evidence and rebuttals to it from their menu (Link to…)."));
    out.push(...sections);
    if (rest.length) out.push(el("h2", { class: "hl-orphans-title" }, "Not linked to a claim"), el("ol", { class: "hl-list" }, ...rest.map((h) => item(h))));
    return out;
  }

  const stop = session.onChange(draw);
  // In the map, g switches between the list and the graph (and focuses the graph).
  root.addEventListener("keydown", (event) => {
    if (event.key !== "g" || tab !== "map" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return;
    event.preventDefault();
    event.stopPropagation();
    setMapView(mapView === "graph" ? "list" : "graph");
    if (mapView === "graph") graph?.focus();
  });
  const panel: Panel = {
    root,
    toggle(which) {
      if (which && !root.hidden && tab !== which) {
        tab = which;
        draw();
        return;
      }
      if (which) tab = which;
      const opening = root.hidden;
      if (opening) {
        const active = document.activeElement;
        returnTo = active instanceof HTMLElement && active !== document.body && !root.contains(active) ? active : null;
      }
      root.hidden = !opening;
      document.body.classList.toggle("hl-panel-open", opening);
      draw();
      if (opening) tabs.querySelector<HTMLElement>("[aria-selected=true]")?.focus();
      else {
        // Back where the reader was; if that post left the DOM, to the thread's first
        // focusable post on screen (never the page's body).
        const back = returnTo?.isConnected ? returnTo : onClose();
        back?.focus({ preventScroll: true });
        returnTo = null;
      }
    },
    isOpen: () => !root.hidden,
    leave() {
      stop();
      graph?.leave();
      document.body.classList.remove("hl-panel-open");
      root.remove();
    },
  };
  return panel;
}

/** The panel of the thread on screen, for `showOrphan`. */
let current: Panel | null = null;

/** Opens the panel's list at an orphaned highlight (its Orphans entry) and focuses
 *  it: where a threadmark:// link to an orphan leads (links.ts). False if no thread
 *  is on screen or the entry is not in the list. */
export function showOrphan(id: number): boolean {
  if (!current) return false;
  // toggle("list") shows the list; on an open list it closes the panel: open it again.
  current.toggle("list");
  if (!current.isOpen()) current.toggle("list");
  const entry = current.root.querySelector<HTMLElement>(`.hl-orphans [data-hl="${id}"]`);
  if (!entry) return false;
  entry.tabIndex = -1;
  entry.scrollIntoView({ block: "center" });
  entry.focus({ preventScroll: true });
  return true;
}

/** Highlighting, its panel and its keys for the thread view `root`: h toggles the
 *  panel, m the argument map, l the labels editor; label keys apply to a selection. */
export function threadHighlighting(
  threadId: number,
  root: HTMLElement,
  goToPost: (sourceId: string) => boolean,
  focusTarget: () => HTMLElement | null = () => null,
): { onKey(event: KeyboardEvent): boolean; leave(): void } {
  const hl = attachHighlighting(threadId, root, goToPost);
  const panel = highlightsPanel(hl.session, focusTarget);
  current = panel;
  root.append(panel.root);
  return {
    onKey(event) {
      if (hl.onKey(event)) return true;
      switch (event.key) {
        case "h":
          panel.toggle("list");
          return true;
        case "m":
          panel.toggle("map");
          return true;
        case "l":
          openLabelsEditor(() => void hl.session.reload());
          return true;
        default:
          return false;
      }
    },
    leave() {
      if (current === panel) current = null;
      panel.leave();
      hl.leave();
    },
  };
}
