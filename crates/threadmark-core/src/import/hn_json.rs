//! Hacker News Algolia items read straight from the bytes (the import fast path).
//!
//! A long thread in Algolia's `items/{id}` shape is most of an HN import's parse
//! time when it goes through a `serde_json::Value` (every key and string
//! allocated, then walked again). Here serde reads the document once into flat
//! records, parents first: text, author, title and url borrowed from the bytes
//! (owned only when the JSON escapes something in them), the other fields
//! (`type`, `options`, …) skipped without allocating (`Skip`); the story's `points` are read. The
//! records become the same items as [`super::hn`]'s general reader builds (through the same
//! `hn::nested_item` rule) and the same thread (`hn::finish_with`). In a long
//! document the bodies are converted while it is read: each text an item will show
//! goes, in batches, to threads on the other cores (the same `html::to_body`), and
//! this thread joins them once the document is read.
//!
//! The fast path takes only what it reads exactly as the general path would; it
//! says `None` for anything else, and the caller then takes the general path,
//! which gives every other format and every error message as before:
//!
//! - not an object with an `id`, a `children` list and `created_at_i` or
//!   `story_id` (what `hn::is_algolia` asks), or, when the format is detected, an
//!   object that Reddit, Discourse or Lobsters would claim first (`json`,
//!   `post_stream` or `short_id` at the top);
//! - invalid JSON, a key given twice, a field of a type the general path reads
//!   differently (an `id` that is not an integer or a non-blank string, `children`
//!   neither a list nor null, an item that is not an object, a list where a string,
//!   number or boolean belongs);
//! - an item without an id, two items with one id;
//! - nesting deeper than serde_json's default recursion limit (128 levels: about
//!   60 comment levels), anywhere in the document.
//!
//! That last rule keeps [`super::html::MAX_JSON_DEPTH`] (10,000 levels) without a
//! second pass over the bytes: every value is read through serde_json's
//! `deserialize_map` or `deserialize_any` (skipped fields too, which is why they are
//! not skipped with `IgnoredAny`, whose skipping has no depth limit), so a document
//! the fast path reads is nested at most 128 levels deep, and anything deeper goes
//! to the general path and its depth check (`html::check_depth`), with its error.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::hn::{self, Item, Story};
use super::html::to_body;
use crate::body::Body;
use crate::model::{SourceFormat, ThreadDoc};

/// An Algolia thread as read and checked, some of its bodies converted.
pub(crate) struct Algolia<'a> {
    items: Vec<Item<'a>>,
    story: Story,
    /// Per item, its body if converted while the document was read.
    bodies: Vec<Option<Body>>,
}

impl Algolia<'_> {
    /// Convert the other bodies and build the thread (as `hn::parse_json` does).
    pub(crate) fn finish(self) -> ThreadDoc {
        hn::finish_with(self.items, self.story, self.bodies)
    }
}

/// Documents at least this long have their bodies converted on the other cores
/// while they are read.
const CONVERT_BESIDE: usize = 256 * 1024;

/// Texts handed to the converting threads at a time.
const BATCH: usize = 32;

/// Texts to convert: (record index, text).
type Batch<'a> = Vec<(usize, Cow<'a, str>)>;

/// The thread in `bytes` if it is an Algolia item the fast path reads exactly, read
/// as `format` (`Auto`: detected; `Hn`: forced). `None` means: take the general
/// path (another format, or anything this reader does not accept; see the module).
pub fn parse_algolia(bytes: &[u8], format: SourceFormat) -> Option<ThreadDoc> {
    read(bytes, format).map(Algolia::finish)
}

/// Read `bytes` as an Algolia thread; see [`parse_algolia`].
pub(crate) fn read(bytes: &[u8], format: SourceFormat) -> Option<Algolia<'_>> {
    let detected = match format {
        SourceFormat::Auto => true,
        SourceFormat::Hn => false,
        _ => return None,
    };
    // Only an object can be an Algolia item; an array or anything else goes the
    // general way at once.
    if super::trim_start(bytes).first() != Some(&b'{') {
        return None;
    }
    // Checked once here, the text's strings need no check of their own (a JSON
    // document that is not UTF-8 is an error, left to the general path).
    let text = std::str::from_utf8(bytes).ok()?;
    let threads = crate::par::threads();
    if threads < 2 || text.len() < CONVERT_BESIDE {
        let records = records(text, detected, None).filter(|r| valid(r))?;
        crate::timings::stage("json parsed");
        return Some(built(records, Vec::new()));
    }
    // A long thread: the other cores convert bodies as their texts are read, and
    // this one joins them once the document is read.
    let (to_convert, texts) = mpsc::channel();
    let texts = Mutex::new(texts);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads)
            .map(|_| scope.spawn(|| convert(&texts, &stop)))
            .collect();
        let records = records(text, detected, Some(to_convert)).filter(|r| valid(r));
        if records.is_some() {
            crate::timings::stage("json parsed");
        } else {
            // The general path takes it: no more bodies.
            stop.store(true, Ordering::Relaxed);
        }
        let mut converted = convert(&texts, &stop);
        for helper in helpers {
            match helper.join() {
                Ok(theirs) => converted.extend(theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        let mut records = records?;
        let mut bodies: Vec<Option<Body>> = (0..records.len()).map(|_| None).collect();
        for (index, text, body) in converted {
            records[index].text = Some(text);
            bodies[index] = Some(body);
        }
        Some(built(records, bodies))
    })
}

/// Convert the batches of texts that arrive (after `stop`: drop them) until the
/// channel closes; the converted bodies with their texts and record indexes.
fn convert<'a>(
    texts: &Mutex<mpsc::Receiver<Batch<'a>>>,
    stop: &AtomicBool,
) -> Vec<(usize, Cow<'a, str>, Body)> {
    let mut done = Vec::new();
    loop {
        // Whoever holds the lock waits for the next batch; the others wait for it.
        let batch = match texts.lock() {
            Ok(texts) => texts.recv(),
            Err(_) => return done,
        };
        let Ok(batch) = batch else {
            return done;
        };
        if stop.load(Ordering::Relaxed) {
            continue;
        }
        for (index, text) in batch {
            let body = to_body(&text);
            done.push((index, text, body));
        }
    }
}

/// The records of `text`, parents first, or `None` if serde refuses the document.
/// With `to_convert`, the texts that the items will show (see [`hn::nested_item`])
/// are sent there as they are read instead of kept in their records. The channel
/// is closed when this returns.
fn records<'a>(
    text: &'a str,
    detected: bool,
    to_convert: Option<mpsc::Sender<Batch<'a>>>,
) -> Option<Vec<Record<'a>>> {
    let mut out = Out {
        records: Vec::new(),
        batch: Vec::new(),
        to_convert,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let root = Node {
        out: &mut out,
        parent: None,
        detected,
    };
    let read = root.deserialize(&mut de).and_then(|()| de.end());
    out.close();
    read.ok()?;
    Some(out.records)
}

/// Whether the records are an Algolia thread that the general path reads without
/// error (what `hn::is_algolia` asks of the top item; every item with an id of its
/// own).
fn valid(records: &[Record<'_>]) -> bool {
    let Some(root) = records.first() else {
        return false;
    };
    let is_algolia =
        root.has(Key::Id) && root.list && (root.has(Key::CreatedAtI) || root.has(Key::StoryId));
    let mut ids: HashSet<&str> = HashSet::with_capacity(records.len());
    is_algolia
        && records
            .iter()
            .all(|r| r.id.as_deref().is_some_and(|id| ids.insert(id)))
}

/// The items and story of valid records, with the bodies already converted.
fn built<'a>(records: Vec<Record<'a>>, bodies: Vec<Option<Body>>) -> Algolia<'a> {
    fn non_empty(s: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
        s.filter(|s| !s.is_empty())
    }
    let mut story = Story::default();
    let mut items = Vec::with_capacity(records.len());
    for record in records {
        if record.parent.is_none() {
            story.title = non_empty(record.title).map(Cow::into_owned);
            story.url = non_empty(record.url).and_then(|u| hn::absolute_url(&u));
            story.points = record.points;
        }
        items.push(hn::nested_item(
            record.id.unwrap_or_default(),
            record.parent,
            non_empty(record.author).map(Cow::into_owned),
            record.time,
            non_empty(record.text),
            record.deleted,
            record.dead,
        ));
    }
    Algolia {
        items,
        story,
        bodies,
    }
}

/// What the parse makes: the records, and the texts to convert in batches.
struct Out<'a> {
    records: Vec<Record<'a>>,
    batch: Batch<'a>,
    to_convert: Option<mpsc::Sender<Batch<'a>>>,
}

impl<'a> Out<'a> {
    /// Item `index`'s text: kept, or sent to be converted if the item shows it.
    fn text(&mut self, index: usize, text: Option<Cow<'a, str>>) {
        match (text, &self.to_convert) {
            (Some(text), Some(to_convert)) if !text.is_empty() && text != "[deleted]" => {
                self.batch.push((index, text));
                if self.batch.len() == BATCH {
                    // The receivers live as long as the parse; a send cannot fail.
                    let _ = to_convert.send(std::mem::take(&mut self.batch));
                }
            }
            (text, _) => self.records[index].text = text,
        }
    }

    /// Send the last batch and close the channel.
    fn close(&mut self) {
        if let Some(to_convert) = self.to_convert.take() {
            if !self.batch.is_empty() {
                let _ = to_convert.send(std::mem::take(&mut self.batch));
            }
        }
    }
}

/// One item as read (fields the general path does not read are not kept).
#[derive(Default)]
struct Record<'a> {
    /// Index of the parent record.
    parent: Option<usize>,
    /// The id as the general path spells it (`None`: no `id` key).
    id: Option<String>,
    author: Option<Cow<'a, str>>,
    text: Option<Cow<'a, str>>,
    /// Read on the top item only.
    title: Option<Cow<'a, str>>,
    /// Read on the top item only.
    url: Option<Cow<'a, str>>,
    /// `created_at_i` as `Value::as_i64` reads it.
    time: Option<i64>,
    /// `points`, read the same way, on the top item only.
    points: Option<i64>,
    deleted: bool,
    dead: bool,
    /// `children` is a list.
    list: bool,
    /// The keys met, one bit per [`Key`].
    keys: u32,
}

impl Record<'_> {
    fn has(&self, key: Key) -> bool {
        self.keys & key.bit() != 0
    }
}

/// The keys the fast path looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Id,
    Children,
    Author,
    Text,
    Title,
    Url,
    CreatedAtI,
    Points,
    StoryId,
    Deleted,
    Dead,
    /// Reddit's "more children" response (`{"json": …}`).
    Json,
    /// A Discourse topic.
    PostStream,
    /// A Lobsters story.
    ShortId,
    Other,
}

impl Key {
    fn bit(self) -> u32 {
        1 << self as u32
    }
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "id" => Key::Id,
                    "children" => Key::Children,
                    "author" => Key::Author,
                    "text" => Key::Text,
                    "title" => Key::Title,
                    "url" => Key::Url,
                    "created_at_i" => Key::CreatedAtI,
                    "points" => Key::Points,
                    "story_id" => Key::StoryId,
                    "deleted" => Key::Deleted,
                    "dead" => Key::Dead,
                    "json" => Key::Json,
                    "post_stream" => Key::PostStream,
                    "short_id" => Key::ShortId,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// One item (a JSON object) and, through `children`, the items below it.
struct Node<'r, 'a> {
    out: &'r mut Out<'a>,
    parent: Option<usize>,
    /// The format is detected: refuse what another JSON format claims first.
    detected: bool,
}

impl<'de> DeserializeSeed<'de> for Node<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an item (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let top = self.parent.is_none();
        let records = &mut self.out.records;
        let index = records.len();
        records.push(Record {
            parent: self.parent,
            ..Record::default()
        });
        let mut keys = 0u32;
        while let Some(key) = map.next_key::<Key>()? {
            if key != Key::Other {
                if keys & key.bit() != 0 {
                    // `Value` keeps the last of two; leave that to the general path.
                    return Err(de::Error::custom("a key given twice"));
                }
                keys |= key.bit();
            }
            match key {
                Key::Children => {
                    let children = Children {
                        out: &mut *self.out,
                        parent: index,
                        detected: self.detected,
                    };
                    let list = map.next_value_seed(children)?;
                    self.out.records[index].list = list;
                }
                Key::Id => self.out.records[index].id = Some(map.next_value::<Id>()?.0),
                Key::Author => self.out.records[index].author = map.next_value::<Text>()?.0,
                Key::Text => self.out.text(index, map.next_value::<Text>()?.0),
                Key::Title if top => self.out.records[index].title = map.next_value::<Text>()?.0,
                Key::Url if top => self.out.records[index].url = map.next_value::<Text>()?.0,
                Key::CreatedAtI => self.out.records[index].time = map.next_value::<Time>()?.0,
                Key::Points if top => self.out.records[index].points = map.next_value::<Time>()?.0,
                Key::Deleted => self.out.records[index].deleted = map.next_value::<Flag>()?.0,
                Key::Dead => self.out.records[index].dead = map.next_value::<Flag>()?.0,
                Key::Json | Key::PostStream | Key::ShortId if top && self.detected => {
                    return Err(de::Error::custom("another JSON format"));
                }
                _ => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        self.out.records[index].keys = keys;
        Ok(())
    }
}

/// An item's `children`: a list of items (`true`) or null (`false`).
struct Children<'r, 'a> {
    out: &'r mut Out<'a>,
    parent: usize,
    detected: bool,
}

impl<'de> DeserializeSeed<'de> for Children<'_, 'de> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Children<'_, 'de> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of items or null")
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        loop {
            let child = Node {
                out: &mut *self.out,
                parent: Some(self.parent),
                detected: self.detected,
            };
            if seq.next_element_seed(child)?.is_none() {
                return Ok(true);
            }
        }
    }
}

/// An id as `hn::id_string` spells it: an integer, or a string trimmed and not
/// empty. Anything else (a float, a blank string, null) is refused.
struct Id(String);

impl<'de> de::Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Id, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer or a non-blank string")
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Id, E> {
                Ok(Id(n.to_string()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Id, E> {
                let s = s.trim();
                if s.is_empty() {
                    return Err(E::custom("a blank id"));
                }
                Ok(Id(s.to_string()))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}

/// A string field as `Value::as_str` reads it: a string (borrowed when the JSON
/// escapes nothing in it), else `None` (null, a number, a boolean). A list or an
/// object is refused.
struct Text<'a>(Option<Cow<'a, str>>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'de>, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, null, a number or a boolean")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Borrowed(s))))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(s.to_string()))))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(s))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Text<'de>, E> {
                Ok(Text(None))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// `created_at_i` as `Value::as_i64` reads it: an integer that fits, else `None`
/// (a float, a string, null, a boolean). A list or an object is refused.
struct Time(Option<i64>);

impl<'de> de::Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Time, D::Error> {
        struct TimeVisitor;
        impl Visitor<'_> for TimeVisitor {
            type Value = Time;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a string, null or a boolean")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Time, E> {
                Ok(Time(Some(n)))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Time, E> {
                Ok(Time(i64::try_from(n).ok()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Time, E> {
                Ok(Time(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Time, E> {
                Ok(Time(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Time, E> {
                Ok(Time(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Time, E> {
                Ok(Time(None))
            }
        }
        deserializer.deserialize_any(TimeVisitor)
    }
}

/// `deleted` or `dead` as `Value::as_bool` reads it: `true` only for true. A list or
/// an object is refused.
struct Flag(bool);

impl<'de> de::Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Flag, D::Error> {
        struct FlagVisitor;
        impl Visitor<'_> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean, null, a number or a string")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Flag, E> {
                Ok(Flag(b))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Flag, E> {
                Ok(Flag(false))
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// Any JSON value, read and dropped without allocating, through `deserialize_any`
/// so that serde_json's recursion limit holds inside it (see the module).
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Skip, D::Error> {
        deserializer.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Skip, E> {
        Ok(Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key::<Skip>()?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}
