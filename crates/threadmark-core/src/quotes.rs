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
//! This resolves exact matches after normalization (score 1.0); approximate
//! matching of edited and truncated quotes is not implemented yet.

use std::collections::HashMap;

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

fn hash(window: &[char]) -> u64 {
    // FNV-1a over the code points.
    window.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| {
        (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
    })
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

    let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
    if all.len() >= K {
        for pos in 0..=all.len() - K {
            let w = &all[pos..pos + K];
            if !w.contains(&MASK) {
                index.entry(hash(w)).or_default().push(pos as u32);
            }
        }
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
                        for &pos in index.get(&hash(&n[..K])).map(Vec::as_slice).unwrap_or(&[]) {
                            check(pos as usize);
                        }
                    } else {
                        let text = &all[..starts[i]];
                        for pos in 0..text.len().saturating_sub(n.len() - 1) {
                            check(pos);
                        }
                    }
                    let chosen = ancestors(i)
                        .into_iter()
                        .find_map(|a| hits.iter().find(|h| h.0 == a))
                        .or_else(|| hits.iter().min_by_key(|h| h.0))?;
                    let (j, off) = *chosen;
                    let map = &maps[j];
                    Some(Resolution {
                        post: j,
                        start: map[off],
                        end: map[off + n.len() - 1] + 1,
                        score: 1.0,
                    })
                })
                .collect()
        })
        .collect()
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
