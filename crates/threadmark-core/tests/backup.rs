//! The JSON backup: a restore into an empty library reproduces everything; a
//! restore into a library that has some of it merges without duplicates, keeping
//! the newer edit.

use serde_json::Value;
use threadmark_core::export::{export, json_export, ExportFormat};
use threadmark_core::{Library, NewHighlight, SourceFormat};

/// A deterministic xorshift generator for the property cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A library with the seed and the sample and random highlights on them.
fn random_library(seed: u64) -> Library {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut lib = Library::open_in_memory().unwrap();
    let a = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Text,
            None,
        )
        .unwrap()[0];
    let b = lib
        .import_bytes(
            "sample.txt",
            super::sample().as_bytes(),
            SourceFormat::Text,
            Some("Sample"),
        )
        .unwrap()[0];
    let labels = ["Claim", "Evidence", "Rebuttal", "Question", "Concession"];
    for _ in 0..1 + rng.below(12) {
        let thread = if rng.below(2) == 0 { a } else { b };
        let posts = lib.posts(thread).unwrap();
        let post = &posts[rng.below(posts.len())];
        let chars: Vec<char> = post.text.chars().collect();
        let start = rng.below(chars.len().saturating_sub(1).max(1));
        let end = (start + 1 + rng.below(40)).min(chars.len());
        let exact: String = chars[start..end].iter().collect();
        let new = NewHighlight {
            exact,
            start: Some(start),
            label: (rng.below(3) > 0).then(|| labels[rng.below(5)].to_string()),
            note: if rng.below(2) == 0 {
                String::new()
            } else {
                format!(
                    "note {} with \"quotes\", commas\nand 中文",
                    rng.next() % 100
                )
            },
            tags: (0..rng.below(3)).map(|i| format!("tag{i}")).collect(),
            ..Default::default()
        };
        lib.add_highlight(thread, &post.source_id, &new).unwrap();
    }
    lib
}

fn all(lib: &Library) -> Vec<i64> {
    let mut ids: Vec<i64> = lib
        .list_threads()
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    ids.sort();
    ids
}

/// The export without what is local to one library file (row ids, import order).
fn comparable(lib: &Library) -> Value {
    let mut v = json_export(lib, &all(lib)).unwrap();
    let threads = v["threads"].as_array_mut().unwrap();
    for t in threads.iter_mut() {
        t.as_object_mut().unwrap().remove("id");
    }
    threads.sort_by(|x, y| x["uuid"].as_str().cmp(&y["uuid"].as_str()));
    v
}

/// Equal, or a panic naming the first differing line of the pretty JSON.
fn assert_same(a: &Value, b: &Value, what: &str) {
    if a == b {
        return;
    }
    let (a, b) = (
        serde_json::to_string_pretty(a).unwrap(),
        serde_json::to_string_pretty(b).unwrap(),
    );
    let (n, (x, y)) = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .unwrap_or((0, ("", "")));
    panic!("{what}: line {n} differs:\n  restored: {x}\n  original: {y}");
}

#[test]
fn round_trip_into_an_empty_library_reproduces_everything() {
    for case in 1..=12u64 {
        let original = random_library(case);
        let backup: Value =
            serde_json::from_str(&export(&original, &all(&original), ExportFormat::Json).unwrap())
                .unwrap();
        let mut restored = Library::open_in_memory().unwrap();
        let report = restored.restore(&backup).unwrap();
        assert_eq!(report.threads_created, 2, "case {case}");
        assert_same(
            &comparable(&restored),
            &comparable(&original),
            &format!("case {case}"),
        );
        // Restoring again changes nothing.
        let again = restored.restore(&backup).unwrap();
        assert_eq!(
            (
                again.threads_created,
                again.posts_added,
                again.highlights_added,
                again.highlights_updated
            ),
            (0, 0, 0, 0)
        );
        assert_eq!(
            comparable(&restored),
            comparable(&original),
            "case {case}, twice"
        );
        // The canonical text is still searchable after a restore.
        assert!(!restored
            .search("moat", None, 5, ("", ""))
            .unwrap()
            .is_empty());
    }
}

#[test]
fn merge_keeps_the_newer_edit_and_adds_what_is_missing() {
    let lib = random_library(99);
    let ids = all(&lib);
    let mut backup: Value =
        serde_json::from_str(&export(&lib, &ids, ExportFormat::Json).unwrap()).unwrap();
    let mut other = Library::open_in_memory().unwrap();
    other.restore(&backup).unwrap();
    // In the backup: the first highlight edited later, the second one earlier.
    let hs = backup["threads"][0]["highlights"].as_array_mut().unwrap();
    assert!(!hs.is_empty());
    hs[0]["note"] = "edited in the backup".into();
    hs[0]["modified"] = "2999-01-01T00:00:00Z".into();
    if hs.len() > 1 {
        hs[1]["note"] = "older edit".into();
        hs[1]["modified"] = "2001-01-01T00:00:00Z".into();
    }
    // And a highlight the other library does not have.
    let mut extra = hs[0].clone();
    extra["id"] = "11111111-2222-4333-8444-555555555555".into();
    hs.push(extra);
    let r = other.restore(&backup).unwrap();
    assert_eq!(
        (r.threads_merged, r.highlights_updated, r.highlights_added),
        (2, 1, 1)
    );
    let thread = other
        .list_threads()
        .unwrap()
        .into_iter()
        .find(|t| t.title == backup["threads"][0]["title"])
        .unwrap();
    let notes: Vec<String> = other
        .highlights(thread.id)
        .unwrap()
        .into_iter()
        .map(|h| h.note)
        .collect();
    assert_eq!(
        notes
            .iter()
            .filter(|n| *n == "edited in the backup")
            .count(),
        2
    );
    assert!(!notes.iter().any(|n| n == "older edit"));
}

#[test]
fn bad_backups_are_refused_with_the_place_and_change_nothing() {
    let lib = random_library(7);
    let good: Value =
        serde_json::from_str(&export(&lib, &all(&lib), ExportFormat::Json).unwrap()).unwrap();
    let mut target = Library::open_in_memory().unwrap();
    let mut broken = good.clone();
    broken["threads"][1]["posts"][0]
        .as_object_mut()
        .unwrap()
        .remove("text");
    let e = target.restore(&broken).unwrap_err();
    assert_eq!(e.to_string(), "$.threads[1].posts[0]: missing \"text\"");
    assert!(
        target.is_empty().unwrap(),
        "the first thread was not kept either"
    );
    let e = target
        .restore(&serde_json::json!({"format": "other"}))
        .unwrap_err();
    assert!(
        e.to_string().contains("not a Threadmark JSON export"),
        "{e}"
    );
    let mut future = good.clone();
    future["version"] = 99.into();
    assert!(target
        .restore(&future)
        .unwrap_err()
        .to_string()
        .starts_with("$.version"));
}

#[test]
fn restored_html_is_sanitized_again() {
    let lib = random_library(3);
    let mut backup: Value =
        serde_json::from_str(&export(&lib, &all(&lib), ExportFormat::Json).unwrap()).unwrap();
    backup["threads"][0]["posts"][0]["html"] =
        "<p onclick=\"alert(1)\">hi<script>alert(2)</script><a href=\"javascript:x\">l</a></p>"
            .into();
    let mut target = Library::open_in_memory().unwrap();
    target.restore(&backup).unwrap();
    let id = all(&target)[0];
    let html = &target.posts(id).unwrap()[0].html;
    assert!(
        !html.contains("onclick") && !html.contains("<script") && !html.contains("javascript:"),
        "{html}"
    );
}
