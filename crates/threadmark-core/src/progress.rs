//! Progress of a long import, and stopping it.
//!
//! An import calls its observer once per post prepared (rendered) and once per post
//! stored, and then once more when the import is done. Posts are prepared and stored
//! a chunk at a time, so the two kinds of report interleave; each post is reported
//! prepared before it is reported stored. The observer answers whether to go on: `Break`
//! stops the import at that step with an error of kind `Cancelled`, and since every
//! import is one transaction nothing of it is kept.

use std::ops::ControlFlow;

/// What an import is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    /// Rendering posts and matching their quotes.
    Preparing,
    /// Writing posts to the library.
    Storing,
}

impl ImportStage {
    /// The stable snake_case name used in JSON and IPC.
    pub fn as_str(&self) -> &'static str {
        match self {
            ImportStage::Preparing => "preparing",
            ImportStage::Storing => "storing",
        }
    }
}

/// One report: `done` of `total` posts (over all `threads` being imported) have
/// passed `stage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    pub stage: ImportStage,
    pub done: usize,
    pub total: usize,
    /// How many threads (or mail conversations) the import holds.
    pub threads: usize,
}

/// Receives progress reports; `Break` cancels the import.
pub type Observer<'a> = &'a mut dyn FnMut(ImportProgress) -> ControlFlow<()>;

/// An observer that never stops anything, for imports nobody watches.
pub fn unobserved(_: ImportProgress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}

/// Counts posts through the stages and asks the observer at each step.
pub(crate) struct Tracker<'a> {
    observer: Observer<'a>,
    total: usize,
    threads: usize,
    prepared: usize,
    stored: usize,
}

impl<'a> Tracker<'a> {
    pub(crate) fn new(observer: Observer<'a>, total: usize, threads: usize) -> Self {
        Tracker {
            observer,
            total,
            threads,
            prepared: 0,
            stored: 0,
        }
    }

    fn report(&mut self, stage: ImportStage, done: usize) -> crate::Result<()> {
        let progress = ImportProgress {
            stage,
            done,
            total: self.total,
            threads: self.threads,
        };
        match (self.observer)(progress) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(crate::Error::new(
                crate::ErrorKind::Cancelled,
                "import cancelled: nothing was saved",
            )),
        }
    }

    /// One more post prepared.
    pub(crate) fn prepared(&mut self) -> crate::Result<()> {
        self.prepared += 1;
        self.report(ImportStage::Preparing, self.prepared)
    }

    /// One more post stored.
    pub(crate) fn stored(&mut self) -> crate::Result<()> {
        self.stored += 1;
        self.report(ImportStage::Storing, self.stored)
    }

    /// Everything is written; the last chance to cancel before the commit.
    pub(crate) fn finishing(&mut self) -> crate::Result<()> {
        self.report(ImportStage::Storing, self.stored)
    }
}
