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

mod approximate;
mod exact;
mod index;
mod normalize;
#[cfg(test)]
mod tests;

pub use approximate::{locate, MIN_SCORE};

use approximate::*;
use exact::*;
use index::*;
pub use normalize::normalize;
use normalize::*;

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
