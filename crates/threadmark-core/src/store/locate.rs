//! Finding the text a highlight is asked for (`highlight add --exact`) in a post:
//! every occurrence, told apart by the text just before (`prefix`) and after
//! (`suffix`) it, compared in Unicode NFC so that a precomposed `é` finds a
//! decomposed one. Offsets are in code points of the post's own text.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// A post's text in NFC with, for each NFC character, the range of code points
/// of the original text it comes from. Text is normalized a cluster at a time (a
/// character with combining class 0 and the marks after it), so every cluster
/// maps back whole.
struct Normalized {
    chars: Vec<char>,
    /// Original start of the cluster each NFC character belongs to.
    from: Vec<usize>,
    /// Original end of that cluster.
    to: Vec<usize>,
    /// Whether an NFC character begins its cluster.
    starts: Vec<bool>,
}

fn normalize(text: &str) -> Normalized {
    let original: Vec<char> = text.chars().collect();
    let mut n = Normalized {
        chars: Vec::with_capacity(original.len()),
        from: Vec::new(),
        to: Vec::new(),
        starts: Vec::new(),
    };
    let mut i = 0;
    while i < original.len() {
        let mut j = i + 1;
        while j < original.len() && canonical_combining_class(original[j]) != 0 {
            j += 1;
        }
        let cluster: String = original[i..j].iter().collect();
        for (k, c) in cluster.nfc().enumerate() {
            n.chars.push(c);
            n.from.push(i);
            n.to.push(j);
            n.starts.push(k == 0);
        }
        i = j;
    }
    n
}

fn nfc(s: &str) -> Vec<char> {
    s.nfc().collect()
}

/// The start (in code points of `text`) and length of the one occurrence of
/// `exact` that has `prefix` just before and `suffix` just after it (each when
/// given). No occurrence, no occurrence with that context, or several, are errors
/// naming the post `post`; several give the count and how to choose.
pub fn locate(
    text: &str,
    post: &str,
    exact: &str,
    prefix: Option<&str>,
    suffix: Option<&str>,
) -> Result<(usize, usize)> {
    let hay = normalize(text);
    let needle = nfc(exact);
    if needle.is_empty() {
        return Err(Error::bad_input("the text to highlight is empty"));
    }
    // Occurrences whose both ends fall on cluster boundaries.
    let boundary = |i: usize| i == hay.chars.len() || hay.starts[i];
    let all: Vec<usize> = (0..hay.chars.len().saturating_sub(needle.len() - 1))
        .filter(|&s| hay.chars[s..s + needle.len()] == needle[..])
        .filter(|&s| boundary(s) && boundary(s + needle.len()))
        .collect();
    if all.is_empty() {
        return Err(Error::bad_input(format!(
            "post {post} does not contain {exact:?}"
        )));
    }
    let before = prefix.map(nfc).filter(|p| !p.is_empty());
    let after = suffix.map(nfc).filter(|p| !p.is_empty());
    let fits = |s: usize| {
        let e = s + needle.len();
        before
            .as_ref()
            .is_none_or(|p| s >= p.len() && hay.chars[s - p.len()..s] == p[..])
            && after.as_ref().is_none_or(|q| {
                e + q.len() <= hay.chars.len() && hay.chars[e..e + q.len()] == q[..]
            })
    };
    let chosen: Vec<usize> = all.iter().copied().filter(|&s| fits(s)).collect();
    match chosen.as_slice() {
        [s] => {
            let start = hay.from[*s];
            let end = hay.to[s + needle.len() - 1];
            Ok((start, end - start))
        }
        [] => {
            let which = match (prefix, suffix) {
                (Some(p), Some(q)) => format!("with {p:?} before it and {q:?} after it"),
                (Some(p), None) => format!("with {p:?} before it"),
                _ => format!("with {:?} after it", suffix.unwrap_or_default()),
            };
            Err(Error::bad_input(format!(
                "post {post} contains {exact:?} {} but none {which}",
                times(all.len())
            )))
        }
        several => Err(Error::bad_input(format!(
            "{exact:?} occurs {} in post {post}{}: choose one with --prefix (the text just before it) or --suffix (just after it)",
            times(several.len()),
            if several.len() < all.len() { " with that context" } else { "" }
        ))),
    }
}

fn times(n: usize) -> String {
    if n == 1 {
        "once".to_string()
    } else {
        format!("{n} times")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn nfc_finds_decomposed_text_with_offsets_in_the_post() {
        // "cafe\u{301}" is 5 code points; "café" precomposed is 4.
        let text = "a cafe\u{301} here";
        assert_eq!(locate(text, "1", "café", None, None).unwrap(), (2, 5));
        let text = "a café here";
        assert_eq!(
            locate(text, "1", "cafe\u{301}", None, None).unwrap(),
            (2, 4)
        );
        // An "e" that is part of "é" is not an "e".
        assert!(locate("cafe\u{301}", "1", "cafe", None, None).is_err());
    }

    #[test]
    fn context_chooses_and_ambiguity_is_refused() {
        let text = "yes, no, yes, maybe, yes";
        let e = locate(text, "7", "yes", None, None).unwrap_err();
        assert!(e.to_string().contains("occurs 3 times in post 7"), "{e}");
        assert!(e.to_string().contains("--prefix"), "{e}");
        assert_eq!(
            locate(text, "7", "yes", Some("no, "), None).unwrap(),
            (9, 3)
        );
        assert_eq!(
            locate(text, "7", "yes", None, Some(", no")).unwrap(),
            (0, 3)
        );
        assert_eq!(
            locate(text, "7", "yes", Some("maybe, "), None).unwrap(),
            (21, 3)
        );
        let e = locate(text, "7", "yes", Some("perhaps "), None).unwrap_err();
        assert!(
            e.to_string()
                .contains("but none with \"perhaps \" before it"),
            "{e}"
        );
        let e = locate(text, "7", "yes", None, Some("!")).unwrap_err();
        assert!(e.to_string().contains("after it"), "{e}");
    }
}
