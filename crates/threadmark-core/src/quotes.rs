//! Quote resolution: link each quoted passage to the earlier post it quotes.
//!
//! Every post's canonical text is normalized (case, Unicode quote marks and
//! apostrophes, dashes, whitespace); the text inside quote blocks is masked so that
//! a quote is matched to where the words were first written, not to another reply
//! quoting them. A quote is searched for in its ancestors first (nearest first),
//! then in any earlier post (earliest first). A quote found nowhere is external: it
//! is never attached to a wrong post.
//!
//! Exact matches after normalization score 1.0. Most quotes quote an ancestor and
//! are found there by a direct search of those few posts. The others are found
//! together by sampling the whole thread (on two cores when it is large): the
//! window of 16 (or 8) code points at every 16th (8th, 5th for short needles)
//! position is hashed and looked up among the needles' windows at their first
//! offsets, so each occurrence is met once and compared in full (see
//! [`occurrences`]). A quote found nowhere exactly is matched approximately (edit
//! distance) in the posts that share enough k-grams with it, from a k-gram index
//! built by the same sampling only for those quotes (a k-gram found more than
//! [`COMMON_GRAM`] times is cut short: it is skipped anyway); a match with at most a
//! quarter of its characters edited is kept with its score, anything worse makes
//! the quote external. A test compares all of it with a brute-force reference.

use std::collections::HashMap;

use crate::anchor::{GramIndex, PolyHash};

use crate::body::QuoteSpan;

/// What the resolver needs of a post.
pub struct PostText<'a> {
    pub text: &'a str,
    /// Index of the parent post in the same slice, if any.
    pub parent: Option<usize>,
    pub quotes: &'a [QuoteSpan],
}

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// Index of the source post.
    pub post: usize,
    /// Span in the source post's canonical text, in code points.
    pub start: usize,
    pub end: usize,
    pub score: f64,
}

const MASK: char = '\u{0}';
const K: usize = 12;

/// The characters `c` is compared as, one by one to `push`.
fn fold(c: char, mut push: impl FnMut(char)) {
    match c {
        '’' | '‘' | '‛' | '′' | '`' | '´' => push('\''),
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => push('"'),
        '–' | '—' | '‒' | '―' | '−' => push('-'),
        c => c.to_lowercase().for_each(push),
    }
}

/// What normalizing makes of each ASCII character: [`ASCII_SPACE`] for whitespace,
/// else the character folded (lower case, a backquote as an apostrophe).
const ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' => ASCII_SPACE,
            b'`' => b'\'',
            c => c.to_ascii_lowercase(),
        };
        b += 1;
    }
    t
};

/// [`ASCII_FOLD`]'s mark for whitespace (no ASCII character).
const ASCII_SPACE: u8 = 0x80;

/// Append the normalized `text` to `out` (see [`normalize`]); with `MAP`, push each
/// appended character's code-point index in `text` to `map`. ASCII is folded by a
/// table and written without a branch on its kind; other characters by [`fold`].
fn normalize_into<const MAP: bool>(text: &str, out: &mut Vec<char>, map: &mut Vec<u32>) {
    let base = out.len();
    let map_base = map.len();
    // Room for one character per UTF-8 byte, which is enough but for a lower case
    // longer than its capital (grown below when it comes).
    out.resize(base + text.len(), MASK);
    if MAP {
        map.resize(map_base + text.len(), 0);
    }
    let bytes = text.as_bytes();
    // Characters kept so far.
    let mut n = 0;
    // Whether a space would be dropped here: at the start, or after a space
    // (folding never makes a space).
    let mut space = true;
    let mut at = 0;
    let mut cp = 0u32;
    while let Some(&b) = bytes.get(at) {
        if b < 0x80 {
            at += 1;
            // Written in any case; kept (`n` moves on) unless a dropped space.
            let f = ASCII_FOLD[usize::from(b)];
            let is_space = f == ASCII_SPACE;
            out[base + n] = char::from(if is_space { b' ' } else { f });
            if MAP {
                map[map_base + n] = cp;
            }
            n += usize::from(!(is_space && space));
            space = is_space;
        } else {
            let Some(c) = text.get(at..).and_then(|t| t.chars().next()) else {
                break;
            };
            at += c.len_utf8();
            if c.is_whitespace() {
                if !space {
                    out[base + n] = ' ';
                    if MAP {
                        map[map_base + n] = cp;
                    }
                    n += 1;
                    space = true;
                }
            } else {
                fold(c, |f| {
                    if base + n == out.len() {
                        out.push(MASK);
                        if MAP {
                            map.push(0);
                        }
                    }
                    out[base + n] = f;
                    if MAP {
                        map[map_base + n] = cp;
                    }
                    n += 1;
                });
                space = false;
            }
        }
        cp += 1;
    }
    if space && n > 0 {
        n -= 1;
    }
    out.truncate(base + n);
    if MAP {
        map.truncate(map_base + n);
    }
}

/// Normalize text: folded characters and single spaces, with each normalized
/// character's code-point index in the original.
pub fn normalize(text: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    normalize_into::<true>(text, &mut chars, &mut map);
    (chars, map.into_iter().map(|i| i as usize).collect())
}

/// The part of a normalized quote to look for: without leading `>` markers,
/// wrapping quotation marks, leading or trailing ellipses and surrounding spaces.
fn needle(q: &[char]) -> &[char] {
    let mut s = q;
    loop {
        let before = s.len();
        while let Some((&c, rest)) = s.split_first() {
            if c == '>' || c == ' ' || c == '"' || c == '\'' || c == '…' {
                s = rest;
            } else {
                break;
            }
        }
        while let Some((&c, rest)) = s.split_last() {
            if c == ' ' || c == '"' || c == '\'' || c == '…' {
                s = rest;
            } else {
                break;
            }
        }
        if s.starts_with(&['.', '.', '.']) {
            s = &s[3..];
        }
        if s.ends_with(&['.', '.', '.']) {
            s = &s[..s.len() - 3];
        }
        if s.len() == before {
            return s;
        }
    }
}

/// The positions of a k-gram in the thread's text (empty when it does not occur).
fn postings<'a>(index: &'a GramIndex, gram: &[char]) -> &'a [u32] {
    index.get(&hash(gram)).map(Vec::as_slice).unwrap_or(&[])
}

/// A k-gram found more often than this in one thread says nothing about where a
/// quote comes from (boilerplate, common phrases); approximate search skips it.
const COMMON_GRAM: usize = 512;

/// The polynomial k-gram hash of the index (base odd), rolled by the index pass.
const POLY: PolyHash = PolyHash::new(0x0000_0100_0000_01b3, K);

/// Spread a polynomial value over all 64 bits (the low bits of a polynomial hash
/// modulo 2^64 mix poorly; the index and the filter take bits from both ends).
fn finish(p: u64) -> u64 {
    // The murmur3 64-bit finalizer.
    let mut h = p ^ (p >> 33);
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The hash of a k-gram.
fn hash(window: &[char]) -> u64 {
    finish(POLY.of(window))
}

/// A bit per hash prefix: "maybe wanted" or "surely not", answered from a table
/// small enough to stay in cache, before the index is asked.
struct Filter {
    bits: Vec<u64>,
    shift: u32,
}

impl Filter {
    /// A filter of about `per_member` bits per member (one lookup in `per_member`
    /// passes by mistake at most), at most 2^26 bits.
    fn new(members: usize, per_member: usize, hashes: impl Iterator<Item = u64>) -> Filter {
        let log = (members.max(1) * per_member)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(12, 26);
        let mut filter = Filter {
            bits: vec![0; 1 << (log - 6)],
            shift: 64 - log,
        };
        for h in hashes {
            let b = (h >> filter.shift) as usize;
            filter.bits[b >> 6] |= 1 << (b & 63);
        }
        filter
    }

    #[inline]
    fn may_hold(&self, h: u64) -> bool {
        let b = (h >> self.shift) as usize;
        self.bits[b >> 6] & (1 << (b & 63)) != 0
    }
}

/// Run `f` over `0..n` split into at most two halves at `split`, the second half
/// on another thread when the machine has a second core; results in order.
fn in_two<T: Send>(
    work: usize,
    split: impl FnOnce() -> usize,
    f: impl Fn(std::ops::Range<usize>) -> T + Sync,
    n: usize,
) -> Vec<T> {
    // Below this much work a thread costs more than it saves.
    const WORTH_A_THREAD: usize = 1 << 18;
    if crate::par::threads() < 2 || work < WORTH_A_THREAD {
        return vec![f(0..n)];
    }
    let mid = split().min(n);
    std::thread::scope(|s| {
        let second = s.spawn(|| f(mid..n));
        let first = f(0..mid);
        // A panic in the second half is a panic here too.
        let second = second
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        vec![first, second]
    })
}

/// A thread's normalized text: every post one after another, each followed by
/// [`MASK`], quote blocks masked.
struct Thread {
    all: Vec<char>,
    /// Where each post starts in `all`.
    starts: Vec<usize>,
    /// Per post, its top-level quotes normalized.
    quotes: Vec<Vec<Vec<char>>>,
}

/// Normalize `posts` into `all` (appended), masking quote blocks.
fn normalize_posts(
    posts: &[PostText<'_>],
    all: &mut Vec<char>,
) -> (Vec<usize>, Vec<Vec<Vec<char>>>) {
    let mut starts = Vec::with_capacity(posts.len());
    let mut quotes = Vec::with_capacity(posts.len());
    let mut map = Vec::new();
    for post in posts {
        let base = all.len();
        starts.push(base);
        let mut own = Vec::new();
        if post.quotes.is_empty() {
            normalize_into::<false>(post.text, all, &mut map);
        } else {
            map.clear();
            normalize_into::<true>(post.text, all, &mut map);
            for q in post.quotes {
                let from = base + map.partition_point(|&i| (i as usize) < q.start);
                let to = base + map.partition_point(|&i| (i as usize) < q.end);
                if q.depth == 1 {
                    own.push(all[from..to].to_vec());
                }
                all[from..to].iter_mut().for_each(|c| *c = MASK);
            }
        }
        quotes.push(own);
        all.push(MASK);
    }
    (starts, quotes)
}

/// Normalize a whole thread, in two halves on two cores when it is large.
fn normalize_thread(posts: &[PostText<'_>]) -> Thread {
    let bytes: usize = posts.iter().map(|p| p.text.len() + 1).sum();
    let split = || {
        // The post where half the text has gone by.
        let mut seen = 0;
        posts
            .iter()
            .position(|p| {
                seen += p.text.len() + 1;
                seen * 2 >= bytes
            })
            .map_or(posts.len(), |i| i + 1)
    };
    let mut halves = in_two(
        bytes,
        split,
        |range| {
            // Normalized text has at most as many characters as UTF-8 bytes; the
            // first part has room for the rest, appended to it.
            let part: usize = if range.start == 0 {
                bytes
            } else {
                posts[range.clone()].iter().map(|p| p.text.len() + 1).sum()
            };
            let mut all = Vec::with_capacity(part);
            let (starts, quotes) = normalize_posts(&posts[range], &mut all);
            (all, starts, quotes)
        },
        posts.len(),
    )
    .into_iter();
    let (mut all, mut starts, mut quotes) = halves.next().unwrap_or_default();
    for (more, more_starts, more_quotes) in halves {
        let offset = all.len();
        all.extend_from_slice(&more);
        starts.extend(more_starts.into_iter().map(|s| s + offset));
        quotes.extend(more_quotes);
    }
    Thread {
        all,
        starts,
        quotes,
    }
}

/// The first position `p` in `from..to` with `p + n.len() <= limit` where `all`
/// holds `n`.
fn find_in(all: &[char], n: &[char], from: usize, to: usize, limit: usize) -> Option<usize> {
    let (&first, rest) = n.split_first()?;
    let to = to.min((limit + 1).saturating_sub(n.len()));
    (from..to).find(|&p| all[p] == first && all[p + 1..p + n.len()] == *rest)
}

/// How much ancestor text one quote may search directly before it is left to the
/// pass over the whole thread (a very deep reply chain).
const ANCESTOR_BUDGET: usize = 1 << 16;

/// A needle looked for in every earlier post in the pass over the thread.
struct Wanted<'a> {
    needle: &'a [char],
    /// Only positions before this (the quoting post's start) count.
    before: usize,
    /// Every post's first occurrence (for the ancestor preference), not just the
    /// first occurrence.
    every_post: bool,
}

/// Spread a sum of products over the top bits (the filter and the anchors read them).
#[inline]
fn spread(p: u64) -> u64 {
    (p ^ (p >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// One odd multiplier per pair of code points of a window.
const PAIR_MULTIPLIERS: [u64; 8] = [
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
fn window_hash<const W: usize>(w: &[char]) -> u64 {
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
fn occurrences<const W: usize>(
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
fn find_across(all: &[char], starts: &[usize], wanted: &[Wanted<'_>]) -> Vec<Vec<usize>> {
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

/// The k-gram index approximate search reads, for the k-grams it samples of the
/// given needles (every second one): each one's positions in the thread, outside
/// masked text; a list longer than [`COMMON_GRAM`] is cut at one more entry (such
/// a k-gram is skipped whatever its length).
fn sampled_gram_index<'a>(
    all: &[char],
    starts: &[usize],
    needles: impl Iterator<Item = &'a [char]>,
) -> GramIndex {
    let mut index = GramIndex::default();
    let mut grams: Vec<&[char]> = Vec::new();
    for n in needles {
        if n.len() >= K {
            for g in (0..=n.len() - K).step_by(2) {
                let gram = &n[g..g + K];
                if let std::collections::hash_map::Entry::Vacant(e) = index.entry(hash(gram)) {
                    e.insert(Vec::new());
                    // A k-gram holding masked text has no position (masked text is
                    // not indexed).
                    if !gram.contains(&MASK) {
                        grams.push(gram);
                    }
                }
            }
        }
    }
    // Windows of 8 every 5th position: a 12-gram holds exactly one.
    let hits = occurrences::<8>(all, starts, K - 7, &grams, |_, _, (count, _)| {
        count <= COMMON_GRAM
    });
    let keys: Vec<u64> = grams.iter().map(|g| hash(g)).collect();
    for (m, pos) in hits {
        if let Some(list) = index.get_mut(&keys[m as usize]) {
            if list.len() <= COMMON_GRAM {
                list.push(pos as u32);
            }
        }
    }
    index
}

/// The ancestors of post `i`, nearest first (a cycle of parents ends the list).
fn ancestors(posts: &[PostText<'_>], mut i: usize) -> Vec<usize> {
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
fn preferred(hits: &[(usize, usize)], ancestors: &[usize]) -> Option<(usize, usize)> {
    ancestors
        .iter()
        .find_map(|a| hits.iter().find(|h| h.0 == *a))
        .or_else(|| hits.iter().min_by_key(|h| h.0))
        .copied()
}

/// What the exact search made of a quote before the pass over the thread.
enum Exact {
    /// Found at this position of the thread's text.
    At(usize),
    /// Left to the pass over the thread (index into the wanted needles).
    Across(usize),
    /// Not found exactly: approximate search.
    None,
}

/// Resolve every quote of every post. The result has one entry per post, one
/// `Option<Resolution>` per quote of that post (`None`: external).
pub fn resolve(posts: &[PostText<'_>]) -> Vec<Vec<Option<Resolution>>> {
    let Thread {
        all,
        starts,
        quotes: quote_texts,
    } = normalize_thread(posts);
    let post_of = |pos: usize| starts.partition_point(|&s| s <= pos) - 1;

    // Exact search, ancestors first, each searched directly: most quotes end here.
    let mut wanted: Vec<Wanted<'_>> = Vec::new();
    let mut exact: Vec<Vec<Exact>> = Vec::with_capacity(posts.len());
    for (i, quotes) in quote_texts.iter().enumerate() {
        if quotes.is_empty() {
            exact.push(Vec::new());
            continue;
        }
        let anc = ancestors(posts, i);
        let mut here = Vec::with_capacity(quotes.len());
        for q in quotes {
            let n = needle(q);
            if n.len() < 3 || (n.len() >= K && n.contains(&MASK)) {
                // Too short to place; or holding masked text, which no k-gram of
                // the thread's unmasked text can match.
                here.push(Exact::None);
                continue;
            }
            // A short needle is compared anywhere before the quoting post, masked
            // text included; a long one only within one post (it holds no mask).
            let limit = if n.len() < K { starts[i] } else { all.len() };
            let mut budget = ANCESTOR_BUDGET;
            let mut in_ancestor = None;
            let mut searched_all = true;
            for &a in anc.iter().filter(|&&a| a < i) {
                let (from, to) = (starts[a], starts[a + 1]);
                if to - from > budget {
                    searched_all = false;
                    break;
                }
                budget -= to - from;
                if let Some(p) = find_in(&all, n, from, to, limit) {
                    in_ancestor = Some(p);
                    break;
                }
            }
            here.push(match (in_ancestor, searched_all) {
                (Some(p), _) => Exact::At(p),
                // In no ancestor: the first occurrence is the earliest post's.
                (None, true) if n.len() < K => {
                    find_in(&all, n, 0, starts[i], limit).map_or(Exact::None, Exact::At)
                }
                (None, false) if n.len() < K => {
                    let mut hits: Vec<(usize, usize)> = Vec::new();
                    let mut from = 0;
                    while let Some(p) = find_in(&all, n, from, starts[i], limit) {
                        let j = post_of(p);
                        hits.push((j, p - starts[j]));
                        from = starts[j + 1];
                    }
                    preferred(&hits, &anc)
                        .map_or(Exact::None, |(j, off)| Exact::At(starts[j] + off))
                }
                (None, searched_all) => {
                    wanted.push(Wanted {
                        needle: n,
                        before: starts[i],
                        every_post: !searched_all,
                    });
                    Exact::Across(wanted.len() - 1)
                }
            });
        }
        exact.push(here);
    }

    // The rest in one pass over the whole thread.
    let across = if wanted.is_empty() {
        Vec::new()
    } else {
        find_across(&all, &starts, &wanted)
    };
    let mut at: Vec<Vec<Option<usize>>> = Vec::with_capacity(posts.len());
    for (i, here) in exact.iter().enumerate() {
        let mut row = Vec::with_capacity(here.len());
        for e in here {
            row.push(match *e {
                Exact::At(p) => Some(p),
                Exact::None => None,
                Exact::Across(w) if wanted[w].every_post => {
                    let hits: Vec<(usize, usize)> = across[w]
                        .iter()
                        .map(|&p| (post_of(p), p - starts[post_of(p)]))
                        .collect();
                    preferred(&hits, &ancestors(posts, i)).map(|(j, off)| starts[j] + off)
                }
                Exact::Across(w) => across[w].first().copied(),
            });
        }
        at.push(row);
    }

    // Quotes found nowhere exactly: approximate search, its k-grams indexed only now.
    let approximate_long = |i: usize, k: usize| {
        let n = needle(&quote_texts[i][k]);
        at[i][k].is_none() && n.len() >= K * 2
    };
    let index = if (0..posts.len()).any(|i| (0..at[i].len()).any(|k| approximate_long(i, k))) {
        sampled_gram_index(
            &all,
            &starts,
            (0..posts.len())
                .flat_map(|i| (0..at[i].len()).map(move |k| (i, k)))
                .filter(|&(i, k)| approximate_long(i, k))
                .map(|(i, k)| needle(&quote_texts[i][k])),
        )
    } else {
        GramIndex::default()
    };

    // Offsets back to code points: each source post normalized again, with its map.
    let mut maps: HashMap<usize, Vec<u32>> = HashMap::new();
    let mut scratch = Vec::new();
    let mut span = |j: usize, from: usize, to: usize| {
        let map = maps.entry(j).or_insert_with(|| {
            let mut map = Vec::new();
            scratch.clear();
            normalize_into::<true>(posts[j].text, &mut scratch, &mut map);
            map
        });
        (map[from] as usize, map[to - 1] as usize + 1)
    };

    let mut out = Vec::with_capacity(posts.len());
    for (i, quotes) in quote_texts.iter().enumerate() {
        let mut row = Vec::with_capacity(quotes.len());
        for (k, q) in quotes.iter().enumerate() {
            let n = needle(q);
            if n.len() < 3 {
                row.push(None);
                continue;
            }
            if let Some(p) = at[i][k] {
                let j = post_of(p);
                let off = p - starts[j];
                let (start, end) = span(j, off, off + n.len());
                row.push(Some(Resolution {
                    post: j,
                    start,
                    end,
                    score: 1.0,
                }));
                continue;
            }
            let anc = ancestors(posts, i);
            row.push(
                approximate(n, i, &anc, &all, &starts, &index).map(|(j, from, to, score)| {
                    let (start, end) = span(j, from, to);
                    Resolution {
                        post: j,
                        start,
                        end,
                        score,
                    }
                }),
            );
        }
        out.push(row);
    }
    out
}

/// The order in which posts were created: indices sorted by time, thread order
/// among equal times; a post without a time takes the time of the post before it
/// in thread order (the first ones, the earliest time). `None` when no post has a
/// time or the order is thread order already.
fn creation_order(times: &[Option<i64>]) -> Option<Vec<usize>> {
    let first = times.iter().flatten().next().copied()?;
    let mut last = first;
    let keys: Vec<i64> = times
        .iter()
        .map(|t| {
            if let Some(t) = t {
                last = *t;
            }
            last
        })
        .collect();
    if keys.windows(2).all(|w| w[0] <= w[1]) {
        return None;
    }
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by_key(|&i| (keys[i], i));
    Some(order)
}

/// [`resolve`] where "earlier" means created earlier when the posts carry times
/// (`times[i]`, unix seconds, of `posts[i]`): a quote's candidates are its
/// ancestors first, then every post created before it, wherever the thread shows
/// it (Hacker News and Reddit show replies by rank, not time). Without times, thread
/// order as [`resolve`]. The thread is resolved in creation order and the result
/// mapped back, so the result is indexed like `posts`.
pub fn resolve_by_time(
    posts: &[PostText<'_>],
    times: &[Option<i64>],
) -> Vec<Vec<Option<Resolution>>> {
    let Some(order) = creation_order(times).filter(|_| times.len() == posts.len()) else {
        return resolve(posts);
    };
    let mut rank = vec![0usize; posts.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r;
    }
    let in_order: Vec<PostText<'_>> = order
        .iter()
        .map(|&i| PostText {
            text: posts[i].text,
            parent: posts[i].parent.map(|p| rank[p]),
            quotes: posts[i].quotes,
        })
        .collect();
    let mut resolved = resolve(&in_order);
    for row in &mut resolved {
        for r in row.iter_mut().flatten() {
            r.post = order[r.post];
        }
    }
    let mut out: Vec<Vec<Option<Resolution>>> = vec![Vec::new(); posts.len()];
    for (r, row) in resolved.into_iter().enumerate() {
        out[order[r]] = row;
    }
    out
}

/// The lowest score an approximate match may have: at most a quarter of the
/// quote's characters edited.
pub const MIN_SCORE: f64 = 0.75;

/// Approximate search for `n` in posts before `i`: posts sharing enough k-grams
/// with the quote are candidates; in each, the best-matching span (semi-global edit
/// distance) around the shared k-grams is scored `1 - edits / len`. Returns
/// `(post, from, to, score)` in normalized offsets of that post.
fn approximate(
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
fn short_in_ancestors(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, quoted: &str) -> QuoteSpan {
        let byte = text.find(quoted).unwrap();
        let start = text[..byte].chars().count();
        QuoteSpan {
            start,
            end: start + quoted.chars().count(),
            depth: 1,
        }
    }

    #[test]
    fn normalizes_case_marks_and_spaces() {
        let (n, map) = normalize("  It’s  “FINE”\n—ok ");
        assert_eq!(n.iter().collect::<String>(), "it's \"fine\" -ok");
        assert_eq!(map[0], 2);
        assert_eq!(
            needle(&normalize("> “so it goes…”").0)
                .iter()
                .collect::<String>(),
            "so it goes"
        );
        assert_eq!(
            needle(&normalize("...and then...").0)
                .iter()
                .collect::<String>(),
            "and then"
        );
    }

    #[test]
    fn resolves_to_ancestor_then_earliest_and_never_to_a_wrong_post() {
        let a = "The moat is the team, not the code.";
        let b = "I agree: the moat is the team, not the code.";
        let c_text = "the moat is the team, not the code\n\nDisagree.";
        let d_text = "Something nobody here said before\n\nSo?";
        let c_quotes = [span(c_text, "the moat is the team, not the code")];
        let d_quotes = [span(d_text, "Something nobody here said before")];
        let posts = [
            PostText {
                text: a,
                parent: None,
                quotes: &[],
            },
            PostText {
                text: b,
                parent: None,
                quotes: &[],
            },
            PostText {
                text: c_text,
                parent: Some(1),
                quotes: &c_quotes,
            },
            PostText {
                text: d_text,
                parent: None,
                quotes: &d_quotes,
            },
        ];
        let r = resolve(&posts);
        let c = r[2][0].as_ref().unwrap();
        assert_eq!(c.post, 1, "the parent wins over the earlier post");
        assert_eq!((c.start, c.end), (9, 43));
        assert_eq!(r[3][0], None, "external");
    }

    #[test]
    fn approximate_matches_small_edits_and_extensions_but_not_strangers() {
        let a = "We tried the trial on six ordinary weekends and counted footfall at both ends of the street.";
        let b =
            "Nothing to do with it at all, a different subject entirely, about bread and ovens.";
        let edited = "we tried the trail on six ordinary weekend and counted the footfall at both ends of the street";
        let extended = "We tried the trial on six ordinary weekends and counted footfall at both ends of the street. And then some.";
        let stranger =
            "A sentence that nobody in this thread has written anywhere, about ovens and trials.";
        let mk = |t: &'static str| {
            (
                t,
                [QuoteSpan {
                    start: 0,
                    end: t.chars().count(),
                    depth: 1,
                }],
            )
        };
        let (e, eq) = mk(edited);
        let (x, xq) = mk(extended);
        let (s, sq) = mk(stranger);
        let posts = [
            PostText {
                text: a,
                parent: None,
                quotes: &[],
            },
            PostText {
                text: b,
                parent: None,
                quotes: &[],
            },
            PostText {
                text: e,
                parent: None,
                quotes: &eq,
            },
            PostText {
                text: x,
                parent: None,
                quotes: &xq,
            },
            PostText {
                text: s,
                parent: None,
                quotes: &sq,
            },
        ];
        let r = resolve(&posts);
        let got = r[2][0].as_ref().expect("edited quote resolves");
        assert_eq!(got.post, 0);
        assert!(got.score < 1.0 && got.score >= MIN_SCORE, "{got:?}");
        let got = r[3][0].as_ref().expect("extended quote resolves");
        assert_eq!(got.post, 0);
        assert_eq!((got.start, got.end), (0, a.chars().count()));
        assert_eq!(r[4][0], None, "below the threshold a quote is external");
    }

    #[test]
    fn short_quotes_match_approximately_in_ancestors_only() {
        let a = "Lots of reasons:\n\n- Risk of YouTube Ads.\n\n- Gifs are shorter.";
        let fix = "Risk of YouTube Aids.\n\nFTFY";
        let far = "Risk of YouPube Aidz!!\n\nno";
        let fq = [span(fix, "Risk of YouTube Aids.")];
        let rq = [span(far, "Risk of YouPube Aidz!!")];
        let posts = [
            PostText {
                text: a,
                parent: None,
                quotes: &[],
            },
            PostText {
                text: fix,
                parent: Some(0),
                quotes: &fq,
            },
            PostText {
                text: fix,
                parent: None,
                quotes: &fq,
            },
            PostText {
                text: far,
                parent: Some(0),
                quotes: &rq,
            },
        ];
        let r = resolve(&posts);
        let got = r[1][0].as_ref().expect("one letter changed, in the parent");
        assert_eq!((got.post, got.start, got.end), (0, 20, 40));
        assert!(got.score >= MIN_SCORE_SHORT && got.score < 1.0);
        assert_eq!(r[2][0], None, "not an ancestor: external");
        assert_eq!(r[3][0], None, "too many edits for a short quote");
    }

    /// [`normalize`] as first written: every character through `char` methods.
    fn normalize_char_by_char(text: &str) -> (Vec<char>, Vec<usize>) {
        let mut chars: Vec<char> = Vec::new();
        let mut map = Vec::new();
        for (i, c) in text.chars().enumerate() {
            if c.is_whitespace() {
                if chars.last().is_some_and(|&l| l != ' ') {
                    chars.push(' ');
                    map.push(i);
                }
                continue;
            }
            let before = chars.len();
            fold(c, |f| chars.push(f));
            map.extend(std::iter::repeat_n(i, chars.len() - before));
        }
        if chars.last() == Some(&' ') {
            chars.pop();
            map.pop();
        }
        (chars, map)
    }

    #[test]
    fn the_ascii_table_folds_as_the_char_methods_do() {
        let ascii: String = (0u8..128).map(char::from).collect();
        for text in [
            ascii.as_str(),
            " \t\r\n Leading and trailing \u{b}\u{c} ",
            "İstanbul ẞ Straße — «Quoted» ‘it’s’ `code`\u{a0}\u{3000}nbsp 中国 🎉 ΣΑΣ",
            "\u{a0}\u{2003} only unicode spaces \u{2028}",
            "",
            "   ",
            "x",
        ] {
            assert_eq!(normalize(text), normalize_char_by_char(text), "{text:?}");
        }
    }

    /// The resolver without its shortcuts: each post normalized alone, every
    /// occurrence of a quote found by comparing it at every position before the
    /// quoting post, every k-gram of the thread indexed (no list cut short) for
    /// approximate search; ancestors first (nearest first), then the earliest post.
    fn reference(posts: &[PostText<'_>]) -> Vec<Vec<Option<Resolution>>> {
        let mut all: Vec<char> = Vec::new();
        let mut starts = Vec::new();
        let mut maps = Vec::new();
        let mut quote_texts: Vec<Vec<Vec<char>>> = Vec::new();
        for post in posts {
            let (mut norm, map) = normalize(post.text);
            let mut own = Vec::new();
            for q in post.quotes {
                let from = map.partition_point(|&i| i < q.start);
                let to = map.partition_point(|&i| i < q.end);
                if q.depth == 1 {
                    own.push(norm[from..to].to_vec());
                }
                norm[from..to].iter_mut().for_each(|c| *c = MASK);
            }
            quote_texts.push(own);
            starts.push(all.len());
            all.extend_from_slice(&norm);
            all.push(MASK);
            maps.push(map);
        }
        let mut index = GramIndex::default();
        for (pos, w) in all.windows(K).enumerate() {
            if !w.contains(&MASK) {
                index.entry(hash(w)).or_default().push(pos as u32);
            }
        }
        let post_of = |pos: usize| starts.partition_point(|&s| s <= pos) - 1;
        let mut out = Vec::new();
        for (i, quotes) in quote_texts.iter().enumerate() {
            let anc = ancestors(posts, i);
            let mut row = Vec::new();
            for q in quotes {
                let n = needle(q);
                if n.len() < 3 {
                    row.push(None);
                    continue;
                }
                // The first occurrence in each earlier post. A needle of at least K
                // characters matches unmasked text only; a shorter one is compared
                // anywhere before the quoting post.
                let mut hits: Vec<(usize, usize)> = Vec::new();
                let limit = if n.len() < K { starts[i] } else { all.len() };
                if n.len() < K || !n.contains(&MASK) {
                    for pos in 0..starts[i] {
                        if all[pos] == n[0]
                            && pos + n.len() <= limit
                            && all[pos..pos + n.len()] == *n
                        {
                            let j = post_of(pos);
                            if !hits.iter().any(|h| h.0 == j) {
                                hits.push((j, pos - starts[j]));
                            }
                        }
                    }
                }
                let exact = anc
                    .iter()
                    .find_map(|a| hits.iter().find(|h| h.0 == *a))
                    .or_else(|| hits.iter().min_by_key(|h| h.0));
                row.push(match exact {
                    Some(&(j, off)) => Some(Resolution {
                        post: j,
                        start: maps[j][off],
                        end: maps[j][off + n.len() - 1] + 1,
                        score: 1.0,
                    }),
                    None => approximate(n, i, &anc, &all, &starts, &index).map(
                        |(j, from, to, score)| Resolution {
                            post: j,
                            start: maps[j][from],
                            end: maps[j][to - 1] + 1,
                            score,
                        },
                    ),
                });
            }
            out.push(row);
        }
        out
    }

    /// A thread's posts for the resolver: text, parent, quote spans.
    type Posts = Vec<(String, Option<usize>, Vec<QuoteSpan>)>;

    fn post_texts(posts: &Posts) -> Vec<PostText<'_>> {
        posts
            .iter()
            .map(|(text, parent, quotes)| PostText {
                text,
                parent: *parent,
                quotes,
            })
            .collect()
    }

    /// The posts of an imported document, as the library resolves them.
    fn posts_of(doc: &crate::model::ThreadDoc) -> Posts {
        let index: HashMap<&str, usize> = doc
            .posts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.source_id.as_str(), i))
            .collect();
        doc.posts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let r = p.body.render();
                let parent = p.parent.as_deref().and_then(|s| index.get(s).copied());
                (r.text, parent.filter(|&j| j < i), r.quotes)
            })
            .collect()
    }

    /// Quotes edited so that every path is taken: a letter changed (approximate),
    /// cut to 9 characters (shorter than a k-gram) or to 18 (short approximate),
    /// every letter shifted (external).
    fn edit_quotes(posts: &mut Posts) {
        let mut count = 0;
        for (text, _, quotes) in posts.iter_mut() {
            let mut chars: Vec<char> = text.chars().collect();
            for q in quotes.iter_mut().filter(|q| q.depth == 1) {
                count += 1;
                let len = q.end - q.start;
                match count % 6 {
                    1 if len > 30 => {
                        let c = &mut chars[q.start + len / 2];
                        *c = if *c == 'q' { 'z' } else { 'q' };
                    }
                    2 if len > 12 => q.end = q.start + 9,
                    3 if len > 22 => q.end = q.start + 18,
                    4 => chars[q.start..q.end]
                        .iter_mut()
                        .filter(|c| c.is_ascii_lowercase())
                        .for_each(|c| {
                            *c = if *c == 'z' {
                                'a'
                            } else {
                                (*c as u8 + 1) as char
                            }
                        }),
                    _ => {}
                }
            }
            *text = chars.into_iter().collect();
        }
    }

    /// A single reply chain longer than the direct search of ancestors goes, with
    /// sentences repeated in later posts (several posts hold a quote's words), and
    /// quotes of words only a later post writes.
    fn chain() -> Posts {
        let mut rng = crate::synthetic::Rng::new(11);
        let words = [
            "the", "a", "of", "moat", "claim", "open", "weights", "chip", "paper", "cost",
            "talent", "export", "market", "policy", "model", "source", "ovens", "bread",
        ];
        let mut sentences: Vec<String> = Vec::new();
        let mut later: Vec<(usize, String)> = Vec::new();
        let mut posts = Vec::new();
        for i in 0..240usize {
            let mut text = String::new();
            let mut quotes = Vec::new();
            if i > 8 && i % 3 == 0 {
                let s = sentences[rng.below(sentences.len())].clone();
                let quoted: String = match i % 4 {
                    1 => s.chars().take(10).collect(),
                    2 => s.replacen('e', "x", 1),
                    // Words first written in a later post: external.
                    3 if i % 5 == 0 => {
                        let s = format!("{} later words {i} here.", words[i % words.len()]);
                        later.push((i + 4, s.clone()));
                        s
                    }
                    _ => s,
                };
                let end = quoted.chars().count();
                quotes.push(QuoteSpan {
                    start: 0,
                    end,
                    depth: 1,
                });
                text.push_str(&quoted);
                text.push_str("\n\n");
            }
            if let Some(at) = later.iter().position(|l| l.0 == i) {
                text.push_str(&later.swap_remove(at).1);
                text.push(' ');
            }
            for _ in 0..5 {
                let s = if i > 4 && rng.percent(20) {
                    sentences[rng.below(sentences.len())].clone()
                } else {
                    let n = 6 + rng.below(10);
                    let w: Vec<&str> = (0..n).map(|_| words[rng.below(words.len())]).collect();
                    format!("{}.", w.join(" "))
                };
                text.push_str(&s);
                text.push(' ');
                sentences.push(s);
            }
            posts.push((text, i.checked_sub(1), quotes));
        }
        posts
    }

    #[test]
    fn resolves_as_the_brute_force_reference_on_synthetic_threads() {
        use crate::import::{parse_bytes, text, ImportOptions};
        use crate::synthetic::{hn_algolia, text_dump};
        let hn = |n: usize, seed: u64| {
            let json = hn_algolia(n, seed);
            let docs = parse_bytes("s.json", json.as_bytes(), &ImportOptions::default()).unwrap();
            posts_of(&docs[0])
        };
        let dump = text::parse(text_dump(1_000).as_bytes(), None).unwrap();
        let mut edited = hn(900, 3);
        edit_quotes(&mut edited);
        let threads: Vec<(&str, Posts)> = vec![
            ("hn 900 posts", hn(900, 2)),
            ("hn 900 posts, edited quotes", edited),
            ("text dump 1,000 posts", posts_of(&dump)),
            ("a 240-post reply chain", chain()),
        ];
        let (mut exact, mut approximate, mut external) = (0, 0, 0);
        for (name, posts) in &threads {
            let texts = post_texts(posts);
            let got = resolve(&texts);
            assert_eq!(got, reference(&texts), "{name}");
            for r in got.iter().flatten() {
                match r {
                    Some(r) if r.score == 1.0 => exact += 1,
                    Some(_) => approximate += 1,
                    None => external += 1,
                }
            }
        }
        // Every kind of answer was compared.
        assert!(exact > 300, "{exact} exact");
        assert!(approximate > 30, "{approximate} approximate");
        assert!(external > 20, "{external} external");
    }

    #[test]
    fn best_span_finds_the_closest_substring() {
        let t: Vec<char> = "xx hello world yy".chars().collect();
        let p: Vec<char> = "helo world".chars().collect();
        assert_eq!(best_span(&p, &t), Some((3, 14, 1)));
    }

    #[test]
    fn quoted_text_inside_other_quotes_is_not_a_source() {
        let a = "Original words here.";
        let b_text = "Original words here\n\nreply";
        let c_text = "Original words here\n\nanother";
        let bq = [span(b_text, "Original words here")];
        let cq = [span(c_text, "Original words here")];
        let posts = [
            PostText {
                text: a,
                parent: None,
                quotes: &[],
            },
            PostText {
                text: b_text,
                parent: None,
                quotes: &bq,
            },
            PostText {
                text: c_text,
                parent: Some(1),
                quotes: &cq,
            },
        ];
        let r = resolve(&posts);
        assert_eq!(r[2][0].as_ref().unwrap().post, 0);
    }
}
