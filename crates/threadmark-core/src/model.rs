//! The neutral thread model every importer produces, and the stored records the
//! library hands back.

use crate::body::Body;

/// Which importer produced a thread (or which one to force).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Detect from the bytes.
    Auto,
    /// A plain-text dump: one paragraph per line, `>` lines are quotes.
    Text,
    /// Hacker News: Algolia items JSON, Firebase item JSON, HNPWA JSON, a saved item page.
    Hn,
    /// Reddit comments JSON (`[t3 listing, t1 listing]`).
    Reddit,
    /// Lobsters story JSON.
    Lobsters,
    /// Discourse topic JSON.
    Discourse,
    /// An mbox mailbox (mboxo/mboxrd) or a single message.
    Mbox,
    /// A Maildir folder (`cur/`, `new/`).
    Maildir,
}

impl SourceFormat {
    /// The name used on the command line and stored with the thread.
    pub fn as_str(&self) -> &'static str {
        match self {
            SourceFormat::Auto => "auto",
            SourceFormat::Text => "text",
            SourceFormat::Hn => "hn",
            SourceFormat::Reddit => "reddit",
            SourceFormat::Lobsters => "lobsters",
            SourceFormat::Discourse => "discourse",
            SourceFormat::Mbox => "mbox",
            SourceFormat::Maildir => "maildir",
        }
    }

    /// Parse a `--format` value.
    pub fn parse(name: &str) -> Option<SourceFormat> {
        [
            SourceFormat::Auto,
            SourceFormat::Text,
            SourceFormat::Hn,
            SourceFormat::Reddit,
            SourceFormat::Lobsters,
            SourceFormat::Discourse,
            SourceFormat::Mbox,
            SourceFormat::Maildir,
        ]
        .into_iter()
        .find(|f| f.as_str() == name)
    }

    /// Every accepted `--format` value, for help texts.
    pub const NAMES: &'static [&'static str] = &[
        "auto",
        "text",
        "hn",
        "reddit",
        "lobsters",
        "discourse",
        "mbox",
        "maildir",
    ];
}

/// A parsed thread, before it is stored.
#[derive(Debug, Clone)]
pub struct ThreadDoc {
    /// Empty when the input does not name the thread (a page of a Discourse
    /// topic): a re-import then keeps the saved title.
    pub title: String,
    /// The importer's name (`SourceFormat::as_str`).
    pub source: &'static str,
    /// The source's own id for the thread, when it has one (re-import updates it).
    pub source_key: Option<String>,
    pub url: Option<String>,
    /// Posts in thread order; parents come before their children.
    pub posts: Vec<PostDoc>,
}

/// A parsed post.
#[derive(Debug, Clone)]
pub struct PostDoc {
    /// The source's id for the post (for a text dump, the 1-based start line).
    pub source_id: String,
    /// The parent's source id; `None` for a top-level post.
    pub parent: Option<String>,
    pub author: Option<String>,
    /// Unix seconds.
    pub created_at: Option<i64>,
    pub body: Body,
    pub deleted: bool,
    /// Replies the source counted under this post but did not include (Reddit's
    /// "load more comments" stubs).
    pub missing_replies: u32,
    /// Points (score, votes, likes) where the source gives them; `None` where it
    /// gives none (Hacker News comments, mail, text dumps).
    pub points: Option<i64>,
    /// For each quote of the body, in the order of `Body::render().quotes`, the
    /// post the source says it quotes, when it says so (Discourse's `data-post`);
    /// empty when the source names none. The resolver trusts what is given here.
    pub quote_sources: Vec<Option<QuoteSource>>,
}

/// Where the source says a quote comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum QuoteSource {
    /// A post of this thread, by its source id.
    Post(String),
    /// Somewhere outside this thread (another topic).
    External,
}

/// A stored thread as listed in the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadSummary {
    pub id: i64,
    pub title: String,
    pub source: String,
    pub url: Option<String>,
    pub posts: i64,
    pub highlights: i64,
    /// Unix seconds of the last import.
    pub imported_at: i64,
    pub last_opened_at: Option<i64>,
}

/// A stored post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// The database row id.
    pub id: i64,
    pub source_id: String,
    /// The parent's source id.
    pub parent: Option<String>,
    /// 0-based position in thread order.
    pub position: i64,
    pub depth: i64,
    pub author: Option<String>,
    pub created_at: Option<i64>,
    /// Sanitized HTML whose `textContent` equals `text`.
    pub html: String,
    /// The canonical text: the anchor space of highlights and quotes.
    pub text: String,
    pub deleted: bool,
    /// Replies the source did not include (see [`PostDoc::missing_replies`]).
    pub missing_replies: i64,
    /// Points where the source gives them ([`PostDoc::points`]).
    pub points: Option<i64>,
    /// What the last re-import did to this post: `new`, `edited` or `removed`
    /// (gone from the source, kept here); `None` when unchanged or never re-imported.
    pub change: Option<String>,
}

/// A post without its body: what a reader needs up front to lay out a long thread
/// (tree, collapse counts, navigation) before fetching bodies page by page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostOutline {
    pub source_id: String,
    /// The parent's source id.
    pub parent: Option<String>,
    pub depth: i64,
    pub author: Option<String>,
    pub deleted: bool,
}

/// A stored quote: a span of a post's text and what it resolved to.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub post: String,
    pub start: i64,
    pub end: i64,
    pub text: String,
    pub source: Option<String>,
    pub source_start: Option<i64>,
    pub source_end: Option<i64>,
    pub score: Option<f64>,
    /// 1 for a top-level quoted passage, 2 for a quote inside it, …
    pub depth: i64,
}

/// A label for highlights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub id: i64,
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub shortcut: Option<String>,
    pub position: i64,
}

/// A search hit: a post and a snippet with the matches marked.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub thread_id: i64,
    pub thread_title: String,
    pub post: String,
    pub author: Option<String>,
    /// The snippet, matches wrapped in `[` and `]` markers given by the caller.
    pub snippet: String,
    pub rank: f64,
}

/// A stored highlight with its selectors and anchor state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Highlight {
    pub id: i64,
    pub uuid: String,
    pub post: String,
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    pub start: i64,
    pub end: i64,
    pub label: Option<String>,
    pub note: String,
    pub tags: Vec<String>,
    /// `anchored`, `moved`, `fuzzy` or `orphaned`.
    pub state: String,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// The longest title a thread may be given, in characters.
pub const MAX_TITLE_CHARS: usize = 500;

/// A title the user typed (`--title`, rename): trimmed, not empty, at most
/// [`MAX_TITLE_CHARS`], one line without control characters (refused otherwise:
/// a title is printed on terminals and in lists).
pub fn check_title(title: &str) -> crate::Result<&str> {
    let title = title.trim();
    if title.is_empty() {
        return Err(crate::Error::bad_input("a thread needs a title"));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(crate::Error::bad_input(format!(
            "a title may have at most {MAX_TITLE_CHARS} characters"
        )));
    }
    if title.chars().any(char::is_control) {
        return Err(crate::Error::bad_input(
            "a title is one line, without control characters",
        ));
    }
    Ok(title)
}

/// A title from a source (a file or an answer from the web), cleaned rather than
/// refused: line breaks and other control characters become spaces, runs of
/// white space one space, and it is trimmed.
pub fn clean_title(title: &str) -> String {
    if !title.chars().any(char::is_control) && title.trim() == title {
        return title.to_string();
    }
    let spaced: String = title
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}
