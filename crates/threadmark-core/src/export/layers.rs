//! A layered (Sugiyama-style) placement of a directed graph whose edges point up:
//! an edge `(a, b)` puts `b` on a higher layer than `a`. Used by [`super::graph`];
//! knows nothing of highlights. See that module for the steps.
//!
//! A layer wider than the width asked for is wrapped into a grid of rows (filled
//! column by column in the layer's order); every row of a layer stays below every
//! row of the layer above. Routes to and from a grid's inner rows run in the gaps
//! between its rows and columns, never across a node.

use std::collections::HashMap;

/// Width of the point a long edge passes through on a layer it crosses.
const DUMMY_W: f64 = 16.0;
/// Rounds of barycentre ordering and of horizontal placement.
const ORDER_ROUNDS: usize = 8;
const PLACE_ROUNDS: usize = 10;
/// How far apart routes running side by side in a gap between a grid's columns are.
const LANE: f64 = 3.0;
/// An edge label's line height and the room kept between two labels on a line.
const LABEL_LINE: f64 = 13.0;
const LABEL_PAD: f64 = 8.0;

/// Where a node went: its layer and top-left corner.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub layer: usize,
    pub x: f64,
    pub y: f64,
}

/// A placement: each node by the caller's index, and each edge's route by the
/// caller's `(from, to)`, from `from`'s border to `to`'s. A route's segment `i` runs
/// from point `i` to point `i + 1`; `label_segments` names, for each edge, the middle
/// one of its segments that cross the gap between two layers (where nothing else is
/// drawn, so its kind can be written there).
pub struct Placement {
    pub nodes: HashMap<usize, Placed>,
    pub routes: HashMap<(usize, usize), Vec<(f64, f64)>>,
    pub label_segments: HashMap<(usize, usize), usize>,
}

/// The sizes a placement works with: nodes are `w` × `h`, `gap_x` apart in a row,
/// layers `gap_y` apart, the rows of a wrapped layer `row_gap` apart; a layer wider
/// than `max_width` is wrapped; an edge's label is about `label_w` wide.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub w: f64,
    pub h: f64,
    pub gap_x: f64,
    pub gap_y: f64,
    pub row_gap: f64,
    pub max_width: f64,
    pub label_w: f64,
}

/// Place `nodes` (the caller's indices, in the order they should keep when nothing
/// else decides) and `edges` between them.
pub fn place(nodes: &[usize], edges: &[(usize, usize)], sizes: Sizes) -> Placement {
    let Sizes {
        w,
        h,
        gap_x,
        gap_y,
        row_gap,
        max_width,
        label_w,
    } = sizes;
    let n = nodes.len();
    let local: HashMap<usize, usize> = nodes.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let edges: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|(a, b)| Some((*local.get(a)?, *local.get(b)?)))
        .filter(|(a, b)| a != b)
        .collect();
    // 1. Cycles: a depth-first walk along the edges; an edge to a node still on the
    // walk's path is reversed for placing.
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n]; // (edge index, target)
    for (k, &(a, b)) in edges.iter().enumerate() {
        out[a].push((k, b));
    }
    let mut reversed = vec![false; edges.len()];
    let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 done
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            if let Some(&(k, t)) = out[v].get(next) {
                top.1 += 1;
                match state[t] {
                    0 => {
                        state[t] = 1;
                        stack.push((t, 0));
                    }
                    1 => reversed[k] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // (lower, upper) for every edge.
    let dag: Vec<(usize, usize)> = edges
        .iter()
        .zip(&reversed)
        .map(|(&(a, b), &r)| if r { (b, a) } else { (a, b) })
        .collect();
    // 2. Layers by longest path from the top.
    let mut pending = vec![0usize; n];
    let mut below: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(lo, up) in &dag {
        pending[lo] += 1;
        below[up].push(lo);
    }
    let mut layer = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| pending[v] == 0).collect();
    while let Some(v) = ready.pop() {
        for &lo in &below[v] {
            layer[lo] = layer[lo].max(layer[v] + 1);
            pending[lo] -= 1;
            if pending[lo] == 0 {
                ready.push(lo);
            }
        }
    }
    // Long edges pass through one point per layer crossed.
    let mut vlayer = layer.clone();
    let mut width: Vec<f64> = vec![w; n];
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(dag.len()); // lower → upper
    for &(lo, up) in &dag {
        let mut chain = vec![lo];
        for l in (layer[up] + 1..layer[lo]).rev() {
            vlayer.push(l);
            width.push(DUMMY_W);
            chain.push(vlayer.len() - 1);
        }
        chain.push(up);
        chains.push(chain);
    }
    let total = vlayer.len();
    let mut ups: Vec<Vec<usize>> = vec![Vec::new(); total];
    let mut downs: Vec<Vec<usize>> = vec![Vec::new(); total];
    for chain in &chains {
        for pair in chain.windows(2) {
            ups[pair[0]].push(pair[1]);
            downs[pair[1]].push(pair[0]);
        }
    }
    let depth = vlayer.iter().copied().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for v in 0..total {
        layers[vlayer[v]].push(v);
    }
    // 3. Order by barycentre sweeps, keeping the order with the fewest crossings.
    let mut pos = vec![0usize; total];
    let index_all = |layers: &Vec<Vec<usize>>, pos: &mut Vec<usize>| {
        for l in layers {
            for (i, &v) in l.iter().enumerate() {
                pos[v] = i;
            }
        }
    };
    index_all(&layers, &mut pos);
    let mut best = layers.clone();
    let mut best_cross = crossings(&layers, &downs, &pos);
    for round in 0..ORDER_ROUNDS {
        let down = round % 2 == 0;
        let order: Vec<usize> = if down {
            (1..depth).collect()
        } else {
            (0..depth.saturating_sub(1)).rev().collect()
        };
        for l in order {
            let nb = if down { &ups } else { &downs };
            let mut keyed: Vec<(f64, usize)> = layers[l]
                .iter()
                .map(|&v| {
                    let ns = &nb[v];
                    let key = if ns.is_empty() {
                        pos[v] as f64
                    } else {
                        ns.iter().map(|&u| pos[u] as f64).sum::<f64>() / ns.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layers[l] = keyed.into_iter().map(|(_, v)| v).collect();
            for (i, &v) in layers[l].iter().enumerate() {
                pos[v] = i;
            }
        }
        let c = crossings(&layers, &downs, &pos);
        if c < best_cross {
            best_cross = c;
            best = layers.clone();
        }
    }
    let layers = best;
    // 4. Wide layers wrap: a layer wider than `max_width` becomes a grid of rows,
    // filled column by column in its order (so what answers one claim stays in a
    // stack under it); its long-edge points become passes through the gaps between
    // columns.
    let grids: Vec<Option<Grid>> = layers
        .iter()
        .map(|l| {
            let packed: f64 = l.iter().map(|&v| width[v] + gap_x).sum::<f64>() - gap_x;
            let real = l.iter().filter(|&&v| v < n).count();
            if packed <= max_width || real == 0 {
                return None;
            }
            let fit = (((max_width + gap_x) / (w + gap_x)).floor() as usize).max(1);
            let rows = real.div_ceil(fit);
            Some(Grid {
                rows,
                cols: real.div_ceil(rows),
            })
        })
        .collect();
    let mut cell = vec![(0usize, 0usize); total]; // (column, row) in a grid
    let mut channel = vec![0usize; total]; // a pass's gap between columns
    for (l, members) in layers.iter().enumerate() {
        let Some(g) = grids[l] else { continue };
        let mut k = 0;
        for &v in members {
            if v < n {
                cell[v] = (k / g.rows, k % g.rows);
                k += 1;
            } else {
                channel[v] = ((k as f64 / g.rows as f64).round() as usize).min(g.cols);
            }
        }
    }
    let pitch = w + gap_x;
    // 5. Horizontal places: packed, then pulled towards the neighbours' centres; a
    // grid moves as a whole.
    let mut x = vec![0.0f64; total];
    let mut offset = vec![0.0f64; depth]; // a grid's left edge
    let grid_x = |v: usize, off: f64| {
        if v < n {
            off + cell[v].0 as f64 * pitch
        } else {
            off + channel[v] as f64 * pitch - gap_x / 2.0 - DUMMY_W / 2.0
        }
    };
    for (l, members) in layers.iter().enumerate() {
        let mut at = 0.0;
        for &v in members {
            x[v] = if grids[l].is_some() {
                grid_x(v, 0.0)
            } else {
                at
            };
            at += width[v] + gap_x;
        }
    }
    for round in 0..PLACE_ROUNDS {
        let order: Vec<usize> = if round % 2 == 0 {
            (0..depth).collect()
        } else {
            (0..depth).rev().collect()
        };
        for l in order {
            let row = &layers[l];
            let desired: Vec<f64> = row
                .iter()
                .map(|&v| {
                    let ns: Vec<usize> = ups[v].iter().chain(&downs[v]).copied().collect();
                    if ns.is_empty() {
                        x[v]
                    } else {
                        let centre = ns.iter().map(|&u| x[u] + width[u] / 2.0).sum::<f64>()
                            / ns.len() as f64;
                        centre - width[v] / 2.0
                    }
                })
                .collect();
            if grids[l].is_some() {
                let shift = row
                    .iter()
                    .zip(&desired)
                    .map(|(&v, d)| d - x[v])
                    .sum::<f64>()
                    / row.len().max(1) as f64;
                offset[l] += shift;
                for &v in row {
                    x[v] = grid_x(v, offset[l]);
                }
                continue;
            }
            let mut placed = desired.clone();
            for i in 1..row.len() {
                let min = placed[i - 1] + width[row[i - 1]] + gap_x;
                placed[i] = placed[i].max(min);
            }
            let shift = placed.iter().zip(&desired).map(|(p, d)| p - d).sum::<f64>()
                / row.len().max(1) as f64;
            for (i, &v) in row.iter().enumerate() {
                x[v] = placed[i] - shift;
            }
        }
    }
    // 6. Heights: a layer is one row, or a grid's rows `row_gap` apart. The gap
    // above a layer grows with the labels written in it (each edge's label goes on
    // the middle one of the gaps it crosses): room for twice the lines they would
    // fill packed side by side, so that each can stay near its own edge.
    let mut labels = vec![0usize; depth]; // by the layer below the gap
    for (k, chain) in chains.iter().enumerate() {
        let len = chain.len() - 1;
        let m = if reversed[k] {
            len - 1 - len / 2
        } else {
            len / 2
        };
        labels[vlayer[chain[m]]] += 1;
    }
    let span = |l: usize| {
        let xs = layers[l].iter().filter(|&&v| v < n).map(|&v| x[v]);
        let (lo, hi) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x + w))
        });
        (hi - lo).max(w)
    };
    let mut top = vec![0.0f64; depth];
    let mut bottom = vec![0.0f64; depth];
    let mut at = 0.0;
    for l in 0..depth {
        if l > 0 {
            let per_line = (span(l).max(span(l - 1)) / (label_w + LABEL_PAD)).max(1.0);
            let lines = 2.0 * (labels[l] as f64 / per_line).ceil();
            at += gap_y.max(2.0 * LABEL_LINE + lines * LABEL_LINE);
        }
        let rows = grids[l].map_or(1, |g| g.rows) as f64;
        top[l] = at;
        bottom[l] = at + rows * h + (rows - 1.0) * row_gap;
        at = bottom[l];
    }
    let y = |v: usize| top[vlayer[v]] + cell[v].1 as f64 * (h + row_gap);
    let centre = |v: usize| x[v] + width[v] / 2.0;
    // 7. Routes. Where each edge leaves its lower node's top and meets its upper
    // node's bottom: spread over the middle of the edge, in the order of the other
    // ends, so that several links to one highlight arrive side by side.
    let mut ends: HashMap<(usize, bool), Vec<(f64, usize)>> = HashMap::new();
    for (k, chain) in chains.iter().enumerate() {
        let (first, last) = (chain[0], chain[chain.len() - 1]);
        ends.entry((last, true))
            .or_default()
            .push((centre(chain[chain.len() - 2]), k));
        ends.entry((first, false))
            .or_default()
            .push((centre(chain[1]), k));
    }
    let mut attach: HashMap<(usize, bool), f64> = HashMap::new();
    for ((v, upper), mut list) in ends {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let m = list.len() as f64;
        for (i, (_, k)) in list.into_iter().enumerate() {
            let off = (i as f64 + 1.0) / (m + 1.0) - 0.5;
            attach.insert((k, upper), centre(v) + off * width[v] * 0.6);
        }
    }
    // In a grid, a route between a node and the grid's top or bottom runs along the
    // gap between rows next to the node and up or down a gap between columns, each
    // route in its own lane of that gap.
    let lanes = ((gap_x - 8.0) / LANE).floor().max(1.0) as usize;
    let mut used: HashMap<(usize, usize), usize> = HashMap::new();
    let mut lane = |l: usize, ch: usize| -> f64 {
        let j = used.entry((l, ch)).or_insert(0);
        let m = *j % lanes;
        *j += 1;
        let step = m.div_ceil(2) as f64 * LANE;
        offset[l] + ch as f64 * pitch - gap_x / 2.0 + if m % 2 == 1 { step } else { -step }
    };
    let mut placement = Placement {
        nodes: HashMap::with_capacity(n),
        routes: HashMap::with_capacity(edges.len()),
        label_segments: HashMap::with_capacity(edges.len()),
    };
    for (k, chain) in chains.iter().enumerate() {
        // From the lower node's top, through the layers crossed, to the upper's bottom.
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(chain.len());
        // Segments that cross the gap between two layers.
        let mut crossings: Vec<usize> = Vec::new();
        for (j, &v) in chain.iter().enumerate() {
            let l = vlayer[v];
            if j > 0 {
                crossings.push(points.len() - 1);
            }
            let toward = if j == 0 { chain[1] } else { chain[j - 1] };
            let side = |v: usize| cell[v].0 + usize::from(centre(toward) > centre(v));
            if j == 0 {
                let (ax, t) = (attach[&(k, false)], y(v));
                points.push((ax, t));
                if grids[l].is_some() && cell[v].1 > 0 {
                    let (lane_y, cx) = (t - row_gap * 0.35, lane(l, side(v)));
                    points.extend([(ax, lane_y), (cx, lane_y), (cx, top[l])]);
                }
            } else if j == chain.len() - 1 {
                let (ax, b) = (attach[&(k, true)], y(v) + h);
                // Below a node not in the grid's last row are nodes, or (in a short
                // last column) a gap that a route from the side would cross a
                // neighbour to reach: both come up a gap between columns.
                if grids[l].is_some_and(|g| cell[v].1 + 1 < g.rows) {
                    let (lane_y, cx) = (b + row_gap * 0.35, lane(l, side(v)));
                    points.extend([(cx, bottom[l]), (cx, lane_y), (ax, lane_y)]);
                }
                points.push((ax, b));
            } else if grids[l].is_some() {
                let cx = lane(l, channel[v]);
                points.extend([(cx, bottom[l]), (cx, top[l])]);
            } else {
                points.push((centre(v), y(v) + h / 2.0));
            }
        }
        if reversed[k] {
            points.reverse();
            for c in crossings.iter_mut() {
                *c = points.len() - 2 - *c;
            }
            crossings.reverse();
        }
        let (a, b) = edges[k];
        placement
            .label_segments
            .insert((nodes[a], nodes[b]), crossings[crossings.len() / 2]);
        placement.routes.insert((nodes[a], nodes[b]), points);
    }
    // Everything moved right so that nothing (a node, a route's lane) is left of 0.
    let min_x = x
        .iter()
        .copied()
        .chain(placement.routes.values().flatten().map(|p| p.0))
        .fold(f64::INFINITY, f64::min);
    let min_x = if min_x.is_finite() { min_x } else { 0.0 };
    for route in placement.routes.values_mut() {
        for p in route.iter_mut() {
            p.0 -= min_x;
        }
    }
    for (i, &v) in nodes.iter().enumerate() {
        placement.nodes.insert(
            v,
            Placed {
                layer: vlayer[i],
                x: x[i] - min_x,
                y: y(i),
            },
        );
    }
    placement
}

/// A wrapped layer: `rows` rows of at most `cols` nodes, filled column by column.
#[derive(Clone, Copy)]
struct Grid {
    rows: usize,
    cols: usize,
}

/// How many pairs of edges cross between neighbouring layers.
fn crossings(layers: &[Vec<usize>], downs: &[Vec<usize>], pos: &[usize]) -> usize {
    let mut total = 0;
    for l in layers {
        // Edges from this layer down to the next, as (upper pos, lower pos).
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for &v in l {
            for &d in &downs[v] {
                pairs.push((pos[v], pos[d]));
            }
        }
        for i in 0..pairs.len() {
            for j in i + 1..pairs.len() {
                let (a, b) = (pairs[i], pairs[j]);
                if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                    total += 1;
                }
            }
        }
    }
    total
}
