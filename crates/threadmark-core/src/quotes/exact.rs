//! The exact search: in the ancestors directly, then across the whole thread by
//! hashing sampled windows against the needles' first windows (see [`occurrences`]).

use super::*;

/// The first position `p` in `from..to` with `p + n.len() <= limit` where `all`
/// holds `n`.
pub(super) fn find_in(
    all: &[char],
    n: &[char],
    from: usize,
    to: usize,
    limit: usize,
) -> Option<usize> {
    let (&first, rest) = n.split_first()?;
    let to = to.min((limit + 1).saturating_sub(n.len()));
    (from..to).find(|&p| all[p] == first && all[p + 1..p + n.len()] == *rest)
}

/// How much ancestor text one quote may search directly before it is left to the
/// pass over the whole thread (a very deep reply chain).
pub(super) const ANCESTOR_BUDGET: usize = 1 << 16;

/// A needle looked for in every earlier post in the pass over the thread.
pub(super) struct Wanted<'a> {
    pub(super) needle: &'a [char],
    /// Only positions before this (the quoting post's start) count.
    pub(super) before: usize,
    /// Every post's first occurrence (for the ancestor preference), not just the
    /// first occurrence.
    pub(super) every_post: bool,
}

/// Spread a sum of products over the top bits (the filter and the anchors read them).
#[inline]
pub(super) fn spread(p: u64) -> u64 {
    (p ^ (p >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// One odd multiplier per pair of code points of a window.
pub(super) const PAIR_MULTIPLIERS: [u64; 8] = [
    0xff51_afd7_ed55_8ccd,
    0xc4ce_b9fe_1a85_ec53,
    0xbf58_476d_1ce4_e5b9,
    0x94d0_49bb_1331_11eb,
    0x2545_f491_4f6c_dd1d,
    0x9e37_79b9_7f4a_7c15,
    0xd6e8_feb8_6659_fd93,
    0xa076_1d64_78bd_642f,
];

/// The hash of the first `W` code points of `w` (`W` even, at most 16): the pairs
/// of code points as 64-bit numbers, each times its own multiplier, summed. The
/// products do not wait for each other, unlike a rolling hash's steps.
#[inline]
pub(super) fn window_hash<const W: usize>(w: &[char]) -> u64 {
    let mut h = 0u64;
    for (pair, m) in w[..W].chunks_exact(2).zip(PAIR_MULTIPLIERS) {
        let v = u64::from(u32::from(pair[0])) | (u64::from(u32::from(pair[1])) << 32);
        h = h.wrapping_add(v.wrapping_mul(m));
    }
    spread(h)
}

/// Every occurrence of some patterns in the thread's text, found by sampling: the
/// window of `W` code points at every `stride`-th position is hashed, and each
/// pattern has an anchor for each of its first `stride` windows, so an occurrence
/// (every pattern is at least `W + stride - 1` long) holds exactly one sampled
/// position, where its window is one of the pattern's anchors. Each occurrence is
/// compared in full, then offered to `keep(pattern, position, earlier)`, where
/// `earlier` is `(how many, the last one)` of that pattern's occurrences kept so far
/// in this part of the text. Returns `(pattern, position)` of the occurrences kept,
/// in text order for each pattern; the text is searched in two halves on two cores
/// when it is large, and `earlier` counts within a half only.
pub(super) fn occurrences<const W: usize>(
    all: &[char],
    starts: &[usize],
    stride: usize,
    patterns: &[&[char]],
    keep: impl Fn(usize, usize, (usize, usize)) -> bool + Sync,
) -> Vec<(u32, usize)> {
    debug_assert!(patterns.iter().all(|p| p.len() + 1 >= W + stride));
    if patterns.is_empty() || all.len() < W {
        return Vec::new();
    }
    // (hash, pattern, stride - offset): for one sampled position, the occurrences of
    // a pattern come in text order.
    let mut anchors: Vec<(u64, u32, u32)> = Vec::with_capacity(patterns.len() * stride);
    for (m, p) in patterns.iter().enumerate() {
        for g in 0..stride {
            anchors.push((window_hash::<W>(&p[g..]), m as u32, (stride - g) as u32));
        }
    }
    anchors.sort_unstable();
    let filter = Filter::new(anchors.len(), 32, anchors.iter().map(|a| a.0));
    let split = || {
        starts[starts
            .partition_point(|&s| s * 2 < all.len())
            .min(starts.len() - 1)]
    };
    let halves = in_two(
        all.len(),
        split,
        |range| {
            let mut kept: Vec<(u32, usize)> = Vec::new();
            let mut earlier = vec![(0usize, 0usize); patterns.len()];
            let mut q = range.start.div_ceil(stride) * stride;
            while q < range.end && q + W <= all.len() {
                let h = window_hash::<W>(&all[q..]);
                if filter.may_hold(h) {
                    let at = anchors.partition_point(|a| a.0 < h);
                    for &(_, m, back) in anchors[at..].iter().take_while(|a| a.0 == h) {
                        let (m, g) = (m as usize, stride - back as usize);
                        let Some(pos) = q.checked_sub(g) else {
                            continue;
                        };
                        let p = patterns[m];
                        if all.get(pos..pos + p.len()) == Some(p) && keep(m, pos, earlier[m]) {
                            earlier[m] = (earlier[m].0 + 1, pos);
                            kept.push((m as u32, pos));
                        }
                    }
                }
                q += stride;
            }
            kept
        },
        all.len(),
    );
    halves.into_iter().flatten().collect()
}

/// Find the wanted needles in the whole thread: the start of each occurrence
/// before `before`, the first one only, or the first of each post with
/// `every_post`. Each list is in text order.
pub(super) fn find_across(
    all: &[char],
    starts: &[usize],
    wanted: &[Wanted<'_>],
) -> Vec<Vec<usize>> {
    let post_of = |pos: usize| starts.partition_point(|&s| s <= pos) - 1;
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); wanted.len()];
    // (window, stride, shortest, longest needle): the longer the needle, the sparser
    // the samples; a window of 16 code points rarely occurs by chance.
    let groups: [(usize, usize, usize, usize); 4] = [
        (16, 16, 31, usize::MAX),
        (8, 16, 23, 30),
        (8, 8, 15, 22),
        (8, 5, K, 14),
    ];
    for (w, stride, shortest, longest) in groups {
        let members: Vec<usize> = (0..wanted.len())
            .filter(|&m| (shortest..=longest).contains(&wanted[m].needle.len()))
            .collect();
        let needles: Vec<&[char]> = members.iter().map(|&m| wanted[m].needle).collect();
        let keep = |k: usize, pos: usize, (count, last): (usize, usize)| {
            let want = &wanted[members[k]];
            pos < want.before && (count == 0 || (want.every_post && post_of(pos) != post_of(last)))
        };
        let hits = if w == 16 {
            occurrences::<16>(all, starts, stride, &needles, keep)
        } else {
            occurrences::<8>(all, starts, stride, &needles, keep)
        };
        for (k, pos) in hits {
            let m = members[k as usize];
            let list = &mut found[m];
            let new_post = list.last().is_none_or(|&l| post_of(l) != post_of(pos));
            if list.is_empty() || (wanted[m].every_post && new_post) {
                list.push(pos);
            }
        }
    }
    found
}

/// The ancestors of post `i`, nearest first (a cycle of parents ends the list).
pub(super) fn ancestors(posts: &[PostText<'_>], mut i: usize) -> Vec<usize> {
    let mut out = Vec::new();
    while let Some(p) = posts[i].parent {
        if out.contains(&p) || out.len() > posts.len() {
            break;
        }
        out.push(p);
        i = p;
    }
    out
}

/// Of the first occurrence in each earlier post (`(post, offset)`), the one in the
/// nearest ancestor, or else in the earliest post.
pub(super) fn preferred(hits: &[(usize, usize)], ancestors: &[usize]) -> Option<(usize, usize)> {
    ancestors
        .iter()
        .find_map(|a| hits.iter().find(|h| h.0 == *a))
        .or_else(|| hits.iter().min_by_key(|h| h.0))
        .copied()
}

/// What the exact search made of a quote before the pass over the thread.
pub(super) enum Exact {
    /// Found at this position of the thread's text.
    At(usize),
    /// Left to the pass over the thread (index into the wanted needles).
    Across(usize),
    /// Not found exactly: approximate search.
    None,
}
