//! Normalization: case, Unicode quote marks, apostrophes, dashes and whitespace folded;
//! the needle of a quote (what is searched for) cut from its normalized text.

pub(super) const MASK: char = '\u{0}';
pub(super) const K: usize = 12;

/// The characters `c` is compared as, one by one to `push`.
pub(super) fn fold(c: char, mut push: impl FnMut(char)) {
    match c {
        '’' | '‘' | '‛' | '′' | '`' | '´' => push('\''),
        '“' | '”' | '„' | '‟' | '″' | '«' | '»' => push('"'),
        '–' | '—' | '‒' | '―' | '−' => push('-'),
        c => c.to_lowercase().for_each(push),
    }
}

/// What normalizing makes of each ASCII character: [`ASCII_SPACE`] for whitespace,
/// else the character folded (lower case, a backquote as an apostrophe).
pub(super) const ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = match b as u8 {
            b' ' | b'\t'..=b'\r' => ASCII_SPACE,
            b'`' => b'\'',
            c => c.to_ascii_lowercase(),
        };
        b += 1;
    }
    t
};

/// [`ASCII_FOLD`]'s mark for whitespace (no ASCII character).
pub(super) const ASCII_SPACE: u8 = 0x80;

/// Append the normalized `text` to `out` (see [`normalize`]); with `MAP`, push each
/// appended character's code-point index in `text` to `map`. ASCII is folded by a
/// table and written without a branch on its kind; other characters by [`fold`].
pub(super) fn normalize_into<const MAP: bool>(text: &str, out: &mut Vec<char>, map: &mut Vec<u32>) {
    let base = out.len();
    let map_base = map.len();
    // Room for one character per UTF-8 byte, which is enough but for a lower case
    // longer than its capital (grown below when it comes).
    out.resize(base + text.len(), MASK);
    if MAP {
        map.resize(map_base + text.len(), 0);
    }
    let bytes = text.as_bytes();
    // Characters kept so far.
    let mut n = 0;
    // Whether a space would be dropped here: at the start, or after a space
    // (folding never makes a space).
    let mut space = true;
    let mut at = 0;
    let mut cp = 0u32;
    while let Some(&b) = bytes.get(at) {
        if b < 0x80 {
            at += 1;
            // Written in any case; kept (`n` moves on) unless a dropped space.
            let f = ASCII_FOLD[usize::from(b)];
            let is_space = f == ASCII_SPACE;
            out[base + n] = char::from(if is_space { b' ' } else { f });
            if MAP {
                map[map_base + n] = cp;
            }
            n += usize::from(!(is_space && space));
            space = is_space;
        } else {
            let Some(c) = text.get(at..).and_then(|t| t.chars().next()) else {
                break;
            };
            at += c.len_utf8();
            if c.is_whitespace() {
                if !space {
                    out[base + n] = ' ';
                    if MAP {
                        map[map_base + n] = cp;
                    }
                    n += 1;
                    space = true;
                }
            } else {
                fold(c, |f| {
                    if base + n == out.len() {
                        out.push(MASK);
                        if MAP {
                            map.push(0);
                        }
                    }
                    out[base + n] = f;
                    if MAP {
                        map[map_base + n] = cp;
                    }
                    n += 1;
                });
                space = false;
            }
        }
        cp += 1;
    }
    if space && n > 0 {
        n -= 1;
    }
    out.truncate(base + n);
    if MAP {
        map.truncate(map_base + n);
    }
}

/// Normalize text: folded characters and single spaces, with each normalized
/// character's code-point index in the original.
pub fn normalize(text: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    normalize_into::<true>(text, &mut chars, &mut map);
    (chars, map.into_iter().map(|i| i as usize).collect())
}

/// The part of a normalized quote to look for: without leading `>` markers,
/// wrapping quotation marks, leading or trailing ellipses and surrounding spaces.
pub(super) fn needle(q: &[char]) -> &[char] {
    let mut s = q;
    loop {
        let before = s.len();
        while let Some((&c, rest)) = s.split_first() {
            if c == '>' || c == ' ' || c == '"' || c == '\'' || c == '…' {
                s = rest;
            } else {
                break;
            }
        }
        while let Some((&c, rest)) = s.split_last() {
            if c == ' ' || c == '"' || c == '\'' || c == '…' {
                s = rest;
            } else {
                break;
            }
        }
        if s.starts_with(&['.', '.', '.']) {
            s = &s[3..];
        }
        if s.ends_with(&['.', '.', '.']) {
            s = &s[..s.len() - 3];
        }
        if s.len() == before {
            return s;
        }
    }
}
