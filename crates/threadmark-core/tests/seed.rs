//! The plain-text importer against the seed, the project's founding document.

use threadmark_core::import::text::{group, paragraphs, parse, DumpPost};

fn posts_of(text: &str) -> Vec<DumpPost> {
    group(paragraphs(text))
}

#[test]
fn every_line_lands_in_exactly_one_post() {
    let text = super::seed();
    let posts = posts_of(&text);
    let lines: Vec<&str> = text.lines().collect();
    let mut owner = vec![None; lines.len() + 1];
    for (i, post) in posts.iter().enumerate() {
        for p in &post.paragraphs {
            for (line, slot) in owner
                .iter_mut()
                .enumerate()
                .take(p.last_line + 1)
                .skip(p.first_line)
            {
                assert!(slot.is_none(), "line {line} is in two posts");
                *slot = Some(i);
            }
        }
    }
    for (n, line) in lines.iter().enumerate() {
        let n = n + 1;
        if !line.trim().is_empty() {
            assert!(owner[n].is_some(), "line {n} is in no post: {line}");
        }
    }
    // Posts follow the file's order and never interleave.
    let firsts: Vec<usize> = posts.iter().map(DumpPost::first_line).collect();
    assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    for w in posts.windows(2) {
        assert!(w[0].last_line() < w[1].first_line());
    }
}

#[test]
fn no_quote_is_separated_from_its_reply() {
    let posts = posts_of(&super::seed());
    let mut quotes = 0;
    for post in &posts {
        for (i, p) in post.paragraphs.iter().enumerate() {
            if p.quote_depth > 0 {
                quotes += 1;
                assert!(
                    post.paragraphs[i + 1..].iter().any(|r| r.quote_depth == 0),
                    "the quote on line {} has no reply in its post",
                    p.first_line
                );
            }
        }
    }
    // The seed's `>` lines: 19, 26, 40, 42, 75, 92, 96, 117, 134, 136, 144, 153, 156, 157, 158.
    assert_eq!(quotes, 15);
}

/// (first line, last line) of the seed's multi-line posts, as the README's rules give them.
const MULTI_LINE_POSTS: &[(usize, usize)] = &[
    (1, 6),   // a run of excerpts opening with quotation marks
    (8, 10),  // footnote [1] pulls in the paragraph citing it
    (19, 20), // quote + reply
    (26, 27),
    (39, 41), // lead-in ending with ':' + quote + reply
    (42, 43),
    (44, 45), // "You jest," + "but honestly, …"
    (47, 48), // lower-case continuation
    (75, 76),
    (92, 93),
    (96, 97),
    (117, 118),
    (134, 135),
    (136, 137),
    (144, 145),
    (153, 154),
    (156, 165), // three quotes, a reply of seven lower-case lines
    (181, 187), // "Some relevant excerpts:" + the excerpts
];

#[test]
fn seed_groups_into_the_documented_posts() {
    let posts = posts_of(&super::seed());
    let multi: Vec<(usize, usize)> = posts
        .iter()
        .filter(|p| p.first_line() != p.last_line())
        .map(|p| (p.first_line(), p.last_line()))
        .collect();
    assert_eq!(multi, MULTI_LINE_POSTS);
    assert_eq!(posts.len(), 150);
    let doc = parse(super::seed().as_bytes(), None).unwrap();
    assert_eq!(doc.posts.len(), 150);
    let ids: Vec<&str> = doc
        .posts
        .iter()
        .take(4)
        .map(|p| p.source_id.as_str())
        .collect();
    assert_eq!(ids, ["1", "7", "8", "11"]);
}

#[test]
fn blank_line_layout_reads_the_same_posts() {
    let seed = super::seed();
    let spaced = seed.lines().collect::<Vec<_>>().join("\n\n");
    let a = parse(seed.as_bytes(), None).unwrap();
    let b = parse(spaced.as_bytes(), None).unwrap();
    assert_eq!(a.posts.len(), b.posts.len());
    for (x, y) in a.posts.iter().zip(&b.posts) {
        assert_eq!(x.body.render().text, y.body.render().text);
        // Line n of the seed is line 2n - 1 of the spaced copy.
        let n: usize = x.source_id.parse().unwrap();
        assert_eq!(y.source_id, (2 * n - 1).to_string());
    }
}

#[test]
fn crlf_and_bom_read_like_lf() {
    let seed = super::seed();
    let crlf = format!("\u{feff}{}", seed.replace('\n', "\r\n"));
    let a = parse(seed.as_bytes(), None).unwrap();
    let b = parse(crlf.as_bytes(), None).unwrap();
    let texts = |d: &threadmark_core::ThreadDoc| {
        d.posts
            .iter()
            .map(|p| p.body.render().text)
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(&a), texts(&b));
}

#[test]
fn quotes_are_blockquotes_without_their_markers() {
    let doc = parse(super::seed().as_bytes(), None).unwrap();
    let post = doc.posts.iter().find(|p| p.source_id == "156").unwrap();
    let r = post.body.render();
    assert_eq!(
        r.quotes.len(),
        3,
        "each `>` line is a quoted passage of its own"
    );
    let quoted = |i: usize| -> String {
        r.text
            .chars()
            .skip(r.quotes[i].start)
            .take(r.quotes[i].end - r.quotes[i].start)
            .collect()
    };
    assert!(
        quoted(0).starts_with("\"For many years, Chinese companies"),
        "{}",
        quoted(0)
    );
    assert_eq!(
        quoted(2),
        "If CCP is involved in a big way, we won't see these words from CEO."
    );
    assert!(
        !r.text.contains("> "),
        "markers are not part of the canonical text"
    );
    assert!(r.html.starts_with("<blockquote><p>"));
}

/// Where each `>` line of the seed comes from, read off the seed by hand: the post
/// (by its first line) that first wrote the words, or `None` when they are not in
/// the dump (an article, another comment, Linus Torvalds).
const SEED_QUOTES: &[(&str, Option<&str>)] = &[
    ("19", Some("17")),
    ("26", Some("25")),
    ("39", None), // Linus on indentation
    ("42", Some("37")),
    ("75", Some("72")),
    ("92", Some("85")),
    ("96", Some("94")),
    ("117", Some("85")), // 85 plus "You pay with your data." (line 86): an approximate match
    ("134", None),       // not in the dump
    ("136", Some("132")),
    ("144", Some("132")),
    ("153", None),      // the article
    ("156", Some("1")), // the interview excerpts at the top
    ("156", Some("1")),
    ("156", Some("155")),
];

#[test]
fn seed_quotes_resolve_to_their_sources() {
    let mut lib = threadmark_core::Library::open_in_memory().unwrap();
    let id = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            threadmark_core::SourceFormat::Text,
            None,
        )
        .unwrap()[0];
    let quotes = lib.quotes(id).unwrap();
    let got: Vec<(&str, Option<&str>)> = quotes
        .iter()
        .map(|q| (q.post.as_str(), q.source.as_deref()))
        .collect();
    assert_eq!(got, SEED_QUOTES);
    for q in quotes.iter().filter(|q| q.source.is_some()) {
        // The matched span in the source post is the quoted text, up to normalization.
        let source = lib.post(id, q.source.as_deref().unwrap()).unwrap();
        let span: String = source
            .text
            .chars()
            .skip(q.source_start.unwrap() as usize)
            .take((q.source_end.unwrap() - q.source_start.unwrap()) as usize)
            .collect();
        let norm = |s: &str| {
            threadmark_core::quotes::normalize(s)
                .0
                .into_iter()
                .collect::<String>()
        };
        assert!(
            norm(&q.text).contains(&norm(&span)),
            "{span:?} is not in {:?}",
            q.text
        );
        let score = q.score.unwrap();
        if q.post == "117" {
            assert!((0.75..1.0).contains(&score), "approximate: {score}");
        } else {
            assert_eq!(score, 1.0);
            assert!(
                span.chars().count() * 10 >= q.text.chars().count() * 9,
                "{span:?} is much shorter than {:?}",
                q.text
            );
        }
    }
}
