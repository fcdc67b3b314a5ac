//! The shapes of the argument graph and the thread overview that cross IPC,
//! generated into `ui/src/bindings/` by ts-rs like those of `dto.rs`.

use serde::Serialize;
use ts_rs::TS;

/// A highlight in the argument graph; `x`, `y` its top-left corner.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct GraphNode {
    /// The highlight's uuid.
    pub highlight: String,
    pub post: String,
    pub label: Option<String>,
    pub color: Option<String>,
    pub words: String,
    pub author: String,
    /// "graph", "unlinked" or "orphaned".
    #[ts(type = "\"graph\" | \"unlinked\" | \"orphaned\"")]
    pub section: String,
    #[ts(type = "number")]
    pub layer: i64,
    pub x: f64,
    pub y: f64,
}

/// A link in the graph, drawn through `points` ([x, y] pairs).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct GraphEdge {
    /// The link's uuid.
    pub link: String,
    pub from: String,
    pub to: String,
    #[ts(type = "\"supports\" | \"rebuts\" | \"answers\" | \"qualifies\"")]
    pub kind: String,
    pub points: Vec<[f64; 2]>,
    /// Where the kind is written (the text's baseline middle), clear of other labels.
    pub label: [f64; 2],
}

/// The argument graph of a thread, laid out by the core (the SVG export draws the same).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct GraphLayout {
    pub width: f64,
    pub height: f64,
    pub node_width: f64,
    pub node_height: f64,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    pub unlinked_top: Option<f64>,
    pub orphaned_top: Option<f64>,
}

impl From<threadmark_core::export::graph::GraphLayout> for GraphLayout {
    fn from(g: threadmark_core::export::graph::GraphLayout) -> Self {
        use threadmark_core::export::graph::Section;
        GraphLayout {
            width: g.width,
            height: g.height,
            node_width: g.node_width,
            node_height: g.node_height,
            nodes: g
                .nodes
                .into_iter()
                .map(|n| GraphNode {
                    highlight: n.highlight,
                    post: n.post,
                    label: n.label,
                    color: n.color,
                    words: n.words,
                    author: n.author,
                    section: match n.section {
                        Section::Graph => "graph",
                        Section::Unlinked => "unlinked",
                        Section::Orphaned => "orphaned",
                    }
                    .into(),
                    layer: n.layer as i64,
                    x: n.x,
                    y: n.y,
                })
                .collect(),
            edges: g
                .edges
                .into_iter()
                .map(|e| GraphEdge {
                    link: e.link,
                    from: e.from,
                    to: e.to,
                    kind: e.kind,
                    points: e.points.into_iter().map(|(x, y)| [x, y]).collect(),
                    label: [e.label.0, e.label.1],
                })
                .collect(),
            unlinked_top: g.unlinked_top,
            orphaned_top: g.orphaned_top,
        }
    }
}

/// What the thread map and the timeline need beside the outline, one entry per post
/// in the outline's order, as parallel arrays (a 10,000-post thread stays small).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct ThreadOverview {
    /// Unix seconds, or null when the source gave no time.
    #[ts(type = "(number | null)[]")]
    pub created_at: Vec<Option<i64>>,
    /// 0: read or old, 1: new since last read, 2: edited since last read.
    pub news: Vec<u8>,
    /// Quote blocks in each post.
    pub quotes: Vec<u32>,
}
