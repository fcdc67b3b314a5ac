//! Mail: an mbox mailbox (mboxo or mboxrd, LF or CRLF), a single RFC 5322 message,
//! or a Maildir folder, threaded into one [`ThreadDoc`] per conversation.
//!
//! - **Splitting an mbox**: a message starts at a `From ` line at the start of the
//!   file or after a blank line. `>From `, `>>From `, … lines lose one `>` (mboxrd;
//!   for mboxo this is the usual reading).
//! - **Decoding** is done by `mail-parser`: MIME structure, quoted-printable, base64,
//!   charsets (ISO-8859-*, Windows-125*, CJK, …, decoded lossily: bytes invalid in the
//!   declared charset become U+FFFD, never an error), RFC 2047 encoded words in headers.
//!   The text/plain parts are the body; an HTML-only message is converted to text.
//!   `format=flowed` is unflowed. The body is built by [`body::body_from_text`]
//!   (quotes, attribution, signature and patch marking are documented there).
//! - **Ids**: a post's source id is its Message-ID without the angle brackets. A
//!   message without one gets a synthesized, stable id:
//!   `no-message-id-<16 hex digits>@threadmark.invalid`, the hex being the FNV-1a
//!   64-bit hash of its Date, From and Subject headers and its decoded body text, so
//!   that re-importing the same mailbox gives the same id. A Message-ID seen twice
//!   keeps its first message.
//! - **Threading** (JWZ-style, without subject grouping): a message's parent is the
//!   last In-Reply-To id that is present, else the nearest present ancestor named in
//!   References (searched from the last one back); otherwise it is a top-level post.
//!   Reference cycles are cut. Messages that share any id, even of a message absent
//!   from the mailbox (a "ghost"), are one conversation; a conversation may so have
//!   several top-level posts. Siblings are ordered by date, then by their place in
//!   the input; conversations by their first message in the input.
//! - **Thread**: the first top-level post is the root: its Subject, without
//!   `Re:`/`Fwd:`-style prefixes, is the title and its Message-ID the source key.
//!   The author is the From display name, else the address.

pub mod body;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use mail_parser::{MessageParser, MimeHeaders};

use crate::error::{Error, ErrorKind, Result};
use crate::model::{PostDoc, ThreadDoc};

/// One parsed message, before threading.
#[derive(Debug, Clone)]
pub struct Message {
    /// Message-ID without angle brackets (or a synthesized one).
    pub id: String,
    /// Whether `id` was synthesized because the message had none.
    pub synthesized_id: bool,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub author: Option<String>,
    pub date: Option<i64>,
    pub subject: Option<String>,
    pub body: crate::body::Body,
}

// ---------------------------------------------------------------------------------
// Detection

fn is_header_line(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && line[..colon]
            .iter()
            .all(|&b| (33..=126).contains(&b) && b != b':')
}

const KNOWN_HEADERS: &[&str] = &[
    "from",
    "date",
    "subject",
    "message-id",
    "received",
    "return-path",
    "to",
    "mime-version",
    "in-reply-to",
    "references",
    "delivered-to",
];

/// Whether `bytes` start with a header block: header lines (and continuations) up to
/// a blank line or the end, at least two fields, one of them a well-known one.
fn looks_like_headers(bytes: &[u8]) -> bool {
    let mut fields = 0;
    let mut known = false;
    for (n, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if n > 200 {
            return false;
        }
        if matches!(line[0], b' ' | b'\t') {
            if fields == 0 {
                return false;
            }
            continue;
        }
        if !is_header_line(line) {
            return false;
        }
        fields += 1;
        let name =
            String::from_utf8_lossy(&line[..line.iter().position(|&b| b == b':').unwrap_or(0)])
                .to_ascii_lowercase();
        known |= KNOWN_HEADERS.contains(&name.as_str());
    }
    fields >= 2 && known
}

/// Whether the input (after leading whitespace) is an mbox (a `From ` line followed
/// by headers) or a single message (headers first).
pub fn sniff(bytes: &[u8]) -> bool {
    if let Some(rest) = bytes.strip_prefix(b"From ") {
        let next = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(&[][..], |i| &rest[i + 1..]);
        return looks_like_headers(next);
    }
    looks_like_headers(bytes)
}

// ---------------------------------------------------------------------------------
// Mbox

/// The messages of an mbox as `(1-based line of its `From ` line, bytes)`,
/// with mboxrd `>From ` quoting undone. Input that does not start with `From ` is one
/// message.
pub fn split_mbox(bytes: &[u8]) -> Vec<(usize, Vec<u8>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let lead = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let first_line = bytes[..lead].iter().filter(|&&b| b == b'\n').count() + 1;
    let bytes = &bytes[lead..];
    if !bytes.starts_with(b"From ") {
        return vec![(first_line, bytes.to_vec())];
    }
    let mut out: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut prev_blank = true;
    for (n, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let number = first_line + n;
        let bare = line.strip_suffix(b"\n").unwrap_or(line);
        let bare = bare.strip_suffix(b"\r").unwrap_or(bare);
        if prev_blank && bare.starts_with(b"From ") {
            out.push((number, Vec::new()));
            prev_blank = false;
            continue;
        }
        prev_blank = bare.is_empty();
        if let Some((_, msg)) = out.last_mut() {
            let quoted = bare.iter().take_while(|&&b| b == b'>').count();
            if quoted > 0 && bare[quoted..].starts_with(b"From ") {
                msg.extend_from_slice(&line[1..]);
            } else {
                msg.extend_from_slice(line);
            }
        }
    }
    // The blank line before the next `From ` belongs to the mbox, not the message.
    for (_, msg) in &mut out {
        if msg.ends_with(b"\r\n\r\n") {
            msg.truncate(msg.len() - 2);
        } else if msg.ends_with(b"\n\n") {
            msg.truncate(msg.len() - 1);
        }
    }
    out
}

/// Parse an mbox (or one message) into one thread per conversation.
pub fn parse_mbox(bytes: &[u8]) -> Result<Vec<ThreadDoc>> {
    let mut messages = Vec::new();
    for (n, (line, raw)) in split_mbox(bytes).into_iter().enumerate() {
        let msg =
            parse_message(&raw).map_err(|e| e.at(format!("message {} (line {line})", n + 1)))?;
        messages.push(msg);
    }
    if messages.is_empty() {
        return Err(Error::bad_input("empty mailbox: no messages").at("line 1"));
    }
    Ok(thread(messages, "mbox"))
}

// ---------------------------------------------------------------------------------
// Maildir

const MAX_DEPTH: usize = 8;

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn file_sniffs_as_mail(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    let ok = std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .is_ok();
    if !ok {
        return false;
    }
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    sniff(&head[start..])
}

fn maildir_like(dir: &Path, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    if dir.join("cur").is_dir() || dir.join("new").is_dir() {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().take(10_000).any(|e| {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => maildir_like(&path, depth + 1),
            Ok(t) if t.is_file() => !is_hidden(&path) && file_sniffs_as_mail(&path),
            _ => false,
        }
    })
}

/// Whether `path` is a Maildir (a folder with `cur/` or `new/`), or a folder holding
/// Maildirs or message files (one message per file, as notmuch and MH keep them).
pub fn is_maildir(path: &Path) -> bool {
    path.is_dir() && maildir_like(path, 0)
}

/// The message files under `dir`: every file in `cur/` and `new/` of a Maildir, and
/// loose files that look like a message; `tmp/`, hidden files and symbolic links are
/// skipped. Sorted by path.
fn message_files(
    dir: &Path,
    depth: usize,
    in_maildir_box: bool,
    out: &mut Vec<PathBuf>,
) -> Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::from(e).in_file(dir))?;
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            let name = e.file_name();
            if name == "tmp" {
                continue;
            }
            let mailbox = name == "cur" || name == "new";
            message_files(&path, depth + 1, mailbox, out)?;
        } else if t.is_file() && !is_hidden(&path) && (in_maildir_box || file_sniffs_as_mail(&path))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Parse a Maildir (see [`is_maildir`]) into one thread per conversation. The sum of
/// the message files' sizes may not exceed `max_bytes`.
pub fn parse_maildir(path: &Path, max_bytes: u64) -> Result<Vec<ThreadDoc>> {
    let mut files = Vec::new();
    message_files(path, 0, false, &mut files)?;
    let mut total: u64 = 0;
    let mut messages = Vec::new();
    for file in &files {
        let len = std::fs::metadata(file)
            .map_err(|e| Error::from(e).in_file(file))?
            .len();
        let over = || {
            Error::new(
                ErrorKind::TooLarge,
                format!(
                    "the Maildir holds over {} of messages, the import limit",
                    crate::import::format_size(max_bytes)
                ),
            )
        };
        if total.saturating_add(len) > max_bytes {
            return Err(over());
        }
        // Bounded by what is left of the limit: a FIFO or a device among the
        // messages reports no size.
        let bytes = crate::import::read_path(file, max_bytes - total).map_err(|e| {
            if e.kind() == ErrorKind::TooLarge {
                over()
            } else {
                e
            }
        })?;
        total += bytes.len() as u64;
        // A file may itself be an mbox.
        for (n, (line, raw)) in split_mbox(&bytes).into_iter().enumerate() {
            let msg = parse_message(&raw).map_err(|e| {
                let e = if n > 0 {
                    e.at(format!("message {} (line {line})", n + 1))
                } else {
                    e
                };
                e.in_file(file)
            })?;
            messages.push(msg);
        }
    }
    if messages.is_empty() {
        return Err(Error::bad_input("no messages in this Maildir").in_file(path));
    }
    Ok(thread(messages, "maildir"))
}

// ---------------------------------------------------------------------------------
// One message

/// The raw header block, unfolded, as `(lower-case name, value)`, decoded lossily.
fn raw_headers(raw: &[u8]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(line);
        if matches!(line[0], b' ' | b'\t') {
            if let Some((_, value)) = out.last_mut() {
                value.push(' ');
                value.push_str(text.trim());
            }
        } else if let Some((name, value)) = text.split_once(':') {
            out.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    out
}

/// The message ids in a header value: every `<…>`; else a bare `a@b` token.
pub fn message_ids(value: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else { break };
        let id: String = after[..close]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !id.is_empty() {
            ids.push(id);
        }
        rest = &after[close + 1..];
    }
    if ids.is_empty() {
        ids.extend(
            value
                .split_whitespace()
                .filter(|t| t.contains('@') && !t.contains(['(', ')', '"', ';']))
                .map(str::to_string),
        );
    }
    ids
}

fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(b"\0") {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Parse one message (its bytes, without an mbox `From ` line).
pub fn parse_message(raw: &[u8]) -> Result<Message> {
    let headers = raw_headers(raw);
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let has_mail_header = headers.iter().any(|(n, _)| {
        matches!(
            n.as_str(),
            "from" | "date" | "subject" | "message-id" | "in-reply-to" | "references" | "to"
        )
    });
    if !has_mail_header {
        return Err(Error::bad_input(
            "not a mail message: no From, Date, Subject or Message-ID header",
        ));
    }
    let parsed = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| Error::bad_input("not a mail message: cannot read its headers"))?;

    let mut text = String::new();
    for i in 0..parsed.text_body_count() {
        let Some(part_text) = parsed.body_text(i) else {
            continue;
        };
        let flowed = parsed
            .text_part(i as u32)
            .and_then(|p| p.content_type())
            .filter(|ct| {
                ct.attribute("format")
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"))
            })
            .map(|ct| {
                ct.attribute("delsp")
                    .is_some_and(|d| d.eq_ignore_ascii_case("yes"))
            });
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        match flowed {
            Some(delsp) => text.push_str(&body::unflow(&part_text, delsp)),
            None => text.push_str(&part_text),
        }
    }
    let body = body::body_from_text(&text);

    let author = parsed.from().and_then(|a| a.first()).and_then(|a| {
        let name = a
            .name
            .as_deref()
            .map(|n| n.trim().trim_matches('"').trim())
            .filter(|n| !n.is_empty());
        name.or(a.address.as_deref().map(str::trim))
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    });
    let date = parsed
        .date()
        .filter(|d| d.is_valid())
        .map(mail_parser::DateTime::to_timestamp);
    let subject = parsed.subject().map(|s| s.trim().to_string());
    let (id, synthesized_id) = match header("message-id")
        .map(message_ids)
        .and_then(|ids| ids.into_iter().next())
    {
        Some(id) => (id, false),
        None => {
            let rendered = body.render().text;
            let h = fnv1a(&[
                header("date").unwrap_or(""),
                header("from").unwrap_or(""),
                header("subject").unwrap_or(""),
                &rendered,
            ]);
            (format!("no-message-id-{h:016x}@threadmark.invalid"), true)
        }
    };
    Ok(Message {
        in_reply_to: header("in-reply-to").map(message_ids).unwrap_or_default(),
        references: header("references").map(message_ids).unwrap_or_default(),
        id,
        synthesized_id,
        author,
        date,
        subject,
        body,
    })
}

/// A subject without its reply and forward prefixes (`Re:`, `RE:`, `Fwd:`, `Fw:`,
/// `AW:`, `SV:`, `Re[2]:`, …), repeated.
pub fn strip_subject(subject: &str) -> String {
    const PREFIXES: &[&str] = &[
        "re", "fwd", "fw", "aw", "sv", "vs", "antw", "wg", "tr", "rif", "odp", "ynt",
    ];
    let mut s = subject.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let mut cut = None;
        for p in PREFIXES {
            if let Some(rest) = lower.strip_prefix(p) {
                // Optional "[2]" or "(2)" or "^2", then ':'.
                let rest_trim = rest.trim_start_matches(|c: char| {
                    c.is_ascii_digit() || matches!(c, '[' | ']' | '(' | ')' | '^')
                });
                let rest_trim = rest_trim.trim_start();
                if let Some(after) = rest_trim.strip_prefix(':') {
                    cut = Some(s.len() - after.len());
                    break;
                }
            }
        }
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => break,
        }
    }
    s.to_string()
}

// ---------------------------------------------------------------------------------
// Threading

fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// Thread messages (in input order) into conversations.
pub fn thread(messages: Vec<Message>, source: &'static str) -> Vec<ThreadDoc> {
    // Drop repeated Message-IDs, keeping the first.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut msgs: Vec<Message> = Vec::with_capacity(messages.len());
    for m in messages {
        if !seen.contains_key(&m.id) {
            seen.insert(m.id.clone(), msgs.len());
            msgs.push(m);
        }
    }
    let index = seen;
    let n = msgs.len();

    // Parents: In-Reply-To first, then References from the last back.
    let mut parent: Vec<Option<usize>> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| {
            m.in_reply_to
                .iter()
                .rev()
                .chain(m.references.iter().rev())
                .filter_map(|id| index.get(id).copied())
                .find(|&p| p != i)
        })
        .collect();
    // Cut cycles: 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; n];
    for start in 0..n {
        let mut path = Vec::new();
        let mut cur = start;
        loop {
            if state[cur] == 2 {
                break;
            }
            if state[cur] == 1 {
                if let Some(&last) = path.last() {
                    parent[last] = None;
                }
                break;
            }
            state[cur] = 1;
            path.push(cur);
            match parent[cur] {
                Some(p) => cur = p,
                None => break,
            }
        }
        for i in path {
            state[i] = 2;
        }
    }

    // Conversations: messages joined by any id they share, ghosts included.
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut uf: Vec<usize> = (0..n).collect();
    for (i, m) in msgs.iter().enumerate() {
        ids.insert(m.id.as_str(), i);
    }
    for (i, m) in msgs.iter().enumerate() {
        for id in m.in_reply_to.iter().chain(&m.references) {
            let node = *ids.entry(id.as_str()).or_insert_with(|| {
                uf.push(uf.len());
                uf.len() - 1
            });
            let (a, b) = (find(&mut uf, i), find(&mut uf, node));
            if a != b {
                uf[a.max(b)] = a.min(b);
            }
        }
        if let Some(p) = parent[i] {
            let (a, b) = (find(&mut uf, i), find(&mut uf, p));
            if a != b {
                uf[a.max(b)] = a.min(b);
            }
        }
    }

    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut groups: Vec<Vec<usize>> = Vec::new(); // roots per conversation
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for (i, up) in parent.iter().enumerate() {
        let g = find(&mut uf, i);
        let slot = *group_of.entry(g).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        match *up {
            Some(p) => children[p].push(i),
            None => groups[slot].push(i),
        }
    }
    let key = |i: &usize| (msgs[*i].date.unwrap_or(i64::MAX), *i);
    for c in &mut children {
        c.sort_by_key(key);
    }

    let mut slots: Vec<Option<Message>> = msgs.into_iter().map(Some).collect();
    let dates: Vec<(i64, usize)> = (0..n)
        .map(|i| {
            (
                slots[i].as_ref().and_then(|m| m.date).unwrap_or(i64::MAX),
                i,
            )
        })
        .collect();
    let mut docs = Vec::with_capacity(groups.len());
    for mut roots in groups {
        roots.sort_by_key(|&i| dates[i]);
        let mut posts = Vec::new();
        let mut stack: Vec<(usize, Option<String>)> =
            roots.iter().rev().map(|&r| (r, None)).collect();
        while let Some((i, parent_id)) = stack.pop() {
            let Some(m) = slots[i].take() else { continue };
            for &c in children[i].iter().rev() {
                stack.push((c, Some(m.id.clone())));
            }
            posts.push((
                m.subject,
                PostDoc {
                    source_id: m.id,
                    parent: parent_id,
                    author: m.author,
                    created_at: m.date,
                    body: m.body,
                    deleted: false,
                    missing_replies: 0,
                    points: None,
                    quote_sources: Vec::new(),
                },
            ));
        }
        let Some((subject, root)) = posts.first() else {
            continue;
        };
        let title = subject.as_deref().map(strip_subject).unwrap_or_default();
        let title = if title.is_empty() {
            "(no subject)".to_string()
        } else {
            title
        };
        let source_key = Some(root.source_id.clone());
        docs.push(ThreadDoc {
            title,
            source,
            source_key,
            url: None,
            posts: posts.into_iter().map(|(_, p)| p).collect(),
        });
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_lose_reply_prefixes() {
        assert_eq!(strip_subject("Re: RE: Fwd: [PATCH] x"), "[PATCH] x");
        assert_eq!(strip_subject("Re[2]: AW: hello"), "hello");
        assert_eq!(strip_subject("Reply: hello"), "Reply: hello");
        assert_eq!(strip_subject("Re:"), "");
    }

    #[test]
    fn ids_from_headers() {
        assert_eq!(
            message_ids("<a@b>; from x@y on Thu, 30 Mar"),
            ["a@b".to_string()]
        );
        assert_eq!(message_ids(" <a@b>\t<c\n @d>"), ["a@b", "c@d"]);
        assert_eq!(message_ids("bare@id"), ["bare@id"]);
        assert!(message_ids("").is_empty());
    }

    #[test]
    fn mbox_split_unescapes_and_keeps_crlf_messages_apart() {
        let mbox = b"From a Thu\r\nSubject: one\r\n\r\n>From here\r\n>>From there\r\n\r\nFrom b Fri\r\nSubject: two\r\n\r\nbody\r\n";
        let parts = split_mbox(mbox);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0, 1);
        assert_eq!(parts[1].0, 7);
        assert_eq!(
            parts[0].1,
            b"Subject: one\r\n\r\nFrom here\r\n>From there\r\n".to_vec()
        );
        assert!(sniff(b"From a Thu\nSubject: x\nFrom: y\n\nbody"));
        assert!(!sniff(b"From what I understand, this is a text\nnot mail"));
        assert!(!sniff(b"Note: one header\n\ntext"));
    }
}
