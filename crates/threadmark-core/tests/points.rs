//! Points (issue 18): each source's scores stored with its posts, and the thread
//! filter's `points>=N` over them. Expected values are read from the corpus JSON
//! here, by path, not from the importers.

use std::collections::BTreeSet;

use serde_json::Value;
use threadmark_core::{Library, SourceFormat};

use crate::corpus;

fn json(rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(corpus().join(rel)).unwrap()).unwrap()
}

fn import(lib: &mut Library, rel: &str) -> i64 {
    let bytes = std::fs::read(corpus().join(rel)).unwrap();
    lib.import_bytes(rel, &bytes, SourceFormat::Auto, None)
        .unwrap()[0]
}

fn selected(lib: &Library, id: i64, query: &str) -> BTreeSet<String> {
    lib.filter_thread(id, query).unwrap().into_iter().collect()
}

/// Every Reddit comment (`t1`) in the file, with its score, depth first.
fn reddit_scores(node: &Value, out: &mut Vec<(String, i64)>) {
    for child in node["data"]["children"].as_array().into_iter().flatten() {
        if child["kind"] != "t1" {
            continue;
        }
        let d = &child["data"];
        out.push((
            d["name"].as_str().unwrap().to_string(),
            d["score"].as_i64().unwrap(),
        ));
        if d["replies"].is_object() {
            reddit_scores(&d["replies"], out);
        }
    }
}

#[test]
fn reddit_scores_are_stored_and_filtered() {
    let rel = "reddit/3hahrw.interaction01.comments.json";
    let file = json(rel);
    let story = &file[0]["data"]["children"][0]["data"];
    let mut scores = vec![(
        story["name"].as_str().unwrap().to_string(),
        story["score"].as_i64().unwrap(),
    )];
    reddit_scores(&file[1], &mut scores);

    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(&dir.path().join("l.sqlite3")).unwrap();
    let id = import(&mut lib, rel);
    let posts = lib.posts(id).unwrap();
    let stored: std::collections::HashMap<&str, Option<i64>> = posts
        .iter()
        .map(|p| (p.source_id.as_str(), p.points))
        .collect();
    let mut compared = 0;
    for (name, score) in &scores {
        if let Some(points) = stored.get(name.as_str()) {
            assert_eq!(*points, Some(*score), "{name}");
            compared += 1;
        }
    }
    assert!(compared > 400, "{compared} posts compared");

    for n in [100, 500, 1_000] {
        let expected: BTreeSet<String> = scores
            .iter()
            .filter(|(name, s)| *s >= n && stored.contains_key(name.as_str()))
            .map(|(name, _)| name.clone())
            .collect();
        assert!(!expected.is_empty(), "points>={n}");
        assert_eq!(selected(&lib, id, &format!("points>={n}")), expected);
        // The negation is every other post that has points.
        let rest = selected(&lib, id, &format!("-points>={n}"));
        assert!(rest.is_disjoint(&expected));
        assert_eq!(rest.len() + expected.len(), compared);
    }
    // Combined with other terms: every term must hold.
    let op = story["author"].as_str().unwrap();
    let ops_high: BTreeSet<String> = selected(&lib, id, &format!("author:{op} points>10"));
    for source_id in &ops_high {
        let post = posts.iter().find(|p| &p.source_id == source_id).unwrap();
        assert_eq!(post.author.as_deref(), Some(op));
        assert!(post.points.unwrap() > 10);
    }
}

#[test]
fn lobsters_and_discourse_give_points_hacker_news_comments_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(&dir.path().join("l.sqlite3")).unwrap();

    let rel = "lobsters/post_details_tdfoqh.2025-depth.json";
    let story = json(rel);
    let id = import(&mut lib, rel);
    let mut expected: Vec<i64> = story["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["score"].as_i64().unwrap())
        .collect();
    expected.push(story["score"].as_i64().unwrap());
    expected.sort();
    let mut stored: Vec<i64> = lib
        .posts(id)
        .unwrap()
        .iter()
        .map(|p| p.points.unwrap())
        .collect();
    stored.sort();
    assert_eq!(stored, expected);
    assert_eq!(
        selected(&lib, id, "points>=5").len(),
        expected.iter().filter(|&&s| s >= 5).count()
    );

    // Discourse: likes, from the like action (id 2) of `actions_summary`.
    let rel = "discourse/discourse_topic_1148.json";
    let topic = json(rel);
    let id = import(&mut lib, rel);
    let posts = lib.posts(id).unwrap();
    for p in topic["post_stream"]["posts"].as_array().unwrap() {
        let likes = p["actions_summary"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == 2)
            .map_or(0, |a| a["count"].as_i64().unwrap());
        let number = p["post_number"].as_i64().unwrap().to_string();
        let post = posts.iter().find(|q| q.source_id == number).unwrap();
        assert_eq!(post.points, Some(likes), "post {number}");
    }
    assert_eq!(
        selected(&lib, id, "points>=1"),
        BTreeSet::from(["1".to_string(), "4".to_string()])
    );

    // Hacker News (Algolia): the story's points, none for comments, so a points
    // filter selects the story at most and its negation never a comment.
    let rel = "hn/algolia/neonmodem-49953495-trimmed.json";
    let item = json(rel);
    let id = import(&mut lib, rel);
    let posts = lib.posts(id).unwrap();
    assert_eq!(posts[0].points, item["points"].as_i64());
    assert!(posts[1..].iter().all(|p| p.points.is_none()));
    assert_eq!(
        selected(&lib, id, "points>=1"),
        BTreeSet::from([posts[0].source_id.clone()])
    );
    assert!(selected(&lib, id, "-points>=100000").len() <= 1);
}

/// A refresh where only scores moved stores the new scores and marks nothing edited.
#[test]
fn a_change_of_points_alone_is_not_an_edit() {
    let rel = "lobsters/post_details_tdfoqh.2025-depth.json";
    let mut story = json(rel);
    let dir = tempfile::tempdir().unwrap();
    let mut lib = Library::open(&dir.path().join("l.sqlite3")).unwrap();
    let first = serde_json::to_vec(&story).unwrap();
    let id = lib
        .import_bytes("story.json", &first, SourceFormat::Lobsters, None)
        .unwrap()[0];
    for c in story["comments"].as_array_mut().unwrap() {
        let s = c["score"].as_i64().unwrap();
        c["score"] = Value::from(s + 100);
    }
    let second = serde_json::to_vec(&story).unwrap();
    let again = lib
        .import_bytes("story.json", &second, SourceFormat::Lobsters, None)
        .unwrap()[0];
    assert_eq!(again, id);
    let posts = lib.posts(id).unwrap();
    assert!(posts.iter().all(|p| p.change.is_none()), "nothing edited");
    let comments: Vec<i64> = posts[1..].iter().map(|p| p.points.unwrap()).collect();
    assert!(comments.iter().all(|&p| p > 100), "{comments:?}");
}
