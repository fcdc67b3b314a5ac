// The git commit a build is made from, for `threadmark --version` and the app's
// About: `$THREADMARK_COMMIT` when set (a build from a source tarball), else
// `git rev-parse --short=10 HEAD`, else "unknown". `include!`d by the CLI's
// build.rs and by src-tauri/build.rs.

fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

/// Emits `THREADMARK_COMMIT` and the files whose change means another commit.
fn emit_commit() {
    println!("cargo:rerun-if-env-changed=THREADMARK_COMMIT");
    let commit = std::env::var("THREADMARK_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "--short=10", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    // Rebuild when HEAD moves: HEAD itself, the branch it names and packed refs.
    // (Only files that exist: a missing one would rerun the script on every build.)
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    for path in ["HEAD", "packed-refs"].into_iter().chain(branch.as_deref()) {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            if std::path::Path::new(&p).exists() {
                println!("cargo:rerun-if-changed={p}");
            }
        }
    }
    println!("cargo:rustc-env=THREADMARK_COMMIT={commit}");
}
