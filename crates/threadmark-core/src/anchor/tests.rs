//! Unit tests of anchoring.

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

const OLD: &str =
    "Money has never been the problem for us; bans on shipments of advanced chips are the problem.";

#[test]
fn anchored_moved_fuzzy_elsewhere_orphaned() {
    use AnchorState::*;
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

#[test]
fn block_boundaries_agree_with_a_plain_dynamic_program() {
    // Patterns of 63..=130 code points straddle one and two 64-bit blocks.
    let text: Vec<char> = "the quick brown fox jumps over the lazy dog; "
        .repeat(8)
        .chars()
        .collect();
    for len in [1usize, 5, 63, 64, 65, 127, 128, 129, 130] {
        let mut pattern: Vec<char> = text[7..7 + len].to_vec();
        if len > 3 {
            pattern[len / 2] = '#';
            pattern.remove(len / 3);
        }
        let got = search(&text, &pattern, pattern.len());
        for m in got.iter().filter(|m| m.end % 17 == 0) {
            // Plain Sellers DP for the best cost ending at m.end.
            let mut prev: Vec<usize> = (0..=pattern.len()).collect();
            let mut best = prev[pattern.len()];
            for &t in &text[..m.end] {
                let mut cur = vec![0usize; pattern.len() + 1];
                for i in 1..=pattern.len() {
                    cur[i] = (prev[i - 1] + usize::from(pattern[i - 1] != t))
                        .min(prev[i] + 1)
                        .min(cur[i - 1] + 1);
                }
                best = cur[pattern.len()];
                prev = cur;
            }
            assert_eq!(m.errors, best, "len {len}, end {}", m.end);
        }
    }
}
