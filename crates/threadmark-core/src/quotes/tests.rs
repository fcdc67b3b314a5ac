//! Unit tests of quote resolution, with a brute-force reference.

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
    let b = "Nothing to do with it at all, a different subject entirely, about bread and ovens.";
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

/// [`normalize`] as first written: every character through `char` methods.
fn normalize_char_by_char(text: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars: Vec<char> = Vec::new();
    let mut map = Vec::new();
    for (i, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            if chars.last().is_some_and(|&l| l != ' ') {
                chars.push(' ');
                map.push(i);
            }
            continue;
        }
        let before = chars.len();
        fold(c, |f| chars.push(f));
        map.extend(std::iter::repeat_n(i, chars.len() - before));
    }
    if chars.last() == Some(&' ') {
        chars.pop();
        map.pop();
    }
    (chars, map)
}

#[test]
fn the_ascii_table_folds_as_the_char_methods_do() {
    let ascii: String = (0u8..128).map(char::from).collect();
    for text in [
        ascii.as_str(),
        " \t\r\n Leading and trailing \u{b}\u{c} ",
        "İstanbul ẞ Straße — «Quoted» ‘it’s’ `code`\u{a0}\u{3000}nbsp 中国 🎉 ΣΑΣ",
        "\u{a0}\u{2003} only unicode spaces \u{2028}",
        "",
        "   ",
        "x",
    ] {
        assert_eq!(normalize(text), normalize_char_by_char(text), "{text:?}");
    }
}

/// The resolver without its shortcuts: each post normalized alone, every
/// occurrence of a quote found by comparing it at every position before the
/// quoting post, every k-gram of the thread indexed (no list cut short) for
/// approximate search; ancestors first (nearest first), then the earliest post.
fn reference(posts: &[PostText<'_>]) -> Vec<Vec<Option<Resolution>>> {
    let mut all: Vec<char> = Vec::new();
    let mut starts = Vec::new();
    let mut maps = Vec::new();
    let mut quote_texts: Vec<Vec<Vec<char>>> = Vec::new();
    for post in posts {
        let (mut norm, map) = normalize(post.text);
        let mut own = Vec::new();
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
    let mut index = GramIndex::default();
    for (pos, w) in all.windows(K).enumerate() {
        if !w.contains(&MASK) {
            index.entry(hash(w)).or_default().push(pos as u32);
        }
    }
    let post_of = |pos: usize| starts.partition_point(|&s| s <= pos) - 1;
    let mut out = Vec::new();
    for (i, quotes) in quote_texts.iter().enumerate() {
        let anc = ancestors(posts, i);
        let mut row = Vec::new();
        for q in quotes {
            let n = needle(q);
            if n.len() < 3 {
                row.push(None);
                continue;
            }
            // The first occurrence in each earlier post. A needle of at least K
            // characters matches unmasked text only; a shorter one is compared
            // anywhere before the quoting post.
            let mut hits: Vec<(usize, usize)> = Vec::new();
            let limit = if n.len() < K { starts[i] } else { all.len() };
            if n.len() < K || !n.contains(&MASK) {
                for pos in 0..starts[i] {
                    if all[pos] == n[0] && pos + n.len() <= limit && all[pos..pos + n.len()] == *n {
                        let j = post_of(pos);
                        if !hits.iter().any(|h| h.0 == j) {
                            hits.push((j, pos - starts[j]));
                        }
                    }
                }
            }
            let exact = anc
                .iter()
                .find_map(|a| hits.iter().find(|h| h.0 == *a))
                .or_else(|| hits.iter().min_by_key(|h| h.0));
            row.push(match exact {
                Some(&(j, off)) => Some(Resolution {
                    post: j,
                    start: maps[j][off],
                    end: maps[j][off + n.len() - 1] + 1,
                    score: 1.0,
                }),
                None => {
                    approximate(n, i, &anc, &all, &starts, &index).map(|(j, from, to, score)| {
                        Resolution {
                            post: j,
                            start: maps[j][from],
                            end: maps[j][to - 1] + 1,
                            score,
                        }
                    })
                }
            });
        }
        out.push(row);
    }
    out
}

/// A thread's posts for the resolver: text, parent, quote spans.
type Posts = Vec<(String, Option<usize>, Vec<QuoteSpan>)>;

fn post_texts(posts: &Posts) -> Vec<PostText<'_>> {
    posts
        .iter()
        .map(|(text, parent, quotes)| PostText {
            text,
            parent: *parent,
            quotes,
        })
        .collect()
}

/// The posts of an imported document, as the library resolves them.
fn posts_of(doc: &crate::model::ThreadDoc) -> Posts {
    let index: HashMap<&str, usize> = doc
        .posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_id.as_str(), i))
        .collect();
    doc.posts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let r = p.body.render();
            let parent = p.parent.as_deref().and_then(|s| index.get(s).copied());
            (r.text, parent.filter(|&j| j < i), r.quotes)
        })
        .collect()
}

/// Quotes edited so that every path is taken: a letter changed (approximate),
/// cut to 9 characters (shorter than a k-gram) or to 18 (short approximate),
/// every letter shifted (external).
fn edit_quotes(posts: &mut Posts) {
    let mut count = 0;
    for (text, _, quotes) in posts.iter_mut() {
        let mut chars: Vec<char> = text.chars().collect();
        for q in quotes.iter_mut().filter(|q| q.depth == 1) {
            count += 1;
            let len = q.end - q.start;
            match count % 6 {
                1 if len > 30 => {
                    let c = &mut chars[q.start + len / 2];
                    *c = if *c == 'q' { 'z' } else { 'q' };
                }
                2 if len > 12 => q.end = q.start + 9,
                3 if len > 22 => q.end = q.start + 18,
                4 => chars[q.start..q.end]
                    .iter_mut()
                    .filter(|c| c.is_ascii_lowercase())
                    .for_each(|c| {
                        *c = if *c == 'z' {
                            'a'
                        } else {
                            (*c as u8 + 1) as char
                        }
                    }),
                _ => {}
            }
        }
        *text = chars.into_iter().collect();
    }
}

/// A single reply chain longer than the direct search of ancestors goes, with
/// sentences repeated in later posts (several posts hold a quote's words), and
/// quotes of words only a later post writes.
fn chain() -> Posts {
    let mut rng = crate::synthetic::Rng::new(11);
    let words = [
        "the", "a", "of", "moat", "claim", "open", "weights", "chip", "paper", "cost", "talent",
        "export", "market", "policy", "model", "source", "ovens", "bread",
    ];
    let mut sentences: Vec<String> = Vec::new();
    let mut later: Vec<(usize, String)> = Vec::new();
    let mut posts = Vec::new();
    for i in 0..240usize {
        let mut text = String::new();
        let mut quotes = Vec::new();
        if i > 8 && i % 3 == 0 {
            let s = sentences[rng.below(sentences.len())].clone();
            let quoted: String = match i % 4 {
                1 => s.chars().take(10).collect(),
                2 => s.replacen('e', "x", 1),
                // Words first written in a later post: external.
                3 if i % 5 == 0 => {
                    let s = format!("{} later words {i} here.", words[i % words.len()]);
                    later.push((i + 4, s.clone()));
                    s
                }
                _ => s,
            };
            let end = quoted.chars().count();
            quotes.push(QuoteSpan {
                start: 0,
                end,
                depth: 1,
            });
            text.push_str(&quoted);
            text.push_str("\n\n");
        }
        if let Some(at) = later.iter().position(|l| l.0 == i) {
            text.push_str(&later.swap_remove(at).1);
            text.push(' ');
        }
        for _ in 0..5 {
            let s = if i > 4 && rng.percent(20) {
                sentences[rng.below(sentences.len())].clone()
            } else {
                let n = 6 + rng.below(10);
                let w: Vec<&str> = (0..n).map(|_| words[rng.below(words.len())]).collect();
                format!("{}.", w.join(" "))
            };
            text.push_str(&s);
            text.push(' ');
            sentences.push(s);
        }
        posts.push((text, i.checked_sub(1), quotes));
    }
    posts
}

#[test]
fn resolves_as_the_brute_force_reference_on_synthetic_threads() {
    use crate::import::{parse_bytes, text, ImportOptions};
    use crate::synthetic::{hn_algolia, text_dump};
    let hn = |n: usize, seed: u64| {
        let json = hn_algolia(n, seed);
        let docs = parse_bytes("s.json", json.as_bytes(), &ImportOptions::default()).unwrap();
        posts_of(&docs[0])
    };
    let dump = text::parse(text_dump(1_000).as_bytes(), None).unwrap();
    let mut edited = hn(900, 3);
    edit_quotes(&mut edited);
    let threads: Vec<(&str, Posts)> = vec![
        ("hn 900 posts", hn(900, 2)),
        ("hn 900 posts, edited quotes", edited),
        ("text dump 1,000 posts", posts_of(&dump)),
        ("a 240-post reply chain", chain()),
    ];
    let (mut exact, mut approximate, mut external) = (0, 0, 0);
    for (name, posts) in &threads {
        let texts = post_texts(posts);
        let got = resolve(&texts);
        assert_eq!(got, reference(&texts), "{name}");
        for r in got.iter().flatten() {
            match r {
                Some(r) if r.score == 1.0 => exact += 1,
                Some(_) => approximate += 1,
                None => external += 1,
            }
        }
    }
    // Every kind of answer was compared.
    assert!(exact > 300, "{exact} exact");
    assert!(approximate > 30, "{approximate} approximate");
    assert!(external > 20, "{external} external");
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
