//! Approximate search: bit-parallel (Myers) matching of a quote with at most a
//! given number of errors, and the best match per run of overlapping ends.

use super::*;

/// An approximate occurrence of a pattern: `text[start..end]` with `errors` edits
/// (insertions, deletions, substitutions of code points).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub errors: usize,
}

/// A pattern prepared for bit-parallel search: one bit per pattern position and
/// character, in blocks of 64 rows.
pub(super) struct Pattern {
    pub(super) len: usize,
    pub(super) blocks: usize,
    /// `blocks` words per ASCII character, flat.
    pub(super) ascii: Vec<u64>,
    pub(super) other: HashMap<char, Vec<u64>>,
}

impl Pattern {
    pub(super) fn new(pattern: &[char]) -> Pattern {
        let blocks = pattern.len().div_ceil(64).max(1);
        let mut ascii = vec![0u64; 128 * blocks];
        let mut other: HashMap<char, Vec<u64>> = HashMap::new();
        for (i, &c) in pattern.iter().enumerate() {
            let bit = 1u64 << (i % 64);
            if (c as u32) < 128 {
                ascii[c as usize * blocks + i / 64] |= bit;
            } else {
                other.entry(c).or_insert_with(|| vec![0u64; blocks])[i / 64] |= bit;
            }
        }
        Pattern {
            len: pattern.len(),
            blocks,
            ascii,
            other,
        }
    }

    pub(super) fn eq(&self, c: char, block: usize) -> u64 {
        if (c as u32) < 128 {
            self.ascii[c as usize * self.blocks + block]
        } else {
            self.other.get(&c).map_or(0, |v| v[block])
        }
    }
}

/// For every end position `j` (exclusive) of `text`, the fewest edits turning
/// `pattern` into some substring of `text` ending at `j`; `f` is called for those
/// with at most `max_errors`.
pub(super) fn match_ends(
    text: &[char],
    pat: &Pattern,
    max_errors: usize,
    mut f: impl FnMut(usize, usize),
) {
    let m = pat.len;
    let b = pat.blocks;
    let mut pv = vec![u64::MAX; b];
    let mut mv = vec![0u64; b];
    // The score at the last row of each block.
    let mut score: Vec<usize> = (0..b).map(|i| ((i + 1) * 64).min(m)).collect();
    let last_bit: Vec<u64> = (0..b)
        .map(|i| {
            let rows = if i + 1 == b { m - 64 * i } else { 64 };
            1u64 << (rows - 1)
        })
        .collect();
    for (j, &c) in text.iter().enumerate() {
        // Row 0 of the matrix is all zeros: a match may start anywhere.
        let mut h_in: i8 = 0;
        for k in 0..b {
            let (p, mm) = (pv[k], mv[k]);
            let h_neg = u64::from(h_in < 0);
            let h_pos = u64::from(h_in > 0);
            let eq = pat.eq(c, k) | h_neg;
            let xv = eq | mm;
            let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
            let mut ph = mm | !(xh | p);
            let mut mh = p & xh;
            let h_out: i8 = if ph & last_bit[k] != 0 {
                1
            } else if mh & last_bit[k] != 0 {
                -1
            } else {
                0
            };
            ph = (ph << 1) | h_pos;
            mh = (mh << 1) | h_neg;
            pv[k] = mh | !(xv | ph);
            mv[k] = ph & xv;
            score[k] = score[k].wrapping_add_signed(h_out as isize);
            h_in = h_out;
        }
        if score[b - 1] <= max_errors {
            f(j + 1, score[b - 1]);
        }
    }
}

/// Where the best alignment of all of `pattern` ending at `end` starts, given
/// that it costs `errors`: a small dynamic program over the window before `end`.
/// Among equally good starts the longest span wins.
pub(super) fn match_start(text: &[char], pattern: &[char], end: usize, errors: usize) -> usize {
    let lo = end.saturating_sub(pattern.len() + errors);
    let window = &text[lo..end];
    let w = window.len();
    // Align the reversed pattern with a prefix of the reversed window.
    let mut prev: Vec<usize> = (0..=w).collect();
    let mut cur = vec![0usize; w + 1];
    for (i, &pc) in pattern.iter().rev().enumerate() {
        cur[0] = i + 1;
        for j in 1..=w {
            let tc = window[w - j];
            cur[j] = (prev[j - 1] + usize::from(pc != tc))
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let best = (0..=w).min_by_key(|&j| (prev[j], std::cmp::Reverse(j)));
    end - best.unwrap_or(0)
}

/// Every approximate occurrence of `pattern` in `text` with at most `max_errors`
/// edits: one per end position, in text order. Empty pattern or text: none.
pub fn search(text: &[char], pattern: &[char], max_errors: usize) -> Vec<Match> {
    if pattern.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let pat = Pattern::new(pattern);
    let mut ends = Vec::new();
    match_ends(text, &pat, max_errors, |end, errors| {
        ends.push((end, errors))
    });
    ends.into_iter()
        .map(|(end, errors)| Match {
            start: match_start(text, pattern, end, errors),
            end,
            errors,
        })
        .collect()
}

/// Like [`search`], but of each run of adjacent end positions (one approximate
/// occurrence seen from its neighbouring ends) only the end with the fewest errors,
/// the earliest among equals, gets a start and is returned.
pub(super) fn best_per_run(text: &[char], pattern: &[char], max_errors: usize) -> Vec<Match> {
    if pattern.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let pat = Pattern::new(pattern);
    let mut best: Vec<(usize, usize)> = Vec::new(); // (end, errors), one per run
    let mut last_end = usize::MAX - 1;
    match_ends(text, &pat, max_errors, |end, errors| {
        match best.last_mut() {
            Some(b) if end == last_end + 1 => {
                if errors < b.1 {
                    *b = (end, errors);
                }
            }
            _ => best.push((end, errors)),
        }
        last_end = end;
    });
    best.into_iter()
        .map(|(end, errors)| Match {
            start: match_start(text, pattern, end, errors),
            end,
            errors,
        })
        .collect()
}

/// The fewest edits turning `pattern` into a substring of `text`, if any substring
/// is within `max_errors` (`pattern.len()` when the text is empty).
pub(super) fn best_errors(text: &[char], pattern: &[char], max_errors: usize) -> usize {
    if pattern.is_empty() {
        return 0;
    }
    if text.is_empty() {
        return pattern.len();
    }
    let pat = Pattern::new(pattern);
    let mut best = pattern.len();
    match_ends(text, &pat, max_errors, |_, e| best = best.min(e));
    best
}

// ---------------------------------------------------------------------------
// Quote matching with context.
