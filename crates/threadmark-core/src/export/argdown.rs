//! The argument map as Argdown text (<https://argdown.org>).
//!
//! Every highlight becomes a statement, `[Label n]: text`, whose text is the
//! highlighted passage in quotation marks, who wrote it and where, and the note.
//! Claims are the map's top-level statements; evidence is written under the claim it
//! supports as a pro relation (`+`), a rebuttal under the claim it rebuts as a con
//! relation (`-`). Which claim that is comes from the highlight links (`supports`
//! is pro, `rebuts` is con; `answers` and `qualifies` have no Argdown relation and
//! stay in the JSON backup); anything linked to a highlight is written under it, so
//! chains (evidence for evidence) nest. Evidence and rebuttals linked to no claim,
//! and highlights with any other label, are listed after the claims.
//!
//! Argdown gives meaning to much punctuation (`[x]` references, `<x>` arguments,
//! `#tags`, `@mentions`, `//` comments, `*emphasis*`), so every ASCII punctuation
//! character of user text is written with a backslash, which the Argdown parser
//! reads back as the character itself: the statement's text is exactly the text.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::{permalink, rfc3339};
use crate::error::Result;
use crate::model::Highlight;
use crate::store::Library;

/// How a highlight relates to a claim in the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// `+`: the highlight supports the claim.
    Pro,
    /// `-`: the highlight attacks the claim.
    Con,
}

/// Text escaped for an Argdown statement: ASCII punctuation gets a backslash and
/// line breaks become spaces (a statement is one line).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A statement title: the label and a number, from letters, digits and spaces only
/// (titles cannot be escaped in Argdown).
fn title(label: Option<&str>, n: usize) -> String {
    let name: String = label
        .unwrap_or("Highlight")
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = if name.is_empty() {
        "Highlight".into()
    } else {
        name
    };
    format!("{name} {n}")
}

/// The kind of a label for the map.
fn role(label: Option<&str>) -> Option<Relation> {
    match label.map(str::to_ascii_lowercase).as_deref() {
        Some("evidence") => Some(Relation::Pro),
        Some("rebuttal") => Some(Relation::Con),
        _ => None,
    }
}

fn is_claim(label: Option<&str>) -> bool {
    label.is_some_and(|l| l.eq_ignore_ascii_case("claim"))
}

/// A YAML double-quoted scalar.
fn yaml(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Which claim each highlight attaches to, by uuid: `(highlight, claim, relation)`.
/// The relations come from the labels and the highlight links; a link from an
/// evidence or rebuttal highlight to a claim (or from a claim to one) places it.
pub type Attachments = Vec<(String, String, Relation)>;

/// The argument map of some threads as one Argdown document.
pub fn argdown(
    lib: &Library,
    threads: &[i64],
    attachments: &Attachments,
    exported_at: i64,
) -> Result<String> {
    let mut out = String::new();
    out.push_str("===\n");
    if let [one] = threads {
        let t = lib.thread(*one)?;
        let _ = writeln!(out, "title: {}", yaml(&t.title));
        if let Some(url) = &t.url {
            let _ = writeln!(out, "source: {}", yaml(url));
        }
    } else {
        let _ = writeln!(out, "title: {}", yaml("Threadmark library"));
    }
    let _ = writeln!(
        out,
        "subTitle: {}",
        yaml("Argument map exported by Threadmark")
    );
    let _ = writeln!(out, "date: {}", yaml(&rfc3339(exported_at)));
    out.push_str("===\n");

    let mut counters: HashMap<String, usize> = HashMap::new();
    for &id in threads {
        let thread = lib.thread(id)?;
        let highlights = lib.highlights(id)?;
        let posts = lib.posts(id)?;
        let authors: HashMap<&str, &str> = posts
            .iter()
            .filter_map(|p| Some((p.source_id.as_str(), p.author.as_deref()?)))
            .collect();
        let _ = write!(out, "\n# {}\n", escape(&thread.title));
        if highlights.is_empty() {
            out.push_str("\nNo highlights in this thread\\.\n");
            continue;
        }
        // Titles, numbered per label across the whole document.
        let mut titles: HashMap<&str, String> = HashMap::new();
        for h in &highlights {
            let key = h.label.clone().unwrap_or_default();
            let n = counters.entry(key).or_insert(0);
            *n += 1;
            titles.insert(h.uuid.as_str(), title(h.label.as_deref(), *n));
        }
        let statement = |h: &Highlight| -> String {
            let mut text = format!("“{}”", h.exact);
            let who = authors.get(h.post.as_str()).copied().unwrap_or("anonymous");
            let _ = write!(
                text,
                " ({who}, post {}, {})",
                h.post,
                permalink(&thread, &h.post)
            );
            if !h.note.is_empty() {
                let _ = write!(text, " Note: {}", h.note);
            }
            if h.state == "orphaned" {
                text.push_str(" (no longer found in the post)");
            }
            format!("[{}]: {}", titles[h.uuid.as_str()], escape(&text))
        };
        let here: BTreeMap<&str, &Highlight> =
            highlights.iter().map(|h| (h.uuid.as_str(), h)).collect();
        let mut map = MapWriter {
            out: &mut out,
            titles: &titles,
            here: &here,
            attachments,
            placed: Vec::new(),
            statement: &statement,
        };
        let claims: Vec<&Highlight> = highlights
            .iter()
            .filter(|h| is_claim(h.label.as_deref()))
            .collect();
        if !claims.is_empty() {
            map.out.push_str("\n## Claims\n");
            for c in &claims {
                map.write(c, 0);
            }
        }
        let unlinked: Vec<&Highlight> = highlights
            .iter()
            .filter(|h| role(h.label.as_deref()).is_some())
            .filter(|h| !map.placed.contains(&h.uuid.as_str()))
            .collect();
        if !unlinked.is_empty() {
            map.out
                .push_str("\n## Evidence and rebuttals not linked to a claim\n");
            for h in unlinked {
                if !map.placed.contains(&h.uuid.as_str()) {
                    map.write(h, 0);
                }
            }
        }
        let other: Vec<&Highlight> = highlights
            .iter()
            .filter(|h| !is_claim(h.label.as_deref()) && role(h.label.as_deref()).is_none())
            .filter(|h| !map.placed.contains(&h.uuid.as_str()))
            .collect();
        if !other.is_empty() {
            map.out.push_str("\n## Other highlights\n");
            for h in other {
                if !map.placed.contains(&h.uuid.as_str()) {
                    map.write(h, 0);
                }
            }
        }
    }
    Ok(out)
}

/// Writes statements with the relations that point at them, indented below.
struct MapWriter<'a, 'h> {
    out: &'a mut String,
    titles: &'a HashMap<&'h str, String>,
    here: &'a BTreeMap<&'h str, &'h Highlight>,
    attachments: &'a Attachments,
    /// Highlights written in full (each once; later mentions use the title).
    placed: Vec<&'h str>,
    statement: &'a dyn Fn(&Highlight) -> String,
}

impl<'h> MapWriter<'_, 'h> {
    /// A statement in full, then each highlight attached to it: `+` or `-`, in full
    /// the first time (with its own relations below it), by title after that.
    /// Claims are always top-level, so under another statement a claim is named.
    fn write(&mut self, h: &'h Highlight, depth: usize) {
        self.placed.push(h.uuid.as_str());
        if depth == 0 {
            self.out.push('\n');
        }
        self.out.push_str((self.statement)(h).as_str());
        self.out.push('\n');
        for (from, to, rel) in self.attachments {
            if to != &h.uuid {
                continue;
            }
            let Some(&child) = self.here.get(from.as_str()) else {
                continue;
            };
            let sign = if *rel == Relation::Pro { '+' } else { '-' };
            let indent = "  ".repeat(depth + 1);
            if is_claim(child.label.as_deref()) || self.placed.contains(&child.uuid.as_str()) {
                let _ = writeln!(
                    self.out,
                    "{indent}{sign} [{}]",
                    self.titles[child.uuid.as_str()]
                );
            } else {
                let _ = write!(self.out, "{indent}{sign} ");
                self.write(child, depth + 1);
            }
        }
    }
}
