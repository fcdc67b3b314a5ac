//! A layered argument made over a real thread, for tests and benchmarks of the
//! argument graph (feature `synthetic`): the first words of its posts highlighted and
//! linked as claims, answers to them and replies to those answers, deterministically.

use crate::error::{Error, Result};
use crate::model::Highlight;
use crate::store::Library;
use crate::store::LinkKind;

const LABELS: [&str; 4] = ["Claim", "Evidence", "Rebuttal", "Question"];

/// Code points from the start of `text` to the end of its fifth word.
fn five_words(text: &str) -> (usize, usize) {
    let start = text.chars().take_while(|c| c.is_whitespace()).count();
    let (mut words, mut end, mut in_word) = (0, 0, false);
    for (k, c) in text.chars().enumerate() {
        if c.is_whitespace() {
            if in_word {
                words += 1;
                if words == 5 {
                    break;
                }
            }
            in_word = false;
        } else {
            in_word = true;
            end = k + 1;
        }
    }
    (start, end)
}

/// Highlights the first five words of the first `claims + answers + replies` posts of
/// `thread` that are not deleted and hold at least eight words (labelled Claim,
/// Evidence, Rebuttal, Question in turn), then links them in three layers: answer `i`
/// (highlights `claims..claims + answers`) to claim `7 i mod claims`, reply `i` (the
/// rest) to answer `13 i mod answers`, and every tenth reply also supports a claim (a
/// link that passes the answers' layer). The kinds go round supports, rebuts,
/// answers, qualifies. Returns the highlights in that order and the links' uuids.
pub fn layered_argument(
    lib: &mut Library,
    thread: i64,
    claims: usize,
    answers: usize,
    replies: usize,
) -> Result<(Vec<Highlight>, Vec<String>)> {
    let want = claims + answers + replies;
    let posts: Vec<(String, String)> = lib
        .posts(thread)?
        .into_iter()
        .filter(|p| !p.deleted && p.text.split_whitespace().count() >= 8)
        .map(|p| (p.source_id, p.text))
        .take(want)
        .collect();
    if posts.len() < want || claims == 0 || answers == 0 {
        return Err(Error::bad_input(format!(
            "thread {thread} has {} posts of eight words; {want} are needed",
            posts.len()
        )));
    }
    let mut hs = Vec::with_capacity(want);
    for (i, (post, text)) in posts.iter().enumerate() {
        let (start, end) = five_words(text);
        hs.push(lib.highlight_span(thread, post, start, end, Some(LABELS[i % 4]))?);
    }
    let kinds = LinkKind::ALL;
    let mut plan: Vec<(usize, LinkKind, usize)> = Vec::new();
    for i in claims..claims + answers {
        plan.push((i, kinds[i % 4], (i * 7) % claims));
    }
    for i in claims + answers..want {
        plan.push((i, kinds[(i / 3) % 4], claims + (i * 13) % answers));
        if i % 10 == 0 {
            plan.push((i, LinkKind::Supports, (i / 10) % claims));
        }
    }
    let mut links = Vec::with_capacity(plan.len());
    for (f, kind, t) in plan {
        links.push(lib.add_link(hs[f].id, kind, hs[t].id)?.uuid);
    }
    Ok((hs, links))
}
