//! A plain-text mail body as a [`Body`].
//!
//! - Lines are kept as they are: the lines of one paragraph are joined with line
//!   breaks, not reflowed (mail is hard-wrapped, and lists, trailers and addresses
//!   rely on their lines). `format=flowed` text is unflowed before it gets here.
//! - Paragraphs are split on blank lines.
//! - Quoted lines (`>`, `>>`, `> >`, markers at the start of the line) form quote
//!   blocks: one [`Block::Quote`] per run of consecutive quoted lines, nested by depth
//!   (at most [`MAX_QUOTE_DEPTH`] levels; deeper lines count as that depth).
//! - **Attribution** ("On Tue, 1 Mar 2011, Jane wrote:"; also `Le … a écrit :`,
//!   `Am … schrieb …:` and other openers, up to four wrapped lines ending with `:`)
//!   directly before a quote is kept as its own paragraph, marked by rendering it
//!   in **emphasis** ([`Inline::Emphasis`]).
//! - **Signature**: from a line that is exactly `-- ` (or `--`) to the end of its
//!   run of lines (at most 15 non-blank lines; a longer tail is ordinary text), kept
//!   as one paragraph in **emphasis** starting with the `--` line. A lone last line
//!   "Sent from my iPhone" (one to three words after "Sent from my") is marked the same way.
//! - **Patches**: from a `---` line (or the first `diff --git`, `Index:` or
//!   `--- `/`+++ ` pair) to the signature or the end, a [`Block::Code`].
//! - Paragraphs of two or more lines, every one indented by a tab or four spaces, are
//!   code blocks.
//!
//! Plain mail bodies have no emphasis of their own, so in a mail post an emphasised
//! paragraph is always an attribution or a signature.

use crate::body::{clean_text, linkify, Block, Body, Inline};

/// Quotes nested deeper than this are read at this depth (a body's block tree is
/// walked recursively).
pub const MAX_QUOTE_DEPTH: usize = 24;

/// A line with its quote depth and the text after the quote markers.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    depth: usize,
    text: &'a str,
}

fn split_marker(line: &str) -> Line<'_> {
    let mut depth = 0;
    let mut rest = line;
    loop {
        if let Some(after) = rest.strip_prefix('>') {
            depth += 1;
            rest = after;
        } else if depth > 0 && rest.starts_with(" >") {
            rest = &rest[1..];
        } else {
            break;
        }
    }
    if depth > 0 {
        rest = rest.strip_prefix(' ').unwrap_or(rest);
    }
    Line {
        depth: depth.min(MAX_QUOTE_DEPTH),
        text: rest,
    }
}

fn blank(line: &Line) -> bool {
    line.text.trim().is_empty()
}

/// Build the body of a plain-text message.
pub fn body_from_text(text: &str) -> Body {
    let text = clean_text(text);
    let lines: Vec<Line> = text.split('\n').map(split_marker).collect();
    Body(blocks_at(&lines, 0))
}

fn blocks_at(lines: &[Line], level: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let deeper = lines[i].depth > level;
        let end = lines[i..]
            .iter()
            .position(|l| (l.depth > level) != deeper)
            .map_or(lines.len(), |n| i + n);
        if deeper {
            let inner = blocks_at(&lines[i..end], level + 1);
            if !inner.is_empty() {
                out.push(Block::Quote(inner));
            }
        } else {
            out.extend(text_run(&lines[i..end], end < lines.len()));
        }
        i = end;
    }
    out
}

const ATTRIBUTION_OPENERS: &[&str] = &[
    "On ",
    "Le ",
    "Am ",
    "El ",
    "Il ",
    "Em ",
    "Op ",
    "Den ",
    "Dne ",
    "W dniu ",
    "Quoting ",
    "In message ",
    "In article ",
    "* ",
];
const ATTRIBUTION_ENDINGS: &[&str] = &[
    "wrote:",
    "writes:",
    "said:",
    "wrote :",
    "écrit :",
    "écrit:",
    "schrieb:",
    "escribió:",
    "scrisse:",
    "napisał:",
    "skrev:",
];

fn is_signature_delimiter(line: &Line) -> bool {
    matches!(line.text, "-- " | "--")
}

fn is_patch_start(lines: &[Line], i: usize) -> bool {
    let t = lines[i].text;
    t.starts_with("diff --git ")
        || t.starts_with("Index: ")
        || (t.starts_with("--- ") && lines.get(i + 1).is_some_and(|n| n.text.starts_with("+++ ")))
}

fn sent_from_mobile(line: &str) -> bool {
    line.trim()
        .strip_prefix("Sent from my ")
        .is_some_and(|rest| {
            let words: Vec<&str> = rest.split_whitespace().collect();
            (1..=3).contains(&words.len())
                && words
                    .iter()
                    .all(|w| w.chars().all(|c| c.is_alphanumeric() || c == '-'))
        })
}

fn emphasis_lines(lines: &[&str]) -> Block {
    let mut inlines = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            inlines.push(Inline::LineBreak);
        }
        inlines.extend(linkify(l.trim()));
    }
    Block::Paragraph(vec![Inline::Emphasis(inlines)])
}

/// Lines at one quote level, followed by a quote when `before_quote`.
fn text_run(lines: &[Line], before_quote: bool) -> Vec<Block> {
    // Signature.
    let sig = lines
        .iter()
        .position(is_signature_delimiter)
        .filter(|&s| lines[s + 1..].iter().filter(|l| !blank(l)).count() <= 15);
    let body_end = sig.unwrap_or(lines.len());
    // Patch.
    let patch = (0..body_end).find(|&i| is_patch_start(lines, i)).map(|d| {
        (0..d)
            .rev()
            .find(|&i| lines[i].text.trim_end() == "---")
            .unwrap_or(d)
    });
    let prose_end = patch.unwrap_or(body_end);

    let mut out = Vec::new();
    let paragraphs: Vec<Vec<&str>> = lines[..prose_end]
        .split(blank)
        .filter(|p| !p.is_empty())
        .map(|p| p.iter().map(|l| l.text).collect())
        .collect();
    let count = paragraphs.len();
    for (n, para) in paragraphs.into_iter().enumerate() {
        let last = n + 1 == count;
        if para.len() > 1
            && para
                .iter()
                .all(|l| l.starts_with('\t') || l.starts_with("    "))
        {
            let code = dedent(&para);
            match out.last_mut() {
                Some(Block::Code(prev)) => {
                    prev.push_str("\n\n");
                    prev.push_str(&code);
                }
                _ => out.push(Block::Code(code)),
            }
            continue;
        }
        if last && before_quote && patch.is_none() && sig.is_none() {
            if let Some(k) = attribution_len(&para) {
                let (head, tail) = para.split_at(para.len() - k);
                if !head.is_empty() {
                    out.push(paragraph(head));
                }
                out.push(emphasis_lines(tail));
                continue;
            }
        }
        if para.len() == 1 && sent_from_mobile(para[0]) {
            out.push(emphasis_lines(&para));
            continue;
        }
        out.push(paragraph(&para));
    }
    if let Some(p) = patch {
        let code: Vec<&str> = lines[p..body_end].iter().map(|l| l.text).collect();
        let code = code.join("\n");
        let code = code.trim_end();
        if !code.is_empty() {
            out.push(Block::Code(code.to_string()));
        }
    }
    if let Some(s) = sig {
        let sig_lines: Vec<&str> = std::iter::once("--")
            .chain(lines[s + 1..].iter().filter(|l| !blank(l)).map(|l| l.text))
            .collect();
        out.push(emphasis_lines(&sig_lines));
    }
    out
}

/// How many trailing lines of `para` are an attribution line, if any.
fn attribution_len(para: &[&str]) -> Option<usize> {
    let ends = |s: &str| s.trim_end().ends_with(':');
    for k in 1..=para.len().min(4) {
        let tail = para[para.len() - k..].join(" ");
        let tail = tail.trim();
        if ends(tail) && ATTRIBUTION_OPENERS.iter().any(|o| tail.starts_with(o)) {
            return Some(k);
        }
    }
    let last = para.last()?.trim_end();
    ATTRIBUTION_ENDINGS
        .iter()
        .any(|e| last.ends_with(e))
        .then_some(1)
}

fn paragraph(lines: &[&str]) -> Block {
    let mut inlines = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            inlines.push(Inline::LineBreak);
        }
        inlines.extend(linkify(l.trim()));
    }
    Block::Paragraph(inlines)
}

fn dedent(lines: &[&str]) -> String {
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let common = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| indent(l))
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(common..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Undo `format=flowed` (RFC 3676): a line ending in a space continues on the next
/// line of the same quote depth; space-stuffing is removed; with `delsp=yes` the
/// trailing space is deleted when joining.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut open: Option<usize> = None; // depth of a paragraph that continues
    for raw in text.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let depth = raw.bytes().take_while(|&b| b == b'>').count();
        let content = &raw[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        let flowed = content.ends_with(' ') && content != "-- ";
        match open {
            Some(d) if d == depth => {}
            Some(_) => {
                out.push('\n');
                out.push_str(&">".repeat(depth));
                if depth > 0 {
                    out.push(' ');
                }
            }
            None => {
                out.push_str(&">".repeat(depth));
                if depth > 0 {
                    out.push(' ');
                }
            }
        }
        let piece = if flowed && delsp {
            &content[..content.len() - 1]
        } else {
            content
        };
        out.push_str(piece);
        if flowed {
            open = Some(depth);
        } else {
            out.push('\n');
            open = None;
        }
    }
    if open.is_some() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_attribution_and_signature() {
        let body = body_from_text(
            "Hi,\nOn Tue, Jane wrote:\n> a\n> > deeper\n>\n> b\n\nreply\nline two\n-- \nJoe\nhttps://x.org",
        );
        let r = body.render();
        assert_eq!(
            r.text,
            "Hi,\n\nOn Tue, Jane wrote:\n\na\n\ndeeper\n\nb\n\nreply\nline two\n\n--\nJoe\nhttps://x.org"
        );
        assert!(r.html.contains("<p><em>On Tue, Jane wrote:</em></p>"));
        assert!(r.html.contains("<em>--\n<br>Joe"));
        assert_eq!(r.quotes.len(), 2);
    }

    #[test]
    fn patches_and_indented_code() {
        let r = body_from_text(
            "Fix it.\n\n    let x = 1;\n    y();\n\n    z\n    w\n---\n f | 2 +-\n\ndiff --git a/f b/f\n+x\n-- \n2.30",
        )
        .render();
        assert_eq!(
            r.text,
            "Fix it.\n\nlet x = 1;\ny();\n\nz\nw\n\n---\n f | 2 +-\n\ndiff --git a/f b/f\n+x\n\n--\n2.30"
        );
        assert_eq!(r.html.matches("<pre>").count(), 2);
    }

    #[test]
    fn flowed_text_is_joined() {
        assert_eq!(
            unflow("a long \nline\n> q \n> r\n-- \nsig", false),
            "a long line\n> q r\n-- \nsig\n"
        );
        assert_eq!(unflow("ab \ncd", true), "abcd\n");
    }
}
