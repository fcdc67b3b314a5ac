//! Re-anchoring highlights when a thread's text changes (DESIGN §3).
//!
//! A highlight keeps a `TextQuoteSelector` (exact text with up to 32 code points of
//! prefix and suffix) and a `TextPositionSelector` (start, end) on its post. When
//! the post's text changes the highlight is found again, in this order:
//! 1. the exact text at the stored position → `anchored` (unless another occurrence
//!    in the post has clearly better context, which makes it `moved` there);
//! 2. the exact text elsewhere in the same post, the occurrence whose prefix and
//!    suffix agree best, then the nearest to the old position → `moved`;
//! 3. an approximate match in the same post (bit-parallel Myers search, at most a
//!    quarter of the quote edited), scored on quote, prefix, suffix and position
//!    → `fuzzy`, and the new span is used;
//! 4. the same two searches over the other posts of the thread, nearest post first
//!    → `moved` / `fuzzy`;
//! 5. otherwise → `orphaned`: the highlight keeps its quote and note, and its
//!    position is left as it was.
//!
//! All offsets are Unicode code points of the canonical text (unlike JavaScript
//! matchers, an emoji is one character, not two).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

mod index;
mod score;
mod search;
#[cfg(test)]
mod tests;

pub use index::Texts;
pub(crate) use index::{GramIndex, PolyHash};
pub use score::{match_quote, Context, QuoteMatch};
pub use search::{search, Match};

use score::*;
use search::*;

/// Characters of context kept on each side of a highlight.
pub const CONTEXT: usize = 32;

/// Where a highlight was, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub start: usize,
    pub end: usize,
}

/// How a highlight was found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorState {
    Anchored,
    Moved,
    Fuzzy,
    Orphaned,
}

impl AnchorState {
    pub fn as_str(&self) -> &'static str {
        match self {
            AnchorState::Anchored => "anchored",
            AnchorState::Moved => "moved",
            AnchorState::Fuzzy => "fuzzy",
            AnchorState::Orphaned => "orphaned",
        }
    }
}

/// Where a highlight is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Index of the post in the texts given to [`anchor`].
    pub post: usize,
    pub start: usize,
    pub end: usize,
    pub state: AnchorState,
}

/// The selector of `text[start..end]` (code points), with its context.
pub fn selector(text: &str, start: usize, end: usize) -> Option<Selector> {
    let chars: Vec<char> = text.chars().collect();
    selector_in(&chars, start, end)
}

/// [`selector`] over a text already in code points.
pub fn selector_in(chars: &[char], start: usize, end: usize) -> Option<Selector> {
    if start > end || end > chars.len() {
        return None;
    }
    Some(Selector {
        exact: chars[start..end].iter().collect(),
        prefix: chars[start.saturating_sub(CONTEXT)..start].iter().collect(),
        suffix: chars[end..(end + CONTEXT).min(chars.len())]
            .iter()
            .collect(),
        start,
        end,
    })
}

// ---------------------------------------------------------------------------
// Approximate search: Myers' bit-parallel algorithm, in 64-row blocks (Hyyrö's
// formulation), over code points.

/// Errors an approximate match may have: a quarter of the quote.
pub fn allowed_errors(quote_len: usize) -> usize {
    quote_len / 4
}

/// [`anchor`] over texts given as strings; the origin is the home post.
pub fn anchor_in(selector: &Selector, home: Option<usize>, posts: &[&str]) -> Anchor {
    anchor(selector, home, home.unwrap_or(0), &Texts::from_strs(posts))
}

/// Find a highlight again in a thread's posts. `home` is the index of its post in
/// `texts`, if that post still exists; `origin` is where the search over other
/// posts starts (the home post, or where it used to be).
pub fn anchor(selector: &Selector, home: Option<usize>, origin: usize, texts: &Texts) -> Anchor {
    if let Some(found) = home.and_then(|h| anchor_in_post(selector, h, texts)) {
        return found;
    }
    anchor_elsewhere(selector, home, origin, texts)
}

/// The selector's quote and context as code points.
struct Quote {
    exact: Vec<char>,
    prefix: Vec<char>,
    suffix: Vec<char>,
}

impl Quote {
    fn of(selector: &Selector) -> Quote {
        Quote {
            exact: selector.exact.chars().collect(),
            prefix: selector.prefix.chars().collect(),
            suffix: selector.suffix.chars().collect(),
        }
    }

    fn context(&self, hint: Option<usize>) -> Context<'_> {
        Context {
            prefix: &self.prefix,
            suffix: &self.suffix,
            hint,
        }
    }
}

/// Steps 1–3 of [`anchor`]: the highlight in its own post `home` (anchored, moved or
/// fuzzy), or `None` when it is not there.
pub fn anchor_in_post(selector: &Selector, home: usize, texts: &Texts) -> Option<Anchor> {
    if selector.exact.is_empty() || home >= texts.len() {
        return None;
    }
    let q = Quote::of(selector);
    let (exact, prefix, suffix) = (&q.exact[..], &q.prefix[..], &q.suffix[..]);
    let n = exact.len();
    let ctx = q.context(Some(selector.start));
    let text = texts.post(home);
    let at_place = text.get(selector.start..selector.start + n) == Some(exact);
    if at_place
        && text[selector.start.saturating_sub(prefix.len())..selector.start] == *prefix
        && text.get(selector.start + n..selector.start + n + suffix.len()) == Some(suffix)
    {
        // Unchanged around it: the common case, without scoring.
        return Some(Anchor {
            post: home,
            start: selector.start,
            end: selector.start + n,
            state: AnchorState::Anchored,
        });
    }
    if let Some(best) = match_quote(text, exact, &ctx, 0) {
        let stored =
            at_place.then(|| score_at(text, n, selector.start, selector.start + n, 0, &ctx));
        if stored.is_some_and(|s| s + 1e-9 >= best.score) {
            return Some(Anchor {
                post: home,
                start: selector.start,
                end: selector.start + n,
                state: AnchorState::Anchored,
            });
        }
        return Some(Anchor {
            post: home,
            start: best.start,
            end: best.end,
            state: AnchorState::Moved,
        });
    }
    let allowed = allowed_errors(n);
    if allowed > 0 {
        if let Some(m) = match_quote(text, exact, &ctx, allowed) {
            return Some(Anchor {
                post: home,
                start: m.start,
                end: m.end,
                state: AnchorState::Fuzzy,
            });
        }
    }
    None
}

/// Steps 4–5 of [`anchor`]: the highlight in the posts other than `home`, nearest to
/// `origin` first (moved or fuzzy), else orphaned. When many highlights need this,
/// give their quotes to [`Texts::index_quotes`] first.
pub fn anchor_elsewhere(
    selector: &Selector,
    home: Option<usize>,
    origin: usize,
    texts: &Texts,
) -> Anchor {
    let orphan = Anchor {
        post: home.unwrap_or(origin.min(texts.len().saturating_sub(1))),
        start: selector.start,
        end: selector.end,
        state: AnchorState::Orphaned,
    };
    if selector.exact.is_empty() || texts.is_empty() {
        return orphan;
    }
    let q = Quote::of(selector);
    let exact = &q.exact[..];
    let n = exact.len();
    // A post's position hint is meaningless elsewhere.
    let ctx = q.context(None);
    let others = |list: Vec<usize>| -> Vec<usize> {
        let mut v: Vec<usize> = list.into_iter().filter(|&i| Some(i) != home).collect();
        v.sort_by_key(|&i| (i.abs_diff(origin), i));
        v
    };
    // Exact: the nearest posts holding it; among equally near ones, best context.
    let mut found: Option<(usize, usize, QuoteMatch)> = None; // (distance, post, match)
    for i in others(texts.candidates(exact, true, usize::MAX)) {
        let d = i.abs_diff(origin);
        if found.as_ref().is_some_and(|f| d > f.0) {
            break;
        }
        let text = texts.post(i);
        for at in occurrences(text, exact) {
            let score = score_at(text, n, at, at + n, 0, &ctx);
            if found.as_ref().is_none_or(|f| score > f.2.score + 1e-12) {
                let m = QuoteMatch {
                    start: at,
                    end: at + n,
                    errors: 0,
                    score,
                };
                found = Some((d, i, m));
            }
        }
    }
    if let Some((_, post, m)) = found {
        return Anchor {
            post,
            start: m.start,
            end: m.end,
            state: AnchorState::Moved,
        };
    }
    let allowed = allowed_errors(n);
    if allowed == 0 {
        return orphan;
    }
    // Approximate: the best-scoring candidate post, the nearest among equals.
    let mut best: Option<(usize, QuoteMatch)> = None;
    for i in others(texts.candidates(exact, false, 8)) {
        if let Some(m) = match_quote(texts.post(i), exact, &ctx, allowed) {
            if best.is_none_or(|b| m.score > b.1.score + 1e-12) {
                best = Some((i, m));
            }
        }
    }
    match best {
        Some((post, m)) => Anchor {
            post,
            start: m.start,
            end: m.end,
            state: AnchorState::Fuzzy,
        },
        None => orphan,
    }
}
