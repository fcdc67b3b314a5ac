//! The devices' folders in the convergence test: how a file travels from one
//! device's copy of the synced folder to another's (whole, cut short, twice, or
//! beside a sync tool's conflict copy), a device's sync, and settling until
//! nobody has anything more to send.

use super::*;

/// How one file goes from one device's folder to another's.
#[derive(Debug, Clone)]
pub(super) enum Fault {
    Whole,
    /// First cut short, later whole.
    Cut,
    /// Also as a conflict copy of a sync tool.
    ConflictCopy,
    /// Copied twice.
    Twice,
}

#[derive(Debug, Clone)]
pub(super) struct Delivery {
    pub(super) from: u8,
    pub(super) to: u8,
    pub(super) pick: u16,
    pub(super) fault: Fault,
    /// The receiver syncs right after (with a crash before the rename sometimes).
    pub(super) sync: Option<bool>,
}

pub(super) fn delivery() -> impl Strategy<Value = Delivery> {
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

/// One device: its library and its copy of the synced folder.
pub(super) struct Device {
    pub(super) lib: Library,
    pub(super) dir: tempfile::TempDir,
    /// Files cut short on their way here, to be completed later.
    pub(super) cut: Vec<(PathBuf, Vec<u8>)>,
}

/// Every change file and content file under a folder, relative to it.
pub(super) fn folder_files(dir: &Path) -> Vec<PathBuf> {
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

pub(super) fn copy(devs: &mut [Device], from: usize, to: usize, rel: &Path, fault: &Fault) {
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

pub(super) fn sync(d: &mut Device, ms: i64, crash: bool) -> usize {
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
pub(super) fn settle(
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

/// Device `who`'s files vanish from every copy of the folder (a sync tool
/// dropped them, someone emptied the folder); with `moves`, the device also
/// syncs from now on with a new, empty folder (encrypted like the others).
pub(super) fn vanish(devs: &mut [Device], who: usize, moves: bool) {
    VANISHED.fetch_add(1, Ordering::Relaxed);
    let id = devs[who].lib.sync_status().unwrap().device;
    for d in devs.iter_mut() {
        let own = d.dir.path().join("threadmark/devices").join(&id);
        d.cut.retain(|(p, _)| !p.starts_with(&own));
        if own.exists() {
            std::fs::remove_dir_all(&own).unwrap();
        }
    }
    if moves {
        let dir = tempfile::tempdir().unwrap();
        KEY_FILE.with(|k| {
            if let Some(bytes) = &*k.borrow() {
                let t = dir.path().join("threadmark");
                std::fs::create_dir_all(&t).unwrap();
                std::fs::write(t.join("encryption.json"), bytes).unwrap();
            }
        });
        devs[who].dir = dir;
        devs[who].cut.clear();
    }
}
