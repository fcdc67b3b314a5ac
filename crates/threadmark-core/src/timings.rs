//! Stage timings for profiling imports: with `THREADMARK_TIMINGS=1` in the
//! environment, each [`stage`] prints one line to stderr, the milliseconds since
//! the first stage of the process and the stage's name. Off (one cached check)
//! otherwise. For benchmarks and profiling only; nothing depends on the output.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    *START.get_or_init(|| {
        std::env::var_os("THREADMARK_TIMINGS")
            .filter(|v| v == "1")
            .map(|_| Instant::now())
    })
}

/// Mark the end of a stage named `name` (printed when timings are on).
pub fn stage(name: &str) {
    if let Some(t0) = start() {
        eprintln!(
            "timing {:>8.1} ms  {name}",
            t0.elapsed().as_secs_f64() * 1000.0
        );
    }
}
