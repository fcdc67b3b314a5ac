//! Deterministic synthetic threads for benchmarks and tests (feature `synthetic`).
//!
//! The same `(posts, seed)` always gives the same bytes, on every machine: the
//! generator uses its own xorshift PRNG and no hash maps. Two shapes:
//!
//! - [`hn_algolia`]: a Hacker News thread as the Algolia `items/{id}` API returns it
//!   (a story with nested `children`; comment bodies in HN's HTML: the first
//!   paragraph bare, later ones after `<p>`, entities such as `&#x27;`, links, italics,
//!   code). About one comment in five quotes a sentence of its parent or of an
//!   earlier comment as a `&gt; ` paragraph, a third of those edited (a word dropped);
//!   comments are created in id order, so an earlier comment is an earlier time
//!   wherever the tree shows it ([`hn_algolia_quoting`] quotes across branches more);
//!   the tree is up to [`MAX_DEPTH`] deep. Words follow a Zipf-like law over a
//!   vocabulary of a few thousand made-up words plus common English ones, so a
//!   full-text search has rare, middling and frequent terms like real text.
//! - [`text_dump`]: a plain-text dump (one post per line, `>` quotes), the format
//!   of the project's seed.

use std::fmt::Write as _;

/// The deepest reply chain [`hn_algolia`] makes (the root story is depth 0).
pub const MAX_DEPTH: usize = 12;

/// A small, fast, deterministic PRNG (xorshift64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Rng {
        Rng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut s = self.0;
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        self.0 = s;
        s
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

const COMMON: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "is", "that", "it", "for", "this", "with", "not", "but",
    "on", "are", "you", "be", "they", "have", "as", "was", "if", "more", "can", "would", "just",
    "about", "what", "there", "model", "people", "think", "open", "source", "hardware", "cost",
    "market", "research", "paper", "evidence", "claim", "argument", "policy", "chip", "export",
    "talent", "weights", "training", "compute",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "tor", "vel", "qua", "sin", "dre", "po", "lux", "am", "zet", "nor",
    "gri", "fal", "es", "tum", "bra", "ix", "cor", "dal", "ven", "ost",
];

/// The vocabulary: common words first (most frequent), then made-up words.
fn vocabulary(size: usize) -> Vec<String> {
    let mut words: Vec<String> = COMMON.iter().map(|w| w.to_string()).collect();
    let mut i = 0usize;
    while words.len() < size {
        // Two or three syllables, spelled from the index: every word distinct.
        let n = SYLLABLES.len();
        let mut w = String::new();
        let mut k = i;
        for _ in 0..(2 + i % 2) {
            w.push_str(SYLLABLES[k % n]);
            k /= n;
        }
        w.push_str(SYLLABLES[(i / 7) % n]);
        if !words.contains(&w) {
            words.push(w);
        }
        i += 1;
    }
    words
}

/// Words drawn with a Zipf-like law: word `r` (0-based rank) has weight 1 / (r + 1).
struct Words {
    vocab: Vec<String>,
    /// Cumulative weights scaled to u64.
    cumulative: Vec<u64>,
}

impl Words {
    fn new(size: usize) -> Words {
        let vocab = vocabulary(size);
        let mut total = 0f64;
        let mut cumulative = Vec::with_capacity(vocab.len());
        for r in 0..vocab.len() {
            total += 1.0 / (r as f64 + 1.0);
            cumulative.push(total);
        }
        let scale = (u64::MAX >> 12) as f64 / total;
        Words {
            vocab,
            cumulative: cumulative.iter().map(|c| (c * scale) as u64).collect(),
        }
    }

    fn pick(&self, rng: &mut Rng) -> &str {
        let x = rng.next_u64() >> 12;
        let i = self.cumulative.partition_point(|&c| c <= x);
        &self.vocab[i.min(self.vocab.len() - 1)]
    }

    fn sentence(&self, rng: &mut Rng, min: usize, spread: usize) -> String {
        let len = min + rng.below(spread);
        let mut s = String::new();
        for i in 0..len {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.pick(rng));
        }
        if let Some(first) = s.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        s.push('.');
        s
    }
}

/// A word that [`hn_algolia`] uses in roughly one post in `1 / share`, for search
/// benchmarks: index 0 is among the most frequent words, larger indexes rarer.
pub fn vocabulary_word(rank: usize) -> String {
    vocabulary(rank + 1).swap_remove(rank)
}

/// HTML-escape like Hacker News does (`'` and `/` as hex entities), onto `out`.
pub fn hn_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2F;"),
            c => out.push(c),
        }
    }
}

/// One comment before it is nested.
struct Comment {
    id: u64,
    parent: usize,
    depth: usize,
    author: String,
    time: i64,
    html: String,
    /// Plain sentences of the comment, for later quotes.
    sentences: Vec<String>,
    children: Vec<usize>,
}

/// The story id of the thread [`hn_algolia`] makes from `seed`; its comments
/// take the ids after it. Different seeds are different threads.
pub fn story_id(seed: u64) -> u64 {
    40_000_000 + (seed % 1_000) * 1_000_000
}

/// A Hacker News thread of `posts` posts (the story plus `posts - 1` comments) in
/// the Algolia items JSON shape. About 700 bytes a post, as on HN. The first `n`
/// posts of a thread are the same for any `posts` ≥ `n` (same seed): a longer
/// thread is the shorter one after more replies came in.
pub fn hn_algolia(posts: usize, seed: u64) -> String {
    hn_algolia_quoting(posts, seed, 25, false)
}

/// [`hn_algolia`] where a quoting comment quotes any earlier comment (wherever the
/// thread shows it) `anywhere` percent of the time instead of one time in four,
/// else its parent; with `by_rank` the replies to each post are shown in a random
/// order (HN and Reddit show them by rank, not by time), so an earlier comment is
/// often shown further down: replies across branches, for quote resolution by time.
pub fn hn_algolia_quoting(posts: usize, seed: u64, anywhere: u64, by_rank: bool) -> String {
    let mut rng = Rng::new(seed);
    let words = Words::new(4_000);
    // A fixed cast, so that a longer thread of the same seed starts with the same
    // posts as a shorter one (a thread that grew).
    let authors: Vec<String> = (0..2_000)
        .map(|i| format!("{}{}", words.vocab[50 + (i * 7919) % 3_900], i % 97))
        .collect();
    let story = story_id(seed);
    let start_time: i64 = 1_735_689_600 + (seed % 1_000) as i64 * 86_400;
    let mut nodes: Vec<Comment> = Vec::with_capacity(posts);
    nodes.push(Comment {
        id: story,
        parent: 0,
        depth: 0,
        author: authors[0].clone(),
        time: start_time,
        html: String::new(),
        sentences: vec![words.sentence(&mut rng, 6, 6)],
        children: Vec::new(),
    });
    for i in 1..posts.max(1) {
        // Replies favour recent comments, as a live thread does.
        let parent = if rng.percent(25) {
            0
        } else {
            let back = 1 + rng.below(40.min(i));
            let mut p = i - back;
            while nodes[p].depth >= MAX_DEPTH {
                p = nodes[p].parent;
            }
            p
        };
        let mut html = String::new();
        let mut sentences = Vec::new();
        if rng.percent(20) {
            // Quote the parent (or, one time in four, any earlier comment).
            let from = if parent != 0 && !rng.percent(anywhere) {
                parent
            } else {
                1 + rng.below(i.saturating_sub(1).max(1))
            };
            if let Some(src) = nodes.get(from).filter(|n| !n.sentences.is_empty()) {
                let s = &src.sentences[rng.below(src.sentences.len())];
                let quoted = if rng.percent(33) {
                    // An edited quote: the first word dropped.
                    s.find(' ').map_or(s.as_str(), |p| &s[p + 1..])
                } else {
                    s.as_str()
                };
                html.push_str("&gt; ");
                hn_escape(quoted, &mut html);
            }
        }
        let paragraphs = 1 + rng.below(4);
        for p in 0..paragraphs {
            if p > 0 || !html.is_empty() {
                html.push_str("<p>");
            }
            let n = 1 + rng.below(3);
            for k in 0..n {
                let s = words.sentence(&mut rng, 5, 20);
                if k > 0 {
                    html.push(' ');
                }
                match rng.below(20) {
                    0 => {
                        html.push_str("<i>");
                        hn_escape(&s, &mut html);
                        html.push_str("</i>");
                    }
                    1 => {
                        let _ = write!(
                            html,
                            "<a href=\"https:&#x2F;&#x2F;example.com&#x2F;{}\" rel=\"nofollow\">https:&#x2F;&#x2F;example.com&#x2F;{}</a> ",
                            i, i
                        );
                        hn_escape(&s, &mut html);
                    }
                    2 => {
                        html.push_str("I don&#x27;t agree: ");
                        hn_escape(&s, &mut html);
                    }
                    _ => hn_escape(&s, &mut html),
                }
                sentences.push(s);
            }
        }
        if rng.percent(3) {
            html.push_str("<p><pre><code>  let x = compute(&amp;input);\n  x.sum()\n</code></pre>");
        }
        let depth = nodes[parent].depth + 1;
        // Later comments are later in time (ids grow with time, as on HN), a
        // reply at least half a minute after its parent.
        let time =
            nodes[i - 1].time.max(nodes[parent].time + 30) + 1 + rng.below(3_600) as i64 / 60;
        nodes.push(Comment {
            id: story + i as u64,
            parent,
            depth,
            author: authors[rng.below(authors.len())].clone(),
            time,
            html,
            sentences,
            children: Vec::new(),
        });
        nodes[parent].children.push(i);
    }
    if by_rank {
        // Its own generator: the comments are the same with or without ranks.
        let mut rank = Rng::new(seed ^ 0x5e_ed0f_4a4b);
        for n in &mut nodes {
            for k in (1..n.children.len()).rev() {
                n.children.swap(k, rank.below(k + 1));
            }
        }
    }
    let title = nodes[0].sentences[0].trim_end_matches('.').to_string();
    write_algolia(&nodes, &title)
}

fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn iso_time(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Serialize the tree depth-first with an explicit stack (no recursion).
fn write_algolia(nodes: &[Comment], title: &str) -> String {
    let mut out = String::with_capacity(nodes.len() * 760);
    // (node, next child index to write)
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    open_item(&nodes[0], nodes, title, &mut out);
    while let Some(top) = stack.last_mut() {
        let (node, next) = *top;
        if let Some(&child) = nodes[node].children.get(next) {
            top.1 += 1;
            if next > 0 {
                out.push(',');
            }
            open_item(&nodes[child], nodes, title, &mut out);
            stack.push((child, 0));
        } else {
            out.push_str("]}");
            stack.pop();
        }
    }
    out
}

fn open_item(n: &Comment, nodes: &[Comment], title: &str, out: &mut String) {
    let story = n.depth == 0;
    let _ = write!(out, "{{\"author\":");
    json_str(&n.author, out);
    out.push_str(",\"created_at\":");
    json_str(&iso_time(n.time), out);
    let _ = write!(
        out,
        ",\"created_at_i\":{},\"id\":{},\"options\":[]",
        n.time, n.id
    );
    if story {
        out.push_str(",\"parent_id\":null,\"points\":512");
    } else {
        let _ = write!(out, ",\"parent_id\":{},\"points\":null", nodes[n.parent].id);
    }
    let _ = write!(out, ",\"story_id\":{},\"text\":", nodes[0].id);
    if story {
        out.push_str("null,\"title\":");
        json_str(title, out);
        out.push_str(",\"type\":\"story\",\"url\":\"https://example.com/synthetic\"");
    } else {
        json_str(&n.html, out);
        out.push_str(",\"title\":null,\"type\":\"comment\",\"url\":null");
    }
    out.push_str(",\"children\":[");
}

/// A plain-text dump of `n` posts: every tenth post quotes a sentence of an earlier
/// one as a `>` line (every thirtieth with a word dropped, for the approximate
/// path); some carry footnotes, CJK and emoji.
pub fn text_dump(n: usize) -> String {
    let words = [
        "argument", "evidence", "claim", "thread", "moat", "open", "source", "hardware", "talent",
        "market", "policy", "model", "weights", "chip", "export", "research", "paper", "cost",
        "wave", "中国", "🎉",
    ];
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    let mut sentences: Vec<String> = Vec::with_capacity(n);
    let mut out = String::new();
    for i in 0..n {
        let len = 12 + (rng.next_u64() % 40) as usize;
        let mut s: String = (0..len)
            .map(|_| words[(rng.next_u64() % words.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join(" ");
        if s.is_char_boundary(1) {
            s[..1].make_ascii_uppercase();
        }
        s.push('.');
        if i % 10 == 9 {
            let quoted = &sentences[(rng.next_u64() % i as u64) as usize];
            if i % 30 == 29 {
                let cut = quoted.find(' ').map_or(0, |p| p + 1);
                let _ = writeln!(out, "> {}", &quoted[cut..]);
            } else {
                let _ = writeln!(out, "> {quoted}");
            }
        }
        out.push_str(&s);
        out.push('\n');
        if i % 50 == 49 {
            out.push_str("[1] https://example.com/source\n");
        }
        sentences.push(s);
    }
    out
}

/// A later version of a parsed thread, as a refresh finds it: `edited` posts with a
/// sentence added, and `new` replies, each right below an existing post (so that
/// positions after it shift, as new comments anywhere in a tree do). Deterministic
/// for a `seed`; posts chosen evenly at random, the root never edited.
pub fn revise(
    doc: &crate::model::ThreadDoc,
    new: usize,
    edited: usize,
    seed: u64,
) -> crate::model::ThreadDoc {
    use crate::body::{Block, Body, Inline};
    use crate::model::PostDoc;
    let mut rng = Rng::new(seed);
    let mut out = doc.clone();
    let n = out.posts.len();
    if n < 2 {
        return out;
    }
    let vocabulary = vocabulary(3000);
    let sentence = |rng: &mut Rng, words: usize| {
        let mut s = String::new();
        for k in 0..words {
            if k > 0 {
                s.push(' ');
            }
            s.push_str(&vocabulary[rng.below(vocabulary.len())]);
        }
        s.push('.');
        s
    };
    for _ in 0..edited {
        let i = 1 + rng.below(n - 1);
        let added = sentence(&mut rng, 8);
        out.posts[i]
            .body
            .0
            .push(Block::Paragraph(vec![Inline::Text(format!(
                "Edit: {added}"
            ))]));
    }
    // Replies in place: each right after its parent, taken from the old posts.
    let mut below: Vec<Vec<PostDoc>> = vec![Vec::new(); n];
    for k in 0..new {
        let parent = rng.below(n);
        let words = 12 + rng.below(20);
        let text = sentence(&mut rng, words);
        below[parent].push(PostDoc {
            source_id: format!("{}", 900_000_000 + seed * 100_000 + k as u64),
            parent: Some(out.posts[parent].source_id.clone()),
            author: Some(format!("newcomer{}", k % 17)),
            created_at: out.posts[parent].created_at.map(|t| t + 3600),
            body: Body(vec![Block::Paragraph(vec![Inline::Text(text)])]),
            deleted: false,
            missing_replies: 0,
            points: None,
            quote_sources: Vec::new(),
        });
    }
    let old = std::mem::take(&mut out.posts);
    for (post, replies) in old.into_iter().zip(below) {
        out.posts.push(post);
        out.posts.extend(replies);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::import::{parse_bytes, ImportOptions};

    #[test]
    fn algolia_thread_is_deterministic_and_imports_with_every_post() {
        let a = hn_algolia(1_000, 7);
        assert_eq!(a, hn_algolia(1_000, 7));
        assert_ne!(a, hn_algolia(1_000, 8));
        assert!(
            (500..1_000).contains(&(a.len() / 1_000)),
            "{} bytes a post",
            a.len() / 1_000
        );
        let docs = parse_bytes("synthetic.json", a.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(docs.len(), 1);
        let doc = &docs[0];
        assert_eq!(doc.posts.len(), 1_000);
        let rendered: Vec<_> = doc.posts.iter().map(|p| p.body.render()).collect();
        let quotes: usize = rendered.iter().map(|r| r.quotes.len()).sum();
        assert!((120..280).contains(&quotes), "{quotes} quotes");
        assert!(rendered.iter().all(|r| !r.html.contains("&amp;#x27;")));
        // A longer thread of the same seed continues this one.
        let longer = parse_bytes(
            "l.json",
            hn_algolia(1_100, 7).as_bytes(),
            &ImportOptions::default(),
        )
        .unwrap();
        assert_eq!(longer[0].source_key, doc.source_key);
        let later: std::collections::BTreeMap<&str, String> = longer[0]
            .posts
            .iter()
            .map(|p| (p.source_id.as_str(), p.body.render().text))
            .collect();
        assert_eq!(later.len(), 1_100);
        for p in &doc.posts {
            assert_eq!(later.get(p.source_id.as_str()), Some(&p.body.render().text));
        }
        let replies = doc.posts.iter().filter(|p| p.parent.is_some()).count();
        assert_eq!(replies, 999, "every comment has a parent");
    }

    #[test]
    fn text_dump_is_the_seed_format() {
        let t = text_dump(300);
        let doc = crate::import::text::parse(t.as_bytes(), None).unwrap();
        assert!(doc.posts.len() >= 300, "{} posts", doc.posts.len());
    }

    #[test]
    fn vocabulary_words_are_distinct_and_stable() {
        let v = vocabulary(4_000);
        let mut sorted = v.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 4_000);
        assert_eq!(vocabulary_word(30), "model");
        assert_eq!(vocabulary_word(1_000), v[1_000]);
    }
}
