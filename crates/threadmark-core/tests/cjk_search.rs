//! CJK search (issue 20) against a brute-force reading of the stored posts: every
//! query must find exactly the posts whose text holds what it asks for.
//!
//! Real CJK text in the corpus is a handful of words (the seed's, tested in
//! `hostile.rs`), so the seed is also written in CJK letters, as the 1M-post
//! benchmark writes its CJK threads: each Latin letter a kanji or kana, spaces
//! dropped, punctuation and line structure kept. With 26 letters, words recur in
//! many posts and inside longer runs, which is what the index must get right.

use std::collections::BTreeSet;

use threadmark_core::{Library, SourceFormat};

/// Twenty-six ideographs and kana, one for each letter (as `benches/search_1m.rs`).
const LETTERS: [char; 26] = [
    '日', '本', '語', '文', '字', '検', '索', '試', '験', '東', '京', '大', '阪', '山', '川', '田',
    '中', '木', '林', '森', 'の', 'テ', 'キ', 'ス', 'ト', 'を',
];

fn in_cjk(text: &str) -> String {
    text.chars()
        .filter(|&c| c != ' ')
        .map(|c| match c.to_ascii_lowercase() {
            l @ 'a'..='z' => LETTERS[usize::from(l as u8 - b'a')],
            _ => c,
        })
        .collect()
}

/// The source ids of the posts `query` finds (all of them: the thread has fewer
/// posts than the limit), checking that each snippet marks a match.
fn found(lib: &Library, thread: i64, query: &str) -> BTreeSet<String> {
    let hits = lib
        .search(query, Some(thread), 10_000, ("[", "]"))
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    for h in &hits {
        assert!(h.snippet.contains('['), "{query}: {h:?}");
    }
    hits.into_iter().map(|h| h.post).collect()
}

#[test]
fn cjk_search_finds_exactly_the_posts_holding_the_words() {
    let mut lib = Library::open_in_memory().unwrap();
    let seed = in_cjk(&super::seed());
    let id = lib
        .import_bytes("seed-cjk.txt", seed.as_bytes(), SourceFormat::Text, None)
        .unwrap()[0];
    let posts = lib.posts(id).unwrap();
    let holding = |words: &[&str]| -> BTreeSet<String> {
        posts
            .iter()
            .filter(|p| words.iter().all(|w| p.text.contains(w)))
            .map(|p| p.source_id.clone())
            .collect()
    };
    // Words cut from the posts' own runs of letters, one to six characters long,
    // at spread-out places; then words no post holds.
    let runs: Vec<Vec<char>> = posts
        .iter()
        .flat_map(|p| {
            p.text
                .split(|c: char| !LETTERS.contains(&c))
                .filter(|r| !r.is_empty())
                .map(|r| r.chars().collect::<Vec<_>>())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(runs.len() > 300, "{} runs", runs.len());
    let mut words: Vec<String> = Vec::new();
    for (k, run) in runs.iter().enumerate().step_by(7) {
        let len = 1 + k % 6;
        if run.len() >= len {
            let at = (k * 31) % (run.len() - len + 1);
            words.push(run[at..at + len].iter().collect());
        }
    }
    words.extend(["をを", "森林森", "ををを日", "テトテトテ"].map(String::from));
    let mut asked = 0;
    for word in &words {
        let want = holding(&[word]);
        assert_eq!(found(&lib, id, word), want, "{word}");
        // A star and double quotes ask for the same.
        assert_eq!(found(&lib, id, &format!("{word}*")), want, "{word}*");
        assert_eq!(found(&lib, id, &format!("\"{word}\"")), want, "\"{word}\"");
        asked += 1;
    }
    assert!(asked > 60, "{asked} words");
    // Two words: both; either.
    for pair in words.chunks(2).filter(|p| p.len() == 2).take(40) {
        let (a, b) = (&pair[0], &pair[1]);
        assert_eq!(
            found(&lib, id, &format!("{a} {b}")),
            holding(&[a, b]),
            "{a} {b}"
        );
        let either: BTreeSet<String> = holding(&[a]).union(&holding(&[b])).cloned().collect();
        assert_eq!(
            found(&lib, id, &format!("{a} OR {b}")),
            either,
            "{a} OR {b}"
        );
    }
    // A word followed by punctuation in a phrase must end where a run ends (the
    // index keeps no punctuation, so which mark follows is not asked).
    let ends_run = |word: &String| -> BTreeSet<String> {
        posts
            .iter()
            .filter(|p| {
                // Every occurrence, overlapping ones included.
                p.text.char_indices().any(|(at, _)| {
                    p.text[at..]
                        .strip_prefix(word.as_str())
                        .is_some_and(|rest| !rest.chars().next().is_some_and(cjk_letter))
                })
            })
            .map(|p| p.source_id.clone())
            .collect()
    };
    let mut bounded = 0;
    for word in words.iter().filter(|w| w.chars().count() <= 4) {
        let want = ends_run(word);
        assert_eq!(
            found(&lib, id, &format!("\"{word}.\"")),
            want,
            "\"{word}.\""
        );
        bounded += usize::from(!want.is_empty());
    }
    assert!(bounded > 10, "{bounded} words end a run somewhere");
}

/// A letter of a CJK run: the transliterated seed's, and the seed's own Han.
fn cjk_letter(c: char) -> bool {
    LETTERS.contains(&c)
        || ('\u{3040}'..='\u{30ff}').contains(&c)
        || ('\u{4e00}'..='\u{9fff}').contains(&c)
}
