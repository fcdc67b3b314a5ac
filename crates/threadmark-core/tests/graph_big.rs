//! The argument graph stays readable at 200 highlights: a real Hacker News thread
//! (`hn/hnpwa/hnpwa-item-26312516.comments.json`, 486 posts) with the first words of
//! 200 of its comments highlighted and linked in three layers by
//! `synthetic_argument::layered_argument`: ten claims, sixty answers to them and 130
//! answers to those, every tenth of which also supports a claim (links that pass the
//! middle layer). The 130 of the last layer wrap into rows; the
//! layout must stay about as wide as it is tall, keep every node apart, every layer
//! below the one it answers, every route off every node's text and every edge label
//! clear of the nodes and of the other labels.

use std::collections::HashMap;

use threadmark_core::export::graph::{layout, GraphLayout, Section, NODE_H, NODE_W};
use threadmark_core::model::Highlight;
use threadmark_core::synthetic_argument::layered_argument;
use threadmark_core::{Library, SourceFormat};

const FILE: &str = "hn/hnpwa/hnpwa-item-26312516.comments.json";

/// The thread with 10 claims, `answers` and `replies` highlighted and linked.
pub fn big_graph(answers: usize, replies: usize) -> (Library, i64, Vec<Highlight>, Vec<String>) {
    let mut lib = Library::open_in_memory().unwrap();
    let file = crate::corpus().join(FILE);
    let id = lib
        .import_bytes(
            &file.to_string_lossy(),
            &std::fs::read(&file).unwrap(),
            SourceFormat::Hn,
            None,
        )
        .unwrap()[0];
    let (hs, links) = layered_argument(&mut lib, id, 10, answers, replies).unwrap();
    assert_eq!(hs.len(), 10 + answers + replies);
    (lib, id, hs, links)
}

/// Whether the segment a–b enters the inside of the box at (x, y) (Liang–Barsky,
/// the box shrunk by half a unit so that a route may end on a node's border).
fn crosses(a: (f64, f64), b: (f64, f64), x: f64, y: f64) -> bool {
    let (x0, x1, y0, y1) = (x + 0.5, x + NODE_W - 0.5, y + 0.5, y + NODE_H - 0.5);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.0 - x0),
        (dx, x1 - a.0),
        (-dy, a.1 - y0),
        (dy, y1 - a.1),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    t0 < t1
}

fn check(g: &GraphLayout, hs: &[Highlight], links: &[String], answers: usize) {
    assert_eq!(g.nodes.len(), 200);
    assert_eq!(g.edges.len(), links.len());
    assert!(g.nodes.iter().all(|n| n.section == Section::Graph));
    let by: HashMap<&str, _> = g.nodes.iter().map(|n| (n.highlight.as_str(), n)).collect();
    let layer_of = |i: usize| by[hs[i].uuid.as_str()].layer;
    assert!((0..10).all(|i| layer_of(i) == 0));
    assert!((10..10 + answers).all(|i| layer_of(i) == 1));
    assert!((10 + answers..200).all(|i| layer_of(i) == 2));
    // Wrapped: at most ten nodes a row, about as wide as tall (the grids of two
    // layers may be shifted against each other by less than a column).
    let mut rows: HashMap<i64, usize> = HashMap::new();
    for n in &g.nodes {
        *rows.entry(n.y as i64).or_default() += 1;
    }
    assert!(rows.values().all(|&r| r <= 10), "{rows:?}");
    assert!(
        g.width <= 11.0 * (NODE_W + 36.0) + 2.0 * 24.0,
        "{}",
        g.width
    );
    let aspect = g.width / g.height;
    assert!((0.5..=2.0).contains(&aspect), "{} × {}", g.width, g.height);
    // Every row of a layer below every row of the layer above.
    for l in 1..3 {
        let above = g.nodes.iter().filter(|n| n.layer == l - 1);
        let bottom = above.map(|n| n.y + NODE_H).fold(0.0, f64::max);
        let top = g
            .nodes
            .iter()
            .filter(|n| n.layer == l)
            .map(|n| n.y)
            .fold(f64::INFINITY, f64::min);
        assert!(bottom < top, "layer {l} starts at {top}, above {bottom}");
    }
    // No two nodes overlap; all are inside the picture.
    for (i, a) in g.nodes.iter().enumerate() {
        assert!(a.x >= 0.0 && a.y >= 0.0);
        assert!(a.x + NODE_W <= g.width && a.y + NODE_H <= g.height);
        for b in &g.nodes[i + 1..] {
            let apart = a.x + NODE_W <= b.x
                || b.x + NODE_W <= a.x
                || a.y + NODE_H <= b.y
                || b.y + NODE_H <= a.y;
            assert!(apart, "{} overlaps {}", a.highlight, b.highlight);
        }
    }
    for e in &g.edges {
        let (f, t) = (by[e.from.as_str()], by[e.to.as_str()]);
        // Downward from a claim: what answers is below what it answers.
        assert!(t.layer < f.layer && t.y + NODE_H < f.y, "{}", e.link);
        // From the top of the answer to the bottom of what it answers, crossing no
        // node's text on the way.
        let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
        assert!(first.1 == f.y && first.0 > f.x && first.0 < f.x + NODE_W);
        assert!(last.1 == t.y + NODE_H && last.0 > t.x && last.0 < t.x + NODE_W);
        for seg in e.points.windows(2) {
            for n in &g.nodes {
                assert!(
                    !crosses(seg[0], seg[1], n.x, n.y),
                    "link {} runs across {} at {:?}",
                    e.link,
                    n.highlight,
                    seg
                );
            }
        }
        // Its label covers no node: boxes of 6.5 px a character, 10 above and 3
        // below the baseline.
        let w = 6.5 * e.kind.len() as f64 + 6.0;
        let (l, r, top, bottom) = (
            e.label.0 - w / 2.0,
            e.label.0 + w / 2.0,
            e.label.1 - 10.0,
            e.label.1 + 3.0,
        );
        for n in &g.nodes {
            let clear = r <= n.x || l >= n.x + NODE_W || bottom <= n.y || top >= n.y + NODE_H;
            assert!(clear, "label of {} covers {}", e.link, n.highlight);
        }
    }
    // No two labels are written over each other.
    for (i, a) in g.edges.iter().enumerate() {
        for b in &g.edges[i + 1..] {
            let half = (6.5 * (a.kind.len() + b.kind.len()) as f64 + 12.0) / 2.0;
            let apart =
                (a.label.0 - b.label.0).abs() >= half || (a.label.1 - b.label.1).abs() >= 13.0;
            assert!(apart, "labels of {} and {} overlap", a.link, b.link);
        }
    }
}

#[test]
fn two_hundred_highlights_of_a_real_thread_wrap_into_a_readable_graph() {
    let (lib, id, hs, links) = big_graph(60, 130);
    assert_eq!(links.len(), 60 + 130 + 13);
    check(&layout(&lib, id).unwrap(), &hs, &links, 60);
}

/// 57 answers and 133 replies: grids whose last column is short (3 of 6 rows, 7 of
/// 14). A route to a node above a grid's last row, even one with an empty cell below
/// it, comes up a gap between columns and in along the gap under its row (a straight
/// line from the layer below could cut through the neighbouring column).
#[test]
fn wrapped_layers_with_a_short_last_column_keep_routes_off_the_nodes() {
    let (lib, id, hs, links) = big_graph(57, 133);
    let g = layout(&lib, id).unwrap();
    let last_row = |layer: usize| {
        g.nodes
            .iter()
            .filter(|n| n.layer == layer)
            .map(|n| n.y)
            .fold(0.0, f64::max)
    };
    // The last row of each wrapped layer is short.
    for layer in [1, 2] {
        let y = last_row(layer);
        let n = g
            .nodes
            .iter()
            .filter(|n| n.layer == layer && n.y == y)
            .count();
        assert!(n < 10, "layer {layer}'s last row holds {n}");
    }
    let by: HashMap<&str, _> = g.nodes.iter().map(|n| (n.highlight.as_str(), n)).collect();
    let mut inner = 0;
    for e in &g.edges {
        let t = by[e.to.as_str()];
        if t.layer == 0 || t.y == last_row(t.layer) {
            continue;
        }
        inner += 1;
        let n = e.points.len();
        let (before, end) = (e.points[n - 2], e.points[n - 1]);
        assert!(
            before.0 == end.0 && before.1 > end.1 && before.1 < end.1 + 30.0,
            "link {} reaches {} from under its row: {:?}",
            e.link,
            e.to,
            &e.points[n.saturating_sub(4)..]
        );
    }
    assert!(inner > 40, "{inner} links reach inner rows");
    check(&g, &hs, &links, 57);
}
