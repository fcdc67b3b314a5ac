//! Markdown for Obsidian and plain notes: one file per thread.
//!
//! The file is YAML front matter, then the thread's highlights in thread order, then
//! the whole thread (every post, with its quotes as block quotes).
//!
//! Front matter keys: `title`; `source` (the discussion's URL, absent when the
//! thread came from a file with none; for Hacker News the item page, with the
//! story's own link as `link`); `site` (the importer: `hn`, `reddit`, `text`…);
//! `authors` (the distinct authors of the highlighted posts, in the order their
//! first highlight appears; the notes are about what these people wrote, so a long
//! thread's other commenters are left out, and a thread without highlights has
//! `authors: []`); `saved` (when the thread was first saved to the library);
//! `exported`; `tags` (every tag of the thread's highlights, as Obsidian tags);
//! `threadmark_id`, `thread_uuid` (how a re-export finds the file again, renamed or
//! moved; see [`super::vault`]), `posts`, `highlights`. Every string is a YAML double-quoted
//! scalar written by [`yaml_str`], so titles with colons, quotes, `#`, newlines,
//! control or non-ASCII characters read back exactly.
//!
//! The title, each highlight and the thread are managed blocks between
//! `<!-- threadmark:begin … -->` and `<!-- threadmark:end … -->` lines, which a
//! re-export into the same file updates while keeping everything else
//! ([`super::vault`]). Each highlight is a `###` heading (label, author, post), the highlighted words in
//! bold inside a block quote with a few words of the post around them (`…` where
//! the post goes on), an Obsidian block id `^h-<highlight uuid>` on its own line, a
//! line with the post's permalink (its page at the source where there is one, see
//! [`super::permalink`], as a bare URL: Obsidian makes it a link, while the file
//! holds no Markdown link at all), the note, the tags as `#tags`, and the highlight's links
//! in both directions as `[[#^h-<uuid>|…]]` links to the other highlights' blocks.
//! All text from the thread is escaped ([`super::markdown_escape`]): it renders as
//! the text it is, never as links, HTML or formatting. A note is the user's own
//! Markdown and is written as such under `**Note:**` ([`crate::notes::note_markdown`]:
//! raw HTML in it stays text, links only to safe addresses).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{markdown_escape, permalink, quoted_lines, rfc3339, vault};
use crate::error::Result;
use crate::model::{Highlight, Post, Quote};
use crate::store::Library;
use crate::LinkKind;

/// Words of context on each side of a highlight in its quote.
const CONTEXT_WORDS: usize = 10;

/// A YAML double-quoted scalar that any YAML 1.1 or 1.2 parser reads back as
/// exactly `s`: `"` and `\` escaped, and every character YAML does not allow
/// printed raw (C0 and C1 controls, DEL, U+FEFF, U+FFFE/U+FFFF) or treats as a line
/// break in some version (NEL, LS, PS) written as an escape.
pub fn yaml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A tag as Obsidian accepts it: letters, digits, `_`, `-` and `/`; any run of
/// other characters becomes one `-`; a tag of digits only gets a leading `_` (an
/// Obsidian tag needs a non-digit). Empty when nothing is left.
pub fn obsidian_tag(tag: &str) -> String {
    let mut out = String::new();
    for c in tag.trim().trim_start_matches('#').chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' || c == '/' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if !out.is_empty() && out.chars().all(|c| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

/// The Obsidian block id of a highlight: `h-` and its uuid (letters, digits and
/// dashes, as block ids must be).
fn block_id(h: &Highlight) -> String {
    let mut id = String::from("h-");
    id.extend(
        h.uuid
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }),
    );
    id
}

/// Text for a heading or inside `[[…|here]]`: one line, without the characters
/// that end or split a wiki link or a heading link (`[`, `]`, `|`, `#`, `^`).
fn link_text(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| match c {
            '[' | ']' | '|' | '#' | '^' => ' ',
            c => c,
        })
        .collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `n` characters of `s`, with `…` when cut.
fn shorten(s: &str, n: usize) -> String {
    let one_line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= n {
        one_line
    } else {
        let cut: String = one_line.chars().take(n).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The words around a highlight: up to [`CONTEXT_WORDS`] words before and after it
/// on its own line(s) of the post. Returns (cut before, before, exact, after, cut
/// after). Uses the post's current text when the highlight still sits at its
/// offsets, else the context stored with the highlight.
fn context(h: &Highlight, post: Option<&Post>) -> (bool, String, String, String, bool) {
    let chars: Vec<char> = post.map(|p| p.text.chars().collect()).unwrap_or_default();
    let (s, e) = (h.start.max(0) as usize, h.end.max(0) as usize);
    let placed = h.state != "orphaned"
        && s < e
        && e <= chars.len()
        && chars[s..e].iter().collect::<String>() == h.exact;
    let (before, after): (Vec<char>, Vec<char>) = if placed {
        (chars[..s].to_vec(), chars[e..].to_vec())
    } else {
        (h.prefix.chars().collect(), h.suffix.chars().collect())
    };
    // Stop at the line's edge, then keep the last (first) few words.
    let line_start = before.iter().rposition(|&c| c == '\n').map_or(0, |i| i + 1);
    let before = &before[line_start..];
    let line_end = after.iter().position(|&c| c == '\n').unwrap_or(after.len());
    let after = &after[..line_end];
    let (b_cut, b) = last_words(before, CONTEXT_WORDS);
    let (a_cut, a) = first_words(after, CONTEXT_WORDS);
    // Without the post's text, the stored context is all there is: it is cut
    // unless it reaches the edge of its line.
    let b_cut = b_cut || (!placed && !b.is_empty() && !h.prefix.contains('\n'));
    let a_cut = a_cut || (!placed && !a.is_empty() && !h.suffix.contains('\n'));
    (b_cut, b, h.exact.clone(), a, a_cut)
}

/// The last `n` words of `text` (spacing kept) and whether words were dropped.
fn last_words(text: &[char], n: usize) -> (bool, String) {
    let mut words = 0;
    let mut i = text.len();
    // Count starts of words going backwards.
    while i > 0 {
        let c = text[i - 1];
        if !c.is_whitespace() && (i == 1 || text[i - 2].is_whitespace()) {
            words += 1;
            if words == n {
                i -= 1;
                break;
            }
        }
        i -= 1;
    }
    let kept: String = text[i..].iter().collect();
    (text[..i].iter().any(|c| !c.is_whitespace()), kept)
}

/// The first `n` words of `text` (spacing kept) and whether words were dropped.
fn first_words(text: &[char], n: usize) -> (bool, String) {
    let mut words = 0;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if !c.is_whitespace() && (i + 1 == text.len() || text[i + 1].is_whitespace()) {
            words += 1;
            if words == n {
                i += 1;
                break;
            }
        }
        i += 1;
    }
    let kept: String = text[..i].iter().collect();
    (text[i..].iter().any(|c| !c.is_whitespace()), kept)
}

/// The block quote of a highlight: context escaped, the highlighted words in bold
/// (each line's piece bold on its own, so a highlight across lines stays bold).
fn quote_block(h: &Highlight, post: Option<&Post>) -> String {
    let (b_cut, before, exact, after, a_cut) = context(h, post);
    let mut lines: Vec<String> = vec![String::new()];
    if b_cut {
        lines[0].push_str("… ");
    }
    lines[0].push_str(&markdown_escape(before.trim_start()));
    for (i, piece) in exact.split('\n').enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        let line = lines.last_mut().expect("one line at least");
        let core = piece.trim();
        if core.is_empty() {
            line.push_str(piece);
            continue;
        }
        let lead = &piece[..piece.len() - piece.trim_start().len()];
        let trail = &piece[piece.trim_end().len()..];
        line.push_str(lead);
        line.push_str("**");
        line.push_str(&escape_inline(core));
        line.push_str("**");
        line.push_str(trail);
    }
    let last = lines.last_mut().expect("one line at least");
    last.push_str(&escape_inline(after.trim_end()));
    if a_cut {
        last.push_str(" …");
    }
    lines
        .iter()
        .map(|l| {
            let l = l.trim_end();
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// [`markdown_escape`] for text in the middle of a line (no line-start escapes,
/// which would only add backslashes there).
fn escape_inline(text: &str) -> String {
    markdown_escape(&format!("x{text}"))[1..].to_string()
}

/// [`link_text`] for a link's alias, which a plain Markdown renderer (for which
/// `[[…]]` is no link) reads as inline Markdown: without any character that could
/// start markup there.
fn alias_text(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| match c {
            '<' | '>' | '&' | '*' | '_' | '`' | '\\' | '~' | '=' | '!' => ' ',
            c => c,
        })
        .collect();
    link_text(&cleaned)
}

/// A URL written as bare text, which Obsidian (and GitHub) make a link of while
/// CommonMark keeps it text: every character outside a small set that cannot
/// start markup there is percent-encoded (`<`, `>`, `*`, `[`, `` ` ``, `\\`,
/// spaces, non-ASCII…).
fn bare_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_alphanumeric() || ":/?=.~%-+#,;@$()_&'".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Wording of a link seen from its source and from its target.
fn link_words(kind: LinkKind) -> (&'static str, &'static str) {
    match kind {
        LinkKind::Supports => ("supports", "supported by"),
        LinkKind::Rebuts => ("rebuts", "rebutted by"),
        LinkKind::Answers => ("answers", "answered by"),
        LinkKind::Qualifies => ("qualifies", "qualified by"),
    }
}

/// One thread as Markdown with YAML front matter; `exported_at` is unix seconds.
pub fn markdown(lib: &Library, thread_id: i64, exported_at: i64) -> Result<String> {
    let t = lib.thread(thread_id)?;
    let (thread_uuid, source_key, saved) = lib.thread_identity(thread_id)?;
    let posts = lib.posts(thread_id)?;
    let quotes = lib.quote_blocks(thread_id, true)?;
    let highlights = lib.highlights(thread_id)?;
    let links = lib.links(thread_id)?;
    let by_source: HashMap<&str, &Post> = posts.iter().map(|p| (p.source_id.as_str(), p)).collect();
    let by_id: HashMap<i64, &Highlight> = highlights.iter().map(|h| (h.id, h)).collect();

    let mut authors: Vec<&str> = Vec::new();
    let mut tags: Vec<String> = Vec::new();
    for h in &highlights {
        if let Some(a) = by_source
            .get(h.post.as_str())
            .and_then(|p| p.author.as_deref())
        {
            if !authors.contains(&a) {
                authors.push(a);
            }
        }
        for tag in h.tags.iter().map(|t| obsidian_tag(t)) {
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    tags.sort();

    let mut out = String::new();
    out.push_str("---\n");
    let _ = writeln!(out, "title: {}", yaml_str(&t.title));
    // A Hacker News thread's URL is the story's link; its discussion is the item.
    match (t.source.as_str(), &source_key, &t.url) {
        ("hn", Some(key), url) => {
            let _ = writeln!(
                out,
                "source: {}",
                yaml_str(&format!("https://news.ycombinator.com/item?id={key}"))
            );
            if let Some(url) = url {
                let _ = writeln!(out, "link: {}", yaml_str(url));
            }
        }
        (_, _, Some(url)) => {
            let _ = writeln!(out, "source: {}", yaml_str(url));
        }
        _ => {}
    }
    let _ = writeln!(out, "site: {}", yaml_str(&t.source));
    let list = |out: &mut String, key: &str, items: &[&str]| {
        if items.is_empty() {
            let _ = writeln!(out, "{key}: []");
        } else {
            let _ = writeln!(out, "{key}:");
            for i in items {
                let _ = writeln!(out, "  - {}", yaml_str(i));
            }
        }
    };
    list(&mut out, "authors", &authors);
    let _ = writeln!(out, "saved: {}", rfc3339(saved));
    let _ = writeln!(out, "exported: {}", rfc3339(exported_at));
    let tag_refs: Vec<&str> = tags.iter().map(String::as_str).collect();
    list(&mut out, "tags", &tag_refs);
    let _ = writeln!(out, "threadmark_id: {}", t.id);
    let _ = writeln!(out, "thread_uuid: {}", yaml_str(&thread_uuid));
    let _ = writeln!(out, "posts: {}", t.posts);
    let _ = writeln!(out, "highlights: {}", highlights.len());
    out.push_str("---\n\n");
    out.push_str(&vault::begin("title"));
    let _ = writeln!(
        out,
        "# {}",
        markdown_escape(&t.title.split_whitespace().collect::<Vec<_>>().join(" "))
    );
    out.push_str(&vault::end("title"));

    if !highlights.is_empty() {
        out.push_str("\n## Highlights\n");
        for h in &highlights {
            let post = by_source.get(h.post.as_str()).copied();
            let author = post.and_then(|p| p.author.as_deref());
            let label = h.label.as_deref().unwrap_or("Highlight");
            let mut heading = format!("\n### {}", markdown_escape(&link_text(label)));
            if let Some(a) = author {
                let _ = write!(heading, " · {}", markdown_escape(&link_text(a)));
            }
            let _ = write!(heading, " · post {}", markdown_escape(&link_text(&h.post)));
            if h.state != "anchored" {
                let _ = write!(heading, " · {}", h.state);
            }
            let _ = write!(out, "\n{}", vault::begin(&block_id(h)));
            out.push_str(&heading);
            out.push_str("\n\n");
            out.push_str(&quote_block(h, post));
            let _ = write!(out, "\n\n^{}\n\n", block_id(h));

            let link = permalink(&t, &h.post);
            let mut source_line = if link.starts_with("https://") || link.starts_with("http://") {
                format!("Post {} · {}", markdown_escape(&h.post), bare_url(&link))
            } else {
                format!(
                    "Post {} · `{}`",
                    markdown_escape(&h.post),
                    link.replace('`', "")
                )
            };
            if let Some(a) = author {
                let _ = write!(source_line, " by {}", markdown_escape(&link_text(a)));
            }
            if let Some(at) = post.and_then(|p| p.created_at) {
                let _ = write!(source_line, " · {}", rfc3339(at));
            }
            // The highlight in the app (deeplink.rs), a bare URL like the permalink.
            let _ = write!(
                source_line,
                " · {}",
                crate::deeplink::DeepLink::highlight(&h.uuid)
            );
            out.push_str(&source_line);
            out.push('\n');
            if !h.note.trim().is_empty() {
                // The note is Markdown: kept as written, raw HTML made text.
                let note = crate::notes::note_markdown(h.note.trim());
                let _ = write!(out, "\n**Note:**\n\n{note}\n");
            }
            let own_tags: Vec<String> = h
                .tags
                .iter()
                .map(|t| obsidian_tag(t))
                .filter(|t| !t.is_empty())
                .map(|t| format!("#{t}"))
                .collect();
            if !own_tags.is_empty() {
                let _ = write!(out, "\n**Tags:** {}\n", own_tags.join(" "));
            }
            let mut related = Vec::new();
            for l in &links {
                let (other, words) = if l.from == h.id {
                    (l.to, link_words(l.kind).0)
                } else if l.to == h.id {
                    (l.from, link_words(l.kind).1)
                } else {
                    continue;
                };
                let Some(o) = by_id.get(&other) else { continue };
                let o_author = by_source
                    .get(o.post.as_str())
                    .and_then(|p| p.author.as_deref())
                    .map(|a| format!(" ({})", alias_text(a)))
                    .unwrap_or_default();
                related.push(format!(
                    "- {words} [[#^{}|{}: “{}”{}]]",
                    block_id(o),
                    alias_text(o.label.as_deref().unwrap_or("Highlight")),
                    alias_text(&shorten(&o.exact, 60)),
                    o_author
                ));
            }
            if !related.is_empty() {
                let _ = write!(out, "\n**Links:**\n\n{}\n", related.join("\n"));
            }
            out.push_str(&vault::end(&block_id(h)));
        }
    }

    let _ = write!(out, "\n{}", vault::begin("thread"));
    out.push_str("\n## Thread\n");
    for post in &posts {
        let author = post.author.as_deref().unwrap_or("anonymous");
        let mut heading = format!(
            "\n### {} · post {}",
            markdown_escape(&author.replace('\n', " ")),
            markdown_escape(&post.source_id)
        );
        if let Some(at) = post.created_at {
            heading.push_str(&format!(" · {}", rfc3339(at)));
        }
        for mark in super::post_marks(post) {
            heading.push_str(&format!(" · {mark}"));
        }
        out.push_str(&heading);
        out.push_str("\n\n");
        let own: Vec<&Quote> = quotes.iter().filter(|q| q.post == post.source_id).collect();
        out.push_str(&quoted_lines(post, &own, true));
        out.push('\n');
    }
    out.push_str(&vault::end("thread"));
    Ok(vault::seal(&out))
}
