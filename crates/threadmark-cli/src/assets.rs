//! `threadmark generate-assets DIR` (hidden): the man pages and shell completions
//! the packages install, written from the same clap definition the CLI parses with,
//! so they never drift from it.
//!
//! Writes `DIR/man/threadmark.1` and one `threadmark-<sub>[-<sub>].1` per visible
//! subcommand, and `DIR/completions/{threadmark.bash,_threadmark,threadmark.fish}`.
//! Prints each file written.

use std::io::Write;
use std::path::Path;

use clap::Command;
use clap_complete::Shell;
use threadmark_core::{Error, Result};

/// Writes the man pages and completions for `cmd` under `dir`.
pub fn generate(mut cmd: Command, dir: &Path, out: &mut impl Write) -> Result<()> {
    let man = dir.join("man");
    let completions = dir.join("completions");
    for d in [&man, &completions] {
        std::fs::create_dir_all(d).map_err(|e| Error::from(e).in_file(d))?;
    }
    // The completion generators offer hidden subcommands too: complete a copy without them.
    let mut visible = without_hidden(&cmd);
    cmd.build();
    let mut written = Vec::new();
    man_pages(&cmd, cmd.get_name().to_string(), &man, &mut written)?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let name = cmd.get_name().to_string();
        let path = clap_complete::generate_to(shell, &mut visible, name, &completions)
            .map_err(|e| Error::from(e).in_file(&completions))?;
        written.push(path);
    }
    for path in written {
        writeln!(out, "{}", path.display())?;
    }
    Ok(())
}

/// `threadmark` with its arguments and visible subcommands only (what completion needs).
fn without_hidden(cmd: &Command) -> Command {
    let mut copy = Command::new("threadmark");
    for arg in cmd.get_arguments() {
        copy = copy.arg(arg.clone());
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        copy = copy.subcommand(sub.clone());
    }
    copy
}

/// The page of `cmd` (named `name`, e.g. `threadmark-highlight-add`), then those of
/// its visible subcommands.
fn man_pages(
    cmd: &Command,
    name: String,
    dir: &Path,
    written: &mut Vec<std::path::PathBuf>,
) -> Result<()> {
    let path = dir.join(format!("{name}.1"));
    let mut page = Vec::new();
    // A subcommand's page is titled with its full name, as `man threadmark-import` is asked.
    let named = cmd
        .clone()
        .display_name(name.clone())
        .bin_name(name.replace('-', " "));
    clap_mangen::Man::new(named)
        .render(&mut page)
        .map_err(|e| Error::from(e).in_file(&path))?;
    std::fs::write(&path, page).map_err(|e| Error::from(e).in_file(&path))?;
    written.push(path);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        man_pages(sub, format!("{name}-{}", sub.get_name()), dir, written)?;
    }
    Ok(())
}
