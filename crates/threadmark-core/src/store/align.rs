//! Post identity across versions of a thread whose posts have no ids of their own
//! (a plain-text dump, where a post's id is only the line it starts on).
//!
//! The two sequences of post texts are aligned: first a diff over the texts' hashes
//! (patience diff, `similar`), which pairs every unchanged post however far lines
//! above it moved it; then, inside each run the diff could not pair (old posts
//! replaced by new ones), old and new posts are paired in order by word similarity,
//! so that an edited post is recognised as edited rather than removed plus new.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffOp};

/// Two posts whose words agree at least this much (similar's ratio over words,
/// 0..=1) are one post edited.
const SIMILAR_ENOUGH: f32 = 0.5;

/// Inside a run of replaced posts, a new post is looked for among this many
/// candidates after the last pair (bounds the work on long runs).
const WINDOW: usize = 16;

/// For each new post, the old post it is a version of (`None`: a new post).
/// Pairs keep their order: `old` indices increase along `new`.
pub(crate) fn align(old: &[&str], new: &[&str]) -> Vec<Option<usize>> {
    let hash = |t: &&str| {
        let mut h = DefaultHasher::new();
        t.hash(&mut h);
        h.finish()
    };
    let a: Vec<u64> = old.iter().map(hash).collect();
    let b: Vec<u64> = new.iter().map(hash).collect();
    let mut out = vec![None; new.len()];
    for op in capture_diff_slices(Algorithm::Patience, &a, &b) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for k in 0..len {
                    // Equal hashes; the texts are compared too (a collision is no pair).
                    if old[old_index + k] == new[new_index + k] {
                        out[new_index + k] = Some(old_index + k);
                    }
                }
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => pair_similar(
                old,
                old_index..old_index + old_len,
                new,
                new_index..new_index + new_len,
                &mut out,
            ),
            DiffOp::Delete { .. } | DiffOp::Insert { .. } => {}
        }
    }
    out
}

/// Pair old posts of `olds` with new posts of `news` in order, each with the most
/// similar of the next [`WINDOW`] new posts, when similar enough.
fn pair_similar(
    old: &[&str],
    olds: Range<usize>,
    new: &[&str],
    news: Range<usize>,
    out: &mut [Option<usize>],
) {
    let mut next = news.start;
    for i in olds {
        let best = (next..news.end.min(next + WINDOW))
            .map(|j| (j, similarity(old[i], new[j])))
            .filter(|&(_, s)| s >= SIMILAR_ENOUGH)
            .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
        if let Some((j, _)) = best {
            out[j] = Some(i);
            next = j + 1;
        }
    }
}

/// How much two texts agree, word by word (0..=1).
fn similarity(a: &str, b: &str) -> f32 {
    if a == b {
        return 1.0;
    }
    similar::TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(std::time::Duration::from_millis(20))
        .diff_words(a, b)
        .ratio()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_posts_pair_across_added_lines_and_edits_pair_by_words() {
        let old = [
            "alpha post",
            "beta says hello to everyone here",
            "gamma",
            "delta goes",
        ];
        let new = [
            "a new first post",
            "another new one",
            "alpha post",
            "beta says hello to everybody here",
            "delta goes",
            "epsilon",
        ];
        assert_eq!(
            align(&old, &new),
            [None, None, Some(0), Some(1), Some(3), None]
        );
    }

    #[test]
    fn unrelated_replacements_stay_apart() {
        let old = ["one two three", "keep me"];
        let new = ["completely different words", "keep me"];
        assert_eq!(align(&old, &new), [None, Some(1)]);
    }

    #[test]
    fn repeated_texts_pair_in_order() {
        let old = ["+1", "x", "+1"];
        let new = ["+1", "+1"];
        assert_eq!(align(&old, &new), [Some(0), Some(2)]);
    }
}
