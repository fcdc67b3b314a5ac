//! Reading what `import` is given: a file, a Maildir folder, a device, a FIFO or
//! standard input (`-`), every one through core's bounded reader, and ordinary text
//! refused when the format was guessed (not with `--format`, nor with `--into`: the
//! thread's earlier version says what it is).

use std::path::Path;

use threadmark_core::import::{self, ImportOptions};
use threadmark_core::{Result, ThreadDoc};

/// Parse the input named on the command line into threads, before the library is
/// opened (a bad input never touches it). `guessing`: the format is detected and
/// nothing says the input is a thread (no `--into`), so ordinary text is refused.
pub fn parse_input(file: &str, options: &ImportOptions, guessing: bool) -> Result<Vec<ThreadDoc>> {
    let (name, bytes) = if file == "-" {
        let stdin = std::io::stdin().lock();
        let bytes =
            import::read_bounded(stdin, options.max_bytes).map_err(|e| e.in_file("<stdin>"))?;
        ("<stdin>".to_string(), bytes)
    } else {
        let path = Path::new(file);
        if path.is_dir() {
            return import::parse_file(path, options);
        }
        (
            file.to_string(),
            import::read_path(path, options.max_bytes)?,
        )
    };
    if guessing {
        import::refuse_ordinary_text(&bytes, options.format).map_err(|e| e.in_file(&name))?;
    }
    import::parse_bytes(&name, &bytes, options)
}
