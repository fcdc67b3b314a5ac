//! Highlight notes: Markdown written by the user, shown as HTML.
//!
//! The note is rendered with pulldown-cmark (CommonMark plus strikethrough), raw HTML
//! in it is shown as text, and the result goes through the reader's allow-list
//! ([`crate::body::sanitize`]): only `http`, `https` and `mailto` links survive, and
//! nothing can run.
//!
//! In Markdown exports a note stays the Markdown it is ([`note_markdown`]): only raw
//! HTML in it is made text (a backslash before its `<`), and a link or image to
//! anything but `http`, `https`, `mailto` or a relative address loses its brackets'
//! meaning the same way, so the note renders as its author wrote it and nothing in it
//! can run.

use pulldown_cmark::{html, Event, Options, Parser, Tag, TagEnd};

/// A note's Markdown as sanitized HTML (empty for an empty note).
pub fn note_html(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    // Links: only to an absolute http, https or mailto address (an offline page or
    // the reader has nothing a relative one could name); others keep their text.
    let mut links: Vec<bool> = Vec::new();
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).filter_map(|e| match e {
        // Raw HTML is text the user typed, not markup.
        Event::Html(s) | Event::InlineHtml(s) => Some(Event::Text(s)),
        Event::Start(Tag::Link { ref dest_url, .. }) => {
            let keep = absolute_safe(dest_url);
            links.push(keep);
            keep.then_some(e)
        }
        Event::End(TagEnd::Link) => links.pop().unwrap_or(false).then_some(e),
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    crate::body::sanitize(&out)
}

/// Whether a link goes to an absolute `http`, `https` or `mailto` address.
fn absolute_safe(dest: &str) -> bool {
    let dest: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    dest.starts_with("http://") || dest.starts_with("https://") || dest.starts_with("mailto:")
}

/// Whether a link destination is one a note may keep: `http`, `https`, `mailto`, or
/// an address without a scheme (relative, a fragment, an Obsidian note).
fn safe_destination(dest: &str) -> bool {
    // URL parsers drop tabs and newlines anywhere; be stricter and drop all spacing.
    let dest: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let scheme_end = dest.find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)));
    match scheme_end {
        Some(i) if dest[i..].starts_with(':') && i > 0 => {
            let scheme = dest[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// A note as Markdown for an export: the note itself, with every piece of raw HTML
/// (block or inline, autolinks to other schemes included) and every link or image
/// whose destination is not [`safe_destination`] made text by a backslash before
/// the character that starts it. Parsed again until nothing is left to escape, so
/// escaping one piece cannot reveal another.
pub fn note_markdown(markdown: &str) -> String {
    let mut text = markdown.to_string();
    // Each round escapes at least one character; a note cannot need more rounds
    // than it has `<`, `[` and `!`.
    for _ in 0..=markdown.len() {
        let mut escape_at: Vec<usize> = Vec::new();
        let mut parser = Parser::new_ext(&text, Options::ENABLE_STRIKETHROUGH).into_offset_iter();
        for (event, range) in parser.by_ref() {
            match event {
                Event::Html(_) | Event::InlineHtml(_) => {
                    // Every `<` of the piece: a block of HTML may hold several tags.
                    escape_at.extend(
                        text[range.clone()]
                            .match_indices('<')
                            .map(|(i, _)| range.start + i),
                    );
                }
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                    if !safe_destination(&dest_url) =>
                {
                    escape_at.push(range.start);
                }
                _ => {}
            }
        }
        // A reference definition (`[1]: javascript:…`) would also serve links
        // elsewhere in the export: an unsafe one becomes text as well.
        for (_, def) in parser.reference_definitions().iter() {
            if !safe_destination(&def.dest) {
                if let Some(i) = text[def.span.clone()].find('[') {
                    escape_at.push(def.span.start + i);
                }
            }
        }
        if escape_at.is_empty() {
            return text;
        }
        escape_at.sort_unstable();
        escape_at.dedup();
        let mut out = String::with_capacity(text.len() + escape_at.len());
        let mut last = 0;
        for at in escape_at {
            out.push_str(&text[last..at]);
            out.push('\\');
            last = at;
        }
        out.push_str(&text[last..]);
        text = out;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_nothing_runs() {
        assert_eq!(note_html(""), "");
        assert_eq!(
            note_html("**Why** does it *matter*?"),
            "<p><strong>Why</strong> does it <em>matter</em>?</p>\n"
        );
        let list = note_html("- one\n- [two](https://example.com)");
        assert!(list.contains("<li>one</li>"), "{list}");
        assert!(
            list.contains("<a href=\"https://example.com\" rel=\"noopener noreferrer\">two</a>"),
            "{list}"
        );
        for evil in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
        ] {
            let html = note_html(evil);
            assert!(!html.contains("<script"), "{evil}: {html}");
            assert!(!html.contains("<img"), "{evil}: {html}");
            // Typed HTML stays text (escaped `<`), so no element can carry the URL.
            assert!(!html.contains("<a href=\"javascript"), "{evil}: {html}");
            assert!(
                !html.contains("href=\"javascript:alert(1)\">"),
                "{evil}: {html}"
            );
        }
        // Raw HTML shows as the text typed.
        assert!(note_html("<b>x</b>").contains("&lt;b&gt;x&lt;/b&gt;"));
    }

    /// What a CommonMark renderer makes of some Markdown: (HTML events, link
    /// destinations, text).
    fn rendered(md: &str) -> (usize, Vec<String>, String) {
        let (mut html, mut links, mut text) = (0, Vec::new(), String::new());
        for e in Parser::new_ext(md, Options::ENABLE_STRIKETHROUGH) {
            match e {
                Event::Html(_) | Event::InlineHtml(_) => html += 1,
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                    links.push(dest_url.to_string())
                }
                Event::Text(t) | Event::Code(t) => text.push_str(&t),
                _ => {}
            }
        }
        (html, links, text)
    }

    #[test]
    fn a_note_stays_markdown_but_html_and_unsafe_links_become_text() {
        // Markdown is kept as written.
        for md in [
            "**important**",
            "- one\n- *two*\n\n1. three",
            "See [the spec](https://example.com/a_b) and `code <b>`.",
            "# Heading\n\n> quoted\n\n```\n<div>code</div>\n```",
            "mail <mailto:x@example.com> or <https://example.com>",
            "an [[Obsidian link]] and [rel](notes/other.md)",
        ] {
            assert_eq!(note_markdown(md), md);
        }
        for evil in [
            "<script>alert(1)</script>",
            "before <img src=x onerror=alert(1)> after",
            "<div>\n<b>bold</b>\n</div>",
            "[x](javascript:alert(1)) and ![y](data:text/html,hi)",
            "<javascript:alert(1)>",
            "<!-- threadmark:end -->",
            "[a](JaVaScRiPt:alert(1))",
            "[a][1]\n\n[1]: javascript:alert(1)",
            "[a](<java script:alert(1)>)",
        ] {
            let md = note_markdown(evil);
            let (html, links, text) = rendered(&md);
            assert_eq!(html, 0, "{evil:?} -> {md:?}");
            assert!(links.is_empty(), "{evil:?} -> {md:?}: {links:?}");
            // What renders is the text typed, characters and all.
            let typed: String = evil.chars().filter(|c| !c.is_whitespace()).collect();
            let shown: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(shown, typed, "{evil:?} -> {md:?}");
        }
    }
}
