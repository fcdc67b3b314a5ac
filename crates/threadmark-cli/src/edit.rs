//! `threadmark highlight edit | delete | link`: what a scripted user needs to
//! change annotations. A highlight is named by its number in this library or by
//! its uuid (the same on every synced library); both are in `highlight list`.

use std::io::Write;

use threadmark_core::{Error, HighlightEdit, Library, LinkKind, Result};

/// A highlight's number from its number or uuid.
pub fn resolve(lib: &Library, id: &str) -> Result<i64> {
    if let Ok(n) = id.parse::<i64>() {
        lib.highlight_thread(n)?;
        return Ok(n);
    }
    for t in lib.list_threads()? {
        if let Some(h) = lib.highlights(t.id)?.into_iter().find(|h| h.uuid == id) {
            return Ok(h.id);
        }
    }
    Err(Error::not_found(format!(
        "no highlight {id:?} (give its number or uuid, see highlight list)"
    )))
}

/// Change a highlight's label, note or tags; prints it as `highlight list` does.
pub fn edit(
    lib: &mut Library,
    out: &mut impl Write,
    id: &str,
    label: Option<String>,
    note: Option<String>,
    tag: &[String],
    untag: &[String],
) -> Result<()> {
    let n = resolve(lib, id)?;
    let h = lib.highlight(n)?;
    let tags = if tag.is_empty() && untag.is_empty() {
        None
    } else {
        let mut tags: Vec<String> = h
            .tags
            .iter()
            .filter(|t| !untag.iter().any(|u| u.eq_ignore_ascii_case(t)))
            .cloned()
            .collect();
        tags.extend(tag.iter().cloned());
        Some(tags)
    };
    let label = label.map(|l| {
        if l.is_empty() || l.eq_ignore_ascii_case("none") {
            None
        } else {
            Some(l)
        }
    });
    let h = lib.update_highlight(n, &HighlightEdit { label, note, tags })?;
    record(lib);
    crate::output::print_highlights(out, std::slice::from_ref(&h))
}

/// Delete a highlight (with its tags and links).
pub fn delete(lib: &mut Library, out: &mut impl Write, id: &str) -> Result<()> {
    let n = resolve(lib, id)?;
    let d = lib.delete_highlight(n)?;
    record(lib);
    writeln!(
        out,
        "deleted highlight {} {} and {} links",
        n,
        d.highlight.uuid,
        d.links.len()
    )?;
    Ok(())
}

/// Link highlight `from` to `to`.
pub fn link(
    lib: &mut Library,
    out: &mut impl Write,
    from: &str,
    to: &str,
    kind: &str,
) -> Result<()> {
    let kind = LinkKind::parse(kind)?;
    let (a, b) = (resolve(lib, from)?, resolve(lib, to)?);
    let l = lib.add_link(a, kind, b)?;
    record(lib);
    writeln!(out, "{} {} {} {}", l.uuid, a, kind.as_str(), b)?;
    Ok(())
}

/// A library that syncs records the edit now, so that its stamp is the time of
/// the edit rather than of the next sync. Failing to is not an error: the next
/// sync finds the edit anyway.
fn record(lib: &mut Library) {
    if matches!(lib.sync_folder(), Ok(Some(_))) {
        let _ = lib.sync_capture();
    }
}
