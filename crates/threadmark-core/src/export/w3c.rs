//! W3C Web Annotation JSON-LD: an `AnnotationCollection` of the threads'
//! highlights, each targeting its post (`source`: the post's permalink at the site
//! where there is one, see [`super::permalink`]; [`THREADMARK_KEY`]: the thread's uuid
//! and the post's source id) with a `TextQuoteSelector` and
//! a `TextPositionSelector` (code points of the post's canonical text); the label
//! and tags are `tagging` bodies, the note a `commenting` body.

use serde_json::{json, Value};

use super::{permalink, rfc3339};
use crate::error::Result;
use crate::store::Library;

const CONTEXT: &str = "http://www.w3.org/ns/anno.jsonld";

/// The target's second field: Threadmark's own ids of the post (the thread's uuid,
/// the post's source id, and the site and the site's key of the thread, absent for
/// text dumps), beside the permalink in `source`, so a restore finds
/// the post even where the site has no permalink. Not a W3C term: JSON-LD
/// processors drop it; tools reading the JSON see it.
pub const THREADMARK_KEY: &str = "threadmark";

/// The collection document for some threads.
pub fn w3c_collection(lib: &Library, threads: &[i64]) -> Result<Value> {
    let mut items = Vec::new();
    let mut titles = Vec::new();
    for &id in threads {
        let thread = lib.thread(id)?;
        let (thread_uuid, source_key, _) = lib.thread_identity(id)?;
        titles.push(thread.title.clone());
        for h in lib.highlights(id)? {
            let mut body = Vec::new();
            if let Some(label) = &h.label {
                body.push(json!({"type": "TextualBody", "purpose": "tagging", "value": label}));
            }
            for tag in &h.tags {
                body.push(json!({"type": "TextualBody", "purpose": "tagging", "value": tag}));
            }
            if !h.note.is_empty() {
                body.push(json!({
                    "type": "TextualBody", "purpose": "commenting", "value": h.note, "format": "text/markdown",
                }));
            }
            let mut annotation = json!({
                "@context": CONTEXT,
                "id": format!("urn:uuid:{}", h.uuid),
                "type": "Annotation",
                "motivation": "highlighting",
                "created": rfc3339(h.created_at),
                "modified": rfc3339(h.updated_at),
                "target": {
                    "source": permalink(&thread, &h.post),
                    THREADMARK_KEY: {
                        "thread": thread_uuid, "post": h.post, "site": thread.source, "key": source_key,
                    },
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": h.exact, "prefix": h.prefix, "suffix": h.suffix},
                        {"type": "TextPositionSelector", "start": h.start, "end": h.end},
                    ],
                },
            });
            if !body.is_empty() {
                annotation["body"] = Value::Array(body);
            }
            items.push(annotation);
        }
    }
    let total = items.len();
    Ok(json!({
        "@context": CONTEXT,
        "id": format!("urn:uuid:{}", uuid::Uuid::new_v4()),
        "type": "AnnotationCollection",
        "label": titles.join(" · "),
        "total": total,
        "first": {
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        },
    }))
}
