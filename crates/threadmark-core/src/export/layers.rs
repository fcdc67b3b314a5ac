//! A layered (Sugiyama-style) placement of a directed graph whose edges point up:
//! an edge `(a, b)` puts `b` on a higher layer than `a`. Used by [`super::graph`];
//! knows nothing of highlights. See that module for the steps.

use std::collections::HashMap;

/// Width of the point a long edge passes through on a layer it crosses.
const DUMMY_W: f64 = 16.0;
/// Rounds of barycentre ordering and of horizontal placement.
const ORDER_ROUNDS: usize = 8;
const PLACE_ROUNDS: usize = 10;

/// Where a node went: its layer and top-left corner.
#[derive(Debug, Clone, Copy)]
pub struct Placed {
    pub layer: usize,
    pub x: f64,
    pub y: f64,
}

/// A placement: each node by the caller's index, and each edge's route by the
/// caller's `(from, to)`, from `from`'s border to `to`'s.
pub struct Placement {
    pub nodes: HashMap<usize, Placed>,
    pub routes: HashMap<(usize, usize), Vec<(f64, f64)>>,
}

/// Place `nodes` (the caller's indices, in the order they should keep when nothing
/// else decides) and `edges` between them; nodes are `w` × `h`.
pub fn place(
    nodes: &[usize],
    edges: &[(usize, usize)],
    w: f64,
    h: f64,
    gap_x: f64,
    gap_y: f64,
) -> Placement {
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
    // 4. Horizontal places: packed, then pulled towards the neighbours' centres.
    let mut x = vec![0.0f64; total];
    for l in &layers {
        let mut at = 0.0;
        for &v in l {
            x[v] = at;
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
    let min_x = x.iter().copied().fold(f64::INFINITY, f64::min);
    let min_x = if min_x.is_finite() { min_x } else { 0.0 };
    let y = |v: usize| vlayer[v] as f64 * (h + gap_y);
    let mut placement = Placement {
        nodes: HashMap::with_capacity(n),
        routes: HashMap::with_capacity(edges.len()),
    };
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
    // Where each edge leaves its lower node's top and meets its upper node's bottom:
    // spread over the middle of the edge, in the order of the other ends, so that
    // several links to one highlight arrive side by side.
    let centre = |v: usize| x[v] - min_x + width[v] / 2.0;
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
            let offset = (i as f64 + 1.0) / (m + 1.0) - 0.5;
            attach.insert((k, upper), centre(v) + offset * width[v] * 0.6);
        }
    }
    for (k, chain) in chains.iter().enumerate() {
        // From the lower node's top, through the layers crossed, to the upper's bottom.
        let mut points: Vec<(f64, f64)> = Vec::with_capacity(chain.len());
        for (j, &v) in chain.iter().enumerate() {
            if j == 0 {
                points.push((attach[&(k, false)], y(v)));
            } else if j == chain.len() - 1 {
                points.push((attach[&(k, true)], y(v) + h));
            } else {
                points.push((centre(v), y(v) + h / 2.0));
            }
        }
        if reversed[k] {
            points.reverse();
        }
        let (a, b) = edges[k];
        placement.routes.insert((nodes[a], nodes[b]), points);
    }
    placement
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
