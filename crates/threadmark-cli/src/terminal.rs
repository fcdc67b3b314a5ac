//! What reaches the user's terminal: thread text made harmless, and styling only
//! where it belongs.
//!
//! A saved thread is untrusted input: its title, authors and bodies can carry
//! escape sequences (CSI, OSC, other C0 and C1 controls) that would retitle, clear
//! or reprogram a terminal. Every string from the library goes through [`line`] or
//! [`block`] before it is printed: each control character is replaced by a visible
//! stand-in (`␛` for ESC, `␇` for BEL, `<U+009B>` for a C1 control), as are the
//! bidirectional overrides that reorder what is shown. JSON output escapes the same
//! characters as `\u` sequences ([`SafeFormatter`]).
//!
//! Styling (bold search matches) is used only on a terminal, never with `NO_COLOR`
//! set (to anything but the empty string) or `TERM=dumb` ([`styling`]).

use std::borrow::Cow;
use std::ffi::OsStr;
use std::io::{self, Write};

/// Whether a character must not reach a terminal as is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn visible(c: char, out: &mut String) {
    match c as u32 {
        n @ 0..=0x1f => out.push(char::from_u32(0x2400 + n).unwrap_or('?')),
        0x7f => out.push('\u{2421}'),
        n => out.push_str(&format!("<U+{n:04X}>")),
    }
}

/// One line of text (a title, an author, a snippet): line breaks become spaces and
/// every other control character is made visible.
pub fn line(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// Text of several lines (a post body): line breaks and tabs are kept, every other
/// control character (a carriage return too) is made visible.
pub fn block(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

fn clean(s: &str, keep_lines: bool) -> Cow<'_, str> {
    let fine = |c: char| !is_unsafe(c) || c == '\t' || (keep_lines && c == '\n');
    if s.chars().all(fine) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if fine(c) {
            out.push(c);
        } else if c == '\n' {
            out.push(' ');
        } else {
            visible(c, &mut out);
        }
    }
    Cow::Owned(out)
}

/// Whether to style output: on a terminal, with `NO_COLOR` unset or empty and
/// `TERM` not `dumb` (<https://no-color.org>).
pub fn styling(is_terminal: bool, no_color: Option<&OsStr>, term: Option<&OsStr>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// [`styling`] for this process's standard output and environment.
pub fn stdout_styling() -> bool {
    use std::io::IsTerminal;
    styling(
        io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    )
}

/// serde_json's pretty printer that also escapes DEL, the C1 controls and the
/// bidirectional overrides (serde_json escapes only C0), so that a JSON document
/// printed to a terminal is as harmless as the text output.
pub struct SafeFormatter(serde_json::ser::PrettyFormatter<'static>);

impl Default for SafeFormatter {
    fn default() -> Self {
        SafeFormatter(serde_json::ser::PrettyFormatter::new())
    }
}

impl serde_json::ser::Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some(i) = rest.find(is_unsafe) {
            writer.write_all(&rest.as_bytes()[..i])?;
            let c = rest[i..].chars().next().unwrap_or(' ');
            write!(writer, "\\u{:04x}", c as u32)?;
            rest = &rest[i + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_made_visible() {
        assert_eq!(line("a\x1b]0;pwned\x07b"), "a␛]0;pwned␇b");
        assert_eq!(line("x\u{9b}2Jy\r\nz"), "x<U+009B>2Jy␍ z");
        assert_eq!(block("one\ntwo\tthree\x7f"), "one\ntwo\tthree␡");
        assert_eq!(line("\u{202E}txt.exe"), "<U+202E>txt.exe");
        assert!(matches!(line("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn styling_follows_the_conventions() {
        let s = |t, n: Option<&str>, term: Option<&str>| {
            styling(t, n.map(OsStr::new), term.map(OsStr::new))
        };
        assert!(s(true, None, Some("xterm-256color")));
        assert!(s(true, Some(""), None));
        assert!(!s(false, None, Some("xterm")));
        assert!(!s(true, Some("1"), Some("xterm")));
        assert!(!s(true, None, Some("dumb")));
    }
}
