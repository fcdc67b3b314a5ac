//! Re-anchoring highlights when a thread's text changes (DESIGN §3).
//!
//! A highlight keeps a `TextQuoteSelector` (exact text with up to 32 code points of
//! prefix and suffix) and a `TextPositionSelector` (start, end) on its post. When
//! the post's text changes the highlight is found again, in this order:
//! 1. the exact text at the stored position → `anchored`;
//! 2. the exact text elsewhere in the same post, the occurrence whose prefix and
//!    suffix agree best, then the nearest to the old position → `moved`;
//! 3. an approximate match in the same post (at most a quarter of the quote edited)
//!    → `fuzzy`, and the new span is used;
//! 4. the same two searches over the other posts of the thread → `moved` / `fuzzy`;
//! 5. otherwise → `orphaned`: the highlight keeps its quote and note, and its
//!    position is left as it was.
//!
//! All offsets are Unicode code points of the canonical text.

use crate::quotes::best_span;

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
    /// Index of the post in the slice given to [`anchor`].
    pub post: usize,
    pub start: usize,
    pub end: usize,
    pub state: AnchorState,
}

/// The selector of `text[start..end]` (code points), with its context.
pub fn selector(text: &str, start: usize, end: usize) -> Option<Selector> {
    let chars: Vec<char> = text.chars().collect();
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

/// Length of the common suffix of `a` and `b`.
fn common_suffix(a: &[char], b: &[char]) -> usize {
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// Length of the common prefix of `a` and `b`.
fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Every start of `needle` in `hay`.
fn occurrences(hay: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == *needle)
        .collect()
}

struct Sel {
    exact: Vec<char>,
    prefix: Vec<char>,
    suffix: Vec<char>,
    start: usize,
}

/// The best exact occurrence in `text`: most context agreeing, then nearest.
fn best_exact(sel: &Sel, text: &[char]) -> Option<usize> {
    occurrences(text, &sel.exact).into_iter().max_by_key(|&at| {
        let before = &text[at.saturating_sub(sel.prefix.len())..at];
        let end = at + sel.exact.len();
        let after = &text[end..(end + sel.suffix.len()).min(text.len())];
        let context = common_suffix(before, &sel.prefix) + common_prefix(after, &sel.suffix);
        (context, std::cmp::Reverse(at.abs_diff(sel.start)))
    })
}

/// The best approximate span in `text`, if within a quarter of the quote's length.
fn best_fuzzy(sel: &Sel, text: &[char]) -> Option<(usize, usize, usize)> {
    let allowed = sel.exact.len() / 4;
    if allowed == 0 {
        return None;
    }
    let (s, e, edits) = best_span(&sel.exact, text)?;
    (edits <= allowed && e > s).then_some((s, e, edits))
}

/// [`anchor`] over texts given as strings.
pub fn anchor_in(selector: &Selector, home: Option<usize>, posts: &[&str]) -> Anchor {
    let texts: Vec<Vec<char>> = posts.iter().map(|t| t.chars().collect()).collect();
    anchor(selector, home, &texts)
}

/// Find a highlight again in a thread's posts (their texts as code points). `home`
/// is the index of its post in `texts`, if that post still exists.
pub fn anchor(selector: &Selector, home: Option<usize>, texts: &[Vec<char>]) -> Anchor {
    let sel = Sel {
        exact: selector.exact.chars().collect(),
        prefix: selector.prefix.chars().collect(),
        suffix: selector.suffix.chars().collect(),
        start: selector.start,
    };
    let orphan = Anchor {
        post: home.unwrap_or(0),
        start: selector.start,
        end: selector.end,
        state: AnchorState::Orphaned,
    };
    if sel.exact.is_empty() {
        return orphan;
    }
    let n = sel.exact.len();
    if let Some(h) = home {
        let text = &texts[h];
        if text.get(selector.start..selector.start + n) == Some(&sel.exact[..]) {
            return Anchor {
                post: h,
                start: selector.start,
                end: selector.start + n,
                state: AnchorState::Anchored,
            };
        }
        if let Some(at) = best_exact(&sel, text) {
            return Anchor {
                post: h,
                start: at,
                end: at + n,
                state: AnchorState::Moved,
            };
        }
        if let Some((s, e, _)) = best_fuzzy(&sel, text) {
            return Anchor {
                post: h,
                start: s,
                end: e,
                state: AnchorState::Fuzzy,
            };
        }
    }
    // The rest of the thread, nearest to the old post first.
    let mut order: Vec<usize> = (0..texts.len()).filter(|&i| Some(i) != home).collect();
    let origin = home.unwrap_or(0);
    order.sort_by_key(|&i| i.abs_diff(origin));
    for &i in &order {
        if let Some(at) = best_exact(&sel, &texts[i]) {
            return Anchor {
                post: i,
                start: at,
                end: at + n,
                state: AnchorState::Moved,
            };
        }
    }
    let mut best: Option<(usize, usize, usize, usize)> = None; // (edits, post, start, end)
    for &i in &order {
        if let Some((s, e, edits)) = best_fuzzy(&sel, &texts[i]) {
            if best.is_none_or(|b| edits < b.0) {
                best = Some((edits, i, s, e));
            }
        }
    }
    match best {
        Some((_, post, start, end)) => Anchor {
            post,
            start,
            end,
            state: AnchorState::Fuzzy,
        },
        None => orphan,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        old: &str,
        start: usize,
        end: usize,
        posts: &[&str],
        home: Option<usize>,
        want: (usize, &str, AnchorState),
    ) {
        let sel = selector(old, start, end).unwrap();
        let got = anchor_in(&sel, home, posts);
        let text: String = posts[got.post]
            .chars()
            .skip(got.start)
            .take(got.end - got.start)
            .collect();
        assert_eq!((got.post, text.as_str(), got.state), want, "{sel:?}");
    }

    const OLD: &str = "Money has never been the problem for us; bans on shipments of advanced chips are the problem.";

    #[test]
    fn anchored_moved_fuzzy_elsewhere_orphaned() {
        use AnchorState::*;
        // 24..56 = "bans on shipments of advanced chips" region
        let s = OLD.find("bans").unwrap();
        let e = s + "bans on shipments of advanced chips".len();
        check(
            OLD,
            s,
            e,
            &[OLD],
            Some(0),
            (0, "bans on shipments of advanced chips", Anchored),
        );
        let edited_before = format!("Honestly: {OLD}");
        check(
            OLD,
            s,
            e,
            &[&edited_before],
            Some(0),
            (0, "bans on shipments of advanced chips", Moved),
        );
        let typo = OLD.replace("shipments", "shipment");
        check(
            OLD,
            s,
            e,
            &[&typo],
            Some(0),
            (0, "bans on shipment of advanced chips", Fuzzy),
        );
        check(
            OLD,
            s,
            e,
            &["unrelated words", OLD],
            Some(0),
            (1, "bans on shipments of advanced chips", Moved),
        );
        let orphan = anchor_in(
            &selector(OLD, s, e).unwrap(),
            Some(0),
            &["something else entirely"],
        );
        assert_eq!((orphan.state, orphan.start, orphan.end), (Orphaned, s, e));
        check(
            OLD,
            s,
            e,
            &["x", OLD],
            None,
            (1, "bans on shipments of advanced chips", Moved),
        );
    }

    #[test]
    fn repeated_text_is_told_apart_by_context() {
        let old = "the problem is the problem, said the problem solver";
        // the second "the problem"
        let s = 15;
        let sel = selector(old, s, s + 11).unwrap();
        assert_eq!(sel.exact, "the problem");
        let new = format!("Well, {old}");
        let got = anchor_in(&sel, Some(0), &[&new]);
        assert_eq!((got.start, got.state), (s + 6, AnchorState::Moved));
    }

    #[test]
    fn works_in_code_points() {
        let old = "emoji 👩‍👩‍👧 then 中国 and e\u{301} here";
        let chars: Vec<char> = old.chars().collect();
        let s = chars.iter().position(|&c| c == '中').unwrap();
        let sel = selector(old, s, s + 2).unwrap();
        assert_eq!(sel.exact, "中国");
        let new = format!("🎉{old}");
        let got = anchor_in(&sel, Some(0), &[&new]);
        assert_eq!(
            (got.start, got.end, got.state),
            (s + 1, s + 3, AnchorState::Moved)
        );
    }
}
