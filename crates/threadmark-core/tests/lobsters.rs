//! The Lobsters importer over both shapes in `../shared/corpus/lobsters/`.

use super::hn::{check, Expect};

fn expect(file: &'static str) -> Expect {
    Expect {
        file,
        source: "lobsters",
        posts: 11,
        root: "tdfoqh",
        key: "tdfoqh",
        title: "Ranking comments by sum of replies' scores",
        url: Some("https://lobste.rs/s/tdfoqh/ranking_comments_by_sum_replies_scores"),
        parents: &[
            ("ncdsfc", "tdfoqh"),
            ("pcvbcd", "m3wyu5"),
            ("owddle", "9vyyu5"),
            ("lqqn3a", "owddle"),
            ("qy0l9k", "4l8mzk"),
        ],
        depths: &[("tdfoqh", 0), ("ncdsfc", 1), ("owddle", 2), ("lqqn3a", 3)],
        authors: &[
            ("tdfoqh", "gioele"),
            ("ncdsfc", "dpercy"),
            ("qy0l9k", "pushcx"),
        ],
        texts: &[
            (
                "tdfoqh",
                "but by the sum of all the scores of their children?",
            ),
            (
                "tdfoqh",
                "the root comment has 1 point,\nthe first reply has 12 points,",
            ),
            (
                "pcvbcd",
                "b) @dpercy’s max variant would avoid rewarding such discussions.",
            ),
        ],
        deleted: &[],
        absent: &[],
        quotes: &[
            ("ncdsfc", "tdfoqh"),
            ("pcvbcd", "m3wyu5"),
            ("owddle", "9vyyu5"),
        ],
    }
}

#[test]
fn story_of_2023_with_indent_level() {
    let doc = check(&expect(
        "lobsters/post_details_tdfoqh.2023-indent_level.json",
    ));
    assert_eq!(doc.posts[0].created_at, Some(1658509619));
    assert_eq!(doc.posts[1].created_at, Some(1658516676));
}

#[test]
fn story_of_2025_with_depth() {
    check(&expect("lobsters/post_details_tdfoqh.2025-depth.json"));
}

#[test]
fn depth_only_comments_nest_by_depth() {
    // Without `parent_comment`, `depth` gives the tree.
    let json = r#"{"short_id":"abc","title":"T","url":"https://example.com/","comments":[
        {"short_id":"c1","depth":0,"comment":"<p>one</p>","commenting_user":"a"},
        {"short_id":"c2","depth":1,"comment":"<p>two</p>","commenting_user":"b"},
        {"short_id":"c3","depth":2,"comment":"<p>three</p>","commenting_user":"c"},
        {"short_id":"c4","depth":1,"comment":"<p>four</p>","commenting_user":"d"},
        {"short_id":"c5","depth":0,"comment":"<p>five</p>","commenting_user":"e"}]}"#;
    let doc = threadmark_core::import::parse_bytes("l.json", json.as_bytes(), &Default::default())
        .unwrap()
        .remove(0);
    let parents: Vec<_> = doc.posts.iter().map(|p| p.parent.as_deref()).collect();
    assert_eq!(
        parents,
        [
            None,
            Some("abc"),
            Some("c1"),
            Some("c2"),
            Some("c1"),
            Some("abc")
        ]
    );
    assert_eq!(doc.url.as_deref(), Some("https://example.com/"));
}
