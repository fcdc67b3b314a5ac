//! `threadmark refresh`, `read` and `new`: following threads over time.
//!
//! `refresh [ID...]` downloads each thread again from the address it was saved from
//! (every refreshable thread when no id is given) and prints what changed per
//! thread; a failing source prints its one-line error and leaves that thread as it
//! was. `read ID [--all|--until POST]` marks posts read; `new [ID] [--json]` lists
//! the unread new and edited posts.

use std::io::Write;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::json;
use threadmark_core::fetch::FetchOptions;
use threadmark_core::follow::{refresh_blocking, News};
use threadmark_core::{import, Error, ErrorKind, Library, Result};

/// Arguments of `threadmark refresh`.
#[derive(Args)]
pub struct RefreshArgs {
    /// The threads to refresh [default: every thread saved from a web address].
    threads: Vec<i64>,
    /// Refuse answers larger than this many bytes [default: 512 MiB].
    #[arg(long, value_name = "BYTES", env = "THREADMARK_MAX_BYTES", default_value_t = import::DEFAULT_MAX_BYTES, hide_default_value = true)]
    max_bytes: u64,
    /// Give up on a request after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
    /// Send every request to this origin instead of the site's (a mirror or a test server).
    #[arg(long, value_name = "URL", env = "THREADMARK_FETCH_BASE", hide = true)]
    base_url: Option<String>,
}

/// Arguments of `threadmark read`.
#[derive(Args)]
pub struct ReadArgs {
    thread: i64,
    /// Every post of the thread (the default).
    #[arg(long, conflicts_with = "until")]
    all: bool,
    /// Every post up to and including this one (its source id) in thread order.
    #[arg(long, value_name = "POST")]
    until: Option<String>,
}

/// Arguments of `threadmark new`.
#[derive(Args)]
pub struct NewArgs {
    /// Only this thread.
    thread: Option<i64>,
    #[arg(long)]
    json: bool,
}

/// The follow commands, for `main.rs`.
#[derive(Subcommand)]
pub enum FollowCommand {
    /// Download threads again from the address they were saved from and show what changed: +N new, M edited, K removed.
    Refresh(RefreshArgs),
    /// Mark a thread's posts read (all of them, or up to a post).
    Read(ReadArgs),
    /// Posts new or edited since you last read them, across threads or in one.
    New(NewArgs),
}

impl FollowCommand {
    /// Whether the command changes the library (`new` only reads it).
    pub fn writes(&self) -> bool {
        !matches!(self, FollowCommand::New(_))
    }
}

pub fn run(lib: &mut Library, command: FollowCommand, out: &mut impl Write) -> Result<()> {
    match command {
        FollowCommand::Refresh(args) => refresh(lib, args, out),
        FollowCommand::Read(args) => {
            let n = lib.mark_thread_read(args.thread, args.until.as_deref())?;
            let _ = args.all;
            writeln!(out, "{n} posts marked read")?;
            Ok(())
        }
        FollowCommand::New(args) => {
            let news = lib.news(args.thread)?;
            if args.json {
                let v: Vec<_> = news.iter().map(news_json).collect();
                crate::output::print_json(out, &serde_json::Value::Array(v))
            } else {
                print_news(out, &news)
            }
        }
    }
}

fn refresh(lib: &mut Library, args: RefreshArgs, out: &mut impl Write) -> Result<()> {
    let options = FetchOptions {
        base: args.base_url,
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_bytes,
        ..Default::default()
    };
    let ids: Vec<i64> = if args.threads.is_empty() {
        let all: Vec<i64> = lib
            .refreshable_threads()?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        if all.is_empty() {
            writeln!(
                out,
                "No thread was saved from a web address: nothing to refresh."
            )?;
        }
        all
    } else {
        args.threads
    };
    let mut failed = 0;
    for id in &ids {
        let title = lib.thread(*id).map(|t| t.title);
        match title.and_then(|title| {
            refresh_blocking(
                lib,
                *id,
                &options,
                &mut threadmark_core::progress::unobserved,
            )
            .map(|r| (title, r))
        }) {
            Ok((title, report)) => writeln!(out, "{id}\t{title}: {report}")?,
            Err(e) => {
                failed += 1;
                let _ = writeln!(std::io::stderr(), "threadmark: refresh {id}: {e}");
            }
        }
        out.flush()?;
    }
    if failed > 0 {
        return Err(Error::new(
            ErrorKind::Network,
            format!(
                "{failed} of {} threads could not be refreshed (left as they were)",
                ids.len()
            ),
        ));
    }
    Ok(())
}

fn news_json(n: &News) -> serde_json::Value {
    json!({
        "thread": n.thread_id, "thread_title": n.thread_title, "post": n.post,
        "change": n.change.as_str(), "author": n.author, "text": n.text,
        "previous_text": n.previous_text,
        "parent": n.parent.as_ref().map(|p| json!({"post": p.post, "author": p.author, "text": p.text})),
    })
}

fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    } else {
        flat
    }
}

fn print_news(out: &mut impl Write, news: &[News]) -> Result<()> {
    if news.is_empty() {
        writeln!(out, "Nothing new since you last read.")?;
        return Ok(());
    }
    let mut thread = None;
    for n in news {
        if thread != Some(n.thread_id) {
            thread = Some(n.thread_id);
            writeln!(out, "{}\t{}", n.thread_id, n.thread_title)?;
        }
        if let Some(p) = &n.parent {
            writeln!(
                out,
                "    ↳ reply to {} ({}): {}",
                p.author.as_deref().unwrap_or("?"),
                p.post,
                one_line(&p.text, 60)
            )?;
        }
        writeln!(
            out,
            "  [{}] {} ({}): {}",
            n.change.as_str(),
            n.author.as_deref().unwrap_or("?"),
            n.post,
            one_line(&n.text, 100)
        )?;
    }
    Ok(())
}
