//! Quote resolution: link each quoted passage to the earlier post it quotes.
//!
//! Every post's canonical text is normalized (case, Unicode quote marks and
//! apostrophes, dashes, whitespace) with a map back to code points; the text inside
//! quote blocks is masked so that a quote is matched to where the words were first
//! written, not to another reply quoting them. One index of k-gram hashes over the
//! whole thread answers each quote without scanning every post. A quote is searched
//! for in its ancestors first (nearest first), then in any earlier post (earliest
//! first). A quote found nowhere is external: it is never attached to a wrong post.
//!
//! Exact matches after normalization score 1.0. A quote found nowhere exactly is
//! matched approximately (edit distance) in the posts that share enough k-grams
//! with it; a match with at most a quarter of its characters edited is kept with
//! its score, anything worse makes the quote external.

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

fn fold(c: char, out: &mut Vec<char>) {
    match c {
        '’' | '‘' | '‛' | '′' | '`' | '´' => out.push('\''),
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => out.push('"'),
        '–' | '—' | '‒' | '―' | '−' => out.push('-'),
        c => out.extend(c.to_lowercase()),
    }
}

/// Normalize text: folded characters and single spaces, with each normalized
/// character's code-point index in the original.
pub fn normalize(text: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    let mut buf = Vec::with_capacity(2);
    for (i, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            if chars.last().is_some_and(|&l| l != ' ') {
                chars.push(' ');
                map.push(i);
            }
            continue;
        }
        buf.clear();
        fold(c, &mut buf);
        for &f in &buf {
            chars.push(f);
            map.push(i);
        }
    }
    if chars.last() == Some(&' ') {
        chars.pop();
        map.pop();
    }
    (chars, map)
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

/// Call `f(position, hash)` for every k-gram of `text`, in order, with the hash
/// rolled over from one window to the next (equal to [`hash`] of the window).
fn each_gram(text: &[char], mut f: impl FnMut(usize, u64)) {
    if text.len() < K {
        return;
    }
    let mut p = POLY.of(&text[..K - 1]);
    for pos in 0..=text.len() - K {
        p = POLY.push(p, text[pos + K - 1]);
        f(pos, finish(p));
        p = POLY.drop_first(p, text[pos]);
    }
}

/// A bit per hash prefix: "maybe wanted" or "surely not", answered from a table
/// small enough to stay in cache, before the index is asked.
struct Filter {
    bits: Vec<u64>,
    shift: u32,
}

impl Filter {
    fn new<'a>(hashes: impl ExactSizeIterator<Item = &'a u64>) -> Filter {
        // About 16 bits per member: one lookup in 16 passes by mistake at most.
        let log = (hashes.len().max(1) * 16)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(12, 26);
        let mut filter = Filter {
            bits: vec![0; 1 << (log - 6)],
            shift: 64 - log,
        };
        for &h in hashes {
            let b = (h >> filter.shift) as usize;
            filter.bits[b >> 6] |= 1 << (b & 63);
        }
        filter
    }

    fn may_hold(&self, h: u64) -> bool {
        let b = (h >> self.shift) as usize;
        self.bits[b >> 6] & (1 << (b & 63)) != 0
    }
}

/// Resolve every quote of every post. The result has one entry per post, one
/// `Option<Resolution>` per quote of that post (`None`: external).
pub fn resolve(posts: &[PostText<'_>]) -> Vec<Vec<Option<Resolution>>> {
    // The whole thread as one normalized text; quote blocks masked; posts separated.
    let mut all: Vec<char> = Vec::new();
    let mut starts: Vec<usize> = Vec::with_capacity(posts.len());
    let mut maps: Vec<Vec<usize>> = Vec::with_capacity(posts.len());
    let mut quote_texts: Vec<Vec<Vec<char>>> = Vec::with_capacity(posts.len());
    for post in posts {
        let (mut norm, map) = normalize(post.text);
        let mut own = Vec::with_capacity(post.quotes.len());
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

    // The k-grams any quote could look up; only their positions are indexed. A thread's
    // text has millions of distinct k-grams and its quotes a few thousand, so this keeps
    // the index small without changing any posting list a lookup can see. Each entry
    // starts empty (a k-gram found only inside quotes keeps an empty list).
    let mut index = GramIndex::default();
    for n in quote_texts.iter().flatten().map(|q| needle(q)) {
        if n.len() >= K {
            for w in n.windows(K) {
                index.entry(hash(w)).or_default();
            }
        }
    }
    if all.len() >= K && !index.is_empty() {
        // One pass over the thread with a rolling hash; most windows are turned
        // away by the filter without a look into the index.
        let filter = Filter::new(index.keys());
        each_gram(&all, |pos, h| {
            if filter.may_hold(h) {
                if let Some(list) = index.get_mut(&h) {
                    if !all[pos..pos + K].contains(&MASK) {
                        list.push(pos as u32);
                    }
                }
            }
        });
    }

    let post_of = |pos: usize| starts.partition_point(|&s| s <= pos) - 1;
    let ancestors = |mut i: usize| {
        let mut out = Vec::new();
        while let Some(p) = posts[i].parent {
            if out.contains(&p) || out.len() > posts.len() {
                break;
            }
            out.push(p);
            i = p;
        }
        out
    };

    posts
        .iter()
        .enumerate()
        .map(|(i, _)| {
            quote_texts[i]
                .iter()
                .map(|q| {
                    let n = needle(q);
                    if n.len() < 3 {
                        return None;
                    }
                    // Every occurrence in an earlier post.
                    let mut hits: Vec<(usize, usize)> = Vec::new(); // (post, offset in post)
                    let mut check = |pos: usize| {
                        if all.get(pos..pos + n.len()) == Some(n) {
                            let j = post_of(pos);
                            if j < i && !hits.iter().any(|h| h.0 == j) {
                                hits.push((j, pos - starts[j]));
                            }
                        }
                    };
                    if n.len() >= K {
                        // Every occurrence holds each of the needle's k-grams at its
                        // offset: walk the shortest posting list, not the first one.
                        let (g, list) = (0..=n.len() - K)
                            .map(|g| (g, postings(&index, &n[g..g + K])))
                            .min_by_key(|(_, list)| list.len())
                            .unwrap_or((0, &[]));
                        for &pos in list {
                            if let Some(start) = (pos as usize).checked_sub(g) {
                                check(start);
                            }
                        }
                    } else {
                        let text = &all[..starts[i]];
                        for pos in 0..text.len().saturating_sub(n.len() - 1) {
                            check(pos);
                        }
                    }
                    let anc = ancestors(i);
                    let exact = anc
                        .iter()
                        .find_map(|a| hits.iter().find(|h| h.0 == *a))
                        .or_else(|| hits.iter().min_by_key(|h| h.0));
                    if let Some(&(j, off)) = exact {
                        let map = &maps[j];
                        return Some(Resolution {
                            post: j,
                            start: map[off],
                            end: map[off + n.len() - 1] + 1,
                            score: 1.0,
                        });
                    }
                    approximate(n, i, &anc, &all, &starts, &index).map(|(j, from, to, score)| {
                        let map = &maps[j];
                        Resolution {
                            post: j,
                            start: map[from],
                            end: map[to - 1] + 1,
                            score,
                        }
                    })
                })
                .collect()
        })
        .collect()
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

    #[test]
    fn the_rolling_hash_is_the_hash_of_each_window() {
        let text: Vec<char> = "Ünïcode – and ASCII\u{0}, rolled over 12-character windows… 🎉 done"
            .chars()
            .collect();
        let mut seen = Vec::new();
        each_gram(&text, |pos, h| seen.push((pos, h)));
        let expected: Vec<(usize, u64)> = text
            .windows(K)
            .enumerate()
            .map(|(pos, w)| (pos, hash(w)))
            .collect();
        assert_eq!(seen.len(), text.len() - K + 1);
        assert_eq!(seen, expected);
        let mut none = 0;
        each_gram(&text[..K - 1], |_, _| none += 1);
        assert_eq!(none, 0);
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
