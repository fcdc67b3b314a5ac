//! The random offline edits of the convergence test: what one device may do to its
//! library (`Op`), the contention of two devices over one tag, link or label, and
//! applying an edit while noting the fields it wrote.

use super::*;

pub(super) const TAGS: [&str; 3] = ["red", "green", "blue"];
pub(super) const NOTES: [&str; 4] = ["", "yes", "no", "maybe"];
pub(super) const LABELS: [Option<&str>; 4] =
    [None, Some("Claim"), Some("Evidence"), Some("Question")];
pub(super) const COLORS: [&str; 3] = ["#112233", "#445566", "#778899"];

#[derive(Debug, Clone)]
pub(super) enum Op {
    NewThread {
        from: u8,
        n: u8,
    },
    Highlight {
        thread: u8,
        post: u8,
        at: u8,
        len: u8,
    },
    Note {
        h: u8,
        note: u8,
    },
    Label {
        h: u8,
        label: u8,
    },
    Tag {
        h: u8,
        tag: u8,
    },
    Untag {
        h: u8,
        tag: u8,
    },
    Delete {
        h: u8,
    },
    Link {
        a: u8,
        b: u8,
        kind: u8,
    },
    Unlink {
        l: u8,
    },
    Title {
        thread: u8,
        t: u8,
    },
    Color {
        label: u8,
        color: u8,
    },
    Read {
        thread: u8,
        post: u8,
    },
    DeleteThread {
        thread: u8,
    },
    DeleteLabel {
        label: u8,
    },
    /// Restore a value from this device's conflict history (open ones, in a
    /// stable order).
    Restore {
        c: u8,
    },
    /// Take a tag off the highlight `uuid` (made by a contention, below).
    UntagUuid {
        uuid: String,
        tag: u8,
    },
    /// Take the link between two highlights off.
    UnlinkUuid {
        from: String,
        to: String,
    },
}

/// Two devices add the same tag or link to one highlight before either has heard
/// of the other's, and the first takes it off again after its first sync: that
/// removal loses to the other's add (add wins) and must be in every history. Or
/// (`what` 2) the first deletes a label the other gives to a highlight.
#[derive(Debug, Clone)]
pub(super) struct Contention {
    pub(super) first: u8,
    pub(super) other: u8,
    pub(super) h: u8,
    pub(super) to: u8,
    pub(super) tag: u8,
    pub(super) what: u8,
}

pub(super) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (any::<u8>(), 2..6u8).prop_map(|(from, n)| Op::NewThread { from, n }),
        4 => (any::<u8>(), any::<u8>(), any::<u8>(), 3..12u8).prop_map(|(thread, post, at, len)| Op::Highlight { thread, post, at, len }),
        4 => (any::<u8>(), any::<u8>()).prop_map(|(h, note)| Op::Note { h, note }),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(h, label)| Op::Label { h, label }),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(h, tag)| Op::Tag { h, tag }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(h, tag)| Op::Untag { h, tag }),
        2 => any::<u8>().prop_map(|h| Op::Delete { h }),
        2 => (any::<u8>(), any::<u8>(), any::<u8>()).prop_map(|(a, b, kind)| Op::Link { a, b, kind }),
        1 => any::<u8>().prop_map(|l| Op::Unlink { l }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(thread, t)| Op::Title { thread, t }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(label, color)| Op::Color { label, color }),
        2 => (any::<u8>(), any::<u8>()).prop_map(|(thread, post)| Op::Read { thread, post }),
        1 => any::<u8>().prop_map(|thread| Op::DeleteThread { thread }),
        2 => any::<u8>().prop_map(|label| Op::DeleteLabel { label }),
        1 => any::<u8>().prop_map(|c| Op::Restore { c }),
    ]
}

pub(super) fn all_highlights(lib: &Library) -> Vec<threadmark_core::model::Highlight> {
    let mut hs: Vec<_> = lib
        .list_threads()
        .unwrap()
        .into_iter()
        .flat_map(|t| lib.highlights(t.id).unwrap())
        .collect();
    hs.sort_by(|a, b| a.uuid.cmp(&b.uuid));
    hs
}

pub(super) fn threads(lib: &Library) -> Vec<(i64, String)> {
    let mut ts: Vec<(i64, String)> = lib
        .list_threads()
        .unwrap()
        .into_iter()
        .map(|t| (t.id, lib.thread_identity(t.id).unwrap().0))
        .collect();
    ts.sort_by(|a, b| a.1.cmp(&b.1));
    ts
}

pub(super) fn pick<T: Clone>(v: &[T], i: u8) -> Option<T> {
    (!v.is_empty()).then(|| v[i as usize % v.len()].clone())
}

/// What a device wrote in a round, field by field: (kind, entity, field) → value.
pub(super) type Writes = BTreeMap<(String, String, String), Value>;

/// Apply one op; note the fields it set (failures, e.g. a duplicate highlight,
/// change nothing and are skipped).
pub(super) fn apply(
    lib: &mut Library,
    op: &Op,
    dev: usize,
    serial: &mut u32,
    w: &mut Writes,
    tags: &mut BTreeSet<(String, String)>,
    deleted: &mut BTreeSet<(String, String)>,
) {
    let hs = all_highlights(lib);
    let ts = threads(lib);
    let hl = |h: u8| pick(&hs, h);
    match op {
        Op::NewThread { from, n } => {
            *serial += 1;
            import_lines(
                lib,
                *from as usize % 120,
                *n as usize,
                &format!("t{dev}-{serial}"),
            );
        }
        Op::Highlight {
            thread,
            post,
            at,
            len,
        } => {
            let Some((tid, _)) = pick(&ts, *thread) else {
                return;
            };
            let posts = lib.posts(tid).unwrap();
            let Some(p) = pick(&posts, *post) else { return };
            let n = p.text.chars().count();
            if n < 2 {
                return;
            }
            let start = *at as usize % (n - 1);
            let end = (start + *len as usize).min(n);
            let _ = lib.highlight_span(tid, &p.source_id, start, end, None);
        }
        Op::Note { h, note } => {
            let Some(h) = hl(*h) else { return };
            let note = NOTES[*note as usize % NOTES.len()];
            lib.update_highlight(
                h.id,
                &HighlightEdit {
                    note: Some(note.into()),
                    ..Default::default()
                },
            )
            .unwrap();
            w.insert(("highlight".into(), h.uuid, "note".into()), json!(note));
        }
        Op::Label { h, label } => {
            let Some(h) = hl(*h) else { return };
            let label = LABELS[*label as usize % LABELS.len()];
            let edit = HighlightEdit {
                label: Some(label.map(str::to_string)),
                ..Default::default()
            };
            // A label deleted here cannot be given.
            if lib.update_highlight(h.id, &edit).is_ok() {
                w.insert(("highlight".into(), h.uuid, "label".into()), json!(label));
            }
        }
        Op::Tag { h, tag } | Op::Untag { h, tag } => {
            let Some(h) = hl(*h) else { return };
            let tag = TAGS[*tag as usize % TAGS.len()].to_string();
            let mut now = h.tags.clone();
            now.retain(|t| *t != tag);
            if matches!(op, Op::Tag { .. }) {
                now.push(tag.clone());
                if !h.tags.contains(&tag) {
                    tags.insert((h.uuid.clone(), tag.clone()));
                }
            } else {
                tags.remove(&(h.uuid.clone(), tag.clone()));
            }
            lib.update_highlight(
                h.id,
                &HighlightEdit {
                    tags: Some(now),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        Op::Delete { h } => {
            let Some(h) = hl(*h) else { return };
            lib.delete_highlight(h.id).unwrap();
            deleted.insert(("highlight".into(), h.uuid));
        }
        Op::Link { a, b, kind } => {
            let (Some(a), Some(b)) = (hl(*a), hl(*b)) else {
                return;
            };
            let kind = LinkKind::ALL[*kind as usize % 4];
            let _ = lib.add_link(a.id, kind, b.id);
        }
        Op::Unlink { l } => {
            let links: Vec<i64> = ts
                .iter()
                .flat_map(|(t, _)| lib.links(*t).unwrap())
                .map(|l| l.id)
                .collect();
            if let Some(id) = pick(&links, *l) {
                lib.delete_link(id).unwrap();
            }
        }
        Op::Title { thread, t } => {
            let Some((tid, uuid)) = pick(&ts, *thread) else {
                return;
            };
            let title = format!("Title {}", t % 4);
            lib.rename_thread(tid, &title).unwrap();
            w.insert(("thread".into(), uuid, "title".into()), json!(title));
        }
        Op::Color { label, color } => {
            let labels = lib.labels().unwrap();
            let Some(l) = pick(&labels, *label) else {
                return;
            };
            let color = COLORS[*color as usize % COLORS.len()];
            let spec = LabelSpec {
                name: l.name.clone(),
                color: color.into(),
                shortcut: l.shortcut.clone(),
            };
            lib.update_label(l.id, &spec).unwrap();
            w.insert(
                ("label".into(), l.name.to_lowercase(), "color".into()),
                json!(color),
            );
        }
        Op::Read { thread, post } => {
            let Some((tid, _)) = pick(&ts, *thread) else {
                return;
            };
            let posts = lib.posts(tid).unwrap();
            if let Some(p) = pick(&posts, *post) {
                lib.mark_read(tid, &[p.source_id]).unwrap();
            }
        }
        Op::DeleteThread { thread } => {
            let Some((tid, uuid)) = pick(&ts, *thread) else {
                return;
            };
            for h in lib.highlights(tid).unwrap() {
                deleted.insert(("highlight".into(), h.uuid));
            }
            lib.delete_thread(tid).unwrap();
            deleted.insert(("thread".into(), uuid));
        }
        Op::Restore { c } => {
            let mut open: Vec<_> = lib
                .conflicts()
                .unwrap()
                .into_iter()
                .filter(|c| !c.restored)
                .collect();
            open.sort_by_key(|c| {
                (
                    c.kind.clone(),
                    c.entity.clone(),
                    c.field.clone(),
                    c.value.to_string(),
                    c.reason.clone(),
                )
            });
            if let Some(c) = pick(&open, *c) {
                lib.restore_conflict(c.id).unwrap();
                RESTORED.fetch_add(1, Ordering::Relaxed);
                // What this device wrote last is now the restored value, and
                // what it brought back is not deleted.
                if !matches!(c.field.as_str(), "tags" | "links" | "thread") {
                    w.insert(
                        (c.kind.clone(), c.entity.clone(), c.field.clone()),
                        c.value.clone(),
                    );
                }
                deleted.remove(&(c.kind.clone(), c.entity.clone()));
            }
        }
        Op::UntagUuid { uuid, tag } => {
            let Some(i) = hs.iter().position(|h| h.uuid == *uuid) else {
                return;
            };
            apply(
                lib,
                &Op::Untag {
                    h: i as u8,
                    tag: *tag,
                },
                dev,
                serial,
                w,
                tags,
                deleted,
            );
        }
        Op::UnlinkUuid { from, to } => {
            let id = |u: &str| hs.iter().find(|h| h.uuid == u).map(|h| h.id);
            let (Some(from), Some(to)) = (id(from), id(to)) else {
                return;
            };
            let link = ts
                .iter()
                .flat_map(|(t, _)| lib.links(*t).unwrap())
                .find(|l| l.from == from && l.to == to);
            if let Some(l) = link {
                lib.delete_link(l.id).unwrap();
            }
        }
        Op::DeleteLabel { label } => {
            let name = LABELS[1 + *label as usize % (LABELS.len() - 1)].unwrap_or_default();
            let Some(l) = lib.labels().unwrap().into_iter().find(|l| l.name == name) else {
                return;
            };
            lib.delete_label(l.id, LabelRemoval::Unlabel).unwrap();
            deleted.insert(("label".into(), name.to_lowercase()));
            // Its highlights here lose it: this device writes none on each.
            for h in hs.iter().filter(|h| h.label.as_deref() == Some(name)) {
                w.insert(
                    ("highlight".into(), h.uuid.clone(), "label".into()),
                    Value::Null,
                );
            }
        }
    }
}
