//! Annotations coming in: W3C Web Annotations and Hypothesis API results read into
//! plain records that [`crate::Library::restore_annotations`] anchors on saved
//! threads.
//!
//! Documents read ([`read_annotations`]):
//! - a W3C `AnnotationCollection` (its `first` page and the pages embedded after it
//!   by `next`), an `AnnotationPage` (`items`), or one `Annotation`;
//! - a JSON array of annotations;
//! - a Hypothesis API search result, `{"rows": [...]}` (each row an annotation in
//!   Hypothesis' own shape: `target[].selector`, `text`, `tags`, `uri`).
//!
//! From each annotation: its `id`; every target (a string, an object's `source` or
//! `id`, its `scope`, Threadmark's own ids under [`crate::export::THREADMARK_KEY`],
//! and a Hypothesis row's `uri`); the `TextQuoteSelector` (exact, prefix, suffix;
//! required) and the `TextPositionSelector` (a hint); the `tagging` bodies' values and
//! Hypothesis `tags` in order; the note from `commenting` bodies (or a `TextualBody`
//! without a purpose, `bodyValue`, Hypothesis `text`); `created` and
//! `modified`/`updated`. Annotations are read; anything else in the document is left.

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{Error, Result};

/// One annotation as read from a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// Where it is in the document (a JSON path), for messages.
    pub path: String,
    /// Its `id` as given.
    pub id: Option<String>,
    /// What its targets name, in the order given: addresses (a post or thread
    /// permalink, a source address, a `urn:threadmark:` name).
    pub sources: Vec<String>,
    /// Threadmark's own ids from a target: (thread uuid, post source id).
    pub threadmark: Option<(String, String)>,
    /// The site and the site's key of the thread, from the same field.
    pub site_key: Option<(String, String)>,
    /// `TextQuoteSelector`.
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    /// `TextPositionSelector`, a hint only.
    pub position: Option<(usize, usize)>,
    /// `tagging` bodies and tags, in order.
    pub tagging: Vec<String>,
    /// The note (Markdown or text), commenting bodies joined by blank lines.
    pub note: String,
    /// Unix seconds.
    pub created: Option<i64>,
    pub modified: Option<i64>,
}

/// What a document holds: annotations that can be anchored, and the ones that
/// cannot (path and why).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnnotationDoc {
    pub annotations: Vec<Incoming>,
    pub unreadable: Vec<(String, String)>,
}

/// Whether `v`'s `type` is (or includes) `name`.
fn has_type(v: &Value, name: &str) -> bool {
    match v.get("type") {
        Some(Value::String(s)) => s == name,
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str() == Some(name)),
        _ => false,
    }
}

/// The values of `v` as a list: an array's items, or the one value.
fn list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().collect(),
        Some(one) => vec![one],
    }
}

fn time_of(v: Option<&Value>) -> Option<i64> {
    let s = v?.as_str()?;
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Whether a document is an annotation document this module reads (rather than a
/// Threadmark backup or something else).
pub fn is_annotation_doc(doc: &Value) -> bool {
    match doc {
        Value::Array(_) => true,
        Value::Object(o) => {
            o.get("rows").is_some_and(Value::is_array)
                || ["AnnotationCollection", "AnnotationPage", "Annotation"]
                    .iter()
                    .any(|t| has_type(doc, t))
        }
        _ => false,
    }
}

/// Read the annotations of a document (see the module's list). A document of
/// another kind is an error naming what it is not.
pub fn read_annotations(doc: &Value) -> Result<AnnotationDoc> {
    let mut out = AnnotationDoc::default();
    let mut items: Vec<(String, &Value)> = Vec::new();
    if let Some(rows) = doc.get("rows").and_then(Value::as_array) {
        items.extend(
            rows.iter()
                .enumerate()
                .map(|(i, r)| (format!("$.rows[{i}]"), r)),
        );
    } else if let Value::Array(a) = doc {
        items.extend(a.iter().enumerate().map(|(i, r)| (format!("$[{i}]"), r)));
    } else if has_type(doc, "AnnotationCollection") {
        let mut page = doc.get("first");
        let mut path = "$.first".to_string();
        // Pages embedded in the document, `first` then each `next`; a page given
        // only by its address is not fetched.
        while let Some(p) = page {
            match p {
                Value::Object(_) => {
                    for (i, item) in list(p.get("items")).into_iter().enumerate() {
                        items.push((format!("{path}.items[{i}]"), item));
                    }
                    page = p.get("next").filter(|n| n.is_object());
                    path.push_str(".next");
                }
                Value::String(s) => {
                    return Err(Error::bad_input(format!(
                        "the collection's page {s:?} is only an address; save the pages into the file"
                    ))
                    .at(path));
                }
                _ => break,
            }
        }
    } else if has_type(doc, "AnnotationPage") {
        for (i, item) in list(doc.get("items")).into_iter().enumerate() {
            items.push((format!("$.items[{i}]"), item));
        }
    } else if has_type(doc, "Annotation") {
        items.push(("$".to_string(), doc));
    } else {
        return Err(Error::bad_input(
            "not an annotation document: no AnnotationCollection, AnnotationPage, Annotation, list of annotations or Hypothesis \"rows\"",
        )
        .at("$"));
    }
    for (path, item) in items {
        match read_one(item, &path) {
            Ok(a) => out.annotations.push(a),
            Err(why) => out.unreadable.push((path, why)),
        }
    }
    Ok(out)
}

/// One annotation (W3C or a Hypothesis row), or why it cannot be anchored.
fn read_one(v: &Value, path: &str) -> std::result::Result<Incoming, String> {
    if !v.is_object() {
        return Err("not an annotation object".into());
    }
    let mut a = Incoming {
        path: path.to_string(),
        id: v.get("id").and_then(Value::as_str).map(str::to_string),
        created: time_of(v.get("created")),
        modified: time_of(v.get("modified")).or_else(|| time_of(v.get("updated"))),
        ..Incoming::default()
    };
    let mut quote: Option<(String, String, String)> = None;
    for target in list(v.get("target")) {
        match target {
            Value::String(s) => a.sources.push(s.clone()),
            Value::Object(_) => {
                for key in ["source", "id", "scope"] {
                    if let Some(s) = target.get(key).and_then(Value::as_str) {
                        a.sources.push(s.to_string());
                    }
                }
                if let Some(tm) = target.get(crate::export::THREADMARK_KEY) {
                    if let (Some(t), Some(p)) = (
                        tm.get("thread").and_then(Value::as_str),
                        tm.get("post").and_then(Value::as_str),
                    ) {
                        a.threadmark.get_or_insert((t.to_string(), p.to_string()));
                    }
                    if let (Some(site), Some(key)) = (
                        tm.get("site").and_then(Value::as_str),
                        tm.get("key").and_then(Value::as_str),
                    ) {
                        a.site_key
                            .get_or_insert((site.to_string(), key.to_string()));
                    }
                }
                for sel in list(target.get("selector")) {
                    if has_type(sel, "TextQuoteSelector") && quote.is_none() {
                        let field = |k: &str| {
                            sel.get(k)
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string()
                        };
                        quote = Some((field("exact"), field("prefix"), field("suffix")));
                    } else if has_type(sel, "TextPositionSelector") && a.position.is_none() {
                        let n = |k: &str| {
                            sel.get(k)
                                .and_then(Value::as_u64)
                                .and_then(|x| usize::try_from(x).ok())
                        };
                        if let (Some(s), Some(e)) = (n("start"), n("end")) {
                            a.position = (s <= e).then_some((s, e));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(uri) = v.get("uri").and_then(Value::as_str) {
        a.sources.push(uri.to_string());
    }
    a.sources.dedup();
    let (exact, prefix, suffix) = quote.ok_or("no TextQuoteSelector in its target")?;
    if exact.trim().is_empty() {
        return Err("its TextQuoteSelector's exact text is empty".into());
    }
    (a.exact, a.prefix, a.suffix) = (exact, prefix, suffix);

    // Bodies: tagging values, and notes.
    let motivation_commenting = list(v.get("motivation"))
        .iter()
        .any(|m| m.as_str() == Some("commenting"));
    let mut notes: Vec<String> = Vec::new();
    if let Some(s) = v.get("bodyValue").and_then(Value::as_str) {
        notes.push(s.to_string());
    }
    for body in list(v.get("body")) {
        let Some(value) = body.get("value").and_then(Value::as_str) else {
            continue;
        };
        let purposes: Vec<&str> = list(body.get("purpose"))
            .iter()
            .filter_map(|p| p.as_str())
            .collect();
        if purposes.contains(&"tagging") {
            a.tagging.push(value.to_string());
        } else if purposes.contains(&"commenting")
            || (purposes.is_empty() && (motivation_commenting || has_type(body, "TextualBody")))
        {
            notes.push(value.to_string());
        }
    }
    // Hypothesis rows.
    if let Some(s) = v.get("text").and_then(Value::as_str) {
        notes.push(s.to_string());
    }
    for tag in list(v.get("tags")).into_iter().filter_map(Value::as_str) {
        a.tagging.push(tag.to_string());
    }
    a.note = notes
        .into_iter()
        .filter(|n| !n.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn w3c_shapes_and_bodies() {
        let ann = json!({
            "@context": "http://www.w3.org/ns/anno.jsonld", "id": "urn:uuid:1", "type": "Annotation",
            "created": "2024-01-01T00:00:00Z", "modified": "2024-01-02T00:00:00Z",
            "body": [
                {"type": "TextualBody", "purpose": "tagging", "value": "Claim"},
                {"type": "TextualBody", "purpose": "tagging", "value": "models"},
                {"type": "TextualBody", "purpose": "commenting", "value": "**Why?**", "format": "text/markdown"}
            ],
            "target": {"source": "https://news.ycombinator.com/item?id=5",
                       "threadmark": {"thread": "u-1", "post": "5"},
                       "selector": [{"type": "TextQuoteSelector", "exact": "a b", "prefix": "x ", "suffix": " y"},
                                    {"type": "TextPositionSelector", "start": 2, "end": 5}]}
        });
        let one = read_annotations(&ann).unwrap();
        let page =
            read_annotations(&json!({"type": "AnnotationPage", "items": [ann.clone()]})).unwrap();
        let coll = read_annotations(&json!({"type": "AnnotationCollection",
            "first": {"type": "AnnotationPage", "items": [ann.clone()], "next": {"type": "AnnotationPage", "items": [ann.clone()]}}})).unwrap();
        let arr = read_annotations(&json!([ann.clone()])).unwrap();
        for d in [&one, &page, &arr] {
            assert_eq!(d.annotations.len(), 1);
        }
        assert_eq!(coll.annotations.len(), 2);
        assert_eq!(coll.annotations[1].path, "$.first.next.items[0]");
        let a = &one.annotations[0];
        assert_eq!(a.exact, "a b");
        assert_eq!((a.prefix.as_str(), a.suffix.as_str()), ("x ", " y"));
        assert_eq!(a.position, Some((2, 5)));
        assert_eq!(a.tagging, ["Claim", "models"]);
        assert_eq!(a.note, "**Why?**");
        assert_eq!(a.sources, ["https://news.ycombinator.com/item?id=5"]);
        assert_eq!(a.threadmark, Some(("u-1".into(), "5".into())));
        assert_eq!(a.created, Some(1_704_067_200));
        assert_eq!(a.modified, Some(1_704_153_600));
        // Not annotations at all; a page by address; no quote.
        assert!(read_annotations(&json!({"format": "threadmark-export"})).is_err());
        assert!(!is_annotation_doc(&json!({"format": "threadmark-export"})));
        assert!(read_annotations(
            &json!({"type": "AnnotationCollection", "first": "https://x/p1"})
        )
        .is_err());
        let bare =
            read_annotations(&json!([{"type": "Annotation", "target": "https://x/"}])).unwrap();
        assert_eq!(bare.annotations.len(), 0);
        assert_eq!(bare.unreadable[0].1, "no TextQuoteSelector in its target");
    }
}
