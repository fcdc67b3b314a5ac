//! Reading an input safely: one bounded reader for files, devices, FIFOs and
//! standard input; sizes with units (`1k`, `5MiB`); encodings and compressions
//! named before a parser sees the bytes; ordinary text told apart from a thread.

use std::borrow::Cow;
use std::io::Read;

use crate::error::{Error, ErrorKind, Result};

/// Read at most `max` bytes from `reader`, whatever it is (a regular file, a device
/// such as `/dev/zero`, a FIFO, a pipe): one byte more than the limit ends the read
/// with a [`ErrorKind::TooLarge`] error naming the limit. Nothing past the limit
/// is read or kept.
pub fn read_bounded(reader: impl Read, max: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(Error::new(
            ErrorKind::TooLarge,
            format!(
                "the input is larger than the import limit of {} (reading stopped there; raise it with --max-bytes)",
                format_size(max)
            ),
        ));
    }
    Ok(bytes)
}

/// A size for people: `512 MiB (536870912 bytes)`, or `100 bytes`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (name, unit) in UNITS {
        if bytes >= unit {
            let whole = bytes / unit;
            let shown = if bytes % unit == 0 {
                format!("{whole} {name}")
            } else {
                format!("{:.1} {name}", bytes as f64 / unit as f64)
            };
            return format!("{shown} ({bytes} bytes)");
        }
    }
    if bytes == 1 {
        "1 byte".to_string()
    } else {
        format!("{bytes} bytes")
    }
}

/// Parse a size: a whole or decimal number with an optional unit. `k`, `K`, `KiB`
/// are 1024 bytes, `KB` is 1000 (likewise `M`/`MiB`/`MB`, `G`/`GiB`/`GB`,
/// `T`/`TiB`/`TB`); `B` or nothing is bytes.
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = (&t[..split], t[split..].trim());
    let bad = || {
        format!("{text:?} is not a size: give a number of bytes, optionally with a unit (1k, 64KiB, 5MiB, 2GB)")
    };
    if number.is_empty() {
        return Err(bad());
    }
    let factor: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => return Err(bad()),
    };
    let too_big = || format!("{text:?} is too large a size");
    if let Some((whole, fraction)) = number.split_once('.') {
        // A decimal: 1.5MiB. Whole bytes only.
        if factor == 1 || whole.is_empty() && fraction.is_empty() {
            return Err(bad());
        }
        let value: f64 = number.parse().map_err(|_| bad())?;
        let bytes = (value * factor as f64).round();
        return if bytes < u64::MAX as f64 {
            Ok(bytes as u64)
        } else {
            Err(too_big())
        };
    }
    let n: u64 = number.parse().map_err(|_| too_big())?;
    n.checked_mul(factor).ok_or_else(too_big)
}

/// Bytes in an encoding or a compression no parser reads, named: gzip and the other
/// common compressions are refused; UTF-16 with a byte order mark is decoded to
/// UTF-8; UTF-16 without one and UTF-32 are refused with their name.
pub fn decode_input(bytes: &[u8]) -> Result<Cow<'_, [u8]>> {
    let compressed = |name: &str, tool: &str| {
        Err(Error::new(
            ErrorKind::Unsupported,
            format!("this is a {name} file: decompress it first ({tool}) and import the result"),
        ))
    };
    match bytes {
        [0x1f, 0x8b, ..] => return compressed("gzip-compressed", "gunzip FILE"),
        [0x28, 0xb5, 0x2f, 0xfd, ..] => return compressed("zstd-compressed", "unzstd FILE"),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => return compressed("xz-compressed", "unxz FILE"),
        [b'B', b'Z', b'h', ..] => return compressed("bzip2-compressed", "bunzip2 FILE"),
        [b'P', b'K', 3, 4, ..] => return compressed("zip archive", "unzip FILE"),
        [0xff, 0xfe, 0, 0, ..] | [0, 0, 0xfe, 0xff, ..] => {
            return Err(Error::new(
                ErrorKind::Unsupported,
                "this file is UTF-32 text: convert it to UTF-8 first (iconv -f UTF-32 -t UTF-8)",
            ))
        }
        [0xff, 0xfe, rest @ ..] => return utf16(rest, u16::from_le_bytes).map(Cow::Owned),
        [0xfe, 0xff, rest @ ..] => return utf16(rest, u16::from_be_bytes).map(Cow::Owned),
        _ => {}
    }
    // UTF-16 without a byte order mark: ASCII text with a NUL beside every byte.
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() >= 8 {
        let pairs = head.len() / 2;
        let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        let (zero, other) = (even_nul.max(odd_nul), even_nul.min(odd_nul));
        if zero * 10 >= pairs * 9 && other * 10 <= pairs {
            let order = if odd_nul > even_nul { "LE" } else { "BE" };
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("this looks like UTF-16 text without a byte order mark: convert it to UTF-8 first (iconv -f UTF-16{order} -t UTF-8)"),
            ));
        }
    }
    Ok(Cow::Borrowed(bytes))
}

fn utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<Vec<u8>> {
    if bytes.len() % 2 != 0 {
        return Err(Error::bad_input(
            "UTF-16 text (by its byte order mark) with an odd number of bytes",
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| word([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => out.push(c),
            Err(_) => {
                return Err(Error::bad_input("invalid UTF-16 (an unpaired surrogate)")
                    .at(format!("byte {}", 2 + 2 * i)))
            }
        }
    }
    Ok(out.into_bytes())
}

/// Why text read as the plain-text dump looks like an ordinary document (a licence,
/// a README) rather than a discussion, if it does: no quoted replies at all, or the
/// headings and code fences of Markdown.
pub fn ordinary_text_reason(text: &str) -> Option<&'static str> {
    let mut quotes = false;
    for line in text.lines() {
        let l = line.trim_start();
        if l.starts_with("```") || l.starts_with("~~~") {
            return Some("it has Markdown code fences");
        }
        if line.starts_with("# ") || line.starts_with("## ") {
            return Some("it has Markdown headings");
        }
        quotes |= l.starts_with('>');
    }
    (!quotes).then_some("it has no quoted replies (`> …` lines)")
}
