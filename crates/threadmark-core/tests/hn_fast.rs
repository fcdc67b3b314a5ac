//! The Hacker News fast path (`html::hn_fast_body`) against the general conversion
//! (`html::convert` with quote markers: cap, sanitize, parse, walk): on every body of
//! the real HN files, on the synthetic threads, and on the XSS payload list as
//! bodies, as escaped text and as link targets. Wherever the fast path gives a body
//! it must be the same body; and it must accept the real dialect, or it is useless.

use serde_json::Value;
use threadmark_core::fuzzing::{hn_fast_agrees, hn_tokens};
use threadmark_core::import::html::hn_fast_body;
use threadmark_core::synthetic::{hn_algolia, hn_escape, Rng};

use crate::corpus;

/// Agreement on `html`; whether the fast path read it.
fn check(html: &str) -> bool {
    hn_fast_agrees(html);
    hn_fast_body(html).is_some()
}

/// Every string in a JSON document, and whether it is a body (`text` in Algolia
/// and Firebase items, `content` in HNPWA ones).
fn strings<'a>(v: &'a Value, out: &mut Vec<(bool, &'a str)>) {
    let mut stack = vec![(false, v)];
    while let Some((body, v)) = stack.pop() {
        match v {
            Value::String(s) => out.push((body, s)),
            Value::Array(a) => stack.extend(a.iter().map(|x| (false, x))),
            Value::Object(o) => stack.extend(
                o.iter()
                    .map(|(k, x)| (matches!(k.as_str(), "text" | "content"), x)),
            ),
            _ => {}
        }
    }
}

/// HTML-escape as Hacker News does.
fn hn_escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    hn_escape(s, &mut out);
    out
}

#[test]
fn fast_path_agrees_on_every_real_hn_body_and_reads_most() {
    let files = crate::files_under(&corpus().join("hn"));
    let (mut bodies, mut read) = (0usize, 0usize);
    let mut others = 0usize;
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "json"))
    {
        let v: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
        let mut all = Vec::new();
        strings(&v, &mut all);
        for (body, s) in all {
            let accepted = check(s);
            if body && !s.is_empty() {
                bodies += 1;
                read += usize::from(accepted);
            } else {
                others += 1;
            }
        }
    }
    // The saved item page: the comment cells' inner HTML (what the page importer
    // passes on is built from the same cells).
    let page =
        std::fs::read_to_string(corpus().join("hn/html/hn-item-page-hyperv-containers-2015.html"))
            .unwrap();
    let doc = scraper::Html::parse_document(&page);
    let cells = scraper::Selector::parse(".comment, .commtext, .toptext").unwrap();
    let mut page_cells = 0;
    for cell in doc.select(&cells) {
        check(&cell.inner_html());
        page_cells += 1;
    }
    assert!(page_cells > 50, "{page_cells} comment cells in the page");
    println!(
        "HN fast path: read {read} of {bodies} JSON bodies ({:.1}%); {others} other strings and {page_cells} page cells checked",
        100.0 * read as f64 / bodies as f64
    );
    assert!(bodies > 700, "{bodies} bodies in the HN corpus");
    // The rest use markup outside the dialect: they take the general path.
    assert!(
        read * 100 >= bodies * 95,
        "the fast path reads only {read} of {bodies} real HN bodies"
    );
}

#[test]
fn fast_path_reads_every_synthetic_body_alike() {
    for (posts, seed) in [(3_000, 1), (500, 77)] {
        let json = hn_algolia(posts, seed);
        let v: Value = serde_json::from_str(&json).unwrap();
        let mut all = Vec::new();
        strings(&v, &mut all);
        let bodies: Vec<&str> = all.iter().filter(|(b, _)| *b).map(|(_, s)| *s).collect();
        assert!(bodies.len() >= posts - 1, "{} bodies", bodies.len());
        for html in bodies {
            assert!(
                check(html),
                "the fast path refuses a synthetic body: {html:?}"
            );
        }
    }
}

/// What follows a scheme-like word in `p` (`javascript:`, `data:`, `http:`, …) up to
/// a quote, a bracket or a space: the URLs a payload tries to smuggle in.
fn payload_urls(p: &str) -> Vec<&str> {
    let lower = p.to_ascii_lowercase();
    let mut out = Vec::new();
    for scheme in [
        "javascript:",
        "vbscript:",
        "data:",
        "http:",
        "https:",
        "mailto:",
    ] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(scheme).map(|i| from + i) {
            let end = p[at..]
                .find(|c: char| c.is_whitespace() || "\"'<>`".contains(c))
                .map_or(p.len(), |i| at + i);
            out.push(&p[at..end]);
            from = at + scheme.len();
        }
    }
    out
}

#[test]
fn fast_path_agrees_on_xss_payloads_as_markup_text_and_links() {
    let list = std::fs::read_to_string(corpus().join("security/xss-payload-list.txt")).unwrap();
    let payloads: Vec<&str> = list.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(payloads.len() > 6_000, "{} payloads", payloads.len());
    let (mut raw, mut escaped, mut urls) = (0usize, 0usize, 0usize);
    for p in &payloads {
        raw += usize::from(check(p));
        check(&format!("I said <i>{p}</i><p>{p}"));
        // As HN would send it typed into a comment: text, which the fast path reads.
        let text = hn_escaped(p);
        escaped += usize::from(check(&format!("&gt; {text}<p>{text}")));
        // As a link target, which the sanitizer's URL rule keeps or drops.
        check(&format!("<a href=\"{text}\" rel=\"nofollow\">{text}</a>"));
        check(&format!("<a href=\"{p}\" rel=\"nofollow\">x</a>"));
        // The URLs inside the payload (`javascript:…`, `data:…`, …) as link targets.
        for url in payload_urls(p) {
            let url = hn_escaped(url);
            assert!(check(&format!(
                "<a href=\"{url}\" rel=\"nofollow\">{url}</a>"
            )));
            urls += 1;
        }
    }
    assert!(urls > 200, "{urls} URLs in the payloads");
    println!(
        "HN fast path on {} payloads: read {raw} raw, {escaped} escaped; {urls} URLs in them as links",
        payloads.len()
    );
    // Escaped payloads are plain text; only those holding characters the parser
    // reports (controls) take the general path.
    assert!(
        escaped * 100 >= payloads.len() * 99,
        "escaped payloads read: {escaped} of {}",
        payloads.len()
    );
}

/// A seeded run of the fuzz target's token grammar: mostly HN's dialect, with the
/// edges around it (stray end tags, odd references, bad links, controls).
#[test]
fn fast_path_agrees_on_random_token_soup() {
    let mut rng = Rng::new(0x4e_fa57);
    let mut read = 0;
    let runs = 3_000;
    for _ in 0..runs {
        let len = 1 + rng.below(30);
        let data: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
        read += usize::from(check(&hn_tokens(&data)));
    }
    println!("HN fast path: read {read} of {runs} token soups");
    assert!(read > runs / 5, "only {read} of {runs} token soups read");
}
