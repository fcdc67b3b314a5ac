//! Re-anchoring highlights when a thread's text changes (DESIGN §3).
//!
//! A highlight keeps a `TextQuoteSelector` (exact text with up to 32 code points of
//! prefix and suffix) and a `TextPositionSelector` (start, end) on its post. When
//! the post's text changes the highlight is found again, in this order:
//! 1. the exact text at the stored position → `anchored` (unless another occurrence
//!    in the post has clearly better context, which makes it `moved` there);
//! 2. the exact text elsewhere in the same post, the occurrence whose prefix and
//!    suffix agree best, then the nearest to the old position → `moved`;
//! 3. an approximate match in the same post (bit-parallel Myers search, at most a
//!    quarter of the quote edited), scored on quote, prefix, suffix and position
//!    → `fuzzy`, and the new span is used;
//! 4. the same two searches over the other posts of the thread, nearest post first
//!    → `moved` / `fuzzy`;
//! 5. otherwise → `orphaned`: the highlight keeps its quote and note, and its
//!    position is left as it was.
//!
//! All offsets are Unicode code points of the canonical text (unlike JavaScript
//! matchers, an emoji is one character, not two).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

/// Characters of context kept on each side of a highlight.
pub const CONTEXT: usize = 32;

/// Where a highlight was, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub start: usize,
    pub end: usize,
}

/// How a highlight was found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorState {
    Anchored,
    Moved,
    Fuzzy,
    Orphaned,
}

impl AnchorState {
    pub fn as_str(&self) -> &'static str {
        match self {
            AnchorState::Anchored => "anchored",
            AnchorState::Moved => "moved",
            AnchorState::Fuzzy => "fuzzy",
            AnchorState::Orphaned => "orphaned",
        }
    }
}

/// Where a highlight is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Index of the post in the texts given to [`anchor`].
    pub post: usize,
    pub start: usize,
    pub end: usize,
    pub state: AnchorState,
}

/// The selector of `text[start..end]` (code points), with its context.
pub fn selector(text: &str, start: usize, end: usize) -> Option<Selector> {
    let chars: Vec<char> = text.chars().collect();
    selector_in(&chars, start, end)
}

/// [`selector`] over a text already in code points.
pub fn selector_in(chars: &[char], start: usize, end: usize) -> Option<Selector> {
    if start > end || end > chars.len() {
        return None;
    }
    Some(Selector {
        exact: chars[start..end].iter().collect(),
        prefix: chars[start.saturating_sub(CONTEXT)..start].iter().collect(),
        suffix: chars[end..(end + CONTEXT).min(chars.len())]
            .iter()
            .collect(),
        start,
        end,
    })
}

// ---------------------------------------------------------------------------
// Approximate search: Myers' bit-parallel algorithm, in 64-row blocks (Hyyrö's
// formulation), over code points.

/// An approximate occurrence of a pattern: `text[start..end]` with `errors` edits
/// (insertions, deletions, substitutions of code points).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub errors: usize,
}

/// A pattern prepared for bit-parallel search: one bit per pattern position and
/// character, in blocks of 64 rows.
struct Pattern {
    len: usize,
    blocks: usize,
    /// `blocks` words per ASCII character, flat.
    ascii: Vec<u64>,
    other: HashMap<char, Vec<u64>>,
}

impl Pattern {
    fn new(pattern: &[char]) -> Pattern {
        let blocks = pattern.len().div_ceil(64).max(1);
        let mut ascii = vec![0u64; 128 * blocks];
        let mut other: HashMap<char, Vec<u64>> = HashMap::new();
        for (i, &c) in pattern.iter().enumerate() {
            let bit = 1u64 << (i % 64);
            if (c as u32) < 128 {
                ascii[c as usize * blocks + i / 64] |= bit;
            } else {
                other.entry(c).or_insert_with(|| vec![0u64; blocks])[i / 64] |= bit;
            }
        }
        Pattern {
            len: pattern.len(),
            blocks,
            ascii,
            other,
        }
    }

    fn eq(&self, c: char, block: usize) -> u64 {
        if (c as u32) < 128 {
            self.ascii[c as usize * self.blocks + block]
        } else {
            self.other.get(&c).map_or(0, |v| v[block])
        }
    }
}

/// For every end position `j` (exclusive) of `text`, the fewest edits turning
/// `pattern` into some substring of `text` ending at `j`; `f` is called for those
/// with at most `max_errors`.
fn match_ends(text: &[char], pat: &Pattern, max_errors: usize, mut f: impl FnMut(usize, usize)) {
    let m = pat.len;
    let b = pat.blocks;
    let mut pv = vec![u64::MAX; b];
    let mut mv = vec![0u64; b];
    // The score at the last row of each block.
    let mut score: Vec<usize> = (0..b).map(|i| ((i + 1) * 64).min(m)).collect();
    let last_bit: Vec<u64> = (0..b)
        .map(|i| {
            let rows = if i + 1 == b { m - 64 * i } else { 64 };
            1u64 << (rows - 1)
        })
        .collect();
    for (j, &c) in text.iter().enumerate() {
        // Row 0 of the matrix is all zeros: a match may start anywhere.
        let mut h_in: i8 = 0;
        for k in 0..b {
            let (p, mm) = (pv[k], mv[k]);
            let h_neg = u64::from(h_in < 0);
            let h_pos = u64::from(h_in > 0);
            let eq = pat.eq(c, k) | h_neg;
            let xv = eq | mm;
            let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
            let mut ph = mm | !(xh | p);
            let mut mh = p & xh;
            let h_out: i8 = if ph & last_bit[k] != 0 {
                1
            } else if mh & last_bit[k] != 0 {
                -1
            } else {
                0
            };
            ph = (ph << 1) | h_pos;
            mh = (mh << 1) | h_neg;
            pv[k] = mh | !(xv | ph);
            mv[k] = ph & xv;
            score[k] = score[k].wrapping_add_signed(h_out as isize);
            h_in = h_out;
        }
        if score[b - 1] <= max_errors {
            f(j + 1, score[b - 1]);
        }
    }
}

/// Where the best alignment of all of `pattern` ending at `end` starts, given
/// that it costs `errors`: a small dynamic program over the window before `end`.
/// Among equally good starts the longest span wins.
fn match_start(text: &[char], pattern: &[char], end: usize, errors: usize) -> usize {
    let lo = end.saturating_sub(pattern.len() + errors);
    let window = &text[lo..end];
    let w = window.len();
    // Align the reversed pattern with a prefix of the reversed window.
    let mut prev: Vec<usize> = (0..=w).collect();
    let mut cur = vec![0usize; w + 1];
    for (i, &pc) in pattern.iter().rev().enumerate() {
        cur[0] = i + 1;
        for j in 1..=w {
            let tc = window[w - j];
            cur[j] = (prev[j - 1] + usize::from(pc != tc))
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let best = (0..=w).min_by_key(|&j| (prev[j], std::cmp::Reverse(j)));
    end - best.unwrap_or(0)
}

/// Every approximate occurrence of `pattern` in `text` with at most `max_errors`
/// edits: one per end position, in text order. Empty pattern or text: none.
pub fn search(text: &[char], pattern: &[char], max_errors: usize) -> Vec<Match> {
    if pattern.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let pat = Pattern::new(pattern);
    let mut ends = Vec::new();
    match_ends(text, &pat, max_errors, |end, errors| {
        ends.push((end, errors))
    });
    ends.into_iter()
        .map(|(end, errors)| Match {
            start: match_start(text, pattern, end, errors),
            end,
            errors,
        })
        .collect()
}

/// Like [`search`], but of each run of adjacent end positions (one approximate
/// occurrence seen from its neighbouring ends) only the end with the fewest errors,
/// the earliest among equals, gets a start and is returned.
fn best_per_run(text: &[char], pattern: &[char], max_errors: usize) -> Vec<Match> {
    if pattern.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let pat = Pattern::new(pattern);
    let mut best: Vec<(usize, usize)> = Vec::new(); // (end, errors), one per run
    let mut last_end = usize::MAX - 1;
    match_ends(text, &pat, max_errors, |end, errors| {
        match best.last_mut() {
            Some(b) if end == last_end + 1 => {
                if errors < b.1 {
                    *b = (end, errors);
                }
            }
            _ => best.push((end, errors)),
        }
        last_end = end;
    });
    best.into_iter()
        .map(|(end, errors)| Match {
            start: match_start(text, pattern, end, errors),
            end,
            errors,
        })
        .collect()
}

/// The fewest edits turning `pattern` into a substring of `text`, if any substring
/// is within `max_errors` (`pattern.len()` when the text is empty).
fn best_errors(text: &[char], pattern: &[char], max_errors: usize) -> usize {
    if pattern.is_empty() {
        return 0;
    }
    if text.is_empty() {
        return pattern.len();
    }
    let pat = Pattern::new(pattern);
    let mut best = pattern.len();
    match_ends(text, &pat, max_errors, |_, e| best = best.min(e));
    best
}

// ---------------------------------------------------------------------------
// Quote matching with context.

/// What is known around a quote, to choose between candidate matches.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub prefix: &'a [char],
    pub suffix: &'a [char],
    /// Where the quote was expected to start.
    pub hint: Option<usize>,
}

/// A quote found in a text, scored in `0.0..=1.0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuoteMatch {
    pub start: usize,
    pub end: usize,
    pub errors: usize,
    pub score: f64,
}

const QUOTE_WEIGHT: f64 = 40.0;
const PREFIX_WEIGHT: f64 = 15.0;
const SUFFIX_WEIGHT: f64 = 15.0;
const POSITION_WEIGHT: f64 = 1.0;

/// How well `context` agrees with `window` (the text just before or after a
/// candidate, as long as the context): 1 when it is there unchanged.
fn similarity(context: &[char], window: &[char]) -> f64 {
    if context.is_empty() {
        return 1.0;
    }
    let errors = best_errors(window, context, context.len());
    1.0 - errors as f64 / context.len() as f64
}

/// The score of a candidate `text[start..end]` with `errors` edits.
fn score_at(
    text: &[char],
    quote_len: usize,
    start: usize,
    end: usize,
    errors: usize,
    ctx: &Context<'_>,
) -> f64 {
    let quote = 1.0 - errors as f64 / quote_len.max(1) as f64;
    let before = &text[start.saturating_sub(ctx.prefix.len())..start];
    let after = &text[end..(end + ctx.suffix.len()).min(text.len())];
    let position = match ctx.hint {
        Some(h) => 1.0 - start.abs_diff(h) as f64 / text.len().max(1) as f64,
        None => 1.0,
    };
    (QUOTE_WEIGHT * quote
        + PREFIX_WEIGHT * similarity(ctx.prefix, before)
        + SUFFIX_WEIGHT * similarity(ctx.suffix, after)
        + POSITION_WEIGHT * position)
        / (QUOTE_WEIGHT + PREFIX_WEIGHT + SUFFIX_WEIGHT + POSITION_WEIGHT)
}

/// The best place of `quote` in `text`, exact or with at most `max_errors` edits,
/// scored on the quote, its prefix and suffix and the distance to the hint.
/// Equal scores go to the earliest start. `None` for an empty quote or text or
/// when nothing is close enough.
pub fn match_quote(
    text: &[char],
    quote: &[char],
    ctx: &Context<'_>,
    max_errors: usize,
) -> Option<QuoteMatch> {
    if quote.is_empty() || text.is_empty() {
        return None;
    }
    let exact = occurrences(text, quote);
    let candidates: Vec<Match> = if exact.is_empty() {
        best_per_run(text, quote, max_errors)
    } else {
        exact
            .into_iter()
            .map(|start| Match {
                start,
                end: start + quote.len(),
                errors: 0,
            })
            .collect()
    };
    let mut best: Option<QuoteMatch> = None;
    for m in candidates {
        let score = score_at(text, quote.len(), m.start, m.end, m.errors, ctx);
        if best.is_none_or(|b| score > b.score + 1e-12) {
            best = Some(QuoteMatch {
                start: m.start,
                end: m.end,
                errors: m.errors,
                score,
            });
        }
    }
    best
}

/// Every start of `needle` in `hay`.
fn occurrences(hay: &[char], needle: &[char]) -> Vec<usize> {
    let Some(&first) = needle.first() else {
        return Vec::new();
    };
    if needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i] == first && hay[i..i + needle.len()] == *needle)
        .collect()
}

// ---------------------------------------------------------------------------
// Anchoring over a thread.

/// Length of the k-grams indexing a thread for the search across posts.
const K: usize = 4;

/// A polynomial hash of `k` code points, `sum c[i] * base^(k-1-i)` (mod 2^64), that
/// slides along a text one code point at a time in constant time. Re-anchoring here
/// and the quote index (`quotes.rs`) each use one, with their own base and `k`.
#[derive(Clone, Copy)]
pub(crate) struct PolyHash {
    base: u64,
    /// `base^(k-1)`: the weight of a window's first code point.
    lead: u64,
}

impl PolyHash {
    /// `base` must be odd, so that multiplying by it is a bijection modulo 2^64.
    pub(crate) const fn new(base: u64, k: usize) -> Self {
        let mut lead = 1u64;
        let mut i = 1;
        while i < k {
            lead = lead.wrapping_mul(base);
            i += 1;
        }
        PolyHash { base, lead }
    }

    /// The hash of a whole window.
    pub(crate) fn of(self, window: &[char]) -> u64 {
        window.iter().fold(0, |h, &c| self.push(h, c))
    }

    /// `c` appended after the window hashed as `h`.
    #[inline]
    pub(crate) fn push(self, h: u64, c: char) -> u64 {
        h.wrapping_mul(self.base).wrapping_add(c as u64)
    }

    /// The window hashed as `h` without its first code point `first`.
    #[inline]
    pub(crate) fn drop_first(self, h: u64, first: char) -> u64 {
        h.wrapping_sub((first as u64).wrapping_mul(self.lead))
    }
}

/// The k-gram hash of re-anchoring (multiplier odd).
const GRAM: PolyHash = PolyHash::new(0x9e37_79b9_7f4a_7c15, K);

/// A polynomial hash of a k-gram's code points, the same as [`GramTable::roll`]
/// computes window by window.
fn gram_hash(window: &[char]) -> u64 {
    GRAM.of(window)
}

/// k-gram hash → slot, open addressing with linear probing: the one lookup made
/// for every window of a thread when highlights are searched for across posts.
#[derive(Default)]
struct GramTable {
    keys: Vec<u64>,
    /// `u32::MAX`: empty.
    slots: Vec<u32>,
    len: usize,
}

impl GramTable {
    /// One step of the rolling hash: the window without `out`, with `new` after it.
    fn roll(h: u64, out: char, new: char) -> u64 {
        GRAM.push(GRAM.drop_first(h, out), new)
    }

    fn home(&self, h: u64) -> usize {
        // Mix: the polynomial's last code point only reaches the low bits.
        let mixed = (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (mixed >> 32) as usize & (self.keys.len() - 1)
    }

    fn get(&self, h: u64) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let mask = self.keys.len() - 1;
        let mut i = self.home(h);
        loop {
            let slot = self.slots[i];
            if slot == u32::MAX {
                return None;
            }
            if self.keys[i] == h {
                return Some(slot);
            }
            i = (i + 1) & mask;
        }
    }

    /// The slot of `h`, giving it `next` if it has none; whether it was new.
    fn insert(&mut self, h: u64, next: u32) -> (u32, bool) {
        if (self.len + 1) * 2 > self.keys.len() {
            let old_keys = std::mem::take(&mut self.keys);
            let old_slots = std::mem::take(&mut self.slots);
            let size = (old_keys.len() * 2).max(1024);
            self.keys = vec![0; size];
            self.slots = vec![u32::MAX; size];
            for (k, s) in old_keys.into_iter().zip(old_slots) {
                if s != u32::MAX {
                    let mut i = self.home(k);
                    while self.slots[i] != u32::MAX {
                        i = (i + 1) & (size - 1);
                    }
                    self.keys[i] = k;
                    self.slots[i] = s;
                }
            }
        }
        let mask = self.keys.len() - 1;
        let mut i = self.home(h);
        loop {
            if self.slots[i] == u32::MAX {
                self.keys[i] = h;
                self.slots[i] = next;
                self.len += 1;
                return (next, true);
            }
            if self.keys[i] == h {
                return (self.slots[i], false);
            }
            i = (i + 1) & mask;
        }
    }
}

/// A hasher for keys that are already hashes (the k-gram index).
#[derive(Default, Clone, Copy)]
pub(crate) struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type GramIndex = HashMap<u64, Vec<u32>, std::hash::BuildHasherDefault<Prehashed>>;

/// The texts of a thread's live posts in thread order. Each post is decoded to code
/// points when first looked at, and the k-gram index for the search across posts
/// covers only the k-grams of the quotes searched for so far: a thread has millions
/// of distinct k-grams, the highlights that left their post a few hundred.
#[derive(Default)]
pub struct Texts {
    /// Every post's text, one after another.
    buf: String,
    /// Where each post's text ends in `buf` (bytes).
    ends: Vec<usize>,
    /// Each post's code points, decoded on first use.
    chars: Vec<OnceCell<Vec<char>>>,
    index: RefCell<QuoteGrams>,
}

/// What the search across posts knows of each k-gram of the quotes searched for
/// so far: which posts hold it, and how many.
#[derive(Default)]
struct QuoteGrams {
    /// k-gram hash → its slot.
    slots: GramTable,
    /// Per slot, the number of posts containing that k-gram.
    counts: Vec<u32>,
    /// Per slot, the posts containing it (ascending, without repeats).
    posts: Vec<Vec<u32>>,
}

/// The rarest k-grams of a quote a search looks at: all of an exact search's
/// candidates must contain them, and an approximate search counts them.
const SAMPLE: usize = 12;

impl QuoteGrams {
    /// The quote's distinct k-grams (slots), rarest first; equally rare ones in
    /// quote order. Every k-gram of the quote must be registered.
    fn rarest(&self, quote: &[char]) -> Vec<u32> {
        let mut slots: Vec<u32> = Vec::new();
        for w in quote.windows(K) {
            if let Some(s) = self.slots.get(gram_hash(w)) {
                if !slots.contains(&s) {
                    slots.push(s);
                }
            }
        }
        slots.sort_by_key(|&s| self.counts[s as usize]);
        slots
    }
}

/// Call `f(post, slot)` once for every post and every slot from `first` on whose
/// k-gram the post contains, in post order; `seen` is scratch space (per slot, the
/// last post counted, plus one).
fn scan_grams(texts: &Texts, table: &GramTable, first: u32, mut f: impl FnMut(u32, u32)) {
    let mut seen: Vec<u32> = Vec::new();
    for i in 0..texts.len() {
        // Roll the hash along the post's code points, straight from its UTF-8.
        let mut window = ['\0'; K];
        let mut h = 0u64;
        for (n, c) in texts.str(i).chars().enumerate() {
            if n < K {
                h = GRAM.push(h, c);
            } else {
                h = GramTable::roll(h, window[n % K], c);
            }
            window[n % K] = c;
            if n + 1 < K {
                continue;
            }
            if let Some(slot) = table.get(h) {
                if slot >= first {
                    let k = (slot - first) as usize;
                    if k >= seen.len() {
                        seen.resize(k + 1, 0);
                    }
                    if seen[k] != i as u32 + 1 {
                        seen[k] = i as u32 + 1;
                        f(i as u32, slot);
                    }
                }
            }
        }
    }
}

impl Texts {
    pub fn new(posts: Vec<Vec<char>>) -> Texts {
        let mut texts = Texts::default();
        for p in posts {
            let s: String = p.iter().collect();
            texts.push(&s);
            let _ = texts.chars[texts.chars.len() - 1].set(p);
        }
        texts
    }

    pub fn from_strs(posts: &[&str]) -> Texts {
        let mut texts = Texts::default();
        for p in posts {
            texts.push(p);
        }
        texts
    }

    /// Add the next post.
    pub fn push(&mut self, text: &str) {
        self.buf.push_str(text);
        self.ends.push(self.buf.len());
        self.chars.push(OnceCell::new());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn str(&self, i: usize) -> &str {
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[from..self.ends[i]]
    }

    pub fn post(&self, i: usize) -> &[char] {
        self.chars[i].get_or_init(|| self.str(i).chars().collect())
    }

    /// Make the search across posts ready for these quotes: one pass over the thread
    /// records which posts hold each of their k-grams not indexed yet. Searching for
    /// a quote does this by itself; giving all of them at once saves passes.
    pub fn index_quotes<'q>(&self, quotes: impl IntoIterator<Item = &'q [char]>) {
        let quotes: Vec<&[char]> = quotes.into_iter().filter(|q| q.len() >= K * 2).collect();
        let mut index = self.index.borrow_mut();
        let index = &mut *index;
        let first_new = index.counts.len() as u32;
        for q in &quotes {
            for w in q.windows(K) {
                let next = index.counts.len() as u32;
                if index.slots.insert(gram_hash(w), next).1 {
                    index.counts.push(0);
                    index.posts.push(Vec::new());
                }
            }
        }
        if index.counts.len() as u32 == first_new {
            return;
        }
        let (counts, posts) = (&mut index.counts, &mut index.posts);
        scan_grams(self, &index.slots, first_new, |post, slot| {
            counts[slot as usize] += 1;
            posts[slot as usize].push(post);
        });
    }

    /// Posts that may hold `quote` with at most `max_errors` edits, most shared
    /// k-grams first; at most `limit`. Every post when the quote is too short to
    /// filter by k-grams.
    fn candidates(&self, quote: &[char], exact: bool, limit: usize) -> Vec<usize> {
        if quote.len() < K * 2 {
            return (0..self.len()).collect();
        }
        self.index_quotes([quote]);
        let index = self.index.borrow();
        let rarest = index.rarest(quote);
        let list = |s: u32| index.posts[s as usize].as_slice();
        if exact {
            // Every k-gram of the quote must be in the post; of the rarest few this is
            // checked here, of all of them by the search in the post.
            if rarest
                .first()
                .is_none_or(|&s| index.counts[s as usize] == 0)
            {
                return Vec::new();
            }
            let mut lists = rarest.iter().take(SAMPLE).map(|&s| list(s));
            let Some(first) = lists.next() else {
                return Vec::new();
            };
            let rest: Vec<&[u32]> = lists.collect();
            return first
                .iter()
                .filter(|p| rest.iter().all(|l| l.binary_search(p).is_ok()))
                .map(|&p| p as usize)
                .collect();
        }
        let lists: Vec<&[u32]> = rarest
            .iter()
            .filter(|&&s| index.counts[s as usize] > 0)
            .take(SAMPLE)
            .map(|&s| list(s))
            .collect();
        // Approximate: count shared k-grams among the rarest ones that occur. With a
        // quarter of the quote edited, typically at least a fifth of its k-grams
        // survive (each edit breaks at most K of them).
        let sample = lists.len();
        let needed = (sample / 5).max(1) as u32;
        let mut shared = vec![0u32; self.len()];
        let mut touched: Vec<u32> = Vec::new();
        for list in &lists[..sample] {
            for &p in *list {
                if shared[p as usize] == 0 {
                    touched.push(p);
                }
                shared[p as usize] += 1;
            }
        }
        let mut posts: Vec<(u32, u32)> = touched
            .into_iter()
            .map(|p| (shared[p as usize], p))
            .filter(|&(n, _)| n >= needed)
            .collect();
        let key = |&(n, p): &(u32, u32)| (std::cmp::Reverse(n), p);
        if posts.len() > limit {
            posts.select_nth_unstable_by_key(limit, key);
            posts.truncate(limit);
        }
        posts.sort_by_key(key);
        posts.into_iter().map(|(_, p)| p as usize).collect()
    }
}

/// Errors an approximate match may have: a quarter of the quote.
pub fn allowed_errors(quote_len: usize) -> usize {
    quote_len / 4
}

/// [`anchor`] over texts given as strings; the origin is the home post.
pub fn anchor_in(selector: &Selector, home: Option<usize>, posts: &[&str]) -> Anchor {
    anchor(selector, home, home.unwrap_or(0), &Texts::from_strs(posts))
}

/// Find a highlight again in a thread's posts. `home` is the index of its post in
/// `texts`, if that post still exists; `origin` is where the search over other
/// posts starts (the home post, or where it used to be).
pub fn anchor(selector: &Selector, home: Option<usize>, origin: usize, texts: &Texts) -> Anchor {
    if let Some(found) = home.and_then(|h| anchor_in_post(selector, h, texts)) {
        return found;
    }
    anchor_elsewhere(selector, home, origin, texts)
}

/// The selector's quote and context as code points.
struct Quote {
    exact: Vec<char>,
    prefix: Vec<char>,
    suffix: Vec<char>,
}

impl Quote {
    fn of(selector: &Selector) -> Quote {
        Quote {
            exact: selector.exact.chars().collect(),
            prefix: selector.prefix.chars().collect(),
            suffix: selector.suffix.chars().collect(),
        }
    }

    fn context(&self, hint: Option<usize>) -> Context<'_> {
        Context {
            prefix: &self.prefix,
            suffix: &self.suffix,
            hint,
        }
    }
}

/// Steps 1–3 of [`anchor`]: the highlight in its own post `home` (anchored, moved or
/// fuzzy), or `None` when it is not there.
pub fn anchor_in_post(selector: &Selector, home: usize, texts: &Texts) -> Option<Anchor> {
    if selector.exact.is_empty() || home >= texts.len() {
        return None;
    }
    let q = Quote::of(selector);
    let (exact, prefix, suffix) = (&q.exact[..], &q.prefix[..], &q.suffix[..]);
    let n = exact.len();
    let ctx = q.context(Some(selector.start));
    let text = texts.post(home);
    let at_place = text.get(selector.start..selector.start + n) == Some(exact);
    if at_place
        && text[selector.start.saturating_sub(prefix.len())..selector.start] == *prefix
        && text.get(selector.start + n..selector.start + n + suffix.len()) == Some(suffix)
    {
        // Unchanged around it: the common case, without scoring.
        return Some(Anchor {
            post: home,
            start: selector.start,
            end: selector.start + n,
            state: AnchorState::Anchored,
        });
    }
    if let Some(best) = match_quote(text, exact, &ctx, 0) {
        let stored =
            at_place.then(|| score_at(text, n, selector.start, selector.start + n, 0, &ctx));
        if stored.is_some_and(|s| s + 1e-9 >= best.score) {
            return Some(Anchor {
                post: home,
                start: selector.start,
                end: selector.start + n,
                state: AnchorState::Anchored,
            });
        }
        return Some(Anchor {
            post: home,
            start: best.start,
            end: best.end,
            state: AnchorState::Moved,
        });
    }
    let allowed = allowed_errors(n);
    if allowed > 0 {
        if let Some(m) = match_quote(text, exact, &ctx, allowed) {
            return Some(Anchor {
                post: home,
                start: m.start,
                end: m.end,
                state: AnchorState::Fuzzy,
            });
        }
    }
    None
}

/// Steps 4–5 of [`anchor`]: the highlight in the posts other than `home`, nearest to
/// `origin` first (moved or fuzzy), else orphaned. When many highlights need this,
/// give their quotes to [`Texts::index_quotes`] first.
pub fn anchor_elsewhere(
    selector: &Selector,
    home: Option<usize>,
    origin: usize,
    texts: &Texts,
) -> Anchor {
    let orphan = Anchor {
        post: home.unwrap_or(origin.min(texts.len().saturating_sub(1))),
        start: selector.start,
        end: selector.end,
        state: AnchorState::Orphaned,
    };
    if selector.exact.is_empty() || texts.is_empty() {
        return orphan;
    }
    let q = Quote::of(selector);
    let exact = &q.exact[..];
    let n = exact.len();
    // A post's position hint is meaningless elsewhere.
    let ctx = q.context(None);
    let others = |list: Vec<usize>| -> Vec<usize> {
        let mut v: Vec<usize> = list.into_iter().filter(|&i| Some(i) != home).collect();
        v.sort_by_key(|&i| (i.abs_diff(origin), i));
        v
    };
    // Exact: the nearest posts holding it; among equally near ones, best context.
    let mut found: Option<(usize, usize, QuoteMatch)> = None; // (distance, post, match)
    for i in others(texts.candidates(exact, true, usize::MAX)) {
        let d = i.abs_diff(origin);
        if found.as_ref().is_some_and(|f| d > f.0) {
            break;
        }
        let text = texts.post(i);
        for at in occurrences(text, exact) {
            let score = score_at(text, n, at, at + n, 0, &ctx);
            if found.as_ref().is_none_or(|f| score > f.2.score + 1e-12) {
                let m = QuoteMatch {
                    start: at,
                    end: at + n,
                    errors: 0,
                    score,
                };
                found = Some((d, i, m));
            }
        }
    }
    if let Some((_, post, m)) = found {
        return Anchor {
            post,
            start: m.start,
            end: m.end,
            state: AnchorState::Moved,
        };
    }
    let allowed = allowed_errors(n);
    if allowed == 0 {
        return orphan;
    }
    // Approximate: the best-scoring candidate post, the nearest among equals.
    let mut best: Option<(usize, QuoteMatch)> = None;
    for i in others(texts.candidates(exact, false, 8)) {
        if let Some(m) = match_quote(texts.post(i), exact, &ctx, allowed) {
            if best.is_none_or(|b| m.score > b.1.score + 1e-12) {
                best = Some((i, m));
            }
        }
    }
    match best {
        Some((post, m)) => Anchor {
            post,
            start: m.start,
            end: m.end,
            state: AnchorState::Fuzzy,
        },
        None => orphan,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        old: &str,
        start: usize,
        end: usize,
        posts: &[&str],
        home: Option<usize>,
        want: (usize, &str, AnchorState),
    ) {
        let sel = selector(old, start, end).unwrap();
        let got = anchor_in(&sel, home, posts);
        let text: String = posts[got.post]
            .chars()
            .skip(got.start)
            .take(got.end - got.start)
            .collect();
        assert_eq!((got.post, text.as_str(), got.state), want, "{sel:?}");
    }

    const OLD: &str = "Money has never been the problem for us; bans on shipments of advanced chips are the problem.";

    #[test]
    fn anchored_moved_fuzzy_elsewhere_orphaned() {
        use AnchorState::*;
        let s = OLD.find("bans").unwrap();
        let e = s + "bans on shipments of advanced chips".len();
        check(
            OLD,
            s,
            e,
            &[OLD],
            Some(0),
            (0, "bans on shipments of advanced chips", Anchored),
        );
        let edited_before = format!("Honestly: {OLD}");
        check(
            OLD,
            s,
            e,
            &[&edited_before],
            Some(0),
            (0, "bans on shipments of advanced chips", Moved),
        );
        let typo = OLD.replace("shipments", "shipment");
        check(
            OLD,
            s,
            e,
            &[&typo],
            Some(0),
            (0, "bans on shipment of advanced chips", Fuzzy),
        );
        check(
            OLD,
            s,
            e,
            &["unrelated words", OLD],
            Some(0),
            (1, "bans on shipments of advanced chips", Moved),
        );
        let orphan = anchor_in(
            &selector(OLD, s, e).unwrap(),
            Some(0),
            &["something else entirely"],
        );
        assert_eq!((orphan.state, orphan.start, orphan.end), (Orphaned, s, e));
        check(
            OLD,
            s,
            e,
            &["x", OLD],
            None,
            (1, "bans on shipments of advanced chips", Moved),
        );
    }

    #[test]
    fn repeated_text_is_told_apart_by_context() {
        let old = "the problem is the problem, said the problem solver";
        // the second "the problem"
        let s = 15;
        let sel = selector(old, s, s + 11).unwrap();
        assert_eq!(sel.exact, "the problem");
        let new = format!("Well, {old}");
        let got = anchor_in(&sel, Some(0), &[&new]);
        assert_eq!((got.start, got.state), (s + 6, AnchorState::Moved));
    }

    #[test]
    fn works_in_code_points() {
        let old = "emoji 👩‍👩‍👧 then 中国 and e\u{301} here";
        let chars: Vec<char> = old.chars().collect();
        let s = chars.iter().position(|&c| c == '中').unwrap();
        let sel = selector(old, s, s + 2).unwrap();
        assert_eq!(sel.exact, "中国");
        let new = format!("🎉{old}");
        let got = anchor_in(&sel, Some(0), &[&new]);
        assert_eq!(
            (got.start, got.end, got.state),
            (s + 1, s + 3, AnchorState::Moved)
        );
    }

    #[test]
    fn block_boundaries_agree_with_a_plain_dynamic_program() {
        // Patterns of 63..=130 code points straddle one and two 64-bit blocks.
        let text: Vec<char> = "the quick brown fox jumps over the lazy dog; "
            .repeat(8)
            .chars()
            .collect();
        for len in [1usize, 5, 63, 64, 65, 127, 128, 129, 130] {
            let mut pattern: Vec<char> = text[7..7 + len].to_vec();
            if len > 3 {
                pattern[len / 2] = '#';
                pattern.remove(len / 3);
            }
            let got = search(&text, &pattern, pattern.len());
            for m in got.iter().filter(|m| m.end % 17 == 0) {
                // Plain Sellers DP for the best cost ending at m.end.
                let mut prev: Vec<usize> = (0..=pattern.len()).collect();
                let mut best = prev[pattern.len()];
                for &t in &text[..m.end] {
                    let mut cur = vec![0usize; pattern.len() + 1];
                    for i in 1..=pattern.len() {
                        cur[i] = (prev[i - 1] + usize::from(pattern[i - 1] != t))
                            .min(prev[i] + 1)
                            .min(cur[i - 1] + 1);
                    }
                    best = cur[pattern.len()];
                    prev = cur;
                }
                assert_eq!(m.errors, best, "len {len}, end {}", m.end);
            }
        }
    }
}
