//! WebKitGTK settings for a reader of text, applied to the main window's webview
//! as the app starts.
//!
//! Threadmark shows text and a few flat boxes: nothing it draws gains from GPU
//! compositing, which on Linux costs the web process a GL context and a backing
//! buffer for every composited layer (with Mesa's software GL, as on a machine
//! without a GPU driver, ~85 MiB of the web process with a 10,000-post thread open;
//! `BENCHMARKS.md`, "App start and memory"). The page is drawn by the CPU instead.
//! The setting is applied just after the page started loading: Tauri offers no
//! hook before it. Other platforms are left as they are.

use tauri::{App, Manager, Runtime};

/// Applies the settings to the main window's webview. Does nothing on other
/// platforms, or when the window is not there.
pub fn configure<R: Runtime>(app: &App<R>) -> tauri::Result<()> {
    let Some(window) = app.get_webview_window("main") else {
        return Ok(());
    };
    window.with_webview(|webview| {
        #[cfg(target_os = "linux")]
        linux(&webview.inner());
        #[cfg(not(target_os = "linux"))]
        let _ = webview;
    })
}

#[cfg(target_os = "linux")]
fn linux(webview: &webkit2gtk::WebView) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if let Some(settings) = WebViewExt::settings(webview) {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}
