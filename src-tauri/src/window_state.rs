//! Window size and position kept across starts.
//!
//! `tauri-plugin-window-state` restores a window's size and position when it is
//! created, but writes them to disk only when the app exits through its event loop
//! (`RunEvent::Exit`). An app that is killed, crashes, or is ended by the session
//! (a logout, a WebDriver session ending) never gets there, and the next start comes
//! back at the configured 1100×780. So this small plugin also saves the state after
//! every resize or move, once the window has been still for [`QUIET`]: a drag does
//! not write the file fifty times, and whatever ends the app, the last size stands.

use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Manager, Runtime, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// What is kept: size, position, and whether the window was maximised.
pub const FLAGS: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// How long a window must be still after a resize or move before its state is saved.
pub const QUIET: Duration = Duration::from_millis(400);

/// The window-state plugin, saving on exit and restoring at start.
pub fn plugin<R: Runtime>() -> TauriPlugin<R> {
    tauri_plugin_window_state::Builder::default()
        .with_state_flags(FLAGS)
        .build()
}

/// Saves the window state (file of the window-state plugin) shortly after each
/// resize or move. Register after [`plugin`].
pub fn autosave<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("window-state-autosave")
        .on_window_ready(|window| {
            let (changed, changes) = mpsc::channel::<()>();
            let app = window.app_handle().clone();
            let spawned = thread::Builder::new()
                .name("window-state-autosave".into())
                .spawn(move || {
                    // One change starts a wait; every change during it starts it again.
                    while changes.recv().is_ok() {
                        loop {
                            match changes.recv_timeout(QUIET) {
                                Ok(()) => continue,
                                Err(RecvTimeoutError::Timeout) => break,
                                // The window is gone; the plugin saves on exit.
                                Err(RecvTimeoutError::Disconnected) => return,
                            }
                        }
                        // On the main thread: saving reads the window's size while
                        // holding the plugin's lock, which its own event handler
                        // (also on the main thread) takes.
                        let handle = app.clone();
                        let _ = app.run_on_main_thread(move || {
                            if let Err(error) = handle.save_window_state(FLAGS) {
                                eprintln!("threadmark-app: could not save the window size and position: {error}");
                            }
                        });
                    }
                });
            if spawned.is_err() {
                // Without the thread the state is still saved on a normal exit.
                return;
            }
            window.on_window_event(move |event| {
                if matches!(event, WindowEvent::Resized(_) | WindowEvent::Moved(_)) {
                    let _ = changed.send(());
                }
            });
        })
        .build()
}
