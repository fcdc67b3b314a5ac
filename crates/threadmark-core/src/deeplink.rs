//! `threadmark://` links: stable addresses of a thread, a post or a highlight.
//!
//! A link names uuids and source ids, never row ids, so it survives a backup and a
//! restore into another library:
//! - `threadmark://thread/<thread-uuid>`
//! - `threadmark://thread/<thread-uuid>/post/<post-source-id>` (the source id
//!   percent-encoded where it holds anything but letters, digits and `-._~`)
//! - `threadmark://highlight/<highlight-uuid>`
//!
//! [`DeepLink::parse`] reads one, [`DeepLink`]'s `Display` writes one, and
//! [`crate::Library::resolve_link`] finds what it points to in a library.

use std::fmt;

use serde::Serialize;

use crate::error::{Error, Result};

/// The URL scheme the app registers.
pub const SCHEME: &str = "threadmark";

/// A parsed `threadmark://` link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeepLink {
    /// A thread, by its uuid (lowercase, hyphenated).
    Thread { thread: String },
    /// A post of a thread, by the thread's uuid and the post's source id.
    Post { thread: String, post: String },
    /// A highlight, by its uuid.
    Highlight { highlight: String },
}

/// What a link points to in one library: the thread to show, the post to scroll
/// to, and the highlight to focus (with whether it is orphaned, shown in the
/// highlights panel's Orphans entry rather than in the text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkTarget {
    pub thread: i64,
    pub post: Option<String>,
    pub highlight: Option<String>,
    pub orphaned: bool,
}

impl DeepLink {
    /// The link to a highlight.
    pub fn highlight(uuid: &str) -> Self {
        DeepLink::Highlight {
            highlight: uuid.to_string(),
        }
    }

    /// Reads a `threadmark://` link. A trailing slash, a query and a fragment are
    /// ignored; anything else that does not name a thread, post or highlight is bad input.
    pub fn parse(link: &str) -> Result<Self> {
        let bad = |why: &str| Error::bad_input(format!("{link}: not a threadmark link: {why}"));
        let trimmed = link.trim();
        let rest = trimmed
            .split_once(':')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case(SCHEME))
            .map(|(_, rest)| rest)
            .ok_or_else(|| bad("it does not start with threadmark://"))?;
        let rest = rest
            .strip_prefix("//")
            .ok_or_else(|| bad("expected // after threadmark:"))?;
        let path = rest.split(['?', '#']).next().unwrap_or_default();
        let parts: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        match parts.as_slice() {
            ["thread", thread] => Ok(DeepLink::Thread {
                thread: uuid_part(thread).ok_or_else(|| bad("the thread id is not a uuid"))?,
            }),
            ["thread", thread, "post", post] => Ok(DeepLink::Post {
                thread: uuid_part(thread).ok_or_else(|| bad("the thread id is not a uuid"))?,
                post: decode(post)
                    .filter(|p| !p.is_empty())
                    .ok_or_else(|| bad("the post id is empty or badly encoded"))?,
            }),
            ["highlight", highlight] => Ok(DeepLink::Highlight {
                highlight: uuid_part(highlight)
                    .ok_or_else(|| bad("the highlight id is not a uuid"))?,
            }),
            _ => Err(bad(
                "expected thread/<uuid>, thread/<uuid>/post/<id> or highlight/<uuid>",
            )),
        }
    }
}

impl fmt::Display for DeepLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeepLink::Thread { thread } => write!(f, "{SCHEME}://thread/{thread}"),
            DeepLink::Post { thread, post } => {
                write!(f, "{SCHEME}://thread/{thread}/post/{}", encode(post))
            }
            DeepLink::Highlight { highlight } => write!(f, "{SCHEME}://highlight/{highlight}"),
        }
    }
}

/// A uuid in its canonical form (lowercase, hyphenated), or None.
fn uuid_part(part: &str) -> Option<String> {
    uuid::Uuid::parse_str(part)
        .ok()
        .map(|u| u.hyphenated().to_string())
}

fn encode(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for b in part.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(part: &str) -> Option<String> {
    let bytes = part.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "0b7f4f8e-2a61-4c8e-9d1f-3c2b1a0e9f77";

    #[test]
    fn round_trips() {
        for link in [
            DeepLink::Thread { thread: T.into() },
            DeepLink::Post {
                thread: T.into(),
                post: "t1_ab/c d%é".into(),
            },
            DeepLink::highlight(T),
        ] {
            assert_eq!(DeepLink::parse(&link.to_string()).expect("parses"), link);
        }
    }

    #[test]
    fn canonical_forms() {
        let upper = format!("THREADMARK://highlight/{}/?x#y", T.to_uppercase());
        assert_eq!(
            DeepLink::parse(&upper).expect("parses"),
            DeepLink::highlight(T)
        );
        assert_eq!(
            DeepLink::Post {
                thread: T.into(),
                post: "12 3".into()
            }
            .to_string(),
            format!("threadmark://thread/{T}/post/12%203")
        );
    }

    #[test]
    fn refuses_other_things() {
        for bad in [
            "https://example.com/",
            "threadmark:highlight/x",
            "threadmark://highlight/not-a-uuid",
            "threadmark://thread/",
            &format!("threadmark://thread/{T}/post/"),
            &format!("threadmark://thread/{T}/post/%zz"),
            &format!("threadmark://post/{T}"),
        ] {
            let e = DeepLink::parse(bad).expect_err(bad);
            assert_eq!(e.kind(), crate::ErrorKind::BadInput, "{bad}");
            assert!(e.to_string().contains("not a threadmark link"), "{e}");
        }
    }
}
