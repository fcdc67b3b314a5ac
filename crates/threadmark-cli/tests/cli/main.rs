//! Integration tests of the `threadmark` binary on temporary libraries, as one test
//! binary (one link instead of one per file); `common` holds what they share.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod assets;
mod basics;
mod common;
mod concurrent;
mod crash;
mod follow;
mod hostile;
mod identity;
mod svg;
mod sync;
mod sync_crypt;

#[path = "../../../threadmark-core/tests/http_server.rs"]
mod http_server;
