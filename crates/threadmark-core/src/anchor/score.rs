//! Scoring a candidate span on quote, prefix, suffix and position, and choosing
//! the best occurrence of a quote in one text.

use super::*;

/// What is known around a quote, to choose between candidate matches.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub prefix: &'a [char],
    pub suffix: &'a [char],
    /// Where the quote was expected to start.
    pub hint: Option<usize>,
}

/// A quote found in a text, scored in `0.0..=1.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteMatch {
    pub start: usize,
    pub end: usize,
    pub errors: usize,
    pub score: f64,
}

pub(super) const QUOTE_WEIGHT: f64 = 40.0;
pub(super) const PREFIX_WEIGHT: f64 = 15.0;
pub(super) const SUFFIX_WEIGHT: f64 = 15.0;
pub(super) const POSITION_WEIGHT: f64 = 1.0;

/// How well `context` agrees with `window` (the text just before or after a
/// candidate, as long as the context): 1 when it is there unchanged.
pub(super) fn similarity(context: &[char], window: &[char]) -> f64 {
    if context.is_empty() {
        return 1.0;
    }
    let errors = best_errors(window, context, context.len());
    1.0 - errors as f64 / context.len() as f64
}

/// The score of a candidate `text[start..end]` with `errors` edits.
pub(super) fn score_at(
    text: &[char],
    quote_len: usize,
    start: usize,
    end: usize,
    errors: usize,
    ctx: &Context<'_>,
) -> f64 {
    let quote = 1.0 - errors as f64 / quote_len.max(1) as f64;
    let before = &text[start.saturating_sub(ctx.prefix.len())..start];
    let after = &text[end..(end + ctx.suffix.len()).min(text.len())];
    let position = match ctx.hint {
        Some(h) => 1.0 - start.abs_diff(h) as f64 / text.len().max(1) as f64,
        None => 1.0,
    };
    (QUOTE_WEIGHT * quote
        + PREFIX_WEIGHT * similarity(ctx.prefix, before)
        + SUFFIX_WEIGHT * similarity(ctx.suffix, after)
        + POSITION_WEIGHT * position)
        / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT)
}

/// The best place of `quote` in `text`, exact or with at most `max_errors` edits,
/// scored on the quote, its prefix and suffix and the distance to the hint.
/// Equal scores go to the earliest start. `None` for an empty quote or text or
/// when nothing is close enough.
pub fn match_quote(
    text: &[char],
    quote: &[char],
    ctx: &Context<'_>,
    max_errors: usize,
) -> Option<QuoteMatch> {
    if quote.is_empty() || text.is_empty() {
        return None;
    }
    let exact = occurrences(text, quote);
    let candidates: Vec<Match> = if exact.is_empty() {
        best_per_run(text, quote, max_errors)
    } else {
        exact
            .into_iter()
            .map(|start| Match {
                start,
                end: start + quote.len(),
                errors: 0,
            })
            .collect()
    };
    let mut best: Option<QuoteMatch> = None;
    for m in candidates {
        let score = score_at(text, quote.len(), m.start, m.end, m.errors, ctx);
        if best.is_none_or(|b| score > b.score + 1e-12) {
            best = Some(QuoteMatch {
                start: m.start,
                end: m.end,
                errors: m.errors,
                score,
            });
        }
    }
    best
}

/// Every start of `needle` in `hay`.
pub(super) fn occurrences(hay: &[char], needle: &[char]) -> Vec<usize> {
    let Some(&first) = needle.first() else {
        return Vec::new();
    };
    if needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i] == first && hay[i..i + needle.len()] == *needle)
        .collect()
}

// ---------------------------------------------------------------------------
// Anchoring over a thread.
