//! `threadmark restore` of an annotation document (W3C Web Annotations, a Hypothesis
//! API result): what it did, one line, then one line per annotation skipped.

use std::io::Write;

use threadmark_core::{AnnotationReport, Result};

/// Print what restoring annotations did.
pub fn print_report(out: &mut impl Write, r: &AnnotationReport) -> Result<()> {
    writeln!(
        out,
        "annotations: {} read; highlights: {} added ({} anchored, {} fuzzy, {} orphaned), {} updated, {} unchanged; {} skipped",
        r.read, r.added, r.anchored, r.fuzzy, r.orphaned, r.updated, r.unchanged, r.skipped.len()
    )?;
    for (path, why) in &r.skipped {
        writeln!(out, "skipped {path}: {why}")?;
    }
    Ok(())
}
