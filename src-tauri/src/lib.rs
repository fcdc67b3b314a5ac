//! Threadmark's desktop shell: a Tauri window over `threadmark-core`.
//!
//! This crate only translates. It opens the library (`state`), exposes a few thin
//! commands (`commands`, `commands_follow`, `commands_sync`) whose results cross IPC as generated DTOs (`dto`) or as a
//! `{ kind, message }` error (`error`), and registers three plugins: the open-file
//! dialog, the opener (links go to the system browser; the capability limits it
//! to http/https addresses) and window state (size and position kept across starts,
//! from Rust alone: the webview is granted nothing for it; `window_state`). `run` adds
//! single instance (default library only) and deep links: `threadmark://` links go to the open window (`links`). Product logic belongs
//! in the core; if a command grows past a few lines, the missing piece is a core
//! function.

pub mod commands;
pub mod commands_follow;
pub mod commands_graph;
pub mod commands_sync;
pub mod dto;
pub mod dto_follow;
pub mod dto_graph;
pub mod dto_sync;
pub mod error;
pub mod links;
pub mod state;
pub mod sync_watch;
pub mod webview;
pub mod window_state;

use tauri::{Builder, Context, Runtime};
use tauri_plugin_deep_link::DeepLinkExt;

pub use state::LibraryState;

/// Registers the library and the commands on `builder`. Shared by `run` and the tests,
/// which pass a mock-runtime builder.
pub fn app<R: Runtime>(builder: Builder<R>, library: LibraryState) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        // Size, position and maximised state restored at start, saved on exit and
        // after every resize or move (the app may end without an exit event).
        .plugin(window_state::plugin())
        .plugin(window_state::autosave())
        .manage(library)
        .manage(state::Imports::default())
        .manage(links::LinkInbox::default())
        .manage(sync_watch::FolderWatch::default())
        .invoke_handler(tauri::generate_handler![
            commands::list_threads,
            commands::open_thread,
            commands::thread_posts,
            commands::filter_thread,
            commands::thread_quotes,
            commands::quoted_by,
            commands::library_info,
            commands::search,
            commands::rename_thread,
            commands::delete_thread,
            commands::import_text,
            commands::fetch_url,
            commands::labels,
            commands::add_label,
            commands::update_label,
            commands::reorder_labels,
            commands::label_usage,
            commands::delete_label,
            commands::thread_highlights,
            commands::add_highlight,
            commands::set_highlight_label,
            commands::set_highlight_note,
            commands::delete_highlight,
            commands::undelete_highlight,
            commands::reattach_highlight,
            commands::add_link,
            commands::delete_link,
            commands::export_threads,
            commands::restore_backup,
            commands::import_file,
            commands::cancel_import,
            commands_follow::refresh_thread,
            commands_follow::follow_state,
            commands_follow::mark_read,
            commands_follow::mark_all_read,
            commands_follow::news,
            commands_follow::changed_highlights,
            commands_sync::sync_status,
            commands_sync::sync_now,
            commands_sync::sync_conflicts,
            commands_sync::restore_conflict,
            sync_watch::sync_poll_ms,
            links::take_links,
            links::about,
            commands_graph::argument_graph,
            commands_graph::argument_svg,
            commands_graph::save_png,
            commands_graph::thread_overview,
        ])
}

/// The compiled-in configuration, capabilities and frontend (`ui/dist`).
pub fn context<R: Runtime>() -> Context<R> {
    tauri::generate_context!()
}

/// Opens the library named by `--db` / `THREADMARK_DB` (or the default one) and runs
/// the app until its window closes. Exits with status 1 and a one-line message if the
/// library cannot be opened.
pub fn run() {
    let opened = state::library_path(
        std::env::args_os().skip(1),
        std::env::var_os("THREADMARK_DB"),
    )
    .and_then(LibraryState::open);
    let library = match opened {
        Ok(library) => library,
        Err(error) => {
            eprintln!("threadmark-app: {error}");
            std::process::exit(1);
        }
    };
    // The single-instance plugin first: a second start hands its links to this
    // window and exits before anything else is set up (links.rs). Only on the
    // default library: windows on libraries named by --db / THREADMARK_DB run side
    // by side (state::uses_default_library).
    let single = state::uses_default_library(
        std::env::args_os().skip(1),
        std::env::var_os("THREADMARK_DB").as_ref(),
    );
    let mut builder = Builder::default();
    if single {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
            links::deliver(app, links::links_in_args(argv));
        }));
    }
    let builder = builder.plugin(tauri_plugin_deep_link::init());
    let builder = app(builder, library).setup(|app| {
        webview::configure(app)?;
        let handle = app.handle().clone();
        app.deep_link().on_open_url(move |event| {
            let urls = event.urls().iter().map(|u| u.to_string()).collect();
            links::deliver(&handle, urls);
        });
        links::deliver(app.handle(), links::links_in_args(std::env::args()));
        Ok(())
    });
    if let Err(error) = builder.run(context()) {
        eprintln!("threadmark-app: {error}");
        std::process::exit(1);
    }
}
