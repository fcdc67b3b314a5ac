//! The short, stable fuzz run of `make test` (issue 8). The targets are those of the
//! cargo-fuzz crate in `fuzz/` (`threadmark_core::fuzzing`); here they get a fixed
//! number of inputs mutated from the real corpus files by a seeded PRNG, so a run
//! is deterministic: JSON files are mutated as trees (types swapped, keys dropped,
//! hostile strings, deep nesting, children duplicated), other files as bytes.
//! Longer runs are cargo-fuzz's (see BENCHMARKS.md); crashes found there become
//! tests in `fuzz_edge_inputs_and_regressions` below.

use serde_json::{json, Value};
use threadmark_core::fuzzing;
use threadmark_core::synthetic::{hn_algolia, Rng};

use crate::corpus;

const SEED_FILES: &[&str] = &[
    "hn/algolia/neonmodem-49953495-trimmed.json",
    "hn/firebase/item_story.json",
    "hn/firebase/item_comment.json",
    "hn/hnpwa/hnpwa-item-10846540.json",
    "hn/html/hn-item-page-hyperv-containers-2015.html",
    "reddit/3hahrw.interaction01.comments.json",
    "lobsters/post_details_tdfoqh.2025-depth.json",
    "lobsters/post_details_tdfoqh.2023-indent_level.json",
    "discourse/discourse_topic_1148.json",
    "discourse/discourse_api-topic.json",
    "mbox/b4/trailers-thread-with-followups.mbox",
    "mbox/mail-box-magick.mbox",
    "email-quotes/emails/email_1_2.txt",
    "seed/000_e97962a6dbc2b620.txt",
];

/// Stands for deeply nested JSON until the mutated tree is serialized.
const DEEP: &str = "\u{1}deep\u{1}";

/// Serialize, replacing every [`DEEP`] with thousands of nested thread nodes.
fn serialize(v: &Value, rng: &mut Rng) -> Vec<u8> {
    let text = serde_json::to_string(v).unwrap();
    let marker = serde_json::to_string(DEEP).unwrap();
    let levels = 200 + rng.below(5_000);
    let deep = format!(
        "{}null{}",
        r#"{"id":1,"children":[{"id":2,"comments":["#.repeat(levels / 2),
        "]}]}".repeat(levels / 2)
    );
    text.replace(&marker, &deep).into_bytes()
}

const HOSTILE: &[&str] = &[
    "",
    "\u{0}",
    "&gt; quoted",
    "&gt;&gt; deeper",
    "<p>",
    "</pre><script>alert(1)</script>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "\u{feff}\u{200d}👩‍👩‍👧",
    "> \n>> \n",
    "<blockquote><blockquote>",
    "&#x0;&#xD800;&#1114112;",
    "\r\n\r\nFrom x\n",
    "[deleted]",
];

fn prune(v: &mut Value) {
    match v {
        Value::Array(a) => {
            a.truncate(12);
            a.iter_mut().for_each(prune);
        }
        Value::Object(o) => o.values_mut().for_each(prune),
        _ => {}
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = SEED_FILES
        .iter()
        .map(|f| {
            let bytes = std::fs::read(corpus().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            // Big files cost time without adding shapes: keep a few elements of
            // every JSON array and a head of other files.
            if let Ok(mut v) = serde_json::from_slice::<Value>(&bytes) {
                prune(&mut v);
                serde_json::to_vec(&v).unwrap()
            } else {
                bytes[..bytes.len().min(24 * 1024)].to_vec()
            }
        })
        .collect();
    out.push(hn_algolia(60, 9).into_bytes());
    out
}

/// A random node at most `steps` levels down.
fn pick<'a>(node: &'a mut Value, rng: &mut Rng, steps: usize) -> &'a mut Value {
    let len = match node {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => 0,
    };
    if steps == 0 || len == 0 {
        return node;
    }
    let i = rng.below(len);
    match node {
        Value::Array(a) => pick(&mut a[i], rng, steps - 1),
        Value::Object(o) => match o.values_mut().nth(i) {
            Some(v) => pick(v, rng, steps - 1),
            None => unreachable!("index below the length"),
        },
        other => other,
    }
}

fn mutate_value(v: &mut Value, rng: &mut Rng, budget: &mut usize) {
    let steps = 1 + rng.below(12);
    let node = pick(v, rng, steps);
    *budget = budget.saturating_sub(1);
    match rng.below(9) {
        0 => *node = Value::Null,
        1 => *node = json!(HOSTILE[rng.below(HOSTILE.len())]),
        2 => *node = json!(rng.next_u64() as i64 % 1_000_000 - 10),
        3 => *node = json!([]),
        4 => *node = json!({}),
        5 => {
            if let Value::Object(o) = node {
                if !o.is_empty() {
                    let key = o.keys().nth(rng.below(o.len())).cloned().unwrap();
                    o.remove(&key);
                }
            }
        }
        6 => {
            if let Value::Array(a) = node {
                if !a.is_empty() {
                    let copy = a[rng.below(a.len())].clone();
                    a.push(copy);
                }
            }
        }
        7 => {
            // Deep nesting, spliced in as text after serializing (a deep `Value`
            // would overflow the test's own stack when serialized or dropped).
            *node = json!(DEEP);
        }
        _ => {
            if let Value::String(s) = node {
                let h = HOSTILE[rng.below(HOSTILE.len())];
                let at = (0..=s.len())
                    .filter(|&i| s.is_char_boundary(i))
                    .nth(rng.below(s.len() + 1))
                    .unwrap_or(0);
                s.insert_str(at, h);
            }
        }
    }
}

fn mutate_bytes(b: &mut Vec<u8>, rng: &mut Rng, other: &[u8]) {
    let tokens: &[&[u8]] = &[
        b">",
        b"> > ",
        b"\n",
        b"\n\n",
        b"From ",
        b"<",
        b"</",
        b"&gt;",
        b"\xff",
        b"\xe2\x80",
        b"{",
        b"\"",
        b"-- \n",
        b"On Mon, x wrote:\n",
    ];
    for _ in 0..(1 + rng.below(8)) {
        let at = if b.is_empty() { 0 } else { rng.below(b.len()) };
        match rng.below(5) {
            0 if !b.is_empty() => b[at] ^= 1 << rng.below(8),
            1 => {
                let t = tokens[rng.below(tokens.len())];
                b.splice(at..at, t.iter().copied());
            }
            2 if !b.is_empty() => {
                let end = (at + rng.below(64)).min(b.len());
                b.drain(at..end);
            }
            3 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(512)).min(other.len());
                b.splice(at..at, other[from..end].iter().copied());
            }
            _ => b.truncate(at),
        }
    }
}

#[test]
fn importers_survive_mutated_corpus_files() {
    let seeds = seeds();
    let mut rng = Rng::new(0x5eed_f022);
    for s in &seeds {
        fuzzing::import(s);
    }
    for i in 0..200 {
        let k = i % seeds.len();
        let base = &seeds[k];
        let input = match serde_json::from_slice::<Value>(base) {
            Ok(mut v) if rng.percent(85) => {
                let mut budget = 1 + rng.below(6);
                while budget > 0 {
                    mutate_value(&mut v, &mut rng, &mut budget);
                }
                serialize(&v, &mut rng)
            }
            _ => {
                let mut b = base.clone();
                let other = &seeds[rng.below(seeds.len())];
                mutate_bytes(&mut b, &mut rng, other);
                b
            }
        };
        // One format at a time keeps the run short; every format gets its turn.
        let format = fuzzing::FORMATS[i % fuzzing::FORMATS.len()];
        fuzzing::import_as(format, &input);
        fuzzing::hn_json_agrees(&input);
        if i % 40 == 0 {
            fuzzing::import(&input);
        }
    }
}

#[test]
fn anchoring_survives_random_edits() {
    let seed = std::fs::read_to_string(corpus().join("seed/000_e97962a6dbc2b620.txt")).unwrap();
    let lines: Vec<&str> = seed.lines().take(40).collect();
    let mut rng = Rng::new(0xa9c4_0123);
    for _ in 0..3_000 {
        let old = lines[rng.below(lines.len())];
        let mut posts: Vec<Vec<u8>> = (0..1 + rng.below(4))
            .map(|_| lines[rng.below(lines.len())].as_bytes().to_vec())
            .collect();
        if rng.percent(60) {
            // The old post, edited.
            let mut edited = old.as_bytes().to_vec();
            mutate_bytes(&mut edited, &mut rng, old.as_bytes());
            let at = rng.below(posts.len());
            posts[at] = edited;
        }
        let mut data = vec![
            rng.next_u64() as u8,
            rng.next_u64() as u8,
            rng.next_u64() as u8,
        ];
        data.extend_from_slice(old.as_bytes());
        for p in posts {
            data.push(0);
            data.extend(p);
        }
        fuzzing::anchor(&data);
    }
}

/// Edge inputs, and every input that once broke a target (from cargo-fuzz or the
/// smoke run above), kept as regression tests.
#[test]
fn fuzz_edge_inputs_and_regressions() {
    // A highlight of an empty span, in a thread whose only post is empty.
    fuzzing::anchor(&[0, 0, 1]);
    // Three bytes of span choice and nothing else.
    fuzzing::anchor(&[255, 255, 255, 0]);
    fuzzing::import(b"");
    fuzzing::import(b"\xEF\xBB\xBF");
    // Nesting far deeper than serde_json's default limit, for every JSON importer.
    let deep = format!(
        "{}null{}",
        r#"{"id":1,"created_at_i":1,"children":["#.repeat(20_000),
        "]}".repeat(20_000)
    );
    fuzzing::import(deep.as_bytes());
}

/// The bounded reader (and what reads an input before a parser) on corpus files
/// and mutations of them, with random limits, short reads and endless streams.
#[test]
fn bounded_reader_survives_random_inputs() {
    let seeds = seeds();
    let mut rng = Rng::new(0x0b0u64 << 20 | 0xded);
    for i in 0..400 {
        let base = &seeds[i % seeds.len()];
        let mut body = base[..base.len().min(rng.below(2048) + 1)].to_vec();
        if rng.percent(50) {
            let other = &seeds[rng.below(seeds.len())];
            mutate_bytes(&mut body, &mut rng, other);
        }
        let mut data = vec![rng.next_u64() as u8, rng.next_u64() as u8];
        data.extend(body);
        fuzzing::input(&data);
    }
    // Edges: nothing, a limit of zero, an endless stream of one byte, UTF-16 and
    // gzip headers.
    fuzzing::input(&[]);
    fuzzing::input(&[0, 0]);
    fuzzing::input(&[0, 4, b'x']);
    fuzzing::input(&[255, 7, 0xff, 0xfe, b'a', 0, b'b', 0]);
    fuzzing::input(&[1, 0, 0xff, 0xfe, 0, 0xd8]);
    fuzzing::input(&[9, 0, 0x1f, 0x8b, 8, 0]);
}
