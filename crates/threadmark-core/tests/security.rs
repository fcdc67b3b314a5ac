//! Hostile bodies (issue 8, Security): threads whose posts are each of the 6,613
//! payloads of `security/xss-payload-list.txt`, imported as a Hacker News page, as
//! Hacker News JSON with the payload as the comment's HTML, as Reddit Markdown and as
//! mail. The stored HTML and every export hold no script, event handler,
//! `javascript:`/`data:` URL, frame, object or embed, and each payload written as
//! text in its source format is still there as text.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use scraper::{ElementRef, Html, Selector};
use serde_json::{json, Value};
use threadmark_core::export::{export_at, json_export, ExportFormat};
use threadmark_core::{Library, SourceFormat};

const EXPORTED_AT: i64 = 1_767_225_600;

fn payloads() -> Vec<String> {
    let text = std::fs::read_to_string(super::corpus().join("security/xss-payload-list.txt"))
        .expect("payload list readable");
    let list: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(list.len(), 6613);
    list
}

/// Whitespace collapsed to single spaces, trimmed: what HTML, Markdown and mail
/// layout leave of a line's spacing.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Every ASCII punctuation character backslash-escaped: Markdown for "this text".
fn md_literal(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Elements that must never appear, whatever the context.
const FORBIDDEN: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
    "button", "textarea", "select", "img", "svg", "math", "video", "audio", "source", "link",
    "base", "template", "noscript", "marquee", "isindex", "portal",
];

/// URL-bearing attributes.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "srcset",
    "data",
    "poster",
    "background",
    "cite",
    "longdesc",
    "usemap",
    "codebase",
    "ping",
];

/// A line `<!-- threadmark:begin|end ID … -->` of the Markdown export's managed
/// blocks, whose ID and words hold no `-->`.
fn is_block_marker(html: &str) -> bool {
    let line = html.strip_suffix('\n').unwrap_or(html);
    let inner = line
        .strip_prefix("<!-- threadmark:begin ")
        .or_else(|| line.strip_prefix("<!-- threadmark:end "))
        .and_then(|l| l.strip_suffix(" -->"));
    inner.is_some_and(|i| {
        !i.contains("--")
            && i.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ' || c == '=')
    })
}

/// A link a note in a Markdown export may keep: a safe URL, or an address without
/// a scheme (relative, another note).
fn note_link_ok(dest: &str) -> bool {
    let squashed: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    safe_url(&squashed)
        || !squashed
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .contains(':')
}

/// A URL a page may carry: http(s), mailto or an in-page `#` anchor.
fn safe_url(v: &str) -> bool {
    let cleaned: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("http://")
        || cleaned.starts_with("https://")
        || cleaned.starts_with("mailto:")
        || cleaned.starts_with('#')
        // The app's own link to a highlight (written from its uuid, never from the page).
        || v.strip_prefix("threadmark://highlight/")
            .is_some_and(|id| id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
}

/// Checks a parsed document or fragment: only `allowed` elements, none of
/// [`FORBIDDEN`], no `on*` attribute, no style attribute, every URL attribute safe,
/// no `javascript:` / `data:` / `vbscript:` anywhere in an attribute value.
fn assert_inert(doc: &Html, allowed: &[&str], what: &str) {
    for node in doc.tree.nodes() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        assert!(!FORBIDDEN.contains(&name), "{what}: a <{name}> element");
        assert!(allowed.contains(&name), "{what}: an unexpected <{name}>");
        for (attr, value) in el.value().attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(!attr.starts_with("on"), "{what}: <{name} {attr}={value:?}>");
            assert!(attr != "style", "{what}: a style attribute on <{name}>");
            if URL_ATTRS.contains(&attr.as_str()) {
                assert!(safe_url(value), "{what}: <{name} {attr}={value:?}>");
            }
            let squashed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:"] {
                if attr == "content" && name == "meta" {
                    continue; // the page's CSP names no scheme
                }
                assert!(
                    !squashed.starts_with(scheme),
                    "{what}: <{name} {attr}={value:?}>"
                );
            }
        }
    }
}

/// The elements a stored post may hold (the reader's allow-list, plus what the
/// fragment parser wraps it in).
fn stored_allowed() -> Vec<&'static str> {
    let mut v = threadmark_core::body::READER_TAGS.to_vec();
    v.extend(["html", "body"]);
    v
}

/// The elements of the standalone HTML export.
fn page_allowed() -> Vec<&'static str> {
    let mut v = threadmark_core::body::READER_TAGS.to_vec();
    v.extend([
        "html", "head", "body", "meta", "title", "style", "header", "main", "section", "h1", "h2",
        "span", "time", "mark", "aside", "div",
    ]);
    v
}

fn text_of(el: ElementRef) -> String {
    el.text().collect()
}

/// One library check for a thread: stored posts, the JSON backup, the HTML page and
/// the Markdown export are inert; the HTML page shows each post's canonical text.
/// Returns the posts' canonical texts after the root post.
fn check_thread(lib: &Library, id: i64, what: &str) -> Vec<String> {
    let posts = lib.posts(id).unwrap();
    // Stored HTML: inert, and its textContent is the canonical text.
    for p in &posts {
        let doc = Html::parse_fragment(&p.html);
        assert_inert(
            &doc,
            &stored_allowed(),
            &format!("{what} post {}", p.source_id),
        );
        assert_eq!(
            text_of(doc.root_element()),
            p.text,
            "{what} post {}",
            p.source_id
        );
    }

    // What the file itself holds (since schema 6 a post's markup, its html then
    // empty): inert as HTML too, whoever reads the file directly.
    let mut stmt = lib
        .connection()
        .prepare("SELECT source_id, html, coalesce(markup, '') FROM posts WHERE thread_id = ?1")
        .unwrap();
    let rows = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    for row in rows {
        let (source, html, markup): (String, String, String) = row.unwrap();
        for (column, stored) in [("html", html), ("markup", markup)] {
            assert_inert(
                &Html::parse_fragment(&stored),
                &stored_allowed(),
                &format!("{what} post {source}, column {column}"),
            );
        }
    }

    // JSON backup: each post's html is the stored (inert) HTML, its text the text.
    let backup: Value =
        serde_json::from_str(&export_at(lib, &[id], ExportFormat::Json, EXPORTED_AT).unwrap())
            .unwrap();
    let exported = backup["threads"][0]["posts"].as_array().unwrap();
    assert_eq!(exported.len(), posts.len());
    for (e, p) in exported.iter().zip(&posts) {
        assert_eq!(e["html"], p.html.as_str());
        assert_eq!(e["text"], p.text.as_str());
    }

    // The standalone page: inert as a whole; each post's body shows exactly its text.
    let page = export_at(lib, &[id], ExportFormat::Html, EXPORTED_AT).unwrap();
    let doc = Html::parse_document(&page);
    assert_inert(&doc, &page_allowed(), &format!("{what} HTML export"));
    let style = Selector::parse("style").unwrap();
    assert_eq!(doc.select(&style).count(), 1);
    let sheet = text_of(doc.select(&style).next().unwrap());
    for bad in ["<", "url(", "@import", "expression", "javascript"] {
        assert!(!sheet.contains(bad), "{what}: the style sheet holds {bad}");
    }
    let body = Selector::parse("li.post > div.body").unwrap();
    let bodies: Vec<String> = doc.select(&body).map(text_of).collect();
    assert_eq!(bodies.len(), posts.len(), "{what}: a body per post");
    for (b, p) in bodies.iter().zip(&posts) {
        assert_eq!(b, &p.text, "{what} HTML export, post {}", p.source_id);
    }

    // Markdown: no raw HTML, no link or image at all; each post's text readable.
    let md = export_at(lib, &[id], ExportFormat::Markdown, EXPORTED_AT).unwrap();
    let mut sections: Vec<String> = Vec::new();
    let mut in_heading = false;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    // The posts are the `###` sections after `## Thread` (the highlights come first).
    let thread_start = md.find("\n## Thread\n").expect("a Thread section");
    for (event, at) in Parser::new_ext(&md, options).into_offset_iter() {
        match event {
            // The managed blocks' markers (whole lines of their own) and nothing else.
            Event::Html(h) if is_block_marker(&h) => {}
            Event::Html(h) | Event::InlineHtml(h) => panic!("{what} Markdown: raw HTML {h:?}"),
            // Notes are the user's Markdown (in the highlights, before the thread):
            // a link there may stay, to a safe address only.
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if at.start < thread_start && note_link_ok(&dest_url) => {}
            Event::Start(Tag::Link { dest_url, .. }) => {
                panic!("{what} Markdown: a link to {dest_url:?}")
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                panic!("{what} Markdown: an image {dest_url:?}")
            }
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(level)) => {
                in_heading = false;
                if level == pulldown_cmark::HeadingLevel::H3 && at.start > thread_start {
                    sections.push(String::new());
                }
            }
            Event::Text(t) | Event::Code(t) if !in_heading => {
                if let Some(s) = sections.last_mut() {
                    s.push_str(&t);
                }
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::BlockQuote(_),
            ) => {
                if let Some(s) = sections.last_mut() {
                    s.push(' ');
                }
            }
            _ => {}
        }
    }
    assert_eq!(
        sections.len(),
        posts.len(),
        "{what} Markdown: a section per post"
    );
    for (s, p) in sections.iter().zip(&posts) {
        assert_eq!(
            norm(s),
            norm(&p.text),
            "{what} Markdown, post {}",
            p.source_id
        );
    }
    posts.iter().skip(1).map(|p| p.text.clone()).collect()
}

/// Each payload is (modulo whitespace) the text of the post made from it. Where the
/// format reads a line starting with `>` as a quote (Hacker News, mail), the markers
/// are syntax: the quoted text is what must remain.
fn assert_readable(texts: &[String], payloads: &[String], quote_markers: bool, what: &str) {
    assert_eq!(texts.len(), payloads.len(), "{what}: one post per payload");
    let mut unreadable = Vec::new();
    for (t, p) in texts.iter().zip(payloads) {
        let quoted = p.trim_start().starts_with('>');
        let expected = if quote_markers && quoted {
            p.trim_start().trim_start_matches(['>', ' '])
        } else {
            p.as_str()
        };
        if norm(t) != norm(expected) {
            unreadable.push(format!("{p:?} became {t:?}"));
        }
    }
    assert!(
        unreadable.is_empty(),
        "{what}: {} payloads not readable as text, e.g. {:?}",
        unreadable.len(),
        &unreadable[..unreadable.len().min(5)]
    );
}

/// A saved Hacker News item page whose comments are the payloads, escaped as HN
/// escapes comment text.
fn hn_page(payloads: &[String]) -> String {
    let mut page = String::from(
        "<html><head><title>Payloads | Hacker News</title></head><body><table>\
         <tr class=\"athing submission\" id=\"1000\"><td class=\"title\"><span class=\"titleline\">\
         <a href=\"https://example.com/payloads\">Payloads</a></span></td></tr>\
         <tr><td class=\"subtext\"><a class=\"hnuser\" href=\"user?id=op\">op</a> \
         <span class=\"age\" title=\"2024-01-01T00:00:00 1704067200\"></span></td></tr>",
    );
    for (i, p) in payloads.iter().enumerate() {
        page.push_str(&format!(
            "<tr class=\"athing comtr\" id=\"{}\"><td><table><tr><td class=\"ind\" indent=\"{}\"></td>\
             <td class=\"default\"><div class=\"comhead\"><a class=\"hnuser\" href=\"user?id=u{i}\">u{i}</a> \
             <span class=\"age\" title=\"2024-01-01T00:00:00 {}\"></span></div>\
             <div class=\"comment\"><div class=\"commtext c00\">{}</div></div></td></tr></table></td></tr>",
            2000 + i,
            i % 3,
            1_704_067_200 + i as i64,
            html_escape(p)
        ));
    }
    page.push_str("</table></body></html>");
    page
}

/// Hacker News (Algolia) JSON whose comments carry the payloads as their HTML: the
/// hostile-markup case.
fn hn_json_raw(payloads: &[String]) -> String {
    let children: Vec<Value> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({"id": 5000 + i, "type": "comment", "author": format!("u{i}"),
                   "created_at_i": 1_704_067_200 + i as i64, "text": p, "parent_id": 4999, "children": []})
        })
        .collect();
    json!({"id": 4999, "type": "story", "title": "Payloads as HTML", "author": "op",
           "created_at_i": 1_704_067_200, "url": "https://example.com/", "children": children})
    .to_string()
}

/// Reddit comments JSON. `literal`: each body is the payload written as Markdown
/// text (every punctuation escaped); else the payload as typed Markdown. Either way
/// `&`, `<` and `>` are entities, as Reddit's API sends them.
fn reddit_json(payloads: &[String], literal: bool) -> String {
    let children: Vec<Value> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let md = if literal { md_literal(p) } else { p.clone() };
            json!({"kind": "t1", "data": {"id": format!("c{i}"), "name": format!("t1_c{i}"),
                   "parent_id": "t3_pay", "author": format!("u{i}"), "created_utc": 1_704_067_200 + i as i64,
                   "body": html_escape(&md), "replies": ""}})
        })
        .collect();
    json!([
        {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {
            "id": "pay", "name": "t3_pay", "title": "Payloads", "author": "op", "selftext": "",
            "created_utc": 1_704_067_200, "permalink": "/r/test/comments/pay/payloads/",
            "url": "https://www.reddit.com/r/test/comments/pay/payloads/"}}]}},
        {"kind": "Listing", "data": {"children": children}}
    ])
    .to_string()
}

/// An mbox: a root message and one reply per payload, each a plain-text body.
fn mbox(payloads: &[String]) -> String {
    let mut out = String::new();
    let message = |out: &mut String, id: &str, reply_to: Option<&str>, body: &str| {
        out.push_str("From sender@example.com Mon Jan  1 00:00:00 2024\n");
        out.push_str(&format!("Message-ID: <{id}@example.com>\n"));
        if let Some(r) = reply_to {
            out.push_str(&format!(
                "In-Reply-To: <{r}@example.com>\nReferences: <{r}@example.com>\n"
            ));
            out.push_str("Subject: Re: Payloads\n");
        } else {
            out.push_str("Subject: Payloads\n");
        }
        out.push_str("From: Sender <sender@example.com>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n");
        out.push_str("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n");
        out.push_str(body);
        out.push_str("\n\n");
    };
    message(&mut out, "root", None, "The payloads follow.");
    for (i, p) in payloads.iter().enumerate() {
        message(&mut out, &format!("m{i}"), Some("root"), p);
    }
    out
}

fn import(lib: &mut Library, name: &str, bytes: &str, format: SourceFormat) -> i64 {
    let ids = lib
        .import_bytes(name, bytes.as_bytes(), format, None)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(ids.len(), 1, "{name}: one thread");
    ids[0]
}

#[test]
fn hn_page_payloads_are_inert_and_readable_in_every_export() {
    let payloads = payloads();
    let mut lib = Library::open_in_memory().unwrap();
    let id = import(
        &mut lib,
        "payloads.html",
        &hn_page(&payloads),
        SourceFormat::Hn,
    );

    // A highlight on every payload post, with the payload as its note too: the
    // annotation exports carry hostile text in every field a user fills. They go in
    // through a restore (one transaction) rather than 6,613 single additions.
    let labels = ["Claim", "Evidence", "Rebuttal", "Question"];
    let posts = lib.posts(id).unwrap();
    let mut doc = json_export(&lib, &[id]).unwrap();
    let marks: Vec<Value> = posts
        .iter()
        .skip(1)
        .enumerate()
        .map(|(i, p)| {
            json!({"id": format!("00000000-0000-4000-8000-{i:012}"), "post": p.source_id,
                   "exact": p.text, "prefix": "", "suffix": "", "start": 0, "end": p.text.chars().count(),
                   "label": labels[i % labels.len()], "note": payloads[i], "tags": [format!("t{}", i % 7)],
                   "state": "anchored", "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z"})
        })
        .collect();
    doc["threads"][0]["highlights"] = Value::Array(marks);
    let report = lib.restore(&doc).unwrap();
    assert_eq!(report.highlights_added, payloads.len());
    let highlights = lib.highlights(id).unwrap();
    assert_eq!(highlights.len(), payloads.len());
    let texts = check_thread(&lib, id, "HN page");
    assert_readable(&texts, &payloads, true, "HN page");

    // The page's highlight index and notes are text too.
    let page = export_at(&lib, &[id], ExportFormat::Html, EXPORTED_AT).unwrap();
    let doc = Html::parse_document(&page);
    let marks = Selector::parse("li.post mark").unwrap();
    let mut marked: HashMap<String, String> = HashMap::new();
    for m in doc.select(&marks) {
        if let Some(hid) = m.attr("id") {
            marked.insert(hid.to_string(), text_of(m));
        }
    }
    assert_eq!(marked.len(), highlights.len(), "every highlight is marked");
    let notes = Selector::parse("aside.notes").unwrap();
    let notes: Vec<String> = doc.select(&notes).map(text_of).collect();
    assert_eq!(notes.len(), payloads.len());
    for (n, p) in notes.iter().zip(&payloads) {
        // A note is Markdown: the page shows it rendered (and sanitized), so its
        // text is the rendered note's text.
        let rendered = Html::parse_fragment(&threadmark_core::notes::note_html(p));
        let shown = norm(&text_of(rendered.root_element()));
        assert!(norm(n).contains(&shown), "note {p:?} shown as {n:?}");
    }

    // W3C: the selectors and the note are the text, exactly.
    let w3c: Value =
        serde_json::from_str(&export_at(&lib, &[id], ExportFormat::W3c, EXPORTED_AT).unwrap())
            .unwrap();
    let items = w3c["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), payloads.len());
    for ((a, h), p) in items.iter().zip(&highlights).zip(&payloads) {
        assert_eq!(a["target"]["selector"][0]["exact"], h.exact.as_str());
        let comment = a["body"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["purpose"] == "commenting")
            .unwrap();
        assert_eq!(comment["value"], p.as_str());
        assert!(safe_url(a["target"]["source"].as_str().unwrap()));
    }

    // CSV: every field reads back as the text, but for the apostrophe in front of a
    // cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR).
    let inert = |t: &str| {
        if t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{t}")
        } else {
            t.to_string()
        }
    };
    let csv_text = export_at(&lib, &[id], ExportFormat::Csv, EXPORTED_AT).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), payloads.len());
    for ((r, h), p) in rows.iter().zip(&highlights).zip(&payloads) {
        assert_eq!(&r[col("text")], inert(&h.exact));
        assert_eq!(&r[col("note")], inert(p));
    }

    // Argdown: one statement line per highlight, nothing else a payload could start;
    // unescaped, each statement quotes the text and the note.
    let ad = export_at(&lib, &[id], ExportFormat::Argdown, EXPORTED_AT).unwrap();
    let body = ad.splitn(3, "===\n").nth(2).unwrap();
    let mut statements: HashMap<String, String> = HashMap::new();
    for line in body.lines().filter(|l| !l.is_empty()) {
        if line.starts_with("# ") || line.starts_with("## ") {
            continue;
        }
        let (title, text) = line
            .strip_prefix('[')
            .and_then(|l| l.split_once("]: "))
            .unwrap_or_else(|| panic!("Argdown: an unexpected line {line:?}"));
        let mut plain = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
                plain.extend(chars.next());
                continue;
            }
            if c.is_ascii_punctuation() {
                panic!("Argdown: unescaped {c:?} in {line:?}");
            }
            plain.push(c);
        }
        assert!(statements.insert(title.to_string(), plain).is_none());
    }
    assert_eq!(statements.len(), highlights.len());
    let mut counters: HashMap<&str, usize> = HashMap::new();
    for (h, p) in highlights.iter().zip(&payloads) {
        let label = h.label.as_deref().unwrap();
        let n = counters.entry(label).or_default();
        *n += 1;
        let s = &statements[&format!("{label} {n}")];
        assert!(s.starts_with(&format!("“{}”", norm(&h.exact))), "{s:?}");
        assert!(s.ends_with(&format!("Note: {}", norm(p))), "{s:?}");
    }
}

#[test]
fn hn_json_payload_markup_is_sanitized_everywhere() {
    let payloads = payloads();
    let mut lib = Library::open_in_memory().unwrap();
    let id = import(
        &mut lib,
        "payloads.json",
        &hn_json_raw(&payloads),
        SourceFormat::Hn,
    );
    let texts = check_thread(&lib, id, "HN JSON (payloads as HTML)");
    assert_eq!(texts.len(), payloads.len());
}

#[test]
fn reddit_markdown_payloads_are_inert_and_readable() {
    let payloads = payloads();
    let mut lib = Library::open_in_memory().unwrap();
    let id = import(
        &mut lib,
        "literal.json",
        &reddit_json(&payloads, true),
        SourceFormat::Reddit,
    );
    let texts = check_thread(&lib, id, "Reddit (Markdown text)");
    assert_readable(&texts, &payloads, false, "Reddit (Markdown text)");
    // As typed: Markdown syntax in a payload takes effect, but nothing runs.
    let raw = import(
        &mut lib,
        "typed.json",
        &reddit_json(&payloads, false),
        SourceFormat::Reddit,
    );
    let texts = check_thread(&lib, raw, "Reddit (typed Markdown)");
    assert_eq!(texts.len(), payloads.len());
}

#[test]
fn mail_payloads_are_inert_and_readable() {
    let payloads = payloads();
    let mut lib = Library::open_in_memory().unwrap();
    let id = import(
        &mut lib,
        "payloads.mbox",
        &mbox(&payloads),
        SourceFormat::Mbox,
    );
    let texts = check_thread(&lib, id, "mail");
    assert_readable(&texts, &payloads, true, "mail");
}
