//! Anchoring cases ported as data from two peer test suites, plus Threadmark's own:
//!
//! - approx-string-match (robertknight/approx-string-match-js, `test/index-test.ts`):
//!   approximate search with Myers' bit-parallel algorithm. Offsets there are UTF-16
//!   code units; here they are code points, so the one non-BMP case is restated in
//!   code points (an emoji is one character, one substitution).
//! - Hypothesis client (`src/annotator/anchoring/test/match-quote-test.js`): quote
//!   matching scored on the quote, its prefix and suffix and a position hint.
//!
//! The cases are facts (texts, patterns, expected spans) restated as tables; the
//! checking code is ours.

use threadmark_core::anchor::{match_quote, search, Context, Match};

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

fn slice(text: &[char], start: usize, end: usize) -> String {
    text[start..end].iter().collect()
}

/// `(text, pattern, acceptable closest matches as (start, end, errors))`.
type SearchCase = (String, &'static str, Vec<(usize, usize, usize)>);

fn search_cases() -> Vec<(&'static str, SearchCase)> {
    let s = String::from;
    let long_text = "foo".repeat(5) + &"bar".repeat(20) + &"baz".repeat(5);
    let zog_text =
        "foo".repeat(5) + &"bar".repeat(10) + "zog" + &"bar".repeat(10) + &"baz".repeat(5);
    let bar20: &'static str = Box::leak("bar".repeat(20).into_boxed_str());
    vec![
        (
            "exact: word in the middle",
            (s("three blind mice"), "blind", vec![(6, 11, 0)]),
        ),
        (
            "exact: at the start",
            (s("three blind mice"), "three", vec![(0, 5, 0)]),
        ),
        (
            "one error: a letter too many in the pattern",
            (s("three blind mice"), "bliind", vec![(6, 11, 1)]),
        ),
        (
            "one error: a letter missing from the pattern",
            (s("three blind mice"), "blnd", vec![(6, 11, 1)]),
        ),
        (
            "one error: substitution or deletion",
            (s("three blind mice"), "thrae", vec![(0, 4, 1), (0, 5, 1)]),
        ),
        (
            "one error: substitution",
            (s("facebook"), "fccebook", vec![(0, 8, 1)]),
        ),
        (
            "one error: insertion",
            (s("facebook"), "fcebook", vec![(1, 8, 1), (0, 8, 1)]),
        ),
        (
            "many errors: spaces moved",
            (
                s("foursquare andseven"),
                "four square and seven",
                vec![(0, 19, 2)],
            ),
        ),
        (
            "many errors: doubled space",
            (s("four squareand seven"), "square  and", vec![(5, 14, 2)]),
        ),
        // Restated in code points (the original counts the emoji as two UTF-16 units).
        (
            "non-BMP: emoji for a letter",
            (s("sm😊le"), "smile", vec![(0, 5, 1)]),
        ),
        (
            "non-BMP: emoji in both",
            (s("sm😊le"), "sm😊le", vec![(0, 5, 0)]),
        ),
        ("long pattern: exact", (long_text, bar20, vec![(15, 75, 0)])),
        (
            "long pattern: three errors",
            (zog_text, bar20, vec![(15, 75, 3), (15, 78, 3)]),
        ),
    ]
}

/// The closest matches `search` reports (those with the fewest errors) must be the
/// expected ones; when it reports one and several are acceptable, that one must be
/// among them (the original suite's rule).
#[test]
fn approx_string_match_cases() {
    for (name, (text, pattern, want)) in search_cases() {
        let (t, p) = (chars(&text), chars(pattern));
        let all = search(&t, &p, p.len());
        let min = all.iter().map(|m| m.errors).min();
        let got: Vec<(usize, usize, usize)> = all
            .iter()
            .filter(|m| Some(m.errors) == min)
            .map(|m| (m.start, m.end, m.errors))
            .collect();
        if got.len() == 1 && want.len() > 1 {
            assert!(want.contains(&got[0]), "{name}: {got:?} not in {want:?}");
        } else {
            assert_eq!(got, want, "{name}");
        }
    }
}

#[test]
fn approx_string_match_edges() {
    // Nothing within the allowed errors.
    assert_eq!(search(&chars("four candles"), &chars("foouur"), 1), vec![]);
    // Empty text, empty pattern.
    assert_eq!(search(&[], &chars("foo"), 0), vec![]);
    assert_eq!(search(&chars("foo"), &[], 0), vec![]);
    // A typo in a word that occurs twice: the closest matches are both "discovery".
    let text = chars(
        "\n  A great discovery solves a great problem but there is a grain of discovery in\n  the solution of any problem.\n  ",
    );
    let found = search(&text, &chars("discvery"), 2);
    let min = found.iter().map(|m| m.errors).min().unwrap();
    let best: Vec<&Match> = found.iter().filter(|m| m.errors == min).collect();
    assert_eq!(best.len(), 2);
    for m in best {
        assert_eq!(slice(&text, m.start, m.end), "discovery");
    }
    // More errors allowed than the pattern is long does not overflow.
    let t = chars("four score");
    let found = search(&t, &chars("score"), 50);
    let exact: Vec<&Match> = found.iter().filter(|m| m.errors == 0).collect();
    assert_eq!(
        exact,
        [&Match {
            start: 5,
            end: 10,
            errors: 0
        }]
    );
    // Every occurrence is reported.
    assert_eq!(
        search(&chars(&"foo bar ".repeat(5)), &chars("foo"), 0).len(),
        5
    );
    // Patterns as long as, and longer than, a JavaScript block (32) and ours (64).
    let sentence = "This is a string which exceeds the \"word size\" of the JS language.";
    let s = chars(sentence);
    for (start, end) in [(1, 33), (23, 56), (0, 64), (1, 66)] {
        let p = &s[start..end];
        assert_eq!(
            search(&s, p, 0),
            [Match {
                start,
                end,
                errors: 0
            }],
            "{start}..{end}"
        );
    }
    let five = chars(&sentence.repeat(5));
    assert_eq!(search(&five, &s, 0).len(), 5);
}

fn normalize(s: &str) -> Vec<char> {
    chars(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

const SOLITUDE: &str = "Many years later, as he faced the firing squad,
    Colonel Aureliano Buendía was to remember that distant afternoon
    when his father took him to discover ice";

const TWO_CITIES: &str = "It was the best of times, it was the worst of times,
    it was the age of wisdom, it was the age of foolishness, it was the epoch of belief,
    it was the epoch of incredulity, it was the season of Light, it was the
    season of Darkness, it was the spring of hope, it was the winter of despair, we had
    everything before us, we had nothing before us, we were all going direct to Heaven,
    we were all going direct the other way.";

/// Errors allowed in these cases: half the quote, as the original matcher allows.
fn half(q: &[char]) -> usize {
    q.len() / 2
}

fn quote(text: &[char], q: &str, ctx: &Context<'_>) -> Option<threadmark_core::anchor::QuoteMatch> {
    let q = chars(q);
    match_quote(text, &q, ctx, half(&q))
}

#[test]
fn match_quote_exact_and_approximate() {
    let text = normalize(SOLITUDE);
    let m = quote(&text, "discover ice", &Context::default()).unwrap();
    assert_eq!(
        (m.score, slice(&text, m.start, m.end).as_str()),
        (1.0, "discover ice")
    );
    let m = quote(&text, "some years later", &Context::default()).unwrap();
    assert!(m.score > 0.0 && m.score < 1.0, "{m:?}");
    assert_eq!(slice(&text, m.start, m.end), "Many years later");
    // No acceptable match, empty quote, empty text.
    assert_eq!(
        quote(
            &normalize(TWO_CITIES),
            &normalize(SOLITUDE).iter().collect::<String>(),
            &Context::default()
        ),
        None
    );
    assert_eq!(
        match_quote(&chars("foobar"), &[], &Context::default(), 3),
        None
    );
    assert_eq!(quote(&[], "foobar", &Context::default()), None);
}

/// Each list is in falling order of similarity; the scores must fall strictly.
#[test]
fn match_quote_scores_fall_with_quote_prefix_and_suffix_similarity() {
    let text = normalize(SOLITUDE);
    let strictly_falling = |scores: Vec<f64>, what: &str| {
        assert!(scores.windows(2).all(|w| w[1] < w[0]), "{what}: {scores:?}");
    };
    let quotes = [
        "Many years later",
        "Many yers later",
        "Some years later",
        "Some years after",
    ];
    strictly_falling(
        quotes
            .iter()
            .map(|q| quote(&text, q, &Context::default()).unwrap().score)
            .collect(),
        "quote",
    );
    let prefixes = quotes.map(chars);
    strictly_falling(
        prefixes
            .iter()
            .map(|p| {
                let ctx = Context {
                    prefix: p,
                    ..Context::default()
                };
                quote(&text, ", as he faced the firing squad", &ctx)
                    .unwrap()
                    .score
            })
            .collect(),
        "prefix",
    );
    let suffixes = [
        ", as he faced the firing squad",
        ", as she faced the firing squad",
        ", as he awaited the firing squad",
        ", as he awaited his death",
    ]
    .map(chars);
    strictly_falling(
        suffixes
            .iter()
            .map(|s| {
                let ctx = Context {
                    suffix: s,
                    ..Context::default()
                };
                quote(&text, "Many years later", &ctx).unwrap().score
            })
            .collect(),
        "suffix",
    );
}

/// `(quote, prefix, suffix, the text the match must start)`.
const CONTEXT_CASES: &[(&str, &str, &str, &str)] = &[
    // Exact prefixes.
    (
        "before us",
        "we had everything",
        "",
        "before us, we had nothing",
    ),
    (
        "before us",
        "we had nothing",
        "",
        "before us, we were all going",
    ),
    // Approximate prefixes.
    (
        "before us",
        "we had every-thing",
        "",
        "before us, we had nothing",
    ),
    (
        "before us",
        "we had nout",
        "",
        "before us, we were all going",
    ),
    // Exact suffixes.
    ("we had", "", "everything", "we had everything"),
    ("we had", "", "nothing", "we had nothing"),
    // Approximate suffixes.
    ("we had", "", "ever ting", "we had everything"),
    ("we had", "", "nutting", "we had nothing"),
];

#[test]
fn match_quote_context_picks_the_occurrence() {
    let text = normalize(TWO_CITIES);
    let joined: String = text.iter().collect();
    for &(q, prefix, suffix, expected) in CONTEXT_CASES {
        let (p, s) = (chars(prefix), chars(suffix));
        let ctx = Context {
            prefix: &p,
            suffix: &s,
            hint: None,
        };
        let m = quote(&text, q, &ctx).unwrap();
        assert_eq!(slice(&text, m.start, m.end), q);
        let want = joined[..joined.find(expected).unwrap()].chars().count();
        assert_eq!(m.start, want, "{q:?} prefix {prefix:?} suffix {suffix:?}");
    }
}

#[test]
fn match_quote_hint_breaks_ties_and_edges_of_the_text() {
    let text = normalize(TWO_CITIES);
    let joined: String = text.iter().collect();
    let at = |s: &str, skip: &str| {
        joined[..joined.find(s).unwrap()].chars().count() + skip.chars().count()
    };
    let a = at("everything before us", "everything ");
    let b = at("nothing before us", "nothing ");
    let with = |hint| {
        quote(
            &text,
            "befor us",
            &Context {
                hint,
                ..Context::default()
            },
        )
        .unwrap()
        .start
    };
    assert_eq!(with(Some(a)), a);
    assert_eq!(with(Some(b)), b);
    assert_eq!(with(None), a, "without a hint the first match wins");

    // A prefix longer than the text before the match.
    let solitude = normalize(SOLITUDE);
    let p = chars("It used to be many");
    let m = quote(
        &solitude,
        "years later",
        &Context {
            prefix: &p,
            ..Context::default()
        },
    )
    .unwrap();
    assert!(p.len() > m.start);
    assert_eq!(slice(&solitude, m.start, m.end), "years later");
    // A match at the very end of the text, with a suffix that is not there.
    let t = chars("Some document text");
    let s = chars("missing");
    let m = quote(
        &t,
        "text",
        &Context {
            suffix: &s,
            ..Context::default()
        },
    )
    .unwrap();
    assert_eq!(slice(&t, m.start, m.end), "text");
}
