//! The CLI's build script: the git commit for `threadmark --version` (see commit.rs).

include!("commit.rs");

fn main() {
    emit_commit();
}
