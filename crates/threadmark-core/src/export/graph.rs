//! The argument map as a layered graph: each highlight of a thread a node, each link
//! an edge, placed so that what is answered sits above what answers it (a link reads
//! *from* `kind` *to*: the `to` highlight is drawn higher). The app draws this layout
//! and [`super::svg`] writes it as a standalone SVG, so both show the same picture.
//!
//! The layout is a small Sugiyama-style one, enough for a few hundred nodes:
//! 1. cycles are broken by reversing the links that close one in a depth-first walk
//!    (only for placing: the edge keeps its direction);
//! 2. layers by longest path: a highlight that answers nothing is on layer 0, any
//!    other one layer below the lowest highlight it answers; a link that spans more
//!    than one layer passes through a point on each layer between;
//! 3. order inside a layer starts as thread order (post position, then offset) and
//!    is improved by barycentre sweeps down and up;
//! 4. a layer too wide for [`max_width`] (about ten nodes at 200 highlights, six
//!    for a small graph) is wrapped into a grid of rows, filled column by column in
//!    its order so that what answers one highlight stays in a stack under it; the
//!    grid's rows all sit between the layer above and the layer below, and routes
//!    to its inner rows run in the gaps between rows and columns, never over a node;
//! 5. horizontal places: each node pulled towards the mean of its neighbours' places,
//!    overlaps then pushed apart keeping the order (a grid moves as a whole);
//! 6. each link's kind is written on the part of its route that crosses the gap
//!    between two layers, at the first place along it that covers no node and no
//!    label written before.
//!
//! Highlights that take part in no link are laid out below the graph in a grid
//! ("Not linked"), and orphaned highlights (their words no longer found in the
//! thread) apart from everything, in a last grid, marked as orphaned.

use std::collections::HashMap;

use serde::Serialize;

use super::permalink;
use crate::error::Result;
use crate::store::Library;

/// A node's size and the gaps between nodes and layers, in SVG user units.
pub const NODE_W: f64 = 210.0;
pub const NODE_H: f64 = 72.0;
const GAP_X: f64 = 36.0;
const GAP_Y: f64 = 84.0;
/// Between the rows of a wrapped layer.
const ROW_GAP: f64 = 30.0;
const MARGIN: f64 = 24.0;
/// Height of a section heading ("Not linked", "Orphaned").
const HEADING: f64 = 34.0;
/// How many nodes a row of the grids holds.
const GRID_COLUMNS: usize = 5;
/// How many words of a highlight its node shows.
const FIRST_WORDS: usize = 9;

/// Where a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    /// In the layered graph.
    Graph,
    /// A highlight in no link.
    Unlinked,
    /// An orphaned highlight.
    Orphaned,
}

/// A highlight in the graph. `x`, `y` are its top-left corner.
#[derive(Debug, Clone, Serialize)]
pub struct GraphNode {
    /// The highlight's uuid.
    pub highlight: String,
    /// The post's source id.
    pub post: String,
    pub label: Option<String>,
    /// `#rrggbb`, the label's colour (None without a label).
    pub color: Option<String>,
    /// The highlight's first words (an ellipsis when there were more).
    pub words: String,
    pub author: String,
    pub permalink: String,
    pub section: Section,
    /// The layer in the graph (0 at the top); 0 outside the graph.
    pub layer: usize,
    pub x: f64,
    pub y: f64,
}

/// A link in the graph, drawn through `points` (from the `from` node's top edge to
/// the `to` node's bottom edge when `to` is above, as it is unless a cycle was cut).
#[derive(Debug, Clone, Serialize)]
pub struct GraphEdge {
    /// The link's uuid.
    pub link: String,
    /// Highlight uuids.
    pub from: String,
    pub to: String,
    /// `supports`, `rebuts`, `answers` or `qualifies`.
    pub kind: String,
    pub points: Vec<(f64, f64)>,
    /// Where the kind is written: on the middle one of the route's segments that
    /// cross a gap between layers, where it covers no node and no label placed
    /// before it (two links between the same highlights, one each way, would
    /// otherwise write over each other).
    pub label: (f64, f64),
}

/// A whole layout; `width` and `height` hold every node.
#[derive(Debug, Clone, Serialize)]
pub struct GraphLayout {
    pub width: f64,
    pub height: f64,
    pub node_width: f64,
    pub node_height: f64,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// Top of the "Not linked" and "Orphaned" grids (None when empty).
    pub unlinked_top: Option<f64>,
    pub orphaned_top: Option<f64>,
}

/// How wide a layer may be before it wraps: room for about 0.8 √n nodes of a graph
/// of `n`, between six and ten, so that 200 highlights make a picture about as
/// wide as it is tall.
pub fn max_width(n: usize) -> f64 {
    let columns = (0.8 * (n as f64).sqrt()).round().clamp(6.0, 10.0);
    columns * (NODE_W + GAP_X) - GAP_X
}

/// An edge label's box, estimated: 6.5 px a character, a 13 px line, `(x, y)` the
/// middle of its baseline.
fn label_box(x: f64, y: f64, width: f64) -> (f64, f64, f64, f64) {
    (x - width / 2.0, y - 10.0, x + width / 2.0, y + 3.0)
}

/// Where an edge's label goes (its baseline's middle): on segment `seg` of its route
/// (one that crosses a gap between layers), at its middle or, when that covers a node
/// or a label in `placed`, the first place further along or beside it that does not;
/// failing all, moved down a line at a time until it clears the labels. It joins
/// `placed` (x, y, width).
fn label_point(
    points: &[(f64, f64)],
    seg: usize,
    kind: &str,
    nodes: &[(f64, f64)],
    placed: &mut Vec<(f64, f64, f64)>,
) -> (f64, f64) {
    const LINE: f64 = 13.0;
    let width = 6.5 * kind.chars().count() as f64 + 6.0;
    let (a, b) = match points.len() {
        0 => ((0.0, 0.0), (0.0, 0.0)),
        1 => (points[0], points[0]),
        len => (points[seg.min(len - 2)], points[seg.min(len - 2) + 1]),
    };
    let on = |t: f64| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t + 4.0);
    let clashes = |x: f64, y: f64, placed: &[(f64, f64, f64)]| {
        placed
            .iter()
            .any(|&(px, py, pw)| (x - px).abs() < (width + pw) / 2.0 && (y - py).abs() < LINE)
    };
    let covers_node = |x: f64, y: f64| {
        let (l, t, r, btm) = label_box(x, y, width);
        nodes
            .iter()
            .any(|&(nx, ny)| l < nx + NODE_W && r > nx && t < ny + NODE_H && btm > ny)
    };
    // Along the segment, from its middle outwards a line at a time, on it or beside it.
    let steps = ((b.1 - a.1).abs() / LINE).floor().max(1.0) as usize;
    let mut candidates: Vec<(f64, f64)> = Vec::new();
    for i in 0..=steps {
        let d = i.div_ceil(2) as f64 / steps as f64 * if i % 2 == 1 { -1.0 } else { 1.0 };
        let t = 0.5 + d;
        if !(0.1..=0.9).contains(&t) && i > 0 {
            continue;
        }
        let (x, y) = on(t);
        for dx in [0.0, 0.75, -0.75, 1.5, -1.5] {
            candidates.push((x + dx * width, y));
        }
    }
    let found = candidates
        .into_iter()
        .find(|&(x, y)| !clashes(x, y, placed) && !covers_node(x, y));
    let (mut x, mut y) = found.unwrap_or_else(|| on(0.5));
    while clashes(x, y, placed) {
        y += LINE;
    }
    x = (x * 10.0).round() / 10.0;
    placed.push((x, y, width));
    (x, y)
}

/// The first `n` words of a text, with an ellipsis when it had more.
pub fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = words.iter().take(n).copied().collect::<Vec<_>>().join(" ");
    if words.len() > n {
        out.push('…');
    }
    out
}

/// The graph of a thread's highlights and links.
pub fn layout(lib: &Library, thread_id: i64) -> Result<GraphLayout> {
    let thread = lib.thread(thread_id)?;
    let outline = lib.outline(thread_id)?;
    let place: HashMap<&str, (usize, &str)> = outline
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_id.as_str(), (i, p.author.as_deref().unwrap_or(""))))
        .collect();
    let colors: HashMap<String, String> = lib
        .labels()?
        .into_iter()
        .map(|l| (l.name, l.color))
        .collect();
    let mut highlights = lib.highlights(thread_id)?;
    highlights.sort_by_key(|h| {
        let at = place.get(h.post.as_str()).map_or(usize::MAX, |p| p.0);
        (at, h.start, h.id)
    });
    let index: HashMap<i64, usize> = highlights
        .iter()
        .enumerate()
        .map(|(i, h)| (h.id, i))
        .collect();
    let uuid_of = |id: i64| index.get(&id).map(|&i| highlights[i].uuid.clone());
    let links: Vec<_> = lib
        .links(thread_id)?
        .into_iter()
        .filter(|l| index.contains_key(&l.from) && index.contains_key(&l.to) && l.from != l.to)
        .collect();

    let orphaned: Vec<bool> = highlights.iter().map(|h| h.state == "orphaned").collect();
    let mut linked = vec![false; highlights.len()];
    // Links between two highlights of the graph, as (from, to) node indices.
    let mut graph_edges: Vec<(usize, usize)> = Vec::new();
    for l in &links {
        let (f, t) = (index[&l.from], index[&l.to]);
        if !orphaned[f] && !orphaned[t] {
            linked[f] = true;
            linked[t] = true;
            graph_edges.push((f, t));
        }
    }
    let mut nodes: Vec<GraphNode> = highlights
        .iter()
        .enumerate()
        .map(|(i, h)| GraphNode {
            highlight: h.uuid.clone(),
            post: h.post.clone(),
            label: h.label.clone(),
            color: h.label.as_ref().and_then(|l| colors.get(l).cloned()),
            words: first_words(&h.exact, FIRST_WORDS),
            author: place
                .get(h.post.as_str())
                .map_or_else(String::new, |p| p.1.to_string()),
            permalink: permalink(&thread, &h.post),
            section: if orphaned[i] {
                Section::Orphaned
            } else if linked[i] {
                Section::Graph
            } else {
                Section::Unlinked
            },
            layer: 0,
            x: 0.0,
            y: 0.0,
        })
        .collect();

    let graph: Vec<usize> = (0..nodes.len()).filter(|&i| linked[i]).collect();
    let sizes = super::layers::Sizes {
        w: NODE_W,
        h: NODE_H,
        gap_x: GAP_X,
        gap_y: GAP_Y,
        row_gap: ROW_GAP,
        max_width: max_width(graph.len()),
        // "supports" and "qualifies", the longest kinds, as `label_point` sees them.
        label_w: 6.5 * 9.0 + 6.0,
    };
    let placed = super::layers::place(&graph, &graph_edges, sizes);
    let mut width = 2.0 * MARGIN + NODE_W;
    let mut bottom = MARGIN;
    for (&i, p) in &placed.nodes {
        nodes[i].layer = p.layer;
        nodes[i].x = MARGIN + p.x;
        nodes[i].y = MARGIN + p.y;
        bottom = bottom.max(nodes[i].y + NODE_H);
        width = width.max(nodes[i].x + NODE_W + MARGIN);
    }
    for route in placed.routes.values() {
        for &(x, _) in route {
            width = width.max(MARGIN + x + MARGIN);
        }
    }
    let boxes: Vec<(f64, f64)> = graph.iter().map(|&i| (nodes[i].x, nodes[i].y)).collect();
    let mut placed_labels: Vec<(f64, f64, f64)> = Vec::new(); // (x, y, width)
    let edges: Vec<GraphEdge> = links
        .iter()
        .map(|l| {
            let (f, t) = (index[&l.from], index[&l.to]);
            let points = match placed.routes.get(&(f, t)) {
                Some(route) => route
                    .iter()
                    .map(|&(x, y)| (x + MARGIN, y + MARGIN))
                    .collect(),
                None => Vec::new(),
            };
            let kind = l.kind.as_str().to_string();
            let seg = placed.label_segments.get(&(f, t)).copied().unwrap_or(0);
            let label = label_point(&points, seg, &kind, &boxes, &mut placed_labels);
            GraphEdge {
                link: l.uuid.clone(),
                from: uuid_of(l.from).unwrap_or_default(),
                to: uuid_of(l.to).unwrap_or_default(),
                kind,
                points,
                label,
            }
        })
        .collect();

    // The two grids below the graph.
    let mut grid = |section: Section, top: &mut f64| -> Option<f64> {
        let members: Vec<usize> = (0..nodes.len())
            .filter(|&i| nodes[i].section == section)
            .collect();
        if members.is_empty() {
            return None;
        }
        let start = *top + if *top > MARGIN { GAP_Y / 2.0 } else { 0.0 };
        for (k, &i) in members.iter().enumerate() {
            let (row, col) = (k / GRID_COLUMNS, k % GRID_COLUMNS);
            nodes[i].x = MARGIN + col as f64 * (NODE_W + GAP_X);
            nodes[i].y = start + HEADING + row as f64 * (NODE_H + GAP_X / 2.0);
            *top = nodes[i].y + NODE_H;
            width = width.max(nodes[i].x + NODE_W + MARGIN);
        }
        Some(start)
    };
    let mut top = bottom;
    let unlinked_top = grid(Section::Unlinked, &mut top);
    let orphaned_top = grid(Section::Orphaned, &mut top);
    // An edge to or from an orphan is drawn straight between the two nodes, its
    // kind written on it (it had no route when the other labels were placed).
    let mut edges = edges;
    for e in edges.iter_mut().filter(|e| e.points.is_empty()) {
        let find = |u: &str| nodes.iter().find(|n| n.highlight == u);
        if let (Some(a), Some(b)) = (find(&e.from), find(&e.to)) {
            e.points = vec![
                (a.x + NODE_W / 2.0, a.y),
                (b.x + NODE_W / 2.0, b.y + NODE_H),
            ];
            e.label = label_point(&e.points, 0, &e.kind, &boxes, &mut placed_labels);
        }
    }
    Ok(GraphLayout {
        width,
        height: top + MARGIN,
        node_width: NODE_W,
        node_height: NODE_H,
        nodes,
        edges,
        unlinked_top,
        orphaned_top,
    })
}
