//! The thread as one normalized text (quote blocks masked), the k-gram hashing
//! shared with anchoring, and the sampled k-gram index the approximate search reads.

use super::*;

/// The positions of a k-gram in the thread's text (empty when it does not occur).
pub(super) fn postings<'a>(index: &'a GramIndex, gram: &[char]) -> &'a [u32] {
    index.get(&hash(gram)).map(Vec::as_slice).unwrap_or(&[])
}

/// A k-gram found more often than this in one thread says nothing about where a
/// quote comes from (boilerplate, common phrases); approximate search skips it.
pub(super) const COMMON_GRAM: usize = 512;

/// The polynomial k-gram hash of the index (base odd), rolled by the index pass.
pub(super) const POLY: PolyHash = PolyHash::new(0x0000_0100_0000_01b3, K);

/// Spread a polynomial value over all 64 bits (the low bits of a polynomial hash
/// modulo 2^64 mix poorly; the index and the filter take bits from both ends).
pub(super) fn finish(p: u64) -> u64 {
    // The murmur3 64-bit finalizer.
    let mut h = p ^ (p >> 33);
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The hash of a k-gram.
pub(super) fn hash(window: &[char]) -> u64 {
    finish(POLY.of(window))
}

/// A bit per hash prefix: "maybe wanted" or "surely not", answered from a table
/// small enough to stay in cache, before the index is asked.
pub(super) struct Filter {
    pub(super) bits: Vec<u64>,
    pub(super) shift: u32,
}

impl Filter {
    /// A filter of about `per_member` bits per member (one lookup in `per_member`
    /// passes by mistake at most), at most 2^26 bits.
    pub(super) fn new(
        members: usize,
        per_member: usize,
        hashes: impl Iterator<Item = u64>,
    ) -> Filter {
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
    pub(super) fn may_hold(&self, h: u64) -> bool {
        let b = (h >> self.shift) as usize;
        self.bits[b >> 6] & (1 << (b & 63)) != 0
    }
}

/// A thread's normalized text: every post one after another, each followed by
/// [`MASK`], quote blocks masked.
pub(super) struct Thread {
    pub(super) all: Vec<char>,
    /// Where each post starts in `all`.
    pub(super) starts: Vec<usize>,
    /// Per post, its top-level quotes normalized.
    pub(super) quotes: Vec<Vec<Vec<char>>>,
}

/// Normalize `posts` into `all` (appended), masking quote blocks.
pub(super) fn normalize_posts(
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
pub(super) fn normalize_thread(posts: &[PostText<'_>]) -> Thread {
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

/// The k-gram index approximate search reads, for the k-grams it samples of the
/// given needles (every second one): each one's positions in the thread, outside
/// masked text; a list longer than [`COMMON_GRAM`] is cut at one more entry (such
/// a k-gram is skipped whatever its length).
pub(super) fn sampled_gram_index<'a>(
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
