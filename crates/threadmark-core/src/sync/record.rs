//! Change records and change files (the format is described in
//! docs/SYNC-FORMAT.md).
//!
//! A change file is JSON lines: a header line, one record per line, an end line
//! giving the number of records. A file without its end line, or with a line that
//! does not parse, is incomplete (a sync tool still copying it, a torn write): it
//! is not applied and is read again at the next sync.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The format name in a change file's header.
pub const FORMAT: &str = "threadmark-changes";
/// The version this build writes. Readers apply files of any version, keeping
/// what they do not understand. Version 2: an `add` names in `r` the removes of
/// its element its device had seen (version 1 wrote `r` on removes only).
pub const VERSION: u32 = 2;

/// How every header this version writes begins.
const FORMAT_START: &str = "{\"format\":\"threadmark-changes\"";

/// One change: a field set, or an element added to or removed from a set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The kind of entity: `label`, `thread`, `highlight`, `read`.
    pub k: String,
    /// The entity's stable key (a uuid, a label's name in lower case, …).
    pub id: String,
    /// The field.
    pub f: String,
    /// `add` or `remove` for a set; absent for a field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
    /// The value (a field's new value, or the set element).
    #[serde(default)]
    pub v: Value,
    /// The change's stamp (clock.rs).
    pub s: String,
    /// For a field: the stamp of the value this device replaced (None: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<String>,
    /// For a remove: the add stamps it saw; for an add (version 2): the remove
    /// stamps of its element it saw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub r: Vec<String>,
    /// Keys from a newer version: kept and written on.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A change file's header line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub device: String,
    pub seq: u64,
    pub records: usize,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A change file's last line.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct End {
    end: usize,
}

/// The bytes of a change file holding `records` (each already a JSON line).
pub fn write_file(device: &str, seq: u64, records: &[String]) -> Vec<u8> {
    let header = Header {
        format: FORMAT.to_string(),
        version: VERSION,
        device: device.to_string(),
        seq,
        records: records.len(),
        extra: Map::new(),
    };
    let mut out = serde_json::to_string(&header).unwrap_or_default();
    out.push('\n');
    for r in records {
        out.push_str(r);
        out.push('\n');
    }
    out.push_str(&format!("{{\"end\":{}}}\n", records.len()));
    out.into_bytes()
}

/// Why a change file was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not a change file (no header): left alone for good.
    NotChanges(String),
    /// Cut short or torn: read again next time.
    Incomplete(String),
}

/// A whole change file's records, each with its raw line (written on verbatim
/// when it holds something this version does not know).
pub fn read_file(bytes: &[u8]) -> Result<(Header, Vec<(Record, String)>), Unreadable> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Unreadable::Incomplete(format!("not UTF-8 ({e})")))?;
    let mut lines = text.split_terminator('\n');
    let first = lines
        .next()
        .ok_or_else(|| Unreadable::Incomplete("empty".into()))?;
    let header: Header = serde_json::from_str(first).map_err(|e| {
        // Cut within the header (still being copied): try again later.
        if !text.contains('\n')
            || FORMAT_START.starts_with(first)
            || first.starts_with(FORMAT_START)
        {
            Unreadable::Incomplete(format!("line 1: the header is cut short ({e})"))
        } else {
            Unreadable::NotChanges(format!("line 1: no change-file header ({e})"))
        }
    })?;
    if header.format != FORMAT {
        return Err(Unreadable::NotChanges(format!(
            "line 1: format {:?} is not {FORMAT:?}",
            header.format
        )));
    }
    let mut out = Vec::with_capacity(header.records);
    for (i, line) in lines.enumerate() {
        if let Ok(end) = serde_json::from_str::<End>(line) {
            if end.end == out.len() && end.end == header.records && text.ends_with('\n') {
                return Ok((header, out));
            }
            return Err(Unreadable::Incomplete(format!(
                "line {}: the end line counts {} records, the file holds {}",
                i + 2,
                end.end,
                out.len()
            )));
        }
        let record: Record = serde_json::from_str(line)
            .map_err(|e| Unreadable::Incomplete(format!("line {}: {e}", i + 2)))?;
        out.push((record, line.to_string()));
    }
    Err(Unreadable::Incomplete(format!(
        "no end line after {} of {} records",
        out.len(),
        header.records
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_back_and_a_cut_one_is_incomplete() {
        let r = Record {
            k: "highlight".into(),
            id: "u1".into(),
            f: "note".into(),
            op: None,
            v: Value::String("hi".into()),
            s: "0000000001000-0000-aaaa".into(),
            p: None,
            r: vec![],
            extra: Map::new(),
        };
        let line = serde_json::to_string(&r).unwrap();
        let bytes = write_file("aaaa", 1, &[line.clone(), line]);
        let (h, recs) = read_file(&bytes).unwrap();
        assert_eq!((h.seq, recs.len()), (1, 2));
        assert_eq!(recs[0].0, r);
        for cut in [10, bytes.len() / 2, bytes.len() - 1] {
            assert!(
                matches!(read_file(&bytes[..cut]), Err(Unreadable::Incomplete(_))),
                "cut at {cut}"
            );
        }
        assert!(matches!(
            read_file(b"hello\n"),
            Err(Unreadable::NotChanges(_))
        ));
    }
}
