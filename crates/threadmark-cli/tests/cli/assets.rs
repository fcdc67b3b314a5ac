//! What the packages take from the CLI: `--version` with the commit, the man pages and
//! completions of the hidden `generate-assets`, and `open`'s check of a link.

use std::process::Command as Std;

use assert_cmd::Command;

fn tm() -> Command {
    let mut c = Command::cargo_bin("threadmark").unwrap();
    c.env_remove("THREADMARK_DB");
    c
}

#[test]
fn version_names_the_commit() {
    let head = Std::new("git")
        .args(["rev-parse", "--short=10", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let head = String::from_utf8(head.stdout).unwrap();
    let commit = std::env::var("THREADMARK_COMMIT").unwrap_or(head.trim().to_string());
    tm().arg("--version").assert().success().stdout(format!(
        "threadmark {} (commit {commit})\n",
        env!("CARGO_PKG_VERSION")
    ));
}

#[test]
fn generate_assets_writes_a_man_page_per_subcommand_and_three_completions() {
    let dir = tempfile::tempdir().unwrap();
    let out = tm()
        .arg("generate-assets")
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let listed: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let mut pages: Vec<String> = std::fs::read_dir(dir.path().join("man"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    // Every subcommand `threadmark help` lists (and highlight's own) has its page;
    // the hidden generate-assets and clap's help have none.
    let help = tm()
        .arg("help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let help = String::from_utf8(help).unwrap();
    let mut expected = vec!["threadmark.1".to_string()];
    for line in help.lines().skip_while(|l| *l != "Commands:").skip(1) {
        let Some(name) = line.split_whitespace().next() else {
            break;
        };
        if name == "help" {
            continue;
        }
        expected.push(format!("threadmark-{name}.1"));
    }
    expected.extend([
        "threadmark-highlight-add.1".into(),
        "threadmark-highlight-list.1".into(),
        "threadmark-highlight-edit.1".into(),
        "threadmark-highlight-delete.1".into(),
        "threadmark-highlight-link.1".into(),
    ]);
    expected.sort();
    assert!(
        expected.contains(&"threadmark-open.1".to_string()),
        "{expected:?}"
    );
    assert_eq!(pages, expected);
    for page in &pages {
        let text = std::fs::read_to_string(dir.path().join("man").join(page)).unwrap();
        let name = page.trim_end_matches(".1");
        assert!(
            text.starts_with(&format!(
                ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH {name} 1"
            )),
            "{page}: {}",
            &text[..80.min(text.len())]
        );
        assert!(!text.contains("generate-assets"), "{page}");
    }
    let root = std::fs::read_to_string(dir.path().join("man/threadmark.1")).unwrap();
    assert!(
        root.contains("threadmark\\-open(1)"),
        "the root page lists open"
    );

    let completions = dir.path().join("completions");
    for (file, needle) in [
        ("threadmark.bash", "threadmark__subcmd__highlight,add"),
        ("_threadmark", "_threadmark__subcmd__highlight_commands"),
        ("threadmark.fish", "__fish_threadmark"),
    ] {
        let text = std::fs::read_to_string(completions.join(file)).unwrap();
        assert!(text.contains(needle), "{file} lacks {needle}");
        assert!(text.contains("open"), "{file} lacks the open subcommand");
        assert!(
            !text.contains("generate-assets"),
            "{file} offers the hidden command"
        );
    }
    assert_eq!(listed.len(), pages.len() + 3);
}

#[test]
fn open_refuses_what_is_not_a_threadmark_link() {
    for (link, why) in [
        (
            "https://example.com/",
            "it does not start with threadmark://",
        ),
        (
            "threadmark://highlight/42",
            "the highlight id is not a uuid",
        ),
        (
            "threadmark://note/1b4e28ba-2fa1-11d2-883f-0016d3cca427",
            "expected thread/<uuid>",
        ),
    ] {
        let out = tm()
            .args(["open", link])
            .assert()
            .failure()
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with(&format!("threadmark: {link}: not a threadmark link: {why}")),
            "{err}"
        );
    }
}
