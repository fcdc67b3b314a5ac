//! The fast path for Hacker News comment HTML: one pass over the bytes, no parser,
//! no sanitizer, for exactly the small dialect HN writes, and a refusal for anything
//! else.
//!
//! HN's comment HTML is text with a handful of entities (`&#x27;`, `&quot;`, `&gt;`,
//! `&amp;`, `&#x2F;`, …), `<p>` between paragraphs, `<i>`, `<a href="…"
//! rel="nofollow">` and `<pre><code>…</code></pre>`. For such input the HTML5 tree
//! is plain: every `<p>` closes the paragraph before it, inline elements close in
//! order, nothing is moved or re-opened by the parser. [`hn_fast_body`] reads that
//! input and feeds the same [`Converter`] that [`super::convert`] drives from the
//! parsed, sanitized DOM, with the same elements, text and attributes the DOM walk
//! would give it, so the body is the same by construction; the differential tests
//! (`tests/hn_fast.rs`) and the fuzz target `hn_fast` hold it to that.
//!
//! It returns `None` (and the caller converts the slow, general way) for anything
//! where the parser or the sanitizer would do more than that: another tag, another
//! attribute, an attribute not double-quoted, a tag's unusual spelling (capitals,
//! spaces), a `<p>` or `<pre>` while an inline element is open, end tags out of
//! order or unclosed at the end, nested links, comments, doctypes, raw `<`, an
//! unknown or unterminated character reference, and characters the parser reports
//! or remaps (NUL, carriage return, C0 and C1 controls other than tab, line feed
//! and form feed, surrogates, code points past U+10FFFF, noncharacters, and U+FEFF,
//! which a parser drops at the start of its input).
//!
//! Links keep their `href` exactly when the sanitizer would: it parses as an
//! absolute http, https or mailto URL, or as a relative one ([`ammonia`]'s rule,
//! with the `url` crate it uses). Only a [`Body`] comes out; rendering escapes it.

use super::{Converter, ElementView, Options};
use crate::body::Body;

/// Inline elements nested deeper than this are refused (far below
/// [`super::MAX_NESTING`], where the converter would start flattening).
const MAX_INLINE_DEPTH: usize = 8;

/// One tag for the converter.
struct Tag<'a> {
    name: &'static str,
    href: Option<&'a str>,
}

impl ElementView for Tag<'_> {
    fn name(&self) -> &str {
        self.name
    }
    fn attr(&self, name: &str) -> Option<&str> {
        if name == "href" {
            self.href
        } else {
            None
        }
    }
    fn has_class(&self, _class: &str) -> bool {
        false
    }
}

fn tag(name: &'static str) -> Tag<'static> {
    Tag { name, href: None }
}

/// Where the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// In the body, maybe inside a paragraph and inline elements.
    Flow,
    /// Inside `<pre><code>`.
    Code,
    /// Inside `<pre>`, after its `</code>`.
    AfterCode,
}

/// An open inline element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inline {
    I,
    B,
    A,
}

impl Inline {
    fn name(self) -> &'static str {
        match self {
            Inline::I => "i",
            Inline::B => "b",
            Inline::A => "a",
        }
    }
}

/// A character the HTML parser keeps as it is, without a parse error that changes
/// it, and that no later parse of the serialized HTML drops.
fn plain_char(c: char) -> bool {
    match c {
        '\t' | '\n' | '\x0C' => true,
        '\0'..='\x1F' | '\x7F'..='\u{9F}' | '\u{FEFF}' => false,
        '\u{FDD0}'..='\u{FDEF}' => false,
        c => (c as u32) & 0xFFFE != 0xFFFE,
    }
}

/// Bytes [`text_run`] looks at: the ends of a run (`<`, `"`, `&`), controls other
/// than tab, line feed and form feed, and the lead bytes of the only multi-byte
/// characters that can fail [`plain_char`] (U+0080–U+009F: C2; U+FDD0–U+FFFF: EF;
/// the planes' noncharacters: F0–F4). Continuation bytes and other lead bytes are
/// plain.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = special(b as u8);
        b += 1;
    }
    t
};

/// Whether [`text_run`] looks at byte `b` (see [`SPECIAL`]), without branches.
const fn special(b: u8) -> bool {
    ((b < 0x20) & (b != 0x09) & (b != 0x0A) & (b != 0x0C))
        | (b == 0x7F)
        | (b == b'<')
        | (b == b'"')
        | (b == b'&')
        | (b == 0xC2)
        | (b == 0xEF)
        | ((b >= 0xF0) & (b <= 0xF4))
}

/// The character reference starting at `bytes[at]` (a `&`): its character and the
/// index after its `;`. Only references that end with `;` and decode to a
/// [`plain_char`].
fn reference(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let rest = bytes.get(at + 1..)?;
    let (c, len) = if rest.first() == Some(&b'#') {
        let (radix, start) = match rest.get(1) {
            Some(b'x' | b'X') => (16, 2),
            _ => (10, 1),
        };
        let mut value: u32 = 0;
        let mut k = start;
        while let Some(d) = rest.get(k).and_then(|&d| char::from(d).to_digit(radix)) {
            value = value * radix + d;
            if value > 0x10_FFFF {
                return None;
            }
            k += 1;
        }
        if k == start || rest.get(k) != Some(&b';') {
            return None;
        }
        (char::from_u32(value)?, k + 1)
    } else {
        let name_len = rest.iter().take(5).position(|&b| b == b';')?;
        let c = match &rest[..name_len] {
            b"amp" => '&',
            b"lt" => '<',
            b"gt" => '>',
            b"quot" => '"',
            b"apos" => '\'',
            b"nbsp" => '\u{A0}',
            _ => return None,
        };
        (c, name_len + 1)
    };
    plain_char(c).then_some((c, at + 1 + len))
}

/// Append the text starting at `at` up to the next `<` (or, in an attribute value,
/// the next `"`) to `out`, decoding references; the index where it stopped.
fn text_run(html: &str, mut at: usize, stop: u8, out: &mut String) -> Option<usize> {
    let bytes = html.as_bytes();
    while at < bytes.len() {
        match bytes[at] {
            b if b == stop => return Some(at),
            b'&' => {
                let (c, next) = reference(bytes, at)?;
                out.push(c);
                at = next;
            }
            _ => {
                let start = at;
                loop {
                    // Bytes that are text as they are: 16 at a time (branch-free, so
                    // it vectorizes), then one by one.
                    while let Some(block) = bytes.get(at..at + 16) {
                        if block.iter().fold(false, |any, &b| any | special(b)) {
                            break;
                        }
                        at += 16;
                    }
                    while bytes.get(at).is_some_and(|&b| !SPECIAL[usize::from(b)]) {
                        at += 1;
                    }
                    match bytes.get(at) {
                        None | Some(b'&') => break,
                        Some(&b) if b == stop => break,
                        Some(b'<' | b'"') => at += 1,
                        Some(&b) if b.is_ascii() => return None,
                        Some(_) => {
                            let c = html[at..].chars().next()?;
                            if !plain_char(c) {
                                return None;
                            }
                            at += c.len_utf8();
                        }
                    }
                }
                out.push_str(&html[start..at]);
            }
        }
    }
    Some(at)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0C')
}

/// The `href` of `<a href="…" rel="…">` (either order, each at most once, values
/// double-quoted), decoded into `href`; `at` is after `<a`. The index after `>`.
fn link_attributes(html: &str, mut at: usize, href: &mut String) -> Option<usize> {
    let bytes = html.as_bytes();
    let (mut seen_href, mut seen_rel) = (false, false);
    let mut rel = String::new();
    loop {
        match bytes.get(at)? {
            b'>' => return seen_href.then_some(at + 1),
            &b if is_space(b) => {
                while bytes.get(at).copied().is_some_and(is_space) {
                    at += 1;
                }
                if bytes.get(at) == Some(&b'>') {
                    continue;
                }
                let rest = &bytes[at..];
                let out = if rest.starts_with(b"href=\"") && !seen_href {
                    seen_href = true;
                    at += 6;
                    &mut *href
                } else if rest.starts_with(b"rel=\"") && !seen_rel {
                    seen_rel = true;
                    at += 5;
                    &mut rel
                } else {
                    return None;
                };
                at = text_run(html, at, b'"', out)?;
                // The closing quote, then a space or the tag's end.
                at += 1;
                if !matches!(bytes.get(at), Some(&b) if b == b'>' || is_space(b)) {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// Whether the sanitizer keeps this `href`: an absolute URL with an allowed scheme,
/// or a relative URL (passed through), exactly as `ammonia` decides it.
fn href_kept(href: &str) -> bool {
    match ammonia::Url::parse(href) {
        Ok(url) => matches!(url.scheme(), "http" | "https" | "mailto"),
        Err(ammonia::url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

/// Hacker News comment HTML to a body, when it is in the dialect this path reads
/// completely; `None` otherwise. When it is `Some`, it equals
/// `convert(html, Options { quote_markers: true }).body`.
pub fn hn_fast_body(html: &str) -> Option<Body> {
    let bytes = html.as_bytes();
    let mut c = Converter::new(Options {
        quote_markers: true,
    });
    let mut mode = Mode::Flow;
    let mut open: Vec<Inline> = Vec::new();
    let mut paragraph = false; // a `<p>` is open
    let mut text = String::new();
    let mut href = String::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'<' {
            at = text_run(html, at, b'<', &mut text)?;
            continue;
        }
        if !text.is_empty() {
            c.text(&text);
            text.clear();
        }
        let rest = &bytes[at..];
        let closing = rest.get(1) == Some(&b'/');
        let name_start = 1 + usize::from(closing);
        let name_len = rest[name_start..]
            .iter()
            .position(|b| !b.is_ascii_lowercase())
            .unwrap_or(rest.len() - name_start);
        let name = &rest[name_start..name_start + name_len];
        let after = at + name_start + name_len;
        let simple_end = (bytes.get(after) == Some(&b'>')).then_some(after + 1);
        match (mode, closing, name) {
            (Mode::Flow, false, b"p") => {
                if !open.is_empty() {
                    return None;
                }
                if paragraph {
                    c.close_frame();
                }
                c.element(&tag("p"));
                paragraph = true;
                at = simple_end?;
            }
            (Mode::Flow, true, b"p") => {
                if !open.is_empty() {
                    return None;
                }
                if !paragraph {
                    // A stray `</p>` is an empty paragraph to the parser.
                    c.element(&tag("p"));
                }
                c.close_frame();
                paragraph = false;
                at = simple_end?;
            }
            (Mode::Flow, false, b"pre") => {
                if !open.is_empty() || !bytes[after..].starts_with(b"><code>") {
                    return None;
                }
                if paragraph {
                    c.close_frame();
                    paragraph = false;
                }
                c.element(&tag("pre"));
                c.element(&tag("code"));
                mode = Mode::Code;
                at = after + "><code>".len();
            }
            (Mode::Code, true, b"code") => {
                c.close_frame();
                mode = Mode::AfterCode;
                at = simple_end?;
            }
            (Mode::AfterCode, true, b"pre") => {
                c.close_frame();
                mode = Mode::Flow;
                at = simple_end?;
            }
            (Mode::Flow, false, b"br") => {
                at = if bytes[after..].starts_with(b">") {
                    after + 1
                } else if bytes[after..].starts_with(b"/>") {
                    after + 2
                } else if bytes[after..].starts_with(b" />") {
                    after + 3
                } else {
                    return None;
                };
                c.element(&tag("br"));
                c.close_frame();
            }
            (Mode::Flow, false, b"i" | b"b" | b"a") => {
                if open.len() >= MAX_INLINE_DEPTH {
                    return None;
                }
                if name == b"a" {
                    if open.contains(&Inline::A) {
                        return None;
                    }
                    href.clear();
                    at = link_attributes(html, after, &mut href)?;
                    let kept = href_kept(&href).then_some(href.as_str());
                    c.element(&Tag {
                        name: "a",
                        href: kept,
                    });
                    open.push(Inline::A);
                } else {
                    let inline = if name == b"i" { Inline::I } else { Inline::B };
                    at = simple_end?;
                    c.element(&tag(inline.name()));
                    open.push(inline);
                }
            }
            (Mode::Flow, true, b"i" | b"b" | b"a") => {
                let inline = open.pop()?;
                if inline.name().as_bytes() != name {
                    return None;
                }
                c.close_frame();
                at = simple_end?;
            }
            _ => return None,
        }
    }
    if mode != Mode::Flow || !open.is_empty() {
        return None;
    }
    if !text.is_empty() {
        c.text(&text);
    }
    if paragraph {
        c.close_frame();
    }
    Some(c.finish().body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::html::convert;

    fn slow(html: &str) -> Body {
        convert(
            html,
            Options {
                quote_markers: true,
            },
        )
        .body
    }

    /// The fast path accepts `html` and agrees with the general conversion.
    fn same(html: &str) {
        let fast = hn_fast_body(html).unwrap_or_else(|| panic!("refused: {html:?}"));
        assert_eq!(fast, slow(html), "{html:?}");
    }

    #[test]
    fn reads_the_hn_dialect_like_the_general_path() {
        same("First  line\n here &amp; <i>there</i>.<p>Second &#x27;para&#x27;.<p>  Third ");
        same("&gt; quoted one<p>&gt;quoted two<p>&gt;&gt; deep<p>&gt; &gt; deep too<p>reply");
        same("<i>&gt; in italics</i><p>answer");
        same("See <a href=\"https:&#x2F;&#x2F;example.com&#x2F;a\" rel=\"nofollow\">this</a>:<p><pre><code>  fn main() {\n      x\n  }\n</code></pre>then <b>bold <i>both</i></b>");
        same("<a rel=\"nofollow\" href=\"item?id=1\">relative</a> <a href=\"javascript:alert(1)\">js</a> <a href=\"http://[::1\">bad</a>");
        same("line<br>\n  break<br/>and<br />more</p>stray</p>");
        same("<pre><code>\n\n  </code>\n</pre><p>&#0065;&#x1F600;&nbsp;&apos;&#9;x&#10;y&#12;z");
        same("");
        same("<p>");
        same("   \n  ");
        same("&gt;<p>&gt; <i></i>");
    }

    #[test]
    fn refuses_what_it_does_not_read_completely() {
        for html in [
            "<b>x<p>y</b>",
            "<i>open",
            "<i>x</b>",
            "</i>",
            "<a href=\"x\"><a href=\"y\">n</a></a>",
            "<a>no href</a>",
            "<a href='x'>single</a>",
            "<a href=x>bare</a>",
            "<a href=\"x\" title=\"t\">t</a>",
            "<a href=\"x\" href=\"y\">dup</a>",
            "<I>caps</I>",
            "<p class=\"x\">",
            "<pre>no code</pre>",
            "<pre><code>x</pre>",
            "<pre><code>x</code></pre",
            "<!-- c -->",
            "a < b",
            "a &b",
            "&amp",
            "&copy;",
            "&#xD800;",
            "&#0;",
            "&#x80;",
            "&#1114112;",
            "&#xFFFE;",
            "&#xFEFF;x",
            "\u{FEFF}x",
            "a\r\nb",
            "a\u{0}b",
            "a\u{85}b",
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
        ] {
            assert_eq!(hn_fast_body(html), None, "{html:?}");
        }
    }
}
