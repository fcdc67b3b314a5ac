//! Randomized convergence (proptest, seeded and replayable): three libraries make
//! random offline edits (among them restoring a value from the conflict history),
//! in two batches around a first sync of their own, then exchange their folders'
//! files in random order with
//! duplicates, files cut short, sync tools' conflict copies and crashes between
//! write and rename. Afterwards every library's canonical JSON is the same, and
//! every value that lost to a concurrent edit or delete is in every library's
//! conflict history — among them highlights made on a thread another device
//! deleted, labels given while another device deleted the label, and tag or link
//! removals that lost to a concurrent add (each kind counted: a run that never
//! made one fails).
//!
//! `THREADMARK_SYNC_CASES=N` runs N cases (default 20, under ten seconds);
//! `THREADMARK_SYNC_SEED=HEX` (32 bytes) replays a run; `scripts/sync-soak.sh`
//! runs many. `three_encrypted_folders_converge` runs a few cases with every
//! folder encrypted (sync/crypt.rs).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{json, Value};
use threadmark_core::sync::{Passphrase, SyncOptions};
use threadmark_core::{HighlightEdit, LabelRemoval, LabelSpec, Library, LinkKind};

use super::{canonical, import_lines};

const DEVICES: usize = 3;

thread_local! {
    /// The encrypted variant: the key-check file every device's folder starts with
    /// (its passphrase is `crypt::PASSPHRASE`), and the encrypted syncs made.
    static KEY_FILE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    static SEALED_SYNCS: Cell<usize> = const { Cell::new(0) };
}
const PASSPHRASE: &str = "convergence passphrase";

/// Over all cases: lost values checked, records received, faults injected (a
/// run that checks nothing fails).
static CHECKED: AtomicUsize = AtomicUsize::new(0);
static RECEIVED: AtomicUsize = AtomicUsize::new(0);
static FAULTS: AtomicUsize = AtomicUsize::new(0);
/// Of the lost values checked: highlights lost with their thread, labels given
/// while deleted, removals that lost to an add.
static LOST_THREAD: AtomicUsize = AtomicUsize::new(0);
static LOST_LABEL: AtomicUsize = AtomicUsize::new(0);
static LOST_REMOVE: AtomicUsize = AtomicUsize::new(0);
/// Values restored from a history (then all must converge again).
static RESTORED: AtomicUsize = AtomicUsize::new(0);
const TAGS: [&str; 3] = ["red", "green", "blue"];
const NOTES: [&str; 4] = ["", "yes", "no", "maybe"];
const LABELS: [Option<&str>; 4] = [None, Some("Claim"), Some("Evidence"), Some("Question")];
const COLORS: [&str; 3] = ["#112233", "#445566", "#778899"];

#[derive(Debug, Clone)]
enum Op {
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
struct Contention {
    first: u8,
    other: u8,
    h: u8,
    to: u8,
    tag: u8,
    what: u8,
}

fn op() -> impl Strategy<Value = Op> {
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

/// How one file goes from one device's folder to another's.
#[derive(Debug, Clone)]
enum Fault {
    Whole,
    /// First cut short, later whole.
    Cut,
    /// Also as a conflict copy of a sync tool.
    ConflictCopy,
    /// Copied twice.
    Twice,
}

#[derive(Debug, Clone)]
struct Delivery {
    from: u8,
    to: u8,
    pick: u16,
    fault: Fault,
    /// The receiver syncs right after (with a crash before the rename sometimes).
    sync: Option<bool>,
}

fn delivery() -> impl Strategy<Value = Delivery> {
    let fault = prop_oneof![
        4 => Just(Fault::Whole), 1 => Just(Fault::Cut), 1 => Just(Fault::ConflictCopy), 1 => Just(Fault::Twice)
    ];
    (
        any::<u8>(),
        any::<u8>(),
        any::<u16>(),
        fault,
        proptest::option::of(proptest::bool::weighted(0.2)),
    )
        .prop_map(|(from, to, pick, fault, sync)| Delivery {
            from,
            to,
            pick,
            fault,
            sync,
        })
}

#[derive(Debug, Clone)]
struct Round {
    /// Per device, edits before the round's first sync, and after it (still
    /// offline from the others: so that one device can tag, sync and untag while
    /// another tags the same).
    ops: Vec<Vec<Op>>,
    later: Vec<Vec<Op>>,
    contention: Option<Contention>,
    deliveries: Vec<Delivery>,
    /// Per device, how far its clock is off (ms).
    skew: Vec<i64>,
}

fn round() -> impl Strategy<Value = Round> {
    (
        proptest::collection::vec(proptest::collection::vec(op(), 0..6), DEVICES),
        proptest::collection::vec(proptest::collection::vec(op(), 0..3), DEVICES),
        proptest::option::of(
            (
                any::<u8>(),
                any::<u8>(),
                any::<u8>(),
                any::<u8>(),
                any::<u8>(),
                0..3u8,
            )
                .prop_map(|(first, other, h, to, tag, what)| Contention {
                    first,
                    other,
                    h,
                    to,
                    tag,
                    what,
                }),
        ),
        proptest::collection::vec(delivery(), 0..12),
        proptest::collection::vec(-3_000i64..3_000, DEVICES),
    )
        .prop_map(|(ops, later, contention, deliveries, skew)| Round {
            ops,
            later,
            contention,
            deliveries,
            skew,
        })
}

/// One device: its library and its copy of the synced folder.
struct Device {
    lib: Library,
    dir: tempfile::TempDir,
    /// Files cut short on their way here, to be completed later.
    cut: Vec<(PathBuf, Vec<u8>)>,
}

fn all_highlights(lib: &Library) -> Vec<threadmark_core::model::Highlight> {
    let mut hs: Vec<_> = lib
        .list_threads()
        .unwrap()
        .into_iter()
        .flat_map(|t| lib.highlights(t.id).unwrap())
        .collect();
    hs.sort_by(|a, b| a.uuid.cmp(&b.uuid));
    hs
}

fn threads(lib: &Library) -> Vec<(i64, String)> {
    let mut ts: Vec<(i64, String)> = lib
        .list_threads()
        .unwrap()
        .into_iter()
        .map(|t| (t.id, lib.thread_identity(t.id).unwrap().0))
        .collect();
    ts.sort_by(|a, b| a.1.cmp(&b.1));
    ts
}

fn pick<T: Clone>(v: &[T], i: u8) -> Option<T> {
    (!v.is_empty()).then(|| v[i as usize % v.len()].clone())
}

/// What a device wrote in a round, field by field: (kind, entity, field) → value.
type Writes = BTreeMap<(String, String, String), Value>;

/// Apply one op; note the fields it set (failures, e.g. a duplicate highlight,
/// change nothing and are skipped).
fn apply(
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

/// Every change file and content file under a folder, relative to it.
fn folder_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(devices) = std::fs::read_dir(dir.join("threadmark/devices")) else {
        return out;
    };
    for d in devices.flatten() {
        for sub in ["changes", "threads"] {
            if let Ok(files) = std::fs::read_dir(d.path().join(sub)) {
                for f in files.flatten() {
                    let name = f.file_name().to_string_lossy().to_string();
                    if !name.starts_with('.') && !name.contains("sync-conflict") {
                        out.push(f.path().strip_prefix(dir).unwrap().to_path_buf());
                    }
                }
            }
        }
    }
    out.sort();
    out
}

fn copy(devs: &mut [Device], from: usize, to: usize, rel: &Path, fault: &Fault) {
    let src = devs[from].dir.path().join(rel);
    // A file still arriving there is not passed on (a sync tool sends whole files).
    if devs[from].cut.iter().any(|(p, _)| *p == src) {
        return;
    }
    let bytes = std::fs::read(&src).unwrap();
    let dst = devs[to].dir.path().join(rel);
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    if dst.exists() && std::fs::read(&dst).unwrap() == bytes {
        return;
    }
    match fault {
        Fault::Cut => {
            std::fs::write(&dst, &bytes[..bytes.len() / 2]).unwrap();
            devs[to].cut.push((dst, bytes));
        }
        Fault::ConflictCopy => {
            std::fs::write(&dst, &bytes).unwrap();
            let name = dst
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".jsonl", ".sync-conflict-20261207-120000-XYZ.jsonl");
            if name.ends_with(".jsonl") {
                std::fs::write(dst.with_file_name(name), &bytes).unwrap();
            }
        }
        Fault::Whole | Fault::Twice => {
            std::fs::write(&dst, &bytes).unwrap();
            if matches!(fault, Fault::Twice) {
                std::fs::write(&dst, &bytes).unwrap();
            }
        }
    }
}

fn sync(d: &mut Device, ms: i64, crash: bool) -> usize {
    let path = d.dir.path().to_path_buf();
    let r = d
        .lib
        .sync_with_folder_opts(
            &path,
            &SyncOptions {
                now_ms: Some(ms),
                crash_before_rename: crash,
                passphrase: KEY_FILE
                    .with(|k| k.borrow().is_some())
                    .then(|| Passphrase(PASSPHRASE.into())),
            },
        )
        .unwrap();
    if r.encrypted {
        assert!(r.tampered.is_empty(), "{r:?}");
        SEALED_SYNCS.with(|n| n.set(n.get() + 1));
    }
    RECEIVED.fetch_add(r.received, Ordering::Relaxed);
    if std::env::var_os("THREADMARK_SYNC_DEBUG").is_some() {
        eprintln!("{r:?}");
    }
    r.sent
}

/// Files cut short arrive whole, every file reaches every device, and all sync,
/// until nobody has anything more to send.
fn settle(
    devs: &mut [Device],
    clock: &mut i64,
    skew: &[i64],
    r: usize,
) -> Result<(), TestCaseError> {
    for pass in 0..6 {
        for d in devs.iter_mut() {
            for (path, bytes) in d.cut.drain(..) {
                std::fs::write(path, bytes).unwrap();
            }
        }
        for from in 0..DEVICES {
            for rel in folder_files(devs[from].dir.path()) {
                for to in (0..DEVICES).filter(|&t| t != from) {
                    copy(devs, from, to, &rel, &Fault::Whole);
                }
            }
        }
        let mut sent = 0;
        for (i, d) in devs.iter_mut().enumerate() {
            *clock += 10;
            sent += sync(d, *clock + skew[i], false);
        }
        if sent == 0 {
            return Ok(());
        }
        prop_assert!(pass < 5, "round {r}: the devices keep sending changes");
    }
    Ok(())
}

fn run(rounds: &[Round]) -> Result<(), TestCaseError> {
    let mut devs: Vec<Device> = (0..DEVICES)
        .map(|_| Device {
            lib: Library::open_in_memory().unwrap(),
            dir: tempfile::tempdir().unwrap(),
            cut: vec![],
        })
        .collect();
    KEY_FILE.with(|k| {
        if let Some(bytes) = &*k.borrow() {
            for d in &devs {
                let dir = d.dir.path().join("threadmark");
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join("encryption.json"), bytes).unwrap();
            }
        }
    });
    // Every device starts with one thread and four highlights on it.
    let t = import_lines(&mut devs[0].lib, 0, 12, "first");
    for (i, p) in devs[0].lib.posts(t).unwrap().iter().take(4).enumerate() {
        devs[0]
            .lib
            .highlight_span(t, &p.source_id, i, i + 8, Some("Claim"))
            .unwrap();
    }
    let mut clock = 1_000_000i64;
    settle(&mut devs, &mut clock, &[0; DEVICES], 0)?;
    let mut serial = 0;
    for (r, round) in rounds.iter().enumerate() {
        // Offline edits.
        let mut writes: Vec<Writes> = vec![Writes::new(); DEVICES];
        let mut tag_adds: Vec<BTreeSet<(String, String)>> = vec![BTreeSet::new(); DEVICES];
        let mut before: Vec<Value> = Vec::new();
        let mut deletes: Vec<BTreeSet<(String, String)>> = vec![BTreeSet::new(); DEVICES];
        let mut expected: Vec<(String, String, String, Value)> = Vec::new();
        // Each device's canonical JSON before the round, after its first edits and
        // after its later ones.
        let mut snaps: Vec<Vec<Value>> = vec![Vec::new(); DEVICES];
        let mut first_writes: Vec<Writes> = Vec::new();
        let (mut ops, mut later) = (round.ops.clone(), round.later.clone());
        if let Some(c) = &round.contention {
            // The same highlights everywhere at the start of a round: indexes agree.
            let hs = all_highlights(&devs[0].lib);
            let first = c.first as usize % DEVICES;
            let other = (first + 1 + c.other as usize % (DEVICES - 1)) % DEVICES;
            if let (Some(h), Some(to)) = (pick(&hs, c.h), pick(&hs, c.to)) {
                let i = hs.iter().position(|x| x.uuid == h.uuid).unwrap_or(0);
                if c.what == 2 {
                    ops[first].insert(0, Op::DeleteLabel { label: c.tag });
                    let label = 1 + c.tag % (LABELS.len() as u8 - 1);
                    ops[other].insert(0, Op::Label { h: i as u8, label });
                }
                let (add, undo) = if c.what == 1 && h.uuid != to.uuid {
                    let (a, b) = (
                        hs.iter().position(|x| x.uuid == h.uuid),
                        hs.iter().position(|x| x.uuid == to.uuid),
                    );
                    (
                        Op::Link {
                            a: a.unwrap_or(0) as u8,
                            b: b.unwrap_or(0) as u8,
                            kind: c.tag,
                        },
                        Op::UnlinkUuid {
                            from: h.uuid.clone(),
                            to: to.uuid.clone(),
                        },
                    )
                } else {
                    (
                        Op::Tag {
                            h: i as u8,
                            tag: c.tag,
                        },
                        Op::UntagUuid {
                            uuid: h.uuid.clone(),
                            tag: c.tag,
                        },
                    )
                };
                if c.what < 2 {
                    ops[first].insert(0, add.clone());
                    ops[other].insert(0, add);
                    later[first].insert(0, undo);
                }
            }
        }
        for (phase, edits) in [&ops, &later].into_iter().enumerate() {
            for (i, ops) in edits.iter().enumerate() {
                if phase == 0 {
                    snaps[i].push(serde_json::from_str(&canonical(&devs[i].lib)).unwrap());
                }
                for op in ops {
                    apply(
                        &mut devs[i].lib,
                        op,
                        i,
                        &mut serial,
                        &mut writes[i],
                        &mut tag_adds[i],
                        &mut deletes[i],
                    );
                }
                snaps[i].push(serde_json::from_str(&canonical(&devs[i].lib)).unwrap());
            }
            if phase == 0 {
                first_writes = writes.clone();
                // Every device writes its first edits to its own folder.
                for (i, d) in devs.iter_mut().enumerate() {
                    clock += 500;
                    sync(d, clock + round.skew[i], false);
                }
            }
        }
        let mut after: Vec<Value> = Vec::new();
        for i in 0..DEVICES {
            before.push(snaps[i][0].clone());
            // A write of the value the field already had changes nothing.
            let unchanged: Vec<_> = writes[i]
                .iter()
                .filter(|((k, e, f), v)| current(&before[i], k, e, f).as_ref() == Some(*v))
                .map(|(key, _)| key.clone())
                .collect();
            for key in unchanged {
                writes[i].remove(&key);
            }
            after.push(snaps[i][2].clone());
        }
        // Values a device wrote first and replaced itself later: another device's
        // equal value, written meanwhile, was replaced knowingly, not lost.
        let replaced = |j: usize, key: &(String, String, String), v: &Value| {
            first_writes[j].get(key) == Some(v) && writes[j].get(key) != Some(v)
        };
        let deleted_elsewhere = |i: usize, kind: &str, key: &str| {
            (0..DEVICES)
                .any(|j| j != i && deletes[j].contains(&(kind.to_string(), key.to_string())))
        };
        // New kinds of loss, checked by reason: highlights made on a thread another
        // device deleted; tags and links this device removed (a remove that finds
        // the element present at the end lost to a concurrent add).
        let mut lost: Vec<(&'static str, String, String, Value)> = Vec::new();
        for i in 0..DEVICES {
            for h in items(&after[i], "highlights") {
                let uuid = h["uuid"].as_str().unwrap_or_default().to_string();
                let thread = h["thread"].as_str().unwrap_or_default();
                if find(&before[i], "highlights", "uuid", &uuid).is_none()
                    && deleted_elsewhere(i, "thread", thread)
                {
                    lost.push(("thread", uuid.clone(), "thread".into(), json!(thread)));
                }
                // Removed in either phase and not there at the end of the round.
                for old in snaps[i][..2]
                    .iter()
                    .zip(&snaps[i][1..])
                    .filter_map(|(was, is)| {
                        let was = find(was, "highlights", "uuid", &uuid)?;
                        Some((
                            strings(&was["tags"]),
                            find(is, "highlights", "uuid", &uuid)?,
                        ))
                    })
                {
                    let (was, is) = old;
                    for tag in was {
                        if !strings(&is["tags"]).contains(&tag)
                            && !strings(&h["tags"]).contains(&tag)
                        {
                            lost.push(("remove", uuid.clone(), "tags".into(), json!(tag)));
                        }
                    }
                }
            }
            let alive = |u: &Value| {
                find(
                    &after[i],
                    "highlights",
                    "uuid",
                    u.as_str().unwrap_or_default(),
                )
                .is_some()
            };
            let links_after = items(&after[i], "links");
            for p in 0..2 {
                let next = items(&snaps[i][p + 1], "links");
                for l in items(&snaps[i][p], "links") {
                    if !next.contains(&l)
                        && !links_after.contains(&l)
                        && alive(&l[0])
                        && alive(&l[2])
                    {
                        let element = format!(
                            "{} {}",
                            l[1].as_str().unwrap_or_default(),
                            l[2].as_str().unwrap_or_default()
                        );
                        lost.push((
                            "remove",
                            l[0].as_str().unwrap_or_default().into(),
                            "links".into(),
                            json!(element),
                        ));
                    }
                }
            }
        }
        // Values each device wrote, compared later with the outcome.
        for i in 0..DEVICES {
            for ((k, e, f), v) in &writes[i] {
                let others = (0..DEVICES).filter(|&j| j != i);
                // (A device that wrote the same value and deleted the entity
                // deleted it knowing that value.)
                let concurrent = others.clone().any(|j| {
                    let theirs = writes[j].get(&(k.clone(), e.clone(), f.clone()));
                    theirs.is_some_and(|o| o != v)
                        || (deletes[j].contains(&(k.clone(), e.clone())) && theirs != Some(v))
                }) || (k == "highlight"
                    && f == "label"
                    && v.as_str()
                        .is_some_and(|l| deleted_elsewhere(i, "label", &l.to_lowercase())));
                let key = (k.clone(), e.clone(), f.clone());
                // Another device wrote the same value, or wrote it and replaced it
                // itself: the two agreed, and the value is not lost on its own (a
                // delete by a device that wrote it too saw it).
                let seen_replaced = (0..DEVICES)
                    .any(|j| j != i && (replaced(j, &key, v) || writes[j].get(&key) == Some(v)));
                if concurrent && !seen_replaced && !deletes[i].contains(&(k.clone(), e.clone())) {
                    expected.push((k.clone(), e.clone(), f.clone(), v.clone()));
                }
            }
            for (e, tag) in &tag_adds[i] {
                let key = ("highlight".to_string(), e.clone());
                if (0..DEVICES).any(|j| j != i && deletes[j].contains(&key))
                    && !deletes[i].contains(&key)
                {
                    expected.push(("highlight".into(), e.clone(), "tags".into(), json!(tag)));
                }
            }
        }
        // Every device writes its changes; files travel in random order.
        for (i, d) in devs.iter_mut().enumerate() {
            clock += 1_000;
            sync(d, clock + round.skew[i], false);
        }
        for dl in &round.deliveries {
            let (from, to) = (dl.from as usize % DEVICES, dl.to as usize % DEVICES);
            if from != to {
                let files = folder_files(devs[from].dir.path());
                if let Some(rel) = pick(&files, (dl.pick % 256) as u8) {
                    if !matches!(dl.fault, Fault::Whole) {
                        FAULTS.fetch_add(1, Ordering::Relaxed);
                    }
                    copy(&mut devs, from, to, &rel, &dl.fault);
                }
            }
            if let Some(crash) = dl.sync {
                clock += 10;
                sync(&mut devs[to], clock + round.skew[to], crash);
            }
        }
        // Files cut short arrive whole; everything reaches everyone.
        settle(&mut devs, &mut clock, &round.skew, r)?;
        let first = canonical(&devs[0].lib);
        for (i, d) in devs.iter().enumerate().skip(1) {
            prop_assert_eq!(
                &first,
                &canonical(&d.lib),
                "round {}: device {} differs from device 0",
                r,
                i
            );
        }
        // Nothing lost: each value of this round that lost is in every library's
        // conflict history (a value that won and was later overwritten in sequence
        // is no conflict).
        let outcome: Value = serde_json::from_str(&canonical(&devs[0].lib)).unwrap();
        for (k, e, f, v) in &expected {
            // A highlight lost with its thread is kept whole (one entry, below).
            let with_thread = lost.iter().any(|(r, h, ..)| *r == "thread" && h == e);
            if current(&outcome, k, e, f).as_ref() == Some(v) || with_thread {
                continue;
            }
            CHECKED.fetch_add(1, Ordering::Relaxed);
            for (i, d) in devs.iter().enumerate() {
                let found = d
                    .lib
                    .conflicts()
                    .unwrap()
                    .iter()
                    .any(|c| c.kind == *k && c.entity == *e && c.field == *f && c.value == *v);
                prop_assert!(
                    found,
                    "round {}, device {}: the lost value {} of {} {} {} is not in the conflict history; it holds {:?}",
                    r,
                    i,
                    v,
                    k,
                    e,
                    f,
                    d.lib.conflicts().unwrap().iter().filter(|c| c.entity == *e).map(|c| c.summary.clone()).collect::<Vec<_>>()
                );
            }
            if k == "highlight"
                && f == "label"
                && v.as_str().is_some_and(|l| {
                    (0..DEVICES)
                        .any(|j| deletes[j].contains(&("label".to_string(), l.to_lowercase())))
                })
            {
                LOST_LABEL.fetch_add(1, Ordering::Relaxed);
            }
        }
        for (reason, e, f, v) in &lost {
            // A removal that held, or a highlight whose thread is there: no loss.
            let present = match *reason {
                "thread" => find(&outcome, "highlights", "uuid", e).is_some(),
                _ if f == "tags" => find(&outcome, "highlights", "uuid", e)
                    .is_some_and(|h| h["tags"].as_array().is_some_and(|t| t.contains(v))),
                _ => {
                    let (kind, to) = v
                        .as_str()
                        .unwrap_or_default()
                        .split_once(' ')
                        .unwrap_or_default();
                    items(&outcome, "links").contains(&json!([e, kind, to]))
                }
            };
            if (*reason == "thread") == present {
                continue;
            }
            CHECKED.fetch_add(1, Ordering::Relaxed);
            if *reason == "thread" {
                &LOST_THREAD
            } else {
                &LOST_REMOVE
            }
            .fetch_add(1, Ordering::Relaxed);
            for (i, d) in devs.iter().enumerate() {
                let found = d.lib.conflicts().unwrap().iter().any(|c| {
                    c.reason == *reason
                        && c.kind == "highlight"
                        && c.entity == *e
                        && c.field == *f
                        && c.value == *v
                });
                prop_assert!(
                    found,
                    "device {}: the lost {} of highlight {} {} {} is not in the conflict history",
                    i,
                    reason,
                    e,
                    f,
                    v
                );
            }
        }
    }
    Ok(())
}

/// The array `list` of the canonical JSON.
fn items(c: &Value, list: &str) -> Vec<Value> {
    c[list].as_array().cloned().unwrap_or_default()
}

/// The item of `list` whose `key` is `id`.
fn find(c: &Value, list: &str, key: &str, id: &str) -> Option<Value> {
    items(c, list).into_iter().find(|x| x[key] == id)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A field's value in the canonical JSON (None: the entity is gone).
fn current(c: &Value, kind: &str, entity: &str, field: &str) -> Option<Value> {
    let (list, key, name) = match kind {
        "highlight" => ("highlights", "uuid", field),
        "thread" => ("threads", "uuid", field),
        _ => ("labels", "name", field),
    };
    c[list]
        .as_array()?
        .iter()
        .find(|x| {
            x[key]
                .as_str()
                .map(|s| {
                    if kind == "label" {
                        s.to_lowercase()
                    } else {
                        s.to_string()
                    }
                })
                .as_deref()
                == Some(entity)
        })
        .map(|x| x[name].clone())
}

#[test]
fn three_libraries_converge_and_lose_nothing() {
    let cases: u32 = std::env::var("THREADMARK_SYNC_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let seed: [u8; 32] = match std::env::var("THREADMARK_SYNC_SEED") {
        Ok(hex) => {
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            bytes
                .try_into()
                .expect("THREADMARK_SYNC_SEED is 64 hex digits")
        }
        Err(_) => *b"threadmark sync convergence 0001",
    };
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
    let result = runner.run(&proptest::collection::vec(round(), 1..4), |rounds| {
        run(&rounds)
    });
    if let Err(e) = result {
        panic!("{e}\nreplay with THREADMARK_SYNC_SEED={hex} THREADMARK_SYNC_CASES={cases}");
    }
    let (checked, received, faults) = (
        CHECKED.load(Ordering::Relaxed),
        RECEIVED.load(Ordering::Relaxed),
        FAULTS.load(Ordering::Relaxed),
    );
    let (thread, label, remove) = (
        LOST_THREAD.load(Ordering::Relaxed),
        LOST_LABEL.load(Ordering::Relaxed),
        LOST_REMOVE.load(Ordering::Relaxed),
    );
    eprintln!("{cases} cases: {received} records received, {faults} faults injected, {checked} lost values found in every history ({thread} highlights lost with their thread, {label} labels given while deleted, {remove} removals that lost to an add; {} values restored)", RESTORED.load(Ordering::Relaxed));
    assert!(
        checked > 0 && received > 0 && faults > 0,
        "the cases exercised nothing"
    );
    if std::env::var_os("THREADMARK_SYNC_SEED").is_none() {
        assert!(
            thread > 0 && label > 0 && remove > 0,
            "the default cases exercised no highlight lost with its thread, label given while deleted or removal lost to an add"
        );
    }
}

#[test]
fn three_encrypted_folders_converge() {
    let made = tempfile::tempdir().unwrap();
    threadmark_core::sync::crypt::create(
        made.path(),
        &Passphrase(PASSPHRASE.into()),
        super::crypt::CHEAP,
    )
    .unwrap();
    let bytes = std::fs::read(made.path().join("threadmark/encryption.json")).unwrap();
    KEY_FILE.with(|k| *k.borrow_mut() = Some(bytes));
    let config = Config {
        cases: 4,
        failure_persistence: None,
        ..Config::default()
    };
    let seed = *b"threadmark encrypted sync 000001";
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let result = runner.run(&proptest::collection::vec(round(), 1..3), |rounds| {
        run(&rounds)
    });
    KEY_FILE.with(|k| *k.borrow_mut() = None);
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(SEALED_SYNCS.with(Cell::get) > 0, "no encrypted sync ran");
}
