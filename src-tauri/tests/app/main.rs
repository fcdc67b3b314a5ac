//! The app crate's integration tests, in one binary: each test binary of this crate
//! links Tauri and WebKitGTK (hundreds of MB in a debug build), so one link instead
//! of three saves minutes and disk on a fresh CI machine.

mod commands;
mod config;
mod highlights;
mod sync;
mod sync_crypt;
