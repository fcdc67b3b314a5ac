//! Highlight notes: Markdown written by the user, shown as HTML.
//!
//! The note is rendered with pulldown-cmark (CommonMark plus strikethrough), raw HTML
//! in it is shown as text, and the result goes through the reader's allow-list
//! ([`crate::body::sanitize`]): only `http`, `https` and `mailto` links survive, and
//! nothing can run.

use pulldown_cmark::{html, Event, Options, Parser};

/// A note's Markdown as sanitized HTML (empty for an empty note).
pub fn note_html(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|e| match e {
        // Raw HTML is text the user typed, not markup.
        Event::Html(s) | Event::InlineHtml(s) => Event::Text(s),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    crate::body::sanitize(&out)
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
}
