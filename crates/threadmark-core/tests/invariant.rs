//! DESIGN §2, invariant 2: the DOM `textContent` of a post's HTML is its canonical
//! text. Checked with a real HTML5 parser (html5ever, through `scraper`).

use scraper::Html;
use threadmark_core::body::{Block, Body, Inline};
use threadmark_core::import::text::parse;
use threadmark_core::{Library, SourceFormat};

pub fn text_content(html: &str) -> String {
    Html::parse_fragment(html).root_element().text().collect()
}

pub fn check(html: &str, text: &str) {
    assert_eq!(
        text_content(html),
        text,
        "textContent differs for HTML {html:?}"
    );
}

#[test]
fn every_seed_and_sample_post_stored_and_rendered() {
    let mut lib = Library::open_in_memory().unwrap();
    let seed = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Auto,
            None,
        )
        .unwrap();
    let sample = lib
        .import_bytes(
            "sample.txt",
            super::sample().as_bytes(),
            SourceFormat::Text,
            None,
        )
        .unwrap();
    let mut checked = 0;
    for id in seed.into_iter().chain(sample) {
        for post in lib.posts(id).unwrap() {
            check(&post.html, &post.text);
            checked += 1;
        }
    }
    assert!(checked > 150);
}

#[test]
fn emoji_cjk_combining_marks_and_markup_characters() {
    let src =
        "Emoji 👩‍👩‍👧 and 🇯🇵 flags, CJK 中国共产党 and 赤热, combining e\u{301} and a\u{308}\u{323}:\n\
               > quoted <script>alert(1)</script> & \"entities\" &amp; ' ’ …\n\
               >> nested 한국어 with a link https://example.com/ü?q=1&r=2\n\
               reply with\ttab and non-breaking\u{a0}space and zero\u{200b}width\n\
               [1] https://example.org/a_(b)";
    let doc = parse(src.as_bytes(), None).unwrap();
    assert_eq!(doc.posts.len(), 1);
    let r = doc.posts[0].body.render();
    check(&r.html, &r.text);
    assert!(r.text.contains("e\u{301}") && r.text.contains("👩‍👩‍👧"));
    assert!(!r.html.contains("<script"));
    // Quote spans are code-point ranges of the canonical text.
    let chars: Vec<char> = r.text.chars().collect();
    assert_eq!(r.quotes.len(), 2, "a quote and the quote nested in it");
    let quote: String = chars[r.quotes[0].start..r.quotes[0].end].iter().collect();
    assert!(
        quote.starts_with("quoted <script>") && quote.ends_with("r=2"),
        "{quote}"
    );
}

#[test]
fn every_block_kind() {
    let body = Body(vec![
        Block::Paragraph(vec![
            Inline::Text("a ".into()),
            Inline::Emphasis(vec![Inline::Text("b".into())]),
            Inline::LineBreak,
            Inline::Strong(vec![Inline::Code("<c>".into())]),
            Inline::Link {
                href: "https://x.org/\"q".into(),
                children: vec![Inline::Text("x".into())],
            },
            Inline::Link {
                href: "data:text/html,hi".into(),
                children: vec![Inline::Text("y".into())],
            },
        ]),
        Block::Code("\nfn main() {\r\n}\n\n".into()),
        Block::List {
            ordered: true,
            items: vec![
                vec![Block::Paragraph(vec![Inline::Text("one".into())])],
                vec![],
            ],
        },
        Block::Quote(vec![Block::List {
            ordered: false,
            items: vec![vec![Block::Code("x".into())]],
        }]),
        Block::Paragraph(vec![]),
    ]);
    let r = body.render();
    check(&r.html, &r.text);
    assert!(!r.html.contains("data:"));
}

#[test]
fn sanitizer_changes_nothing_in_rendered_html() {
    // The rendered HTML uses only allow-listed markup: ammonia's default policy keeps
    // its text content intact.
    let doc = parse(super::seed().as_bytes(), None).unwrap();
    for post in &doc.posts {
        let r = post.body.render();
        let cleaned = ammonia_clean(&r.html);
        assert_eq!(cleaned, r.html, "the sanitizer would change rendered HTML");
        assert_eq!(text_content(&cleaned), r.text);
    }
}

fn ammonia_clean(html: &str) -> String {
    threadmark_core::body::sanitize(html)
}
