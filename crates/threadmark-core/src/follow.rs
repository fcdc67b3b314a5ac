//! Following a thread: refreshing it from the address it was saved from, and the
//! word-level difference between a post's text before and after an edit.
//!
//! A refresh is a fetch ([`crate::fetch`]) followed by the ordinary re-import of
//! the thread ([`Library::apply_refresh`]): one transaction, highlights re-anchored,
//! posts marked new, edited or removed. A failed download changes nothing.

use crate::error::Result;
use crate::fetch::{fetch_blocking, FetchOptions};
use crate::progress::Observer;
use crate::Library;

pub use crate::store::{address_of, Change, News, ParentContext, RefreshReport};

/// Download thread `id` again from its address and make that its new version.
/// The library is not written unless the download and parse succeed.
pub fn refresh_blocking(
    lib: &mut Library,
    id: i64,
    options: &FetchOptions,
    observer: Observer<'_>,
) -> Result<RefreshReport> {
    let address = lib.refresh_address(id)?;
    let doc = fetch_blocking(&address, options)?;
    lib.apply_refresh(id, &address, &doc, observer)
}

/// A piece of a word-level difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffPart {
    /// In both texts.
    Same(String),
    /// Only in the old text.
    Removed(String),
    /// Only in the new text.
    Added(String),
}

/// The most cells the longest-common-subsequence table may have (words of the
/// changed middle of the old text times those of the new); past it the middle is
/// shown as removed and added whole.
const MAX_CELLS: usize = 4_000_000;

/// Split text into words and the whitespace between them, keeping every character.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut space: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let s = c.is_whitespace();
        if space.is_some_and(|was| was != s) {
            out.push(&text[start..i]);
            start = i;
        }
        space = Some(s);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The word-level difference from `old` to `new`: joining the `Same` and `Removed`
/// parts gives `old`, joining the `Same` and `Added` parts gives `new`.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffPart> {
    let a = tokens(old);
    let b = tokens(new);
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut parts: Vec<DiffPart> = Vec::new();
    let mut push = |part: DiffPart| {
        let merged = match (parts.last_mut(), &part) {
            (Some(DiffPart::Same(x)), DiffPart::Same(y))
            | (Some(DiffPart::Removed(x)), DiffPart::Removed(y))
            | (Some(DiffPart::Added(x)), DiffPart::Added(y)) => {
                x.push_str(y);
                true
            }
            _ => false,
        };
        if !merged
            && !matches!(&part, DiffPart::Same(t) | DiffPart::Removed(t) | DiffPart::Added(t) if t.is_empty())
        {
            parts.push(part);
        }
    };
    push(DiffPart::Same(a[..prefix].concat()));
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        push(DiffPart::Removed(ma.concat()));
        push(DiffPart::Added(mb.concat()));
    } else {
        // lcs[i][j]: the longest common subsequence of ma[i..] and mb[j..].
        let w = mb.len() + 1;
        let mut lcs = vec![0u32; (ma.len() + 1) * w];
        for i in (0..ma.len()).rev() {
            for j in (0..mb.len()).rev() {
                lcs[i * w + j] = if ma[i] == mb[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < ma.len() || j < mb.len() {
            if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
                push(DiffPart::Same(ma[i].to_string()));
                i += 1;
                j += 1;
            } else if j < mb.len() && (i == ma.len() || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])
            {
                push(DiffPart::Added(mb[j].to_string()));
                j += 1;
            } else {
                push(DiffPart::Removed(ma[i].to_string()));
                i += 1;
            }
        }
    }
    push(DiffPart::Same(a[a.len() - suffix..].concat()));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(parts: &[DiffPart], old: bool) -> String {
        parts
            .iter()
            .filter_map(|p| match p {
                DiffPart::Same(t) => Some(t.as_str()),
                DiffPart::Removed(t) if old => Some(t.as_str()),
                DiffPart::Added(t) if !old => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn words_changed_in_the_middle() {
        let old = "The bridge was closed on Monday for repairs.";
        let new = "The bridge was reopened on Tuesday after repairs.";
        let d = word_diff(old, new);
        assert_eq!(join(&d, true), old);
        assert_eq!(join(&d, false), new);
        assert!(d.contains(&DiffPart::Removed("closed".into())), "{d:?}");
        assert!(d.contains(&DiffPart::Added("reopened".into())), "{d:?}");
        assert_eq!(d[0], DiffPart::Same("The bridge was ".into()));
    }

    #[test]
    fn additions_at_the_end_and_identical_texts() {
        let d = word_diff("one two", "one two three");
        assert_eq!(
            d,
            [
                DiffPart::Same("one two".into()),
                DiffPart::Added(" three".into())
            ]
        );
        assert_eq!(word_diff("same", "same"), [DiffPart::Same("same".into())]);
        assert_eq!(word_diff("", "new"), [DiffPart::Added("new".into())]);
    }

    #[test]
    fn a_huge_change_is_shown_whole() {
        let old: String = (0..3000).map(|i| format!("a{i} ")).collect();
        let new: String = (0..3000).map(|i| format!("b{i} ")).collect();
        let d = word_diff(&old, &new);
        assert_eq!(join(&d, true), old);
        assert_eq!(join(&d, false), new);
        assert_eq!(d.len(), 3, "{}", d.len());
    }
}
