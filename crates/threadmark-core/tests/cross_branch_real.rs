//! Cross-branch quotes on a real thread (issue 19, part 1). The corpus holds no reply
//! that quotes a comment outside its own branch: the HN, Reddit, Lobsters and
//! Discourse threads and the mailboxes were searched, and every quote found is of an
//! ancestor, of the linked article, or of another conversation. So this fixture is a
//! real Hacker News thread (`hn/hnpwa/hnpwa-item-26312516.comments.json`, 61
//! top-level comments shown by rank, real text and times) with twelve replies added
//! here, each under one top-level comment and quoting a sentence of a real comment
//! in a later branch that was written before the reply. By thread order those
//! sources come after the reply; by creation time they come before it.

use std::collections::HashMap;

use serde_json::{json, Value};
use threadmark_core::{Library, SourceFormat};

use crate::corpus;

const FILE: &str = "hn/hnpwa/hnpwa-item-26312516.comments.json";

/// The first sentence of at least 40 characters of `text` without quote lines.
fn sentence(text: &str) -> Option<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('>'))
        .flat_map(|l| l.split_inclusive(". "))
        .map(str::trim)
        .find(|s| s.chars().count() >= 40 && s.chars().count() <= 160)
        .map(str::to_string)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn replies_quoting_comments_in_later_branches_find_them_by_time() {
    let original: Value =
        serde_json::from_slice(&std::fs::read(corpus().join(FILE)).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(&dir.path().join("l.sqlite3")).unwrap();
    let bytes = serde_json::to_vec(&original).unwrap();
    let first = lib
        .import_bytes("real.json", &bytes, SourceFormat::Hn, None)
        .unwrap()[0];
    let texts: HashMap<String, String> = lib
        .posts(first)
        .unwrap()
        .into_iter()
        .map(|p| (p.source_id, p.text))
        .collect();

    // Each reply goes under top-level comment k and quotes top-level comment j > k
    // (a later branch), written before the reply.
    let mut thread = original.clone();
    let tops = thread["comments"].as_array_mut().unwrap();
    let mut expected: Vec<(String, String)> = Vec::new(); // (reply id, source id)
    let mut j = tops.len();
    for k in 0..tops.len() {
        if expected.len() == 12 || k + 1 >= tops.len() {
            break;
        }
        // The source: the last top-level comment not used yet, with a sentence.
        let found = (k + 1..j).rev().find_map(|j| {
            let id = tops[j]["id"].as_i64()?.to_string();
            Some((j, id.clone(), sentence(texts.get(&id)?)?))
        });
        let Some((at, source, quoted)) = found else {
            break;
        };
        j = at;
        let time = tops[k]["time"]
            .as_i64()
            .unwrap()
            .max(tops[at]["time"].as_i64().unwrap())
            + 600;
        let id = 90_000_000 + k as i64;
        let reply = json!({
            "id": id,
            "level": 1,
            "user": "fixture",
            "time": time,
            "time_ago": "",
            "content": format!("<p>&gt; {}<p>That is the point the other branch makes too.", escape(&quoted)),
            "comments": [],
        });
        tops[k]["comments"].as_array_mut().unwrap().push(reply);
        expected.push((id.to_string(), source));
    }
    assert_eq!(expected.len(), 12, "replies added");

    let bytes = serde_json::to_vec(&thread).unwrap();
    let id = lib
        .import_bytes("real-with-replies.json", &bytes, SourceFormat::Hn, None)
        .unwrap()[0];
    let posts = lib.posts(id).unwrap();
    let position: HashMap<&str, usize> = posts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_id.as_str(), i))
        .collect();
    let quotes = lib.quotes(id).unwrap();
    for (reply, source) in &expected {
        // Shown before its source (a later branch)…
        assert!(
            position[reply.as_str()] < position[source.as_str()],
            "{reply}"
        );
        // …and resolved to it, with the exact words.
        let quote = quotes
            .iter()
            .find(|q| &q.post == reply && q.depth == 1)
            .unwrap_or_else(|| panic!("no quote stored for {reply}"));
        assert_eq!(quote.source.as_deref(), Some(source.as_str()), "{reply}");
        assert_eq!(quote.score, Some(1.0), "{reply}");
        let text = &texts[source];
        let (s, e) = (quote.source_start.unwrap(), quote.source_end.unwrap());
        let span: String = text
            .chars()
            .skip(s as usize)
            .take((e - s) as usize)
            .collect();
        assert_eq!(span.trim(), quote.text.trim(), "{reply}");
    }
}
