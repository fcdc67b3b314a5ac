//! What a `threadmark://` link points to in this library (see [`crate::deeplink`]).

use rusqlite::{params, OptionalExtension};

use super::Library;
use crate::deeplink::{DeepLink, LinkTarget};
use crate::error::{Error, Result};

impl Library {
    /// The thread, post and highlight `link` names, or a not-found error saying
    /// which of them this library does not hold.
    pub fn resolve_link(&self, link: &DeepLink) -> Result<LinkTarget> {
        let missing =
            |what: &str| Error::not_found(format!("{link}: {what} is not in this library"));
        let thread_by_uuid = |uuid: &str| -> Result<Option<i64>> {
            Ok(self
                .conn
                .query_row("SELECT id FROM threads WHERE uuid = ?1", [uuid], |r| {
                    r.get(0)
                })
                .optional()?)
        };
        match link {
            DeepLink::Thread { thread } => {
                let id = thread_by_uuid(thread)?.ok_or_else(|| missing("the thread"))?;
                Ok(LinkTarget {
                    thread: id,
                    post: None,
                    highlight: None,
                    orphaned: false,
                })
            }
            DeepLink::Post { thread, post } => {
                let id = thread_by_uuid(thread)?.ok_or_else(|| missing("the thread"))?;
                let found: Option<i64> = self
                    .conn
                    .query_row(
                        "SELECT 1 FROM posts WHERE thread_id = ?1 AND source_id = ?2",
                        params![id, post],
                        |r| r.get(0),
                    )
                    .optional()?;
                found.ok_or_else(|| missing("the post"))?;
                Ok(LinkTarget {
                    thread: id,
                    post: Some(post.clone()),
                    highlight: None,
                    orphaned: false,
                })
            }
            DeepLink::Highlight { highlight } => {
                let row: Option<(i64, String, String)> = self
                    .conn
                    .query_row(
                        "SELECT thread_id, post_source, state FROM highlights WHERE uuid = ?1",
                        [highlight],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )
                    .optional()?;
                let (thread, post, state) = row.ok_or_else(|| missing("the highlight"))?;
                Ok(LinkTarget {
                    thread,
                    post: Some(post),
                    highlight: Some(highlight.clone()),
                    orphaned: state == "orphaned",
                })
            }
        }
    }
}
