//! The approximate search (edit distance) for quotes found nowhere exactly, and
//! [`locate`] for a quote whose source the site names.

use super::*;

/// The lowest score an approximate match may have: at most a quarter of the
/// quote's characters edited.
pub const MIN_SCORE: f64 = 0.75;

/// Approximate search for `n` in posts before `i`: posts sharing enough k-grams
/// with the quote are candidates; in each, the best-matching span (semi-global edit
/// distance) around the shared k-grams is scored `1 - edits / len`. Returns
/// `(post, from, to, score)` in normalized offsets of that post.
pub(super) fn approximate(
    n: &[char],
    i: usize,
    ancestors: &[usize],
    all: &[char],
    starts: &[usize],
    index: &GramIndex,
) -> Option<(usize, usize, usize, f64)> {
    if n.len() < K * 2 {
        return short_in_ancestors(n, ancestors, all, starts);
    }
    let post_of = |pos: usize| starts.partition_point(|&s| s <= pos) - 1;
    // Shared k-grams per earlier post, with the span of text they touch.
    let mut shared: HashMap<usize, (usize, usize, usize)> = HashMap::new(); // post -> (count, min pos, max pos)
    let grams = n.len() - K + 1;
    let mut sampled = 0;
    for g in (0..grams).step_by(2) {
        let list = postings(index, &n[g..g + K]);
        if list.len() > COMMON_GRAM {
            continue;
        }
        sampled += 1;
        for &pos in list {
            let pos = pos as usize;
            let j = post_of(pos);
            if j >= i {
                continue;
            }
            let e = shared.entry(j).or_insert((0, pos, pos));
            e.0 += 1;
            e.1 = e.1.min(pos);
            e.2 = e.2.max(pos);
        }
    }
    let needed = (sampled / 5).max(2); // a fifth of the informative sampled k-grams
    let mut candidates: Vec<(usize, (usize, usize, usize))> =
        shared.into_iter().filter(|(_, v)| v.0 >= needed).collect();
    candidates.sort_by_key(|(j, v)| (std::cmp::Reverse(v.0), *j));
    candidates.truncate(8);
    let mut best: Option<(usize, usize, usize, f64)> = None;
    for (j, (_, lo, hi)) in candidates {
        let post_start = starts[j];
        let post_end = starts.get(j + 1).map_or(all.len(), |&s| s - 1);
        let from = lo.saturating_sub(n.len()).max(post_start);
        let to = (hi + K + n.len()).min(post_end);
        let Some((s, e, edits)) = best_span(n, &all[from..to]) else {
            continue;
        };
        let score = 1.0 - edits as f64 / n.len() as f64;
        if score < MIN_SCORE {
            continue;
        }
        let rank = |j: usize| {
            (
                ancestors.iter().position(|&a| a == j).unwrap_or(usize::MAX),
                j,
            )
        };
        let better = match best {
            None => true,
            Some((bj, _, _, bs)) => {
                score > bs + 1e-9 || ((score - bs).abs() <= 1e-9 && rank(j) < rank(bj))
            }
        };
        if better {
            best = Some((j, from + s - post_start, from + e - post_start, score));
        }
    }
    best
}

/// The lowest score of an approximate match for a short quote (fewer than `2 * K`
/// characters, too few k-grams to find candidates by): at most one edit in ten.
pub const MIN_SCORE_SHORT: f64 = 0.9;

/// Approximate search for a short quote, in the quoting post's ancestors only
/// (a short passage is too likely to resemble some unrelated post): the best span
/// of each ancestor, the highest score winning, nearest ancestor on ties.
pub(super) fn short_in_ancestors(
    n: &[char],
    ancestors: &[usize],
    all: &[char],
    starts: &[usize],
) -> Option<(usize, usize, usize, f64)> {
    if n.len() < K {
        return None;
    }
    let mut best: Option<(usize, usize, usize, f64)> = None;
    for &j in ancestors {
        let post_start = starts[j];
        let post_end = starts.get(j + 1).map_or(all.len(), |&s| s - 1);
        let Some((s, e, edits)) = best_span(n, &all[post_start..post_end]) else {
            continue;
        };
        let score = 1.0 - edits as f64 / n.len() as f64;
        if score >= MIN_SCORE_SHORT && best.is_none_or(|b| score > b.3 + 1e-9) {
            best = Some((j, s, e, score));
        }
    }
    best
}

/// Find a quote in the one post its source names (Discourse's `data-post`): the
/// span in `source` (code points) and its score, exact after normalization (1.0)
/// or approximate (at least [`MIN_SCORE`]); `None` if the words are not there.
pub fn locate(quote: &str, source: &str) -> Option<(usize, usize, f64)> {
    let (q, _) = normalize(quote);
    let n = needle(&q);
    let (text, map) = normalize(source);
    if n.is_empty() || text.is_empty() {
        return None;
    }
    if let Some(at) = text.windows(n.len()).position(|w| w == n) {
        return Some((map[at], map[at + n.len() - 1] + 1, 1.0));
    }
    let (s, e, edits) = best_span(n, &text)?;
    let score = 1.0 - edits as f64 / n.len() as f64;
    (score >= MIN_SCORE && e > s).then(|| (map[s], map[e - 1] + 1, score))
}

/// Semi-global edit distance (Sellers): the span of `text` closest to `pattern`.
/// Returns `(start, end, edits)`.
pub(crate) fn best_span(pattern: &[char], text: &[char]) -> Option<(usize, usize, usize)> {
    if text.is_empty() {
        return None;
    }
    let m = pattern.len();
    // Column j: (cost of pattern[..i] ending at text[..j], start of that span), rolled over i.
    let mut prev: Vec<(usize, usize)> = (0..=text.len()).map(|j| (0, j)).collect();
    let mut cur = vec![(0usize, 0usize); text.len() + 1];
    for i in 1..=m {
        cur[0] = (i, 0);
        for j in 1..=text.len() {
            let sub = prev[j - 1].0 + usize::from(pattern[i - 1] != text[j - 1]);
            let del = prev[j].0 + 1;
            let ins = cur[j - 1].0 + 1;
            cur[j] = if sub <= del && sub <= ins {
                (sub, prev[j - 1].1)
            } else if del <= ins {
                (del, prev[j].1)
            } else {
                (ins, cur[j - 1].1)
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let (end, &(edits, start)) = prev
        .iter()
        .enumerate()
        .skip(1)
        .min_by_key(|(j, c)| (c.0, *j))?;
    Some((start, end, edits))
}
