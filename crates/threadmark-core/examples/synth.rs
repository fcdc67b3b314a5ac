//! Write a synthetic thread to a file, for benchmark scripts and manual tests.
//!
//! `cargo run --release -p threadmark-core --features synthetic --example synth -- hn 10000 out.json [SEED]`
//! `... --example synth -- text 10000 out.txt`

use std::process::ExitCode;

use threadmark_core::synthetic::{hn_algolia, text_dump};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: synth hn|text POSTS OUTPUT [SEED]";
    let (Some(kind), Some(posts), Some(out)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("{usage}");
        return ExitCode::FAILURE;
    };
    let Ok(posts) = posts.parse::<usize>() else {
        eprintln!("synth: POSTS must be a number, not {posts:?}\n{usage}");
        return ExitCode::FAILURE;
    };
    let seed = match args.get(3).map(|s| s.parse::<u64>()) {
        None => 1,
        Some(Ok(s)) => s,
        Some(Err(_)) => {
            eprintln!("synth: SEED must be a number\n{usage}");
            return ExitCode::FAILURE;
        }
    };
    let body = match kind.as_str() {
        "hn" => hn_algolia(posts, seed),
        "text" => text_dump(posts),
        other => {
            eprintln!("synth: unknown kind {other:?}\n{usage}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(out, body) {
        eprintln!("synth: {out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
