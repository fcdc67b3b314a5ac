//! `threadmark`: the Threadmark library from the terminal.
//!
//! A thin front over `threadmark-core`: parse arguments, call core, print. Errors are
//! printed as one line (file, place, cause) on stderr with a non-zero exit.

mod annotations;
mod assets;
mod edit;
mod filter;
mod follow;
mod library;
mod manage;
mod open;
mod output;
mod reading;
mod sync;
mod terminal;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};
use threadmark_core::export::{self, ExportFormat};
use threadmark_core::fetch::{self, FetchOptions};
use threadmark_core::import::{self, ImportOptions};
use threadmark_core::{Error, ErrorKind, NewHighlight, Result, SourceFormat, WriteOptions};

use library::Access;

#[derive(Parser)]
#[command(
    name = "threadmark",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("THREADMARK_COMMIT"), ")"),
    about = "Read, search and annotate saved discussion threads."
)]
struct Cli {
    /// The library file [default: $THREADMARK_DB, else the app's library in the platform data directory]
    #[arg(long, global = true, env = "THREADMARK_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import a thread from a file (or `-` for standard input); prints the id of each thread created or updated.
    Import {
        /// The file to import, or `-` for standard input.
        file: String,
        /// The input's format.
        #[arg(long, default_value = "auto", value_parser = clap::builder::PossibleValuesParser::new(SourceFormat::NAMES))]
        format: String,
        /// The thread's title (default: derived from the input).
        #[arg(long)]
        title: Option<String>,
        /// Make the file the new version of this thread (highlights are kept).
        #[arg(long, value_name = "THREAD")]
        into: Option<i64>,
        /// With --into: import even a file of another thread (another site or source id).
        #[arg(long, requires = "into")]
        force: bool,
        /// Refuse inputs larger than this: bytes, or with a unit (1k, 64KiB, 5MiB, 2GB) [default: 512MiB].
        #[arg(long, value_name = "SIZE", env = "THREADMARK_MAX_BYTES", value_parser = import::parse_size, default_value_t = import::DEFAULT_MAX_BYTES, hide_default_value = true)]
        max_bytes: u64,
    },
    /// Save a thread from the web: a Hacker News item, a Reddit thread, a Lobsters story or a Discourse topic URL; prints the thread's id (a thread saved before is updated).
    Fetch {
        /// The thread's address, e.g. https://news.ycombinator.com/item?id=8863.
        url: String,
        /// The thread's title (default: the source's).
        #[arg(long)]
        title: Option<String>,
        /// Refuse answers larger than this: bytes, or with a unit (1k, 5MiB) [default: 512MiB].
        #[arg(long, value_name = "SIZE", env = "THREADMARK_MAX_BYTES", value_parser = import::parse_size, default_value_t = import::DEFAULT_MAX_BYTES, hide_default_value = true)]
        max_bytes: u64,
        /// Give up after this many seconds, for the whole fetch (every request and retry).
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        timeout: u64,
        /// Send every request to this origin instead of the site's (a mirror or a test server).
        #[arg(long, value_name = "URL", env = "THREADMARK_FETCH_BASE", hide = true)]
        base_url: Option<String>,
    },
    /// List saved threads.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show a thread as a tree.
    Show {
        thread: i64,
        #[arg(long)]
        json: bool,
        /// Only the posts this query selects (author:NAME, op, label:NAME, has:highlight, new, edited, quotes:@NAME, words, "a phrase", -term), under their ancestors
        #[arg(long, value_name = "QUERY")]
        filter: Option<String>,
    },
    /// Every detected quote of a thread and what it resolved to.
    Quotes {
        thread: i64,
        #[arg(long)]
        json: bool,
    },
    /// Full-text search: words, "a phrase", prefix*, AND/OR/NOT.
    Search {
        query: String,
        /// Only this thread.
        #[arg(long)]
        thread: Option<i64>,
        /// At most this many results.
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// Export a thread (or every thread with --all).
    Export {
        /// The thread to export.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        thread: Option<i64>,
        /// Export every thread.
        #[arg(long)]
        all: bool,
        /// md, json, w3c (Web Annotation JSON-LD), csv, html (a standalone page),
        /// argdown (the argument map) or svg (the argument map as a picture).
        #[arg(long, value_parser = ["md", "json", "w3c", "csv", "html", "argdown", "svg"])]
        format: String,
        /// Write here instead of standard output (written whole or not at all). With
        /// --all and md, html, argdown or svg: a folder, one file per thread.
        #[arg(short, long, value_name = "FILE|DIR")]
        output: Option<PathBuf>,
    },
    /// Merge a JSON export (`export --format json`) into the library, without duplicates;
    /// or anchor W3C Web Annotations (a collection, a page, a list) or a Hypothesis API
    /// result (`{"rows": [...]}`) on the saved threads they target.
    Restore {
        /// The JSON export or annotation document to restore.
        file: PathBuf,
    },
    /// Add or list highlights.
    #[command(subcommand)]
    Highlight(HighlightCommand),
    /// Delete a thread with its posts and highlights; prints what was deleted.
    Delete { thread: i64 },
    /// Give a thread a new title (one line, no control characters).
    Rename { thread: i64, title: String },
    #[command(flatten)]
    Follow(follow::FollowCommand),
    /// Sync the library with a folder you sync (Syncthing, Dropbox, a USB stick): sends this library's changes, applies the others'.
    Sync(sync::SyncArgs),
    /// Show a threadmark:// link (a thread, a post or a highlight) in the app's window.
    Open {
        /// threadmark://thread/UUID, threadmark://thread/UUID/post/ID or threadmark://highlight/UUID.
        link: String,
    },
    /// Write the man pages and shell completions into DIR (used to build the packages).
    #[command(hide = true)]
    GenerateAssets { dir: PathBuf },
}

#[derive(Subcommand)]
enum HighlightCommand {
    /// Highlight text in a post (POST is the post's source id, e.g. a line number for text dumps).
    Add {
        thread: i64,
        post: String,
        /// The exact text to highlight.
        #[arg(long)]
        exact: String,
        /// Text just before it, to tell repeated text apart.
        #[arg(long)]
        prefix: Option<String>,
        /// Text just after it.
        #[arg(long)]
        suffix: Option<String>,
        /// A label name: Claim, Evidence, Rebuttal, Question, Concession, …
        #[arg(long)]
        label: Option<String>,
        /// A note (Markdown).
        #[arg(long, default_value = "")]
        note: String,
        /// A tag; repeat for several.
        #[arg(long = "tag")]
        tags: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// A thread's highlights in thread order, with each one's number, uuid and anchor state.
    List {
        thread: i64,
        #[arg(long)]
        json: bool,
    },
    /// Change a highlight's label, note or tags (ID: its number or uuid).
    Edit {
        id: String,
        /// A label name; `none` or "" removes the label.
        #[arg(long)]
        label: Option<String>,
        /// The new note (Markdown).
        #[arg(long)]
        note: Option<String>,
        /// Add a tag; repeat for several.
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Remove a tag; repeat for several.
        #[arg(long = "untag")]
        untags: Vec<String>,
    },
    /// Delete a highlight with its tags and links (ID: its number or uuid).
    Delete { id: String },
    /// Link two highlights of a thread: FROM supports, rebuts, answers or qualifies TO.
    Link {
        from: String,
        to: String,
        #[arg(long, value_parser = ["supports", "rebuts", "answers", "qualifies"])]
        kind: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "threadmark: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Import {
            file,
            format,
            title,
            into,
            force,
            max_bytes,
        } => {
            let write = WriteOptions {
                into,
                force,
                title: title.clone(),
            };
            let options = ImportOptions {
                format: SourceFormat::parse(&format).unwrap_or(SourceFormat::Auto),
                title,
                max_bytes,
            };
            // Parse first: a bad file never opens (or creates) the library.
            threadmark_core::timings::stage("start");
            let docs = reading::parse_input(&file, &options, into.is_none())?;
            threadmark_core::timings::stage("parsed");
            let mut lib = library::open(cli.db, Access::Write)?;
            threadmark_core::timings::stage("library open");
            let ids = lib
                .import_docs_with(&docs, &write, &mut threadmark_core::progress::unobserved)
                .map_err(|e| e.in_file(&file))?;
            threadmark_core::timings::stage("imported");
            import::drop_in_background(docs);
            for id in ids {
                writeln!(out, "{id}")?;
            }
        }
        Command::Fetch {
            url,
            title,
            max_bytes,
            timeout,
            base_url,
        } => {
            let options = FetchOptions {
                base: base_url,
                timeout: Duration::from_secs(timeout.max(1)),
                total: Some(Duration::from_secs(timeout.max(1))),
                max_bytes,
                ..Default::default()
            };
            // Fetch first: a failed fetch never opens (or creates) the library.
            let doc = fetch::fetch_blocking(&url, &options)?;
            let title = title
                .as_deref()
                .map(threadmark_core::check_title)
                .transpose()?
                .map(str::to_string);
            let mut lib = library::open(cli.db, Access::Write)?;
            let write = WriteOptions {
                title,
                ..WriteOptions::default()
            };
            let ids = lib
                .import_docs_with(
                    std::slice::from_ref(&doc),
                    &write,
                    &mut threadmark_core::progress::unobserved,
                )
                .map_err(|e| e.in_file(&url))?;
            for &id in &ids {
                lib.set_source_url(id, &url)?;
            }
            for id in ids {
                writeln!(out, "{id}")?;
            }
        }
        Command::List { json } => {
            let lib = library::open(cli.db, Access::Read)?;
            let threads = lib.list_threads()?;
            if json {
                output::print_json(&mut out, &output::threads_json(&threads))?;
            } else {
                output::print_threads(&mut out, &threads)?;
            }
        }
        Command::Show {
            thread,
            json,
            filter: Some(query),
        } => {
            let lib = library::open(cli.db, Access::Read)?;
            filter::show_filtered(&mut out, &lib, thread, &query, json)?;
        }
        Command::Show {
            thread,
            json,
            filter: None,
        } => {
            let lib = library::open(cli.db, Access::Read)?;
            let t = lib.thread(thread)?;
            let posts = lib.posts(thread)?;
            if json {
                output::print_json(&mut out, &output::show_json(&t, &posts))?;
            } else {
                let quotes = lib.quote_blocks(thread, true)?;
                output::print_tree(&mut out, &t, &posts, &quotes)?;
            }
        }
        Command::Quotes { thread, json } => {
            let lib = library::open(cli.db, Access::Read)?;
            let quotes = lib.quotes(thread)?;
            if json {
                let v: Vec<_> = quotes.iter().map(export::quote_json).collect();
                output::print_json(&mut out, &serde_json::Value::Array(v))?;
            } else {
                output::print_quotes(&mut out, &quotes)?;
            }
        }
        Command::Search {
            query,
            thread,
            limit,
            json,
        } => {
            let lib = library::open(cli.db, Access::Read)?;
            manage::check_thread(&lib, thread)?;
            if json {
                let hits = lib.search(&query, thread, limit, ("[", "]"))?;
                output::print_json(&mut out, &output::hits_json(&hits))?;
            } else {
                let marks = (output::MATCH_START, output::MATCH_END);
                let hits = lib.search(&query, thread, limit, marks)?;
                output::print_hits(&mut out, &hits, terminal::stdout_styling())?;
            }
        }
        Command::Export {
            thread,
            all,
            format,
            output,
        } => {
            let lib = library::open(cli.db, Access::Read)?;
            let ids: Vec<i64> = if all {
                lib.list_threads()?.into_iter().map(|t| t.id).collect()
            } else {
                thread.into_iter().collect()
            };
            let format = ExportFormat::parse(&format)?;
            match output {
                Some(dir) if all && format.per_thread() => {
                    for path in export::save_folder(&lib, &ids, format, &dir)? {
                        writeln!(out, "{}", path.display())?;
                    }
                }
                // Markdown updates an existing file, or a vault folder, in place.
                Some(path) if format == ExportFormat::Markdown => {
                    if path.is_dir() {
                        export::save_folder(&lib, &ids, format, &path)?;
                    } else {
                        export::save_file(&lib, &ids, format, &path)?;
                    }
                }
                Some(path) => write_whole(&path, export::export(&lib, &ids, format)?.as_bytes())?,
                None if all && format == ExportFormat::Html => {
                    return Err(Error::bad_input(
                        "an HTML export is one page per thread: give the library a folder with -o DIR",
                    ));
                }
                None if all && format == ExportFormat::Svg => {
                    return Err(Error::bad_input(
                        "an SVG export is one picture per thread: give the library a folder with -o DIR",
                    ));
                }
                None => out.write_all(export::export(&lib, &ids, format)?.as_bytes())?,
            }
        }
        Command::Highlight(HighlightCommand::Add {
            thread,
            post,
            exact,
            prefix,
            suffix,
            label,
            note,
            tags,
            json,
        }) => {
            let mut lib = library::open(cli.db, Access::Write)?;
            let new = NewHighlight {
                exact,
                prefix,
                suffix,
                start: None,
                label,
                note,
                tags,
            };
            let h = lib.add_highlight(thread, &post, &new)?;
            if json {
                output::print_json(&mut out, &output::highlight_json(&h))?;
            } else {
                writeln!(out, "{}", h.uuid)?;
            }
        }
        Command::Highlight(HighlightCommand::List { thread, json }) => {
            let lib = library::open(cli.db, Access::Read)?;
            let highlights = lib.highlights(thread)?;
            if json {
                let v = highlights.iter().map(output::highlight_json).collect();
                output::print_json(&mut out, &serde_json::Value::Array(v))?;
            } else {
                output::print_highlights(&mut out, &highlights)?;
            }
        }
        Command::Highlight(HighlightCommand::Edit {
            id,
            label,
            note,
            tags,
            untags,
        }) => {
            let mut lib = library::open(cli.db, Access::Write)?;
            edit::edit(&mut lib, &mut out, &id, label, note, &tags, &untags)?;
        }
        Command::Highlight(HighlightCommand::Delete { id }) => {
            let mut lib = library::open(cli.db, Access::Write)?;
            edit::delete(&mut lib, &mut out, &id)?;
        }
        Command::Highlight(HighlightCommand::Link { from, to, kind }) => {
            let mut lib = library::open(cli.db, Access::Write)?;
            edit::link(&mut lib, &mut out, &from, &to, &kind)?;
        }
        Command::Sync(args) => {
            let access = if args.writes() {
                Access::Write
            } else {
                Access::Read
            };
            sync::run(&mut library::open(cli.db, access)?, args, &mut out)?;
        }
        Command::Restore { file } => {
            let bytes = import::read_path(&file, import::DEFAULT_MAX_BYTES)?;
            let doc: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| Error::from(e).in_file(&file))?;
            if threadmark_core::annotations::is_annotation_doc(&doc) {
                let mut lib = library::open(cli.db, Access::Write)?;
                let r = lib
                    .restore_annotations(&doc)
                    .map_err(|e| e.in_file(&file))?;
                annotations::print_report(&mut out, &r)?;
                out.flush()?;
                return Ok(());
            }
            let mut lib = library::open(cli.db, Access::Write)?;
            let r = lib.restore(&doc).map_err(|e| e.in_file(&file))?;
            writeln!(
                out,
                "threads: {} created, {} merged; posts added: {}; highlights: {} added, {} updated, {} orphaned; labels added: {}",
                r.threads_created, r.threads_merged, r.posts_added, r.highlights_added, r.highlights_updated, r.highlights_orphaned, r.labels_added
            )?;
        }
        Command::Delete { thread } => {
            let mut lib = library::open(cli.db, Access::Write)?;
            manage::delete(&mut lib, &mut out, thread)?;
        }
        Command::Rename { thread, title } => {
            let mut lib = library::open(cli.db, Access::Write)?;
            manage::rename(&mut lib, &mut out, thread, &title)?;
        }
        Command::Follow(command) => {
            let access = if command.writes() {
                Access::Write
            } else {
                Access::Read
            };
            follow::run(&mut library::open(cli.db, access)?, command, &mut out)?
        }
        Command::Open { link } => open::open(&link, cli.db.as_deref())?,
        Command::GenerateAssets { dir } => assets::generate(Cli::command(), &dir, &mut out)?,
    }
    out.flush()?;
    Ok(())
}

/// Write a file whole or not at all: a temporary file beside it, then a rename.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let wrap = |e: std::io::Error| Error::from(e).in_file(path);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| Error::new(ErrorKind::Io, "not a file name").in_file(path))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(wrap)
}
