//! The thread's texts as code points with a k-gram index (rolling polynomial
//! hashes), so a quote that left its post is looked for only where its grams are.

use super::*;

/// Length of the k-grams indexing a thread for the search across posts.
pub(super) const K: usize = 4;

/// A polynomial hash of `k` code points, `sum c[i] * base^(k-1-i)` (mod 2^64), that
/// slides along a text one code point at a time in constant time. Re-anchoring here
/// and the quote index (`quotes.rs`) each use one, with their own base and `k`.
#[derive(Clone, Copy)]
pub(crate) struct PolyHash {
    pub(super) base: u64,
    /// `base^(k-1)`: the weight of a window's first code point.
    pub(super) lead: u64,
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
pub(super) const GRAM: PolyHash = PolyHash::new(0x9e37_79b9_7f4a_7c15, K);

/// A polynomial hash of a k-gram's code points, the same as [`GramTable::roll`]
/// computes window by window.
pub(super) fn gram_hash(window: &[char]) -> u64 {
    GRAM.of(window)
}

/// k-gram hash → slot, open addressing with linear probing: the one lookup made
/// for every window of a thread when highlights are searched for across posts.
#[derive(Default)]
pub(super) struct GramTable {
    pub(super) keys: Vec<u64>,
    /// `u32::MAX`: empty.
    pub(super) slots: Vec<u32>,
    pub(super) len: usize,
}

impl GramTable {
    /// One step of the rolling hash: the window without `out`, with `new` after it.
    pub(super) fn roll(h: u64, out: char, new: char) -> u64 {
        GRAM.push(GRAM.drop_first(h, out), new)
    }

    pub(super) fn home(&self, h: u64) -> usize {
        // Mix: the polynomial's last code point only reaches the low bits.
        let mixed = (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        (mixed >> 32) as usize & (self.keys.len() - 1)
    }

    pub(super) fn get(&self, h: u64) -> Option<u32> {
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
    pub(super) fn insert(&mut self, h: u64, next: u32) -> (u32, bool) {
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
    pub(super) buf: String,
    /// Where each post's text ends in `buf` (bytes).
    pub(super) ends: Vec<usize>,
    /// Each post's code points, decoded on first use.
    pub(super) chars: Vec<OnceCell<Vec<char>>>,
    pub(super) index: RefCell<QuoteGrams>,
}

/// What the search across posts knows of each k-gram of the quotes searched for
/// so far: which posts hold it, and how many.
#[derive(Default)]
pub(super) struct QuoteGrams {
    /// k-gram hash → its slot.
    pub(super) slots: GramTable,
    /// Per slot, the number of posts containing that k-gram.
    pub(super) counts: Vec<u32>,
    /// Per slot, the posts containing it (ascending, without repeats).
    pub(super) posts: Vec<Vec<u32>>,
}

/// The rarest k-grams of a quote a search looks at: all of an exact search's
/// candidates must contain them, and an approximate search counts them.
pub(super) const SAMPLE: usize = 12;

impl QuoteGrams {
    /// The quote's distinct k-grams (slots), rarest first; equally rare ones in
    /// quote order. Every k-gram of the quote must be registered.
    pub(super) fn rarest(&self, quote: &[char]) -> Vec<u32> {
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
pub(super) fn scan_grams(
    texts: &Texts,
    table: &GramTable,
    first: u32,
    mut f: impl FnMut(u32, u32),
) {
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

    pub(super) fn str(&self, i: usize) -> &str {
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
    pub(super) fn candidates(&self, quote: &[char], exact: bool, limit: usize) -> Vec<usize> {
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
